package storage

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// A bulk load writes each bucket's keys in ascending order. bbolt keeps a
// transaction's changed leaves as sorted slices and splits them only on
// commit, so a key put in the middle of a leaf moves every key after it:
// 250,000 companies put in name order into one transaction spent 69% of
// the import moving memory, growing as rows^1.7. Appended in order, a put
// moves nothing. And since nothing will be put between keys written in
// order, the leaves can be filled almost full instead of half, which
// halves the pages (and the file) a national portfolio takes.

// bulkFill is the share of a page filled by keys written in order: bbolt's
// 0.5 is for keys that arrive at random and will fill the gaps later.
const bulkFill = 0.9

// bulkKV is one key and value awaiting its place.
type bulkKV struct{ k, v []byte }

// bulkBucket gathers a bucket's new entries to put in key order.
type bulkBucket struct {
	name []byte
	kvs  []bulkKV
}

func (b *bulkBucket) add(k, v []byte) { b.kvs = append(b.kvs, bulkKV{k, v}) }

// sort puts the gathered entries in key order.
func (b *bulkBucket) sort() {
	slices.SortFunc(b.kvs, func(x, y bulkKV) int { return bytes.Compare(x.k, y.k) })
}

// put puts the entries, sorted, filling the pages it touches densely: a
// bulk load is most of what those pages will hold for a long while, and a
// later write between its keys splits one page, once.
func (b *bulkBucket) put(tx *bolt.Tx) error {
	bk := tx.Bucket(b.name)
	bk.FillPercent = bulkFill
	for _, kv := range b.kvs {
		if err := bk.Put(kv.k, kv.v); err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
	}
	return nil
}

// importChunk is how many companies one transaction of an import writes:
// enough that the fsync per transaction is a small share of the work,
// few enough that a transaction's changed pages, all held in memory until
// it commits, stay a few tens of MB however large the file. Tests make
// it small to cross chunk borders with a handful of rows.
var importChunk = 20_000

// keyImporting marks, in bMeta, an import under way: the first and last
// company id and the first and last consultant id it writes. An import
// whose process dies between its transactions is rolled back by the next
// Open, so a portfolio is stored whole or not at all.
var keyImporting = []byte("importing")

// importSpan is what keyImporting holds.
type importSpan struct{ firstCompany, lastCompany, firstPerson, lastPerson uint64 }

func (sp importSpan) bytes() []byte {
	return join(itob(sp.firstCompany), itob(sp.lastCompany), itob(sp.firstPerson), itob(sp.lastPerson))
}

func spanOf(b []byte) (importSpan, bool) {
	if len(b) != 32 {
		return importSpan{}, false
	}
	return importSpan{btoi(b), btoi(b[8:]), btoi(b[16:]), btoi(b[24:])}, true
}

// ImportCompanies creates every company and, for each with a LastContact,
// a contact of kind bot.KindImported at that time: all or nothing. Names,
// aliases and CVR numbers are refused as CreateCompany refuses them, also
// when two rows of the import share one.
func (db *DB) ImportCompanies(ctx context.Context, cs []bot.Company) error {
	return db.ImportPortfolio(ctx, nil, cs, nil)
}

