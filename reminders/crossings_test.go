package reminders_test

import (
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/reminders"
	"kontaktbot/storage"
)

var _ reminders.Crossings = (*storage.DB)(nil)

// A contact that Svendborg's consultant logs with Odense's company reaches
// its dedicated consultant in the next morning's nudge, once, even a
// nudge with nothing overdue; a colleague's contact from the owner's own
// jobcenter is no news. An owner away without a stand-in hears of it on
// the first morning back.
func TestCrossingsInTheNudge(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 6, 0))
	f.cfg.Crossings = f.db
	f.sw = reminders.NewSweeper(f.cfg)
	svendborg := f.jobcenter("Jobcenter Svendborg", "")
	anne := f.person(bot.Consultant{Name: "Anne Holm"})
	bo := f.person(bot.Consultant{Name: "Bo Møller"})
	carl := f.person(bot.Consultant{Name: "Carl Ærø"})
	mette := f.person(bot.Consultant{Name: "Mette Ørsted", JobcenterID: svendborg.ID})
	ltek := f.company(bot.Company{Name: "L-tek", OwnerID: anne.ID, CadenceDays: 30, LastContact: before(wed, 2)})
	smed := f.company(bot.Company{Name: "Smedjen Ålbæk", OwnerID: anne.ID, CadenceDays: 30, LastContact: before(wed, 2)})
	fyn := f.company(bot.Company{Name: "Fynsk Stål", OwnerID: carl.ID, CadenceDays: 30, LastContact: before(wed, 2)})

	f.sweep(at(wed, 8, 0))
	f.clk.Set(at(wed, 14, 0))
	f.contact(ltek.ID, mette.ID, at(wed, 13, 0), bot.KindVisit)
	f.contact(smed.ID, bo.ID, at(wed, 13, 30), bot.KindPhone)
	f.contact(fyn.ID, mette.ID, at(wed, 13, 45), bot.KindMeeting)
	thu, fri := bot.AddDays(wed, 1), bot.AddDays(wed, 2)
	f.away(carl.ID, fri, 0)

	f.sweep(at(thu, 8, 0))
	d := f.delivery(bot.JobNudge, thu, anne.ID)
	if len(d.Items) != 0 || len(d.Crossings) != 1 || d.Crossings[0].Name != "L-tek" || d.Crossings[0].By != "Mette Ørsted" ||
		d.Crossings[0].Jobcenter != "Jobcenter Svendborg" || d.Crossings[0].Kind != bot.KindVisit {
		t.Fatalf("Thursday's nudge to Anne: %+v", d)
	}
	sent := f.n.to(anne.ID)
	if len(sent) != 1 {
		t.Fatalf("Anne got %d messages on Thursday", len(sent))
	}
	for _, want := range []string{"Andre jobcentre har haft kontakt", "Jobcenter Svendborg har haft kontakt: *L-tek* — besøg", "ved Mette Ørsted"} {
		if !strings.Contains(sent[0].Text, want) {
			t.Errorf("Anne's nudge lacks %q:\n%s", want, sent[0].Text)
		}
	}
	if strings.Contains(sent[0].Text, "Smedjen") || strings.Contains(sent[0].Text, "0 virksomheder") {
		t.Errorf("Anne's nudge tells of her colleague's contact or counts nothing:\n%s", sent[0].Text)
	}
	if got := f.n.to(carl.ID); len(got) != 0 {
		t.Errorf("Carl, away, got %d messages", len(got))
	}

	f.sweep(at(fri, 8, 0))
	if got := f.n.to(anne.ID); len(got) != 1 {
		t.Errorf("Friday told Anne again: %d messages", len(got))
	}
	f.sweep(at(mon, 8, 0))
	got := f.n.to(carl.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "*Fynsk Stål* — møde") {
		t.Fatalf("Carl's Monday: %+v", got)
	}
	if got := f.n.to(anne.ID); len(got) != 1 {
		t.Errorf("Monday told Anne again: %d messages", len(got))
	}
}

// Many crossings take a few lines, the rest counted; English reads as
// English.
func TestCrossingsRenderedFew(t *testing.T) {
	t.Parallel()
	d := bot.Delivery{Kind: bot.JobNudge, Day: wed, To: 1}
	for i := range 7 {
		d.Crossings = append(d.Crossings, bot.Crossing{CompanyID: uint64(i + 1), Name: "Firma " + string(rune('A'+i)),
			At: before(wed, 1), Kind: bot.KindPhone, By: "Mette Ørsted", Jobcenter: "Jobcenter Svendborg"})
	}
	da := reminders.Render(d, bot.Danish, wed).PlainText()
	if n := strings.Count(da, "har haft kontakt: *"); n != 5 || !strings.Contains(da, "… og 2 mere") {
		t.Errorf("%d crossing lines, want 5 and the rest counted:\n%s", n, da)
	}
	en := reminders.Render(d, bot.English, wed).PlainText()
	for _, want := range []string{"Other jobcentres have been in touch", "Jobcenter Svendborg has been in touch: *Firma A* — phone", "by Mette Ørsted", "… and 2 more"} {
		if !strings.Contains(en, want) {
			t.Errorf("English nudge lacks %q:\n%s", want, en)
		}
	}
}
