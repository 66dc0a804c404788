package storage_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
	"kontaktbot/storage/storagetest"
)

// names returns the names of cs, in order.
func names(cs []bot.Company) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func ids(cs []bot.Company) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// allCompanies is every company through ForEachCompany.
func allCompanies(tb testing.TB, db *storage.DB) []bot.Company {
	tb.Helper()
	var out []bot.Company
	if err := db.ForEachCompany(tb.Context(), func(c bot.Company) error { out = append(out, c); return nil }); err != nil {
		tb.Fatal(err)
	}
	return out
}

// assertNoTrace fails if any lookup finds a company by the name, alias or
// CVR of c, which a refused write must not have stored.
func assertNoTrace(tb testing.TB, db *storage.DB, c bot.Company) {
	tb.Helper()
	ctx := tb.Context()
	for _, n := range append([]string{c.Name}, c.Aliases...) {
		key := bot.NormalizeName(n)
		exact, _, err := db.FindCompanies(ctx, key, 10)
		if err != nil {
			tb.Fatal(err)
		}
		if exact != nil {
			tb.Errorf("FindCompanies(%q) finds #%d %q after a refused write", key, exact.ID, exact.Name)
		}
		sugg, err := db.SuggestCompanies(ctx, n, 10)
		if err != nil {
			tb.Fatal(err)
		}
		if len(sugg) > 0 {
			tb.Errorf("SuggestCompanies(%q) = %q after a refused write", n, names(sugg))
		}
	}
	if c.CVR != "" {
		if got, err := db.CompanyByCVR(ctx, c.CVR); !errors.Is(err, bot.ErrNotFound) {
			tb.Errorf("CompanyByCVR(%s) = #%d, %v after a refused write; want bot.ErrNotFound", c.CVR, got.ID, err)
		}
	}
}

func TestCreateCompany(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	owner := mustConsultant(t, db, "Anne")
	got := mustCompany(t, db, bot.Company{Name: "Ærø Maskinfabrik", Aliases: []string{"ÆM"}, CVR: "13703701", OwnerID: owner.ID, CadenceDays: 30})
	want := bot.Company{ID: got.ID, Name: "Ærø Maskinfabrik", Aliases: []string{"ÆM"}, CVR: "13703701", OwnerID: owner.ID,
		OwnerSince: fixed, CadenceDays: 30, Tier: bot.TierNormal, Status: bot.StatusActive, Created: fixed}
	assertSame(t, "created company", got, want)
	assertSame(t, "stored company", mustGetCompany(t, db, got.ID), want)

	_, err := db.CreateCompany(t.Context(), bot.Company{Name: "Ukendt Ejer ApS", CVR: "37160474", OwnerID: 999})
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("unknown owner: err = %v, want bot.ErrNotFound", err)
	}
	assertNoTrace(t, db, bot.Company{Name: "Ukendt Ejer ApS", CVR: "37160474"})

	for _, name := range []string{"", " & "} {
		if _, err := db.CreateCompany(t.Context(), bot.Company{Name: name}); bot.ErrorCode(err) != bot.Invalid {
			t.Errorf("name %q: err = %v, want code %s", name, err, bot.Invalid)
		}
	}
	if n := len(allCompanies(t, db)); n != 1 {
		t.Errorf("%d companies stored, want 1", n)
	}
}