// ImportPortfolio creates the new consultants people (known by name only,
// as CreateConsultant does) and then the companies cs as ImportCompanies
// does; newOwner[i], when above 0, makes people[newOwner[i]-1] the owner
// of cs[i]. Every row is checked before anything is written, and the load
// goes in transactions of importChunk companies, then of importChunk
// entries of each index, all under the write lock so no other write comes
// between them; a process that dies midway leaves a mark the next Open
// rolls back (see keyImporting). Readers may see the first chunks before
// the last is written, and companies before their index entries.
func (db *DB) ImportPortfolio(ctx context.Context, people []bot.Consultant, cs []bot.Company, newOwner []int, audit ...bot.AuditEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(people) == 0 && len(cs) == 0 {
		return nil
	}
	imp := bulkImport{people: slices.Clone(people), cs: cs, newOwner: newOwner}
	imp.nameKeysOf() // before the lock: it reads only cs
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	imp.now = db.clock.Now()
	written := false
	err := db.bulkUpdate(func(tx *bolt.Tx) error {
		if err := imp.check(tx); err != nil {
			return err
		}
		for _, p := range imp.people {
			if _, err := db.createConsultant(tx, p); err != nil {
				return fmt.Errorf("consultant %q: %w", p.Name, err)
			}
		}
		if len(cs) == 0 {
			return appendAudit(tx, imp.now, audit...) // people only: this was the whole import
		}
		if err := tx.Bucket(bMeta).Put(keyImporting, imp.span.bytes()); err != nil {
			return err
		}
		written = true
		return nil
	})
	if err != nil || !written {
		return err // refused, with nothing written; or people only, done
	}
	// The in-memory name indexes learn each committed chunk's names on a
	// goroutine of their own, while the next chunk is written and synced,
	// and sort the index keys there too; it is done before
	// ImportPortfolio returns.
	learn := make(chan func(), 4)
	var learning sync.WaitGroup
	var learnErr error // the first panic of the goroutine, as an error
	learning.Go(func() {
		for f := range learn {
			if err := unpanicked(f); err != nil && learnErr == nil {
				learnErr = err
			}
		}
	})
	var ix bulkIndexes
	ix.init(len(cs))
	err = db.importChunks(ctx, &imp, &ix, learn)
	if ierr := db.importIndexes(ctx, &imp, &ix, learn, err != nil); err == nil {
		err = ierr
	}
	learning.Wait()
	if err == nil {
		err = learnErr
	}
	if err == nil {
		err = db.bulkUpdate(func(tx *bolt.Tx) error {
			if err := appendAudit(tx, imp.now, audit...); err != nil {
				return err
			}
			return tx.Bucket(bMeta).Delete(keyImporting)
		})
	}
	if err != nil {
		var span importSpan
		rerr := db.bulkUpdate(func(tx *bolt.Tx) (err error) {
			span, err = rollbackImport(tx)
			return err
		})
		if rerr != nil {
			return fmt.Errorf("%w; rolling the import back failed too, it is rolled back when the file is next opened: %w", err, rerr)
		}
		db.forgetSpan(span)
	}
	return err
}

// importChunks writes the companies and contacts of imp, importChunk
// companies a transaction, gathering their index keys in ix and sending
// each committed chunk's names to learn. A goroutine of its own (joined
// before it returns, stopped at the first error) makes each chunk ready,
// encoded and in key order, while the one before is written and synced.
func (db *DB) importChunks(ctx context.Context, imp *bulkImport, ix *bulkIndexes, learn chan<- func()) error {
	cs := imp.cs
	chunks := make(chan bulkChunk, 1)
	stop := make(chan struct{})
	var making sync.WaitGroup
	making.Go(func() {
		defer close(chunks)
		for lo := 0; lo < len(cs); lo += importChunk {
			var ch bulkChunk
			if err := unpanicked(func() { ch = imp.prepare(lo, min(lo+importChunk, len(cs)), ix) }); err != nil {
				ch.err = err
			}
			select {
			case chunks <- ch:
			case <-stop:
				return
			}
			if ch.err != nil {
				return
			}
		}
	})
	var err error
	stopped := false
	for ch := range chunks {
		if err == nil {
			err = ch.err
		}
		if err == nil {
			err = db.bulkUpdate(func(tx *bolt.Tx) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := ch.companies.put(tx); err != nil {
					return err
				}
				tx.OnCommit(func() { learn <- func() { db.learnNames(imp, ch) } })
				return nil
			})
		}
		if err != nil && !stopped {
			close(stop)
			stopped = true
		}
	}
	making.Wait()
	return err
}

// learnNames tells the in-memory name indexes the names of a committed
// chunk.
func (db *DB) learnNames(imp *bulkImport, ch bulkChunk) {
	for i, k := range imp.keys[ch.lo:ch.hi] {
		id := imp.span.firstCompany + uint64(ch.lo+i)
		db.suggest.set(id, k)
		db.names.set(id, k)
	}
}

