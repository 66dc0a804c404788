package commands_test

import (
	"strings"
	"testing"

	"kontaktbot/bot"
)

func TestAuditRecordsChangesAndReads(t *testing.T) {
	t.Parallel()
	b := knowBot(t)
	b.ok("Anne", "rolle Olga leder")
	b.ok("Anne", "virksomhed tildel L-tek Olga")
	b.ok("Anne", "virksomhed opret Fyns Rør ejer Olga")
	b.ok("Olga", "virksomhed opret Egen Aps")
	// Svendborg (a partner) reads Odense's notes: recorded. Odense itself
	// reading its own is not; Aarhus is refused, so nothing was read.
	b.ok("Sif", "virksomhed L-tek")
	b.ok("Sif", "virksomhed historik L-tek")
	b.ok("Olga", "virksomhed L-tek")
	b.refused("Aage", "company history L-tek")

	got := b.ok("Anne", "revision")
	contains(t, got, "Revisionsspor", "nyeste først",
		"Anne · rolle · Olga: consultant -> lead",
		"Anne · rolle · Tove: consultant -> coordinator",
		"Anne · samarbejde · Jobcenter Odense: partner: Jobcenter Svendborg",
		"Anne · flyttet jobcenter · Sif: joined Jobcenter Svendborg",
		"Anne · flyttet jobcenter · Sif: left for Jobcenter Svendborg",
		"Anne · jobcenter · Jobcenter Aarhus: created",
		"Sif · læst andet jobcenters noter · L-tek #1: card",
		"Sif · læst andet jobcenters noter · L-tek #1: history",
		"Anne · tildelt · L-tek #1: -> Olga",
		"Anne · tildelt · Fyns Rør: new company -> Olga")
	lacks(t, got, "Egen Aps")
	if strings.Count(got, "læst andet") != 2 {
		t.Errorf("want two reads recorded (Sif's card and history), got:\n%s", got)
	}
	// Newest first.
	if strings.Index(got, "history") > strings.Index(got, "rolle · Olga") {
		t.Errorf("not newest first:\n%s", got)
	}

	// By person: entries by Sif or about her.
	got = b.ok("Anne", "revision Sif")
	contains(t, got, "flyttet jobcenter · Sif", "læst andet")
	lacks(t, got, "rolle · Olga", "Jobcenter Aarhus: created")

	// A lead sees their own jobcenter's only (Sif left it); another's is
	// refused.
	got = b.ok("Olga", "revision")
	contains(t, got, "rolle · Olga", "læst andet jobcenters noter", "Sif: left for Jobcenter Svendborg",
		"Anne · jobcenter · Jobcenter Odense: created for a new person")
	lacks(t, got, "Sif: joined", "Jobcenter Svendborg: partner", "Jobcenter Aarhus: created")
	contains(t, b.refused("Olga", "revision Jobcenter Aarhus"), "Kun en leder i Jobcenter Aarhus")
	contains(t, b.refused("Tove", "revision"), "rolle")

	// Dates: nothing before today, everything from it.
	contains(t, b.ok("Anne", "revision til 21.11.2026"), "intet, der passer")
	contains(t, b.ok("Anne", "audit from today"), "Revisionsspor", "rolle · Olga")
	contains(t, b.refused("Anne", "revision fra 31.2.2026"), "skal der stå en dato")
	b.ok("Anne", "language en")
	contains(t, b.ok("Anne", "audit Olga to today"), "Audit trail", "role · Olga", "newest first")
}

func TestAuditPages(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp")
	b.ok("Hanne", "hjælp")
	for range 13 {
		b.ok("Anne", "rolle Hanne leder")
		b.ok("Anne", "rolle Hanne konsulent")
	}
	m := b.say("Anne", "revision Hanne")
	got := m.PlainText()
	contains(t, got, "Side 1 af 2 (1–20 af 26)")
	var next string
	for _, bl := range m.Blocks {
		if bs, ok := bl.(bot.Buttons); ok {
			for _, x := range bs.Buttons {
				next = x.Command
			}
		}
	}
	if next != "revision Hanne side 2" {
		t.Fatalf("next page button runs %q", next)
	}
	contains(t, b.ok("Anne", next), "Side 2 af 2 (21–26 af 26)")
	contains(t, b.refused("Anne", "revision Hanne side 3"), "ingen side 3")
}

// TestAuditRecordsReadsOfPositionsAndIntroDays: a partner's consultant
// who opens a position of another jobcenter (its contact and history) or
// an intro day's candidates that their jobcenter has no part in is
// recorded, as a read of another jobcenter's notes is; the jobcenter's
// own people, and the position's contact, are not.
func TestAuditRecordsReadsOfPositionsAndIntroDays(t *testing.T) {
	t.Parallel()
	b, _ := region(t)
	soro := b.jobcenterIDOf("Jobcenter Sorø")
	b.ok("Hanne", "stilling L-tek Svejser antal 2")
	b.ok("Anne", "intromøde ny 3/12 Sorø Bibliotek")
	b.ok("Hanne", "intromøde kandidat 1 KS-14")
	for _, who := range []string{"Hanne", "Per", "Anne"} { // the contact, a colleague, an admin of Sorø
		contains(t, b.ok(who, "stilling 1"), "Svejser")
		contains(t, b.ok(who, "intromøde status 1"), "Kandidater: 1")
	}
	contains(t, b.ok("Hanne", "kandidat KS-14"), "KS-14")
	if got := b.audited(bot.AuditReadNotes); len(got) != 0 {
		t.Fatalf("reads within Sorø were recorded: %+v", got)
	}
	// Sofie of Slagelse, Sorø's partner, reads all three.
	contains(t, b.ok("Sofie", "stilling 1"), "Svejser", "Hanne")
	contains(t, b.ok("Sofie", "intromøde status 1"), "Kandidater: 1")
	contains(t, b.ok("Sofie", "kandidat KS-14"), "KS-14")
	// Rita of Ringsted may not, and a refusal reads nothing.
	b.refused("Rita", "stilling 1")
	b.refused("Rita", "intromøde status 1")
	got := b.audited(bot.AuditReadNotes)
	want := []string{"position #1 Svejser (L-tek): position", "intro day #1: intro day status", "intro day #1: intro day candidate"}
	if len(got) != len(want) {
		t.Fatalf("recorded reads: %+v, want %d", got, len(want))
	}
	for i, e := range got {
		if e.Subject+": "+e.Detail != want[i] || e.Actor != "Sofie" || e.JobcenterID != soro {
			t.Errorf("read %d: %+v, want Sofie's %q in Sorø's trail", i, e, want[i])
		}
	}
	// The lead of Sorø sees them in »revision«.
	contains(t, b.ok("Lis", "revision"), "Sofie · læst andet jobcenters noter · position #1 Svejser (L-tek): position")
}
