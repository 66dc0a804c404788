package reminders_test

import (
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestEscalated(t *testing.T) {
	t.Parallel()
	d := wed
	base := bot.Company{OwnerID: 1, CadenceDays: 14, Status: bot.StatusActive}
	with := func(fn func(*bot.Company)) bot.Company { c := base; fn(&c); return c }
	tests := []struct {
		name string
		c    bot.Company
		want bool
	}{
		{"overdue by less than a cadence", with(func(c *bot.Company) { c.LastContact = before(d, 14+13) }), false},
		{"overdue by exactly a cadence", with(func(c *bot.Company) { c.LastContact = before(d, 14+14) }), false},
		{"overdue by a cadence and a day", with(func(c *bot.Company) { c.LastContact = before(d, 14+15) }), true},
		{"no contact, owner since three cadences", with(func(c *bot.Company) { c.OwnerSince = before(d, 42) }), true},
		{"snoozed twice", with(func(c *bot.Company) { c.LastContact, c.SnoozeCount = before(d, 20), 2 }), false},
		{"snoozed three times, not even due", with(func(c *bot.Company) { c.LastContact, c.SnoozeCount = before(d, 2), 3 }), true},
		{"snoozed five times", with(func(c *bot.Company) { c.LastContact, c.SnoozeCount = before(d, 2), 5 }), true},
		{"paused", with(func(c *bot.Company) { c.LastContact, c.Status = before(d, 100), bot.StatusPaused }), false},
		{"ended", with(func(c *bot.Company) { c.SnoozeCount, c.Status = 4, bot.StatusEnded }), false},
		{"no owner", with(func(c *bot.Company) { c.LastContact, c.OwnerID = before(d, 100), 0 }), false},
		{"no cadence", with(func(c *bot.Company) { c.LastContact, c.CadenceDays = before(d, 100), 0 }), false},
	}
	for _, tt := range tests {
		if got := tt.c.Escalated(d); got != tt.want {
			t.Errorf("%s: Escalated = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestDigest: on the week's first working day each jobcenter's lead (or,
// without one, its admin) gets one digest of the escalated companies of
// the jobcenter's consultants, naming the consultant; other days none.
func TestDigest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 8, 0))
	lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
	ole := f.person(bot.Consultant{Name: "Ole", Role: bot.RoleAdmin}) // Odense has a lead: not Ole's
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	svendborg := f.jobcenter("Jobcenter Svendborg", "")
	dan := f.person(bot.Consultant{Name: "Dan", Role: bot.RoleAdmin, JobcenterID: svendborg.ID})
	carl := f.person(bot.Consultant{Name: "Carl", JobcenterID: svendborg.ID})
	f.overdue("Aalborg Stål", anna.ID, mon, 15)
	f.overdue("Bogense Bageri", anna.ID, mon, 14)
	f.company(bot.Company{Name: "Faaborg Fisk", OwnerID: bo.ID, CadenceDays: 30, LastContact: before(mon, 10),
		SnoozeCount: 3, SnoozedUntil: bot.AddDays(mon, 7)})
	f.company(bot.Company{Name: "Nyborg Net", OwnerID: bo.ID, CadenceDays: 30, LastContact: before(mon, 10),
		SnoozeCount: 2, SnoozedUntil: bot.AddDays(mon, 7)})
	f.company(bot.Company{Name: "Kerteminde Kro", OwnerID: anna.ID, CadenceDays: 14, LastContact: before(mon, 100), Status: bot.StatusPaused})
	f.overdue("Svendborg Smedie", carl.ID, mon, 46)
	people := []bot.Consultant{lis, ole, anna, bo, dan, carl}

	rep := f.sweep(at(mon, 8, 0))
	if rep.Planned[bot.JobDigest] != 2 {
		t.Errorf("planned %v, want 2 digests", rep.Planned)
	}
	f.sweep(at(mon, 8, 5))
	f.sweep(at(mon, 15, 0))
	assertReceived(t, "monday", received(f, people...), map[string][][]string{
		"Anna": {{"Aalborg Stål", "Bogense Bageri"}},
		"Carl": {{"Svendborg Smedie"}},
		"Dan":  {{"Svendborg Smedie"}},
		"Lis":  {{"Aalborg Stål", "Faaborg Fisk"}},
	})
	digest := f.n.to(lis.ID)[0]
	for _, want := range []string{
		"Ugens opmærksomhedspunkter: 2 virksomheder\n",
		"*Aalborg Stål* (Anna) — 15 dage over en kadence på 14 dage; sidste kontakt 16.08.2026 (29 dage siden)",
		"*Faaborg Fisk* (Bo) — udsat 3 gange i træk; sidste kontakt 04.09.2026 (10 dage siden)",
	} {
		if !strings.Contains(digest.Text, want) {
			t.Errorf("Lis's digest lacks %q:\n%s", want, digest.Text)
		}
	}
	if d := f.n.to(dan.ID)[0]; !strings.Contains(d.Text, "*Svendborg Smedie* (Carl) — 46 dage over en kadence på 14 dage") {
		t.Errorf("Dan's digest:\n%s", d.Text)
	}
	if ds := f.deliveries(bot.JobDigest, mon); len(ds) != 2 || ds[0].To != lis.ID || ds[1].To != dan.ID {
		t.Errorf("monday's digests: %+v, want Lis's and Dan's", ds)
	}

	seen := len(f.n.attempts())
	tue := bot.AddDays(mon, 1)
	f.sweep(at(tue, 8, 0))
	for _, a := range f.n.attempts()[seen:] {
		if a.To == lis.ID || a.To == dan.ID {
			t.Errorf("a message to a lead or admin on tuesday:\n%s", a.Text)
		}
	}
	if f.planned(bot.JobDigest, tue) || len(f.deliveries(bot.JobDigest, tue)) != 0 {
		t.Errorf("tuesday has digests planned")
	}
}

// TestDigestAfterClosedMonday: with 2. påskedag (29 March 2027) closed,
// the digest comes on Tuesday; a jobcenter closed on a Monday of its own
// gets it on Tuesday while the others get theirs on Monday.
func TestDigestAfterClosedMonday(t *testing.T) {
	t.Parallel()
	t.Run("2. påskedag", func(t *testing.T) {
		t.Parallel()
		easterMonday := day(t, "2027-03-29")
		f := newFixture(t, at(easterMonday, 8, 0))
		lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
		anna := f.person(bot.Consultant{Name: "Anna"})
		f.overdue("Aalborg Stål", anna.ID, easterMonday, 20)
		for d := easterMonday; d.Before(bot.AddDays(easterMonday, 4)); d = bot.AddDays(d, 1) {
			f.sweep(at(d, 8, 0))
		}
		got := f.n.to(lis.ID)
		if len(got) != 1 || got[0].At.Weekday() != time.Tuesday || !strings.Contains(got[0].Text, "*Aalborg Stål* (Anna)") {
			t.Errorf("Lis got %+v, want one digest on tuesday", got)
		}
	})
	t.Run("a jobcenter's own closed Monday", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, at(mon, 8, 0))
		lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
		anna := f.person(bot.Consultant{Name: "Anna"})
		sb := f.jobcenter("Jobcenter Svendborg", "2026-09-14 personaledag")
		sune := f.person(bot.Consultant{Name: "Sune", Role: bot.RoleLead, JobcenterID: sb.ID})
		carl := f.person(bot.Consultant{Name: "Carl", JobcenterID: sb.ID})
		f.overdue("Odense Plast", anna.ID, mon, 20)
		f.overdue("Svendborg Smedie", carl.ID, mon, 20)
		f.sweep(at(mon, 8, 0))
		f.sweep(at(bot.AddDays(mon, 1), 8, 0))
		f.sweep(at(bot.AddDays(mon, 2), 8, 0))
		lisGot, suneGot := f.n.to(lis.ID), f.n.to(sune.ID)
		if len(lisGot) != 1 || lisGot[0].At.Weekday() != time.Monday ||
			!strings.Contains(lisGot[0].Text, "*Odense Plast* (Anna)") || strings.Contains(lisGot[0].Text, "Svendborg") {
			t.Errorf("Lis got %+v, want Odense's digest on monday", lisGot)
		}
		if len(suneGot) != 1 || suneGot[0].At.Weekday() != time.Tuesday || !strings.Contains(suneGot[0].Text, "*Svendborg Smedie* (Carl)") {
			t.Errorf("Sune got %+v, want Svendborg's digest on tuesday", suneGot)
		}
	})
}

