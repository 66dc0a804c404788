package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// auditedFile is a file where Anne (the first console person, so admin,
// whose first message created the jobcenter) made Hanne a lead after
// Hanne logged a visit: 3 audit entries.
func auditedFile(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "k.db")
	env := map[string]string{}
	mustRun(t, "hjælp\n", env, "console", "--db", db, "--as", "Anne")
	mustRun(t, "virksomhed opret L-tek\nbesøg L-tek mødte Lars om svejsere\n", env, "console", "--db", db, "--as", "Hanne")
	mustRun(t, "rolle Hanne leder\n", env, "console", "--db", db, "--as", "Anne")
	return dir, db
}

func TestCheckVerifiesTheAuditChain(t *testing.T) {
	t.Parallel()
	_, db := auditedFile(t)
	out := mustRun(t, "", nil, "check", "--db", db)
	if !strings.Contains(out, "Revisionssporets kæde holder (3 poster)") {
		t.Fatalf("check said:\n%s\nwant the chain of 3 entries (the jobcenter, Anne made admin, Hanne's role) to hold", out)
	}
	// Someone with the file and an editor changes the role in the audit
	// entry, byte for byte, around kontaktbot.
	raw, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	// (encoding/json writes ">" as \u003e.)
	entry := []byte(`consultant -\u003e lead`)
	if bytes.Count(raw, entry) != 1 {
		t.Fatalf("the entry is not in the file once")
	}
	if err := os.WriteFile(db, bytes.Replace(raw, entry, []byte(`consultant -\u003e boss`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "", nil, "check", "--db", db)
	if err == nil || !strings.Contains(err.Error(), "revisionssporet") || !strings.Contains(err.Error(), "was changed") {
		t.Fatalf("check of a tampered trail: %v; want it to say the audit trail was changed", err)
	}
}

func TestAuditExport(t *testing.T) {
	t.Parallel()
	dir, db := auditedFile(t)
	out := filepath.Join(dir, "revision.csv")
	contains := mustRun(t, "", nil, "audit", "export", "--db", db, "--out", out)
	if !strings.Contains(contains, "3 poster") {
		t.Errorf("audit export said %q", contains)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{"\ufeffnr;tidspunkt;udført_af_id", ";admin_bootstrap;Anne;", ";role;Hanne;consultant -> lead;"} {
		if !strings.Contains(text, want) {
			t.Errorf("audit CSV lacks %q:\n%s", want, text)
		}
	}
	// The export itself is recorded, and so are the other exports; the
	// chain still holds.
	mustRun(t, "", nil, "export", "companies", "--db", db, "--out", filepath.Join(dir, "p.csv"))
	if got := mustRun(t, "", nil, "check", "--db", db); !strings.Contains(got, "(5 poster)") {
		t.Errorf("after the exports, check said %s", got)
	}
	mustRun(t, "", nil, "audit", "export", "--db", db, "--out", out)
	data, _ = os.ReadFile(out)
	for _, want := range []string{";export;audit;3 entries to", ";export;export companies;to "} {
		if !strings.Contains(string(data), want) {
			t.Errorf("audit CSV lacks %q:\n%s", want, data)
		}
	}
	if _, _, err := runCmd(t, "", nil, "audit", "export", "--db", db); err == nil {
		t.Error("audit export without --out was taken")
	}
}

func TestExportPerson(t *testing.T) {
	t.Parallel()
	dir, db := auditedFile(t)
	out := filepath.Join(dir, "hanne.zip")
	said := mustRun(t, "", nil, "export", "person", "Hanne", "--db", db, "--out", out)
	if !strings.Contains(said, "1 virksomheder, 1 kontakter, 1 poster") {
		t.Errorf("export person said %q", said)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		files[f.Name] = string(b)
	}
	want := map[string][]string{
		"LÆS_MIG.txt":       {"alt, kontaktbot gemmer om Hanne", "kontakter.csv", "Slack og Microsoft"},
		"person.csv":        {"id;navn;jobcenter;rolle", ";Hanne;Jobcenter;lead;da;"},
		"identiteter.csv":   {"console;;hanne"},
		"virksomheder.csv":  {";L-tek;;active;"},
		"kontakter.csv":     {";L-tek;2", ";visit;mødte Lars om svejsere;"},
		"revisionsspor.csv": {";role;Hanne;consultant -> lead;"},
	}
	for name, parts := range want {
		got, ok := files[name]
		if !ok {
			t.Errorf("the zip lacks %s (has %v)", name, len(files))
			continue
		}
		for _, p := range parts {
			if !strings.Contains(got, p) {
				t.Errorf("%s lacks %q:\n%s", name, p, got)
			}
		}
	}
	if len(files) != len(want) {
		t.Errorf("the zip has %d files; want %d", len(files), len(want))
	}
	// Anne's export holds nothing of Hanne's contacts.
	anne := filepath.Join(dir, "anne.zip")
	mustRun(t, "", nil, "export", "person", "Anne", "--db", db, "--out", anne)
	data, _ := os.ReadFile(anne)
	zr2, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	for _, f := range zr2.File {
		if f.Name == "kontakter.csv" {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			if strings.Contains(string(b), "svejsere") {
				t.Error("Anne's access request holds Hanne's note")
			}
		}
	}
	if _, _, err := runCmd(t, "", nil, "export", "person", "Ingen Sådan", "--db", db, "--out", anne); err == nil || !strings.Contains(err.Error(), "ingen person") {
		t.Errorf("export of an unknown person: %v", err)
	}
}

func TestRemindPrunesTheAuditTrail(t *testing.T) {
	t.Parallel()
	dir, db := auditedFile(t)
	at := time.Now().AddDate(5, 1, 0).Format(time.RFC3339)
	if _, _, err := runCmd(t, "", map[string]string{"KONTAKTBOT_AUDIT_KEEP_YEARS": "fem"}, "remind", "--db", db, "--at", at); err == nil ||
		!strings.Contains(err.Error(), "KONTAKTBOT_AUDIT_KEEP_YEARS") {
		t.Fatalf("remind with an unreadable keep: %v", err)
	}
	// Notes are kept long here, so that no retention run adds an entry.
	notes := "600"
	// Kept 6 years: nothing goes.
	mustRun(t, "", map[string]string{"KONTAKTBOT_AUDIT_KEEP_YEARS": "6", "KONTAKTBOT_NOTE_RETENTION_MONTHS": notes}, "remind", "--db", db, "--at", at)
	if got := mustRun(t, "", nil, "check", "--db", db); !strings.Contains(got, "(3 poster)") {
		t.Fatalf("after a remind that keeps 6 years, check said %s", got)
	}
	// The default 5 years: all three go, a prune entry says so, the chain holds.
	mustRun(t, "", map[string]string{"KONTAKTBOT_NOTE_RETENTION_MONTHS": notes}, "remind", "--db", db, "--at", at)
	if got := mustRun(t, "", nil, "check", "--db", db); !strings.Contains(got, "(1 poster)") {
		t.Fatalf("after the prune, check said %s", got)
	}
	out := filepath.Join(dir, "a.csv")
	mustRun(t, "", nil, "audit", "export", "--db", db, "--out", out)
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), ";audit_prune;;3 entries from before") || strings.Contains(string(data), "consultant -> lead") {
		t.Fatalf("the trail after pruning:\n%s", data)
	}
}

// TestOfflineBackupIsAudited: »kontaktbot backup« of a file no bot holds
// is recorded in the file's trail, as a backup through a running bot's
// socket is, and not in the copy, which was taken before.
func TestOfflineBackupIsAudited(t *testing.T) {
	t.Parallel()
	dir, db := auditedFile(t)
	bak := filepath.Join(dir, "kopi.db")
	mustRun(t, "", nil, "backup", "--db", db, "--to", bak)
	if got := mustRun(t, "", nil, "check", "--db", db); !strings.Contains(got, "(4 poster)") {
		t.Fatalf("after the backup, check of the file said %s; want the backup as a fourth entry", got)
	}
	if got := mustRun(t, "", nil, "check", "--db", bak); !strings.Contains(got, "(3 poster)") {
		t.Errorf("check of the copy said %s; want the 3 entries from before it", got)
	}
	out := filepath.Join(dir, "a.csv")
	mustRun(t, "", nil, "audit", "export", "--db", db, "--out", out)
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), ";0;kontaktbot backup;0;0;backup;"+bak+";") {
		t.Fatalf("the trail lacks the backup to %s:\n%s", bak, data)
	}
}

