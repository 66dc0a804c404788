package bot

import (
	"strings"
	"time"
)

// A Form is what a person fills in instead of typing a command line: the
// neutral model of Slack's modals and Teams' input cards. The bot builds
// it; each adapter renders it natively and sends the answer back as a
// Submission, which the commands read field by field. No adapter writes
// or reads the command grammar to carry a form.
type Form struct {
	// Kind is what submitting the form does: FormVisit or FormPlan.
	Kind string
	// Subject is what the form is about (a company's name); it comes back
	// with the submission.
	Subject string
	// Title heads the form; Intro, if set, explains it under the title.
	Title, Intro string
	// Submit and Cancel label the form's buttons.
	Submit, Cancel string
	// Fields are the inputs, in order.
	Fields []Input
	// Error is a refusal of the last submission, shown with the form when
	// it comes back; ErrorField is the input it is about, when there is one.
	Error, ErrorField string
}

// The kinds of form.
const (
	FormVisit = "visit" // log a contact: date, kind, note
	FormPlan  = "plan"  // plan the next contact: date
)

// The ids of the inputs of the forms.
const (
	InputDate = "date"
	InputKind = "kind"
	InputNote = "note"
)

// InputType is the sort of value an input takes.
type InputType int

const (
	// InputDateType is a day, as an ISO date (2026-12-04).
	InputDateType InputType = iota
	// InputChoice is one of Options, by its Value.
	InputChoice
	// InputText is free text.
	InputText
)

// Input is one field of a Form.
type Input struct {
	ID    string
	Type  InputType
	Label string
	// Value is the initial value: an ISO date, an option's Value or text.
	Value string
	// Min and Max bound a date input (ISO dates; empty: no bound).
	Min, Max string
	// Options are a choice's answers.
	Options []Option
	// Placeholder shows in an empty text input.
	Placeholder string
	// Multiline and MaxLength shape a text input.
	Multiline bool
	MaxLength int
	// Required inputs must be filled in; Missing says so when one is not.
	Required bool
	Missing  string
}

// Option is one answer of a choice input.
type Option struct{ Value, Label string }

// FormRef names a form: its kind and its subject.
type FormRef struct {
	Kind    string
	Subject string
}

// Submission is a submitted form: its kind, its subject and the values
// entered, by input id.
type Submission struct {
	Form    string
	Subject string
	Values  map[string]string
}

// MaxNote is the longest note a form takes, as a command line does.
const MaxNote = 2000

// NewForm returns the form of kind about subject for a person of lang at
// now, or ok false for an unknown kind.
func NewForm(kind, subject string, now time.Time, lang Lang) (f Form, ok bool) {
	switch kind {
	case FormVisit:
		return VisitForm(subject, now, lang), true
	case FormPlan:
		return PlanForm(subject, now, lang), true
	}
	return Form{}, false
}

// VisitForm is the "log a contact" form about a company: the day (today
// by default, never later), how the contact was made, and a required note.
func VisitForm(company string, now time.Time, lang Lang) Form {
	today := Day(now).Format(time.DateOnly)
	kinds := make([]Option, 0, 4)
	for _, k := range []ContactKind{KindVisit, KindPhone, KindMail, KindMeeting} {
		kinds = append(kinds, Option{Value: string(k), Label: k.Label(lang)})
	}
	return Form{
		Kind: FormVisit, Subject: company,
		Title:  lang.Pick("Noter kontakt", "Log contact"),
		Submit: lang.Pick("Gem", "Save"), Cancel: lang.Pick("Annullér", "Cancel"),
		Fields: []Input{
			{ID: InputDate, Type: InputDateType, Label: lang.Pick("Dato", "Date"), Value: today, Max: today, Required: true,
				Missing: lang.Pick("Vælg en dato.", "Choose a date.")},
			{ID: InputKind, Type: InputChoice, Label: lang.Pick("Type", "Kind"), Value: string(KindVisit), Options: kinds},
			{ID: InputNote, Type: InputText, Label: lang.Pick("Note", "Note"),
				Placeholder: lang.Pick("Fx: mødte Lars om to svejsere", "E.g. met Lars about two welders"),
				Multiline:   true, MaxLength: MaxNote, Required: true,
				Missing: lang.Pick("Skriv en kort note om kontakten, fx »mødte Lars om to svejsere«.",
					"Write a short note about the contact, e.g. »met Lars about two welders«.")},
		},
	}
}

// PlanForm is the "plan the next contact" form about a company: one day,
// a week ahead by default, today or later.
func PlanForm(company string, now time.Time, lang Lang) Form {
	return Form{
		Kind: FormPlan, Subject: company,
		Title:  lang.Pick("Planlæg kontakt", "Plan contact"),
		Intro:  lang.Pick("Påmindelsen om virksomheden venter til den dag.", "The nudge about the company waits until that day."),
		Submit: lang.Pick("Planlæg", "Plan"), Cancel: lang.Pick("Annullér", "Cancel"),
		Fields: []Input{
			{ID: InputDate, Type: InputDateType, Label: lang.Pick("Næste kontakt", "Next contact"),
				Value: AddDays(now, 7).Format(time.DateOnly), Min: Day(now).Format(time.DateOnly), Required: true,
				Missing: lang.Pick("Vælg en dato.", "Choose a date.")},
		},
	}
}

// Refill returns the form to show again after a refused submission: the
// inputs hold the values entered, and errText, the refusal, is shown with
// it, about the input errField ("" for the form as a whole).
func (f Form) Refill(values map[string]string, errText, errField string) Form {
	fields := make([]Input, len(f.Fields))
	copy(fields, f.Fields)
	for i := range fields {
		if v, ok := values[fields[i].ID]; ok {
			fields[i].Value = v
		}
	}
	f.Fields, f.Error, f.ErrorField = fields, errText, errField
	return f
}

// Missing returns the first required input left empty (or blank) in values, and
// what to tell the person; ok is false when every required input is there.
func (f Form) Missing(values map[string]string) (id, text string, ok bool) {
	for _, in := range f.Fields {
		if in.Required && strings.TrimSpace(values[in.ID]) == "" {
			return in.ID, in.Missing, true
		}
	}
	return "", "", false
}
