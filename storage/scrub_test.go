package storage_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// inFile reports whether the raw bytes of the database file hold s.
func inFile(tb testing.TB, path, s string) bool {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Contains(data, []byte(s))
}

// secretNote logs a contact whose note names secret among enough filler
// that it sits on a page with others, and checks the file holds it.
func secretNote(tb testing.TB, db *storage.DB, path string, co, by uint64, at time.Time, secret string) bot.Contact {
	tb.Helper()
	c := mustContact(tb, db, bot.Contact{CompanyID: co, ConsultantID: by, At: at, Kind: bot.KindVisit,
		Note: "Talte med " + secret + " om " + strings.Repeat("lager ", 20)})
	if !inFile(tb, path, secret) {
		tb.Fatalf("the file does not hold %q after logging it", secret)
	}
	return c
}

func TestErasingLeavesNoOldBytes(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Kerteminde Kro", OwnerID: anne.ID, CadenceDays: 30})
	// Other records around, so that pages are shared and rewritten.
	for i := range 30 {
		mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-100 - i), Kind: bot.KindPhone, Note: strings.Repeat("fyld ", 30)})
	}

	c := secretNote(t, db, path, co.ID, anne.ID, days(-3), "Slettede-Sigurd")
	if _, err := db.DeleteContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if inFile(t, path, "Slettede-Sigurd") {
		t.Error("a deleted note is still in the file")
	}

	c = secretNote(t, db, path, co.ID, anne.ID, days(-2), "Rettede-Rasmus")
	if _, _, err := db.EditContact(ctx, c, func(c *bot.Contact) error { c.Note = "ringede"; return nil }); err != nil {
		t.Fatal(err)
	}
	if inFile(t, path, "Rettede-Rasmus") {
		t.Error("the old text of an edited note is still in the file")
	}

	secretNote(t, db, path, co.ID, anne.ID, days(-1), "Fortrudte-Frede")
	if _, err := db.UndoContact(ctx, anne.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if inFile(t, path, "Fortrudte-Frede") {
		t.Error("an undone note is still in the file")
	}

	other := mustCompany(t, db, bot.Company{Name: "Hemmelige Hjalmars Hus", OwnerID: anne.ID, CadenceDays: 30})
	secretNote(t, db, path, other.ID, anne.ID, days(-1), "Firma-Frida")
	if _, _, _, err := db.DeleteCompany(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Firma-Frida", "Hemmelige Hjalmars Hus", "hemmelige hjalmars hus"} {
		if inFile(t, path, s) {
			t.Errorf("%q is still in the file after deleting the company", s)
		}
	}
	if db.ScrubOwed() {
		t.Error("a scrub is owed after the erasures")
	}
	if err := db.Check(); err != nil {
		t.Fatalf("after scrubbing: %v", err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	if cs := mustContacts(t, db, co.ID); len(cs) != 31 || cs[0].Note != "ringede" {
		t.Errorf("after reopening: %d contacts, newest %+v", len(cs), cs[0])
	}
}

func TestScrubIsIdempotent(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Kro", OwnerID: anne.ID, CadenceDays: 30})
	for i := range 200 {
		mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-i), Kind: bot.KindPhone, Note: strings.Repeat("x", 200)})
	}
	if _, _, _, err := db.DeleteCompany(t.Context(), co.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.Scrub(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got.Zeroed > 1 || got.Free == 0 {
		t.Errorf("a second scrub: %+v, want free pages found and (all but the last freelist page) already zero", got)
	}
}
