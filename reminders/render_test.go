package reminders_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
)

// sample is a nudge on wed with an overdue company, a stand-in's company
// due today and a planned contact.
func sample() bot.Delivery {
	return bot.Delivery{Kind: bot.JobNudge, Day: wed, To: 7, Items: []bot.NudgeItem{
		{CompanyID: 1, Name: "Bager Hansen", Tier: bot.TierNormal, CadenceDays: 14, LastContact: before(wed, 17),
			LastKind: bot.KindPhone, LastBy: "Hanne", OverdueDays: 3},
		{CompanyID: 2, Name: "Lund Låse", Tier: bot.TierIntensified, CadenceDays: 7, Owner: "Anna", OwnerAway: bot.AddDays(wed, 2)},
		{CompanyID: 3, Name: "Dahl Catering", Tier: bot.TierNormal, CadenceDays: 30, LastContact: before(wed, 1),
			LastKind: bot.KindVisit, LastBy: "Bo", Planned: wed},
	}}
}

func TestRenderNudgeDanish(t *testing.T) {
	t.Parallel()
	got := reminders.Render(sample(), bot.Danish, wed).PlainText()
	want := strings.Join([]string{
		"God morgen! 2 virksomheder venter på kontakt",
		"  • *Bager Hansen* — 3 dage over; kadence 14 dage; sidste kontakt 23.08.2026 (17 dage siden, telefon ved Hanne)",
		"  • *Lund Låse* (intensiveret) — forfalder i dag; kadence 7 dage; ingen kontakt endnu; for Anna, der er væk til og med 11.09.2026",
		"Planlagt i dag",
		"  • *Dahl Catering* — planlagt kontakt i dag; kadence 30 dage; sidste kontakt 08.09.2026 (1 dag siden, besøg ved Bo)",
		"Noter en kontakt med »besøg <virksomhed> <note>«, udsæt med »udsæt <virksomhed> 1u«, planlæg med »planlæg <virksomhed> <dato>«.",
	}, "\n")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderNudgeEnglish(t *testing.T) {
	t.Parallel()
	msg := reminders.Render(sample(), bot.English, wed)
	overdue, planned := lists(msg)
	for _, tt := range []struct{ got, want string }{
		{msg.Blocks[0].(bot.Heading).Text, "Good morning! 2 companies are waiting for contact"},
		{line(overdue, "Bager Hansen"), "*Bager Hansen* — 3 days overdue; cadence 14 days; last contact 23 Aug 2026 (17 days ago, phone by Hanne)"},
		{line(overdue, "Lund Låse"), "*Lund Låse* (intensified) — due today; cadence 7 days; no contact yet; for Anna, away until 11 Sep 2026"},
		{line(planned, "Dahl Catering"), "*Dahl Catering* — contact planned for today; cadence 30 days; last contact 8 Sep 2026 (1 day ago, visit by Bo)"},
	} {
		if tt.got != tt.want {
			t.Errorf("got  %q\nwant %q", tt.got, tt.want)
		}
	}
	text := msg.PlainText()
	var cmds []string
	for _, b := range msg.Blocks {
		if rs, ok := b.(bot.Rows); ok {
			for _, a := range rs.Rows[0].Actions {
				cmds = append(cmds, a.Label+": "+a.Command)
			}
		}
	}
	if want := []string{"Log contact: visit Bager Hansen", "Snooze 1 week: snooze Bager Hansen 1w", "Plan: plan Bager Hansen", "Show card: company Bager Hansen",
		"Log contact: visit Dahl Catering", "Snooze 1 week: snooze Dahl Catering 1w", "Plan: plan Dahl Catering", "Show card: company Dahl Catering"}; !slices.Equal(cmds, want) {
		t.Errorf("English actions %q, want %q", cmds, want)
	}
	for _, want := range []string{"Planned for today\n", "Log a contact with »visit <company> <note>«"} {
		if !strings.Contains(text, want) {
			t.Errorf("English nudge lacks %q:\n%s", want, text)
		}
	}
	for _, da := range []string{"God morgen", "kadence", "dage", "siden", "ved ", "Planlagt", "Noter", "væk"} {
		if strings.Contains(text, da) {
			t.Errorf("Danish %q in the English nudge:\n%s", da, text)
		}
	}
}

func TestRenderHeadings(t *testing.T) {
	t.Parallel()
	one := bot.NudgeItem{Name: "Friis Træ", CadenceDays: 1, OverdueDays: 1}
	plan := bot.NudgeItem{Name: "Koch Kloak", CadenceDays: 30, Planned: wed}
	tests := []struct {
		items    []bot.NudgeItem
		lang     bot.Lang
		head, in string
	}{
		{[]bot.NudgeItem{one}, bot.Danish, "God morgen! 1 virksomhed venter på kontakt", "*Friis Træ* — 1 dag over; kadence 1 dag; ingen kontakt endnu"},
		{[]bot.NudgeItem{one}, bot.English, "Good morning! 1 company is waiting for contact", "*Friis Træ* — 1 day overdue; cadence 1 day; no contact yet"},
		{[]bot.NudgeItem{plan}, bot.Danish, "God morgen! 1 planlagt kontakt i dag", "Planlagt i dag\n  • *Koch Kloak* — planlagt kontakt i dag"},
		{[]bot.NudgeItem{plan, plan}, bot.English, "Good morning! 2 planned contacts today", "Planned for today\n  • *Koch Kloak*"},
	}
	for _, tt := range tests {
		msg := reminders.Render(bot.Delivery{Kind: bot.JobNudge, Day: wed, Items: tt.items}, tt.lang, wed)
		text := msg.PlainText()
		if h, ok := msg.Blocks[0].(bot.Heading); !ok || h.Text != tt.head {
			t.Errorf("heading of %d items in %s = %+v, want %q", len(tt.items), tt.lang, msg.Blocks[0], tt.head)
		}
		if !strings.Contains(text, tt.in) {
			t.Errorf("%s nudge lacks %q:\n%s", tt.lang, tt.in, text)
		}
	}
}

// many returns n overdue items named "Firma 01" and so on, then m planned.
func many(n, m int) bot.Delivery {
	d := bot.Delivery{Kind: bot.JobNudge, Day: wed}
	for i := range n + m {
		it := bot.NudgeItem{CompanyID: uint64(i + 1), Name: fmt.Sprintf("Firma %02d", i+1), CadenceDays: 14, OverdueDays: n - i}
		if i >= n {
			it.OverdueDays, it.Planned = 0, wed
		}
		d.Items = append(d.Items, it)
	}
	return d
}

// TestRenderLong: a list longer than 25 lines (15 planned) is cut with a
// count of the rest and the command that lists them all, and every
// listed company has its actions: log, snooze, plan, card.
func TestRenderLong(t *testing.T) {
	t.Parallel()
	tests := []struct {
		overdue, planned int
		lang             bot.Lang
		lines            int    // in the overdue list
		last             string // the overdue list's last line starts so
		plannedLines     int
		rows             int
	}{
		{3, 0, bot.Danish, 3, "*Firma 03*", 0, 3},
		{25, 0, bot.Danish, 25, "*Firma 25*", 0, 25},
		{26, 0, bot.Danish, 26, "… og 1 mere: skriv »mine forfaldne«", 0, 25},
		{30, 0, bot.Danish, 26, "… og 5 mere: skriv »mine forfaldne«", 0, 25},
		{30, 0, bot.English, 26, "… and 5 more: type »mine overdue«", 0, 25},
		{2, 27, bot.Danish, 2, "*Firma 02*", 16, 17},
		{100, 40, bot.Danish, 26, "… og 75 mere: skriv »mine forfaldne«", 16, 40},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d+%d %s", tt.overdue, tt.planned, tt.lang)
		msg := reminders.Render(many(tt.overdue, tt.planned), tt.lang, wed)
		overdue, planned := lists(msg)
		if len(overdue) != tt.lines || !strings.HasPrefix(overdue[len(overdue)-1], tt.last) {
			t.Errorf("%s: %d overdue lines ending %q, want %d ending %q", name, len(overdue), overdue[len(overdue)-1], tt.lines, tt.last)
		}
		if len(planned) != tt.plannedLines {
			t.Errorf("%s: %d planned lines, want %d", name, len(planned), tt.plannedLines)
		}
		if tt.planned > 15 && planned[15] != fmt.Sprintf("… og %d mere: skriv »mine forfaldne«", tt.planned-15) {
			t.Errorf("%s: planned list ends %q", name, planned[15])
		}
		var first []string
		blocks := 0
		for _, b := range msg.Blocks {
			blocks++
			rs, ok := b.(bot.Rows)
			if !ok {
				continue
			}
			blocks += len(rs.Rows)
			for _, r := range rs.Rows {
				as := r.Actions
				if len(as) != 4 || !as[0].Primary || as[1].Primary || as[2].Primary || as[3].Primary {
					t.Fatalf("%s: actions %+v, want log (primary), snooze, plan, card", name, as)
				}
				// Log and plan open their forms where a platform shows forms.
				if f := as[0].Form; f == nil || f.Kind != bot.FormVisit || !strings.HasSuffix(as[0].Command, " "+f.Subject) || !strings.Contains(r.Text, "*"+f.Subject+"*") {
					t.Errorf("%s: log action %+v opens no visit form about its line's company", name, as[0])
				}
				if f := as[2].Form; f == nil || f.Kind != bot.FormPlan || as[1].Form != nil || as[3].Form != nil {
					t.Errorf("%s: actions %+v, want only log and plan to open forms", name, as)
				}
				first = append(first, as[0].Command)
			}
		}
		if len(first) != tt.rows || first[0] != tt.lang.Pick("besøg ", "visit ")+"Firma 01" {
			t.Errorf("%s: %d rows with actions, want %d starting with the first company", name, len(first), tt.rows)
		}
		// A block a listed company in Slack: within its 50.
		if blocks > 50 {
			t.Errorf("%s: %d blocks in Slack, more than 50", name, blocks)
		}
		if h := msg.Blocks[0].(bot.Heading).Text; !strings.Contains(h, fmt.Sprint(tt.overdue)) {
			t.Errorf("%s: heading %q does not count all %d companies", name, h, tt.overdue)
		}
	}
}

// TestRenderDone: a company that has had contact since the nudge was sent
// is shown done, without actions, and the heading counts it.
func TestRenderDone(t *testing.T) {
	t.Parallel()
	d := many(3, 1)
	d.Items[1].Done, d.Items[1].DoneKind, d.Items[1].DoneBy = wed.Add(10*time.Hour+42*time.Minute), bot.KindPhone, "Bo"
	msg := reminders.Render(d, bot.Danish, wed)
	overdue, _ := lists(msg)
	if want := "✅ *Firma 02* — kontakt noteret " + bot.FormatTime(d.Items[1].Done, bot.Danish) + " (telefon, Bo)"; overdue[1] != want {
		t.Errorf("done line = %q, want %q", overdue[1], want)
	}
	for _, b := range msg.Blocks {
		if rs, ok := b.(bot.Rows); ok {
			for _, r := range rs.Rows {
				if strings.Contains(r.Text, "Firma 02") && len(r.Actions) != 0 {
					t.Errorf("the done line has actions %+v", r.Actions)
				}
			}
		}
	}
	if h := msg.Blocks[0].(bot.Heading).Text; h != "God morgen! 3 virksomheder venter på kontakt (1 klaret)" {
		t.Errorf("heading %q", h)
	}
	for i := range d.Items {
		d.Items[i].Done = wed.Add(11 * time.Hour)
	}
	if h := reminders.Render(d, bot.English, wed).Blocks[0].(bot.Heading).Text; h != "Well done: all 4 companies in today's nudge have had contact" {
		t.Errorf("all done: heading %q", h)
	}
}

func TestRenderDigest(t *testing.T) {
	t.Parallel()
	d := bot.Delivery{Kind: bot.JobDigest, Day: mon, To: 9, Items: []bot.NudgeItem{
		{Name: "Aalborg Stål", CadenceDays: 14, OverdueDays: 20, SnoozeCount: 4, Owner: "Anna",
			LastContact: before(mon, 34), LastKind: bot.KindMail, LastBy: "Anna"},
		{Name: "Faaborg Fisk", CadenceDays: 30, SnoozeCount: 3, Owner: "Bo"},
	}}
	da := reminders.Render(d, bot.Danish, mon).PlainText()
	wantDA := strings.Join([]string{
		"Ugens opmærksomhedspunkter: 2 virksomheder",
		"Virksomheder mere end én hel kadence over tid, eller udsat 3 gange i træk.",
		"  • *Aalborg Stål* (Anna) — 20 dage over en kadence på 14 dage; udsat 4 gange i træk; sidste kontakt 11.08.2026 (34 dage siden, mail ved Anna)",
		"  • *Faaborg Fisk* (Bo) — udsat 3 gange i træk; ingen kontakt endnu",
	}, "\n")
	if da != wantDA {
		t.Errorf("Danish digest:\n%s\nwant:\n%s", da, wantDA)
	}
	en := reminders.Render(d, bot.English, mon).PlainText()
	for _, want := range []string{
		"This week's escalations: 2 companies\n",
		"*Aalborg Stål* (Anna) — 20 days past a cadence of 14 days; snoozed 4 times in a row; last contact 11 Aug 2026 (34 days ago, mail by Anna)",
		"*Faaborg Fisk* (Bo) — snoozed 3 times in a row; no contact yet",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English digest lacks %q:\n%s", want, en)
		}
	}
}

