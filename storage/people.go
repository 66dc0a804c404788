package storage

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// EnsureConsultant returns the consultant known by id. On first use it
// creates one named name in the jobcenter named jobcenter (creating that
// too), or, when a consultant of that name was registered by others before
// they wrote (named as an owner, imported), gives that record this
// identity. On a file no one has written to yet (fresh, or filled only by
// an import) a console person who writes first becomes admin: the local
// operator's convenience. A Slack or Teams person never becomes admin
// here; those are named (KONTAKTBOT_ADMINS, kontaktbot admin add).
//
// The common case, a known identity, is answered from memory: no
// transaction, no write and no fsync per command.
func (db *DB) EnsureConsultant(ctx context.Context, id bot.Identity, name, jobcenter string) (c bot.Consultant, created bool, err error) {
	key := id.Key()
	if err := ctx.Err(); err != nil {
		return c, false, err
	}
	if known, ok := db.people.byIdentity(key); ok {
		return known, false, nil
	}
	operator := operatorOf(ctx)
	err = db.update(ctx, func(tx *bolt.Tx) error {
		c, created = bot.Consultant{}, false
		if cid := lookup(tx, bIdentities, key); cid != 0 { // raced with ourselves
			return get(tx, bConsultants, cid, &c)
		}
		now := db.clock.Now()
		if cid := lookup(tx, bPeopleNames, bot.NormalizeName(name)); cid != 0 {
			var known bot.Consultant
			if err := get(tx, bConsultants, cid, &known); err != nil {
				return err
			}
			if len(known.Identities) == 0 && (known.Role != bot.RoleAdmin || id.Platform == bot.ConsolePlatform) {
				if firstOperator(tx, id) {
					known.Role = bot.RoleAdmin
					if err := appendAudit(tx, now, bootstrapEntry(known, operator)); err != nil {
						return err
					}
				}
				known.Identities = append(known.Identities, id)
				c = known
				if err := tx.Bucket(bIdentities).Put([]byte(key), itob(c.ID)); err != nil {
					return err
				}
				return db.putConsultant(tx, c)
			}
			name = freeName(tx, name)
		}
		jc, newJobcenter, err := ensureJobcenter(tx, jobcenter, now)
		if err != nil {
			return err
		}
		role := bot.RoleConsultant
		if firstOperator(tx, id) {
			role = bot.RoleAdmin
		}
		c = bot.Consultant{Name: name, JobcenterID: jc, Role: role, Lang: bot.Danish, Identities: []bot.Identity{id}, Created: now}
		if c, err = db.createConsultant(tx, c); err != nil {
			return err
		}
		if newJobcenter {
			// Named by the new person's platform (KONTAKTBOT_JOBCENTER, the
			// Slack workspace): they caused it, unless an operator's
			// command registered them.
			entry := bot.AuditEntry{ActorID: c.ID, Actor: c.Name, JobcenterID: jc, PersonID: c.ID,
				Action: bot.AuditJobcenter, Subject: jobcenter, Detail: "created for a new person"}
			if operator != "" {
				entry.ActorID, entry.Actor = 0, operator
			}
			if err := appendAudit(tx, now, entry); err != nil {
				return err
			}
		}
		if role == bot.RoleAdmin {
			if err := appendAudit(tx, now, bootstrapEntry(c, operator)); err != nil {
				return err
			}
		}
		created = true
		return tx.Bucket(bIdentities).Put([]byte(key), itob(c.ID))
	})
	if err != nil {
		return bot.Consultant{}, false, fmt.Errorf("ensure consultant: %w", err)
	}
	return c, created, nil
}

// bootstrapEntry records that c, the first console person on a fresh
// file, was made admin: by kontaktbot when they wrote first, by the
// operator's command when one named them.
func bootstrapEntry(c bot.Consultant, operator string) bot.AuditEntry {
	if operator != "" {
		return bot.AuditEntry{Actor: operator, JobcenterID: c.JobcenterID, PersonID: c.ID,
			Action: bot.AuditAdminBootstrap, Subject: c.Name, Detail: "named admin of a fresh file"}
	}
	return bot.AuditEntry{ActorID: c.ID, Actor: "kontaktbot", JobcenterID: c.JobcenterID, PersonID: c.ID,
		Action: bot.AuditAdminBootstrap, Subject: c.Name, Detail: "first console user of a fresh file"}
}

