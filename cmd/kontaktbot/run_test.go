package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd calls run with a temp database and returns stdout and stderr.
func runCmd(t *testing.T, stdin string, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestConsoleReadsLinesAndPersists(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	env := map[string]string{"KONTAKTBOT_DB": db}
	out, _, err := runCmd(t, "company add L-tek cvr 12345674\n/visit ltek mødte Lars om to svejsere\n\nvisit L-tek mødte 010190-1234\n", env, "--as", "Hanne")
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	for _, w := range []string{"Oprettet: L-tek", "Gemt: besøg hos L-tek", "CPR"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "010190") {
		t.Errorf("the CPR number was echoed:\n%s", out)
	}
	// A second run on the same file sees what the first saved.
	out, _, err = runCmd(t, "company L-tek", env, "console", "--as", "Hanne")
	if err != nil || !strings.Contains(out, "mødte Lars om to svejsere") {
		t.Errorf("after reopen (%v):\n%s", err, out)
	}
}

func TestConsoleDefaultsToLocalFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out, _, err := runCmd(t, "mine\n", map[string]string{"USER": "hanne"})
	if err != nil || !strings.Contains(out, "Du er ikke fast konsulent") {
		t.Fatalf("(%v)\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "kontaktbot.db")); err != nil {
		t.Errorf("no ./kontaktbot.db: %v", err)
	}
}

func TestBackupImportExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	env := map[string]string{"KONTAKTBOT_DB": db}
	if _, _, err := runCmd(t, "hjælp\n", env, "--as", "Hanne Jensen"); err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(dir, "in.csv")
	os.WriteFile(csvPath, []byte("name;owner;cadence;last_contact\nÆrø Maskinfabrik;Hanne Jensen;14;2026-11-01\n"), 0o600)
	out, _, err := runCmd(t, "", env, "import", "companies", csvPath, "--dry-run")
	if err != nil || !strings.Contains(out, "Prøvekørsel") {
		t.Fatalf("dry run (%v): %s", err, out)
	}
	out, _, err = runCmd(t, "", env, "import", "companies", csvPath)
	if err != nil || !strings.Contains(out, "Importeret: 1 virksomhed,") {
		t.Fatalf("import (%v): %s", err, out)
	}
	out, _, err = runCmd(t, "", env, "import", "companies", csvPath)
	if err == nil || !strings.Contains(out, "linje 2") || !strings.Contains(out, "findes allerede") {
		t.Fatalf("second import must be refused (%v): %s", err, out)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, _, err := runCmd(t, "", env, "backup", "--to", backup); err != nil {
		t.Fatalf("backup: %v", err)
	}
	out, _, err = runCmd(t, "", map[string]string{"KONTAKTBOT_DB": backup}, "export", "companies")
	if err != nil || !strings.Contains(out, "Ærø Maskinfabrik;;Hanne Jensen;14;normal;;2026-11-01") {
		t.Fatalf("export of the backup (%v):\n%s", err, out)
	}
}

func TestUnknownSubcommand(t *testing.T) {
	t.Parallel()
	_, stderr, err := runCmd(t, "", nil, "frobnicate")
	if err == nil || !strings.Contains(stderr, "kontaktbot backup") {
		t.Fatalf("err %v, stderr %s", err, stderr)
	}
}
