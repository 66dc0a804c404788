package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// decode unmarshals a stored record, naming it in the error.
func decode(data []byte, v any, bucket, key []byte) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s #%d: %w", bucket, btoi(key), err)
	}
	return nil
}

// nameKeys are the normalized name and aliases a company is found by, the
// name first, without duplicates or empties.
func nameKeys(c *bot.Company) []string {
	keys := make([]string, 0, 1+len(c.Aliases))
	for i, n := range append([]string{c.Name}, c.Aliases...) {
		k := bot.NormalizeName(n)
		if k == "" || (i > 0 && slices.Contains(keys, k)) {
			continue
		}
		keys = append(keys, k)
	}
	return keys
}

// dayKey is the Copenhagen day of t as yyyymmdd, sortable.
func dayKey(t time.Time) []byte {
	return []byte(bot.Day(t).Format("20060102"))
}

// nudgeKey is c's entry in the nudge index, or nil when it is never nudged.
func nudgeKey(c *bot.Company) []byte {
	day, ok := c.NudgeDay()
	if !ok {
		return nil
	}
	return join(dayKey(day), itob(c.ID))
}

// putCompany stores c and brings every index from old (nil for a new
// company) to c, refusing names, aliases and CVR numbers that another
// company holds. The in-memory suggestion index follows on commit.
func (db *DB) putCompany(tx *bolt.Tx, old, c *bot.Company) error {
	return db.putCompanyInheriting(tx, old, c, nil)
}

// putCompanyInheriting is putCompany for a company that takes over the
// name keys inherited from a company merged into it in tx: they were
// names already, so they are not judged as shadowing others.
func (db *DB) putCompanyInheriting(tx *bolt.Tx, old, c *bot.Company, inherited []string) error {
	if bot.NormalizeName(c.Name) == "" {
		return bot.Errorf(bot.Invalid, "a company needs a name")
	}
	if old == nil || old.Name != c.Name || !slices.Equal(old.Aliases, c.Aliases) {
		if err := db.putNames(tx, old, c, inherited); err != nil {
			return err
		}
	}

	var oldCVR string
	var oldOwner uint64
	if old != nil {
		oldCVR, oldOwner = old.CVR, old.OwnerID
	}
	if c.CVR != oldCVR {
		cvr := tx.Bucket(bCompCVR)
		if other := lookup(tx, bCompCVR, c.CVR); other != 0 && other != c.ID {
			return &bot.ConflictError{What: "cvr", Key: c.CVR, ID: other}
		}
		if oldCVR != "" {
			if err := cvr.Delete([]byte(oldCVR)); err != nil {
				return err
			}
		}
		if c.CVR != "" {
			if err := cvr.Put([]byte(c.CVR), itob(c.ID)); err != nil {
				return err
			}
		}
	}
	// The owner index carries the company's summary, so that a
	// consultant's or a team's companies are listed without decoding JSON.
	var oldSum []byte
	if old != nil {
		oldSum = summarize(old)
	}
	sum := summarize(c)
	owners := tx.Bucket(bCompOwner)
	if c.OwnerID != oldOwner && oldOwner != 0 {
		if err := owners.Delete(join(itob(oldOwner), itob(c.ID))); err != nil {
			return err
		}
	}
	if c.OwnerID != 0 && (c.OwnerID != oldOwner || !bytes.Equal(oldSum, sum)) {
		if err := owners.Put(join(itob(c.OwnerID), itob(c.ID)), sum); err != nil {
			return err
		}
	}
	if err := putNudge(tx, old, c, oldSum, sum); err != nil {
		return err
	}
	if err := putNear(tx, old, c); err != nil {
		return err
	}
	if err := put(tx, bCompanies, c.ID, c); err != nil {
		return err
	}
	cached := *c
	tx.OnCommit(func() { db.companies.set(cached) })
	return nil
}

