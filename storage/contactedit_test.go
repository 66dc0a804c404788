package storage_test

import (
	"errors"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// nudgedIDs is the companies NudgeDue gives up to day, in its order.
func nudgedIDs(tb testing.TB, db *storage.DB, day time.Time) []bot.Company {
	tb.Helper()
	var out []bot.Company
	if err := db.NudgeDue(tb.Context(), day, func(c bot.Company) error { out = append(out, c); return nil }); err != nil {
		tb.Fatalf("nudge due: %v", err)
	}
	return out
}

func TestDeleteOlderContactKeepsCompany(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Kerteminde Kro", OwnerID: anne.ID, CadenceDays: 30})
	old := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-20), Kind: bot.KindPhone, FollowUp: days(40)})
	newest := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-2), Kind: bot.KindVisit})
	if got := mustGetCompany(t, db, co.ID); !got.PlannedNext.Equal(bot.Day(days(40))) {
		t.Fatalf("follow-up did not plan: %+v", got)
	}
	gone, err := db.DeleteContact(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, "deleted", gone, old)
	got := mustGetCompany(t, db, co.ID)
	if !got.LastContact.Equal(days(-2)) || got.LastKind != bot.KindVisit || !got.PlannedNext.IsZero() {
		t.Errorf("company after deleting the older contact: %+v", got)
	}
	if _, err := db.DeleteContact(ctx, old); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("second delete: err = %v, want not found", err)
	}
	// The undo log no longer points at it: undo takes the newest, then nothing.
	assertSame(t, "undo", mustUndo(t, db, anne.ID), newest)
	if _, err := db.UndoContact(ctx, anne.ID, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("undo after delete and undo: err = %v", err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	if cs := mustContacts(t, db, co.ID); len(cs) != 0 {
		t.Errorf("after reopening: contacts %+v", cs)
	}
	got = mustGetCompany(t, db, co.ID)
	if !got.LastContact.IsZero() || got.LastBy != 0 {
		t.Errorf("after reopening: %+v", got)
	}
}

func TestDeleteNewestContactMovesLastBackAndNudge(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	co := mustCompany(t, db, bot.Company{Name: "Odense Zoo", OwnerID: anne.ID, CadenceDays: 10, Status: bot.StatusActive})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: bo.ID, At: days(-30), Kind: bot.KindMail})
	wrong := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-1), Kind: bot.KindVisit})
	if n := nudgedIDs(t, db, days(0)); len(n) != 0 {
		t.Fatalf("due before the delete: %+v", n)
	}
	if _, err := db.DeleteContact(ctx, wrong); err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	got := mustGetCompany(t, db, co.ID)
	if !got.LastContact.Equal(days(-30)) || got.LastBy != bo.ID || got.LastKind != bot.KindMail {
		t.Errorf("company after deleting its newest contact: %+v", got)
	}
	n := nudgedIDs(t, db, days(0))
	if len(n) != 1 || n[0].ID != co.ID || !n[0].LastContact.Equal(days(-30)) {
		t.Errorf("nudge index after the delete: %+v, want the company due again", n)
	}
}

func TestEditContactMovesItAndTheCompany(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Ærø Maskinfabrik", OwnerID: anne.ID, CadenceDays: 14, Status: bot.StatusActive})
	a := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-10), Kind: bot.KindPhone, Note: "a"})
	b := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-3), Kind: bot.KindVisit, Note: "b", FollowUp: days(20)})
	// b was in fact on day -12, by mail, with a follow-up on day 25.
	before, after, err := db.EditContact(ctx, b, func(c *bot.Contact) error {
		c.At, c.Kind, c.Note, c.FollowUp = days(-12), bot.KindMail, "b rettet", days(25)
		c.ConsultantID, c.ID = 999, 999 // ignored
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, "before", before, b)
	if after.ID != b.ID || after.ConsultantID != anne.ID || after.Note != "b rettet" || !after.At.Equal(days(-12)) {
		t.Errorf("after = %+v", after)
	}
	// An fn error writes nothing.
	if _, _, err := db.EditContact(ctx, a, func(c *bot.Contact) error { c.Note = "x"; return errors.New("no") }); err == nil {
		t.Error("fn's error was not returned")
	}
	// The old key is gone.
	if _, _, err := db.EditContact(ctx, b, func(*bot.Contact) error { return nil }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("edit by the old time: err = %v, want not found", err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	cs := mustContacts(t, db, co.ID)
	if len(cs) != 2 || cs[0].ID != a.ID || cs[0].Note != "a" || cs[1].ID != b.ID || cs[1].Note != "b rettet" {
		t.Errorf("contacts after the edit, newest first: %+v", cs)
	}
	got := mustGetCompany(t, db, co.ID)
	if !got.LastContact.Equal(days(-10)) || got.LastKind != bot.KindPhone || !got.PlannedNext.Equal(bot.Day(days(25))) {
		t.Errorf("company after the edit: %+v", got)
	}
	// Undo still works on the moved contact (it was logged last).
	undone := mustUndo(t, db, anne.ID)
	if undone.ID != b.ID || undone.Note != "b rettet" {
		t.Errorf("undo after edit gave %+v", undone)
	}
	if cs := mustContacts(t, db, co.ID); len(cs) != 1 || cs[0].ID != a.ID {
		t.Errorf("after undo: %+v", cs)
	}
}
