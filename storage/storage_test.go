package storage_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

func TestReopenKeepsEverything(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()

	soroe := mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Sorø"})
	naestved := mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Næstved", Partners: []uint64{soroe.ID}})
	anne := bot.Identity{Platform: "slack", Team: "T01", User: "U0ANNE"}
	admin, _ := mustEnsure(t, db, anne, "Anne Ærbø", "Jobcenter Sorø")
	aase, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Åse Østergård", JobcenterID: naestved.ID, Role: bot.RoleLead, Lang: bot.English})
	if err != nil {
		t.Fatal(err)
	}
	maskin := mustCompany(t, db, bot.Company{
		Name: "Ærø Maskinfabrik A/S", Aliases: []string{"Ærø Maskin", "ÆM"}, CVR: "13703701", Area: "Ærøskøbing",
		OwnerID: admin.ID, CadenceDays: 30, Tier: bot.TierIntensified,
		SnoozedUntil: days(3), SnoozeCount: 1, PlannedNext: bot.Day(days(10)),
	})
	smed := mustCompany(t, db, bot.Company{Name: "Smed Søndergaard", CVR: "37160474", OwnerID: aase.ID, CadenceDays: 90, Status: bot.StatusPaused})
	mustCompany(t, db, bot.Company{Name: "Bager Brød & Co."})
	mustContact(t, db, bot.Contact{CompanyID: maskin.ID, ConsultantID: admin.ID, At: days(-2), Kind: bot.KindVisit,
		Note: "Mødte værkføreren; de søger 2 smede", FollowUp: days(14)})
	mustContact(t, db, bot.Contact{CompanyID: maskin.ID, ConsultantID: aase.ID, At: days(-40), Kind: bot.KindPhone})
	mustContact(t, db, bot.Contact{CompanyID: smed.ID, ConsultantID: aase.ID, At: time.Date(1969, 7, 20, 21, 17, 0, 0, time.UTC), Kind: bot.KindMail})

	before := snapshot(t, db)
	if len(before.Jobcenters) != 2 || len(before.Consultants) != 2 || len(before.Companies) != 3 || len(before.Contacts[maskin.ID]) != 2 {
		t.Fatalf("before close: %d jobcenters, %d consultants, %d companies, %d contacts with #%d; want 2, 2, 3, 2",
			len(before.Jobcenters), len(before.Consultants), len(before.Companies), len(before.Contacts[maskin.ID]), maskin.ID)
	}
	mustClose(t, db)

	db = mustOpen(t, path)
	assertSame(t, "state after reopen", snapshot(t, db), before)
	if err := db.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}

	got := mustGetCompany(t, db, maskin.ID)
	want := maskin
	want.LastContact, want.LastKind, want.LastBy = days(-2), bot.KindVisit, admin.ID
	want.SnoozedUntil, want.SnoozeCount, want.PlannedNext = time.Time{}, 0, bot.Day(days(14))
	assertSame(t, "company after contacts and reopen", got, want)
	if !got.LastContact.Equal(days(-2)) || !got.Created.Equal(fixed) || !got.OwnerSince.Equal(fixed) {
		t.Errorf("times after reopen: last contact %v, created %v, owner since %v; want %v, %v, %v",
			got.LastContact, got.Created, got.OwnerSince, days(-2), fixed, fixed)
	}
	if j, err := db.Jobcenter(ctx, naestved.ID); err != nil || len(j.Partners) != 1 || j.Partners[0] != soroe.ID {
		t.Errorf("Jobcenter(%d) = %+v, %v; want partner #%d", naestved.ID, j, err, soroe.ID)
	}
	if c, err := db.ConsultantByName(ctx, "aase oestergaard"); err != nil || c.ID != aase.ID {
		t.Errorf("ConsultantByName after reopen = #%d, %v; want #%d", c.ID, err, aase.ID)
	}
	if c, created := mustEnsure(t, db, anne, "Anne", "Jobcenter X"); created || c.ID != admin.ID || c.Role != bot.RoleAdmin {
		t.Errorf("EnsureConsultant after reopen = #%d %s created=%v; want #%d admin, not created", c.ID, c.Role, created, admin.ID)
	}
	if exact, _, err := db.FindCompanies(ctx, "aem", 0); err != nil || exact == nil || exact.ID != maskin.ID {
		t.Errorf("FindCompanies(aem) after reopen = %v, %v; want #%d", exact, err, maskin.ID)
	}
	if c, err := db.CompanyByCVR(ctx, "37160474"); err != nil || c.ID != smed.ID {
		t.Errorf("CompanyByCVR after reopen = #%d, %v; want #%d", c.ID, err, smed.ID)
	}
	if owned, err := db.CompaniesOwnedBy(ctx, aase.ID); err != nil || len(owned) != 1 || owned[0].ID != smed.ID {
		t.Errorf("CompaniesOwnedBy(#%d) after reopen = %v, %v; want [#%d]", aase.ID, owned, err, smed.ID)
	}
}