func TestCreateCompanyConflict(t *testing.T) {
	t.Parallel()
	held := bot.Company{Name: "L-tek", Aliases: []string{"Lauritzen Teknik"}, CVR: "13703701"}
	for _, tc := range []struct {
		name string
		c    bot.Company // the refused company; its other keys are free
		what string
	}{
		{"name", bot.Company{Name: "ltek", Aliases: []string{"Nyt Firma"}, CVR: "37160474"}, "name"},
		{"name with punctuation and case", bot.Company{Name: "L.TEK", CVR: "37160474"}, "name"},
		{"name is an alias", bot.Company{Name: "LAURITZEN  teknik", Aliases: []string{"Nyt Firma"}}, "name"},
		{"alias", bot.Company{Name: "Nyt Firma", Aliases: []string{"Nyt", "lauritzen teknik"}, CVR: "37160474"}, "alias"},
		{"alias is a name", bot.Company{Name: "Nyt Firma", Aliases: []string{"L-Tek"}}, "alias"},
		{"cvr", bot.Company{Name: "Nyt Firma", Aliases: []string{"Nyt"}, CVR: "13703701"}, "cvr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, _ := newDB(t)
			other := mustCompany(t, db, bot.Company{Name: "Vejle Vognmand"}) // so that the holder is not #1
			holder := mustCompany(t, db, held)
			_, err := db.CreateCompany(t.Context(), tc.c)
			assertConflict(t, err, tc.what, holder.ID)

			all := allCompanies(t, db)
			assertSame(t, "companies after a refused create", all, []bot.Company{other, holder})
			var free bot.Company // the refused company's keys that clash with nothing
			for _, n := range append([]string{tc.c.Name}, tc.c.Aliases...) {
				if k := bot.NormalizeName(n); k != "ltek" && k != "lauritzen teknik" {
					free.Aliases = append(free.Aliases, n)
				}
			}
			if tc.c.CVR != held.CVR {
				free.CVR = tc.c.CVR
			}
			assertNoTrace(t, db, free)
			if exact, _, err := db.FindCompanies(t.Context(), "ltek", 10); err != nil || exact == nil || exact.ID != holder.ID {
				t.Errorf("the holder is no longer found by its name: %v, %v", exact, err)
			}
		})
	}
}

func TestUpdateCompany(t *testing.T) {
	t.Parallel()

	t.Run("rename keeping the old name as alias", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		co := mustCompany(t, db, bot.Company{Name: "Jensens Køkken", CVR: "13703701"})
		got, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error {
			c.Aliases = append(c.Aliases, c.Name)
			c.Name = "Jensens Køkken Holding"
			return nil
		})
		if err != nil {
			t.Fatalf("a rename that keeps the old name as an alias: %v", err)
		}
		want := co
		want.Name, want.Aliases = "Jensens Køkken Holding", []string{"Jensens Køkken"}
		assertSame(t, "renamed", got, want)
		assertSame(t, "stored", mustGetCompany(t, db, co.ID), want)
		for _, key := range []string{"jensens koekken", "jensens koekken holding"} {
			if exact, _, err := db.FindCompanies(ctx, key, 10); err != nil || exact == nil || exact.ID != co.ID {
				t.Errorf("FindCompanies(%q) = %v, %v; want #%d", key, exact, err, co.ID)
			}
		}
		_, err = db.CreateCompany(ctx, bot.Company{Name: "Jensens Køkken"})
		assertConflict(t, err, "name", co.ID)
	})
	t.Run("taken name, alias or cvr", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		a := mustCompany(t, db, bot.Company{Name: "Alfa", Aliases: []string{"A1"}, CVR: "13703701"})
		b := mustCompany(t, db, bot.Company{Name: "Beta", Aliases: []string{"B1"}, CVR: "37160474"})
		for _, tc := range []struct {
			what string
			fn   func(*bot.Company)
		}{
			{"name", func(c *bot.Company) { c.Name = "ALFA" }},
			{"name", func(c *bot.Company) { c.Name = "a-1" }},
			{"alias", func(c *bot.Company) { c.Aliases = append(c.Aliases, "Alfa") }},
			{"cvr", func(c *bot.Company) { c.Name, c.CVR = "Beta Ny", "13703701" }},
		} {
			_, err := db.UpdateCompany(ctx, b.ID, func(c *bot.Company) error { tc.fn(c); c.Area = "Sorø"; return nil })
			assertConflict(t, err, tc.what, a.ID)
		}
		assertSame(t, "companies after refused updates", allCompanies(t, db), []bot.Company{a, b})
		if exact, _, err := db.FindCompanies(ctx, "beta ny", 0); err != nil || exact != nil {
			t.Errorf("FindCompanies(beta ny) = %v, %v after refused updates; want nothing", exact, err)
		}
		if got, err := db.CompanyByCVR(ctx, "37160474"); err != nil || got.ID != b.ID {
			t.Errorf("CompanyByCVR(old) = #%d, %v; want #%d", got.ID, err, b.ID)
		}
	})
	t.Run("dropped keys are freed", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		a := mustCompany(t, db, bot.Company{Name: "Alfa", Aliases: []string{"A1"}, CVR: "13703701"})
		if _, err := db.UpdateCompany(ctx, a.ID, func(c *bot.Company) error {
			c.Name, c.Aliases, c.CVR = "Alfa Laval", nil, "37160474"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		b := mustCompany(t, db, bot.Company{Name: "Alfa", Aliases: []string{"A1"}, CVR: "13703701"})
		for key, want := range map[string]uint64{"alfa": b.ID, "a1": b.ID, "alfa laval": a.ID} {
			if exact, _, err := db.FindCompanies(ctx, key, 0); err != nil || exact == nil || exact.ID != want {
				t.Errorf("FindCompanies(%q) = %v, %v; want #%d", key, exact, err, want)
			}
		}
		for cvr, want := range map[string]uint64{"13703701": b.ID, "37160474": a.ID} {
			if got, err := db.CompanyByCVR(ctx, cvr); err != nil || got.ID != want {
				t.Errorf("CompanyByCVR(%s) = #%d, %v; want #%d", cvr, got.ID, err, want)
			}
		}
	})
	t.Run("fn error", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		co := mustCompany(t, db, bot.Company{Name: "Alfa", CVR: "13703701"})
		stop := errors.New("stop")
		_, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error {
			c.Name, c.CVR, c.Aliases = "Omega", "37160474", []string{"Om"}
			return stop
		})
		if !errors.Is(err, stop) {
			t.Errorf("err = %v, want fn's error", err)
		}
		assertSame(t, "after an aborted update", allCompanies(t, db), []bot.Company{co})
		assertNoTrace(t, db, bot.Company{Name: "Omega", Aliases: []string{"Om"}, CVR: "37160474"})
	})
}

