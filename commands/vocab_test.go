package commands_test

import (
	"testing"
	"time"
)

// TestIntroDayJobcenterSeparators checks that the jobcenters taking part
// may be separated by commas, »og«/»and«, »&« and »+«, in both languages.
func TestIntroDayJobcenterSeparators(t *testing.T) {
	t.Parallel()
	lines := map[string]string{
		"Tove": "intromøde ny 3/12 Sorø Bibliotek jobcentre Slagelse & Ringsted",
		"Bo":   "introday new 4/12 Holbæk Library jobcenters Slagelse + Ringsted",
	}
	for who, line := range lines {
		b, _ := introBot(t)
		if who == "Bo" {
			b.ok("Bo", "language en")
			b.ok("Anne", "jobcenter partner Jobcenter Holbæk and Jobcenter Slagelse")
		}
		b.ok(who, line)
		d := b.introDayOf(1)
		if len(d.Jobcenters) != 3 || d.Jobcenters[1] != b.jobcenterIDOf("Jobcenter Slagelse") || d.Jobcenters[2] != b.jobcenterIDOf("Jobcenter Ringsted") {
			t.Errorf("%q: taking part %v", line, d.Jobcenters)
		}
	}
	b, _ := introBot(t)
	b.ok("Tove", "intromøde ny 3/12 Sorø jobcentre Slagelse&, Ringsted og Holbæk")
	if d := b.introDayOf(1); len(d.Jobcenters) != 4 {
		t.Errorf("taking part %v, want 4 jobcenters", d.Jobcenters)
	}
}

// TestRefusalNamesWhoMay checks that a refusal for want of a role names the
// roles that may run the command, and sends a lead to an administrator.
func TestRefusalNamesWhoMay(t *testing.T) {
	t.Parallel()
	b, _ := introBot(t) // Anne admin, Lis lead, Tove coordinator, Hanne consultant
	got := b.refused("Hanne", "virksomhed tildel L-tek Per")
	contains(t, got, "din rolle (konsulent)", "»virksomhed tildel« kræver rollen leder eller admin", "Spørg en leder eller en administrator.")
	got = b.refused("Lis", "rolle Hanne leder")
	contains(t, got, "din rolle (leder)", "»rolle« kræver rollen admin", "Spørg en administrator.")
	lacks(t, got, "Spørg en leder")
	contains(t, b.refused("Hanne", "intromøde ny 4/12 Sorø"), "kræver rollen tovholder, leder eller admin")
	b.ok("Lis", "language en")
	got = b.refused("Lis", "role Hanne lead")
	contains(t, got, "Your role (lead) may not do that: »role« needs the role admin. Ask an admin.")
}

// TestCoveragePercentRoundsHalfUp checks that 1 of 6 within cadence is
// 17 %, not the 16 % of rounding down, and 5 of 6 is 83 %.
func TestCoveragePercentRoundsHalfUp(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	names := []string{"Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"}
	for _, n := range names {
		b.ok("Hanne", "virksomhed opret "+n+" kadence 7")
	}
	b.clock.Add(10 * 24 * time.Hour)
	b.ok("Hanne", "besøg Alfa mødte Lars")
	contains(t, b.ok("Hanne", "dækning"), "*17 % i løbende kontakt*: 1 af 6")
	for _, n := range names[1:5] {
		b.ok("Hanne", "besøg "+n+" ringede")
	}
	contains(t, b.ok("Hanne", "dækning"), "*83 % i løbende kontakt*: 5 af 6")
}

// TestButtonsSpeakTheReadersLanguage checks that a button runs its command
// under the name of the reader's language, and that the line it sends is
// accepted.
func TestButtonsSpeakTheReadersLanguage(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "virksomhed opret L-tek")
	contains(t, b.ok("Hanne", "virksomhed L-tek"), "[Noter kontakt: besøg L-tek]")
	b.ok("Hanne", "sprog en")
	contains(t, b.ok("Hanne", "company L-tek"), "[Log contact: visit L-tek]")
	contains(t, b.ok("Hanne", "visit L-tek mødte Lars"), "L-tek")
}
