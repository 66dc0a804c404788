package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"kontaktbot/bot"
)

func TestMergeCompaniesMovesEverything(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	keep := mustCompany(t, db, bot.Company{Name: "L-tek", OwnerID: anne.ID, CadenceDays: 30, Status: bot.StatusActive, Created: days(-100)})
	drop := mustCompany(t, db, bot.Company{Name: "L-tek Svejs ApS", Aliases: []string{"LTS"}, CVR: "12345674", Area: "Sorø",
		OwnerID: bo.ID, CadenceDays: 14, Status: bot.StatusActive, Created: days(-200)})
	mustContact(t, db, bot.Contact{CompanyID: keep.ID, ConsultantID: anne.ID, At: days(-50), Kind: bot.KindVisit, Note: "k"})
	d1 := mustContact(t, db, bot.Contact{CompanyID: drop.ID, ConsultantID: bo.ID, At: days(-5), Kind: bot.KindPhone, Note: "d1"})
	mustContact(t, db, bot.Contact{CompanyID: drop.ID, ConsultantID: bo.ID, At: days(-60), Kind: bot.KindMail, Note: "d2"})
	p, err := db.CreatePosition(ctx, bot.Position{CompanyID: drop.ID, Title: "Svejser", Count: 1, Status: bot.PositionOpen})
	if err != nil {
		t.Fatal(err)
	}
	day, err := db.CreateIntroDay(ctx, bot.IntroDay{Date: days(7), Place: "Sorø", CompanyIDs: []uint64{keep.ID, drop.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "KS-14", IntroDayID: day.ID, ReferrerID: anne.ID, Stage: bot.StageMatched, CompanyID: drop.ID}); err != nil {
		t.Fatal(err)
	}

	kept, nc, np, err := db.MergeCompanies(ctx, keep.ID, drop.ID)
	if err != nil {
		t.Fatal(err)
	}
	if nc != 2 || np != 1 {
		t.Errorf("moved %d contacts, %d positions", nc, np)
	}
	check := func(when string) {
		t.Helper()
		got := mustGetCompany(t, db, keep.ID)
		if got.Name != "L-tek" || !slices.Equal(got.Aliases, []string{"L-tek Svejs ApS", "LTS"}) || got.CVR != "12345674" || got.Area != "Sorø" ||
			got.OwnerID != anne.ID || got.CadenceDays != 30 || !got.LastContact.Equal(days(-5)) || got.LastBy != bo.ID || !got.Created.Equal(days(-200)) {
			t.Errorf("%s: kept = %+v", when, got)
		}
		for _, key := range []string{"ltek", "ltek svejs aps", "lts"} {
			if exact, _, err := db.FindCompanies(ctx, key, 0); err != nil || exact == nil || exact.ID != keep.ID {
				t.Errorf("%s: FindCompanies(%q) = %+v, %v", when, key, exact, err)
			}
		}
		if c, err := db.CompanyByCVR(ctx, "12345674"); err != nil || c.ID != keep.ID {
			t.Errorf("%s: CVR finds %+v, %v", when, c, err)
		}
		if sugg, _ := db.SuggestCompanies(ctx, "L-tek Svejs", 5); len(sugg) == 0 || sugg[0].ID != keep.ID {
			t.Errorf("%s: suggestions %+v", when, sugg)
		}
		for _, s := range mustSuggest(t, db, "Svejs") {
			if s.ID == drop.ID {
				t.Errorf("%s: the dropped record is suggested", when)
			}
		}
		if owned, _ := db.CompaniesOwnedBy(ctx, bo.ID); len(owned) != 0 {
			t.Errorf("%s: Bo still owns %+v", when, owned)
		}
		if owned, _ := db.CompaniesOwnedBy(ctx, anne.ID); len(owned) != 1 || owned[0].ID != keep.ID {
			t.Errorf("%s: Anne owns %+v", when, owned)
		}
		n := nudgedIDs(t, db, days(1000))
		if len(n) != 1 || n[0].ID != keep.ID || !n[0].LastContact.Equal(days(-5)) {
			t.Errorf("%s: nudge index %+v", when, n)
		}
		cs := mustContacts(t, db, keep.ID)
		if len(cs) != 3 || cs[0].Note != "d1" || cs[0].ID != d1.ID || cs[0].CompanyID != keep.ID {
			t.Errorf("%s: contacts %+v", when, cs)
		}
		if cs := mustContacts(t, db, drop.ID); len(cs) != 0 {
			t.Errorf("%s: contacts left on the dropped record: %+v", when, cs)
		}
		if ps, _ := db.PositionsOf(ctx, keep.ID); len(ps) != 1 || ps[0].ID != p.ID || ps[0].CompanyID != keep.ID {
			t.Errorf("%s: positions %+v", when, ps)
		}
		if d, _ := db.IntroDay(ctx, day.ID); !slices.Equal(d.CompanyIDs, []uint64{keep.ID}) {
			t.Errorf("%s: intro day companies %v", when, d.CompanyIDs)
		}
		if c, err := db.CandidateByRef(ctx, "KS-14"); err != nil || c.CompanyID != keep.ID {
			t.Errorf("%s: candidate %+v, %v", when, c, err)
		}
	}
	if kept.ID != keep.ID {
		t.Errorf("kept %+v", kept)
	}
	check("after merging")
	// The undo log follows the moved contact: Bo's undo takes d2 (logged last).
	mustClose(t, db)
	db = mustOpen(t, path)
	check("after reopening")
	if u := mustUndo(t, db, bo.ID); u.Note != "d2" || u.CompanyID != keep.ID {
		t.Errorf("undo after merge: %+v", u)
	}
	// The open title is taken by the moved position.
	_, err = db.CreatePosition(ctx, bot.Position{CompanyID: keep.ID, Title: "Svejser", Count: 1})
	var ce *bot.ConflictError
	if !errors.As(err, &ce) || ce.ID != p.ID {
		t.Errorf("second open Svejser: %v", err)
	}
}

func TestMergeCompaniesRefusals(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	a := mustCompany(t, db, bot.Company{Name: "Alfa", CVR: "12345674"})
	b := mustCompany(t, db, bot.Company{Name: "Beta", CVR: "12345682"})
	c := mustCompany(t, db, bot.Company{Name: "Gamma"})
	_, _, _, err := db.MergeCompanies(ctx, a.ID, b.ID)
	var ce *bot.ConflictError
	if !errors.As(err, &ce) || ce.What != "cvr" || ce.Key != "12345682" {
		t.Errorf("two CVRs: %v", err)
	}
	for _, x := range []bot.Company{a, b} {
		if got := mustGetCompany(t, db, x.ID); got.Name != x.Name || len(got.Aliases) != 0 {
			t.Errorf("after a refused merge: %+v", got)
		}
	}
	if _, err := db.CreatePosition(ctx, bot.Position{CompanyID: a.ID, Title: "Svejser", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePosition(ctx, bot.Position{CompanyID: c.ID, Title: "svejser", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.MergeCompanies(ctx, a.ID, c.ID); !errors.As(err, &ce) || ce.What != "position" {
		t.Errorf("two open Svejser: %v", err)
	}
	if exact, _, _ := db.FindCompanies(ctx, "gamma", 0); exact == nil {
		t.Error("Gamma lost after a refused merge")
	}
	if _, _, _, err := db.MergeCompanies(ctx, a.ID, a.ID); err == nil {
		t.Error("merged with itself")
	}
	if _, _, _, err := db.MergeCompanies(ctx, a.ID, 999); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
}

func mustSuggest(tb testing.TB, db interface {
	SuggestCompanies(ctx context.Context, text string, limit int) ([]bot.Company, error)
}, text string) []bot.Company {
	tb.Helper()
	s, err := db.SuggestCompanies(tb.Context(), text, 10)
	if err != nil {
		tb.Fatalf("suggest %q: %v", text, err)
	}
	return s
}
