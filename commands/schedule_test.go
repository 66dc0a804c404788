package commands_test

import (
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// day is midnight of y-m-d in Copenhagen.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, bot.Copenhagen) }

// team makes Anne the admin, Lis a lead, and Hanne and Per consultants,
// all in the default jobcenter.
func team(t *testing.T) *testBot {
	t.Helper()
	b := newBot(t)
	b.ok("Anne", "hjælp") // the first person is admin
	b.ok("Hanne", "hjælp")
	b.ok("Per", "hjælp")
	b.ok("Lis", "hjælp")
	b.ok("Anne", "rolle Lis leder")
	return b
}

func TestPlan(t *testing.T) {
	t.Parallel()
	b := team(t)
	// Beta falls due on Wednesday 25 November.
	b.ok("Hanne", "company add Beta kadence 3")

	got := b.ok("Hanne", "planlæg Beta 2026-12-03")
	contains(t, got, "Næste kontakt med Beta er planlagt til torsdag 03.12.2026", "Påmindelsen om Beta kommer tidligst fredag 04.12.2026")
	if co := b.company("Beta"); !co.PlannedNext.Equal(day(2026, 12, 3)) {
		t.Errorf("PlannedNext = %v, want 3 December", co.PlannedNext)
	}
	// The nudge is held back to the day after the plan, as the sweep reads it.
	if nd, _ := b.company("Beta").NudgeDay(); !nd.Equal(day(2026, 12, 4)) {
		t.Errorf("NudgeDay = %v, want 4 December", nd)
	}

	contains(t, b.ok("Hanne", "plan beta fredag"), "27.11.2026", "tidligst lørdag 28.11.2026")
	contains(t, b.ok("Hanne", "plan Beta i dag"), "22.11.2026")
	contains(t, b.ok("Hanne", "planlæg Beta ingen"), "fjernet", "tidligst onsdag 25.11.2026")
	if co := b.company("Beta"); !co.PlannedNext.IsZero() {
		t.Errorf("PlannedNext = %v after »ingen«, want none", co.PlannedNext)
	}
	contains(t, b.ok("Hanne", "plan Beta off"), "Der var ingen planlagt kontakt") // twice is harmless
}

func TestPlanRefusals(t *testing.T) {
	t.Parallel()
	b := team(t)
	b.ok("Hanne", "company add Beta kadence 3")
	b.ok("Hanne", "company add Pauset")
	b.ok("Hanne", "company pause Pauset")
	b.ok("Hanne", "plan Beta 2026-12-01")
	tests := []struct {
		who, line string
		want      []string
	}{
		{"Hanne", "plan", []string{"Sådan skrives det", "planlæg <virksomhed> <dato>"}},
		{"Hanne", "plan Beta", []string{"planlagt til tirsdag 01.12.2026", "planlæg Beta ingen"}},
		{"Hanne", "plan Pauset", []string{"mangler en dato", "planlæg Pauset fredag"}},
		{"Hanne", "plan Beta i går", []string{"21.11.2026 er allerede passeret", "planlæg Beta fredag"}},
		{"Hanne", "plan Beta 2026-11-01", []string{"01.11.2026 er allerede passeret"}},
		{"Hanne", "plan Beta 2028-01-01", []string{"mere end et år"}},
		{"Hanne", "plan Beta 31/11", []string{"»31/11« kan jeg ikke læse som en dato"}},
		{"Hanne", "plan Beta snart", []string{"»snart« kan jeg ikke læse som en dato"}},
		{"Hanne", "plan Betta 3/12", []string{"ingen virksomhed", "Mente du", "Beta"}},
		{"Hanne", "plan Pauset 3/12", []string{"på pause", "virksomhed genoptag Pauset"}},
		{"Per", "plan Beta 3/12", []string{"Kun virksomhedens faste konsulent"}},
		{"Per", "planlæg Beta ingen", []string{"Kun virksomhedens faste konsulent"}},
		{"Hanne", "plan Beta 010190-1234", []string{"CPR"}},
	}
	for _, tt := range tests {
		contains(t, b.refused(tt.who, tt.line), tt.want...)
	}
	if co := b.company("Beta"); !co.PlannedNext.Equal(day(2026, 12, 1)) {
		t.Errorf("PlannedNext = %v, want it unchanged (1 December)", co.PlannedNext)
	}
	if co := b.company("Pauset"); !co.PlannedNext.IsZero() {
		t.Errorf("a paused company got a plan: %v", co.PlannedNext)
	}
	// A lead may plan another consultant's company.
	contains(t, b.ok("Lis", "plan Beta 2026-12-08"), "08.12.2026")
	if co := b.company("Beta"); !co.PlannedNext.Equal(day(2026, 12, 8)) {
		t.Errorf("PlannedNext = %v after the lead's plan, want 8 December", co.PlannedNext)
	}
}

func TestSnooze(t *testing.T) {
	t.Parallel()
	b := team(t)
	// Alfa fell due on 18 November: 4 days overdue, less than its cadence.
	b.ok("Hanne", "company add Alfa kadence 10")
	b.ok("Hanne", "visit Alfa 2026-11-08 mødte Lars")

	got := b.ok("Hanne", "udsæt Alfa 7d")
	contains(t, got, "Alfa er udsat til søndag 29.11.2026")
	lacks(t, got, "oversigt")
	co := b.company("Alfa")
	if !co.SnoozedUntil.Equal(day(2026, 11, 29)) || co.SnoozeCount != 1 {
		t.Fatalf("after one snooze: until %v, count %d", co.SnoozedUntil, co.SnoozeCount)
	}
	// The same snooze twice (a double click on the nudge's button) is one.
	b.ok("Hanne", "udsæt Alfa 1w")
	if co := b.company("Alfa"); co.SnoozeCount != 1 {
		t.Errorf("a repeated snooze counted: %d", co.SnoozeCount)
	}
	contains(t, b.ok("Hanne", "snooze Alfa 2u"), "06.12.2026", "Udsat 2 gange i træk", "teamlederens ugentlige oversigt")
	got = b.ok("Hanne", "udsæt Alfa til 15/12")
	contains(t, got, "15.12.2026", "udsat 3 gange i træk", "teamlederens ugentlige oversigt")
	co = b.company("Alfa")
	if !co.SnoozedUntil.Equal(day(2026, 12, 15)) || co.SnoozeCount != 3 {
		t.Errorf("after three snoozes: until %v, count %d", co.SnoozedUntil, co.SnoozeCount)
	}
	if nd, _ := co.NudgeDay(); !nd.Equal(day(2026, 12, 15)) {
		t.Errorf("NudgeDay = %v, want the snooze's end", nd)
	}
	// A logged contact ends the run of snoozes.
	b.ok("Hanne", "visit Alfa ringede")
	if co := b.company("Alfa"); co.SnoozeCount != 0 || !co.SnoozedUntil.IsZero() {
		t.Errorf("after a contact: until %v, count %d", co.SnoozedUntil, co.SnoozeCount)
	}
	contains(t, b.ok("Hanne", "udsæt Alfa 2 uger"), "udsat til søndag 06.12.2026") // due on 2 December
}

func TestSnoozeEscalatedByOverdue(t *testing.T) {
	t.Parallel()
	b := team(t)
	// Omega fell due on 6 November: 16 days overdue, more than its cadence.
	b.ok("Hanne", "company add Omega kadence 5")
	b.ok("Hanne", "visit Omega 2026-11-01 mødte Lars")
	contains(t, b.ok("Hanne", "udsæt Omega 3d"), "25.11.2026", "mere end en hel kadence over tid", "teamlederens ugentlige oversigt")
}

func TestSnoozeRefusals(t *testing.T) {
	t.Parallel()
	b := team(t)
	b.ok("Hanne", "company add Alfa kadence 10")
	b.ok("Hanne", "visit Alfa 2026-11-08 mødte Lars")
	b.ok("Hanne", "company add Gamma kadence 60")
	b.ok("Hanne", "company add Pauset kadence 1")
	b.ok("Hanne", "company pause Pauset")
	b.clock.Add(3 * 24 * time.Hour) // Wednesday 25 November; Pauset is overdue
	tests := []struct {
		who, line string
		want      []string
	}{
		{"Hanne", "snooze", []string{"Sådan skrives det", "udsæt <virksomhed>"}},
		{"Hanne", "udsæt Alfa", []string{"hvor længe", "udsæt Alfa 7d"}},
		{"Hanne", "udsæt Alfa 0d", []string{"»0d«", "fra 1 til 365 dage"}},
		{"Hanne", "udsæt Alfa 999d", []string{"»999d«", "fra 1 til 365 dage"}},
		{"Hanne", "udsæt Alfa 60 uger", []string{"fra 1 til 365 dage"}},
		{"Hanne", "udsæt Alfa 7", []string{"fra 1 til 365 dage"}},
		{"Hanne", "udsæt Alfa i går", []string{"24.11.2026 er allerede passeret"}},
		{"Hanne", "udsæt Alfa 2026-11-20", []string{"20.11.2026 er allerede passeret"}},
		{"Hanne", "udsæt Alfa i dag", []string{"mindst til i morgen"}},
		{"Hanne", "udsæt Alfa 2028-01-01", []string{"mere end et år"}},
		{"Hanne", "udsæt Alfa blå mandag", []string{"kan jeg ikke læse som en dato", "udsæt Alfa 15/12"}},
		{"Hanne", "udsæt Alfta 7d", []string{"Mente du", "Alfa"}},
		{"Hanne", "udsæt Pauset 7d", []string{"på pause", "virksomhed genoptag Pauset"}},
		{"Hanne", "udsæt Gamma 7d", []string{"kommer først torsdag 21.01.2027", "ændrer intet", "planlæg Gamma"}},
		{"Per", "udsæt Alfa 7d", []string{"Kun virksomhedens faste konsulent"}},
	}
	for _, tt := range tests {
		contains(t, b.refused(tt.who, tt.line), tt.want...)
	}
	for _, name := range []string{"Alfa", "Gamma", "Pauset"} {
		if co := b.company(name); !co.SnoozedUntil.IsZero() || co.SnoozeCount != 0 {
			t.Errorf("%s changed: until %v, count %d", name, co.SnoozedUntil, co.SnoozeCount)
		}
	}
	// A lead may snooze another consultant's company.
	contains(t, b.ok("Lis", "udsæt Alfa 1u"), "Alfa er udsat til onsdag 02.12.2026")
	if co := b.company("Alfa"); co.SnoozeCount != 1 {
		t.Errorf("SnoozeCount = %d after the lead's snooze, want 1", co.SnoozeCount)
	}
}

func TestAway(t *testing.T) {
	t.Parallel()
	b := team(t)
	got := b.ok("Hanne", "fravær til 4/12 stedfortræder Per")
	contains(t, got, "Du er meldt fraværende til og med 04.12.2026", "går påmindelserne om dine virksomheder til Per", "Fra 05.12.2026", "af sig selv")
	hanne, per := b.person("Hanne"), b.person("Per")
	if !hanne.AwayUntil.Equal(day(2026, 12, 4)) || hanne.StandInID != per.ID {
		t.Fatalf("stored: away until %v, stand-in %d (Per is %d)", hanne.AwayUntil, hanne.StandInID, per.ID)
	}
	if !hanne.Away(day(2026, 12, 4)) || hanne.Away(day(2026, 12, 5)) {
		t.Error("Away must hold through 4 December and end on the 5th")
	}
	contains(t, b.ok("Hanne", "fravær"), "Du er meldt fraværende til og med 04.12.2026", "Per")
	contains(t, b.ok("Per", "fravær Hanne"), "Hanne er meldt fraværende")

	contains(t, b.ok("Hanne", "væk til og med fredag"), "til og med 27.11.2026", "holder påmindelserne om dine virksomheder pause", "Fra 28.11.2026")
	if h := b.person("Hanne"); !h.AwayUntil.Equal(day(2026, 11, 27)) || h.StandInID != 0 {
		t.Errorf("stored: away until %v, stand-in %d", h.AwayUntil, h.StandInID)
	}
	contains(t, b.ok("Hanne", "fravær slut"), "Velkommen tilbage")
	if h := b.person("Hanne"); !h.AwayUntil.IsZero() || h.StandInID != 0 {
		t.Errorf("after »slut«: away until %v, stand-in %d", h.AwayUntil, h.StandInID)
	}
	contains(t, b.ok("Hanne", "fravær slut"), "ikke meldt fraværende") // twice is harmless
	contains(t, b.ok("Hanne", "fravær"), "ikke meldt fraværende")
	contains(t, b.ok("Hanne", "fravær i dag"), "til og med 22.11.2026")
}

func TestAwayForOthersAndStandIns(t *testing.T) {
	t.Parallel()
	b := team(t)
	contains(t, b.refused("Per", "fravær Hanne til 4/12"), "Kun en leder i Jobcenter eller en administrator kan gøre det")
	if h := b.person("Hanne"); !h.AwayUntil.IsZero() {
		t.Errorf("a consultant set another's absence: %v", h.AwayUntil)
	}
	got := b.ok("Lis", "fravær Hanne til 4/12 stedfortræder Per")
	contains(t, got, "Hanne er meldt fraværende til og med 04.12.2026", "Hannes virksomheder til Per", "til Hanne igen")
	if h := b.person("Hanne"); !h.AwayUntil.Equal(day(2026, 12, 4)) || h.StandInID != b.person("Per").ID {
		t.Errorf("stored: away until %v, stand-in %d", h.AwayUntil, h.StandInID)
	}
	// Per going away while standing in for Hanne is warned about.
	contains(t, b.ok("Per", "fravær til 30/11"), "stedfortræder for Hanne", "venter")
	// Per is away today, so cannot stand in for Lis.
	contains(t, b.refused("Lis", "fravær til 1/12 stedfortræder Per"), "Per er selv væk til og med 30.11.2026")
	contains(t, b.ok("Lis", "fravær Per slut"), "Per er ikke længere meldt fraværende")
	contains(t, b.ok("Lis", "fravær til 1/12 stedfortræder Per"), "til Per")
}

func TestAwayRefusals(t *testing.T) {
	t.Parallel()
	b := team(t)
	tests := []struct {
		line string
		want []string
	}{
		{"fravær til", []string{"mangler en dato", "fravær til 4/12"}},
		{"fravær til i går", []string{"21.11.2026 er allerede passeret", "fravær til 4/12"}},
		{"fravær til 2026-11-01", []string{"allerede passeret"}},
		{"fravær til 2028-01-01", []string{"mere end et år"}},
		{"fravær til 31/11", []string{"»31/11« kan jeg ikke læse som en dato"}},
		{"fravær 31/11", []string{"»31/11« kan jeg ikke læse som en dato"}},
		{"fravær til 4/12 stedfortræder", []string{"hvem der er stedfortræder"}},
		{"fravær til 4/12 stedfortræder Hanne", []string{"en anden end den, der er væk"}},
		{"fravær til 4/12 stedfortræder Ukendt Person", []string{"ingen person", "Ukendt Person"}},
		{"fravær til 4/12 stedfortræder Pee", []string{"ingen person", "Mente du", "Per"}},
		{"fravær Ukendt til 4/12", []string{"ingen person"}},
		{"fravær Ukendt", []string{"ingen person"}},
	}
	for _, tt := range tests {
		contains(t, b.refused("Hanne", tt.line), tt.want...)
	}
	if h := b.person("Hanne"); !h.AwayUntil.IsZero() || h.StandInID != 0 {
		t.Errorf("a refused absence was stored: until %v, stand-in %d", h.AwayUntil, h.StandInID)
	}
	contains(t, b.ok("Hanne", "fravær 4/12 stedfortræder ingen"), "til og med 04.12.2026", "holder påmindelserne om dine virksomheder pause")
}

func TestScheduleInEnglish(t *testing.T) {
	t.Parallel()
	b := team(t)
	b.ok("Hanne", "language en")
	b.ok("Hanne", "company add Alfa kadence 10")
	b.ok("Hanne", "visit Alfa 2026-11-08 met Lars")
	contains(t, b.ok("Hanne", "plan Alfa 2026-12-03"), "planned for Thursday 3 Dec 2026", "comes on Friday 4 Dec 2026 at the earliest")
	contains(t, b.refused("Hanne", "plan Alfa yesterday"), "21 Nov 2026 has passed")
	contains(t, b.refused("Hanne", "plan Alfa"), "planned for Thursday 3 Dec 2026", "plan Alfa off")
	contains(t, b.ok("Hanne", "plan Alfa off"), "removed")
	contains(t, b.ok("Hanne", "snooze Alfa 1w"), "snoozed until Sunday 29 Nov 2026")
	contains(t, b.refused("Hanne", "snooze Alfa 0d"), "from 1 to 365 days")
	contains(t, b.refused("Per", "snooze Alfa 1w"), "Kun virksomhedens faste konsulent") // Per reads Danish
	contains(t, b.ok("Hanne", "away until 4/12 standin Per"), "You are away until and including 4 Dec 2026", "go to Per", "From 5 Dec 2026")
	contains(t, b.refused("Hanne", "away until 4/12 standin Hanne"), "someone other than")
	contains(t, b.ok("Hanne", "away off"), "Welcome back")
	contains(t, b.ok("Hanne", "away"), "You are not reported away")
}

func TestJobcenterClosedDays(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp")
	b.ok("Hanne", "hjælp")
	b.ok("Anne", "jobcenter add Jobcenter Sorø")
	sorø := func() bot.Jobcenter {
		t.Helper()
		j, err := b.db.JobcenterByName(t0, "Jobcenter Sorø")
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	contains(t, b.ok("Anne", "jobcenter lukkedage Sorø"), "Jobcenter Sorø har ingen ekstra lukkedage")
	const days = "grundlovsdag, juleaften, 2027-05-03 personaledag, fredag efter kristi himmelfart, 31/12"
	got := b.ok("Anne", "jobcenter lukkedage Sorø = "+days)
	contains(t, got, "Gemt", "Jobcenter Sorø", "grundlovsdag (hvert år 5/6)", "juleaftensdag (hvert år 24/12)",
		"personaledag (03.05.2027)", "fredag efter Kristi himmelfartsdag (flytter med påsken; næste gang 07.05.2027)", "lukkedag (hvert år 31/12)")
	if j := sorø(); j.ClosedDays != days {
		t.Errorf("stored %q, want %q", j.ClosedDays, days)
	}
	contains(t, b.ok("Anne", "jobcenter closed Jobcenter Sorø"), "Ekstra lukkedage for Jobcenter Sorø", "personaledag")

	contains(t, b.refused("Anne", "jobcenter lukkedage Sorø = grundlovsdag, 30/02"), "»30/02«", "intet er gemt", "grundlovsdag, juleaftensdag", "31/12")
	contains(t, b.refused("Anne", "jobcenter lukkedage Sorø = hver fredag"), "»hver fredag«")
	contains(t, b.refused("Anne", "jobcenter lukkedage Sorø ="), "Sådan skrives det")
	contains(t, b.refused("Anne", "jobcenter lukkedage Atlantis = grundlovsdag"), "intet jobcenter", "Jobcenter Sorø")
	contains(t, b.refused("Hanne", "jobcenter lukkedage Sorø = grundlovsdag"), "rolle")
	if j := sorø(); j.ClosedDays != days {
		t.Errorf("a refusal changed the closed days to %q", j.ClosedDays)
	}

	b.ok("Anne", "language en")
	contains(t, b.refused("Anne", "jobcenter closed Sorø = 2026-13-01"), "I cannot read the closed day »2026-13-01«", "nothing was saved")
	contains(t, b.ok("Anne", "jobcenter closed Sorø = none"), "Jobcenter Sorø has no extra closed days")
	if j := sorø(); j.ClosedDays != "" {
		t.Errorf("stored %q after »none«", j.ClosedDays)
	}
	// Without a name: the admin's own jobcenter.
	contains(t, b.ok("Anne", "jobcenter closed"), "Jobcenter has no extra closed days")
}

// FuzzScheduleLines sends arbitrary plan, snooze, away, coverage and
// closed-days lines through the whole command path: none may panic, and
// every reply says something.
func FuzzScheduleLines(f *testing.F) {
	for _, s := range []string{
		"plan L-tek fredag", "planlæg L-tek 2026-12-03", "plan L-tek ingen", "plan L-tek i går", "plan", "plan L-tek 31/11",
		"udsæt L-tek 7d", "snooze L-tek 2w", "udsæt L-tek til 15/12", "udsæt L-tek 0d", "udsæt L-tek 999d", "udsæt L-tek i dag",
		"fravær til 4/12 stedfortræder Per", "væk til og med fredag", "fravær slut", "fravær", "fravær Per", "fravær 4/12 stedfortræder",
		"away Per until 1/12 standin Hanne", "fravær stedfortræder", "fravær til og med",
		"dækning", "dækning team", "coverage Per", "dækning mig",
		"jobcenter lukkedage Jobcenter = grundlovsdag, 31/12", "jobcenter closed", "jobcenter lukkedage =", "jobcenter lukkedage Jobcenter = ingen",
		"jobcenter lukkedage Jobcenter = 2026-02-30, ,;",
	} {
		f.Add(s)
	}
	b := newBot(f)
	b.ok("Hanne", "company add L-tek kadence 10") // Hanne is admin
	b.ok("Hanne", "visit L-tek 2026-11-01 mødte Lars")
	b.ok("Per", "hjælp")
	f.Fuzz(func(t *testing.T, line string) {
		tb := *b
		tb.t = t
		if text := tb.say("Hanne", line).PlainText(); strings.TrimSpace(text) == "" {
			t.Fatalf("%q: empty reply", line)
		}
	})
}
