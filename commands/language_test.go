package commands_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// The walk of issue #11 (Friday 4 December 2026): lines that were saved
// with the wrong date or kind, or dropped a follow-up, without a word.

func newWalkBot(t *testing.T) *testBot {
	t.Helper()
	b := newBot(t)
	b.clock.now = friday4Dec
	b.ok("Hanne", "company add Ærø Maskinfabrik kadence 30")
	b.ok("Hanne", "company add L-tek kadence 30")
	return b
}

func TestVisitReadsEveryDateForm(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	for _, tc := range []struct {
		line, day string
		kind      bot.ContactKind
		note      string
	}{
		{"visit Ærø 3. december telefon fulgte op", "2026-12-03", bot.KindPhone, "fulgte op"},
		{"visit Ærø 1. december mødte Claus", "2026-12-01", bot.KindVisit, "mødte Claus"},
		{"visit Ærø d. 1/12 mail sendte tilbud", "2026-12-01", bot.KindMail, "sendte tilbud"},
		{"visit Ærø sidste fredag ringede", "2026-11-27", bot.KindVisit, "ringede"},
		{"visit Ærø last monday phone talked to Claus", "2026-11-30", bot.KindPhone, "talked to Claus"},
		{"visit Ærø 3 Dec meeting with Claus", "2026-12-03", bot.KindMeeting, "with Claus"},
		{"visit Ærø December 3 called", "2026-12-03", bot.KindVisit, "called"},
		{"visit Ærø telefon i går aftalte besøg", "2026-12-03", bot.KindPhone, "aftalte besøg"},
		{"visit Ærø i fredags snakkede med Claus", "2026-11-27", bot.KindVisit, "snakkede med Claus"},
		{"visit Ærø for 2 uger siden møde om lærlinge", "2026-11-20", bot.KindMeeting, "om lærlinge"},
		{"visit Ærø mandag man mangler svejsere", "2026-11-30", bot.KindVisit, "man mangler svejsere"},
	} {
		b.clock.Add(time.Minute)
		got := b.ok("Hanne", tc.line)
		day := isoDay(t, tc.day)
		contains(t, got, bot.FormatDay(day, bot.Danish), tc.kind.Label(bot.Danish), "»"+tc.note+"«")
		cs := b.contacts("Ærø Maskinfabrik")
		if len(cs) == 0 {
			t.Fatalf("%q stored nothing", tc.line)
		}
		newest := cs[0]
		for _, c := range cs {
			if c.Logged.After(newest.Logged) {
				newest = c
			}
		}
		if !bot.Day(newest.At).Equal(day) || newest.Kind != tc.kind || newest.Note != tc.note {
			t.Errorf("%q stored %s %s %q; want %s %s %q", tc.line, newest.At.Format("2006-01-02"), newest.Kind, newest.Note, tc.day, tc.kind, tc.note)
		}
	}
}

// TestRefusedLinesStoreNothing: every attempt at a date or a follow-up
// that cannot be read refuses the whole line, says what was not
// understood, and stores nothing.
func TestRefusedLinesStoreNothing(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	b.ok("Hanne", "stilling L-tek Svejser")
	before := snapshot(t, b)
	for _, tc := range []struct{ line, want string }{
		{"visit Ærø 31/11 telefon fulgte op", "»31/11« kan jeg ikke læse som en dato"},
		{"visit Ærø 31. november mødte Claus", "»31. november«"},
		{"visit Ærø december var travl", "»december«"},
		{"visit Ærø uge 48 besøg", "en kontakt skal have sin dag"},
		{"visit Ærø 2-3 svejsere mangler", "skriv datoen først"},
		{"visit Ærø d. fulgte op", "»d.«"},
		{"visit Ærø 5/12 mødte Claus", "fremtiden"},
		{"visit Ærø næste fredag mødte Claus", "fremtiden"},
		{"visit Ærø mødte Claus opfølgning 31/11", "»31/11«"},
		{"visit Ærø mødte Claus opfølgning uge 60", "»uge 60«"},
		{"visit Ærø mødte Claus opfølgning 10/12 om kontrakten", "til sidst på linjen"},
		{"visit Ærø mødte Claus opfølgning i går", "passeret"},
		{"plan Ærø 31/11", "»31/11«"},
		{"plan Ærø uge 54", "»uge 54«"},
		{"plan Ærø 1/12", "passeret"},
		{"udsæt Ærø uge 49x", "»uge 49x«"},
		{"stilling L-tek Kok frist 30/2", "»30/2«"},
		{"stilling L-tek Kok start sidste fredag", "passeret"},
		{"fravær til 31/11", "»31/11«"},
	} {
		got := b.refused("Hanne", tc.line)
		contains(t, strings.ToLower(got), strings.ToLower(tc.want))
		if !strings.Contains(got, "intet er gemt") && !strings.Contains(got, "Intet er gemt") {
			t.Errorf("%q: the refusal does not say nothing was saved:\n%s", tc.line, got)
		}
		if after := snapshot(t, b); after != before {
			t.Fatalf("%q was refused but changed the store:\nbefore %s\nafter  %s", tc.line, before, after)
		}
	}
}

// TestDateHintsAndKeywords: only what may not be a date at all is told to
// write the date first, and help lists a command's keywords.
func TestDateHintsAndKeywords(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	if got := b.refused("Hanne", "visit Ærø 31/11 ringede"); strings.Contains(got, "skriv datoen først") {
		t.Errorf("a plain date typo is told it may be a note:\n%s", got)
	}
	contains(t, b.refused("Hanne", "visit Ærø 3. gang i år"), "Er »3.« ikke en dato, så skriv datoen først")
	contains(t, b.ok("Hanne", "hjælp besøg"), "Nøgleord: besøg, telefon, mail, møde, opfølgning")
	contains(t, b.ok("Hanne", "help position"), "antal, frist, start, type, krav, ordinær, løntilskud, praktik")
}

