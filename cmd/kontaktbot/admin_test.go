package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// TestAdminAdd: »kontaktbot admin add« names admins on a file before
// anyone has written: a person who has written from Slack keeps their
// identity and becomes admin; a name nobody has used becomes a console
// admin. »--create-people« never makes anyone admin.
func TestAdminAdd(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	csv := filepath.Join(t.TempDir(), "c.csv")
	if err := os.WriteFile(csv, []byte("navn;ejer\nL-tek;Mette Holm\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "", nil, "import", "companies", csv, "--create-people", "--db", db); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, "", nil, "admin", "list", "--db", db); err != nil || !strings.Contains(out, "Ingen administratorer") {
		t.Fatalf("after import: %q %v, want no admin", out, err)
	}
	s, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	slackID := bot.Identity{Platform: "slack", Team: "T1", User: "U7"}
	if _, _, err := s.EnsureConsultant(context.Background(), slackID, "Ole Berg", "Jobcenter"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	for _, name := range []string{"Ole Berg", "Mette Holm", "Ny Person"} {
		if out, _, err := runCmd(t, "", nil, "admin", "add", name, "--db", db); err != nil || !strings.Contains(out, name+" er nu administrator") {
			t.Fatalf("admin add %s: %q %v", name, out, err)
		}
	}
	s, err = storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ole, err := s.ConsultantByIdentity(context.Background(), slackID)
	if err != nil || ole.Role != bot.RoleAdmin {
		t.Errorf("Ole Berg: %+v %v, want admin with the Slack identity", ole, err)
	}
	for _, name := range []string{"Mette Holm", "Ny Person"} {
		p, err := s.ConsultantByIdentity(context.Background(), bot.Identity{Platform: "console", User: bot.NormalizeName(name)})
		if err != nil || p.Role != bot.RoleAdmin {
			t.Errorf("%s: %+v %v, want a console admin", name, p, err)
		}
	}
	if _, _, err := runCmd(t, "", nil, "admin", "--db", db); err == nil {
		t.Error("admin without add or list: no usage error")
	}
}
