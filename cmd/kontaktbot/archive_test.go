package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// fillRich stores, in the file at path, a jobcenter with a partner, people
// with roles and identities, companies in every state with aliases, a
// contact history with a note of several lines, and positions.
func fillRich(t *testing.T, path string) {
	t.Helper()
	inspect(t, path, func(ctx context.Context, db *storage.DB) {
		check := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		sorø, err := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Sorø", ClosedDays: "grundlovsdag"})
		check(err)
		ærø, err := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Ærø", Partners: []uint64{sorø.ID}})
		check(err)
		_, err = db.UpdateJobcenter(ctx, sorø.ID, func(j *bot.Jobcenter) error { j.Partners = []uint64{ærø.ID}; return nil })
		check(err)
		hanne, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Hanne Jensen", JobcenterID: sorø.ID, Role: bot.RoleLead, Lang: bot.Danish,
			Identities: []bot.Identity{{Platform: "slack", Team: "T01", User: "U01"}}})
		check(err)
		søren, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Søren Ærbø", JobcenterID: ærø.ID, Role: bot.RoleConsultant, Lang: bot.English, StandInID: hanne.ID})
		check(err)
		day := time.Date(2026, 12, 10, 0, 0, 0, 0, bot.Copenhagen)
		co, err := db.CreateCompany(ctx, bot.Company{Name: "Ærø Maskinfabrik", CVR: "12345674", Aliases: []string{"ÆM"}, OwnerID: søren.ID, CadenceDays: 14, Tier: bot.TierIntensified, Area: "Havnen 3; Ærøskøbing"})
		check(err)
		paused, err := db.CreateCompany(ctx, bot.Company{Name: "Bøgelund Træ", CVR: "29403473", OwnerID: hanne.ID, CadenceDays: 30, Status: bot.StatusPaused})
		check(err)
		_, err = db.CreateCompany(ctx, bot.Company{Name: "Åbenrå Smørrebrød", OwnerID: hanne.ID, CadenceDays: 30, SnoozedUntil: day, SnoozeCount: 1, PlannedNext: day.AddDate(0, 0, 3)})
		check(err)
		_, err = db.AddContact(ctx, bot.Contact{CompanyID: co.ID, ConsultantID: søren.ID, At: time.Date(2026, 10, 1, 9, 30, 0, 0, bot.Copenhagen), Kind: bot.KindVisit,
			Note: "Mødte Claus; \"lærlinge\"\nRing i marts", FollowUp: day})
		check(err)
		_, err = db.AddContact(ctx, bot.Contact{CompanyID: paused.ID, ConsultantID: hanne.ID, At: time.Date(2026, 9, 1, 13, 0, 0, 0, bot.Copenhagen), Kind: bot.KindPhone})
		check(err)
		p, err := db.CreatePosition(ctx, bot.Position{CompanyID: co.ID, ConsultantID: søren.ID, JobcenterID: ærø.ID, Title: "Smed", Count: 2, Deadline: day})
		check(err)
		_, err = db.UpdatePosition(ctx, p.ID, func(p *bot.Position) error {
			p.Status, p.Filled = bot.PositionFilled, 2
			p.History = append(p.History, bot.Event{At: day, By: hanne.ID, What: "besat"})
			return nil
		})
		check(err)
	})
}

// readFolder reads an export folder's files.
func readFolder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range commands.ArchiveFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("export folder: %v", err)
		}
		out[name] = b
	}
	return out
}

// readZip reads an export zip's files.
func readExportZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("export zip: %v", err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func contains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("lacks %q:\n%s", w, got)
		}
	}
}

func lacks(t *testing.T, got string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(got, w) {
			t.Errorf("holds %q:\n%s", w, got)
		}
	}
}

func sameExport(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(commands.ArchiveFiles) || len(b) != len(commands.ArchiveFiles) {
		t.Errorf("%s: %d and %d files, want %d", what, len(a), len(b), len(commands.ArchiveFiles))
	}
	for _, name := range commands.ArchiveFiles {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s: %s differs:\n%s\n--- against:\n%s", what, name, a[name], b[name])
		}
	}
}

