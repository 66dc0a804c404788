package reminders_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// TestDueRules sweeps one working morning with a single company and checks
// whether, and in which list, the owner's nudge names it.
func TestDueRules(t *testing.T) {
	t.Parallel()
	d := wed
	tests := []struct {
		name    string
		c       bot.Company
		noOwner bool
		list    string // "overdue", "planned", or "" for no nudge at all
		want    string // in the company's line
	}{
		{name: "last contact plus cadence is today",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 14)},
			list: "overdue", want: "— forfalder i dag; kadence 14 dage; sidste kontakt 26.08.2026 (14 dage siden)"},
		{name: "a day before the due day",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 13)}},
		{name: "one day overdue",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 15)},
			list: "overdue", want: "— 1 dag over; kadence 14 dage"},
		{name: "six days overdue",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20)},
			list: "overdue", want: "— 6 dage over; kadence 14 dage; sidste kontakt 20.08.2026 (20 dage siden)"},
		{name: "no contact: owner since plus cadence is today",
			c:    bot.Company{CadenceDays: 30, OwnerSince: before(d, 30), Created: before(d, 400)},
			list: "overdue", want: "— forfalder i dag; kadence 30 dage; ingen kontakt endnu"},
		{name: "no contact: a day before owner since plus cadence",
			c: bot.Company{CadenceDays: 30, OwnerSince: before(d, 29), Created: before(d, 400)}},
		{name: "a newer contact wins over owner since",
			c: bot.Company{CadenceDays: 30, OwnerSince: before(d, 100), LastContact: before(d, 3), LastKind: bot.KindVisit}},
		{name: "contact planned for today",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20), PlannedNext: d},
			list: "planned", want: "— planlagt kontakt i dag; kadence 14 dage"},
		{name: "contact planned for today, not due yet",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 3), PlannedNext: d},
			list: "planned", want: "— planlagt kontakt i dag"},
		{name: "planned yesterday and no contact since",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20), PlannedNext: bot.AddDays(d, -1)},
			list: "overdue", want: "— 6 dage over"},
		{name: "planned tomorrow holds the nudge back",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 20), PlannedNext: bot.AddDays(d, 1)}},
		{name: "snoozed until tomorrow",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 20), SnoozedUntil: bot.AddDays(d, 1), SnoozeCount: 1}},
		{name: "snooze ends today",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20), SnoozedUntil: d, SnoozeCount: 1},
			list: "overdue", want: "— 6 dage over"},
		{name: "paused",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 60), Status: bot.StatusPaused}},
		{name: "ended",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 60), Status: bot.StatusEnded}},
		{name: "no dedicated consultant", noOwner: true,
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 60)}},
		{name: "no cadence",
			c: bot.Company{CadenceDays: 0, LastContact: before(d, 400)}},
		{name: "intensified",
			c:    bot.Company{CadenceDays: 7, LastContact: before(d, 7), Tier: bot.TierIntensified},
			list: "overdue", want: "*Vestergaard VVS* (intensiveret) — forfalder i dag; kadence 7 dage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, at(d, 8, 0))
			anna := f.person(bot.Consultant{Name: "Anna"})
			c := tt.c
			c.Name = "Vestergaard VVS"
			if !tt.noOwner {
				c.OwnerID = anna.ID
			}
			f.company(c)
			rep := f.sweep(at(d, 8, 0))
			if !f.planned(bot.JobNudge, d) {
				t.Errorf("the working day's nudges are not marked planned")
			}
			got := f.n.attempts()
			if tt.list == "" {
				if len(got) != 0 || rep.Planned[bot.JobNudge] != 0 {
					t.Fatalf("want no nudge, got %d messages %+v (planned %v)", len(got), got, rep.Planned)
				}
				return
			}
			if len(got) != 1 || got[0].To != anna.ID || !got[0].OK {
				t.Fatalf("want one nudge to Anna, got %+v", got)
			}
			overdue, planned := lists(got[0].Msg)
			lines := map[string][]string{"overdue": overdue, "planned": planned}
			l := line(lines[tt.list], c.Name)
			if l == "" {
				t.Fatalf("%s is not in the %s list:\n%s", c.Name, tt.list, got[0].Text)
			}
			if !strings.Contains(l, tt.want) {
				t.Errorf("line = %q, want it to contain %q", l, tt.want)
			}
			if n := len(overdue) + len(planned); n != 1 {
				t.Errorf("the nudge lists %d lines, want 1:\n%s", n, got[0].Text)
			}
		})
	}
}

