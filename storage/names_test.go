package storage_test

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/storage"
	"kontaktbot/storage/storagetest"
)

// find returns the names FindCompanies gives for typed: the exact one
// first (or ""), then the partial ones.
func find(tb testing.TB, db *storage.DB, typed string) (string, []string) {
	tb.Helper()
	exact, partial, err := db.FindCompanies(tb.Context(), bot.NormalizeName(typed), 6)
	if err != nil {
		tb.Fatalf("FindCompanies(%q): %v", typed, err)
	}
	e := ""
	if exact != nil {
		e = exact.Name
	}
	return e, names(partial)
}

func TestFindCompaniesAnyRunLoosely(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	for _, n := range []string{"Odense Zoo", "Fakta Tarup", "Fakta Bolbro", "Netto Tarup Centret", "Føtex", "Føtex Odense",
		"Ærø Maskinfabrik", "Søren Ørsted", "Soren Smed", "Aalborg Zoo", "Grundfos", "Grundfos Odense", "Legoland", "Aero"} {
		mustCompany(t, db, bot.Company{Name: n})
	}
	check := func(db *storage.DB) {
		t.Helper()
		for _, tc := range []struct {
			typed, exact string
			partial      []string
		}{
			{"zoo", "", []string{"Odense Zoo", "Aalborg Zoo"}},
			{"odense zoo", "Odense Zoo", nil},
			{"bolbro", "", []string{"Fakta Bolbro"}},
			{"tarup", "", []string{"Fakta Tarup", "Netto Tarup Centret"}},
			{"tarup centret", "", []string{"Netto Tarup Centret"}},
			{"centret tarup", "", nil},                       // words in the wrong order
			{"fotex", "", []string{"Føtex", "Føtex Odense"}}, // only an exact spelling picks one
			{"foetex", "Føtex", []string{"Føtex Odense"}},
			{"fotex odense", "", []string{"Føtex Odense"}},
			{"føtex", "Føtex", []string{"Føtex Odense"}},
			{"soren orsted", "", []string{"Søren Ørsted"}},
			{"søren smed", "", []string{"Soren Smed"}}, // stored plain, typed with ø
			{"soren", "", []string{"Søren Ørsted", "Soren Smed"}},
			{"erø", "", []string{"Ærø Maskinfabrik", "Aero"}}, // "Aero" may be Æro: variants only widen
			{"aro", "", []string{"Ærø Maskinfabrik", "Aero"}},
			{"maskinfabrik", "", []string{"Ærø Maskinfabrik"}},
			{"aero", "Aero", []string{"Ærø Maskinfabrik"}}, // exact first, the loose fit besides
			{"alborg", "", []string{"Aalborg Zoo"}},
			{"grundfos", "Grundfos", []string{"Grundfos Odense"}},
			{"lego", "", nil}, // not a whole word
			{"odense", "", []string{"Odense Zoo", "Føtex Odense", "Grundfos Odense"}},
		} {
			exact, partial := find(t, db, tc.typed)
			if exact != tc.exact || !slices.Equal(partial, tc.partial) {
				t.Errorf("FindCompanies(%q) = %q, %q; want %q, %q", tc.typed, exact, partial, tc.exact, tc.partial)
			}
		}
	}
	check(db)
	// The index is rebuilt from the file at Open.
	mustClose(t, db)
	check(mustOpen(t, path))
}

func TestFindCompaniesFirstStopsAtExact(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	g := mustCompany(t, db, bot.Company{Name: "Grundfos"})
	mustCompany(t, db, bot.Company{Name: "Grundfos Odense"})
	z := mustCompany(t, db, bot.Company{Name: "Odense Zoo"})
	i, exact, partial, err := db.FindCompaniesFirst(t.Context(), []string{"grundfos modte", "grundfos"}, 6)
	if err != nil || i != 1 || exact == nil || exact.ID != g.ID || partial != nil {
		t.Errorf("FindCompaniesFirst(grundfos) = %d, %v, %v, %v; want 1, #%d, nil", i, exact, partial, err, g.ID)
	}
	i, exact, partial, err = db.FindCompaniesFirst(t.Context(), []string{"zoo i gaar", "zoo i", "zoo"}, 6)
	if err != nil || i != 2 || exact != nil || len(partial) != 1 || partial[0].ID != z.ID {
		t.Errorf("FindCompaniesFirst(zoo) = %d, %v, %v, %v; want 2, nil, [#%d]", i, exact, partial, err, z.ID)
	}
	// One letter is no word to go by.
	if i, _, _, err := db.FindCompaniesFirst(t.Context(), []string{"z"}, 6); err != nil || i != -1 {
		t.Errorf("FindCompaniesFirst(z) = %d, %v; want -1", i, err)
	}
}

