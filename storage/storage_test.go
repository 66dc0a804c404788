package storage_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// fixed is Monday 23 November 2026, 09:30 in Copenhagen: the clock of
// every test.
var fixed = time.Date(2026, 11, 23, 9, 30, 0, 0, bot.Copenhagen)

// days is fixed moved by n calendar days, keeping the clock time.
func days(n int) time.Time { return fixed.AddDate(0, 0, n) }

func options() storage.Options {
	return storage.Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return fixed })}
}

// mustOpen opens path with the fixed clock and closes it when the test
// ends (closing twice is harmless).
func mustOpen(tb testing.TB, path string) *storage.DB {
	tb.Helper()
	return mustOpenWith(tb, path, options())
}

func mustOpenWith(tb testing.TB, path string, opt storage.Options) *storage.DB {
	tb.Helper()
	db, err := storage.Open(path, opt)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// newDB opens a fresh file in a temp dir and returns it with its path.
func newDB(tb testing.TB) (*storage.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "k.db")
	return mustOpen(tb, path), path
}

func mustClose(tb testing.TB, db *storage.DB) {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatalf("close: %v", err)
	}
}

func mustJobcenter(tb testing.TB, db *storage.DB, j bot.Jobcenter) bot.Jobcenter {
	tb.Helper()
	j, err := db.CreateJobcenter(tb.Context(), j)
	if err != nil {
		tb.Fatalf("create jobcenter %q: %v", j.Name, err)
	}
	return j
}

// mustConsultant creates a consultant known only by name.
func mustConsultant(tb testing.TB, db *storage.DB, name string) bot.Consultant {
	tb.Helper()
	c, err := db.CreateConsultant(tb.Context(), bot.Consultant{Name: name, Role: bot.RoleConsultant, Lang: bot.Danish})
	if err != nil {
		tb.Fatalf("create consultant %q: %v", name, err)
	}
	return c
}

func mustEnsure(tb testing.TB, db *storage.DB, id bot.Identity, name, jobcenter string) (bot.Consultant, bool) {
	tb.Helper()
	c, created, err := db.EnsureConsultant(tb.Context(), id, name, jobcenter)
	if err != nil {
		tb.Fatalf("ensure consultant %q: %v", name, err)
	}
	return c, created
}

func mustCompany(tb testing.TB, db *storage.DB, c bot.Company) bot.Company {
	tb.Helper()
	c, err := db.CreateCompany(tb.Context(), c)
	if err != nil {
		tb.Fatalf("create company %q: %v", c.Name, err)
	}
	return c
}

func mustGetCompany(tb testing.TB, db *storage.DB, id uint64) bot.Company {
	tb.Helper()
	c, err := db.Company(tb.Context(), id)
	if err != nil {
		tb.Fatalf("company #%d: %v", id, err)
	}
	return c
}

func mustContact(tb testing.TB, db *storage.DB, c bot.Contact) bot.Contact {
	tb.Helper()
	c, err := db.AddContact(tb.Context(), c)
	if err != nil {
		tb.Fatalf("add contact to #%d: %v", c.CompanyID, err)
	}
	return c
}

// assertSame fails unless got and want encode to the same JSON. Storage
// keeps records as JSON, so this compares what it can keep: times as
// instants with their offsets, not their *time.Location or monotonic
// readings.
func assertSame(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		tb.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// assertConflict fails unless err is a *bot.ConflictError about what,
// held by id, that also matches bot.ErrConflict.
func assertConflict(tb testing.TB, err error, what string, id uint64) {
	tb.Helper()
	var ce *bot.ConflictError
	if !errors.As(err, &ce) {
		tb.Fatalf("err = %v, want a *bot.ConflictError", err)
	}
	if !errors.Is(err, bot.ErrConflict) {
		tb.Errorf("errors.Is(%v, bot.ErrConflict) = false", err)
	}
	if ce.What != what || ce.ID != id {
		tb.Errorf("conflict = %s held by #%d, want %s held by #%d", ce.What, ce.ID, what, id)
	}
}

// withBolt runs fn on the closed storage file at path opened directly
// with bbolt, in a write transaction unless readOnly.
func withBolt(tb testing.TB, path string, readOnly bool, fn func(tx *bolt.Tx) error) {
	tb.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: readOnly})
	if err != nil {
		tb.Fatalf("bbolt open %s: %v", path, err)
	}
	defer b.Close()
	run := b.Update
	if readOnly {
		run = b.View
	}
	if err := run(fn); err != nil {
		tb.Fatalf("bbolt: %v", err)
	}
}

// txID is the id of the last transaction committed to the closed file.
func txID(tb testing.TB, path string) int {
	tb.Helper()
	var id int
	withBolt(tb, path, true, func(tx *bolt.Tx) error { id = tx.ID(); return nil })
	return id
}

// state is everything a DB holds, read through its API.
type state struct {
	Jobcenters  []bot.Jobcenter
	Consultants []bot.Consultant
	Companies   []bot.Company
	Contacts    map[uint64][]bot.Contact
}

func snapshot(tb testing.TB, db *storage.DB) state {
	tb.Helper()
	ctx := tb.Context()
	var s state
	var err error
	if s.Jobcenters, err = db.Jobcenters(ctx); err != nil {
		tb.Fatal(err)
	}
	if s.Consultants, err = db.Consultants(ctx); err != nil {
		tb.Fatal(err)
	}
	if err = db.ForEachCompany(ctx, func(c bot.Company) error { s.Companies = append(s.Companies, c); return nil }); err != nil {
		tb.Fatal(err)
	}
	s.Contacts = map[uint64][]bot.Contact{}
	for _, c := range s.Companies {
		if s.Contacts[c.ID], err = db.Contacts(ctx, c.ID, 1000); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}
