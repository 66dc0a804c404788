package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kontaktbot/bot"
)

// TestReadRecordsIsOneView: a whole export reads one consistent file, even
// while a write commits in the middle of it.
func TestReadRecordsIsOneView(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := context.Background()
	if _, err := db.CreateCompany(ctx, bot.Company{Name: "Før"}); err != nil {
		t.Fatal(err)
	}
	var seen []string
	done := make(chan error, 1)
	err := db.ReadRecords(ctx, func(r bot.Records) error {
		// A write begun while the view is open commits at once, unless the
		// file must grow its map, which waits for the view to end: either
		// way the view does not see it.
		go func() {
			_, err := db.CreateCompany(ctx, bot.Company{Name: "Under"})
			done <- err
		}()
		select {
		case err := <-done:
			done <- err
		case <-time.After(time.Second):
		}
		return r.EachCompany(func(c bot.Company) error { seen = append(seen, c.Name); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != "Før" {
		t.Errorf("the view saw %q, want only the company from before it began", seen)
	}
	if exact, _, err := db.FindCompanies(ctx, "under", 0); err != nil || exact == nil {
		t.Errorf("the write during the view was not stored: %v", err)
	}
}

// TestImportPositionsKeepsNumbers: positions keep their numbers, the
// numbering goes on after the highest, and a taken number is refused
// whole.
func TestImportPositionsKeepsNumbers(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := context.Background()
	co, err := db.CreateCompany(ctx, bot.Company{Name: "L-tek"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportPositions(ctx, []bot.Position{{ID: 7, CompanyID: co.ID, Title: "Smed", Count: 1, Status: bot.PositionFilled}, {ID: 3, CompanyID: co.ID, Title: "Smed", Count: 1}}); err != nil {
		t.Fatal(err)
	}
	next, err := db.CreatePosition(ctx, bot.Position{CompanyID: co.ID, Title: "Tømrer", Count: 1})
	if err != nil || next.ID != 8 {
		t.Errorf("the next position is #%d (%v), want #8", next.ID, err)
	}
	var ce *bot.ConflictError
	if err := db.ImportPositions(ctx, []bot.Position{{ID: 9, CompanyID: co.ID, Title: "Murer", Count: 1}, {ID: 3, CompanyID: co.ID, Title: "Igen", Count: 1}}); !errors.As(err, &ce) {
		t.Errorf("a taken number: %v, want a conflict", err)
	}
	if _, err := db.Position(ctx, 9); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a refused import stored #9: %v", err)
	}
}

// TestImportDirectoryIsAudited: the jobcenters and people of a whole
// import are recorded in the write that stores them, and an import that
// stores nothing records nothing.
func TestImportDirectoryIsAudited(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := context.Background()
	entry := func(detail string) bot.AuditEntry {
		return bot.AuditEntry{Actor: "kontaktbot import", Action: bot.AuditImport, Subject: "archive", Detail: detail}
	}
	jcs := []bot.Jobcenter{{Name: "Jobcenter Sorø"}}
	people := []bot.Consultant{{Name: "Hanne Jensen", JobcenterID: 1, Role: bot.RoleConsultant, Lang: bot.Danish}}
	if _, _, err := db.ImportDirectory(ctx, jcs, people, entry("1 jobcenters, 1 people")); err != nil {
		t.Fatal(err)
	}
	// The same names again conflict: nothing is stored, nor recorded.
	if _, _, err := db.ImportDirectory(ctx, jcs, people, entry("again")); err == nil {
		t.Fatal("a second import of the same jobcenter was taken")
	}
	page, total, err := db.AuditPage(ctx, bot.AuditFilter{}, 0, 10)
	if err != nil || total != 1 || page[0].Action != bot.AuditImport || page[0].Detail != "1 jobcenters, 1 people" || page[0].At.IsZero() {
		t.Fatalf("the trail: %+v (%d), %v; want the first import only", page, total, err)
	}
}
