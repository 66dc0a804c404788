package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

var bulkNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func bulkDB(t *testing.T, name string) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), name), Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return bulkNow })})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// smallChunks makes imports go in transactions of n companies for the test.
func smallChunks(t *testing.T, n int) {
	old := importChunk
	importChunk = n
	t.Cleanup(func() { importChunk = old })
}

// dump is every entry of every bucket, and each bucket's sequence unless
// withSeq is false, as text keyed by bucket and key.
func dump(t *testing.T, db *DB, withSeq bool) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if withSeq {
				m[string(name)+" sequence"] = fmt.Sprint(b.Sequence())
			}
			return b.ForEach(func(k, v []byte) error {
				m[fmt.Sprintf("%s %x", name, k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sameDump(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var diff []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			diff = append(diff, "missing "+k)
		} else if g != v {
			diff = append(diff, fmt.Sprintf("%s = %q, want %q", k, g, v))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diff = append(diff, "extra "+k)
		}
	}
	slices.Sort(diff)
	if len(diff) > 0 {
		t.Errorf("%s: %d differences:\n%s", what, len(diff), strings.Join(diff[:min(len(diff), 20)], "\n"))
	}
}

// importOneByOne is the import as it was before the bulk load: each
// consultant and company created as CreateConsultant and CreateCompany
// create them, each imported contact put as AddContact puts it, in one
// transaction.
func importOneByOne(db *DB, people []bot.Consultant, cs []bot.Company, newOwner []int) error {
	now := db.clock.Now()
	return db.update(context.Background(), func(tx *bolt.Tx) error {
		ids := make([]uint64, len(people))
		for i, p := range people {
			if p.Created.IsZero() {
				p.Created = now
			}
			p, err := db.createConsultant(tx, p)
			if err != nil {
				return err
			}
			ids[i] = p.ID
		}
		for i, c := range cs {
			c.Aliases = slices.Clone(c.Aliases)
			if i < len(newOwner) && newOwner[i] > 0 {
				c.OwnerID = ids[newOwner[i]-1]
			}
			if !c.LastContact.IsZero() {
				c.LastKind, c.LastBy = bot.KindImported, c.OwnerID
			}
			if err := db.createCompany(tx, &c, now); err != nil {
				return err
			}
			if c.LastContact.IsZero() {
				continue
			}
			ct := bot.Contact{CompanyID: c.ID, ConsultantID: c.OwnerID, At: c.LastContact, Kind: bot.KindImported, Logged: now}
			if _, err := putContact(tx, ct, nil, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// seedBulk gives db what a file in use holds before an import: a
// jobcenter's consultant, companies with contacts, a plan and an alias.
func seedBulk(t *testing.T, db *DB) bot.Consultant {
	t.Helper()
	ctx := t.Context()
	anne, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Anne Holm", Created: bulkNow})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Vejle Vognmand", "Ørsted Bioenergi", "Ærø Maskinfabrik"} {
		c := bot.Company{Name: name, OwnerID: anne.ID, CadenceDays: 30, Aliases: []string{fmt.Sprintf("VV%d", i)}}
		if i == 1 {
			c.PlannedNext = bulkNow.AddDate(0, 0, 9)
		}
		if err := db.update(ctx, func(tx *bolt.Tx) error { return db.createCompany(tx, &c, bulkNow) }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddContact(ctx, bot.Contact{CompanyID: c.ID, ConsultantID: anne.ID, At: bulkNow.AddDate(0, 0, -40+i), Kind: bot.KindVisit}); err != nil {
			t.Fatal(err)
		}
	}
	return anne
}

// bulkPortfolio is an import of n companies for people (new) and anne
// (stored): every kind of row, with names that sort against their ids.
func bulkPortfolio(anne bot.Consultant, n int) ([]bot.Consultant, []bot.Company, []int) {
	people := []bot.Consultant{{Name: "Bo Ravn", Created: bulkNow}, {Name: "Cecilie Østergaard", Created: bulkNow}}
	cs := make([]bot.Company, n)
	newOwner := make([]int, n)
	for i := range cs {
		c := &cs[i]
		c.Name = fmt.Sprintf("%c%c Byg %d ApS", 'Z'-rune(i%26), 'a'+rune(i*7%26), i)
		switch i % 4 {
		case 0:
			c.OwnerID = anne.ID
			c.CadenceDays = 14
			c.LastContact = bulkNow.AddDate(0, 0, -20-i)
		case 1:
			newOwner[i] = 1
			c.CadenceDays = 60
			c.LastContact = bulkNow.AddDate(0, -1, -i)
			c.Aliases = []string{fmt.Sprintf("Alias %d", i)}
		case 2:
			newOwner[i] = 2
			c.CVR = fmt.Sprintf("%08d", 10000000+i)
			c.CadenceDays = 90
			c.PlannedNext = bulkNow.AddDate(0, 0, i)
		case 3: // nobody's, never contacted
		}
	}
	return people, cs, newOwner
}

// TestBulkImportWritesWhatOneByOneWrites holds the bulk load, in small
// chunks, against creating the same portfolio one record at a time: the
// files must hold the same bytes in every bucket, sequences included,
// before and after a second import onto the filled file, and the names
// must be found and suggested alike, also after reopening.
func TestBulkImportWritesWhatOneByOneWrites(t *testing.T) {
	smallChunks(t, 3)
	ctx := t.Context()
	bulk, one := bulkDB(t, "bulk.db"), bulkDB(t, "one.db")
	anne := seedBulk(t, bulk)
	seedBulk(t, one)

	people, cs, newOwner := bulkPortfolio(anne, 11)
	if err := bulk.ImportPortfolio(ctx, people, cs, newOwner); err != nil {
		t.Fatal(err)
	}
	if err := importOneByOne(one, people, cs, newOwner); err != nil {
		t.Fatal(err)
	}
	sameDump(t, "first import", dump(t, bulk, true), dump(t, one, true))

	// A second portfolio onto the filled file: no new people, some rows
	// owned by the people the first import made.
	_, more, _ := bulkPortfolio(anne, 30)
	more = more[11:]
	for i := range more {
		if i%3 == 0 {
			more[i].OwnerID = anne.ID + 1 // Bo Ravn, made by the first import
		}
	}
	if err := bulk.ImportCompanies(ctx, more); err != nil {
		t.Fatal(err)
	}
	if err := importOneByOne(one, nil, more, nil); err != nil {
		t.Fatal(err)
	}
	sameDump(t, "second import", dump(t, bulk, true), dump(t, one, true))
	if err := bulk.Check(); err != nil {
		t.Fatal(err)
	}

	all := append(slices.Clone(cs), more...)
	findAll := func(db *DB, what string) {
		t.Helper()
		for _, c := range all {
			exact, _, err := db.FindCompanies(ctx, bot.NormalizeName(c.Name), 1)
			if err != nil || exact == nil || exact.Name != c.Name {
				t.Errorf("%s: FindCompanies(%q) = %v, %v", what, c.Name, exact, err)
			}
			sugg, err := db.SuggestCompanies(ctx, c.Name[:len(c.Name)-1], 1)
			if err != nil || len(sugg) != 1 || sugg[0].Name != c.Name {
				t.Errorf("%s: SuggestCompanies(%q) = %v, %v", what, c.Name, sugg, err)
			}
		}
	}
	findAll(bulk, "after the imports")
	path := bulk.Path()
	if err := bulk.Close(); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(path, Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	findAll(reopened, "reopened")
	owned, err := reopened.CompaniesOwnedBy(ctx, anne.ID+2)
	if err != nil || len(owned) != 3 {
		t.Errorf("Cecilie owns %d companies (%v), want the 3 rows given her", len(owned), err)
	}
}

// A failure between chunks, or a process that dies there, leaves the file
// as it was before the import: every bucket's entries, the in-memory name
// indexes and the people.
func TestBulkImportIsWholeOrNothing(t *testing.T) {
	smallChunks(t, 3)

	check := func(t *testing.T, db *DB, before map[string]string, cs []bot.Company, people []bot.Consultant) {
		t.Helper()
		ctx := t.Context()
		sameDump(t, "after the rollback", dump(t, db, false), before)
		for _, c := range cs {
			if exact, partial, err := db.FindCompanies(ctx, bot.NormalizeName(c.Name), 5); err != nil || exact != nil || len(partial) != 0 {
				t.Errorf("FindCompanies(%q) = %v, %v, %v after the rollback", c.Name, exact, partial, err)
			}
			if sugg, err := db.SuggestCompanies(ctx, c.Name, 5); err != nil || slices.ContainsFunc(sugg, func(s bot.Company) bool { return s.Name == c.Name }) {
				t.Errorf("SuggestCompanies(%q) = %v, %v after the rollback", c.Name, sugg, err)
			}
		}
		got, err := db.Consultants(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range people {
			if slices.ContainsFunc(got, func(g bot.Consultant) bool { return g.Name == p.Name }) {
				t.Errorf("%s is still a consultant after the rollback", p.Name)
			}
		}
		if err := db.Check(); err != nil {
			t.Error(err)
		}
		// And the file takes the same import afterwards.
		if err := db.ImportPortfolio(ctx, people, cs, nil); err != nil {
			t.Errorf("the import again after the rollback: %v", err)
		}
	}

	t.Run("cancelled between chunks", func(t *testing.T) {
		db := bulkDB(t, "k.db")
		anne := seedBulk(t, db)
		before := dump(t, db, false)
		people, cs, newOwner := bulkPortfolio(anne, 10)
		ctx := &cancelAfter{Context: t.Context(), left: 3} // the call, the first chunk and the second
		if err := db.ImportPortfolio(ctx, people, cs, newOwner); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		check(t, db, before, cs, people)
	})

	t.Run("a later chunk cannot be stored", func(t *testing.T) {
		db := bulkDB(t, "k.db")
		anne := seedBulk(t, db)
		before := dump(t, db, false)
		people, cs, newOwner := bulkPortfolio(anne, 10)
		// Row 8, in the third chunk, has a time JSON cannot hold: the
		// chunks before it are written by then, and rolled back.
		bad := slices.Clone(cs)
		bad[7].Created = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		if err := db.ImportPortfolio(t.Context(), people, bad, newOwner); err == nil || !strings.Contains(err.Error(), "Time.MarshalJSON") {
			t.Fatalf("err = %v, want the encoding's", err)
		}
		check(t, db, before, cs, people)
	})

	t.Run("died between chunks", func(t *testing.T) {
		db := bulkDB(t, "k.db")
		anne := seedBulk(t, db)
		before := dump(t, db, false)
		people, cs, newOwner := bulkPortfolio(anne, 10)
		// Where the import stands when the process dies after the second
		// chunk: its mark, its people, its first six companies.
		if err := db.ImportPortfolio(t.Context(), people, cs[:6], newOwner); err != nil {
			t.Fatal(err)
		}
		var span importSpan
		if err := db.bolt.View(func(tx *bolt.Tx) error {
			span.lastCompany, span.lastPerson = tx.Bucket(bCompanies).Sequence(), tx.Bucket(bConsultants).Sequence()
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		span.firstCompany, span.lastCompany = span.lastCompany-5, span.lastCompany+4
		span.firstPerson = span.lastPerson - 1
		if err := db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keyImporting, span.bytes()) }); err != nil {
			t.Fatal(err)
		}
		path := db.Path()
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		reopened, err := Open(path, Options{Timeout: time.Second, Clock: db.clock})
		if err != nil {
			t.Fatal(err)
		}
		defer reopened.Close()
		check(t, reopened, before, cs, people)
	})

	t.Run("refused before anything is written", func(t *testing.T) {
		db := bulkDB(t, "k.db")
		anne := seedBulk(t, db)
		before := dump(t, db, true)
		people, cs, newOwner := bulkPortfolio(anne, 10)
		for _, tc := range []struct {
			name   string
			people []bot.Consultant
			cs     []bot.Company
			what   string
		}{
			{"a newcomer's name is taken", []bot.Consultant{{Name: "ANNE  holm"}, people[1]}, cs, "name"},
			{"two newcomers share a name", []bot.Consultant{people[0], {Name: "bo ravn."}}, cs, "name"},
			{"the last row's name is taken", people, append(slices.Clone(cs[:9]), bot.Company{Name: "ørsted bioenergi"}), "name"},
			{"the last row's alias is an earlier row's", people, append(slices.Clone(cs[:9]), bot.Company{Name: "Ny", Aliases: []string{cs[1].Aliases[0]}}), "alias"},
			{"a row's cvr is an earlier row's", people, append(slices.Clone(cs[:9]), bot.Company{Name: "Ny", CVR: cs[2].CVR}), "cvr"},
		} {
			err := db.ImportPortfolio(t.Context(), tc.people, tc.cs, newOwner)
			var ce *bot.ConflictError
			if !errors.As(err, &ce) || ce.What != tc.what {
				t.Errorf("%s: err = %v, want a %s conflict", tc.name, err, tc.what)
			}
		}
		if err := db.ImportCompanies(t.Context(), []bot.Company{{Name: "Ny"}, {Name: "Fremmed", OwnerID: 99}}); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("an unknown owner: err = %v, want bot.ErrNotFound", err)
		}
		sameDump(t, "after the refusals", dump(t, db, true), before)
	})
}

// cancelAfter is a context whose Err reports cancellation after left calls.
type cancelAfter struct {
	context.Context
	left int
}

func (c *cancelAfter) Err() error {
	if c.left--; c.left < 0 {
		return context.Canceled
	}
	return c.Context.Err()
}

// An import of people alone creates them in one transaction and leaves no
// mark behind.
func TestBulkImportPeopleOnly(t *testing.T) {
	db := bulkDB(t, "k.db")
	if err := db.ImportPortfolio(t.Context(), []bot.Consultant{{Name: "Bo Ravn"}, {Name: "Cecilie Østergaard"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Consultants(t.Context())
	if err != nil || len(got) != 2 || !got[0].Created.Equal(bulkNow) {
		t.Fatalf("Consultants = %+v, %v", got, err)
	}
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta).Get(keyImporting) != nil {
			t.Error("an import mark is left")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A panic on one of an import's goroutines is an error, not a crash.
func TestUnpanicked(t *testing.T) {
	t.Parallel()
	if err := unpanicked(func() {}); err != nil {
		t.Errorf("no panic: %v", err)
	}
	if err := unpanicked(func() { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("a panic: %v", err)
	}
}
