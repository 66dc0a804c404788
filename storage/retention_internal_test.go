package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"kontaktbot/bot"
)

// A contact edited between retention's read and its write is erased from
// what it is now, not overwritten with what was read.
func TestEraseNotesRereadsAContactEditedMeanwhile(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, bot.Copenhagen)
	db, err := Open(filepath.Join(t.TempDir(), "k.db"), Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	anne, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Anne", Role: bot.RoleConsultant})
	if err != nil {
		t.Fatal(err)
	}
	co, err := db.CreateCompany(ctx, bot.Company{Name: "Kerteminde Kro", OwnerID: anne.ID, CadenceDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := db.AddContact(ctx, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: now.AddDate(-4, 0, 0), Kind: bot.KindPhone, Note: "Gamle-Gerda"})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := db.AddContact(ctx, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: now.AddDate(-4, 0, 1), Kind: bot.KindPhone, Note: "Gamle-Gorm"})
	if err != nil {
		t.Fatal(err)
	}
	months := func(uint64) int { return 36 }
	found, next, err := db.expiredNotes(ctx, nil, now, months, map[uint64]uint64{})
	if err != nil || next != nil || len(found) != 2 {
		t.Fatalf("expired notes: %d, next %q, %v", len(found), next, err)
	}
	// Between the read and the write, someone changes the kind of one.
	if _, _, err := db.EditContact(ctx, edited, func(c *bot.Contact) error { c.Kind = bot.KindVisit; return nil }); err != nil {
		t.Fatal(err)
	}
	n, err := db.eraseNotes(ctx, found)
	if err != nil || n != 2 {
		t.Fatalf("erased %d, %v; want 2", n, err)
	}
	cs, err := db.Contacts(ctx, co.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[uint64]bot.Contact{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	if c := byID[edited.ID]; c.Note != "" || c.NoteErasedMonths != 36 || c.Kind != bot.KindVisit {
		t.Errorf("the contact edited meanwhile: %+v", c)
	}
	if c := byID[kept.ID]; c.Note != "" || c.NoteErasedMonths != 36 || c.Kind != bot.KindPhone {
		t.Errorf("the other contact: %+v", c)
	}
	// A second write of the same batch finds nothing left to erase.
	if n, err := db.eraseNotes(ctx, found); err != nil || n != 0 {
		t.Errorf("again: erased %d, %v", n, err)
	}
}
