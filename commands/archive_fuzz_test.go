package commands_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// scratchBot is a Service over a fresh file without fsync: a fuzz target
// imports into a new empty file for every input.
func scratchBot(t *testing.T) *commands.Service {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: &clock{now: sunday}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return commands.New(db, commands.Config{Clock: &clock{now: sunday}})
}

// FuzzImportAll reads arbitrary files as a whole export: no input may
// panic or store half; what imports exports in a form that goes round
// byte for byte, and a refusal names its file and line.
func FuzzImportAll(f *testing.F) {
	f.Add("name;partners\nJobcenter Sorø;Jobcenter Ærø\nJobcenter Ærø;Jobcenter Sorø\n",
		"name;jobcenter;role;lang;identities;standin\nHanne;Jobcenter Sorø;lead;da;slack/T1/U1;\nSøren;Jobcenter Ærø;;en;;Hanne\n",
		"name;cvr;owner;status;snoozed_until;planned_next;aliases\nÆrø Maskinfabrik;12345674;Søren;paused;;;ÆM | Maskinen\nL-tek;;Hanne;active;2026-12-01;2026-12-03;\n",
		"company;at;kind;consultant;note;follow_up\nL-tek;2026-10-01 09:30;besøg;Hanne;\"a; \"\"b\"\"\nc\";2026-12-01\n",
		"nr;company;title;count;status;history\n7;L-tek;Smed;2;filled;\"[{\"\"at\"\":\"\"2026-10-01T10:00:00+02:00\"\",\"\"by\"\":\"\"Hanne\"\",\"\"what\"\":\"\"besat\"\"}]\"\n")
	f.Add("", "", "name\nA\n", "company;at\nA;x\n", "nr;company;title\n0;A;\n")
	f.Add("name\n\"x", "name;jobcenter\nA;\n", "name;owner\nB;A\n", "", "company;title\nB;T\nB;T\n")
	f.Fuzz(func(t *testing.T, jcs, people, companies, contacts, positions string) {
		files := fstest.MapFS{
			commands.FileJobcenters: {Data: []byte(jcs)}, commands.FilePeople: {Data: []byte(people)},
			commands.FileCompanies: {Data: []byte(companies)}, commands.FileContacts: {Data: []byte(contacts)},
			commands.FilePositions: {Data: []byte(positions)},
		}
		svc := scratchBot(t)
		_, err := svc.ImportAll(t0, files, commands.ImportOptions{})
		var ie *commands.ImportError
		var be *bot.Error
		switch {
		case errors.As(err, &ie):
			for _, r := range ie.Rows {
				if r.File == "" || r.Line < 1 || r.Reason == "" {
					t.Fatalf("refusal without file, line or reason: %+v", r)
				}
			}
			assertEmpty(t, svc)
			return
		case errors.As(err, &be):
			assertEmpty(t, svc)
			return
		case err != nil:
			t.Fatalf("import all: %v", err)
		}
		first := &mapSink{files: map[string]*bytes.Buffer{}}
		if err := svc.ExportAll(t0, first, commands.ExportOptions{}); err != nil {
			t.Fatalf("export: %v", err)
		}
		again := scratchBot(t)
		if _, err := again.ImportAll(t0, first.fs(), commands.ImportOptions{}); err != nil {
			t.Fatalf("the export of what imported does not import: %v", err)
		}
		second := &mapSink{files: map[string]*bytes.Buffer{}}
		if err := again.ExportAll(t0, second, commands.ExportOptions{}); err != nil {
			t.Fatalf("export: %v", err)
		}
		sameFiles(t, "fuzzed round trip", first, second)
	})
}

// assertEmpty fails when a refused import stored anything.
func assertEmpty(t *testing.T, svc *commands.Service) {
	t.Helper()
	sink := &mapSink{files: map[string]*bytes.Buffer{}}
	if err := svc.ExportAll(t0, sink, commands.ExportOptions{}); err != nil {
		t.Fatalf("export after a refusal: %v", err)
	}
	for name, b := range sink.files {
		if bytes.Count(b.Bytes(), []byte("\n")) > 1 {
			t.Fatalf("a refused import stored rows in %s:\n%s", name, b)
		}
	}
}
