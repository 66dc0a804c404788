package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kontaktbot/bot"
)

// Correcting a contact after the undo window: a consultant names the
// company and the contact's number as »virksomhed historik« shows it (1
// is the newest), and edits or deletes it. Only the person who logged a
// contact may change it; the reply shows what it was and what it is now,
// so a number that moved (a contact logged in between) is seen at once.

// runContactEdit: »kontakt ret <virksomhed> <nr> [dato] [art] [note]
// [opfølgning <dato>]«. What is written replaces the contact's own; what
// is left out stays.
func runContactEdit(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	co, ct, n, rest, err := s.ownContact(ctx, c, args, "contact edit")
	if err != nil {
		return bot.Message{}, err
	}
	v, err := readVisitTail(c, co.Name, rest)
	if err == nil {
		err = validDay(c, v.day)
	}
	if err != nil {
		return bot.Message{}, err
	}
	if v.day.IsZero() && v.kind == "" && v.note == "" && v.followUp.IsZero() {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Skriv, hvad der skal rettes efter nummeret: dato, art, note eller opfølgning, fx »kontakt ret "+co.Name+" "+itoa(n)+" i går telefon aftalte besøg«. Intet er ændret.",
			"Write what to correct after the number: date, kind, note or follow-up, e.g. »contact edit "+co.Name+" "+itoa(n)+" yesterday phone agreed a visit«. Nothing was changed."))
	}
	before, after, err := s.contacts.EditContact(ctx, ct, func(x *bot.Contact) error {
		if !v.day.IsZero() && !v.day.Equal(bot.Day(x.At)) {
			x.At = v.day.Add(12 * time.Hour) // a day without a time: midday
			if v.day.Equal(bot.Day(c.now)) {
				x.At = c.now
			}
		}
		if v.kind != "" {
			x.Kind = v.kind
		}
		if v.note != "" {
			x.Note = v.note
		}
		if !v.followUp.IsZero() {
			x.FollowUp = v.followUp
		}
		return nil
	})
	if err != nil {
		return bot.Message{}, s.contactGone(c, co, n, err)
	}
	co, err = s.contacts.Company(ctx, co.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("edit contact: %w", err)
	}
	return bot.Reply(c.tr("✏️ Rettet: kontakt "+itoa(n)+" hos "+co.Name+".", "✏️ Corrected: contact "+itoa(n)+" with "+co.Name+".") +
		c.tr(" Før: ", " Was: ") + contactLine(c, before) + c.tr(". Nu: ", ". Now: ") + contactLine(c, after) + "." + nextDue(c, co)), nil
}

// runContactDelete: »kontakt slet <virksomhed> <nr>«.
func runContactDelete(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	co, ct, n, rest, err := s.ownContact(ctx, c, args, "contact delete")
	if err != nil {
		return bot.Message{}, err
	}
	if len(rest) > 0 {
		return bot.Message{}, usageError(s, c, "contact delete")
	}
	gone, err := s.contacts.DeleteContact(ctx, ct)
	if err != nil {
		return bot.Message{}, s.contactGone(c, co, n, err)
	}
	co, err = s.contacts.Company(ctx, co.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("delete contact: %w", err)
	}
	return bot.Reply(c.tr("🗑️ Slettet: kontakt "+itoa(n)+" hos "+co.Name+": ", "🗑️ Deleted: contact "+itoa(n)+" with "+co.Name+": ") +
		contactLine(c, gone) + "." + nextDue(c, co)), nil
}

// ownContact reads »<virksomhed> <nr> …«: the company, the contact with
// that number in its history, the number and the words after it. A
// contact someone else logged is refused.
func (s *Service) ownContact(ctx context.Context, c *call, args []string, cmd string) (bot.Company, bot.Contact, int, []string, error) {
	var ct bot.Contact
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return co, ct, 0, nil, err
	}
	if len(rest) > 1 && (strings.EqualFold(rest[0], "nr") || strings.EqualFold(rest[0], "nr.") || strings.EqualFold(rest[0], "no")) {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return co, ct, 0, nil, usageError(s, c, cmd)
	}
	id, ok := parsePositionID(rest[0])
	if !ok || id > 1<<20 {
		return co, ct, 0, nil, bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(rest[0])+"« er ikke et kontaktnummer. Numrene står i »virksomhed historik "+co.Name+"« (1 er den nyeste).",
			"»"+clip(rest[0])+"« is not a contact number. The numbers are in »company history "+co.Name+"« (1 is the newest)."))
	}
	n := int(id)
	page, total, err := s.contacts.ContactsPage(ctx, co.ID, n-1, 1)
	if err != nil {
		return co, ct, 0, nil, fmt.Errorf("contact by number: %w", err)
	}
	if len(page) == 0 {
		return co, ct, 0, nil, bot.Errorf(bot.NotFound, "%s", c.tr(
			co.Name+" har "+counted(total, "kontakt", "kontakter")+", så der er ingen kontakt "+itoa(n)+". Se numrene i »virksomhed historik "+co.Name+"«.",
			co.Name+" has "+counted(total, "contact", "contacts")+", so there is no contact "+itoa(n)+". See the numbers in »company history "+co.Name+"«."))
	}
	ct = page[0]
	if ct.ConsultantID != c.actor.ID {
		who := s.nameCache(ctx, c.lang)(ct.ConsultantID)
		if who == "" {
			who = c.tr("en anden", "someone else")
		}
		return co, ct, 0, nil, bot.Errorf(bot.Forbidden, "%s", c.tr(
			"Kontakt "+itoa(n)+" hos "+co.Name+" ("+contactLine(c, ct)+") er noteret af "+who+"; kun den, der noterede en kontakt, kan rette eller slette den. Intet er ændret.",
			"Contact "+itoa(n)+" with "+co.Name+" ("+contactLine(c, ct)+") was logged by "+who+"; only the person who logged a contact can correct or delete it. Nothing was changed."))
	}
	return co, ct, n, rest[1:], nil
}

// contactGone explains a contact that changed between reading and writing.
func (s *Service) contactGone(c *call, co bot.Company, n int, err error) error {
	if isNotFound(err) {
		return bot.Errorf(bot.Conflict, "%s", c.tr(
			"Kontakt "+itoa(n)+" hos "+co.Name+" blev ændret imens; se »virksomhed historik "+co.Name+"« og prøv igen. Intet er ændret.",
			"Contact "+itoa(n)+" with "+co.Name+" changed meanwhile; see »company history "+co.Name+"« and try again. Nothing was changed."))
	}
	var be *bot.Error
	if errors.As(err, &be) {
		return be
	}
	return fmt.Errorf("correct contact: %w", err)
}

// contactLine is one contact as the history shows it: day, kind, note and
// follow-up.
func contactLine(c *call, ct bot.Contact) string {
	line := bot.FormatDay(ct.At, c.lang) + " " + kindName(c.lang, ct.Kind) + ": »" + clipNote(ct.Note) + "«"
	if !ct.FollowUp.IsZero() {
		line += c.tr(" · opfølgning ", " · follow-up ") + bot.FormatDate(ct.FollowUp, c.lang)
	}
	return line
}

// nextDue is the company's next due day, as a sentence to end a reply.
func nextDue(c *call, co bot.Company) string {
	due := co.DueDay()
	if due.IsZero() {
		return ""
	}
	return c.tr(" Næste kontakt senest ", " Next contact due ") + bot.FormatDate(due, c.lang) + "."
}