// operatorCtx is the context key of WithOperator.
type operatorCtx struct{}

// WithOperator returns ctx naming an operator's command (such as
// "kontaktbot admin add") as the one acting: the audit entries that
// EnsureConsultant writes of its own accord (a jobcenter it creates, a
// first admin) name that command, not the person it registers.
func WithOperator(ctx context.Context, command string) context.Context {
	return context.WithValue(ctx, operatorCtx{}, command)
}

func operatorOf(ctx context.Context) string {
	s, _ := ctx.Value(operatorCtx{}).(string)
	return s
}

// firstOperator reports whether id, writing now, becomes admin: a console
// person, on a file with no admin that no one has written to before (no
// identity is known). An import registers people by name only, so it
// leaves the file as fresh as it was, and never makes anyone admin.
func firstOperator(tx *bolt.Tx, id bot.Identity) bool {
	if id.Platform != bot.ConsolePlatform {
		return false
	}
	if k, _ := tx.Bucket(bIdentities).Cursor().First(); k != nil {
		return false
	}
	return !hasAdmin(tx)
}

// hasAdmin reports whether any consultant is an admin.
func hasAdmin(tx *bolt.Tx) bool {
	found := false
	tx.Bucket(bConsultants).ForEach(func(_, v []byte) error {
		var c bot.Consultant
		if json.Unmarshal(v, &c) == nil && c.Role == bot.RoleAdmin {
			found = true
			return errStop
		}
		return nil
	})
	return found
}

var errStop = errors.New("stop")

// freeName is name, or name with the smallest number 2, 3, ... appended
// that no consultant has yet: two people of the same name both get in.
func freeName(tx *bolt.Tx, name string) string {
	for i := 2; ; i++ {
		n := name + " " + strconv.Itoa(i)
		if lookup(tx, bPeopleNames, bot.NormalizeName(n)) == 0 {
			return n
		}
	}
}

// ensureJobcenter returns the id of the jobcenter named name, creating it
// (created then says so: the caller records it in the audit trail).
func ensureJobcenter(tx *bolt.Tx, name string, now time.Time) (id uint64, created bool, err error) {
	if id := lookup(tx, bJobNames, bot.NormalizeName(name)); id != 0 {
		return id, false, nil
	}
	j, err := createJobcenter(tx, bot.Jobcenter{Name: name, Created: now})
	return j.ID, err == nil, err
}

// Consultant returns the consultant with the id, or bot.ErrNotFound.
func (db *DB) Consultant(ctx context.Context, id uint64) (c bot.Consultant, err error) {
	if err := ctx.Err(); err != nil {
		return c, err
	}
	// From memory: the cache follows every committed write.
	if c, ok := db.people.get(id); ok {
		return c, nil
	}
	return c, bot.ErrNotFound
}

// ConsultantByIdentity returns the consultant a platform identity belongs
// to, or bot.ErrNotFound when that person has never used the bot. It reads
// from memory.
func (db *DB) ConsultantByIdentity(ctx context.Context, id bot.Identity) (bot.Consultant, error) {
	if err := ctx.Err(); err != nil {
		return bot.Consultant{}, err
	}
	if c, ok := db.people.byIdentity(id.Key()); ok {
		return c, nil
	}
	return bot.Consultant{}, bot.ErrNotFound
}

// ConsultantByName returns the consultant whose normalized name is that of
// name, or bot.ErrNotFound.
func (db *DB) ConsultantByName(ctx context.Context, name string) (c bot.Consultant, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		id := lookup(tx, bPeopleNames, bot.NormalizeName(name))
		if id == 0 {
			return bot.ErrNotFound
		}
		return get(tx, bConsultants, id, &c)
	})
	return c, err
}

// Consultants returns every consultant ordered by id. It answers from
// memory (the morning sweep reads all 5,000 of a large municipality); the
// slices in the result are the caller's own.
func (db *DB) Consultants(ctx context.Context) ([]bot.Consultant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return db.people.all(), nil
}