// putNames moves c's name and alias index entries from old's (nil for a
// new company), refusing keys another company holds. A changed company
// (old not nil) is also refused a new key that would shadow another's
// (see shadowed); a new company is not, since its name is what it is
// called, and an exact spelling finds it whatever else is loosely alike.
func (db *DB) putNames(tx *bolt.Tx, old, c *bot.Company, inherited []string) error {
	var oldKeys []string
	if old != nil {
		oldKeys = nameKeys(old)
	}
	newKeys := nameKeys(c)
	names := tx.Bucket(bCompNames)
	for i, k := range newKeys {
		what, text := "alias", k
		if i == 0 {
			what, text = "name", c.Name
		} else {
			for _, a := range c.Aliases {
				if bot.NormalizeName(a) == k {
					text = a
				}
			}
		}
		if other := lookup(tx, bCompNames, k); other != 0 && other != c.ID {
			return &bot.ConflictError{What: what, Key: text, ID: other}
		}
		if old == nil || slices.Contains(oldKeys, k) || slices.Contains(inherited, k) {
			continue
		}
		if err := db.shadowed(tx, c.ID, k, text); err != nil {
			return err
		}
	}
	for _, k := range oldKeys {
		if !slices.Contains(newKeys, k) {
			if err := names.Delete([]byte(k)); err != nil {
				return err
			}
		}
	}
	for _, k := range newKeys {
		if !slices.Contains(oldKeys, k) {
			if err := names.Put([]byte(k), itob(c.ID)); err != nil {
				return err
			}
		}
	}
	if !slices.Equal(oldKeys, newKeys) {
		id, keys := c.ID, newKeys
		db.pendingIn()[id] = keys
		tx.OnCommit(func() {
			db.suggest.set(id, keys)
			db.names.set(id, keys)
		})
	}
	return nil
}

// maxShadowed is how many shadowed companies a refusal names: one more
// than a person is shown, so they learn there are more.
const maxShadowed = 6

// shadowed refuses key (text as typed) as a new name or alias of company
// id when it is loosely another company's name or alias, or the whole-word
// start of one: "Fakta" for one company would make "Fakta" stop finding
// Fakta Tarup and Fakta Bolbro. It sees the committed names (nameIndex)
// and those written earlier in tx, so it holds however writes are batched.
func (db *DB) shadowed(tx *bolt.Tx, id uint64, key, text string) error {
	pending := db.pendingIn()
	ids := db.names.match(key, true, maxShadowed, func(other uint64) bool {
		_, changed := pending[other]
		return other == id || changed // a changed company is judged by its pending keys
	})
	for other, keys := range pending {
		if other == id || len(ids) >= maxShadowed || slices.Contains(ids, other) {
			continue
		}
		for _, k := range keys {
			if bot.LooseHasPrefix(k, key) {
				ids = append(ids, other)
				break
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ids = ids[:min(len(ids), maxShadowed)]
	ce := &bot.ConflictError{What: "shadow", Key: text, ID: ids[0]}
	for _, other := range ids {
		co, err := db.company(tx, other)
		if err != nil {
			return fmt.Errorf("shadowed #%d: %w", other, err)
		}
		ce.Shadowed = append(ce.Shadowed, co.Name)
	}
	return ce
}

// pendingIn returns the name keys written so far in the transaction under
// way, company by company: nameIndex learns them only on commit. Writes run
// one at a time under writeMu, which guards it, and commitBatch empties it
// at the start of every transaction, so a rolled-back or redone one leaves
// nothing behind.
func (db *DB) pendingIn() map[uint64][]string {
	if db.pending == nil {
		db.pending = map[uint64][]string{}
	}
	return db.pending
}

// CreateCompany stores a new company with its indexes in one transaction.
// A taken name, alias or CVR gives a *bot.ConflictError.
func (db *DB) CreateCompany(ctx context.Context, c bot.Company, audit ...bot.AuditEntry) (out bot.Company, err error) {
	now := db.clock.Now()
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		out = c
		return db.createCompany(tx, &out, now)
	}))
	if err != nil {
		return bot.Company{}, err
	}
	return out, nil
}

func (db *DB) createCompany(tx *bolt.Tx, c *bot.Company, now time.Time) error {
	if err := newCompany(tx, c, now, nil); err != nil {
		return err
	}
	id, err := nextID(tx, bCompanies)
	if err != nil {
		return err
	}
	c.ID = id
	return db.putCompany(tx, nil, c)
}

// Company returns the company with the id, or bot.ErrNotFound.
func (db *DB) Company(ctx context.Context, id uint64) (c bot.Company, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error { return get(tx, bCompanies, id, &c) })
	return c, err
}

