package commands_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// audited returns the audit entries of action, oldest first.
func (b *testBot) audited(action bot.AuditAction) []bot.AuditEntry {
	b.t.Helper()
	var out []bot.AuditEntry
	err := b.db.EachAudit(b.t.Context(), bot.AuditFilter{}, func(e bot.AuditEntry) error {
		if e.Action == action {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		b.t.Fatal(err)
	}
	return out
}

// fileHas reports whether the raw database file holds s.
func (b *testBot) fileHas(s string) bool {
	b.t.Helper()
	data, err := os.ReadFile(b.path)
	if err != nil {
		b.t.Fatal(err)
	}
	return bytes.Contains(data, []byte(s))
}

func TestJobcenterRetentionAndErasedNotes(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Anne", "jobcenter opret Jobcenter Sorø")
	b.ok("Hanne", "hjælp")
	b.ok("Anne", "jobcenter flyt Hanne = Jobcenter Sorø")
	contains(t, b.ok("Anne", "jobcenter opbevaring Jobcenter Sorø"), "Jobcenter Sorø opbevarer noter i 36 måneder (standarden)")
	contains(t, b.refused("Anne", "jobcenter opbevaring Jobcenter Sorø = længe"), "ikke et antal måneder", "intet er gemt")
	contains(t, b.ok("Anne", "jobcenter opbevaring Jobcenter Sorø = 24"), "Gemt", "24 måneder")
	contains(t, b.ok("Anne", "jobcenter retention Jobcenter Sorø"), "i 24 måneder.")
	contains(t, b.refused("Hanne", "jobcenter opbevaring Jobcenter Sorø = 1"), "admin")
	var changes []string
	for _, e := range b.audited(bot.AuditJobcenter) {
		if strings.Contains(e.Detail, "retention") {
			changes = append(changes, e.Actor+": "+e.Subject+": "+e.Detail)
		}
	}
	if len(changes) != 1 || changes[0] != "Anne: Jobcenter Sorø: note retention months: 0 -> 24 (0: the default)" {
		t.Errorf("audited retention changes = %q", changes)
	}

	b.ok("Hanne", "company add L-tek kadence 14")
	b.clock.Add(-25 * 30 * 24 * time.Hour)
	b.ok("Hanne", "besøg L-tek i dag talte med Gamle-Gudrun")
	b.clock.Add(25 * 30 * 24 * time.Hour)
	b.ok("Hanne", "besøg L-tek telefon talte med Nye-Nanna")
	if !b.fileHas("Gamle-Gudrun") {
		t.Fatal("the note is not in the file")
	}
	got, err := b.db.ExpireNotes(t.Context(), b.clock.Now(), 36)
	if err != nil || got.Notes != 1 {
		t.Fatalf("retention: %+v, %v", got, err)
	}
	if b.fileHas("Gamle-Gudrun") {
		t.Error("the expired note is still in the file")
	}
	hist := b.ok("Hanne", "virksomhed historik L-tek")
	contains(t, hist, "Nye-Nanna", "besøg (Hanne): (note slettet efter 24 mdr.)")
	lacks(t, hist, "Gamle-Gudrun")
}

func TestForgetAsksThenErasesFromTheFile(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Hanne", "company add L-tek kadence 14")
	b.ok("Hanne", "besøg L-tek talte med Ærlige Åse om lager")
	b.ok("Hanne", "besøg L-tek telefon ÆRLIGE ÅSE ringede tilbage")
	contains(t, b.refused("Hanne", "glem Ærlige Åse"), "leder")
	got := b.ok("Anne", "glem ærlige åse")
	contains(t, got, "2 steder i 2 noter", "glem ærlige åse bekræft")
	if !b.fileHas("Ærlige Åse") {
		t.Fatal("nothing changed, yet the text is not in the file")
	}
	if got := b.audited(bot.AuditForget); len(got) != 0 {
		t.Errorf("asking recorded a glem: %+v", got)
	}
	contains(t, b.ok("Anne", "glem ærlige åse bekræft"), "Glemt", "2 steder")
	got2 := b.audited(bot.AuditForget)
	if len(got2) != 1 || got2[0].Actor != "Anne" || !strings.HasPrefix(got2[0].Detail, "places=2 records=2 text_hmac=") ||
		len(got2[0].Detail) < len("places=2 records=2 text_hmac=")+32 {
		t.Errorf("audited glem = %+v", got2)
	}
	if b.fileHas("rlige") {
		t.Error("the text is in the file, in the audit trail perhaps")
	}
	if b.fileHas("Ærlige Åse") || b.fileHas("ÆRLIGE ÅSE") {
		t.Error("the forgotten text is still in the file")
	}
	hist := b.ok("Hanne", "virksomhed historik L-tek")
	contains(t, hist, "talte med [slettet] om lager", "[slettet] ringede tilbage")
	contains(t, b.ok("Anne", "forget ærlige åse"), "ingen steder")
}

func TestErasingCommandsLeaveNoOldBytes(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Anne", "company add L-tek kadence 14")
	b.ok("Anne", "company add Hemmelig Hjørne ApS kadence 14")
	step := func(secret, logLine, erase string) {
		t.Helper()
		b.ok("Anne", logLine)
		if !b.fileHas(secret) {
			t.Fatalf("%q is not in the file after %q", secret, logLine)
		}
		b.ok("Anne", erase)
		if b.fileHas(secret) {
			t.Errorf("%q is still in the file after %q", secret, erase)
		}
	}
	step("Fortrudte-Frede", "besøg L-tek talte med Fortrudte-Frede", "fortryd")
	b.clock.Add(time.Hour) // past the undo window
	step("Rettede-Rasmus", "besøg L-tek talte med Rettede-Rasmus", "kontakt ret L-tek 1 talte med værkføreren")
	step("Slettede-Sigurd", "besøg L-tek telefon talte med Slettede-Sigurd", "kontakt slet L-tek 1")
	b.ok("Anne", "besøg Hemmelig Hjørne talte med Firma-Frida")
	b.ok("Anne", "virksomhed slet Hemmelig Hjørne ApS")
	step("Firma-Frida", "besøg Hemmelig Hjørne mail til Firma-Frida", "virksomhed slet Hemmelig Hjørne ApS bekræft")
	// The audit trail names what was deleted (a company, not a person's
	// words): that one entry is the only copy of the name left.
	data, err := os.ReadFile(b.path)
	if err != nil {
		t.Fatal(err)
	}
	dels := b.audited(bot.AuditCompanyDelete)
	if n := bytes.Count(data, []byte("Hemmelig Hjørne")); n != 1 || len(dels) != 1 || !strings.Contains(dels[0].Subject, "Hemmelig Hjørne") {
		t.Errorf("the deleted company's name is %d times in the file; audited deletions %+v", n, dels)
	}
}
