package commands_test

import (
	"testing"
	"time"
)

func TestContactEditAndDeleteByNumber(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Hanne", "company add L-tek kadence 14")
	b.clock.Add(-48 * time.Hour)
	b.ok("Hanne", "besøg L-tek i dag mødte Lars")
	b.clock.Add(24 * time.Hour)
	b.ok("Bo", "besøg L-tek telefon Bos samtale")
	b.clock.Add(24 * time.Hour)
	b.ok("Hanne", "besøg L-tek mail sendte tilbud opfølgning 10/12")
	// Well past the undo window. History: 1 mail (Hanne), 2 Bo, 3 visit (Hanne).
	b.clock.Add(time.Hour)
	hist := b.ok("Hanne", "virksomhed historik L-tek")
	contains(t, hist, "1. 22.11.2026 mail", "2. 21.11.2026 telefon", "3. 20.11.2026 besøg", "kontakt ret L-tek <nr>")

	contains(t, b.ok("Hanne", "kontakt ret L-tek 3 telefon mødte Lars og Per"),
		"Rettet: kontakt 3 hos L-tek", "Før: fredag 20.11.2026 besøg: »mødte Lars«", "Nu: fredag 20.11.2026 telefon: »mødte Lars og Per«")
	contains(t, b.refused("Hanne", "kontakt ret L-tek 2 ny note"), "noteret af Bo", "Intet er ændret")
	contains(t, b.refused("Hanne", "kontakt slet L-tek 9"), "L-tek har 3 kontakter", "ingen kontakt 9")
	contains(t, b.refused("Hanne", "kontakt slet L-tek tre"), "ikke et kontaktnummer")
	contains(t, b.refused("Hanne", "kontakt ret L-tek 3"), "Skriv, hvad der skal rettes")
	contains(t, b.refused("Hanne", "kontakt ret L-tek 3 i morgen"), "fremtiden")
	contains(t, b.refused("Hanne", "kontakt slet L-tek"), "Sådan skrives det")

	// Moving contact 3 to yesterday makes it number 2 and the company's
	// last contact stays the mail.
	contains(t, b.ok("Hanne", "kontakt ret L-tek nr 3 i går"), "Nu: lørdag 21.11.2026 telefon")
	cs := b.contacts("L-tek")
	if len(cs) != 3 || cs[1].Note != "mødte Lars og Per" || cs[0].Note != "sendte tilbud" {
		t.Fatalf("contacts after the edit: %+v", cs)
	}

	// Deleting the newest (the mail) sets the last contact back and drops
	// the plan its follow-up made.
	if co := b.company("L-tek"); co.PlannedNext.IsZero() {
		t.Fatalf("the follow-up made no plan: %+v", co)
	}
	contains(t, b.ok("Hanne", "kontakt slet L-tek 1"), "Slettet: kontakt 1 hos L-tek", "sendte tilbud", "Næste kontakt senest 05.12.2026")
	co := b.company("L-tek")
	if !co.PlannedNext.IsZero() || co.LastContact.Day() != 21 {
		t.Errorf("company after deleting the newest: last %v, plan %v", co.LastContact, co.PlannedNext)
	}
	if cs := b.contacts("L-tek"); len(cs) != 2 {
		t.Errorf("%d contacts left, want 2", len(cs))
	}
	// English.
	b.ok("Bo", "sprog en")
	contains(t, b.ok("Bo", "contact delete L-tek 2"), "Deleted: contact 2 with L-tek", "Bos samtale")
	contains(t, b.refused("Bo", "contact edit L-tek 1 note"), "was logged by Hanne")
}