// importIndexes writes the index entries gathered in ix, each index in
// key order, importChunk entries a transaction; the indexes are sorted on
// the learn goroutine, the next while one is written, and learn is closed.
// With failed set (an earlier part failed) it only closes learn.
func (db *DB) importIndexes(ctx context.Context, imp *bulkImport, ix *bulkIndexes, learn chan<- func(), failed bool) error {
	if failed {
		close(learn)
		return nil
	}
	all := ix.all()
	sorted := make([]chan struct{}, len(all))
	for i := range sorted {
		sorted[i] = make(chan struct{})
	}
	learn <- func() {
		for i, x := range all {
			slices.SortFunc(x.keys, func(a, b bulkKey) int { return bytes.Compare(a.k, b.k) })
			close(sorted[i])
		}
	}
	close(learn)
	var err error
	for i, x := range all {
		<-sorted[i]
		for lo := 0; err == nil && lo < len(x.keys); lo += importChunk {
			keys := x.keys[lo:min(lo+importChunk, len(x.keys))]
			err = db.bulkUpdate(func(tx *bolt.Tx) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				return imp.writeIndex(tx, x, keys)
			})
		}
		x.keys = nil
	}
	return err
}

// forgetSpan drops a rolled-back import from the in-memory indexes.
func (db *DB) forgetSpan(span importSpan) {
	for id := span.firstCompany; id != 0 && id <= span.lastCompany; id++ {
		db.suggest.set(id, nil)
		db.names.set(id, nil)
	}
	for id := span.firstPerson; id != 0 && id <= span.lastPerson; id++ {
		db.people.remove(id)
	}
}

// bulkUpdate runs fn in a transaction of its own. The caller holds writeMu.
func (db *DB) bulkUpdate(fn func(tx *bolt.Tx) error) error {
	err := guarded(db.path, func() error {
		return db.bolt.Update(func(tx *bolt.Tx) error {
			clear(db.pending)
			return runWrite(db.path, fn, tx)
		})
	})
	db.damage.set(err)
	return err
}

// bulkImport is an import under way. The caller's companies are read,
// never changed: each is copied as it is checked and again as it is
// written, so that a national portfolio is held once, not three times.
type bulkImport struct {
	people   []bot.Consultant
	cs       []bot.Company
	newOwner []int
	now      time.Time
	span     importSpan
	// nextContact is the id of the next imported contact.
	nextContact uint64
	// keys are each company's name keys (nameKeys), nil for a name that
	// normalizes to nothing; made before the check, a core at a time.
	keys [][]string
}

// nameKeysOf fills in imp.keys, the companies split over the cores.
func (imp *bulkImport) nameKeysOf() {
	imp.keys = make([][]string, len(imp.cs))
	parts := min(runtime.GOMAXPROCS(0), 8)
	size := max((len(imp.cs)+parts-1)/parts, 1)
	var wg sync.WaitGroup
	for lo := 0; lo < len(imp.cs); lo += size {
		wg.Go(func() {
			for i := lo; i < min(lo+size, len(imp.cs)); i++ {
				if c := &imp.cs[i]; bot.NormalizeName(c.Name) != "" {
					imp.keys[i] = nameKeys(c)
				}
			}
		})
	}
	wg.Wait()
}

// company is cs[i] as it is stored: numbered, owned, with its defaults.
func (imp *bulkImport) company(i int) bot.Company {
	c := imp.cs[i]
	c.ID = imp.span.firstCompany + uint64(i)
	if i < len(imp.newOwner) && imp.newOwner[i] > 0 {
		c.OwnerID = imp.span.firstPerson + uint64(imp.newOwner[i]-1)
	}
	companyDefaults(&c, imp.now)
	if !c.LastContact.IsZero() {
		c.LastKind, c.LastBy = bot.KindImported, c.OwnerID
	}
	return c
}