// CreateConsultant stores a consultant known only by name so far. A name
// whose normalized form is taken gives a *bot.ConflictError.
func (db *DB) CreateConsultant(ctx context.Context, c bot.Consultant) (out bot.Consultant, err error) {
	if c.Created.IsZero() {
		c.Created = db.clock.Now()
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		out, err = db.createConsultant(tx, c)
		return err
	})
	return out, err
}

func (db *DB) createConsultant(tx *bolt.Tx, c bot.Consultant) (bot.Consultant, error) {
	key := bot.NormalizeName(c.Name)
	if key == "" {
		return c, bot.Errorf(bot.Invalid, "a consultant needs a name")
	}
	if id := lookup(tx, bPeopleNames, key); id != 0 {
		return c, &bot.ConflictError{What: "name", Key: c.Name, ID: id}
	}
	id, err := nextID(tx, bConsultants)
	if err != nil {
		return c, err
	}
	c.ID = id
	if err := tx.Bucket(bPeopleNames).Put([]byte(key), itob(id)); err != nil {
		return c, err
	}
	for _, i := range c.Identities {
		if err := tx.Bucket(bIdentities).Put([]byte(i.Key()), itob(id)); err != nil {
			return c, err
		}
	}
	return c, db.putConsultant(tx, c)
}

// UpdateConsultant loads the consultant, lets fn change it and stores it,
// in one transaction. A rename is checked for clashes; the id and the
// identities cannot be changed through it.
func (db *DB) UpdateConsultant(ctx context.Context, id uint64, fn func(*bot.Consultant) error, audit ...bot.AuditEntry) (c bot.Consultant, err error) {
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		var old bot.Consultant
		if err := get(tx, bConsultants, id, &old); err != nil {
			return err
		}
		c = old
		c.Identities = append([]bot.Identity(nil), old.Identities...)
		if err := fn(&c); err != nil {
			return err
		}
		c.ID, c.Identities = old.ID, old.Identities
		if err := reindex(tx, bPeopleNames, bot.NormalizeName(old.Name), bot.NormalizeName(c.Name), c.Name, id); err != nil {
			return err
		}
		return db.putConsultant(tx, c)
	}))
	return c, err
}

// reindex moves a unique name index entry from oldKey to newKey.
func reindex(tx *bolt.Tx, bucket []byte, oldKey, newKey, name string, id uint64) error {
	if oldKey == newKey {
		return nil
	}
	if newKey == "" {
		return bot.Errorf(bot.Invalid, "the name cannot be empty")
	}
	if other := lookup(tx, bucket, newKey); other != 0 && other != id {
		return &bot.ConflictError{What: "name", Key: name, ID: other}
	}
	b := tx.Bucket(bucket)
	if err := b.Delete([]byte(oldKey)); err != nil {
		return err
	}
	return b.Put([]byte(newKey), itob(id))
}

// CreateJobcenter stores a new jobcenter; a clashing name gives a
// *bot.ConflictError.
func (db *DB) CreateJobcenter(ctx context.Context, j bot.Jobcenter, audit ...bot.AuditEntry) (out bot.Jobcenter, err error) {
	if j.Created.IsZero() {
		j.Created = db.clock.Now()
	}
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		out, err = createJobcenter(tx, j)
		return err
	}))
	return out, err
}

func createJobcenter(tx *bolt.Tx, j bot.Jobcenter) (bot.Jobcenter, error) {
	key := bot.NormalizeName(j.Name)
	if key == "" {
		return j, bot.Errorf(bot.Invalid, "a jobcenter needs a name")
	}
	if id := lookup(tx, bJobNames, key); id != 0 {
		return j, &bot.ConflictError{What: "name", Key: j.Name, ID: id}
	}
	id, err := nextID(tx, bJobcenters)
	if err != nil {
		return j, err
	}
	j.ID = id
	if err := tx.Bucket(bJobNames).Put([]byte(key), itob(id)); err != nil {
		return j, err
	}
	return j, put(tx, bJobcenters, id, j)
}

// Jobcenter returns the jobcenter with the id, or bot.ErrNotFound.
func (db *DB) Jobcenter(ctx context.Context, id uint64) (j bot.Jobcenter, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error { return get(tx, bJobcenters, id, &j) })
	return j, err
}

