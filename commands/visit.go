package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kontaktbot/bot"
)

// contactLog is what logging and undoing a contact use of the store (the
// contracts are in store.go).
type contactLog interface {
	AddContact(ctx context.Context, c bot.Contact) (bot.Contact, error)
	UndoContact(ctx context.Context, consultantID uint64, since time.Time) (bot.Contact, error)
	Company(ctx context.Context, id uint64) (bot.Company, error)
	ContactsPage(ctx context.Context, companyID uint64, skip, limit int) ([]bot.Contact, int, error)
	EditContact(ctx context.Context, c bot.Contact, fn func(*bot.Contact) error) (before, after bot.Contact, err error)
	DeleteContact(ctx context.Context, c bot.Contact) (bot.Contact, error)
}

// UndoWindow is how long after logging a contact "undo" may remove it.
const UndoWindow = 10 * time.Minute

// maxPastDays is how far back a contact may be dated: further back is
// almost always a typo in the year.
const maxPastDays = 2 * 366

// contactKinds are the words for how a contact was made.
var contactKinds = []Choice[bot.ContactKind]{
	{word("besøg", "visit", "besoeg", "besog"), bot.KindVisit},
	{word("telefon", "phone", "tlf", "opkald", "call"), bot.KindPhone},
	{word("mail", "mail", "email", "e-mail"), bot.KindMail},
	{word("møde", "meeting", "moede"), bot.KindMeeting},
}

// followUpWord introduces a follow-up date at the end of a visit's note.
var followUpWord = word("opfølgning", "follow-up", "followup", "opf")

func kindName(lang bot.Lang, k bot.ContactKind) string { return k.Label(lang) }

// visitArgs is a parsed visit command.
type visitArgs struct {
	company bot.Company
	visitTail
}

// visitTail is what a visit line says after the company: the day (zero
// for today), how the contact was made, the note and a follow-up day.
type visitTail struct {
	day      time.Time
	kind     bot.ContactKind
	note     string
	followUp time.Time
}

func (s *Service) parseVisit(ctx context.Context, c *call, args []string) (visitArgs, error) {
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return visitArgs{}, err
	}
	tail, err := parseVisitTail(c, co.Name, rest)
	return visitArgs{company: co, visitTail: tail}, err
}

// parseVisitTail reads "[dato] [besøg|telefon|mail|møde] <note>
// [opfølgning <dato>]", the words after the company named name; the date
// and the kind may come in either order. It reads nothing from the store.
// A date or follow-up that cannot be read refuses the whole line: a
// contact saved with today's date and the date in its note is worse than
// no contact.
func parseVisitTail(c *call, name string, rest []string) (visitTail, error) {
	v, err := readVisitTail(c, name, rest)
	if err != nil {
		return v, err
	}
	if v.kind == "" {
		v.kind = bot.KindVisit
	}
	if v.note == "" {
		return v, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Skriv en kort note om kontakten efter virksomhedens navn, fx »besøg "+name+" mødte Lars om to svejsere«. Intet er gemt.",
			"Add a short note after the company's name, e.g. »visit "+name+" met Lars about two welders«. Nothing was saved."))
	}
	return v, validDay(c, v.day)
}

// readVisitTail is parseVisitTail without its defaults and demands: what
// is not written stays zero (the kind ""), so that a correction changes
// only what it names.
func readVisitTail(c *call, name string, rest []string) (visitTail, error) {
	var v visitTail
	eg := c.tr(" Skriv fx »besøg "+name+" i går telefon aftalte besøg opfølgning 10/12«.",
		" For example: »visit "+name+" yesterday phone agreed a visit follow-up 10/12«.")
	dated, kinded := false, false
	for range 2 {
		if len(rest) == 0 {
			break
		}
		if r := ReadDate(rest, c.now, Past); !dated && r.Attempted() {
			if !r.OK {
				return v, unreadableDate(c, rest[:r.N], Past, eg+notADate(c, rest[:r.N]))
			}
			v.day, rest, dated = r.Day, rest[r.N:], true
			continue
		}
		if k, ok := choose(contactKinds, rest[0]); !kinded && ok {
			v.kind, rest, kinded = k, rest[1:], true
			continue
		}
		break
	}
	rest, followUp, err := takeFollowUp(c, rest, eg)
	if err != nil {
		return v, err
	}
	v.followUp = followUp
	v.note = strings.Join(rest, " ")
	return v, nil
}