// TestPreview: a preview shows exactly the messages the sweep then sends,
// and stores nothing.
func TestPreview(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 8, 0))
	lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo", Lang: bot.English})
	f.overdue("Aalborg Stål", anna.ID, mon, 20)
	f.overdue("Bogense Bageri", bo.ID, mon, 2)
	f.company(bot.Company{Name: "Bruun Beton", OwnerID: bo.ID, CadenceDays: 60, LastContact: before(mon, 5), PlannedNext: mon})

	ps, err := f.sw.Preview(f.ctx, at(mon, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.n.attempts()) != 0 {
		t.Fatalf("a preview sent %d messages", len(f.n.attempts()))
	}
	for _, kind := range []bot.JobKind{bot.JobNudge, bot.JobDigest} {
		if f.planned(kind, mon) || len(f.deliveries(kind, mon)) != 0 {
			t.Errorf("a preview stored %s deliveries", kind)
		}
	}
	want := map[string]string{}
	for _, p := range ps {
		want[p.To.Name+" "+string(p.Delivery.Kind)] = p.Message.PlainText()
	}
	if len(ps) != 3 || want["Anna nudge"] == "" || want["Bo nudge"] == "" || want["Lis digest"] == "" {
		t.Fatalf("preview: %v, want Anna's and Bo's nudges and Lis's digest", want)
	}
	if !strings.Contains(want["Bo nudge"], "Planned for today\n  • *Bruun Beton* — contact planned for today") {
		t.Errorf("Bo's preview does not show the plan in English:\n%s", want["Bo nudge"])
	}

	f.sweep(at(mon, 8, 0))
	kinds := map[uint64]string{lis.ID: "Lis digest", anna.ID: "Anna nudge", bo.ID: "Bo nudge"}
	for _, a := range f.n.attempts() {
		if w := want[kinds[a.To]]; a.Text != w {
			t.Errorf("sent to %s:\n%s\npreviewed:\n%s", kinds[a.To], a.Text, w)
		}
	}
	if n := len(f.n.attempts()); n != 3 {
		t.Errorf("sent %d messages, previewed 3", n)
	}

	ps, err = f.sw.Preview(f.ctx, at(bot.AddDays(mon, 5), 8, 0))
	if err != nil || len(ps) != 0 {
		t.Errorf("saturday's preview = %d messages, %v; want none", len(ps), err)
	}
}