// TestNudgeLanguageAndLastContact sweeps real data: each consultant gets
// their nudge in their language, and the line names the last contact's
// kind and the colleague who made it.
func TestNudgeLanguageAndLastContact(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	hanne := f.person(bot.Consultant{Name: "Hanne"})
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo", Lang: bot.English})
	a := f.company(bot.Company{Name: "Østergaard Emballage", OwnerID: anna.ID, CadenceDays: 14, LastContact: before(wed, 40)})
	b := f.company(bot.Company{Name: "Winther Ventilation", OwnerID: bo.ID, CadenceDays: 14, LastContact: before(wed, 40)})
	f.contact(a.ID, hanne.ID, before(wed, 17), bot.KindPhone)
	f.contact(b.ID, hanne.ID, before(wed, 16), bot.KindMeeting)
	f.away(hanne.ID, bot.AddDays(wed, 2), bo.ID)
	f.company(bot.Company{Name: "Hanne Holding", OwnerID: hanne.ID, CadenceDays: 30, LastContact: before(wed, 31)})
	f.sweep(at(wed, 8, 0))

	wants := map[uint64][]string{
		anna.ID: {"God morgen! 1 virksomhed venter på kontakt\n",
			"*Østergaard Emballage* — 3 dage over; kadence 14 dage; sidste kontakt 23.08.2026 (17 dage siden, telefon ved Hanne)"},
		bo.ID: {"Good morning! 2 companies are waiting for contact\n",
			"*Winther Ventilation* — 2 days overdue; cadence 14 days; last contact 24 Aug 2026 (16 days ago, meeting by Hanne)",
			"*Hanne Holding* — 1 day overdue; cadence 30 days; last contact 9 Aug 2026 (31 days ago); for Hanne, away until 11 Sep 2026"},
	}
	if n := len(f.n.attempts()); n != 2 {
		t.Errorf("%d messages, want Anna's and Bo's", n)
	}
	for id, want := range wants {
		got := f.n.to(id)
		if len(got) != 1 {
			t.Errorf("#%d got %d messages, want 1", id, len(got))
			continue
		}
		for _, w := range want {
			if !strings.Contains(got[0].Text, w) {
				t.Errorf("#%d's nudge lacks %q:\n%s", id, w, got[0].Text)
			}
		}
	}
}