func TestFindCompanies(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	for _, c := range []bot.Company{
		{Name: "Grundfos"},
		{Name: "Grundfos Odense"},
		{Name: "Grundfos Bjerringbro"},
		{Name: "Grundfoss Service"},
		{Name: "LEGO System A/S", Aliases: []string{"Lego"}},
		{Name: "Legoland"},
		{Name: "Danish Crown", Aliases: []string{"DC Horsens"}},
		{Name: "Vestas Wind Systems", Aliases: []string{"Vestas Aarhus", "Vestas-Wind"}},
		{Name: "Ærø Maskinfabrik"},
	} {
		mustCompany(t, db, c)
	}
	for _, tc := range []struct {
		key      string
		limit    int
		exact    string // "" for none
		prefixed []string
	}{
		{"grundfos", 10, "Grundfos", []string{"Grundfos Bjerringbro", "Grundfos Odense"}},
		{"grundfos", 0, "Grundfos", nil},
		{"lego", 10, "LEGO System A/S", nil},
		{"legoland", 10, "Legoland", nil},
		{"lego system as", 10, "LEGO System A/S", nil},
		{"dc horsens", 10, "Danish Crown", nil},
		{"dc", 10, "", []string{"Danish Crown"}},
		{"vestas", 10, "", []string{"Vestas Wind Systems"}},
		{"aeroe", 10, "", []string{"Ærø Maskinfabrik"}},
		{"aeroe maskinfabrik", 10, "Ærø Maskinfabrik", nil},
		{"grund", 10, "", nil},
		{"novo", 10, "", nil},
		{"", 10, "", nil},
	} {
		exact, prefixed, err := db.FindCompanies(t.Context(), tc.key, tc.limit)
		if err != nil {
			t.Fatalf("FindCompanies(%q): %v", tc.key, err)
		}
		var gotExact string
		if exact != nil {
			gotExact = exact.Name
		}
		got := names(prefixed)
		slices.Sort(got) // the order of prefixed matches is not part of the contract
		if gotExact != tc.exact || !slices.Equal(got, tc.prefixed) {
			t.Errorf("FindCompanies(%q, %d) = %q, %q; want %q, %q", tc.key, tc.limit, gotExact, got, tc.exact, tc.prefixed)
		}
	}
	for limit := 1; limit <= 2; limit++ {
		_, prefixed, err := db.FindCompanies(t.Context(), "grundfos", limit)
		if err != nil || len(prefixed) != limit {
			t.Errorf("FindCompanies(grundfos, %d) = %q, %v; want %d", limit, names(prefixed), err, limit)
		}
	}
}

func TestCompanyByCVR(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	a := mustCompany(t, db, bot.Company{Name: "Alfa", CVR: "13703701"})
	mustCompany(t, db, bot.Company{Name: "Uden CVR"})
	if got, err := db.CompanyByCVR(t.Context(), "13703701"); err != nil {
		t.Errorf("CompanyByCVR: %v", err)
	} else {
		assertSame(t, "CompanyByCVR", got, a)
	}
	for _, cvr := range []string{"37160474", "", "1370370"} {
		if _, err := db.CompanyByCVR(t.Context(), cvr); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("CompanyByCVR(%q): err = %v, want bot.ErrNotFound", cvr, err)
		}
	}
}

