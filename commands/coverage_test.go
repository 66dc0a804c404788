package commands_test

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// coveragePortfolio builds, on Sunday 22 November 2026, portfolios with
// known due days. Hanne's active companies, by days past due:
//
//	Alfa     -30  kadence 30, no contact yet
//	Bravo      3  kadence 30, last contact 20 October; snoozed below
//	Charlie   -2  due Tuesday 24 November
//	Delta      0  due today
//	Echo      14  intensified, kadence 7
//	Foxtrot  -12  intensified, due 4 December
//	Golf      -6  due Saturday 28 November: the last day of "within 7 days"
//	Hotel     -7  due Sunday 29 November: the first day after it
//
// and Papa, paused. Per has Quebec, 5 days overdue. Olga, in another
// jobcenter, has Romeo, 16 days overdue.
func coveragePortfolio(t *testing.T) *testBot {
	t.Helper()
	b := team(t)
	for _, line := range []string{
		"company add Alfa kadence 30",
		"company add Bravo kadence 30", "visit Bravo 2026-10-20 mødte Lars",
		"company add Charlie kadence 14", "visit Charlie 2026-11-10 mødte Lars",
		"company add Delta kadence 10", "visit Delta 2026-11-12 mødte Lars",
		"company add Echo kadence 7 niveau intensiveret", "visit Echo 2026-11-01 mødte Lars",
		"company add Foxtrot kadence 14 niveau intensiveret", "visit Foxtrot 2026-11-20 mødte Lars",
		"company add Golf kadence 20", "visit Golf 2026-11-08 mødte Lars",
		"company add Hotel kadence 20", "visit Hotel 2026-11-09 mødte Lars",
		"company add Papa kadence 5", "visit Papa 2026-10-01 mødte Lars", "company pause Papa",
		"udsæt Bravo 7d",
	} {
		b.ok("Hanne", line)
	}
	b.ok("Per", "company add Quebec kadence 10")
	b.ok("Per", "visit Quebec 2026-11-07 mødte Lars")
	b.ok("Olga", "company add Romeo kadence 5")
	b.ok("Olga", "visit Romeo 2026-11-01 mødte Lars")
	b.ok("Anne", "jobcenter add Jobcenter Slagelse")
	b.ok("Anne", "jobcenter join Olga = Slagelse")
	return b
}

func TestCoverageMine(t *testing.T) {
	t.Parallel()
	b := coveragePortfolio(t)
	got := b.ok("Hanne", "dækning")
	contains(t, got,
		"Dækning: dine virksomheder",
		"*75 % i løbende kontakt*: 6 af 8 faste virksomheder er inden for den aftalte kadence.",
		"Faste virksomheder: 8 (+ 1 på pause, tæller ikke med)",
		"Inden for kadencen: 6",
		"Forfalder inden for 7 dage: 3",
		"Over kadencen: 2 (heraf 1 udsat eller med planlagt kontakt)",
		"Intensiverede: 2 i alt; 1 inden for kadencen (50 %), 0 forfalder inden for 7 dage, 1 over kadencen",
		"Mest over kadencen",
		"Echo (intensiveret) — 14 dage over (Hanne)",
		"Bravo — 3 dage over (Hanne; udsat til 29.11.2026)")
	lacks(t, got, "Quebec", "Romeo", "Papa", "Hotel", "Golf")
	if index(got, "Echo") > index(got, "Bravo") {
		t.Errorf("Echo (14 days) must come before Bravo (3):\n%s", got)
	}
	if got2 := b.ok("Hanne", "dækning mig"); got2 != got {
		t.Errorf("»dækning mig« differs from »dækning«:\n%s", got2)
	}

	// A week on: Bravo's snooze has ended; Charlie, Delta and Golf are overdue.
	b.clock.Add(7 * 24 * time.Hour)
	got = b.ok("Hanne", "dækning")
	contains(t, got, "*38 % i løbende kontakt*: 3 af 8", "Forfalder inden for 7 dage: 2", "Over kadencen: 5",
		"Echo (intensiveret) — 21 dage over", "Bravo — 10 dage over (Hanne)", "Golf — 1 dag over (Hanne)")
	lacks(t, got, "udsat til", "heraf")
	// A contact brings Echo back within its cadence, due in 7 days.
	b.ok("Hanne", "visit Echo ringede")
	contains(t, b.ok("Hanne", "dækning"), "*50 % i løbende kontakt*: 4 af 8", "Over kadencen: 4",
		"Intensiverede: 2 i alt; 2 inden for kadencen (100 %), 1 forfalder inden for 7 dage, 0 over kadencen")
}

