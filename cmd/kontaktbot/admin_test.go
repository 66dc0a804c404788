package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// TestAdminAddOnAFreshFileIsTheOperators: on a fresh file »admin add«
// registers the person, their jobcenter and their admin role, and the
// audit trail names the command as actor of each, once; naming them again
// writes nothing more.
func TestAdminAddOnAFreshFileIsTheOperators(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	for range 2 {
		if out, _, err := runCmd(t, "", map[string]string{"KONTAKTBOT_JOBCENTER": "Jobcenter Sorø"}, "admin", "add", "Ny Person", "--db", db); err != nil || !strings.Contains(out, "Ny Person er nu administrator") {
			t.Fatalf("admin add: %q %v", out, err)
		}
	}
	s, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []string
	if err := s.EachAudit(context.Background(), bot.AuditFilter{}, func(e bot.AuditEntry) error {
		got = append(got, fmt.Sprintf("%s|%d|%s|%s|%s", e.Actor, e.ActorID, e.Action, e.Subject, e.Detail))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("kontaktbot admin add|0|%s|Jobcenter Sorø|created for a new person", bot.AuditJobcenter),
		fmt.Sprintf("kontaktbot admin add|0|%s|Ny Person|named admin of a fresh file", bot.AuditAdminBootstrap),
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p, err := s.ConsultantByIdentity(context.Background(), bot.Identity{Platform: bot.ConsolePlatform, User: bot.NormalizeName("Ny Person")})
	if err != nil || p.Role != bot.RoleAdmin {
		t.Errorf("Ny Person: %+v %v, want a console admin", p, err)
	}
}
