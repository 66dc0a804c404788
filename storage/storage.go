// Package storage keeps kontaktbot's state in one embedded bbolt file.
//
// Every entity has its own bucket keyed by a big-endian uint64 id, so keys
// sort in creation order; values are JSON. Every index lives in a bucket of
// its own and is written in the same transaction as the record it points
// to, so a crash can never leave an index and its record disagreeing. The
// file carries a schema version in the meta bucket; Open migrates older
// files step by step and refuses newer ones.
//
// Every exported write is one bbolt Update: when it returns nil, the change
// is committed and fsync'd, and only then may a caller say "saved".
package storage

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"kontaktbot/bot"
)

// SchemaVersion is the version of the file layout this code writes.
const SchemaVersion = 3

// Bucket names. Index buckets map a key to an id (8 bytes) or hold
// composite keys with empty values.
//
// A company's contacts are stored in the companies bucket right after the
// company itself, newest first: logging a visit then rewrites one leaf page
// for the company and its contact instead of one page per bucket, and the
// card's "last five contacts" is one short cursor walk. Each bucket a write
// touches costs about 60 µs of page writes and fsync here (measured), so a
// visit touches three: companies, the nudge index and the undo log.
var (
	bMeta        = []byte("meta")
	bJobcenters  = []byte("jobcenters")
	bJobNames    = []byte("jobcenter_names")   // normalized name -> jobcenter id
	bConsultants = []byte("consultants")       // id -> consultant
	bPeopleNames = []byte("consultant_names")  // normalized name -> consultant id
	bIdentities  = []byte("identities")        // identity key -> consultant id
	bCompanies   = []byte("companies")         // id -> company; id + inverted at + contact id -> contact
	bCompNames   = []byte("company_names")     // normalized name or alias -> company id
	bCompCVR     = []byte("company_cvr")       // cvr -> company id
	bCompOwner   = []byte("company_owner")     // owner id + company id -> nil
	bCompNudge   = []byte("company_nudge")     // nudge day yyyymmdd + company id -> summary (nudge.go)
	bCompPlan    = []byte("company_plan")      // planned contact day yyyymmdd + company id -> nil
	bCompNear    = []byte("company_near")      // place + 0 + company id -> owner id + nudge day (near.go)
	bOutbox      = []byte("outbox")            // kind 0 yyyymmdd [consultant id] -> delivery, or the day's plan mark
	bPositions   = []byte("positions")         // id -> position
	bPosCompany  = []byte("position_company")  // company id + position id -> nil
	bPosOpen     = []byte("position_open")     // company id + normalized title -> id of the open position
	bPosDeadline = []byte("position_deadline") // deadline yyyymmdd + id -> nil, open positions only
	bIntroDays   = []byte("introdays")         // id -> intro day
	bCandidates  = []byte("candidates")        // intro day id + reference key -> candidate
	bCandRef     = []byte("candidate_ref")     // reference key 0 intro day id -> nil
	bInternEnd   = []byte("internship_end")    // end yyyymmdd + intro day id + reference key -> nil
	bUndo        = []byte("undo")              // consultant id + logged + contact id -> contact key in bCompanies; its sequence numbers contacts
	bConvs       = []byte("conversations")     // platform's stable key -> its conversation reference, opaque bytes (conversations.go)
	bSeen        = []byte("seen_events")       // platform's event key -> unix seconds first seen (events.go)
	bCoverage    = []byte("coverage")          // jobcenter id + yyyymmdd -> that day's snapshot; "taken" + yyyymmdd -> mark (coverage.go)
	bCrossed     = []byte("contact_crossed")   // logged + contact id -> undo key, contacts across a jobcenter border (crossed.go)
	bAudit       = []byte("audit")             // sequence -> audit entry, chained by hash (audit.go)
	bAuditRecent = []byte("audit_recent")      // the newest audit entries and the head, before they move to bAudit (audit.go)

	allBuckets = [][]byte{bMeta, bJobcenters, bJobNames, bConsultants, bPeopleNames, bIdentities,
		bCompanies, bCompNames, bCompCVR, bCompOwner, bCompNudge, bCompPlan, bCompNear, bOutbox, bUndo,
		bPositions, bPosCompany, bPosOpen, bPosDeadline, bIntroDays, bCandidates, bCandRef, bInternEnd, bConvs, bSeen, bCoverage, bCrossed, bAudit, bAuditRecent}

	keySchema = []byte("schema")
)