// notADate is the way out for a note that begins with what only looks
// like a date (»2-3 svejsere«, »3. gang«): write the date first. A slash,
// a month or a week is a date, so it gets no such hint.
func notADate(c *call, attempt []string) string {
	w := attempt[0]
	if len(attempt) > 1 || strings.Contains(w, "/") || !looksLikeDate(w) {
		return ""
	}
	return c.tr(" Er »"+w+"« ikke en dato, så skriv datoen først, fx »i dag "+w+" …«.",
		" If »"+w+"« is not a date, write the date first, e.g. »today "+w+" …«.")
}

// takeFollowUp removes "opfølgning <dato>" from the end of a note. The
// word followed by something that is no date is an ordinary word of the
// note; followed by a date that cannot be read, or by a date with more
// note after it, the line is refused, since either reading could be wrong.
func takeFollowUp(c *call, words []string, eg string) ([]string, time.Time, error) {
	for i, w := range words {
		if !followUpWord.Is(w) {
			continue
		}
		r := ReadDate(words[i+1:], c.now, Ahead)
		switch {
		case !r.Attempted():
			continue // »opfølgning« as an ordinary word in the note
		case !r.OK:
			return nil, time.Time{}, unreadableDate(c, words[i+1:i+1+r.N], Ahead, eg)
		case i+1+r.N != len(words):
			return nil, time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr(
				"»"+w+" "+strings.Join(words[i+1:i+1+r.N], " ")+"« står midt i noten. Skriv opfølgningen til sidst på linjen, så jeg ved, hvad der er noten, og hvad der er datoen. Intet er gemt.",
				"»"+w+" "+strings.Join(words[i+1:i+1+r.N], " ")+"« stands in the middle of the note. Put the follow-up at the end of the line, so I know what is note and what is date. Nothing was saved.")+eg)
		}
		day, err := dayAhead(c, words[i+1:], c.tr("besøg … opfølgning 10/12", "visit … follow-up 10/12"), Ahead)
		if err != nil {
			return nil, time.Time{}, err
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
			"Datoen "+bot.FormatDay(day, c.lang)+" ligger i fremtiden, så intet er gemt. En kontakt noteres, når den har fundet sted; brug »opfølgning <dato>« til det, der kommer, eller »planlæg«.",
			"The date "+bot.FormatDay(day, c.lang)+" is in the future, so nothing was saved. Log a contact once it has happened; use »follow-up <date>« for what is coming, or »plan«."))
	}
	if bot.DaysBetween(day, today) > maxPastDays {
		return bot.Errorf(bot.Invalid, "%s", c.tr(
			"Datoen "+bot.FormatDay(day, c.lang)+" er mere end to år siden, så intet er gemt. Tjek årstallet.",
			"The date "+bot.FormatDay(day, c.lang)+" is more than two years ago, so nothing was saved. Check the year."))
	}
	return nil
}

