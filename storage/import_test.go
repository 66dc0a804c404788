package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"kontaktbot/bot"
)

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