// migrations[i] brings a file from schema version i+1 to i+2. A new layout
// appends a step here and raises SchemaVersion; Open runs the missing steps
// in one transaction.
var migrations = []func(tx *bolt.Tx) error{
	summariesInOwnerIndex,
	nearIndex,
}

// summariesInOwnerIndex (schema 1 to 2) gives every owner index entry its
// company's summary, and brings the nudge index's summaries to version 2
// (the whole company). One pass over the companies: about 10 s a million
// on a 2-core machine, once.
func summariesInOwnerIndex(tx *bolt.Tx) error {
	owners, nudges := tx.Bucket(bCompOwner), tx.Bucket(bCompNudge)
	owners.FillPercent, nudges.FillPercent = bulkFill, bulkFill
	cur := tx.Bucket(bCompanies).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if len(k) != 8 {
			continue // a contact
		}
		var c bot.Company
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("company #%d: %w", btoi(k), err)
		}
		sum := summarize(&c)
		if c.OwnerID != 0 {
			if err := owners.Put(join(itob(c.OwnerID), k), sum); err != nil {
				return err
			}
		}
		if nk := nudgeKey(&c); nk != nil {
			if err := nudges.Put(nk, sum); err != nil {
				return err
			}
		}
	}
	return nil
}

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errors.New("the database is in use by another kontaktbot process")

// Options steer Open.
type Options struct {
	// Timeout is how long Open waits for another process to let go of the
	// file before it gives up with ErrLocked. Zero means 2 seconds.
	Timeout time.Duration
	// Clock stamps records; nil means the system clock.
	Clock bot.Clock
	// ReadOnly opens the file shared, for backups and exports: several
	// readers may hold it at once, but not alongside a writer.
	ReadOnly bool
	// NoSync skips fsync on commit: for filling benchmark files and for
	// fuzzing, never in production, where "saved" must survive a crash.
	NoSync bool
	// IndexInBackground returns from Open before the in-memory name
	// indexes are built (most of what opening a national file costs), so
	// that a server is ready at once: name lookups wait for the indexes,
	// writes wait behind the build (it holds the write lock), and a
	// damaged page met while building is reported by Damaged. Without it
	// Open builds them and fails on such a page.
	IndexInBackground bool
	// NoSuggest leaves out the index of the names most like a mistyped
	// one (SuggestCompanies then suggests nothing): for a one-off import,
	// which never suggests, and would hold it to the end (about 60 MB at
	// 250,000 companies).
	NoSuggest bool
	// BatchTimer, for benchmarks, is called as each batch of a long
	// write (a scrub, a retention run) takes the write lock; what it
	// returns is called as the batch lets go of it.
	BatchTimer func() func()
}

// DB is kontaktbot's store. It is safe for concurrent use.
type DB struct {
	// writeMu holds each write and its commit handlers together: bbolt
	// runs OnCommit after releasing its writer lock, so without it two
	// renames could reach the in-memory suggestion index out of order.
	writeMu sync.Mutex
	// commits gathers writes that arrive while a commit is under way, so
	// the next commit carries them all (see update).
	commits commitQueue
	bolt    *bolt.DB
	clock   bot.Clock
	path    string
	suggest *suggestIndex
	names   *nameIndex // any run of words of a name, spelt loosely (names.go)
	// indexed is closed once suggest and names are built. A build in the
	// background holds writeMu until then, so whatever runs under writeMu
	// may use them without waiting; readers wait (WaitIndexes).
	indexed chan struct{}
	// pending are the name keys written by the transaction under way
	// (pendingIn); writeMu guards it.
	pending map[uint64][]string
	people  *peopleCache
	// companies are decoded companies as last committed (companycache.go).
	companies *companyCache
	// damage is the first damaged page a transaction met (damage.go).
	damage damage
	// readers counts the read transactions open through view: a scrub
	// batch runs only when there are none (scrub.go).
	readers atomic.Int64
	// scrubOwed is set when an erasing change was not followed by a
	// finished scrub.
	scrubOwed atomic.Bool
	// batchTimer is Options.BatchTimer.
	batchTimer func() func()
}

