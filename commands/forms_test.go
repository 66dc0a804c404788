package commands_test

import (
	"context"
	"strings"
	"testing"

	"kontaktbot/bot"
)

// form sends a request for a form or a submitted one as Hanne.
func (b *testBot) form(req bot.Request) bot.Message {
	b.t.Helper()
	req.From, req.Name = bot.Identity{Platform: "console", User: "hanne"}, "Hanne"
	return b.svc.Handle(context.Background(), req)
}

func TestFormsOpenInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	m := b.form(bot.Request{OpenForm: &bot.FormRef{Kind: bot.FormVisit, Subject: "aeroe"}})
	if m.Error || m.Form == nil || m.Form.Kind != bot.FormVisit || m.Form.Subject != "Ærø Maskinfabrik" || m.Form.Title != "Noter kontakt" {
		t.Fatalf("visit form: %+v", m)
	}
	if f := m.Form.Fields[0]; f.ID != bot.InputDate || f.Value != "2026-12-04" || f.Max != "2026-12-04" {
		t.Errorf("date input %+v", f)
	}
	b.ok("Hanne", "sprog en")
	m = b.form(bot.Request{OpenForm: &bot.FormRef{Kind: bot.FormPlan, Subject: "L-tek"}})
	if m.Error || m.Form == nil || m.Form.Title != "Plan contact" || m.Form.Fields[0].Min != "2026-12-04" {
		t.Fatalf("plan form: %+v", m)
	}
	m = b.form(bot.Request{OpenForm: &bot.FormRef{Kind: bot.FormVisit, Subject: "Ukendt ApS"}})
	if !m.Error || m.Form != nil {
		t.Errorf("a form for an unknown company: %+v", m)
	}
	m = b.form(bot.Request{OpenForm: &bot.FormRef{Kind: "delete", Subject: "L-tek"}})
	if !m.Error || m.Form != nil {
		t.Errorf("an unknown form: %+v", m)
	}
}

// TestVisitFormSubmission: the fields are read as fields (a note that
// starts with a date stays a note), and every refusal comes back as the
// form, with what was entered, the message and the input it is about.
func TestVisitFormSubmission(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	submit := func(values map[string]string) bot.Message {
		return b.form(bot.Request{Submit: &bot.Submission{Form: bot.FormVisit, Subject: "Ærø Maskinfabrik", Values: values}})
	}
	m := submit(map[string]string{"date": "2026-12-02", "kind": "phone", "note": "3. december\nkommer Claus opfølgning 10/12"})
	if m.Error || m.Form != nil {
		t.Fatalf("refused: %s", m.PlainText())
	}
	contains(t, m.PlainText(), "telefon hos Ærø Maskinfabrik onsdag 02.12.2026: »3. december kommer Claus opfølgning 10/12«")
	cs := b.contacts("Ærø Maskinfabrik")
	if len(cs) != 1 || cs[0].Kind != bot.KindPhone || cs[0].Note != "3. december kommer Claus opfølgning 10/12" || !cs[0].FollowUp.IsZero() || !bot.Day(cs[0].At).Equal(isoDay(t, "2026-12-02")) {
		t.Fatalf("stored %+v", cs)
	}
	for _, tc := range []struct {
		name   string
		values map[string]string
		field  string
		want   string
	}{
		{"no note", map[string]string{"date": "2026-12-04", "kind": "visit", "note": " "}, "note", "Skriv en kort note"},
		{"future", map[string]string{"date": "2026-12-05", "kind": "visit", "note": "x"}, "date", "ligger i fremtiden"},
		{"not a date", map[string]string{"date": "fredag", "kind": "visit", "note": "x"}, "date", "Vælg en dato"},
		{"no date", map[string]string{"kind": "visit", "note": "x"}, "date", "Vælg en dato"},
		{"CPR", map[string]string{"date": "2026-12-04", "kind": "visit", "note": "ringede om 010190-1234"}, "note", "CPR"},
		{"kind", map[string]string{"date": "2026-12-04", "kind": "fax", "note": "x"}, "kind", "besøg, telefon, mail eller møde"},
	} {
		m := submit(tc.values)
		if !m.Error || m.Form == nil || m.Form.ErrorField != tc.field || !strings.Contains(m.Form.Error, tc.want) {
			t.Errorf("%s: %+v", tc.name, m)
			continue
		}
		for _, in := range m.Form.Fields {
			v, ok := tc.values[in.ID]
			if bot.ContainsCPR(v) {
				v = "" // not shown again: on Teams the form is a message others may read
			}
			if ok && in.Value != v {
				t.Errorf("%s: input %s shows %q, want what was entered, %q", tc.name, in.ID, in.Value, v)
			}
		}
		if strings.Contains(m.PlainText(), "010190") {
			t.Errorf("%s: the refusal echoes a CPR number", tc.name)
		}
	}
	if n := len(b.contacts("Ærø Maskinfabrik")); n != 1 {
		t.Errorf("refused forms stored contacts: %d", n)
	}
}

func TestPlanFormSubmission(t *testing.T) {
	t.Parallel()
	b := newWalkBot(t)
	submit := func(date string) bot.Message {
		return b.form(bot.Request{Submit: &bot.Submission{Form: bot.FormPlan, Subject: "L-tek", Values: map[string]string{"date": date}}})
	}
	m := submit("2026-12-14")
	if m.Error {
		t.Fatalf("refused: %s", m.PlainText())
	}
	contains(t, m.PlainText(), "planlagt til mandag 14.12.2026")
	if got := b.company("L-tek").PlannedNext; !got.Equal(isoDay(t, "2026-12-14")) {
		t.Errorf("planned %s", got)
	}
	m = submit("2026-12-01")
	if !m.Error || m.Form == nil || m.Form.ErrorField != "date" || !strings.Contains(m.Form.Error, "passeret") {
		t.Errorf("a passed day: %+v", m)
	}
	// Another consultant may not plan Hanne's company.
	m = b.svc.Handle(context.Background(), bot.Request{From: bot.Identity{Platform: "console", User: "per"}, Name: "Per",
		Submit: &bot.Submission{Form: bot.FormPlan, Subject: "L-tek", Values: map[string]string{"date": "2026-12-15"}}})
	if !m.Error || !strings.Contains(m.PlainText(), "faste konsulent") {
		t.Errorf("Per planned Hanne's company: %s", m.PlainText())
	}
	if got := b.company("L-tek").PlannedNext; !got.Equal(isoDay(t, "2026-12-14")) {
		t.Errorf("planned %s after refusals", got)
	}
}