// TestExportAllImportAllRoundTrip: a whole export, to a folder and to a
// zip, imports into a new file that exports the same bytes again.
func TestExportAllImportAllRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	fillRich(t, db)
	mustRun(t, "", nil, "export", "all", "--out", filepath.Join(dir, "ud"), "--db", db)
	first := readFolder(t, filepath.Join(dir, "ud"))
	contains(t, string(first[commands.FileCompanies]), "Bøgelund Træ;29403473;Hanne Jensen;30;normal;;2026-09-01;paused;", ";2026-12-10;2026-12-13;;;;;1;")
	contains(t, string(first[commands.FileContacts]), "\"Mødte Claus; \"\"lærlinge\"\"\nRing i marts\"")

	// The folder, into a file that does not exist yet.
	db2 := filepath.Join(dir, "ny.db")
	if out := mustRun(t, "", nil, "import", "all", filepath.Join(dir, "ud"), "--db", db2, "--dry-run"); out != "Prøvekørsel, intet gemt. Ville importere: 2 jobcentre, 2 personer, 3 virksomheder, 2 kontakter, 1 stilling.\n" {
		t.Errorf("dry run said %q", out)
	}
	if _, err := os.Stat(db2); err == nil {
		t.Errorf("a dry run made %s", db2)
	}
	if out := mustRun(t, "", nil, "import", "all", filepath.Join(dir, "ud"), "--db", db2); out != "Importeret: 2 jobcentre, 2 personer, 3 virksomheder, 2 kontakter, 1 stilling.\n" {
		t.Errorf("import said %q", out)
	}
	mustRun(t, "", nil, "export", "--db", db2, "all", "--out", filepath.Join(dir, "igen"))
	sameExport(t, "folder round trip", first, readFolder(t, filepath.Join(dir, "igen")))

	// The zip holds the same files, and goes round the same way.
	mustRun(t, "", nil, "export", "all", "--out", filepath.Join(dir, "ud.zip"), "--db", db)
	sameExport(t, "zip against folder", first, readExportZip(t, filepath.Join(dir, "ud.zip")))
	db3 := filepath.Join(dir, "fra-zip.db")
	mustRun(t, "", nil, "import", "all", filepath.Join(dir, "ud.zip"), "--db", db3)
	mustRun(t, "", nil, "export", "all", "--out", filepath.Join(dir, "igen.zip"), "--db", db3)
	a, _ := os.ReadFile(filepath.Join(dir, "ud.zip"))
	b, _ := os.ReadFile(filepath.Join(dir, "igen.zip"))
	if !bytes.Equal(a, b) || len(a) == 0 {
		t.Errorf("zip round trip: %d and %d bytes, not the same", len(a), len(b))
	}

	// A file with data is refused whole, and keeps what it had.
	out, _, err := runCmd(t, "", nil, "import", "all", filepath.Join(dir, "ud.zip"), "--db", db2)
	if err == nil || !strings.Contains(out, "Intet er importeret: Filen har allerede data") {
		t.Errorf("import into a full file: %q, %v", out, err)
	}
	// One jobcenter's export names its partner and the people its rows
	// name, and goes round too.
	mustRun(t, "", nil, "export", "all", "--jobcenter", "Jobcenter Sorø", "--out", filepath.Join(dir, "sorø"), "--db", db)
	sorø := readFolder(t, filepath.Join(dir, "sorø"))
	lacks(t, string(sorø[commands.FileCompanies]), "Ærø Maskinfabrik")
	db4 := filepath.Join(dir, "sorø.db")
	mustRun(t, "", nil, "import", "all", filepath.Join(dir, "sorø"), "--db", db4)
	mustRun(t, "", nil, "export", "all", "--jobcenter", "jobcenter sorø", "--out", filepath.Join(dir, "sorø-igen"), "--db", db4)
	sameExport(t, "one jobcenter", sorø, readFolder(t, filepath.Join(dir, "sorø-igen")))
}

// TestExportAllImportAllThroughTheConsole: while a console holds the
// file, export all and import all go through its socket.
func TestExportAllImportAllThroughTheConsole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "kilde.db")
	fillRich(t, src)
	mustRun(t, "", nil, "export", "all", "--out", filepath.Join(dir, "ud.zip"), "--db", src)
	held := filepath.Join(dir, "k.db")
	c := startConsole(t, held, "Hanne Jensen")
	if out, _, err := runCmd(t, "", nil, "import", "all", filepath.Join(dir, "ud.zip"), "--db", held, "--dry-run"); err != nil || !strings.Contains(out, "Prøvekørsel, intet gemt. Ville importere: 2 jobcentre") {
		t.Errorf("dry run through the console: %q %v", out, err)
	}
	if out, _, err := runCmd(t, "", nil, "import", "all", filepath.Join(dir, "ud.zip"), "--db", held); err != nil || !strings.Contains(out, "Importeret: 2 jobcentre, 2 personer, 3 virksomheder") {
		t.Fatalf("import through the console: %q %v", out, err)
	}
	mustRun(t, "", nil, "export", "all", "--out", filepath.Join(dir, "igen.zip"), "--db", held)
	sameExport(t, "through the console", readExportZip(t, filepath.Join(dir, "ud.zip")), readExportZip(t, filepath.Join(dir, "igen.zip")))
	mustRun(t, "", nil, "export", "all", "--out", filepath.Join(dir, "mappe"), "--db", held)
	sameExport(t, "a folder through the console", readExportZip(t, filepath.Join(dir, "ud.zip")), readFolder(t, filepath.Join(dir, "mappe")))
	// The running console sees the import, aliases and all (its person,
	// writing now, comes in as a newcomer: after the exports).
	c.say(t, "company ÆM", "CVR: 12345674")
	if out, _, err := runCmd(t, "", nil, "export", "all", "--jobcenter", "Jobcenter Ingen", "--out", filepath.Join(dir, "x.zip"), "--db", held); err == nil || !strings.Contains(out+err.Error(), "findes ikke") {
		t.Errorf("export of an unknown jobcenter through the console: %q %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.zip")); err == nil {
		t.Error("a refused export left a zip behind")
	}
	if err := c.stop(t); err != nil {
		t.Errorf("console: %v", err)
	}
}