func TestSchemaVersion(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	mustClose(t, db)
	withBolt(t, path, true, func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		if meta == nil {
			t.Fatal("no meta bucket")
		}
		if v := string(meta.Get([]byte("schema"))); v != "1" {
			t.Errorf("meta/schema = %q, want %q", v, "1")
		}
		return nil
	})
}

func TestOpenRefusesUnknownSchema(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		schema   string
		mentions string
	}{
		{"99", "99"},
		{"2", "version 2"},
		{"garbage", "garbage"},
		{"0", "0"},
		{"-1", "-1"},
	} {
		for _, readOnly := range []bool{false, true} {
			name := tc.schema
			if readOnly {
				name += "/read-only"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				db, path := newDB(t)
				mustClose(t, db)
				withBolt(t, path, false, func(tx *bolt.Tx) error {
					return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte(tc.schema))
				})

				opt := options()
				opt.ReadOnly = readOnly
				db, err := storage.Open(path, opt)
				if err == nil {
					db.Close()
					t.Fatalf("Open accepted a file with schema %q", tc.schema)
				}
				if !strings.Contains(err.Error(), tc.mentions) {
					t.Errorf("Open error %q does not mention %q", err, tc.mentions)
				}
				// The refused Open let go of the file and left it as it was.
				withBolt(t, path, true, func(tx *bolt.Tx) error {
					if v := string(tx.Bucket([]byte("meta")).Get([]byte("schema"))); v != tc.schema {
						t.Errorf("after the refused Open, schema = %q, want %q", v, tc.schema)
					}
					return nil
				})
			})
		}
	}
}

func TestOpenLocked(t *testing.T) {
	t.Parallel()
	_, path := newDB(t)
	for _, readOnly := range []bool{false, true} {
		opt := options()
		opt.Timeout, opt.ReadOnly = 100*time.Millisecond, readOnly
		start := time.Now()
		db, err := storage.Open(path, opt)
		if err == nil {
			db.Close()
			t.Fatalf("ReadOnly=%v: a second Open of a file in use succeeded", readOnly)
		}
		if !errors.Is(err, storage.ErrLocked) {
			t.Errorf("ReadOnly=%v: err = %v, want storage.ErrLocked", readOnly, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "another") || !strings.Contains(msg, "process") {
			t.Errorf("ReadOnly=%v: error %q does not say another process holds the file", readOnly, msg)
		}
		// bbolt polls the lock every 50ms and gives up one poll early, so
		// only check that Open gives up rather than waiting on.
		if waited := time.Since(start); waited > opt.Timeout+time.Second {
			t.Errorf("ReadOnly=%v: gave up after %v, with a %v timeout", readOnly, waited, opt.Timeout)
		}
	}
}

func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "missing.db")
		opt := options()
		opt.ReadOnly = true
		db, err := storage.Open(path, opt)
		if err == nil {
			db.Close()
			t.Fatal("read-only Open of a missing file succeeded")
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want fs.ErrNotExist", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("read-only Open created the file: stat = %v", err)
		}
	})
	t.Run("shared and not writable", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t)
		co := mustCompany(t, db, bot.Company{Name: "Fjordvejens Auto"})
		mustClose(t, db)

		opt := options()
		opt.ReadOnly = true
		var readers []*storage.DB
		for range 2 {
			r, err := storage.Open(path, opt)
			if err != nil {
				t.Fatalf("read-only Open next to another reader: %v", err)
			}
			t.Cleanup(func() { r.Close() })
			readers = append(readers, r)
		}
		for _, r := range readers {
			if got := mustGetCompany(t, r, co.ID); got.Name != co.Name {
				t.Errorf("reader sees %q, want %q", got.Name, co.Name)
			}
		}
		if _, err := readers[0].CreateCompany(t.Context(), bot.Company{Name: "Ny"}); err == nil {
			t.Error("CreateCompany on a read-only DB succeeded")
		}
	})
}