// UpdateCompany loads the company, lets fn change it, and stores it with
// its indexes in one transaction; fn's error aborts without writing.
func (db *DB) UpdateCompany(ctx context.Context, id uint64, fn func(*bot.Company) error, audit ...bot.AuditEntry) (c bot.Company, err error) {
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		var old bot.Company
		if err := get(tx, bCompanies, id, &old); err != nil {
			return err
		}
		c = old
		c.Aliases = slices.Clone(old.Aliases)
		if err := fn(&c); err != nil {
			return err
		}
		c.ID = id
		if c.OwnerID != old.OwnerID && c.OwnerID != 0 && tx.Bucket(bConsultants).Get(itob(c.OwnerID)) == nil {
			return fmt.Errorf("owner #%d: %w", c.OwnerID, bot.ErrNotFound)
		}
		return db.putCompany(tx, &old, &c)
	}))
	if err != nil {
		return bot.Company{}, err
	}
	return c, nil
}

// FindCompanies looks key (a bot.NormalizeName result) up among names and
// aliases. exact is the company named key exactly. partial are up to limit
// other companies, in id order, with a run of whole words anywhere in a
// name or alias that is key, also with æ, ø or å typed as a, e or o (see
// bot.NameVariants): "grundfos" finds "Grundfos Odense", "zoo" finds
// "Odense Zoo", "fotex" finds "Føtex" and "Føtex Odense", but "lego" does
// not find "Legoland". Only exact is a match to pick without asking.
func (db *DB) FindCompanies(ctx context.Context, key string, limit int) (exact *bot.Company, partial []bot.Company, err error) {
	if key == "" {
		return nil, nil, nil
	}
	if err := db.WaitIndexes(ctx); err != nil {
		return nil, nil, err
	}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		exact, partial, err = db.findCompanies(tx, key, limit, false)
		return err
	})
	return exact, partial, err
}

// FindCompaniesFirst is FindCompanies for each of keys in turn, in one read
// transaction, stopping at the first key that finds anything: i is its
// index, -1 when none does. Once a key names a company exactly, partial is
// not looked for and is nil. A key of one byte is looked up exactly only,
// since one letter is no word to go by; an empty key finds nothing. The
// command language tries the longest run of words first ("aeroe modte
// lars" before "aeroe"), so this saves a transaction per word, and runs
// longer than any name has words are not looked up at all.
func (db *DB) FindCompaniesFirst(ctx context.Context, keys []string, limit int) (i int, exact *bot.Company, partial []bot.Company, err error) {
	i = -1
	if err := db.WaitIndexes(ctx); err != nil {
		return i, nil, nil, err
	}
	longest := db.suggest.longest()
	err = db.view(ctx, func(tx *bolt.Tx) error {
		for j, key := range keys {
			if key == "" || strings.Count(key, " ")+1 > longest {
				continue // no name has that many words
			}
			l := limit
			if len(key) < 2 {
				l = 0
			}
			e, p, err := db.findCompanies(tx, key, l, true)
			if err != nil {
				return err
			}
			if e != nil || len(p) > 0 {
				i, exact, partial = j, e, p
				return nil
			}
		}
		return nil
	})
	return i, exact, partial, err
}

// findCompanies is FindCompanies in tx; with exactOnly an exact match
// ends the search.
func (db *DB) findCompanies(tx *bolt.Tx, key string, limit int, exactOnly bool) (exact *bot.Company, partial []bot.Company, err error) {
	exactID := lookup(tx, bCompNames, key)
	if exactID != 0 {
		c, err := db.company(tx, exactID)
		if err != nil {
			return nil, nil, err
		}
		exact = &c
	}
	if limit <= 0 || (exact != nil && exactOnly) {
		return exact, nil, nil
	}
	for _, id := range db.names.match(key, false, limit, func(id uint64) bool { return id == exactID }) {
		c, err := db.company(tx, id)
		if errors.Is(err, bot.ErrNotFound) {
			continue // named since tx began
		}
		if err != nil {
			return nil, nil, err
		}
		partial = append(partial, c)
	}
	return exact, partial, nil
}

