package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kontaktbot/bot"
)

// UndoWindow is how long after logging a contact "undo" may remove it.
const UndoWindow = 10 * time.Minute

// maxPastDays is how far back a contact may be dated: further back is
// almost always a typo in the year.
const maxPastDays = 2 * 366

// kindWords maps the words a consultant uses for how a contact was made.
var kindWords = map[string]bot.ContactKind{
	"besoeg": bot.KindVisit, "visit": bot.KindVisit, "besog": bot.KindVisit,
	"telefon": bot.KindPhone, "tlf": bot.KindPhone, "phone": bot.KindPhone, "opkald": bot.KindPhone, "call": bot.KindPhone,
	"mail": bot.KindMail, "email": bot.KindMail,
	"moede": bot.KindMeeting, "meeting": bot.KindMeeting,
}

var followUpWords = []string{"opfølgning", "opfoelgning", "opfolgning", "followup", "follow-up"}

func kindName(lang bot.Lang, k bot.ContactKind) string { return k.Label(lang) }

// visitArgs is a parsed visit command.
type visitArgs struct {
	company  bot.Company
	day      time.Time // zero: today
	kind     bot.ContactKind
	note     string
	followUp time.Time
}

func (s *Service) parseVisit(ctx context.Context, c *call, args []string) (visitArgs, error) {
	var v visitArgs
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return v, err
	}
	v.company, v.kind = co, bot.KindVisit
	if day, n := TakeDate(rest, c.now); n > 0 {
		v.day, rest = day, rest[n:]
	}
	if len(rest) > 0 {
		if k, ok := kindWords[fold(rest[0])]; ok {
			v.kind, rest = k, rest[1:]
		}
	}
	if rest, v.followUp, err = takeFollowUp(c, rest); err != nil {
		return v, err
	}
	v.note = strings.Join(rest, " ")
	if v.note == "" {
		return v, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Skriv en kort note om kontakten efter virksomhedens navn, fx »visit "+co.Name+" mødte Lars om to svejsere«.",
			"Add a short note after the company's name, e.g. »visit "+co.Name+" met Lars about two welders«."))
	}
	return v, validDay(c, v.day)
}

// takeFollowUp removes a trailing "opfølgning <date>" from a note.
func takeFollowUp(c *call, words []string) ([]string, time.Time, error) {
	for i, w := range words {
		if !containsFold(followUpWords, w) {
			continue
		}
		day, n := TakeDate(words[i+1:], c.now)
		if n == 0 || i+1+n != len(words) {
			continue // "opfølgning" as an ordinary word in the note
		}
		if day.Before(bot.Day(c.now)) {
			return nil, time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr(
				"Opfølgningsdatoen "+bot.FormatDate(day, c.lang)+" er allerede passeret. Vælg i dag eller en dag frem i tiden.",
				"The follow-up date "+bot.FormatDate(day, c.lang)+" has passed. Choose today or a later day."))
		}
		return words[:i], day, nil
	}
	return words, time.Time{}, nil
}

func validDay(c *call, day time.Time) error {
	if day.IsZero() {
		return nil
	}
	today := bot.Day(c.now)
	if day.After(today) {
		return bot.Errorf(bot.Invalid, "%s", c.tr(
			"Datoen "+bot.FormatDate(day, c.lang)+" ligger i fremtiden. En kontakt noteres, når den har fundet sted; brug »opfølgning <dato>« til det, der kommer.",
			"The date "+bot.FormatDate(day, c.lang)+" is in the future. Log a contact once it has happened; use »follow-up <date>« for what is coming."))
	}
	if bot.DaysBetween(day, today) > maxPastDays {
		return bot.Errorf(bot.Invalid, "%s", c.tr(
			"Datoen "+bot.FormatDate(day, c.lang)+" er mere end to år siden. Tjek årstallet.",
			"The date "+bot.FormatDate(day, c.lang)+" is more than two years ago. Check the year."))
	}
	return nil
}

func containsFold(list []string, w string) bool {
	for _, x := range list {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

func runVisit(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	v, err := s.parseVisit(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	at := c.now
	if !v.day.IsZero() && !v.day.Equal(bot.Day(c.now)) {
		at = v.day.Add(12 * time.Hour) // a past day without a time: midday
	}
	contact, err := s.store.AddContact(ctx, bot.Contact{
		CompanyID: v.company.ID, ConsultantID: c.actor.ID, At: at,
		Kind: v.kind, Note: v.note, FollowUp: v.followUp, Logged: c.now,
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("log visit: %w", err)
	}
	// The reply needs only the new due day: the contact moves the last
	// contact forward exactly as storage did in its commit, so the company
	// is not read again (a visit is held to 1.5x a bare bbolt write).
	co := v.company
	if !contact.At.Before(co.LastContact) {
		co.LastContact = contact.At
	}
	return visitReply(c, co, contact), nil
}

func visitReply(c *call, co bot.Company, ct bot.Contact) bot.Message {
	line := c.tr("✅ Gemt: ", "✅ Saved: ") + kindName(c.lang, ct.Kind) + c.tr(" hos ", " with ") + co.Name +
		" " + bot.FormatDate(ct.At, c.lang) + "."
	var more []string
	if due := co.DueDay(); !due.IsZero() {
		more = append(more, c.tr("Næste kontakt senest ", "Next contact due ")+bot.FormatDate(due, c.lang)+
			c.tr(" (kadence "+itoa(co.CadenceDays)+" dage).", " (cadence "+itoa(co.CadenceDays)+" days)."))
	}
	if !ct.FollowUp.IsZero() {
		more = append(more, c.tr("Opfølgning: ", "Follow-up: ")+bot.FormatDate(ct.FollowUp, c.lang)+".")
	}
	if co.OwnerID != 0 && co.OwnerID != c.actor.ID {
		more = append(more, c.tr("Virksomheden har en anden fast konsulent; kontakten tæller for den.", "The company has another dedicated consultant; the contact counts for it."))
	}
	more = append(more, c.tr("Skrev du forkert? »fortryd« inden for 10 minutter.", "A mistake? »undo« within 10 minutes."))
	return bot.Message{Blocks: []bot.Block{bot.Text{Text: line + " " + strings.Join(more, " ")}}}
}

func runUndo(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	ct, err := s.store.UndoContact(ctx, c.actor.ID, c.now.Add(-UndoWindow))
	if err != nil {
		if isNotFound(err) {
			return bot.Message{}, bot.Errorf(bot.NotFound, "%s", c.tr(
				"Der er ingen kontakt at fortryde: du har ikke noteret nogen inden for de sidste 10 minutter.",
				"There is nothing to undo: you have logged no contact in the last 10 minutes."))
		}
		return bot.Message{}, fmt.Errorf("undo: %w", err)
	}
	name := c.tr("en virksomhed", "a company")
	if co, err := s.store.Company(ctx, ct.CompanyID); err == nil {
		name = co.Name
	}
	return bot.Reply(c.tr("↩️ Fortrudt: ", "↩️ Undone: ") + kindName(c.lang, ct.Kind) + c.tr(" hos ", " with ") + name +
		" " + bot.FormatDate(ct.At, c.lang) + c.tr(" er slettet.", " is removed.")), nil
}