// TestAuditAndPersonExportsWhileServing: the data protection officer's
// exports work while the bot serves, through its socket, and are recorded
// in the trail by the bot. Before, both were refused while serve held the
// file.
func TestAuditAndPersonExportsWhileServing(t *testing.T) {
	t.Parallel()
	dir, db := auditedFile(t)
	srv := startServer(t, map[string]string{"KONTAKTBOT_JOBCENTER": "Jobcenter"}, "--db", db)
	trail := filepath.Join(dir, "revision.csv")
	said := mustRun(t, "", nil, "audit", "export", "--db", db, "--out", trail)
	if !strings.Contains(said, "3 poster") {
		t.Errorf("audit export while serving said %q", said)
	}
	data, err := os.ReadFile(trail)
	if err != nil || !strings.HasPrefix(string(data), "\ufeffnr;tidspunkt;") || !strings.Contains(string(data), ";role;Hanne;consultant -> lead;") {
		t.Errorf("the trail exported while serving: %q %v", data, err)
	}
	zipPath := filepath.Join(dir, "hanne.zip")
	said = mustRun(t, "", nil, "export", "person", "Hanne", "--db", db, "--out", zipPath)
	if !strings.Contains(said, "Alt om Hanne") || !strings.Contains(said, "1 virksomheder, 1 kontakter, 1 poster") {
		t.Errorf("export person while serving said %q", said)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	zr.Close()
	if !names["kontakter.csv"] || !names["revisionsspor.csv"] || !names["LÆS_MIG.txt"] {
		t.Errorf("the zip made while serving holds %v", names)
	}
	if _, _, err := runCmd(t, "", nil, "export", "person", "Ingen Sådan", "--db", db, "--out", zipPath); err == nil || !strings.Contains(err.Error(), "ingen person") {
		t.Errorf("export of an unknown person while serving: %v", err)
	}
	// Both exports are in the trail, recorded by the bot, with the files
	// the operator named; the chain holds.
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", nil, "audit", "export", "--db", db, "--out", trail)
	data, _ = os.ReadFile(trail)
	for _, want := range []string{";export;audit;3 entries to " + trail, ";export;Hanne;access request to " + zipPath} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the trail lacks %q:\n%s", want, data)
		}
	}
	if got := mustRun(t, "", nil, "check", "--db", db); !strings.Contains(got, "kæde holder") {
		t.Errorf("check after the exports: %s", got)
	}
}
