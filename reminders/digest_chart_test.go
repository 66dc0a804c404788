package reminders_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/reminders"
)

// TestDigestCarriesTheCoverageChart: with the snapshots at hand, each
// lead's digest ends with their jobcenter's chart and its figures in
// words, drawn from the stored snapshots; a lead with no escalations
// still gets it, and a jobcenter without snapshots gets no chart.
func TestDigestCarriesTheCoverageChart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 8, 0))
	f.cfg.Coverage = f.db
	f.sw = reminders.NewSweeper(f.cfg)
	lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
	anna := f.person(bot.Consultant{Name: "Anna"})
	sb := f.jobcenter("Jobcenter Svendborg", "")
	sune := f.person(bot.Consultant{Name: "Sune", Role: bot.RoleLead, JobcenterID: sb.ID, Lang: bot.English})
	ribe := f.jobcenter("Jobcenter Ribe", "")
	rita := f.person(bot.Consultant{Name: "Rita", Role: bot.RoleLead, JobcenterID: ribe.ID})
	f.overdue("Aalborg Stål", anna.ID, mon, 15)
	if _, err := f.db.UpdateJobcenter(f.ctx, f.jc.ID, func(j *bot.Jobcenter) error { j.CoverageGoal = 80; return nil }); err != nil {
		t.Fatal(err)
	}
	// Odense: week 36 at 60 %, week 37 (this Monday) at 70 %; Svendborg:
	// this Monday only, 90 %; Ribe: none.
	for _, s := range []struct {
		day      int
		jc       uint64
		within   int
		overdue_ int
	}{{-3, f.jc.ID, 6, 4}, {0, f.jc.ID, 7, 3}, {0, sb.ID, 9, 1}} {
		d := bot.AddDays(mon, s.day)
		if err := f.db.SaveCoverageSnapshots(f.ctx, d, []bot.CoverageSnapshot{{JobcenterID: s.jc, Dedicated: 10, Within: s.within, Overdue: s.overdue_}}); err != nil {
			t.Fatal(err)
		}
	}
	f.sweep(at(mon, 8, 0))

	lisGot := f.n.to(lis.ID)
	if len(lisGot) != 1 {
		t.Fatalf("Lis got %d messages", len(lisGot))
	}
	for _, want := range []string{
		"Ugens opmærksomhedspunkter: 1 virksomhed", "*Aalborg Stål* (Anna)",
		"Dækning uge for uge: Jobcenter Odense",
		"*Uge 38: 70 % inden for kadencen* (7 af 10 faste virksomheder, 3 over kadencen). +10 procentpoint siden uge 37. Målet er 80 %: 10 procentpoint fra.",
		"»dækning graf«",
	} {
		if !strings.Contains(lisGot[0].Text, want) {
			t.Errorf("Lis's digest lacks %q:\n%s", want, lisGot[0].Text)
		}
	}
	img := digestImage(t, lisGot[0].Msg)
	if _, err := png.Decode(bytes.NewReader(img.PNG)); err != nil || !strings.Contains(img.Alt, "uge 38 70 %") {
		t.Fatalf("Lis's chart: %v, alt %q", err, img.Alt)
	}

	suneGot := f.n.to(sune.ID)
	if len(suneGot) != 1 {
		t.Fatalf("Sune got %d messages", len(suneGot))
	}
	for _, want := range []string{"This week's overview: no escalations", "Coverage week by week: Jobcenter Svendborg",
		"*Week 38: 90% within cadence*", "No goal is set"} {
		if !strings.Contains(suneGot[0].Text, want) {
			t.Errorf("Sune's digest lacks %q:\n%s", want, suneGot[0].Text)
		}
	}
	digestImage(t, suneGot[0].Msg)
	if got := f.n.to(rita.ID); len(got) != 0 {
		t.Errorf("Rita, with neither escalations nor figures, got:\n%s", got[0].Text)
	}
	// The outbox holds the figures, not the picture.
	for _, d := range f.deliveries(bot.JobDigest, mon) {
		if d.Coverage == nil || len(d.Coverage.Weeks) != bot.ChartWeeks {
			t.Errorf("delivery to #%d: coverage %+v", d.To, d.Coverage)
		}
	}
}

func digestImage(t *testing.T, m bot.Message) bot.Image {
	t.Helper()
	for _, b := range m.Blocks {
		if im, ok := b.(bot.Image); ok {
			return im
		}
	}
	t.Fatalf("no image in:\n%s", m.PlainText())
	return bot.Image{}
}