// check numbers the people and companies, sets the people's defaults and
// checks every one against the file and each other, writing nothing but
// the id sequences.
func (imp *bulkImport) check(tx *bolt.Tx) error {
	span := &imp.span
	// What this import takes of each unique index, by key.
	taken := map[string]map[string]uint64{string(bPeopleNames): {}, string(bCompNames): {}, string(bCompCVR): {}}
	take := func(bucket []byte, key string, id uint64) uint64 {
		mine := taken[string(bucket)]
		other := mine[key]
		if other == 0 {
			other = lookup(tx, bucket, key)
		}
		if other != 0 && other != id {
			return other
		}
		mine[key] = id
		return 0
	}
	seq := tx.Bucket(bConsultants).Sequence()
	span.firstPerson, span.lastPerson = seq+1, seq+uint64(len(imp.people))
	for i := range imp.people {
		p := &imp.people[i]
		if p.Created.IsZero() {
			p.Created = imp.now
		}
		key := bot.NormalizeName(p.Name)
		if key == "" {
			return bot.Errorf(bot.Invalid, "a consultant needs a name")
		}
		if other := take(bPeopleNames, key, span.firstPerson+uint64(i)); other != 0 {
			return fmt.Errorf("consultant %q: %w", p.Name, &bot.ConflictError{What: "name", Key: p.Name, ID: other})
		}
	}
	seq = tx.Bucket(bCompanies).Sequence()
	span.firstCompany, span.lastCompany = seq+1, seq+uint64(len(imp.cs))
	if err := tx.Bucket(bCompanies).SetSequence(span.lastCompany); err != nil {
		return err
	}
	contacts := tx.Bucket(bUndo).Sequence()
	imp.nextContact = contacts + 1
	onFile := map[uint64]bool{}
	for i := range span.lastPerson - span.firstPerson + 1 {
		onFile[span.firstPerson+i] = true
	}
	for i := range imp.cs {
		c := imp.company(i)
		if imp.keys[i] == nil {
			return fmt.Errorf("company %q: %w", c.Name, bot.Errorf(bot.Invalid, "a company needs a name"))
		}
		if err := checkOwner(tx, &c, onFile); err != nil {
			return fmt.Errorf("company %q: %w", c.Name, err)
		}
		for k, key := range imp.keys[i] {
			if other := take(bCompNames, key, c.ID); other != 0 {
				ce := &bot.ConflictError{What: "alias", Key: aliasText(&c, key), ID: other}
				if k == 0 {
					ce.What, ce.Key = "name", c.Name
				}
				return fmt.Errorf("company %q: %w", c.Name, ce)
			}
		}
		if c.CVR != "" {
			if other := take(bCompCVR, c.CVR, c.ID); other != 0 {
				return fmt.Errorf("company %q: %w", c.Name, &bot.ConflictError{What: "cvr", Key: c.CVR, ID: other})
			}
		}
		if !c.LastContact.IsZero() {
			contacts++
		}
	}
	return tx.Bucket(bUndo).SetSequence(contacts)
}

// newCompany fills in a new company's defaults and checks its name and
// owner; onFile, when not nil, remembers owners already checked.
func newCompany(tx *bolt.Tx, c *bot.Company, now time.Time, onFile map[uint64]bool) error {
	if bot.NormalizeName(c.Name) == "" {
		return bot.Errorf(bot.Invalid, "a company needs a name")
	}
	companyDefaults(c, now)
	return checkOwner(tx, c, onFile)
}

// checkOwner checks that c's owner, if any, is on file; onFile, when not
// nil, remembers owners already checked.
func checkOwner(tx *bolt.Tx, c *bot.Company, onFile map[uint64]bool) error {
	if c.OwnerID != 0 && !onFile[c.OwnerID] {
		if tx.Bucket(bConsultants).Get(itob(c.OwnerID)) == nil {
			return fmt.Errorf("owner #%d: %w", c.OwnerID, bot.ErrNotFound)
		}
		if onFile != nil {
			onFile[c.OwnerID] = true
		}
	}
	return nil
}