// Open opens (creating if needed) the database file at path, migrating it
// to SchemaVersion. A file written by a newer kontaktbot is refused, and a
// damaged one (empty, cut short, a meta, root or freelist page overwritten,
// or a page bbolt cannot read while loading) is an error wrapping
// ErrDamaged that names the file and says to restore it: never a panic.
func Open(path string, opt Options) (db *DB, err error) {
	if err := quickCheck(path); err != nil {
		return nil, err
	}
	err = guarded(path, func() error {
		db, err = open(path, opt)
		return err
	})
	return db, err
}

func open(path string, opt Options) (*DB, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Second
	}
	if opt.Clock == nil {
		opt.Clock = bot.ClockFunc(time.Now)
	}
	if opt.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout, ReadOnly: opt.ReadOnly, NoSync: opt.NoSync})
	closeOnPanic := func() {
		if p := recover(); p != nil {
			bdb.Close()
			panic(p) // guarded turns it into the error
		}
	}
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (waited %s; stop the other process or use another --db file)", path, ErrLocked, opt.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer closeOnPanic()
	db := &DB{bolt: bdb, clock: opt.Clock, path: path, companies: newCompanyCache(), batchTimer: opt.BatchTimer}
	if opt.ReadOnly {
		err = bdb.View(checkSchema)
	} else {
		// An import the process did not live to finish goes, whole.
		err = bdb.Update(func(tx *bolt.Tx) error {
			if err := migrate(tx); err != nil {
				return err
			}
			_, err := rollbackImport(tx)
			return err
		})
	}
	if err == nil {
		db.people, err = db.loadPeople()
	}
	db.indexed = make(chan struct{})
	switch {
	case err != nil:
	case opt.IndexInBackground:
		db.writeMu.Lock()
		go func() {
			defer db.writeMu.Unlock()
			defer close(db.indexed)
			err := guarded(path, func() (err error) {
				db.suggest, db.names, err = db.loadIndexes(!opt.NoSuggest)
				return err
			})
			if err != nil {
				// Empty indexes find nothing, and /readyz says why.
				db.suggest, db.names = nil, newNameIndex()
				if !errors.Is(err, ErrDamaged) {
					err = damagedError(path, "building the name indexes: "+err.Error())
				}
				db.damage.set(err)
			}
		}()
	default:
		db.suggest, db.names, err = db.loadIndexes(!opt.NoSuggest)
		close(db.indexed)
	}
	if err != nil {
		bdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// companyKey is one name or alias key of a company.
type companyKey struct {
	id  uint64
	key string
}

// loadIndexes builds the in-memory name indexes from the file's company
// name index: read once, the keys put in company order by a counting sort
// (ids are dense), and the two indexes built side by side from the same
// strings. This is most of what opening a national file costs. Without
// suggest the suggestion index is not built (nil suggests nothing).
func (db *DB) loadIndexes(suggest bool) (*suggestIndex, *nameIndex, error) {
	var byName []companyKey
	var maxID uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bCompNames).ForEach(func(k, v []byte) error {
			id := btoi(v)
			maxID = max(maxID, id)
			byName = append(byName, companyKey{id, string(k)})
			return nil
		})
	})
	if err != nil {
		return nil, nil, err
	}
	// Stable: a company's keys stay in the file's (name) order.
	at := make([]int32, maxID+2)
	for _, k := range byName {
		at[k.id+1]++
	}
	for i := 1; i < len(at); i++ {
		at[i] += at[i-1]
	}
	keys := make([]companyKey, len(byName))
	for _, k := range byName {
		keys[at[k.id]] = k
		at[k.id]++
	}
	var sx *suggestIndex
	done := make(chan struct{})
	go func() {
		defer close(done)
		if suggest {
			sx = buildSuggest(keys)
		}
	}()
	nx := buildNames(keys)
	<-done
	return sx, nx, nil
}

