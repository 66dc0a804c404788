package storage_test

import (
	"testing"
	"time"

	"kontaktbot/bot"
)

// A contact across a jobcenter border is listed for the dedicated
// consultant's next nudge; one from the owner's own jobcenter is not, nor
// an undone one, and an edit shows in what is read. The list outlives a
// reopen and goes with the outbox's pruning.
func TestCrossedContacts(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne, _ := mustEnsure(t, db, bot.Identity{Platform: "console", User: "anne"}, "Anne Holm", "Jobcenter Odense")
	bo, _ := mustEnsure(t, db, bot.Identity{Platform: "console", User: "bo"}, "Bo Møller", "Jobcenter Odense")
	mette, _ := mustEnsure(t, db, bot.Identity{Platform: "console", User: "mette"}, "Mette Ørsted", "Jobcenter Svendborg")
	if anne.JobcenterID == mette.JobcenterID || anne.JobcenterID != bo.JobcenterID {
		t.Fatalf("jobcenters: anne %d, bo %d, mette %d", anne.JobcenterID, bo.JobcenterID, mette.JobcenterID)
	}
	ltek := mustCompany(t, db, bot.Company{Name: "L-tek", OwnerID: anne.ID, CadenceDays: 30})
	add := func(by bot.Consultant, note string, logged time.Time) bot.Contact {
		t.Helper()
		c, err := db.AddContact(ctx, bot.Contact{CompanyID: ltek.ID, ConsultantID: by.ID, At: logged, Kind: bot.KindVisit, Note: note, Logged: logged})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	add(anne, "own visit", days(-3))
	add(bo, "colleague's visit", days(-3))
	add(mette, "Svendborg visit", days(-2))
	add(mette, "a slip", days(-1))
	if _, err := db.UndoContact(ctx, mette.ID, days(-1)); err != nil {
		t.Fatal(err)
	}
	edited := add(mette, "Svendborg phone", days(-1).Add(time.Hour))
	if _, _, err := db.EditContact(ctx, edited, func(c *bot.Contact) error { c.Note = "Svendborg phone, two welders"; return nil }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, path)
	t.Cleanup(func() { db.Close() })

	read := func(from, to time.Time) []string {
		t.Helper()
		var notes []string
		err := db.CrossedContacts(ctx, from, to, func(c bot.Contact, co bot.Company) error {
			if co.ID != ltek.ID || co.OwnerID != anne.ID || c.ConsultantID != mette.ID {
				t.Errorf("crossing %+v of %+v", c, co)
			}
			notes = append(notes, c.Note)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return notes
	}
	got := read(days(-14), days(1))
	if len(got) != 2 || got[0] != "Svendborg visit" || got[1] != "Svendborg phone, two welders" {
		t.Errorf("crossings = %q, want the Svendborg visit and the edited phone call, oldest first", got)
	}
	if got := read(bot.Day(days(-1)), days(1)); len(got) != 1 {
		t.Errorf("crossings logged since yesterday = %q, want one", got)
	}
	if n, err := db.PruneOutbox(ctx, bot.JobNudge, bot.Day(days(-1))); err != nil || n != 1 {
		t.Errorf("pruned %d, %v; want the one crossing before yesterday", n, err)
	}
	if got := read(days(-14), days(1)); len(got) != 1 {
		t.Errorf("after pruning: %q", got)
	}
}