func TestCheckGoodFile(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	if err := db.Check(); err != nil {
		t.Errorf("Check on a fresh file: %v", err)
	}
	co := mustCompany(t, db, bot.Company{Name: "Kähler Keramik", Aliases: []string{"Kähler"}, CVR: "38395041"})
	for i := range 50 {
		mustContact(t, db, bot.Contact{CompanyID: co.ID, At: days(-i), Kind: bot.KindPhone, Note: strings.Repeat("x", 200)})
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check after writes: %v", err)
	}
}

func TestEnsureConsultant(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne := bot.Identity{Platform: "slack", Team: "T01", User: "U01"}
	bo := bot.Identity{Platform: "teams", Team: "tenant", User: "bo"}
	carl := bot.Identity{Platform: "console", User: "carl"}

	first, created := mustEnsure(t, db, anne, "Anne Berg", "Jobcenter Sorø")
	if !created || first.Role != bot.RoleAdmin {
		t.Errorf("first ever: created=%v role=%s, want created admin", created, first.Role)
	}
	jc, err := db.JobcenterByName(ctx, "Jobcenter Sorø")
	if err != nil {
		t.Fatalf("the jobcenter was not created: %v", err)
	}
	assertSame(t, "first consultant", first, bot.Consultant{ID: first.ID, Name: "Anne Berg", JobcenterID: jc.ID,
		Role: bot.RoleAdmin, Lang: bot.Danish, Identities: []bot.Identity{anne}, Created: fixed})

	second, created := mustEnsure(t, db, bo, "Bo Holm", "jobcenter soroe")
	if !created || second.Role != bot.RoleConsultant || second.ID == first.ID {
		t.Errorf("second: #%d created=%v role=%s, want a new consultant", second.ID, created, second.Role)
	}
	if second.JobcenterID != jc.ID {
		t.Errorf("second's jobcenter = #%d, want the existing #%d (same normalized name)", second.JobcenterID, jc.ID)
	}
	third, _ := mustEnsure(t, db, carl, "Carl Dam", "Jobcenter Ringsted")
	if third.JobcenterID == jc.ID || third.JobcenterID == 0 {
		t.Errorf("third's jobcenter = #%d, want a new one", third.JobcenterID)
	}
	if jcs, err := db.Jobcenters(ctx); err != nil || len(jcs) != 2 {
		t.Errorf("Jobcenters = %v, %v; want Sorø and Ringsted", jcs, err)
	}

	again, created := mustEnsure(t, db, anne, "Another Name", "Another Jobcenter")
	if created {
		t.Error("a known identity was created again")
	}
	assertSame(t, "known identity", again, first)
	if _, err := db.JobcenterByName(ctx, "Another Jobcenter"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a known identity created a jobcenter: %v", err)
	}
}

func TestEnsureConsultantKnownDoesNotWrite(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	id := bot.Identity{Platform: "console", User: "anne"}
	mustEnsure(t, db, id, "Anne", "Jobcenter Sorø")
	mustClose(t, db)

	// Open itself commits a transaction (the schema check); measure it
	// with an Open and Close that do nothing else.
	base := txID(t, path)
	mustClose(t, mustOpen(t, path))
	openOnly := txID(t, path) - base

	db = mustOpen(t, path)
	for range 3 {
		if _, created := mustEnsure(t, db, id, "Anne", "Jobcenter Sorø"); created {
			t.Fatal("a known identity was created again")
		}
	}
	mustClose(t, db)
	if writes := txID(t, path) - base - 2*openOnly; writes != 0 {
		t.Errorf("EnsureConsultant of a known identity committed %d transactions, want 0", writes)
	}
}

