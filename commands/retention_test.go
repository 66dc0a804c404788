package commands_test

import (
	"bytes"
	"os"
	"testing"
	"time"
)

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
	contains(t, b.ok("Anne", "glem ærlige åse bekræft"), "Glemt", "2 steder")
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
	if b.fileHas("Hemmelig Hjørne") {
		t.Error("the deleted company's name is still in the file")
	}
}