// schemaOf reads the file's schema version; 0 means a fresh file.
func schemaOf(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keySchema)
	if v == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("schema version %q is not a number: not a kontaktbot database?", v)
	}
	return n, nil
}

func checkSchema(tx *bolt.Tx) error {
	n, err := schemaOf(tx)
	if err != nil {
		return err
	}
	if n != SchemaVersion {
		return fmt.Errorf("schema version %d, this kontaktbot reads %d: open it once with a writable kontaktbot of the right version", n, SchemaVersion)
	}
	return nil
}

// migrate creates the buckets of a fresh file, runs the migration steps an
// older file needs, and refuses a file from a newer version.
func migrate(tx *bolt.Tx) error {
	n, err := schemaOf(tx)
	if err != nil {
		return err
	}
	if n > SchemaVersion {
		return fmt.Errorf("the file has schema version %d, newer than this kontaktbot (%d): upgrade kontaktbot", n, SchemaVersion)
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	if n == 0 {
		n = 1
	}
	for ; n < SchemaVersion; n++ {
		if err := migrations[n-1](tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", n, n+1, err)
		}
	}
	return tx.Bucket(bMeta).Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
}

// Close closes the file. Further calls fail.
func (db *DB) Close() error {
	<-db.indexed // a build in the background reads the file
	return db.bolt.Close()
}

// WaitIndexes waits until the in-memory name indexes are built (see
// Options.IndexInBackground), or ctx ends.
func (db *DB) WaitIndexes(ctx context.Context) error {
	select {
	case <-db.indexed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Path is the file the DB was opened from.
func (db *DB) Path() string { return db.path }

// Check walks every page of the file and reports any inconsistency, as
// `bbolt check` does; an error wraps ErrDamaged.
func (db *DB) Check() error {
	return db.view(context.Background(), func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return damagedError(db.path, errors.Join(errs...))
		}
		return nil
	})
}

// view and update run fn in a read or write transaction after checking ctx.
func (db *DB) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.readers.Add(1)
	err := guarded(db.path, func() error { return db.bolt.View(fn) })
	db.readers.Add(-1)
	db.damage.set(err)
	return err
}

// update runs fn in a write transaction and returns once it is committed
// (or has failed). Writes that arrive while another commit is under way
// wait and then go together in one transaction: one fsync for all of
// them, which is what keeps a morning rush of 64 consultants fast on a
// single-writer file. A lone write starts at once, with no delay. Each fn
// sees the writes before it in its batch, exactly as if run one by one;
// a fn that fails (or panics) is rolled back alone: the batch is redone
// without it, so fn must be safe to run again (assign results, do not
// append to outside state), as with bbolt's own Batch. The first write
// through a ctx from WithRecord also records the key it carries.
func (db *DB) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r := takeRecord(ctx); r != nil {
		return db.updateRecording(r, fn)
	}
	return db.commits.do(fn, db.commitBatch)
}

// commitBatch commits ws in one transaction, redoing it without any write
// that fails, and tells each write its outcome.
func (db *DB) commitBatch(ws []*pendingWrite) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	for len(ws) > 0 {
		failed, ferr := -1, error(nil)
		err := guarded(db.path, func() error {
			return db.bolt.Update(func(tx *bolt.Tx) error {
				clear(db.pending) // names written by a transaction that did not commit
				for i, w := range ws {
					if err := runWrite(db.path, w.fn, tx); err != nil {
						failed, ferr = i, err
						return err
					}
				}
				return nil
			})
		})
		db.damage.set(err)
		if failed < 0 {
			for _, w := range ws {
				w.done <- err // nil, or the commit's own failure for all
			}
			return
		}
		ws[failed].done <- ferr
		ws = append(ws[:failed:failed], ws[failed+1:]...)
	}
}

