package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportExportWhileServing: a jobcenter's portfolio is imported into a
// running server, and exported from it, through its socket: no downtime.
// Before, both failed while serve held the file.
func TestImportExportWhileServing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	startServer(t, map[string]string{"KONTAKTBOT_JOBCENTER": "Jobcenter Odense"}, "--db", db)
	csvPath := filepath.Join(dir, "odense.csv")
	if err := os.WriteFile(csvPath, []byte("navn;ejer;område\nÆrø Maskinfabrik;Mette Holm;Odense SØ\nL-tek;Mette Holm;Odense N\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, "", nil, "import", "companies", csvPath, "--db", db); err == nil || !strings.Contains(out, "ukendt konsulent") {
		t.Errorf("import with an unknown owner: %q %v, want the rows named", out, err)
	}
	out, _, err := runCmd(t, "", nil, "import", "companies", csvPath, "--create-people", "--db", db)
	if err != nil || !strings.Contains(out, "Importeret: 2 virksomheder") || !strings.Contains(out, "Mette Holm") {
		t.Fatalf("import while serving: %q %v", out, err)
	}
	out, _, err = runCmd(t, "", nil, "export", "companies", "--db", db)
	if err != nil || !strings.Contains(out, "Ærø Maskinfabrik;") || !strings.Contains(out, "Mette Holm") {
		t.Errorf("export while serving: %q %v", out, err)
	}
}
