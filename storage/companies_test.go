package storage_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
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

// TestFindCompaniesFirst: the first key that finds anything wins, in one
// read; one-byte keys match exactly only.
func TestFindCompaniesFirst(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	for _, c := range []bot.Company{{Name: "Ærø Maskinfabrik"}, {Name: "Brødrene Hansen"}, {Name: "Brødrene Jensen"}, {Name: "A Tech"}, {Name: "Q"}} {
		mustCompany(t, db, c)
	}
	for _, tc := range []struct {
		keys     []string
		i        int
		exact    string
		prefixed int
	}{
		{[]string{"aeroe maskinfabrik modte lars", "aeroe maskinfabrik", "aeroe"}, 1, "Ærø Maskinfabrik", 0},
		{[]string{"broedrene modte", "", "broedrene"}, 2, "", 2},
		{[]string{"a"}, -1, "", 0},
		{[]string{"q"}, 0, "Q", 0},
		{[]string{"nothing here", "nothing"}, -1, "", 0},
		{nil, -1, "", 0},
	} {
		i, exact, prefixed, err := db.FindCompaniesFirst(t.Context(), tc.keys, 6)
		name := ""
		if exact != nil {
			name = exact.Name
		}
		if err != nil || i != tc.i || name != tc.exact || len(prefixed) != tc.prefixed {
			t.Errorf("FindCompaniesFirst(%q) = %d, %q, %d prefixed, %v; want %d, %q, %d", tc.keys, i, name, len(prefixed), err, tc.i, tc.exact, tc.prefixed)
		}
	}
}

// TestFindCompaniesSeesEveryCommit: lookups by name answer from decoded
// companies kept in memory; every committed change reaches them, and what
// a caller does with the result does not.
func TestFindCompaniesSeesEveryCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := newDB(t)
	co := mustCompany(t, db, bot.Company{Name: "L-tek", Aliases: []string{"Ltek Svejs"}, CadenceDays: 30})
	find := func(key string) bot.Company {
		t.Helper()
		exact, _, err := db.FindCompanies(ctx, key, 0)
		if err != nil || exact == nil {
			t.Fatalf("FindCompanies(%q) = %v, %v", key, exact, err)
		}
		return *exact
	}
	got := find("ltek")
	got.Aliases[0] = "changed by the caller"
	if find("ltek").Aliases[0] != "Ltek Svejs" {
		t.Fatal("a caller's change reached the stored company")
	}
	if _, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error { c.CadenceDays = 14; return nil }); err != nil {
		t.Fatal(err)
	}
	if c := find("ltek"); c.CadenceDays != 14 {
		t.Fatalf("after an update: cadence %d", c.CadenceDays)
	}
	mustContact(t, db, bot.Contact{CompanyID: co.ID, At: fixed, Kind: bot.KindPhone, Note: "ringede"})
	if c := find("ltek svejs"); !c.LastContact.Equal(fixed) || c.LastKind != bot.KindPhone {
		t.Fatalf("after a contact: %+v", c)
	}
	// A refused write leaves what was committed.
	other := mustCompany(t, db, bot.Company{Name: "Sorø Tømrer", CadenceDays: 30})
	if _, err := db.UpdateCompany(ctx, other.ID, func(c *bot.Company) error { c.Name = "L-tek"; return nil }); err == nil {
		t.Fatal("a clashing rename was accepted")
	}
	if c := find("soroe toemrer"); c.ID != other.ID || c.Name != "Sorø Tømrer" {
		t.Fatalf("after a refused rename: %+v", c)
	}
	mustClose(t, db)
	db = mustOpen(t, path) // a fresh process decodes from the file
	if c := find("ltek"); c.CadenceDays != 14 || !c.LastContact.Equal(fixed) {
		t.Fatalf("after reopen: %+v", c)
	}
}

// TestFindCompaniesWhileWriting races lookups against contacts (-race).
func TestFindCompaniesWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	co := mustCompany(t, db, bot.Company{Name: "L-tek", CadenceDays: 30})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 20 {
				if i%2 == 0 {
					mustContact(t, db, bot.Contact{CompanyID: co.ID, At: days(-j), Kind: bot.KindVisit, Note: "besøg"})
				} else if exact, _, err := db.FindCompanies(ctx, "ltek", 6); err != nil || exact == nil || exact.ID != co.ID {
					t.Errorf("lookup: %v %v", exact, err)
				}
			}
		})
	}
	wg.Wait()
	exact, _, _ := db.FindCompanies(ctx, "ltek", 0)
	stored := mustGetCompany(t, db, co.ID)
	if !exact.LastContact.Equal(stored.LastContact) {
		t.Fatalf("lookup says last contact %v, the file %v", exact.LastContact, stored.LastContact)
	}
}

