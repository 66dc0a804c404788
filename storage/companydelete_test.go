package storage_test

import (
	"errors"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// assertGone checks that no index of db still knows the company.
func assertGone(t *testing.T, db *storage.DB, co bot.Company, owner uint64) {
	t.Helper()
	ctx := t.Context()
	if _, err := db.Company(ctx, co.ID); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Company(#%d): err = %v, want not found", co.ID, err)
	}
	for _, n := range append([]string{co.Name}, co.Aliases...) {
		exact, partial, err := db.FindCompanies(ctx, bot.NormalizeName(n), 10)
		if err != nil {
			t.Fatal(err)
		}
		if exact != nil && exact.ID == co.ID {
			t.Errorf("FindCompanies(%q) still finds it", n)
		}
		for _, p := range partial {
			if p.ID == co.ID {
				t.Errorf("FindCompanies(%q) still finds it partly", n)
			}
		}
		sugg, err := db.SuggestCompanies(ctx, n, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugg {
			if s.ID == co.ID {
				t.Errorf("SuggestCompanies(%q) still suggests it", n)
			}
		}
	}
	if co.CVR != "" {
		if _, err := db.CompanyByCVR(ctx, co.CVR); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("CVR %s: err = %v, want not found", co.CVR, err)
		}
	}
	owned, err := db.CompaniesOwnedBy(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range owned {
		if o.ID == co.ID {
			t.Error("still in the owner index")
		}
	}
	for _, n := range nudgedIDs(t, db, days(1000)) {
		if n.ID == co.ID {
			t.Error("still in the nudge index")
		}
	}
	if cs := mustContacts(t, db, co.ID); len(cs) != 0 {
		t.Errorf("contacts left: %+v", cs)
	}
	if ps, err := db.PositionsOf(ctx, co.ID); err != nil || len(ps) != 0 {
		t.Errorf("positions left: %+v, %v", ps, err)
	}
}

func TestDeleteCompanyLeavesNoTrace(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	keep := mustCompany(t, db, bot.Company{Name: "Fakta Tarup", OwnerID: anne.ID, CadenceDays: 30, Status: bot.StatusActive})
	co := mustCompany(t, db, bot.Company{Name: "Fakta Bolbro", Aliases: []string{"FB"}, CVR: "12345674", OwnerID: anne.ID,
		CadenceDays: 30, Status: bot.StatusActive, PlannedNext: bot.Day(days(5))})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-40), Kind: bot.KindVisit, Note: "fejl"})
	mustContact(t, db, bot.Contact{CompanyID: keep.ID, ConsultantID: anne.ID, At: days(-41), Kind: bot.KindVisit, Note: "bliver"})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-35), Kind: bot.KindPhone, Note: "fejl 2", FollowUp: days(3)})
	p, err := db.CreatePosition(ctx, bot.Position{CompanyID: co.ID, Title: "Kasseassistent", Count: 1, Deadline: days(10), Status: bot.PositionOpen,
		Announced: []bot.Receipt{{Channel: bot.Channel{Platform: "slack", ID: "C1"}, MessageID: "m1"}}})
	if err != nil {
		t.Fatal(err)
	}

	gone, n, ps, err := db.DeleteCompany(ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gone.ID != co.ID || n != 2 || len(ps) != 1 || ps[0].ID != p.ID || len(ps[0].Announced) != 1 {
		t.Errorf("removal = %+v, %d contacts, %+v", gone, n, ps)
	}
	assertGone(t, db, co, anne.ID)
	if _, _, _, err := db.DeleteCompany(ctx, co.ID); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	// Anne's undo log holds nothing of it: undo takes her contact with Fakta Tarup.
	if u := mustUndo(t, db, anne.ID); u.CompanyID != keep.ID {
		t.Errorf("undo gave %+v", u)
	}
	if _, err := db.PositionsPastDeadline(ctx, days(100)); err != nil {
		t.Fatal(err)
	}

	mustClose(t, db)
	db = mustOpen(t, path)
	assertGone(t, db, co, anne.ID)
	if exact, _, _ := db.FindCompanies(ctx, "fakta tarup", 0); exact == nil || exact.ID != keep.ID {
		t.Errorf("the other company is lost: %+v", exact)
	}
	if ps, _ := db.PositionsPastDeadline(ctx, days(100)); len(ps) != 0 {
		t.Errorf("deadline index still holds %+v", ps)
	}
	// The name, alias and CVR are free again.
	again := mustCompany(t, db, bot.Company{Name: "Fakta Bolbro", Aliases: []string{"FB"}, CVR: "12345674", OwnerID: anne.ID, CadenceDays: 30})
	if again.ID == co.ID {
		t.Error("the id was reused")
	}
	if _, err := db.CreatePosition(ctx, bot.Position{CompanyID: again.ID, Title: "Kasseassistent", Count: 1}); err != nil {
		t.Errorf("the title is not free: %v", err)
	}
}

func TestDeleteCompanyRefusedWhileAnIntroDayHasIt(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "L-tek", OwnerID: anne.ID, CadenceDays: 30})
	d, err := db.CreateIntroDay(ctx, bot.IntroDay{Date: days(7), Place: "Sorø", CompanyIDs: []uint64{co.ID}, Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = db.DeleteCompany(ctx, co.ID)
	var ce *bot.ConflictError
	if !errors.As(err, &ce) || ce.What != "introday" || ce.ID != d.ID {
		t.Fatalf("err = %v, want an introday conflict", err)
	}
	if got := mustGetCompany(t, db, co.ID); got.Name != "L-tek" {
		t.Errorf("company after a refused delete: %+v", got)
	}
}
