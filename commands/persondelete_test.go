package commands_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"kontaktbot/bot"
)

// TestPersonDelete: a person who has left is deleted in two steps, by the
// full name; not while they are dedicated to a company, not by a
// consultant, not oneself. Afterwards their name and identity are gone
// from the file but for the audit trail's entries, their contacts stand
// without a name, and whoever had them as stand-in has none.
func TestPersonDelete(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Hanne Kjærsgaard", "virksomhed opret L-tek kadence 14")
	b.ok("Hanne Kjærsgaard", "besøg L-tek mødte værkfører Lars om to svejsere")
	b.ok("Per", "fravær til 10/12 stedfortræder Hanne Kjærsgaard")

	got := b.ok("Anne", "person slet Hanne")
	contains(t, got, "Hanne Kjærsgaard", "slettes", "bliver stående uden navn", "»person slet Hanne Kjærsgaard bekræft«")
	contains(t, b.ok("Anne", "person slet Hanne bekræft"), "fulde navn")
	contains(t, b.refused("Anne", "person slet Hanne Kjærsgaard bekræft"), "fast konsulent for 1 virksomhed", "intet er slettet", "virksomhed tildel")
	contains(t, b.refused("Per", "person slet Hanne Kjærsgaard bekræft"), "leder eller admin")
	contains(t, b.refused("Anne", "person slet Anne bekræft"), "ikke slette dig selv")
	b.ok("Anne", "virksomhed tildel L-tek Per")
	if !b.fileHas("Kjærsgaard") {
		t.Fatal("the name is not in the file before")
	}

	contains(t, b.ok("Anne", "person slet Hanne Kjærsgaard bekræft"), "Slettet: Hanne Kjærsgaard")
	people, err := b.db.Consultants(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if strings.Contains(p.Name, "Hanne") {
			t.Errorf("still a person: %+v", p)
		}
		if p.Name == "Per" && p.StandInID != 0 {
			t.Errorf("Per's stand-in is still #%d", p.StandInID)
		}
	}
	hist := b.ok("Per", "virksomhed historik L-tek")
	contains(t, hist, "mødte værkfører Lars om to svejsere", "(slettet person)")
	lacks(t, hist, "Hanne", "#2")

	// The name is left only where the audit trail keeps who did what.
	data, err := os.ReadFile(b.path)
	if err != nil {
		t.Fatal(err)
	}
	inAudit := 0
	err = b.db.EachAudit(t.Context(), bot.AuditFilter{}, func(e bot.AuditEntry) error {
		j, _ := json.Marshal(e)
		inAudit += strings.Count(strings.ToLower(string(j)), "kjærsgaard")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(bytes.ToLower(data), []byte("kjærsgaard")); n != inAudit || n == 0 {
		t.Errorf("the name is %d times in the file, %d of them in the audit trail", n, inAudit)
	}
	if dels := b.audited(bot.AuditPersonDelete); len(dels) != 1 || dels[0].Actor != "Anne" {
		t.Errorf("audited deletions: %+v", dels)
	}
	contains(t, b.ok("Anne", "revision"), "person slettet")
	b.ok("Per", "language en")
	hist = b.ok("Per", "company history L-tek")
	contains(t, hist, "(deleted person)")
	lacks(t, hist, "slettet")
}