func TestCompaniesOwnedBy(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	a1 := mustCompany(t, db, bot.Company{Name: "A1", OwnerID: anne.ID})
	b1 := mustCompany(t, db, bot.Company{Name: "B1", OwnerID: bo.ID})
	a2 := mustCompany(t, db, bot.Company{Name: "A2", OwnerID: anne.ID})
	mustCompany(t, db, bot.Company{Name: "Ingen ejer"})

	assertOwned := func(who bot.Consultant, want ...uint64) {
		t.Helper()
		got, err := db.CompaniesOwnedBy(ctx, who.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), want) {
			t.Errorf("CompaniesOwnedBy(%s) = %v, want %v", who.Name, ids(got), want)
		}
		for _, c := range got {
			if c.OwnerID != who.ID {
				t.Errorf("CompaniesOwnedBy(%s) gave #%d owned by #%d", who.Name, c.ID, c.OwnerID)
			}
		}
	}
	assertOwned(anne, a1.ID, a2.ID)
	assertOwned(bo, b1.ID)
	assertOwned(bot.Consultant{Name: "nobody"})

	moved, err := db.UpdateCompany(ctx, a1.ID, func(c *bot.Company) error { c.OwnerID = bo.ID; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if moved.OwnerID != bo.ID {
		t.Errorf("owner after reassignment = #%d, want #%d", moved.OwnerID, bo.ID)
	}
	assertOwned(anne, a2.ID)
	assertOwned(bo, a1.ID, b1.ID)

	_, err = db.UpdateCompany(ctx, a2.ID, func(c *bot.Company) error { c.OwnerID = 999; return nil })
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("reassign to an unknown owner: err = %v, want bot.ErrNotFound", err)
	}
	assertOwned(anne, a2.ID)

	if _, err := db.UpdateCompany(ctx, a2.ID, func(c *bot.Company) error { c.OwnerID = 0; return nil }); err != nil {
		t.Fatal(err)
	}
	assertOwned(anne)
}

func TestSuggestCompanies(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	for _, c := range []bot.Company{
		{Name: "Grundfos"},
		{Name: "Grundtvigs Højskole"},
		{Name: "Ærø Maskinfabrik"},
		{Name: "Danfoss", Aliases: []string{"Danfoss A/S", "Danfos", "Danfoss Nordborg"}},
		{Name: "Dansk Supermarked"},
		{Name: "Danske Bank"},
		{Name: "Jensens Bøfhus"},
		{Name: "Novo Nordisk"},
	} {
		mustCompany(t, db, c)
	}
	jensens, err := db.SuggestCompanies(ctx, "Jensens Bøfhus", 1)
	if err != nil || len(jensens) != 1 {
		t.Fatalf("SuggestCompanies(Jensens Bøfhus) = %q, %v", names(jensens), err)
	}
	if _, err := db.UpdateCompany(ctx, jensens[0].ID, func(c *bot.Company) error { c.Name = "Flammen Steakhouse"; return nil }); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T, db *storage.DB) {
		for _, tc := range []struct {
			text  string
			limit int
			first string // "" for no suggestion at all
		}{
			{"grunfos", 3, "Grundfos"},
			{"grundfoss", 3, "Grundfos"},
			{"aeroe maskinfabrk", 3, "Ærø Maskinfabrik"},
			{"ÆRØ maskin", 3, "Ærø Maskinfabrik"},
			{"danfos", 5, "Danfoss"},
			{"flammen", 3, "Flammen Steakhouse"},
			{"jensens boefhus", 3, ""},
			{"zzqx", 3, ""},
			{"grunfos", 0, ""},
			{"", 3, ""},
		} {
			got, err := db.SuggestCompanies(ctx, tc.text, tc.limit)
			if err != nil {
				t.Fatalf("SuggestCompanies(%q): %v", tc.text, err)
			}
			if len(got) > tc.limit {
				t.Errorf("SuggestCompanies(%q, %d) gave %d", tc.text, tc.limit, len(got))
			}
			if first := names(got); (tc.first == "") != (len(first) == 0) || (tc.first != "" && first[0] != tc.first) {
				t.Errorf("SuggestCompanies(%q, %d) = %q, want %q first", tc.text, tc.limit, first, tc.first)
			}
			if dup := len(got) - len(slices.Compact(slices.Sorted(slices.Values(ids(got))))); dup != 0 {
				t.Errorf("SuggestCompanies(%q) gave a company %d times too many: %q", tc.text, dup, names(got))
			}
		}
		for limit := 1; limit <= 3; limit++ {
			if got, err := db.SuggestCompanies(ctx, "dansk", limit); err != nil || len(got) != limit {
				t.Errorf("SuggestCompanies(dansk, %d) = %q, %v; want %d", limit, names(got), err, limit)
			}
		}
	}
	t.Run("open", func(t *testing.T) { check(t, db) })
	mustClose(t, db)
	t.Run("reopened", func(t *testing.T) { check(t, mustOpen(t, path)) })
}