func TestEnsureConsultantClaimsNamedConsultant(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	mustEnsure(t, db, bot.Identity{Platform: "console", User: "admin"}, "Admin", "Jobcenter Sorø")
	hanne := mustConsultant(t, db, "Hanne Hansen")
	hannesSlack := bot.Identity{Platform: "slack", Team: "T01", User: "UHANNE"}

	claimed, created := mustEnsure(t, db, hannesSlack, "HANNE  hansen", "Jobcenter Sorø")
	if created || claimed.ID != hanne.ID {
		t.Fatalf("claim: #%d created=%v, want the named #%d, not created", claimed.ID, created, hanne.ID)
	}
	want := hanne
	want.Identities = []bot.Identity{hannesSlack}
	assertSame(t, "claimed consultant", claimed, want)
	if stored, err := db.Consultant(t.Context(), hanne.ID); err != nil {
		t.Fatal(err)
	} else {
		assertSame(t, "stored claimed consultant", stored, want)
	}
	if again, created := mustEnsure(t, db, hannesSlack, "Hanne Hansen", ""); created || again.ID != hanne.ID {
		t.Errorf("the claiming identity again: #%d created=%v, want #%d", again.ID, created, hanne.ID)
	}

	// Another person of the same name gets in under a numbered name.
	for i, wantName := range []string{"Hanne Hansen 2", "Hanne Hansen 3"} {
		other := bot.Identity{Platform: "teams", Team: "tenant", User: fmt.Sprintf("namesake%d", i)}
		c, created := mustEnsure(t, db, other, "Hanne Hansen", "Jobcenter Sorø")
		if !created || c.ID == hanne.ID || c.Name != wantName {
			t.Errorf("namesake %d: #%d %q created=%v, want a new %q", i+1, c.ID, c.Name, created, wantName)
		}
	}
	if all, err := db.Consultants(t.Context()); err != nil || len(all) != 4 {
		t.Errorf("Consultants: %d, %v; want 4", len(all), err)
	}
}

func TestEnsureConsultantFirstClaimIsAdmin(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	// An import names owners before anyone has written to the bot.
	hanne, bo := mustConsultant(t, db, "Hanne Hansen"), mustConsultant(t, db, "Bo Holm")

	c, created := mustEnsure(t, db, bot.Identity{Platform: "console", User: "bo"}, "Bo Holm", "Jobcenter Sorø")
	if created || c.ID != bo.ID || c.Role != bot.RoleAdmin {
		t.Errorf("first to write: #%d %s created=%v, want the named #%d made admin", c.ID, c.Role, created, bo.ID)
	}
	c, created = mustEnsure(t, db, bot.Identity{Platform: "console", User: "hanne"}, "Hanne Hansen", "Jobcenter Sorø")
	if created || c.ID != hanne.ID || c.Role != bot.RoleConsultant {
		t.Errorf("second to write: #%d %s created=%v, want the named #%d as consultant", c.ID, c.Role, created, hanne.ID)
	}
	c, _ = mustEnsure(t, db, bot.Identity{Platform: "console", User: "ea"}, "Ea Lund", "Jobcenter Sorø")
	if c.Role != bot.RoleConsultant {
		t.Errorf("a newcomer after the admin: role %s, want %s", c.Role, bot.RoleConsultant)
	}
}

func TestEnsureConsultantConcurrent(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	id := bot.Identity{Platform: "slack", Team: "T01", User: "U01"}
	const n = 8
	var (
		wg      sync.WaitGroup
		ids     [n]uint64
		created [n]bool
		errs    [n]error
	)
	for i := range n {
		wg.Go(func() {
			var c bot.Consultant
			c, created[i], errs[i] = db.EnsureConsultant(t.Context(), id, "Anne Berg", "Jobcenter Sorø")
			ids[i] = c.ID
		})
	}
	wg.Wait()
	nCreated := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("goroutine %d got #%d, goroutine 0 #%d", i, ids[i], ids[0])
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Errorf("%d calls reported created, want 1", nCreated)
	}
	if all, err := db.Consultants(t.Context()); err != nil || len(all) != 1 {
		t.Errorf("Consultants = %d, %v; want 1", len(all), err)
	}
	if jcs, err := db.Jobcenters(t.Context()); err != nil || len(jcs) != 1 {
		t.Errorf("Jobcenters = %d, %v; want 1", len(jcs), err)
	}
}