func TestFindCompaniesFollowsRenames(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := newDB(t)
	co := mustCompany(t, db, bot.Company{Name: "Odense Zoo"})
	if _, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error {
		c.Name, c.Aliases = "Fyns Dyrepark", []string{"Odense Zoo"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, partial := find(t, db, "dyrepark"); !slices.Equal(partial, []string{"Fyns Dyrepark"}) {
		t.Errorf("dyrepark finds %q after the rename", partial)
	}
	if _, partial := find(t, db, "zoo"); !slices.Equal(partial, []string{"Fyns Dyrepark"}) {
		t.Errorf("zoo (the old name, now an alias) finds %q", partial)
	}
	if _, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error { c.Aliases = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, partial := find(t, db, "zoo"); len(partial) != 0 {
		t.Errorf("zoo finds %q after the alias went", partial)
	}
}

func TestUpdateCompanyRefusesShadowingKeys(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := newDB(t)
	cafe := mustCompany(t, db, bot.Company{Name: "Café Æblehaven"})
	tarup := mustCompany(t, db, bot.Company{Name: "Fakta Tarup"})
	bolbro := mustCompany(t, db, bot.Company{Name: "Fakta Bolbro"})
	fotex := mustCompany(t, db, bot.Company{Name: "Netto", Aliases: []string{"Føtex Odense"}})
	for _, tc := range []struct {
		fn       func(*bot.Company)
		key      string
		id       uint64
		shadowed []string
	}{
		{func(c *bot.Company) { c.Aliases = append(c.Aliases, "Fakta") }, "Fakta", tarup.ID, []string{"Fakta Tarup", "Fakta Bolbro"}},
		{func(c *bot.Company) { c.Aliases = append(c.Aliases, "FAKTA") }, "FAKTA", tarup.ID, []string{"Fakta Tarup", "Fakta Bolbro"}},
		{func(c *bot.Company) { c.Name = "Fakta" }, "Fakta", tarup.ID, []string{"Fakta Tarup", "Fakta Bolbro"}},
		{func(c *bot.Company) { c.Aliases = append(c.Aliases, "Fakta Bolbro") }, "Fakta Bolbro", bolbro.ID, nil}, // exact: as ever
		{func(c *bot.Company) { c.Aliases = append(c.Aliases, "Fakta Bølbro") }, "Fakta Bølbro", bolbro.ID, []string{"Fakta Bolbro"}},
		{func(c *bot.Company) { c.Aliases = append(c.Aliases, "Fotex") }, "Fotex", fotex.ID, []string{"Netto"}}, // an alias is shadowed too
	} {
		_, err := db.UpdateCompany(ctx, cafe.ID, func(c *bot.Company) error { tc.fn(c); return nil })
		var ce *bot.ConflictError
		if !errors.As(err, &ce) || !errors.Is(err, bot.ErrConflict) {
			t.Fatalf("%s: err = %v; want a *bot.ConflictError", tc.key, err)
		}
		if tc.shadowed == nil {
			if ce.What != "alias" || ce.ID != tc.id {
				t.Errorf("%s: conflict %+v; want alias held by #%d", tc.key, ce, tc.id)
			}
			continue
		}
		if ce.What != "shadow" || ce.Key != tc.key || ce.ID != tc.id || !slices.Equal(ce.Shadowed, tc.shadowed) {
			t.Errorf("%s: conflict %+v; want shadow of %q by key %q, first #%d", tc.key, ce, tc.shadowed, tc.key, tc.id)
		}
	}
	// Nothing was stored, in the file or the index.
	assertSame(t, "Café Æblehaven after refusals", mustGetCompany(t, db, cafe.ID), cafe)
	if exact, partial := find(t, db, "fakta"); exact != "" || !slices.Equal(partial, []string{"Fakta Tarup", "Fakta Bolbro"}) {
		t.Errorf("fakta finds %q, %q after refusals", exact, partial)
	}
	// Keys that hide no one are taken; a company may shadow itself.
	for _, alias := range []string{"Æblehaven", "Café Æblehaven Odense", "Fakta Tarup Syd"} {
		if _, err := db.UpdateCompany(ctx, cafe.ID, func(c *bot.Company) error { c.Aliases = append(c.Aliases, alias); return nil }); err != nil {
			t.Errorf("alias %q: %v", alias, err)
		}
	}
	if _, err := db.UpdateCompany(ctx, tarup.ID, func(c *bot.Company) error { c.Aliases = append(c.Aliases, "Fakta T"); return nil }); err != nil {
		t.Errorf("alias Fakta T: %v", err)
	}
	// A new company may be named loosely like another: its name is what
	// it is called.
	if _, err := db.CreateCompany(ctx, bot.Company{Name: "Fakta"}); err != nil {
		t.Errorf("create Fakta beside Fakta Tarup: %v", err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	if got := mustGetCompany(t, db, cafe.ID).Aliases; !slices.Equal(got, []string{"Æblehaven", "Café Æblehaven Odense", "Fakta Tarup Syd"}) {
		t.Errorf("aliases after reopening = %q", got)
	}
}

// TestShadowCheckHoldsUnderConcurrency gives many companies at once
// aliases that are loosely alike: whatever order and batches the writes
// land in, no two companies may end up with loosely equal keys.
func TestShadowCheckHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := newDB(t)
	aliases := []string{"Ærø", "Aero", "Arø", "Erø", "Aro", "Ero", "Æro", "Arö"}
	for round := range 4 {
		var cs []bot.Company
		for i := range aliases {
			cs = append(cs, mustCompany(t, db, bot.Company{Name: fmt.Sprintf("Runde %d firma %d", round, i)}))
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, c := range cs {
			wg.Go(func() {
				<-start
				_, err := db.UpdateCompany(ctx, c.ID, func(c *bot.Company) error {
					c.Aliases = []string{fmt.Sprintf("%s %d", aliases[i], round)}
					return nil
				})
				if err != nil && !errors.Is(err, bot.ErrConflict) {
					t.Errorf("alias %s: %v", aliases[i], err)
				}
			})
		}
		close(start)
		wg.Wait()
		var keys []string
		for _, c := range cs {
			if c := mustGetCompany(t, db, c.ID); len(c.Aliases) > 0 {
				keys = append(keys, bot.NormalizeName(c.Aliases[0]))
			}
		}
		if len(keys) == 0 {
			t.Errorf("round %d: no alias was taken", round)
		}
		for i, a := range keys {
			for _, b := range keys[i+1:] {
				if bot.LooseEqual(a, b) {
					t.Errorf("round %d: both %q and %q were taken, and they are spelt alike", round, a, b)
				}
			}
		}
	}
}

// BenchmarkNameIndexMemory reports what the in-memory name indexes
// (suggestions and words) hold per company at national scale: the heap
// before and after Open of a file with 250,000 companies.
func BenchmarkNameIndexMemory(b *testing.B) {
	db, path := newDB(b)
	if err := db.ImportCompanies(b.Context(), storagetest.Portfolio(250_000, 7, fixed, nil)); err != nil {
		b.Fatal(err)
	}
	mustClose(b, db)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var held float64
	for b.Loop() {
		before := heap()
		db := mustOpenWith(b, path, options())
		held = float64(heap()-before) / 250_000
		mustClose(b, db)
	}
	b.ReportMetric(held, "B/company")
}

// TestNameIndexCompacts renames companies often enough that the word
// index drops its dead entries, and checks that lookups still agree.
func TestNameIndexCompacts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opt := options()
	opt.NoSync = true // 1,200 commits; none needs to survive a crash
	db := mustOpenWith(t, t.TempDir()+"/k.db", opt)
	zoo := mustCompany(t, db, bot.Company{Name: "Odense Zoo"})
	mover := mustCompany(t, db, bot.Company{Name: "Flyttefirma 0"})
	for i := 1; i <= 1200; i++ {
		if _, err := db.UpdateCompany(ctx, mover.ID, func(c *bot.Company) error {
			c.Name = fmt.Sprintf("Flyttefirma %d", i)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, partial := find(t, db, "zoo"); !slices.Equal(partial, []string{zoo.Name}) {
		t.Errorf("zoo finds %q after compaction", partial)
	}
	if _, partial := find(t, db, "flyttefirma"); !slices.Equal(partial, []string{"Flyttefirma 1200"}) {
		t.Errorf("flyttefirma finds %q; want only the latest name", partial)
	}
	if _, partial := find(t, db, "1199"); len(partial) != 0 {
		t.Errorf("an old name still finds %q", partial)
	}
}