// TestSuggestCompaniesHugeLimit asks for every suggestion there is, as
// Contacts(id, math.MaxInt) asks for every contact: it must not panic.
func TestSuggestCompaniesHugeLimit(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	mustCompany(t, db, bot.Company{Name: "Grundfos"})
	for _, limit := range []int{1 << 20, math.MaxInt} {
		got, err := suggestNoPanic(t, db, "grunfos", limit)
		if err != nil || len(got) != 1 {
			t.Errorf("SuggestCompanies(grunfos, %d) = %q, %v; want [Grundfos]", limit, names(got), err)
		}
	}
}

// suggestNoPanic is SuggestCompanies with a panic turned into an error.
func suggestNoPanic(tb testing.TB, db *storage.DB, text string, limit int) (cs []bot.Company, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return db.SuggestCompanies(tb.Context(), text, limit)
}

// TestSuggestAfterConcurrentRenames renames one company from four
// goroutines at once, round after round, and then asks for it by the name
// the file gives it: once the writes have returned, the in-memory
// suggestion index must agree with the file.
//
// It fails today: putCompany updates the index in a tx.OnCommit handler,
// and bbolt runs those after it has let the next writer in, so two
// renames can reach the index in the opposite order to the file. NoSync
// only makes the rounds quick; the race is in memory.
func TestSuggestAfterConcurrentRenames(t *testing.T) {
	t.Parallel()
	opt := options()
	opt.NoSync = true
	db := mustOpenWith(t, filepath.Join(t.TempDir(), "k.db"), opt)
	ctx := t.Context()
	co := mustCompany(t, db, bot.Company{Name: "start"})
	rng := rand.New(rand.NewPCG(7, 7))
	word := func() string {
		b := make([]byte, 10)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	for round := range 2000 {
		var wg sync.WaitGroup
		var errs [4]error
		for i := range errs {
			name := word()
			wg.Go(func() {
				_, errs[i] = db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error { c.Name = name; return nil })
			})
		}
		wg.Wait()
		if err := errors.Join(errs[:]...); err != nil {
			t.Fatal(err)
		}
		name := mustGetCompany(t, db, co.ID).Name
		got, err := db.SuggestCompanies(ctx, name, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("round %d: the file names #%d %q, but SuggestCompanies(%q) finds nothing: "+
				"the index kept another writer's name", round, co.ID, name, name)
		}
	}
}