// companyDefaults fills in what a new company leaves unsaid.
func companyDefaults(c *bot.Company, now time.Time) {
	if c.Created.IsZero() {
		c.Created = now
	}
	if c.OwnerID != 0 && c.OwnerSince.IsZero() {
		c.OwnerSince = c.Created
	}
	if c.Status == "" {
		c.Status = bot.StatusActive
	}
	if c.Tier == "" {
		c.Tier = bot.TierNormal
	}
}

// bulkKey is an index entry awaiting its place: its key, and the row of
// the import whose company makes its value.
type bulkKey struct {
	k   []byte
	row int32
}

// bulkIndex gathers one index bucket's entries over a whole import.
type bulkIndex struct {
	name  []byte
	keys  []bulkKey
	value func(c *bot.Company) []byte // the entry's value, made as it is written
}

// bulkIndexes are the index buckets an import writes after the companies.
// A company's keys in them sort by name, owner or day, not by id, so a
// chunk of companies would touch nearly every page of each index, and
// each chunk's commit would write each index out again: 13 times for a
// national portfolio. Gathered over the import (keys only, the values
// made as they are written) and written in key order, each index page is
// written about once.
type bulkIndexes struct {
	names, cvrs, owners, nudges, plans, near bulkIndex
}

// init names the indexes and sizes them for n companies: most have a
// name, an owner, a day and a place; grown by doubling instead, the keys
// were a fifth of what an import allocates itself.
func (ix *bulkIndexes) init(n int) {
	id := func(c *bot.Company) []byte { return itob(c.ID) }
	keys := func(n int) []bulkKey { return make([]bulkKey, 0, n) }
	ix.names = bulkIndex{name: bCompNames, value: id, keys: keys(n + n/8)}
	ix.cvrs = bulkIndex{name: bCompCVR, value: id}
	ix.owners = bulkIndex{name: bCompOwner, value: summarize, keys: keys(n)}
	ix.nudges = bulkIndex{name: bCompNudge, value: summarize, keys: keys(n)}
	ix.plans = bulkIndex{name: bCompPlan, value: func(*bot.Company) []byte { return nil }}
	ix.near = bulkIndex{name: bCompNear, value: func(c *bot.Company) []byte { return itob(c.OwnerID) }, keys: keys(n)}
}

func (ix *bulkIndexes) all() []*bulkIndex {
	return []*bulkIndex{&ix.names, &ix.cvrs, &ix.owners, &ix.nudges, &ix.plans, &ix.near}
}

// unpanicked calls fn on a goroutine of an import, turning a panic into
// an error that rolls the import back, as runWrite does for a write.
func unpanicked(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("storage: import panicked: %v", p)
		}
	}()
	fn()
	return nil
}

// bulkChunk is a chunk of an import made ready to write: the companies
// and contacts of cs[lo:hi] in key order.
type bulkChunk struct {
	lo, hi    int
	companies bulkBucket
	err       error
}

// prepare makes the checked companies cs[lo:hi] and the imported contact
// (logged now) of each with a last contact ready to write, and gathers
// their index entries in ix. It touches no transaction.
func (imp *bulkImport) prepare(lo, hi int, ix *bulkIndexes) bulkChunk {
	out := bulkChunk{lo: lo, hi: hi, companies: bulkBucket{name: bCompanies, kvs: make([]bulkKV, 0, 2*(hi-lo))}}
	c := new(bot.Company) // one for all the rows: a fresh one each was a tenth of this
	for i := lo; i < hi; i++ {
		*c = imp.company(i)
		id := itob(c.ID)
		row := int32(i)
		for _, k := range imp.keys[i] {
			ix.names.keys = append(ix.names.keys, bulkKey{[]byte(k), row})
		}
		if c.CVR != "" {
			ix.cvrs.keys = append(ix.cvrs.keys, bulkKey{[]byte(c.CVR), row})
		}
		if c.OwnerID != 0 {
			ix.owners.keys = append(ix.owners.keys, bulkKey{join(itob(c.OwnerID), id), row})
		}
		if k := nudgeKey(c); k != nil {
			ix.nudges.keys = append(ix.nudges.keys, bulkKey{k, row})
		}
		if k := planKey(c); k != nil {
			ix.plans.keys = append(ix.plans.keys, bulkKey{k, row})
		}
		for _, k := range nearKeys(c) {
			ix.near.keys = append(ix.near.keys, bulkKey{k, row})
		}
		data, err := encode(c)
		if err != nil {
			out.err = fmt.Errorf("%s #%d: %w", bCompanies, c.ID, err)
			return out
		}
		out.companies.add(id, data)
		if c.LastContact.IsZero() {
			continue
		}
		ct := bot.Contact{ID: imp.nextContact, CompanyID: c.ID, ConsultantID: c.OwnerID, At: c.LastContact, Kind: bot.KindImported, Logged: imp.now}
		imp.nextContact++
		if data, err = encode(contactRecord{Contact: ct}); err != nil {
			out.err = err
			return out
		}
		out.companies.add(contactKey(ct), data)
	}
	// Ids only grow, and a company's contacts sort right after it, so the
	// companies bucket is appended to in order.
	out.companies.sort()
	return out
}