func TestCoverageTeamAndPeople(t *testing.T) {
	t.Parallel()
	b := coveragePortfolio(t)
	got := b.ok("Per", "dækning team")
	contains(t, got, "Dækning: Jobcenter (4 konsulenter)", "*67 % i løbende kontakt*: 6 af 9 faste virksomheder",
		"Faste virksomheder: 9 (+ 1 på pause", "Forfalder inden for 7 dage: 3", "Over kadencen: 3",
		"Echo (intensiveret) — 14 dage over (Hanne)", "Quebec — 5 dage over (Per)", "Bravo — 3 dage over (Hanne")
	lacks(t, got, "Romeo")
	if e, q, br := index(got, "Echo"), index(got, "Quebec"), index(got, "Bravo"); !(e < q && q < br) {
		t.Errorf("want Echo, Quebec, Bravo in that order:\n%s", got)
	}
	contains(t, b.ok("Olga", "dækning team"), "Jobcenter Slagelse (1 konsulent)", "*0 % i løbende kontakt*: 0 af 1", "Romeo — 16 dage over (Olga)")

	contains(t, b.ok("Per", "dækning"), "Dækning: dine virksomheder", "*0 % i løbende kontakt*: 0 af 1")
	contains(t, b.ok("Per", "dækning Per"), "Dækning: dine virksomheder")
	contains(t, b.refused("Per", "dækning Hanne"), "en leder i Hannes jobcenter eller en administrator")
	contains(t, b.ok("Lis", "dækning Hanne"), "Dækning: Hanne", "*75 % i løbende kontakt*")
	contains(t, b.ok("Anne", "coverage Per"), "Dækning: Per", "Quebec — 5 dage over (Per)")
	contains(t, b.refused("Lis", "dækning Hane"), "ingen person", "Mente du", "Hanne")
	contains(t, b.ok("Lis", "dækning"), "Du er ikke fast konsulent for nogen virksomhed endnu")
	contains(t, b.ok("Lis", "dækning Anne"), "Anne er ikke fast konsulent for nogen virksomhed endnu")
}

func TestCoverageListsTenMostOverdue(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	// Firma 0 falls due first, Firma 11 last.
	for i := range 12 {
		b.ok("Hanne", "company add Firma "+strconv.Itoa(i)+" kadence 1")
		b.clock.Add(24 * time.Hour)
	}
	b.clock.Add(10 * 24 * time.Hour) // Monday 14 December
	got := b.ok("Hanne", "dækning")
	contains(t, got, "*0 % i løbende kontakt*: 0 af 12", "Over kadencen: 12", "Mest over kadencen (10 af 12)",
		"Firma 0 — 21 dage over", "Firma 9 — 12 dage over")
	lacks(t, got, "Firma 10 —", "Firma 11 —")
	if strings.Count(got, "dage over (Hanne)") != 10 {
		t.Errorf("want exactly 10 companies listed:\n%s", got)
	}
}

func TestCoverageInEnglish(t *testing.T) {
	t.Parallel()
	b := coveragePortfolio(t)
	b.ok("Hanne", "language en")
	got := b.ok("Hanne", "coverage")
	contains(t, got, "Coverage: your companies", "*75% within cadence*: 6 of 8 dedicated companies are within their agreed cadence.",
		"Dedicated companies: 8 (+ 1 paused, not counted)", "Due within 7 days: 3", "Past cadence: 2 (1 of them snoozed or with a planned contact)",
		"Intensified: 2 in all; 1 within cadence (50%)", "Echo (intensified) — 14 days overdue (Hanne)", "Bravo — 3 days overdue (Hanne; snoozed until 29 Nov 2026)")
	contains(t, b.ok("Hanne", "coverage team"), "Coverage: Jobcenter (4 consultants)", "*67% within cadence*")
	b.ok("Per", "language en")
	contains(t, b.refused("Per", "coverage Hanne"), "for a lead of their jobcenter or an admin")
}

// BenchmarkCoverage1000 answers "dækning" and "dækning team" for a
// consultant with 1,000 companies.
func BenchmarkCoverage1000(b *testing.B) {
	tb := newBot(b)
	portfolio(b, tb, 1000)
	for _, line := range []string{"dækning", "dækning team"} {
		b.Run(strings.ReplaceAll(line, " ", "-"), func(b *testing.B) {
			for b.Loop() {
				if m := tb.say("Hanne", line); m.Error || !strings.Contains(m.PlainText(), "i løbende kontakt") {
					b.Fatal(m.PlainText())
				}
			}
		})
	}
}

// Companies equally overdue are listed by name, and the ten kept are the
// ten most overdue whatever order the companies come in.
func TestCoverageOverdueTiesByName(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	for i := range 7 {
		b.ok("Hanne", "company add Firma "+strconv.Itoa(i)+" B kadence 1")
		b.ok("Hanne", "company add Firma "+strconv.Itoa(i)+" A kadence 1")
		b.clock.Add(24 * time.Hour)
	}
	b.clock.Add(10 * 24 * time.Hour)
	got := b.ok("Hanne", "dækning")
	contains(t, got, "Mest over kadencen (10 af 14)")
	lacks(t, got, "Firma 5 A —", "Firma 5 B —", "Firma 6 A —")
	last := -1
	for i := range 5 {
		for _, s := range []string{" A —", " B —"} {
			at := strings.Index(got, "Firma "+strconv.Itoa(i)+s)
			if at < last {
				t.Errorf("Firma %d%s is listed out of order in:\n%s", i, s, got)
			}
			last = at
		}
	}
}