// TestContactEndsNudges: a contact logged after the morning nudge keeps
// the company out of the next day's.
func TestContactEndsNudges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	x := f.overdue("Hansen Smedie", anna.ID, wed, 2)
	f.overdue("Jensen Tømrer", anna.ID, wed, 5)
	f.sweep(at(wed, 8, 0))
	f.clk.Set(at(wed, 10, 0))
	f.contact(x.ID, anna.ID, at(wed, 9, 45), bot.KindVisit)
	f.sweep(at(wed, 16, 0))
	f.sweep(at(bot.AddDays(wed, 1), 8, 0))
	assertReceived(t, "wed and thu", received(f, anna), map[string][][]string{
		"Anna": {{"Jensen Tømrer", "Hansen Smedie"}, {"Jensen Tømrer"}},
	})
}

// TestPlannedContact: a plan holds the nudge back until the day after the
// planned day; on the day it is listed as planned; a contact on the day
// ends it.
func TestPlannedContact(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	met := f.overdue("Møller Maskinfabrik", anna.ID, wed, 5)
	missed := f.overdue("Holm Bageri", anna.ID, wed, 5)
	for _, id := range []uint64{met.ID, missed.ID} {
		_, err := f.db.UpdateCompany(f.ctx, id, func(c *bot.Company) error {
			c.PlannedNext = bot.AddDays(wed, 1) // "plan ... i morgen"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	thu, fri := bot.AddDays(wed, 1), bot.AddDays(wed, 2)
	f.sweep(at(wed, 8, 0)) // held back: nothing else is due
	f.sweep(at(thu, 8, 0))
	f.contact(met.ID, anna.ID, at(thu, 11, 0), bot.KindMeeting)
	f.sweep(at(fri, 8, 0))

	got := f.n.delivered()
	if len(got) != 2 || got[0].At.Day() != thu.Day() || got[1].At.Day() != fri.Day() {
		t.Fatalf("want one nudge thursday and one friday, got %d: %+v", len(got), got)
	}
	overdue, planned := lists(got[0].Msg)
	if len(overdue) != 0 || fmt.Sprint(names(planned)) != "[Holm Bageri Møller Maskinfabrik]" {
		t.Errorf("thursday: overdue %q, planned %q; want both planned", overdue, planned)
	}
	if !strings.Contains(got[0].Text, "God morgen! 2 planlagte kontakter i dag\n") ||
		!strings.Contains(got[0].Text, "Planlagt i dag\n") {
		t.Errorf("thursday's nudge does not present the plans:\n%s", got[0].Text)
	}
	overdue, planned = lists(got[1].Msg)
	if fmt.Sprint(names(overdue)) != "[Holm Bageri]" || len(planned) != 0 {
		t.Errorf("friday: overdue %q, planned %q; want only Holm Bageri overdue", overdue, planned)
	}
	if l := line(overdue, "Holm Bageri"); !strings.Contains(l, "7 dage over") {
		t.Errorf("friday line = %q, want 7 dage over", l)
	}
}

// TestAway: an absent owner's companies go to the stand-in, marked as
// theirs; without a stand-in, or with one who is away too, they wait, and
// come back by themselves after the absence.
func TestAway(t *testing.T) {
	t.Parallel()
	thu, fri := bot.AddDays(wed, 1), bot.AddDays(wed, 2)
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	carl := f.person(bot.Consultant{Name: "Carl"})
	dora := f.person(bot.Consultant{Name: "Dora"})
	eva := f.person(bot.Consultant{Name: "Eva"})
	f.away(anna.ID, fri, bo.ID)  // ferie, Bo stands in
	f.away(carl.ID, fri, 0)      // kursus, nobody stands in
	f.away(dora.ID, fri, eva.ID) // Eva stands in, but is away herself until thursday
	f.away(eva.ID, thu, 0)
	for _, p := range []bot.Consultant{anna, bo, carl, dora, eva} {
		f.overdue(p.Name+" ApS", p.ID, wed, 3)
	}
	people := []bot.Consultant{anna, bo, carl, dora, eva}

	f.sweep(at(wed, 8, 0))
	assertReceived(t, "wednesday", received(f, people...), map[string][][]string{
		"Bo": {{"Anna ApS", "Bo ApS"}},
	})
	if len(f.n.delivered()) != 1 {
		t.FailNow()
	}
	overdue := overdueLines(f.n.delivered()[0].Msg)
	if l := line(overdue, "Anna ApS"); !strings.Contains(l, "; for Anna, der er væk til og med 11.09.2026") {
		t.Errorf("stand-in line = %q, want it to say whose company it is", l)
	}
	if l := line(overdue, "Bo ApS"); strings.Contains(l, "for ") {
		t.Errorf("Bo's own line = %q, names an owner", l)
	}

	f.sweep(at(thu, 8, 0))
	f.sweep(at(fri, 8, 0))
	f.sweep(at(mon, 8, 0))
	assertReceived(t, "wednesday to monday", received(f, people...), map[string][][]string{
		"Anna": {{"Anna ApS"}},
		"Bo":   {{"Anna ApS", "Bo ApS"}, {"Anna ApS", "Bo ApS"}, {"Anna ApS", "Bo ApS"}, {"Bo ApS"}},
		"Carl": {{"Carl ApS"}},
		"Dora": {{"Dora ApS"}},
		"Eva":  {{"Dora ApS", "Eva ApS"}, {"Eva ApS"}},
	})
	for _, a := range f.n.to(anna.ID) {
		if strings.Contains(a.Text, "for Anna") {
			t.Errorf("Anna's own nudge calls her away:\n%s", a.Text)
		}
	}
}

// TestClosedDays: on a closed day nothing is planned or sent; the next
// working day sends once, including what fell due on the closed day.
func TestClosedDays(t *testing.T) {
	t.Parallel()
	juleaften, err := bot.ParseClosedDays("juleaftensdag") // as in KONTAKTBOT_CLOSED_DAYS
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) time.Time { return day(t, s) }
	tests := []struct {
		name         string
		closed, next time.Time
		general      []bot.ClosedDay
	}{
		{name: "lørdag", closed: date("2026-09-12"), next: date("2026-09-14")},
		{name: "søndag", closed: date("2026-09-13"), next: date("2026-09-14")},
		{name: "langfredag", closed: date("2027-03-26"), next: date("2027-03-30")},
		{name: "2. juledag", closed: date("2028-12-26"), next: date("2028-12-27")},
		{name: "Kristi himmelfartsdag", closed: date("2026-05-14"), next: date("2026-05-15")},
		{name: "Kristi himmelfartsdag and the Friday after, closed everywhere",
			closed: date("2026-05-14"), next: date("2026-05-18"), general: []bot.ClosedDay{bot.FridayAfterAscension}},
		{name: "juleaftensdag, closed everywhere", closed: date("2026-12-24"), next: date("2026-12-28"), general: juleaften},
		{name: "a personaledag, closed everywhere", closed: date("2026-09-09"), next: date("2026-09-10"),
			general: []bot.ClosedDay{{Year: 2026, Month: time.September, Day: 9, Name: "personaledag"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, at(tt.closed, 8, 0), tt.general...)
			anna := f.person(bot.Consultant{Name: "Anna"})
			f.overdue("Frandsen Transport", anna.ID, tt.closed, 0) // falls due on the closed day
			for d := tt.closed; d.Before(tt.next); d = bot.AddDays(d, 1) {
				for _, now := range []time.Time{at(d, 0, 0), at(d, 8, 0), at(d, 16, 30)} {
					rep := f.sweep(now)
					if len(rep.Planned) != 0 || rep.Sent != 0 {
						t.Errorf("sweep at %s: planned %v, sent %d; want nothing", now, rep.Planned, rep.Sent)
					}
				}
				if f.planned(bot.JobNudge, d) || f.planned(bot.JobDigest, d) {
					t.Errorf("%s is marked planned", d.Format(time.DateOnly))
				}
				if ds, err := f.sw.Plan(f.ctx, bot.JobNudge, at(d, 8, 0)); err != nil || ds != nil {
					t.Errorf("Plan(%s) = %v, %v; want nil", d.Format(time.DateOnly), ds, err)
				}
			}
			if n := len(f.n.attempts()); n != 0 {
				t.Fatalf("%d messages sent on closed days", n)
			}
			f.sweep(at(tt.next, 8, 0))
			f.sweep(at(tt.next, 12, 0))
			got := f.n.attempts()
			if len(got) != 1 || !got[0].OK || got[0].To != anna.ID {
				t.Fatalf("next working day: want one nudge to Anna, got %+v", got)
			}
			overdue := overdueLines(got[0].Msg)
			late := bot.DaysBetween(tt.closed, tt.next)
			want := fmt.Sprintf("— %d dag", late)
			if l := line(overdue, "Frandsen Transport"); !strings.Contains(l, want) {
				t.Errorf("line = %q, want it to contain %q", l, want)
			}
		})
	}
}

// TestJobcenterClosedDay: grundlovsdag (Friday 5 June 2026) closes one
// jobcenter, not the other.
func TestJobcenterClosedDay(t *testing.T) {
	t.Parallel()
	grundlovsdag, monday := day(t, "2026-06-05"), day(t, "2026-06-08")
	f := newFixture(t, at(grundlovsdag, 8, 0))
	closed := f.jobcenter("Jobcenter Svendborg", "grundlovsdag, juleaftensdag")
	anna := f.person(bot.Consultant{Name: "Anna", JobcenterID: closed.ID})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Svendborg Stål", anna.ID, grundlovsdag, 0)
	f.overdue("Odense Plast", bo.ID, grundlovsdag, 0)

	f.sweep(at(grundlovsdag, 8, 0))
	f.sweep(at(grundlovsdag, 14, 0))
	assertReceived(t, "grundlovsdag", received(f, anna, bo), map[string][][]string{
		"Bo": {{"Odense Plast"}},
	})
	if ds := f.deliveries(bot.JobNudge, grundlovsdag); len(ds) != 1 || ds[0].To != bo.ID {
		t.Errorf("grundlovsdag's outbox = %+v, want only Bo's nudge", ds)
	}
	f.sweep(at(monday, 8, 0))
	assertReceived(t, "grundlovsdag and monday", received(f, anna, bo), map[string][][]string{
		"Anna": {{"Svendborg Stål"}},
		"Bo":   {{"Odense Plast"}, {"Odense Plast"}},
	})
	if l := line(overdueLines(f.n.to(anna.ID)[0].Msg), "Svendborg Stål"); !strings.Contains(l, "3 dage over") {
		t.Errorf("Anna's monday line = %q, want 3 dage over", l)
	}
}

// TestUnreadableClosedDays: a jobcenter whose closed days cannot be read
// keeps the general calendar rather than stopping the sweep.
func TestUnreadableClosedDays(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0), bot.ClosedDay{Year: 2026, Month: time.September, Day: 10, Name: "personaledag"})
	j := f.jobcenter("Jobcenter Nyborg", "grundlovsdag, hver anden fredag")
	anna := f.person(bot.Consultant{Name: "Anna", JobcenterID: j.ID})
	f.overdue("Nyborg Net", anna.ID, wed, 1)
	f.sweep(at(wed, 8, 0))
	f.sweep(at(bot.AddDays(wed, 1), 8, 0)) // the general personaledag
	assertReceived(t, "wed and thu", received(f, anna), map[string][][]string{"Anna": {{"Nyborg Net"}}})
}