func runVisit(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	v, err := s.parseVisit(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	return s.logVisit(ctx, c, v)
}

// logVisit stores the contact v describes, by c's person, and confirms it.
func (s *Service) logVisit(ctx context.Context, c *call, v visitArgs) (bot.Message, error) {
	at := c.now
	if !v.day.IsZero() && !v.day.Equal(bot.Day(c.now)) {
		at = v.day.Add(12 * time.Hour) // a past day without a time: midday
	}
	contact, err := s.contacts.AddContact(ctx, bot.Contact{
		CompanyID: v.company.ID, ConsultantID: c.actor.ID, At: at,
		Kind: v.kind, Note: v.note, FollowUp: v.followUp, Logged: c.now,
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("log visit: %w", err)
	}
	// The reply needs only the new due day: the contact moves the last
	// contact forward exactly as storage did in its commit, so the company
	// is not read again (a visit is held to 1.3x a bare bbolt write).
	co := v.company
	if !contact.At.Before(co.LastContact) {
		co.LastContact = contact.At
	}
	s.markNudge(ctx, c, co, contact, false)
	msg := visitReply(c, co, contact, s.ownerNote(ctx, c, co))
	msg.Blocks = append(msg.Blocks, s.nearby(ctx, c, co, contact)...)
	return msg, nil
}

// visitReply confirms a saved contact naming every field that was stored:
// how, with whom, the day with its weekday, the note and the follow-up, so
// that a consultant sees at once what went where.
func visitReply(c *call, co bot.Company, ct bot.Contact, owner string) bot.Message {
	line := c.tr("✅ Gemt: ", "✅ Saved: ") + kindName(c.lang, ct.Kind) + c.tr(" hos ", " with ") + co.Name +
		" " + bot.FormatDay(ct.At, c.lang) + ": »" + clipNote(ct.Note) + "«."
	var more []string
	if !ct.FollowUp.IsZero() {
		more = append(more, c.tr("Opfølgning: ", "Follow-up: ")+bot.FormatDay(ct.FollowUp, c.lang)+".")
	}
	if due := co.DueDay(); !due.IsZero() {
		more = append(more, c.tr("Næste kontakt senest ", "Next contact due ")+bot.FormatDate(due, c.lang)+
			c.tr(" (kadence "+itoa(co.CadenceDays)+" dage).", " (cadence "+itoa(co.CadenceDays)+" days)."))
	}
	if owner != "" {
		more = append(more, owner)
	}
	more = append(more, c.tr("Skrev du forkert? »fortryd« inden for 10 minutter.", "A mistake? »undo« within 10 minutes."))
	return bot.Message{Blocks: []bot.Block{bot.Text{Text: line + " " + strings.Join(more, " ")}}}
}

// ownerNote is what the reply to a contact with someone else's company
// says of its dedicated consultant: who it is, and, across a jobcenter
// border, which jobcenter and that they hear of it in the morning (the
// nudge tells them, see reminders.Crossings). "" for one's own company or
// one without a consultant.
func (s *Service) ownerNote(ctx context.Context, c *call, co bot.Company) string {
	if co.OwnerID == 0 || co.OwnerID == c.actor.ID {
		return ""
	}
	o, err := s.people.Consultant(ctx, co.OwnerID)
	if err != nil {
		return c.tr("Virksomheden har en anden fast konsulent; kontakten tæller for den.", "The company has another dedicated consultant; the contact counts for it.")
	}
	if o.JobcenterID == c.actor.JobcenterID {
		return c.tr(o.Name+" er fast konsulent for "+co.Name+"; kontakten tæller for virksomheden.",
			o.Name+" is the dedicated consultant of "+co.Name+"; the contact counts for the company.")
	}
	j := s.jobcenterName(ctx, o.JobcenterID)
	return c.tr(co.Name+" har fast konsulent "+o.Name+" i "+j+", som får besked om kontakten i sin næste morgenpåmindelse.",
		co.Name+"'s dedicated consultant is "+o.Name+" of "+j+", who hears of the contact in their next morning nudge.")
}

// clipNote shortens a long note where a reply echoes it.
func clipNote(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

func runUndo(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	ct, err := s.contacts.UndoContact(ctx, c.actor.ID, c.now.Add(-UndoWindow))
	if err != nil {
		if isNotFound(err) {
			return bot.Message{}, bot.Errorf(bot.NotFound, "%s", c.tr(
				"Der er ingen kontakt at fortryde: du har ikke noteret nogen inden for de sidste 10 minutter.",
				"There is nothing to undo: you have logged no contact in the last 10 minutes."))
		}
		return bot.Message{}, fmt.Errorf("undo: %w", err)
	}
	name := c.tr("en virksomhed", "a company")
	if co, err := s.contacts.Company(ctx, ct.CompanyID); err == nil {
		name = co.Name
		s.markNudge(ctx, c, co, ct, true)
	}
	return bot.Reply(c.tr("↩️ Fortrudt: ", "↩️ Undone: ") + kindName(c.lang, ct.Kind) + c.tr(" hos ", " with ") + name +
		" " + bot.FormatDay(ct.At, c.lang) + c.tr(" er slettet.", " is removed.")), nil
}