// EachOwned gives every company the consultants own once: the active ones
// with a cadence from the nudge index, all else as stored, and nobody
// else's.
func TestEachOwned(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne, bo, cai := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo"), mustConsultant(t, db, "Cai")
	want := map[uint64]bot.Company{}
	add := func(c bot.Company) {
		c = mustCompany(t, db, c)
		if c.OwnerID == anne.ID || c.OwnerID == bo.ID {
			want[c.ID] = c
		}
	}
	for i := range 150 { // across several bitmap words
		owner := []uint64{anne.ID, bo.ID, cai.ID, 0}[i%4]
		c := bot.Company{Name: fmt.Sprintf("Ærø Smedie %d", i), OwnerID: owner, CadenceDays: 30 + i%3, CVR: fmt.Sprintf("%08d", 20000000+i),
			Aliases: []string{fmt.Sprintf("ÆS%d", i)}, Area: "Ærøskøbing", Tier: bot.TierIntensified,
			LastContact: days(-i), PlannedNext: days(i % 5), SnoozedUntil: days(i % 7)}
		switch i % 5 {
		case 1:
			c.Status = bot.StatusPaused
		case 2:
			c.Status = bot.StatusEnded
		case 3:
			c.CadenceDays = 0
		}
		add(c)
	}
	check := func(path string) {
		t.Helper()
		got := map[uint64]bot.Company{}
		err := db.EachOwned(ctx, []uint64{anne.ID, bo.ID, 9999}, func(c bot.Company) error {
			if _, dup := got[c.ID]; dup {
				t.Errorf("#%d given twice", c.ID)
			}
			got[c.ID] = c
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("EachOwned gave %d companies, want %d", len(got), len(want))
		}
		for id, w := range want {
			g, ok := got[id]
			if !ok {
				t.Errorf("%s (#%d) missing", w.Name, id)
				continue
			}
			assertSame(t, path+": "+w.Name, g, w)
		}
	}
	// Whole companies, every field, from the owner index's summaries.
	check("as created")
	// Changes of every kind keep the summaries whole: area, aliases,
	// CVR, status, and owners coming and going.
	for id, c := range maps.Clone(want) {
		i := int(id)
		u, err := db.UpdateCompany(ctx, id, func(c *bot.Company) error {
			switch i % 4 {
			case 0:
				c.Area, c.Aliases, c.CVR = "Marstal", append(c.Aliases, fmt.Sprintf("Smedien %d", i)), ""
			case 1:
				c.Status = bot.StatusPaused
			case 2:
				c.OwnerID = cai.ID
			case 3:
				c.LastContact, c.SnoozedUntil = days(0), time.Time{}
			}
			return nil
		})
		if err != nil {
			t.Fatal(c.Name, err)
		}
		delete(want, id)
		if u.OwnerID != cai.ID {
			want[id] = u
		}
	}
	moved, err := db.UpdateCompany(ctx, 3, func(c *bot.Company) error { c.OwnerID = bo.ID; return nil })
	if err != nil {
		t.Fatal(err)
	}
	want[moved.ID] = moved
	check("after changes")
	// Few among many.
	many := make([]bot.Company, 5000)
	for i := range many {
		many[i] = bot.Company{Name: fmt.Sprintf("Nørre Vognmand %d", i), CadenceDays: 30}
	}
	if err := db.ImportCompanies(ctx, many); err != nil {
		t.Fatal(err)
	}
	check("one by one")
	stop := errors.New("stop")
	n := 0
	if err := db.EachOwned(ctx, []uint64{anne.ID}, func(bot.Company) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn's error: EachOwned = %v after %d calls, want stop after 1", err, n)
	}
	if err := db.EachOwned(ctx, nil, func(bot.Company) error { return stop }); err != nil {
		t.Errorf("no owners: EachOwned = %v", err)
	}
}