// writeIndex puts the entries keys, in key order, into x's bucket.
func (imp *bulkImport) writeIndex(tx *bolt.Tx, x *bulkIndex, keys []bulkKey) error {
	bk := tx.Bucket(x.name)
	bk.FillPercent = bulkFill
	c := new(bot.Company) // one for all the rows: a fresh one each was a tenth of this
	for _, e := range keys {
		*c = imp.company(int(e.row))
		if err := bk.Put(e.k, x.value(c)); err != nil {
			return fmt.Errorf("%s: %w", x.name, err)
		}
	}
	return nil
}

// rollbackImport removes what an import marked by keyImporting wrote:
// its companies with their contacts and index entries, and its people.
// Nothing else can lie in its id spans: the import held the write lock
// throughout. Without a mark it does nothing and returns a zero span.
func rollbackImport(tx *bolt.Tx) (importSpan, error) {
	meta := tx.Bucket(bMeta)
	span, ok := spanOf(meta.Get(keyImporting))
	if !ok {
		return importSpan{}, nil
	}
	inCompanies := func(id uint64) bool { return id >= span.firstCompany && id <= span.lastCompany }
	inPeople := func(id uint64) bool { return id >= span.firstPerson && id <= span.lastPerson }
	for _, ix := range []struct {
		bucket []byte
		id     func(k, v []byte) uint64
		in     func(uint64) bool
	}{
		{bCompanies, func(k, _ []byte) uint64 { return btoi(k) }, inCompanies},
		{bCompNames, func(_, v []byte) uint64 { return btoi(v) }, inCompanies},
		{bCompCVR, func(_, v []byte) uint64 { return btoi(v) }, inCompanies},
		{bCompOwner, func(k, _ []byte) uint64 { return btoi(k[8:]) }, inCompanies},
		{bCompNudge, func(k, _ []byte) uint64 { return btoi(k[8:]) }, inCompanies},
		{bCompPlan, func(k, _ []byte) uint64 { return btoi(k[8:]) }, inCompanies},
		{bCompNear, func(k, _ []byte) uint64 { return btoi(k[len(k)-8:]) }, inCompanies},
		{bConsultants, func(k, _ []byte) uint64 { return btoi(k) }, inPeople},
		{bPeopleNames, func(_, v []byte) uint64 { return btoi(v) }, inPeople},
		{bIdentities, func(_, v []byte) uint64 { return btoi(v) }, inPeople},
	} {
		var drop [][]byte
		b := tx.Bucket(ix.bucket)
		err := b.ForEach(func(k, v []byte) error {
			if ix.in(ix.id(k, v)) {
				drop = append(drop, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return span, err
		}
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return span, err
			}
		}
	}
	return span, meta.Delete(keyImporting)
}

// aliasText is the alias of c as typed whose normalized form is key.
func aliasText(c *bot.Company, key string) string {
	for _, a := range c.Aliases {
		if bot.NormalizeName(a) == key {
			return a
		}
	}
	return key
}