func TestNudgeDue(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	due := func(day time.Time) []string {
		t.Helper()
		var out []string
		if err := db.NudgeDue(ctx, day, func(c bot.Company) error { out = append(out, c.Name); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	co := func(name string, cadence int, last time.Time) bot.Company {
		return mustCompany(t, db, bot.Company{Name: name, OwnerID: anne.ID, CadenceDays: cadence, LastContact: last})
	}
	a := co("A", 14, days(-20)) // due days(-6)
	b := co("B", 30, days(-10)) // due days(20)
	c := co("C", 7, days(-30))  // due days(-23)
	co("D", 30, time.Time{})    // no contact: due 30 days after it got its owner, days(30)
	for _, never := range []bot.Company{
		{Name: "Paused", OwnerID: anne.ID, CadenceDays: 7, LastContact: days(-100), Status: bot.StatusPaused},
		{Name: "Ended", OwnerID: anne.ID, CadenceDays: 7, LastContact: days(-100), Status: bot.StatusEnded},
		{Name: "Ownerless", CadenceDays: 7, LastContact: days(-100)},
		{Name: "No cadence", OwnerID: anne.ID, LastContact: days(-100)},
	} {
		mustCompany(t, db, never)
	}

	for _, tc := range []struct {
		day  time.Time
		want []string
	}{
		{days(-24), nil},
		{days(-23), []string{"C"}},
		{fixed, []string{"C", "A"}},
		{days(19), []string{"C", "A"}},
		{days(20).Add(-9 * time.Hour), []string{"C", "A", "B"}}, // any time of the due day
		{days(1000), []string{"C", "A", "B", "D"}},
	} {
		if got := due(tc.day); !slices.Equal(got, tc.want) {
			t.Errorf("NudgeDue(%s) = %q, want %q", tc.day.Format(time.DateOnly), got, tc.want)
		}
	}

	mustContact(t, db, bot.Contact{CompanyID: c.ID, ConsultantID: anne.ID, At: fixed, Kind: bot.KindPhone})
	if got := due(fixed); !slices.Equal(got, []string{"A"}) {
		t.Errorf("after a contact with C, NudgeDue = %q, want [A]", got)
	}
	if got := due(days(7)); !slices.Equal(got, []string{"A", "C"}) {
		t.Errorf("a week later, NudgeDue = %q, want [A C]", got)
	}

	update := func(co bot.Company, fn func(*bot.Company)) {
		t.Helper()
		if _, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error { fn(c); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	update(a, func(c *bot.Company) { c.SnoozedUntil, c.SnoozeCount = days(3), 1 })
	if got := due(fixed); len(got) != 0 {
		t.Errorf("with A snoozed, NudgeDue(today) = %q, want none", got)
	}
	if got := due(days(3)); !slices.Equal(got, []string{"A"}) {
		t.Errorf("when A's snooze ends, NudgeDue = %q, want [A]", got)
	}
	update(a, func(c *bot.Company) { c.SnoozedUntil, c.PlannedNext = time.Time{}, bot.Day(days(5)) })
	if got := due(days(5)); len(got) != 0 {
		t.Errorf("on A's planned day, NudgeDue = %q, want none", got)
	}
	if got := due(days(6)); !slices.Equal(got, []string{"A"}) {
		t.Errorf("the day after A's planned day, NudgeDue = %q, want [A]", got)
	}
	update(b, func(c *bot.Company) { c.Status = bot.StatusPaused })
	if got := due(days(1000)); !slices.Equal(got, []string{"A", "C", "D"}) {
		t.Errorf("with B paused, NudgeDue = %q, want [A C D]", got)
	}

	stop := errors.New("stop")
	calls := 0
	err := db.NudgeDue(ctx, days(1000), func(bot.Company) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn's error: NudgeDue = %v after %d calls, want it after 1", err, calls)
	}
}

// TestNudgeDueMatchesScan checks the nudge index against the rule itself,
// bot.Company.NudgeDay applied to every company, over a random portfolio
// that is changed through every write that moves a nudge day.
func TestNudgeDueMatchesScan(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(2026, 11))
	var owners []uint64
	for i := range 3 {
		owners = append(owners, mustConsultant(t, db, fmt.Sprintf("Konsulent %d", i)).ID)
	}
	pick := func(p float64, t time.Time) time.Time {
		if rng.Float64() < p {
			return t
		}
		return time.Time{}
	}
	someday := func(lo, hi int) time.Time {
		return days(lo + rng.IntN(hi-lo)).Add(time.Duration(rng.IntN(24*60)-9*60) * time.Minute)
	}
	cs := make([]bot.Company, 300)
	for i := range cs {
		cs[i] = bot.Company{
			Name:         fmt.Sprintf("Virksomhed %03d", i),
			OwnerID:      []uint64{0, owners[0], owners[1], owners[2]}[rng.IntN(4)],
			OwnerSince:   someday(-400, 0),
			CadenceDays:  []int{0, 7, 14, 30, 60, 90}[rng.IntN(6)],
			Status:       []bot.Status{bot.StatusActive, bot.StatusActive, bot.StatusActive, bot.StatusPaused, bot.StatusEnded}[rng.IntN(5)],
			LastContact:  pick(0.8, someday(-200, 0)),
			SnoozedUntil: pick(0.2, someday(-10, 30)),
			PlannedNext:  pick(0.2, bot.Day(someday(-30, 60))),
			Area:         []string{"", "Sorø", "Ærø"}[rng.IntN(3)],
			CVR:          []string{"", storagetest.CVR(10000000 + 1000*i)}[rng.IntN(2)],
			Tier:         []bot.Tier{bot.TierNormal, bot.TierIntensified}[rng.IntN(2)],
		}
		if rng.IntN(4) == 0 {
			cs[i].Aliases = []string{fmt.Sprintf("VH%03d", i)}
		}
	}
	if err := db.ImportCompanies(ctx, cs); err != nil {
		t.Fatal(err)
	}

	check := func(step string) {
		t.Helper()
		byID := map[uint64]bot.Company{}
		for _, c := range allCompanies(t, db) {
			byID[c.ID] = c
		}
		for day := days(-60); day.Before(days(240)); day = day.AddDate(0, 0, 9) {
			var want []uint64
			for _, c := range byID {
				if nd, ok := c.NudgeDay(); ok && !nd.After(bot.Day(day)) {
					want = append(want, c.ID)
				}
			}
			var got []uint64
			var last time.Time
			err := db.NudgeDue(ctx, day, func(c bot.Company) error {
				nd, _ := c.NudgeDay()
				if nd.Before(last) {
					t.Errorf("%s, %s: #%d (nudge %s) after one of %s", step, day.Format(time.DateOnly), c.ID, nd.Format(time.DateOnly), last.Format(time.DateOnly))
				}
				last = nd
				want := byID[c.ID] // NudgeDue leaves out aliases, CVR and area
				want.Aliases, want.CVR, want.Area = nil, "", ""
				assertSame(t, "company given by NudgeDue", c, want)
				got = append(got, c.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s, %s: NudgeDue gave %d companies %v, the scan %d %v", step, day.Format(time.DateOnly), len(got), got, len(want), want)
			}
		}
	}
	check("after import")

	for round := range 3 {
		for range 20 {
			id := uint64(1 + rng.IntN(len(cs)))
			switch rng.IntN(3) {
			case 0:
				mustContact(t, db, bot.Contact{CompanyID: id, ConsultantID: owners[0], At: someday(-100, 10), Kind: bot.KindVisit,
					FollowUp: pick(0.3, someday(0, 60))})
			case 1:
				_, err := db.UpdateCompany(ctx, id, func(c *bot.Company) error {
					c.SnoozedUntil, c.SnoozeCount = someday(0, 40), c.SnoozeCount+1
					c.PlannedNext = pick(0.5, bot.Day(someday(0, 60)))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			case 2:
				_, err := db.UpdateCompany(ctx, id, func(c *bot.Company) error {
					c.CadenceDays = []int{0, 7, 30}[rng.IntN(3)]
					c.Status = []bot.Status{bot.StatusActive, bot.StatusPaused}[rng.IntN(2)]
					c.OwnerID = owners[rng.IntN(len(owners))]
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := db.UndoContact(ctx, owners[0], time.Time{}); err != nil && !errors.Is(err, bot.ErrNotFound) {
			t.Fatal(err)
		}
		check(fmt.Sprintf("after round %d", round+1))
	}
}

func TestImportCompanies(t *testing.T) {
	t.Parallel()

	t.Run("all", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		anne := mustConsultant(t, db, "Anne")
		batch := []bot.Company{
			{Name: "Alfa Laval", CVR: "13703701", OwnerID: anne.ID, CadenceDays: 30, LastContact: days(-12)},
			{Name: "Bang & Olufsen", Aliases: []string{"B&O"}, LastContact: days(-400)},
			{Name: "Carlsberg", OwnerID: anne.ID},
		}
		if err := db.ImportCompanies(ctx, batch); err != nil {
			t.Fatal(err)
		}
		got := allCompanies(t, db)
		if len(got) != len(batch) {
			t.Fatalf("imported %d companies, want %d", len(got), len(batch))
		}
		for i, c := range got {
			in := batch[i]
			if c.Name != in.Name || c.CVR != in.CVR || c.OwnerID != in.OwnerID || !c.LastContact.Equal(in.LastContact) {
				t.Errorf("company %d = %+v, want %+v", i, c, in)
			}
			if c.Status != bot.StatusActive || c.Tier != bot.TierNormal || !c.Created.Equal(fixed) {
				t.Errorf("company %d: status %s, tier %s, created %v; want the defaults", i, c.Status, c.Tier, c.Created)
			}
			contacts, err := db.Contacts(ctx, c.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if in.LastContact.IsZero() {
				if len(contacts) != 0 {
					t.Errorf("%s has no last contact but %d contacts", c.Name, len(contacts))
				}
				continue
			}
			want := bot.Contact{ID: contacts[0].ID, CompanyID: c.ID, ConsultantID: in.OwnerID, At: in.LastContact, Kind: bot.KindImported, Logged: fixed}
			assertSame(t, c.Name+"'s contacts", contacts, []bot.Contact{want})
		}
		if exact, _, err := db.FindCompanies(ctx, "bo", 0); err != nil || exact == nil || exact.Name != "Bang & Olufsen" {
			t.Errorf("FindCompanies(bo) = %v, %v", exact, err)
		}
		if sugg, err := db.SuggestCompanies(ctx, "carlsbrg", 1); err != nil || len(sugg) != 1 || sugg[0].Name != "Carlsberg" {
			t.Errorf("SuggestCompanies(carlsbrg) = %q, %v", names(sugg), err)
		}
		if owned, err := db.CompaniesOwnedBy(ctx, anne.ID); err != nil || !slices.Equal(names(owned), []string{"Alfa Laval", "Carlsberg"}) {
			t.Errorf("CompaniesOwnedBy = %q, %v", names(owned), err)
		}
	})

	for _, tc := range []struct {
		name   string
		third  bot.Company
		what   string
		stored bool // the clash is with the stored Danfoss, not an earlier row
	}{
		{"name held by a stored company", bot.Company{Name: "DANFOSS"}, "name", true},
		{"cvr held by a stored company", bot.Company{Name: "Carlsberg", CVR: "82839453"}, "cvr", true},
		{"name of an earlier row", bot.Company{Name: "ALFA  laval."}, "name", false},
		{"alias is an earlier row's alias", bot.Company{Name: "Carlsberg", Aliases: []string{"b&o"}}, "alias", false},
		{"cvr of an earlier row", bot.Company{Name: "Carlsberg", CVR: "13703701"}, "cvr", false},
	} {
		t.Run("none: "+tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db, _ := newDB(t)
			anne := mustConsultant(t, db, "Anne")
			mustCompany(t, db, bot.Company{Name: "Vejle Vognmand"}) // so that Danfoss is not #1
			danfoss := mustCompany(t, db, bot.Company{Name: "Danfoss", CVR: "82839453"})
			batch := []bot.Company{
				{Name: "Alfa Laval", CVR: "13703701", OwnerID: anne.ID, CadenceDays: 7, LastContact: days(-30)},
				{Name: "Bang & Olufsen", Aliases: []string{"B&O"}, CVR: "37160474", OwnerID: anne.ID, LastContact: days(-3)},
				tc.third,
				{Name: "Dansk Retursystem"},
			}
			err := db.ImportCompanies(ctx, batch)
			var ce *bot.ConflictError
			if !errors.As(err, &ce) || !errors.Is(err, bot.ErrConflict) || ce.What != tc.what {
				t.Fatalf("err = %v, want a %s conflict", err, tc.what)
			}
			if tc.stored && ce.ID != danfoss.ID {
				t.Errorf("conflict with #%d, want the holder #%d", ce.ID, danfoss.ID)
			}
			if got := allCompanies(t, db); len(got) != 2 || got[1].ID != danfoss.ID {
				t.Errorf("companies after a refused import: %q, want the two stored before", names(got))
			}
			for _, c := range batch[:2] {
				assertNoTrace(t, db, c)
			}
			assertNoTrace(t, db, bot.Company{Name: "Dansk Retursystem"})
			for id := range uint64(10) {
				if cs, err := db.Contacts(ctx, id, 10); err != nil || len(cs) != 0 {
					t.Errorf("Contacts(#%d) = %v, %v after a refused import; want none", id, cs, err)
				}
			}
			if owned, err := db.CompaniesOwnedBy(ctx, anne.ID); err != nil || len(owned) != 0 {
				t.Errorf("CompaniesOwnedBy = %q, %v after a refused import; want none", names(owned), err)
			}
			var nudged []string
			if err := db.NudgeDue(ctx, days(1000), func(c bot.Company) error { nudged = append(nudged, c.Name); return nil }); err != nil || len(nudged) != 0 {
				t.Errorf("NudgeDue = %q, %v after a refused import; want none", nudged, err)
			}
			if _, err := db.UndoContact(ctx, anne.ID, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("UndoContact after a refused import: err = %v, want bot.ErrNotFound", err)
			}
		})
	}
}