func TestCreateConsultantConflict(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	aase := mustConsultant(t, db, "Åse Ørsted")
	for _, name := range []string{"Åse Ørsted", "aase oersted", "ÅSE  ØRSTED."} {
		_, err := db.CreateConsultant(t.Context(), bot.Consultant{Name: name})
		assertConflict(t, err, "name", aase.ID)
	}
	if _, err := db.CreateConsultant(t.Context(), bot.Consultant{Name: " -- "}); bot.ErrorCode(err) != bot.Invalid {
		t.Errorf("a name without letters: err = %v, want code %s", err, bot.Invalid)
	}
	if all, err := db.Consultants(t.Context()); err != nil || len(all) != 1 {
		t.Errorf("Consultants = %d, %v; want only Åse", len(all), err)
	}
}

func TestUpdateConsultant(t *testing.T) {
	t.Parallel()

	t.Run("rename", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		c := mustConsultant(t, db, "Bo Holm")
		got, err := db.UpdateConsultant(ctx, c.ID, func(c *bot.Consultant) error {
			c.Name, c.Role = "Bo Holm Ærø", bot.RoleLead
			c.ID, c.Identities = 77, []bot.Identity{{Platform: "console", User: "x"}} // ignored
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := c
		want.Name, want.Role = "Bo Holm Ærø", bot.RoleLead
		assertSame(t, "renamed", got, want)
		if byName, err := db.ConsultantByName(ctx, "bo holm aeroe"); err != nil || byName.ID != c.ID {
			t.Errorf("new name: #%d, %v; want #%d", byName.ID, err, c.ID)
		}
		if _, err := db.ConsultantByName(ctx, "Bo Holm"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("old name: err = %v, want bot.ErrNotFound", err)
		}
		if _, err := db.Consultant(ctx, 77); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("fn moved the consultant to #77: %v", err)
		}
		if _, created := mustEnsure(t, db, bot.Identity{Platform: "console", User: "x"}, "X", "J"); !created {
			t.Error("fn attached an identity")
		}
	})
	t.Run("taken name", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		bo, ea := mustConsultant(t, db, "Bo Holm"), mustConsultant(t, db, "Ea Lund")
		_, err := db.UpdateConsultant(ctx, bo.ID, func(c *bot.Consultant) error { c.Name, c.Role = "EA LUND", bot.RoleAdmin; return nil })
		assertConflict(t, err, "name", ea.ID)
		assertUnchangedConsultants(t, db, bo, ea)
	})
	t.Run("fn error", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		bo := mustConsultant(t, db, "Bo Holm")
		stop := errors.New("stop")
		_, err := db.UpdateConsultant(ctx, bo.ID, func(c *bot.Consultant) error { c.Name, c.Lang = "Bo Ny", bot.English; return stop })
		if !errors.Is(err, stop) {
			t.Errorf("err = %v, want fn's error", err)
		}
		assertUnchangedConsultants(t, db, bo)
	})
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		called := false
		_, err := db.UpdateConsultant(ctx, 999, func(*bot.Consultant) error { called = true; return nil })
		if !errors.Is(err, bot.ErrNotFound) || called {
			t.Errorf("err = %v, fn called = %v; want bot.ErrNotFound without calling fn", err, called)
		}
	})
}

// assertUnchangedConsultants checks that each consultant is stored as
// given and found by its name.
func assertUnchangedConsultants(tb testing.TB, db *storage.DB, cs ...bot.Consultant) {
	tb.Helper()
	for _, c := range cs {
		got, err := db.Consultant(tb.Context(), c.ID)
		if err != nil {
			tb.Fatal(err)
		}
		assertSame(tb, "consultant after a refused update", got, c)
		if byName, err := db.ConsultantByName(tb.Context(), c.Name); err != nil || byName.ID != c.ID {
			tb.Errorf("ConsultantByName(%q) = #%d, %v; want #%d", c.Name, byName.ID, err, c.ID)
		}
	}
}

