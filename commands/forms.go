package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"kontaktbot/bot"
)

// Forms are the other way into the visit and plan commands: a button asks
// for a form (bot.Request.OpenForm), the platform shows it, and the answer
// comes back field by field (bot.Request.Submit). The fields are read
// here, into the same typed arguments a typed line becomes, and stored by
// the same code, so a form never goes through the command grammar.

// formCommands maps a form's kind to the table command it runs.
var formCommands = map[string]string{bot.FormVisit: "visit", bot.FormPlan: "plan"}

// formRequest answers a request for a form or a submitted one. name is
// set to the command the form runs.
func (s *Service) formRequest(ctx context.Context, c *call, req bot.Request, name *string) (bot.Message, error) {
	kind, subject := "", ""
	if req.OpenForm != nil {
		kind, subject = req.OpenForm.Kind, req.OpenForm.Subject
	} else {
		kind, subject = req.Submit.Form, req.Submit.Subject
	}
	cmd := s.find(formCommands[kind])
	if cmd == nil {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Den formular kender jeg ikke. Skriv kommandoen i stedet; »hjælp« viser dem alle.",
			"I do not know that form. Type the command instead; »help« shows them all."))
	}
	*name = cmd.Name
	if !cmd.allowed(c.actor.Role) {
		return bot.Message{}, forbidden(c, cmd)
	}
	// The subject comes back from the platform, and may be forged like any
	// value: it is checked as a typed line is before it is looked up.
	if _, err := cleanLine(c.lang, subject); err != nil {
		return bot.Message{}, err
	}
	co, err := s.company(ctx, c, fields(subject))
	if err != nil {
		return bot.Message{}, err
	}
	form, _ := bot.NewForm(kind, co.Name, c.now, c.lang)
	if req.OpenForm != nil {
		return bot.Message{Blocks: []bot.Block{bot.Text{Text: form.Title + ": " + co.Name}}, Form: &form}, nil
	}
	values := req.Submit.Values
	msg, field, err := s.submitForm(ctx, c, co, form, values)
	var be *bot.Error
	if err != nil && errors.As(err, &be) && be.Code != bot.Internal {
		refilled := form.Refill(withoutPersonalData(values), be.Message, field)
		return bot.Message{Blocks: []bot.Block{bot.Text{Text: "⚠️ " + be.Message}}, Error: true, Form: &refilled}, nil
	}
	return msg, err
}

// submitForm reads and runs a submitted form about co. field names the
// input a refusal is about ("" for the form as a whole).
func (s *Service) submitForm(ctx context.Context, c *call, co bot.Company, form bot.Form, values map[string]string) (bot.Message, string, error) {
	if id, text, missing := form.Missing(values); missing {
		return bot.Message{}, id, bot.Errorf(bot.Invalid, "%s", text)
	}
	if id, err := checkValues(c, form, values); err != nil {
		return bot.Message{}, id, err
	}
	switch form.Kind {
	case bot.FormVisit:
		v := visitArgs{company: co}
		var err error
		if v.day, err = formDay(c, values[bot.InputDate]); err != nil {
			return bot.Message{}, bot.InputDate, err
		}
		v.kind = bot.KindVisit
		if k := values[bot.InputKind]; k != "" {
			var ok bool
			if v.kind, ok = choose(contactKinds, k); !ok {
				return bot.Message{}, bot.InputKind, bot.Errorf(bot.Invalid, "%s", c.tr(
					"Vælg, hvordan kontakten foregik: "+orList(c.lang, names(contactKinds, bot.Danish))+".",
					"Choose how the contact was made: "+orList(c.lang, names(contactKinds, bot.English))+"."))
			}
		}
		// The note is one line, checked as a typed line is (CPR numbers,
		// control characters, length), and taken whole: in a form nothing
		// in it is read as a date or a follow-up.
		if v.note, err = cleanLine(c.lang, values[bot.InputNote]); err != nil {
			return bot.Message{}, bot.InputNote, err
		}
		v.note = strings.Join(fields(v.note), " ")
		if err := validDay(c, v.day); err != nil {
			return bot.Message{}, bot.InputDate, err
		}
		msg, err := s.logVisit(ctx, c, v)
		return msg, "", err
	case bot.FormPlan:
		if err := s.mayEdit(ctx, c, co); err != nil {
			return bot.Message{}, "", err
		}
		day, err := formDay(c, values[bot.InputDate])
		if err == nil {
			day, err = dayAhead(c, []string{day.Format(time.DateOnly)}, c.tr("planlæg "+co.Name+" fredag", "plan "+co.Name+" friday"), Ahead)
		}
		if err != nil {
			return bot.Message{}, bot.InputDate, err
		}
		msg, err := s.planOn(ctx, c, co, day)
		return msg, "", err
	}
	return bot.Message{}, "", bot.Errorf(bot.Invalid, "%s", c.tr("Den formular kender jeg ikke.", "I do not know that form."))
}

// formDay reads a date input: an ISO date, as date pickers send it.
func formDay(c *call, s string) (time.Time, error) {
	day, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), bot.Copenhagen)
	if err != nil {
		return time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr("Vælg en dato i kalenderen.", "Choose a date in the calendar."))
	}
	return day, nil
}

// checkValues checks every submitted value as a typed line is checked
// (CPR numbers, control and bidi characters, length), the form's inputs
// in order and then any other value a forged submission holds, before any
// is read: a date or a choice is never stored as typed, but a refusal
// must not depend on which value a field is read from. It returns the id
// of the first value refused.
func checkValues(c *call, form bot.Form, values map[string]string) (string, error) {
	ids := make([]string, 0, len(values))
	for _, in := range form.Fields {
		if _, ok := values[in.ID]; ok {
			ids = append(ids, in.ID)
		}
	}
	var others []string
	for id := range values {
		if !slices.Contains(ids, id) {
			others = append(others, id)
		}
	}
	slices.Sort(others)
	for _, id := range append(ids, others...) {
		if _, err := cleanLine(c.lang, values[id]); err != nil {
			return id, err
		}
	}
	return "", nil
}

// withoutPersonalData returns values without those that hold a CPR
// number: a refused form is shown again with what was entered, and on
// Teams it is posted in the conversation, where others may read it.
func withoutPersonalData(values map[string]string) map[string]string {
	out := make(map[string]string, len(values))
	for id, v := range values {
		if !bot.ContainsCPR(v) {
			out[id] = v
		}
	}
	return out
}