// JobcenterByName returns the jobcenter whose normalized name is that of
// name, or bot.ErrNotFound.
func (db *DB) JobcenterByName(ctx context.Context, name string) (j bot.Jobcenter, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		id := lookup(tx, bJobNames, bot.NormalizeName(name))
		if id == 0 {
			return bot.ErrNotFound
		}
		return get(tx, bJobcenters, id, &j)
	})
	return j, err
}

// Jobcenters returns every jobcenter ordered by id.
func (db *DB) Jobcenters(ctx context.Context) ([]bot.Jobcenter, error) {
	var out []bot.Jobcenter
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bJobcenters).ForEach(func(k, v []byte) error {
			var j bot.Jobcenter
			if err := decode(v, &j, bJobcenters, k); err != nil {
				return err
			}
			out = append(out, j)
			return nil
		})
	})
	return out, err
}

// UpdateJobcenter is UpdateConsultant for jobcenters.
func (db *DB) UpdateJobcenter(ctx context.Context, id uint64, fn func(*bot.Jobcenter) error, audit ...bot.AuditEntry) (j bot.Jobcenter, err error) {
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		var old bot.Jobcenter
		if err := get(tx, bJobcenters, id, &old); err != nil {
			return err
		}
		j = old
		j.Partners = append([]uint64(nil), old.Partners...)
		if err := fn(&j); err != nil {
			return err
		}
		j.ID = id
		if err := reindex(tx, bJobNames, bot.NormalizeName(old.Name), bot.NormalizeName(j.Name), j.Name, id); err != nil {
			return err
		}
		return put(tx, bJobcenters, id, j)
	}))
	return j, err
}

// putConsultant stores c and, once committed, the in-memory copy.
func (db *DB) putConsultant(tx *bolt.Tx, c bot.Consultant) error {
	if err := put(tx, bConsultants, c.ID, c); err != nil {
		return err
	}
	tx.OnCommit(func() { db.people.set(c) })
	return nil
}

// peopleCache holds every consultant in memory, kept in step by each
// committed write (under writeMu, so in commit order).
type peopleCache struct {
	mu    sync.RWMutex
	byID  map[uint64]bot.Consultant
	byKey map[string]uint64 // identity key -> consultant id
}

func (db *DB) loadPeople() (*peopleCache, error) {
	pc := &peopleCache{byID: map[uint64]bot.Consultant{}, byKey: map[string]uint64{}}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bConsultants).ForEach(func(k, v []byte) error {
			var c bot.Consultant
			if err := decode(v, &c, bConsultants, k); err != nil {
				return err
			}
			pc.byID[c.ID] = c
			for _, i := range c.Identities {
				pc.byKey[i.Key()] = c.ID
			}
			return nil
		})
	})
	return pc, err
}

func (pc *peopleCache) set(c bot.Consultant) {
	c.Identities = slices.Clone(c.Identities)
	pc.mu.Lock()
	pc.byID[c.ID] = c
	for _, i := range c.Identities {
		pc.byKey[i.Key()] = c.ID
	}
	pc.mu.Unlock()
}

// remove forgets the consultant with the id and its identities.
func (pc *peopleCache) remove(id uint64) {
	pc.mu.Lock()
	for _, i := range pc.byID[id].Identities {
		if pc.byKey[i.Key()] == id {
			delete(pc.byKey, i.Key())
		}
	}
	delete(pc.byID, id)
	pc.mu.Unlock()
}

// get returns the consultant with the id.
func (pc *peopleCache) get(id uint64) (bot.Consultant, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	c, ok := pc.byID[id]
	c.Identities = slices.Clone(c.Identities)
	return c, ok
}

// byIdentity returns the consultant an identity key belongs to.
func (pc *peopleCache) byIdentity(key string) (bot.Consultant, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	id, ok := pc.byKey[key]
	if !ok {
		return bot.Consultant{}, false
	}
	c := pc.byID[id]
	c.Identities = slices.Clone(c.Identities)
	return c, true
}

func (pc *peopleCache) all() []bot.Consultant {
	pc.mu.RLock()
	out := make([]bot.Consultant, 0, len(pc.byID))
	for _, c := range pc.byID {
		c.Identities = slices.Clone(c.Identities)
		out = append(out, c)
	}
	pc.mu.RUnlock()
	slices.SortFunc(out, func(a, b bot.Consultant) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