// runWrite calls fn, turning a panic into an error so that one bad write
// neither takes the others of its batch down nor leaves them waiting. A
// panic raised inside bbolt, reading a page while fn walks the file, is
// the file's damage, not fn's bug, and says so.
func runWrite(path string, fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if panickedInBolt(debug.Stack()) {
				err = damagedError(path, p)
				return
			}
			err = fmt.Errorf("storage: write panicked: %v", p)
		}
	}()
	return fn(tx)
}

// pendingWrite is one write waiting for its commit.
type pendingWrite struct {
	fn    func(*bolt.Tx) error
	done  chan error
	taken bool // a commit has taken it
}

// commitQueue lets one caller at a time commit everything queued.
type commitQueue struct {
	mu         sync.Mutex
	cond       *sync.Cond
	queue      []*pendingWrite
	committing bool
}

// do queues fn and waits until a commit has carried it: this caller's own,
// when no commit is under way, or one led by another caller.
func (q *commitQueue) do(fn func(*bolt.Tx) error, commit func([]*pendingWrite)) error {
	w := &pendingWrite{fn: fn, done: make(chan error, 1)}
	q.mu.Lock()
	if q.cond == nil {
		q.cond = sync.NewCond(&q.mu)
	}
	q.queue = append(q.queue, w)
	for q.committing && !w.taken {
		q.cond.Wait()
	}
	if w.taken {
		q.mu.Unlock()
		return <-w.done
	}
	batch := q.queue
	q.queue = nil
	for _, b := range batch {
		b.taken = true
	}
	q.committing = true
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		q.committing = false
		q.cond.Broadcast()
		q.mu.Unlock()
	}()
	commit(batch)
	return <-w.done
}

// itob is an id as a sortable 8-byte key.
func itob(id uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, id)
	return b
}

func btoi(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// join concatenates key parts.
func join(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

// timeKey is t as 8 bytes that sort like t, for times before and after 1970.
func timeKey(t time.Time) []byte {
	return itob(uint64(t.UnixNano()) ^ 1<<63)
}

// invTimeKey sorts newest first.
func invTimeKey(t time.Time) []byte {
	return itob(^(uint64(t.UnixNano()) ^ 1<<63))
}

// get decodes the JSON record stored under id in bucket into v.
func get(tx *bolt.Tx, bucket []byte, id uint64, v any) error {
	data := tx.Bucket(bucket).Get(itob(id))
	if data == nil {
		return bot.ErrNotFound
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s #%d: %w", bucket, id, err)
	}
	return nil
}

// put encodes v under id in bucket.
func put(tx *bolt.Tx, bucket []byte, id uint64, v any) error {
	data, err := encode(v)
	if err != nil {
		return fmt.Errorf("%s #%d: %w", bucket, id, err)
	}
	return tx.Bucket(bucket).Put(itob(id), data)
}

// encode is the one encoding of stored values: JSON, readable with any
// bbolt tool and tolerant of added fields.
func encode(v any) ([]byte, error) {
	switch c := v.(type) {
	case *bot.Company:
		return encodeCompany(c)
	case bot.Company:
		return encodeCompany(&c)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return data, nil
}

// nextID takes the next id of bucket's sequence.
func nextID(tx *bolt.Tx, bucket []byte) (uint64, error) {
	id, err := tx.Bucket(bucket).NextSequence()
	if err != nil {
		return 0, fmt.Errorf("next id in %s: %w", bucket, err)
	}
	return id, nil
}

// lookup returns the id an index bucket maps key to, or 0.
func lookup(tx *bolt.Tx, bucket []byte, key string) uint64 {
	if key == "" {
		return 0
	}
	return btoi(tx.Bucket(bucket).Get([]byte(key)))
}
