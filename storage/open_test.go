package storage_test

import (
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

func TestReopenKeepsEverything(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()

	soroe := mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Sorø"})
	naestved := mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Næstved", Partners: []uint64{soroe.ID}})
	anne := bot.Identity{Platform: "console", User: "anne"} // the first console person on a fresh file is admin
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
		if v := string(meta.Get([]byte("schema"))); v != "3" {
			t.Errorf("meta/schema = %q, want %q", v, "3")
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
		{"4", "version 4"},
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

// With IndexInBackground, Open returns before the name indexes are built;
// whatever needs them waits, writes queue behind the build, and the
// answers are those of an Open that built them first.
func TestOpenIndexInBackground(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := newDB(t)
	cs := make([]bot.Company, 3000)
	for i := range cs {
		cs[i] = bot.Company{Name: fmt.Sprintf("Ærø Maskinfabrik %d", i), Aliases: []string{fmt.Sprintf("ÆM%d", i)}}
	}
	if err := db.ImportCompanies(ctx, cs); err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)

	for round := range 3 {
		opt := options()
		opt.IndexInBackground = true
		db := mustOpenWith(t, path, opt)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		wg.Go(func() {
			if sugg, err := db.SuggestCompanies(ctx, "aero maskinfabrk 1234", 1); err != nil || len(sugg) != 1 || sugg[0].Name != "Ærø Maskinfabrik 1234" {
				errs <- fmt.Errorf("SuggestCompanies = %v, %v", names(sugg), err)
			}
		})
		wg.Go(func() {
			if exact, _, err := db.FindCompanies(ctx, bot.NormalizeName("ÆM2999"), 1); err != nil || exact == nil || exact.Name != "Ærø Maskinfabrik 2999" {
				errs <- fmt.Errorf("FindCompanies(ÆM2999) = %v, %v", exact, err)
			}
		})
		wg.Go(func() {
			if i, _, partial, err := db.FindCompaniesFirst(ctx, []string{"aeroe maskinfabrik"}, 5); err != nil || i != 0 || len(partial) != 5 {
				errs <- fmt.Errorf("FindCompaniesFirst = %d, %d found, %v", i, len(partial), err)
			}
		})
		wg.Go(func() {
			// A new name that shadows the stored ones is refused: the check
			// reads the index the build is still making.
			c, err := db.CreateCompany(ctx, bot.Company{Name: fmt.Sprintf("Nørre Vognmand %d", round)})
			if err != nil {
				errs <- err
				return
			}
			_, err = db.UpdateCompany(ctx, c.ID, func(c *bot.Company) error { c.Aliases = []string{"Ærø"}; return nil })
			if !errors.Is(err, bot.ErrConflict) {
				errs <- fmt.Errorf("alias Ærø: err = %v, want a conflict", err)
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		if exact, _, err := db.FindCompanies(ctx, bot.NormalizeName(fmt.Sprintf("Nørre Vognmand %d", round)), 1); err != nil || exact == nil {
			t.Errorf("round %d: the company created during the build is not found: %v, %v", round, exact, err)
		}
		if err := db.Damaged(); err != nil {
			t.Errorf("round %d: Damaged = %v", round, err)
		}
		mustClose(t, db)
	}

	// Closed at once: Close waits for the build.
	opt := options()
	opt.IndexInBackground = true
	db = mustOpenWith(t, path, opt)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// With NoSuggest nothing is suggested, and everything else (finding,
// importing, renaming, the shadowing check) works as ever.
func TestOpenNoSuggest(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	first, path := newDB(t)
	mustClose(t, first)
	opt := options()
	opt.NoSuggest = true
	for _, background := range []bool{false, true} {
		opt.IndexInBackground = background
		db := mustOpenWith(t, path, opt)
		n := fmt.Sprint(background)
		if err := db.ImportCompanies(ctx, []bot.Company{{Name: "Ærø Maskinfabrik " + n}, {Name: "Fakta Tarup " + n}}); err != nil {
			t.Fatal(err)
		}
		if exact, _, err := db.FindCompanies(ctx, bot.NormalizeName("Ærø Maskinfabrik "+n), 1); err != nil || exact == nil {
			t.Errorf("FindCompanies = %v, %v", exact, err)
		}
		if i, _, partial, err := db.FindCompaniesFirst(ctx, []string{"fakta"}, 5); err != nil || i != 0 || len(partial) == 0 {
			t.Errorf("FindCompaniesFirst(fakta) = %d, %v, %v", i, names(partial), err)
		}
		if sugg, err := db.SuggestCompanies(ctx, "aero maskinfabrk", 3); err != nil || len(sugg) != 0 {
			t.Errorf("SuggestCompanies = %v, %v; want nothing without the index", names(sugg), err)
		}
		c, err := db.CreateCompany(ctx, bot.Company{Name: "Ny " + n})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateCompany(ctx, c.ID, func(c *bot.Company) error { c.Aliases = []string{"Fakta"}; return nil }); !errors.Is(err, bot.ErrConflict) {
			t.Errorf("an alias shadowing Fakta Tarup: err = %v, want a conflict", err)
		}
		mustClose(t, db)
	}
	db := mustOpen(t, path) // and the file suggests as ever when opened with the index
	if sugg, err := db.SuggestCompanies(ctx, "aero maskinfabrk", 3); err != nil || len(sugg) != 2 {
		t.Errorf("SuggestCompanies with the index = %v, %v", names(sugg), err)
	}
}