func TestConsultantByName(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	soeren := mustConsultant(t, db, "Søren ÆRØ")
	for _, tc := range []struct {
		name  string
		found bool
	}{
		{"Søren ÆRØ", true},
		{"søren ærø", true},
		{"soeren aeroe", true},
		{"  SOEREN   Aeroe. ", true},
		{"Søren", false},
		{"soren aro", false},
		{"", false},
	} {
		c, err := db.ConsultantByName(t.Context(), tc.name)
		switch {
		case tc.found && (err != nil || c.ID != soeren.ID):
			t.Errorf("ConsultantByName(%q) = #%d, %v; want #%d", tc.name, c.ID, err, soeren.ID)
		case !tc.found && !errors.Is(err, bot.ErrNotFound):
			t.Errorf("ConsultantByName(%q) = #%d, %v; want bot.ErrNotFound", tc.name, c.ID, err)
		}
	}
}

func TestJobcenters(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	var made []bot.Jobcenter
	for _, name := range []string{"Jobcenter Vordingborg", "Jobcenter Slagelse", "Jobcenter Næstved"} {
		made = append(made, mustJobcenter(t, db, bot.Jobcenter{Name: name}))
	}
	all, err := db.Jobcenters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, "Jobcenters", all, made)
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Errorf("Jobcenters not in id order: #%d before #%d", all[i-1].ID, all[i].ID)
		}
	}

	_, err = db.CreateJobcenter(ctx, bot.Jobcenter{Name: "jobcenter naestved"})
	assertConflict(t, err, "name", made[2].ID)

	got, err := db.UpdateJobcenter(ctx, made[0].ID, func(j *bot.Jobcenter) error {
		j.Partners = append(j.Partners, made[1].ID, made[2].ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored, err := db.Jobcenter(ctx, made[0].ID); err != nil {
		t.Fatal(err)
	} else {
		assertSame(t, "jobcenter with partners", stored, got)
		assertSame(t, "partners", stored.Partners, []uint64{made[1].ID, made[2].ID})
	}

	stop := errors.New("stop")
	_, err = db.UpdateJobcenter(ctx, made[0].ID, func(j *bot.Jobcenter) error {
		j.Partners[0], j.Name = 999, "Jobcenter Andet"
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("err = %v, want fn's error", err)
	}
	if stored, err := db.Jobcenter(ctx, made[0].ID); err != nil {
		t.Fatal(err)
	} else {
		assertSame(t, "jobcenter after an aborted update", stored, got)
	}

	_, err = db.UpdateJobcenter(ctx, made[0].ID, func(j *bot.Jobcenter) error { j.Name = "Jobcenter Slagelse"; return nil })
	assertConflict(t, err, "name", made[1].ID)
	if j, err := db.JobcenterByName(ctx, "JOBCENTER VORDINGBORG"); err != nil || j.ID != made[0].ID {
		t.Errorf("after a refused rename, JobcenterByName = #%d, %v; want #%d", j.ID, err, made[0].ID)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	mustConsultant(t, db, "Anne")
	mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Sorø"})
	mustCompany(t, db, bot.Company{Name: "Firma"})
	for name, get := range map[string]func() error{
		"Consultant":       func() error { _, err := db.Consultant(ctx, 999); return err },
		"Jobcenter":        func() error { _, err := db.Jobcenter(ctx, 999); return err },
		"Company":          func() error { _, err := db.Company(ctx, 999); return err },
		"CompanyByCVR":     func() error { _, err := db.CompanyByCVR(ctx, "13703701"); return err },
		"ConsultantByName": func() error { _, err := db.ConsultantByName(ctx, "Bent"); return err },
		"JobcenterByName":  func() error { _, err := db.JobcenterByName(ctx, "Jobcenter Ringsted"); return err },
		"UpdateCompany": func() error {
			_, err := db.UpdateCompany(ctx, 999, func(*bot.Company) error { return nil })
			return err
		},
		"UpdateJobcenter": func() error {
			_, err := db.UpdateJobcenter(ctx, 999, func(*bot.Jobcenter) error { return nil })
			return err
		},
		"Consultant(0)": func() error { _, err := db.Consultant(ctx, 0); return err },
	} {
		if err := get(); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%s: err = %v, want bot.ErrNotFound", name, err)
		}
	}
}