// company is the company with the id: from the cache of committed
// companies, else decoded in tx.
func (db *DB) company(tx *bolt.Tx, id uint64) (bot.Company, error) {
	if c, ok := db.companies.get(id); ok {
		return c, nil
	}
	var c bot.Company
	err := get(tx, bCompanies, id, &c)
	return c, err
}

// CompanyByCVR returns the company with the CVR number, or bot.ErrNotFound.
func (db *DB) CompanyByCVR(ctx context.Context, cvr string) (c bot.Company, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		id := lookup(tx, bCompCVR, cvr)
		if id == 0 {
			return bot.ErrNotFound
		}
		return get(tx, bCompanies, id, &c)
	})
	return c, err
}

// SuggestCompanies returns up to limit companies whose names or aliases
// are most like text, best first. The search runs on an in-memory trigram
// index; only the winners are read from the file.
func (db *DB) SuggestCompanies(ctx context.Context, text string, limit int) ([]bot.Company, error) {
	if err := db.WaitIndexes(ctx); err != nil {
		return nil, err
	}
	ids := db.suggest.search(bot.NormalizeName(text), limit)
	if len(ids) == 0 {
		return nil, ctx.Err()
	}
	out := make([]bot.Company, 0, len(ids))
	err := db.view(ctx, func(tx *bolt.Tx) error {
		for _, id := range ids {
			var c bot.Company
			if err := get(tx, bCompanies, id, &c); err == bot.ErrNotFound {
				continue // removed since the search
			} else if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// CompaniesOwnedBy returns the companies the consultant owns, in id order,
// read from the owner index's summaries.
func (db *DB) CompaniesOwnedBy(ctx context.Context, consultantID uint64) ([]bot.Company, error) {
	var out []bot.Company
	err := db.EachOwned(ctx, []uint64{consultantID}, func(c bot.Company) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

// EachOwned calls fn for every company the consultants own, owner by owner
// in the order given and each owner's in id order, until fn returns an
// error, which it returns. The companies come whole from the summaries the
// owner index carries: about a microsecond each, where decoding a JSON
// record takes six. fn must not call the DB.
func (db *DB) EachOwned(ctx context.Context, owners []uint64, fn func(bot.Company) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bCompOwner).Cursor()
		for _, o := range owners {
			prefix := itob(o)
			for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
				if len(k) != 16 {
					continue
				}
				c, err := unsummarize(btoi(k[8:]), v)
				if err != nil {
					return fmt.Errorf("owner index #%d: %w", btoi(k[8:]), err)
				}
				if err := fn(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ForEachCompany calls fn for every company in id order until fn returns
// an error, which it returns. fn runs inside a read transaction and must
// not call the DB.
func (db *DB) ForEachCompany(ctx context.Context, fn func(bot.Company) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error { return eachCompany(tx, fn) })
}

// eachCompany is ForEachCompany inside tx.
func eachCompany(tx *bolt.Tx, fn func(bot.Company) error) error {
	cur := tx.Bucket(bCompanies).Cursor()
	for k, v := cur.First(); k != nil; {
		if len(k) != 8 { // a contact; companies come first
			k, v = cur.Next()
			continue
		}
		var c bot.Company
		if err := decode(v, &c, bCompanies, k); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		k, v = cur.Seek(itob(btoi(k) + 1)) // skip its contacts
	}
	return nil
}

// TakenKeys looks up, in one read transaction, which of the normalized
// names and aliases names and which CVR numbers cvrs stored companies
// already hold, and returns for each that is taken the name of the company
// holding it; keys not taken are not in the maps. An import checks its
// rows with it: a transaction a row was most of what checking cost.
func (db *DB) TakenKeys(ctx context.Context, names, cvrs []string) (byName, byCVR map[string]string, err error) {
	byName, byCVR = map[string]string{}, map[string]string{}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		for _, ix := range []struct {
			bucket []byte
			keys   []string
			out    map[string]string
		}{{bCompNames, names, byName}, {bCompCVR, cvrs, byCVR}} {
			for _, k := range ix.keys {
				if k == "" {
					continue
				}
				id := lookup(tx, ix.bucket, k)
				if id == 0 {
					continue
				}
				var c bot.Company
				if err := get(tx, bCompanies, id, &c); err != nil {
					return err
				}
				ix.out[k] = c.Name
			}
		}
		return nil
	})
	return byName, byCVR, err
}