// snapshot sums up what the walk's store holds, to compare before and
// after a refused line.
func snapshot(t *testing.T, b *testBot) string {
	t.Helper()
	var out []string
	for _, name := range []string{"Ærø Maskinfabrik", "L-tek"} {
		co := b.company(name)
		out = append(out, name, strconv.Itoa(len(b.contacts(name))), co.PlannedNext.String(), co.SnoozedUntil.String(), strconv.Itoa(co.SnoozeCount))
	}
	return strings.Join(out, " ")
}

func TestFollowUpReadsEveryDateForm(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	for _, tc := range []struct{ line, day string }{
		{"visit Ærø mødte Claus opfølgning uge 50", "2026-12-07"},
		{"visit Ærø mødte Claus opfølgning 10. december", "2026-12-10"},
		{"visit Ærø mødte Claus opfølgning mandag", "2026-12-07"},
		{"visit Ærø mødte Claus opfølgning om 2 uger", "2026-12-18"},
		{"visit Ærø met Claus follow-up next friday", "2026-12-11"},
		{"visit Ærø mødte Claus opfølgning 6. januar 2027", "2027-01-06"},
	} {
		b.clock.Add(time.Minute)
		got := b.ok("Hanne", tc.line)
		day := isoDay(t, tc.day)
		contains(t, got, "Opfølgning: "+bot.FormatDay(day, bot.Danish))
		cs := b.contacts("Ærø Maskinfabrik")
		found := false
		for _, c := range cs {
			found = found || c.FollowUp.Equal(day) && !strings.Contains(c.Note, "opfølgning") && !strings.Contains(c.Note, "follow")
		}
		if !found {
			t.Errorf("%q: no contact with follow-up %s and a clean note: %+v", tc.line, tc.day, cs)
		}
	}
	// »opfølgning« followed by no date is a word of the note.
	b.clock.Add(time.Minute)
	b.ok("Hanne", "visit L-tek aftalte opfølgning med Lars")
	if cs := b.contacts("L-tek"); len(cs) != 1 || cs[0].Note != "aftalte opfølgning med Lars" || !cs[0].FollowUp.IsZero() {
		t.Errorf("stored %+v", cs)
	}
}

func TestWeeksAndLongDatesAhead(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	contains(t, b.ok("Hanne", "plan Ærø uge 51"), "mandag 14.12.2026")
	if got := b.company("Ærø Maskinfabrik").PlannedNext; !got.Equal(isoDay(t, "2026-12-14")) {
		t.Errorf("planned %s", got)
	}
	contains(t, b.ok("Hanne", "plan Ærø 29. december"), "tirsdag 29.12.2026")
	contains(t, b.ok("Hanne", "planlæg Ærø 6. januar 2027"), "onsdag 06.01.2027")
	b.ok("Hanne", "company cadence L-tek 7")
	contains(t, b.ok("Hanne", "udsæt L-tek uge 51"), "mandag 14.12.2026")
	contains(t, b.ok("Hanne", "stilling L-tek Svejser frist uge 51 start 6. januar 2027"), "fredag 18.12.2026", "onsdag 06.01.2027")
	contains(t, b.ok("Hanne", "stilling L-tek Tømrer frist 29. december"), "tirsdag 29.12.2026")
	contains(t, b.ok("Hanne", "fravær til uge 52"), "24.12.2026")
}

// TestPositionTrailingOptions: after »krav« a trailing type, deadline or
// count is that field, and the reply names every field stored.
func TestPositionTrailingOptions(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	got := b.ok("Hanne", "stilling L-tek Elektriker krav autorisation type løntilskud")
	contains(t, got, "type løntilskud", "krav »autorisation«")
	got = b.ok("Hanne", "stilling L-tek Lagermand krav truckcertifikat frist uge 51 antal 3")
	contains(t, got, "antal 3", "frist fredag 18.12.2026", "krav »truckcertifikat«")
	got = b.ok("Hanne", "position L-tek Cook requirements hygiene course type internship")
	contains(t, got, "type praktik", "krav »hygiene course«")
	// Words that only look like options stay requirements.
	got = b.ok("Hanne", "stilling L-tek Chauffør krav kørekort C antal timer efter aftale")
	contains(t, got, "antal 1", "krav »kørekort C antal timer efter aftale«")
	ps, err := b.db.PositionsOf(context.Background(), b.company("L-tek").ID)
	if err != nil || len(ps) != 4 {
		t.Fatalf("positions %+v, %v", ps, err)
	}
	if ps[0].Type != "løntilskud" || ps[0].Requirements != "autorisation" || ps[1].Count != 3 || ps[2].Type != "praktik" {
		t.Errorf("stored %+v", ps)
	}
	before := len(ps)
	contains(t, b.refused("Hanne", "stilling L-tek Smed krav svejsning type lønntilskud"), "»lønntilskud«", "ordinær, løntilskud eller praktik", "intet er gemt")
	contains(t, b.refused("Hanne", "stilling L-tek Smed type lønntilskud"), "»lønntilskud«")
	if ps, _ := b.db.PositionsOf(context.Background(), b.company("L-tek").ID); len(ps) != before {
		t.Errorf("a refused position was stored: %+v", ps)
	}
}
