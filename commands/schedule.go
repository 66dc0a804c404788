package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kontaktbot/bot"
)

// The commands here move reminders in time: a planned contact (plan), a
// snooze (snooze), an absence (away) and a jobcenter's closed days. None
// of them sends anything; they change what the morning sweep will read.

// maxAheadDays is how far ahead a plan or an absence may reach: a year.
// Further is a pause, or a typo in the year.
const maxAheadDays = 365

// offWords end a plan or an absence, or clear closed days.
var offWords = []string{"off", "ingen", "none", "slut", "stop", "slet", "clear", "end", "ended", "tilbage", "back"}

func isOff(w string) bool { return containsFold(offWords, fold(w)) }

// dayAhead reads words that must be exactly one date, from today to
// maxAheadDays ahead, the way TakeFutureDate reads it. Every refusal says
// what was wrong and shows example, a whole command line.
func dayAhead(c *call, words []string, example string) (time.Time, error) {
	eg := c.tr(" Skriv fx »"+example+"«.", " For example: »"+example+"«.")
	if len(words) == 0 {
		return time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr("Der mangler en dato.", "A date is missing.")+eg)
	}
	today := bot.Day(c.now)
	day, n := TakeFutureDate(words, c.now)
	if n == 0 || n != len(words) {
		// Looking back reads »i går« and a date that has passed, so the
		// refusal can say that instead of "cannot read".
		d, m := TakeDate(words, c.now)
		if m == 0 || m != len(words) || !d.Before(today) {
			return time.Time{}, unreadableDate(c, words, eg)
		}
		day = d
	}
	switch ahead := bot.DaysBetween(today, day); {
	case ahead < 0:
		return time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Datoen "+bot.FormatDate(day, c.lang)+" er allerede passeret. Vælg i dag eller en dag frem i tiden.",
			"The date "+bot.FormatDate(day, c.lang)+" has passed. Choose today or a later day.")+eg)
	case ahead > maxAheadDays:
		return time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Datoen "+bot.FormatDate(day, c.lang)+" ligger mere end et år ude. Vælg en dag inden for det næste år.",
			"The date "+bot.FormatDate(day, c.lang)+" is more than a year ahead. Choose a day within the next year.")+eg)
	}
	return day, nil
}

func unreadableDate(c *call, words []string, eg string) error {
	typed := clip(strings.Join(words, " "))
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		"»"+typed+"« kan jeg ikke læse som en dato. Skriv fx 3/12, 03.12.2026, 2026-12-03, i morgen eller fredag.",
		"I cannot read »"+typed+"« as a date. Write e.g. 3/12, 03.12.2026, 2026-12-03, tomorrow or friday.")+eg)
}

// notActive refuses to move the reminders of a paused or ended company,
// which has none.
func notActive(c *call, co bot.Company) error {
	if co.Status == bot.StatusActive {
		return nil
	}
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		co.Name+" er "+statusName(c, co.Status)+" og får ingen påmindelser. Skriv »company resume "+co.Name+"« først, hvis kontakten skal i gang igen.",
		co.Name+" is "+statusName(c, co.Status)+" and gets no reminders. Type »company resume "+co.Name+"« first if contact is to start again."))
}

// nudgeNote says when the nudge about co comes, as the sweep reads it:
// the nudge day, or on the first working morning after it.
func nudgeNote(c *call, co bot.Company) string {
	day, ok := co.NudgeDay()
	if !ok {
		return ""
	}
	if !day.After(bot.Day(c.now)) {
		return c.tr(" Den er allerede over kadencen og står i næste morgenpåmindelse.", " It is already past its cadence and will be in the next morning nudge.")
	}
	return c.tr(" Påmindelsen om "+co.Name+" kommer tidligst "+bot.FormatDate(day, c.lang)+", hvis der ikke er noteret en kontakt inden.",
		" The nudge about "+co.Name+" comes on "+bot.FormatDate(day, c.lang)+" at the earliest, unless a contact is logged before.")
}

func runPlan(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "plan")
	}
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if err := mayEdit(c, co); err != nil {
		return bot.Message{}, err
	}
	if len(rest) == 1 && isOff(rest[0]) {
		return s.unplan(ctx, c, co)
	}
	if len(rest) == 0 && !co.PlannedNext.IsZero() && !co.PlannedNext.Before(bot.Day(c.now)) {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Næste kontakt med "+co.Name+" er planlagt til "+bot.FormatDate(co.PlannedNext, c.lang)+". Skriv en ny dato for at flytte den, fx »plan "+co.Name+" fredag«, eller »plan "+co.Name+" ingen« for at fjerne den.",
			"The next contact with "+co.Name+" is planned for "+bot.FormatDate(co.PlannedNext, c.lang)+". Give a new date to move it, e.g. »plan "+co.Name+" friday«, or »plan "+co.Name+" off« to remove it."))
	}
	day, err := dayAhead(c, rest, c.tr("plan "+co.Name+" fredag", "plan "+co.Name+" friday"))
	if err != nil {
		return bot.Message{}, err
	}
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error {
		if err := notActive(c, *x); err != nil {
			return err
		}
		x.PlannedNext = day
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr("📅 Næste kontakt med "+co.Name+" er planlagt til "+bot.FormatDate(day, c.lang)+".",
		"📅 The next contact with "+co.Name+" is planned for "+bot.FormatDate(day, c.lang)+".") + nudgeNote(c, co)), nil
}

func (s *Service) unplan(ctx context.Context, c *call, co bot.Company) (bot.Message, error) {
	had := !co.PlannedNext.IsZero()
	co, err := s.editCompany(ctx, c, co, func(x *bot.Company) error { x.PlannedNext = time.Time{}; return nil })
	if err != nil {
		return bot.Message{}, err
	}
	if !had {
		return bot.Reply(c.tr("Der var ingen planlagt kontakt med "+co.Name+".", "There was no planned contact with "+co.Name+".")), nil
	}
	return bot.Reply(c.tr("✅ Den planlagte kontakt med "+co.Name+" er fjernet.", "✅ The planned contact with "+co.Name+" is removed.") + nudgeNote(c, co)), nil
}

// untilWords may stand between a company and its snooze, or before the
// last day of an absence.
var untilWords = []string{"til", "until", "to", "indtil", "tom"}

func runSnooze(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "snooze")
	}
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if err := mayEdit(c, co); err != nil {
		return bot.Message{}, err
	}
	if len(rest) > 1 && containsFold(untilWords, fold(rest[0])) {
		rest = rest[1:]
	}
	until, n := TakeSnooze(rest, c.now)
	if n == 0 || n != len(rest) {
		return bot.Message{}, snoozeError(c, co, rest)
	}
	if err := notActive(c, co); err != nil {
		return bot.Message{}, err
	}
	// A snooze that ends before the nudge would come anyway holds nothing
	// back; storing it would only count towards the lead's digest.
	unsnoozed := co
	unsnoozed.SnoozedUntil = time.Time{}
	if base, ok := unsnoozed.NudgeDay(); ok && !until.After(base) {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Påmindelsen om "+co.Name+" kommer først "+bot.FormatDate(base, c.lang)+", så en udsættelse til "+bot.FormatDate(until, c.lang)+" ændrer intet, og intet er gemt. Har I aftalt en kontakt, så skriv »plan "+co.Name+" <dato>«.",
			"The nudge about "+co.Name+" does not come before "+bot.FormatDate(base, c.lang)+", so a snooze until "+bot.FormatDate(until, c.lang)+" changes nothing, and nothing was saved. If you have agreed a contact, type »plan "+co.Name+" <date>«."))
	}
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error {
		if err := notActive(c, *x); err != nil {
			return err
		}
		// The same snooze sent twice (a double click) is one snooze.
		if !bot.Day(x.SnoozedUntil).Equal(until) || x.SnoozedUntil.IsZero() {
			x.SnoozedUntil = until
			x.SnoozeCount++
		}
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr("💤 "+co.Name+" er udsat til "+bot.FormatDate(until, c.lang)+": påmindelsen kommer tidligst den dag, hvis der ikke er noteret en kontakt inden.",
		"💤 "+co.Name+" is snoozed until "+bot.FormatDate(until, c.lang)+": the nudge comes that day at the earliest, unless a contact is logged before.") +
		escalationNote(c, co)), nil
}

// escalationNote warns, politely, when the company is or will be in the
// team lead's weekly digest.
func escalationNote(c *call, co bot.Company) string {
	n := itoa(co.SnoozeCount)
	switch {
	case co.SnoozeCount >= bot.EscalationSnoozes:
		return c.tr(" Bemærk: "+co.Name+" er nu udsat "+n+" gange i træk uden kontakt og kommer derfor med i teamlederens ugentlige oversigt. En noteret kontakt nulstiller tællingen.",
			" Please note: "+co.Name+" has now been snoozed "+n+" times in a row without a contact, so it will appear in the team lead's weekly digest. Logging a contact resets the count.")
	case co.Escalated(c.now):
		return c.tr(" Bemærk: "+co.Name+" er mere end en hel kadence over tid og står derfor i teamlederens ugentlige oversigt, til der er noteret en kontakt.",
			" Please note: "+co.Name+" is more than a whole cadence overdue, so it is in the team lead's weekly digest until a contact is logged.")
	case co.SnoozeCount == bot.EscalationSnoozes-1:
		return c.tr(" Udsat "+n+" gange i træk: udsættes den igen uden kontakt, kommer den med i teamlederens ugentlige oversigt.",
			" Snoozed "+n+" times in a row: one more snooze without a contact brings it into the team lead's weekly digest.")
	}
	return ""
}

// snoozeError explains why rest is no snooze: missing, a length outside
// 1..365 days, a day not after today or too far ahead, or unreadable.
func snoozeError(c *call, co bot.Company, rest []string) error {
	eg := c.tr(" Skriv fx »udsæt "+co.Name+" 7d«, »udsæt "+co.Name+" 2 uger« eller »udsæt "+co.Name+" 15/12«.",
		" For example: »snooze "+co.Name+" 7d«, »snooze "+co.Name+" 2 weeks« or »snooze "+co.Name+" 15/12«.")
	if len(rest) == 0 {
		return bot.Errorf(bot.Invalid, "%s", c.tr("Skriv, hvor længe "+co.Name+" skal udsættes.", "Say how long to snooze "+co.Name+".")+eg)
	}
	if w := rest[0]; w[0] >= '0' && w[0] <= '9' && !strings.ContainsAny(w, "/.-") {
		return bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(strings.Join(rest, " "))+"« kan jeg ikke bruge: en udsættelse skal vare fra 1 til "+itoa(maxSnoozeDays)+" dage, skrevet som dage (d) eller uger (u).",
			"I cannot use »"+clip(strings.Join(rest, " "))+"«: a snooze must last from 1 to "+itoa(maxSnoozeDays)+" days, written in days (d) or weeks (w).")+eg)
	}
	day, err := dayAhead(c, rest, c.tr("udsæt "+co.Name+" 15/12", "snooze "+co.Name+" 15/12"))
	if err != nil {
		return err
	}
	if day.Equal(bot.Day(c.now)) {
		return bot.Errorf(bot.Invalid, "%s", c.tr("En udsættelse skal vare mindst til i morgen.", "A snooze must last at least until tomorrow.")+eg)
	}
	return bot.Errorf(bot.Invalid, "%s", c.tr("Det forstod jeg ikke helt.", "I did not quite understand that.")+eg)
}

// standInWords introduce the person who takes the nudges during an absence.
var standInWords = []string{"standin", "stedfortraeder", "vikar", "substitute", "cover", "afloeser"}

// awayArgs is a parsed away command.
type awayArgs struct {
	who     []string // the person away; empty: the caller
	off     bool
	date    []string // the last day away
	standIn []string // nil: none
}

// parseAway reads "[person] til <dato> [stedfortræder <person>]", a date
// alone ("fravær 4/12") and "[person] slut". ok is false for anything else,
// such as a person's name alone.
func parseAway(args []string, now time.Time) (a awayArgs, ok bool) {
	for k, w := range args {
		if containsFold(standInWords, fold(w)) {
			args, a.standIn = args[:k], args[k+1:]
			if a.standIn == nil {
				a.standIn = []string{}
			}
			break
		}
	}
	i := 0
	for i < len(args) && !containsFold(untilWords, fold(args[i])) {
		i++
	}
	switch {
	case i < len(args):
		a.who, a.date = args[:i], args[i+1:]
		// »til og med« is Danish for "up to and including".
		if len(a.date) >= 2 && fold(a.date[0]) == "og" && fold(a.date[1]) == "med" {
			a.date = a.date[2:]
		}
		return a, true
	case a.standIn == nil && len(args) > 0 && isOff(args[len(args)-1]):
		return awayArgs{who: args[:len(args)-1], off: true}, true
	case len(args) == 0:
		return a, a.standIn != nil
	}
	// Without »til«: a date is the caller's last day, a name is a question.
	if _, n := TakeDate(args, now); n > 0 || (args[0][0] >= '0' && args[0][0] <= '9') || a.standIn != nil {
		a.date = args
		return a, true
	}
	return a, false
}

func runAway(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	a, ok := parseAway(args, c.now)
	if !ok {
		if len(args) == 0 {
			return awayStatus(ctx, s, c, c.actor)
		}
		p, err := s.person(ctx, c, args)
		if err != nil {
			return bot.Message{}, err
		}
		return awayStatus(ctx, s, c, p)
	}
	p := c.actor
	if len(a.who) > 0 {
		var err error
		if p, err = s.person(ctx, c, a.who); err != nil {
			return bot.Message{}, err
		}
	}
	if p.ID != c.actor.ID && c.actor.Role.Rank() < bot.RoleLead.Rank() {
		return bot.Message{}, bot.Errorf(bot.Forbidden, "%s", c.tr(
			"Du kan melde dit eget fravær; kun ledere og administratorer kan melde fravær for "+p.Name+".",
			"You can report your own absence; only leads and admins can report one for "+p.Name+"."))
	}
	if a.off {
		return s.awayOff(ctx, c, p)
	}
	example := c.tr("fravær til 4/12 stedfortræder Per Hansen", "away until 4/12 standin Per Hansen")
	last, err := dayAhead(c, a.date, example)
	if err != nil {
		return bot.Message{}, err
	}
	var sub bot.Consultant
	if len(a.standIn) > 0 && !(len(a.standIn) == 1 && isOff(a.standIn[0])) {
		if sub, err = s.standIn(ctx, c, p, a.standIn); err != nil {
			return bot.Message{}, err
		}
	} else if a.standIn != nil && len(a.standIn) == 0 {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr("Skriv, hvem der er stedfortræder.", "Say who the stand-in is.")+
			c.tr(" Skriv fx »"+example+"«.", " For example: »"+example+"«."))
	}
	p, err = s.store.UpdateConsultant(ctx, p.ID, func(x *bot.Consultant) error {
		x.AwayUntil, x.StandInID = last, sub.ID
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("away: %w", err)
	}
	return bot.Reply(awayReply(c, p, sub) + s.coveringNote(ctx, c, p)), nil
}

// standIn resolves the stand-in for p: someone else, who is not away today.
func (s *Service) standIn(ctx context.Context, c *call, p bot.Consultant, words []string) (bot.Consultant, error) {
	sub, err := s.person(ctx, c, words)
	if err != nil {
		return sub, err
	}
	if sub.ID == p.ID {
		return sub, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Stedfortræderen skal være en anden end den, der er væk. Skriv en kollegas navn, eller udelad stedfortræder, så venter påmindelserne.",
			"The stand-in must be someone other than the person away. Name a colleague, or leave out the stand-in and the nudges will wait."))
	}
	if sub.Away(c.now) {
		return sub, bot.Errorf(bot.Invalid, "%s", c.tr(
			sub.Name+" er selv væk til og med "+bot.FormatDate(sub.AwayUntil, c.lang)+" og kan ikke være stedfortræder nu. Vælg en anden.",
			sub.Name+" is away until "+bot.FormatDate(sub.AwayUntil, c.lang)+" and cannot be the stand-in now. Choose someone else."))
	}
	return sub, nil
}

// who names p in a reply to c: "du"/"you" for oneself, else the name, with
// the English verb and the possessive that go with it.
func who(c *call, p bot.Consultant) (name, isEN, of string) {
	if p.ID == c.actor.ID {
		return c.tr("du", "you"), "are", c.tr("dine", "your")
	}
	return p.Name, "is", c.tr(p.Name+"s", p.Name+"'s")
}

func capital(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	}
	return string(r)
}

func awayReply(c *call, p, sub bot.Consultant) string {
	name, is, of := who(c, p)
	obj := p.Name
	if p.ID == c.actor.ID {
		obj = c.tr("dig", "you")
	}
	last, back := bot.FormatDate(p.AwayUntil, c.lang), bot.FormatDate(bot.AddDays(p.AwayUntil, 1), c.lang)
	s := c.tr("🌴 "+capital(name)+" er meldt fraværende til og med "+last+". ", "🌴 "+capital(name)+" "+is+" away until and including "+last+". ")
	if sub.ID != 0 {
		return s + c.tr("Imens går påmindelserne om "+of+" virksomheder til "+sub.Name+". Fra "+back+" kommer de af sig selv til "+obj+" igen.",
			"Meanwhile the nudges about "+of+" companies go to "+sub.Name+". From "+back+" they come to "+obj+" again by themselves.")
	}
	return s + c.tr("Imens holder påmindelserne om "+of+" virksomheder pause. Fra "+back+" kommer de af sig selv igen, med alt det, der er forfaldent imens.",
		"Meanwhile the nudges about "+of+" companies pause. From "+back+" they resume by themselves, with everything that fell due meanwhile.")
}

// coveringNote warns that p stands in for someone who is away: while p is
// away too, that person's nudges wait.
func (s *Service) coveringNote(ctx context.Context, c *call, p bot.Consultant) string {
	all, err := s.store.Consultants(ctx)
	if err != nil {
		return "" // only a courtesy; the absence is stored
	}
	var names []bot.Consultant
	for _, x := range all {
		if x.StandInID == p.ID && x.ID != p.ID && x.Away(c.now) {
			names = append(names, x)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return c.tr(" Bemærk: "+p.Name+" er stedfortræder for "+personNames(names)+"; deres påmindelser venter, mens "+p.Name+" er væk, medmindre de får en anden stedfortræder.",
		" Please note: "+p.Name+" stands in for "+personNames(names)+"; their nudges wait while "+p.Name+" is away, unless they get another stand-in.")
}

func (s *Service) awayOff(ctx context.Context, c *call, p bot.Consultant) (bot.Message, error) {
	was := p.Away(c.now)
	_, err := s.store.UpdateConsultant(ctx, p.ID, func(x *bot.Consultant) error {
		x.AwayUntil, x.StandInID = time.Time{}, 0
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("away off: %w", err)
	}
	if !was {
		if p.ID == c.actor.ID {
			return bot.Reply(c.tr("Du er ikke meldt fraværende; påmindelserne kommer til dig som sædvanligt.", "You are not reported away; your nudges come to you as usual.")), nil
		}
		return bot.Reply(c.tr(p.Name+" er ikke meldt fraværende.", p.Name+" is not reported away.")), nil
	}
	if p.ID == c.actor.ID {
		return bot.Reply(c.tr("👋 Velkommen tilbage! Påmindelserne om dine virksomheder kommer til dig igen fra næste morgenpåmindelse.",
			"👋 Welcome back! The nudges about your companies come to you again from the next morning nudge.")), nil
	}
	return bot.Reply(c.tr("✅ "+p.Name+" er ikke længere meldt fraværende; påmindelserne kommer til "+p.Name+" igen fra næste morgen.",
		"✅ "+p.Name+" is no longer reported away; the nudges go to "+p.Name+" again from the next morning.")), nil
}

func awayStatus(ctx context.Context, s *Service, c *call, p bot.Consultant) (bot.Message, error) {
	name, is, _ := who(c, p)
	name = capital(name)
	if !p.Away(c.now) {
		return bot.Reply(c.tr(name+" er ikke meldt fraværende. Meld fravær med »fravær til <dato> [stedfortræder <person>]«.",
			name+" "+is+" not reported away. Report an absence with »away until <date> [standin <person>]«.")), nil
	}
	line := c.tr(name+" er meldt fraværende til og med "+bot.FormatDate(p.AwayUntil, c.lang)+"; ",
		name+" "+is+" away until and including "+bot.FormatDate(p.AwayUntil, c.lang)+"; ")
	if p.StandInID != 0 {
		if sub, err := s.store.Consultant(ctx, p.StandInID); err == nil {
			return bot.Reply(line + c.tr("påmindelserne går imens til "+sub.Name+".", "the nudges go to "+sub.Name+" meanwhile.")), nil
		}
	}
	return bot.Reply(line + c.tr("påmindelserne holder pause imens.", "the nudges pause meanwhile.")), nil
}

// closedForms lists what ParseClosedDays accepts, for an admin's eyes.
func closedForms(c *call) string {
	return c.tr(
		"grundlovsdag, juleaftensdag, nytårsaftensdag, fredag efter kristi himmelfart, en enkelt dato som 2026-05-15 eller en dato hvert år som 31/12; en dato kan få et navn bagefter, fx »2026-05-15 personaledag«",
		"grundlovsdag, juleaftensdag, nytårsaftensdag, fredag efter kristi himmelfart, a single date such as 2026-05-15, or a date every year such as 31/12; a date may be followed by a name, e.g. »2026-05-15 personaledag«")
}

func runJobcenterClosed(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	left, right, set := strings.Cut(strings.Join(args, " "), "=")
	var j bot.Jobcenter
	var err error
	if bot.NormalizeName(left) == "" {
		if set {
			return bot.Message{}, usageError(s, c, "jobcenter closed")
		}
		j, err = s.store.Jobcenter(ctx, c.actor.JobcenterID)
	} else {
		j, err = s.jobcenter(ctx, c, fields(left))
	}
	if err != nil {
		return bot.Message{}, err
	}
	if !set {
		return closedDaysMessage(c, j, c.tr("Ekstra lukkedage for ", "Extra closed days of ")+j.Name), nil
	}
	text := strings.Join(fields(right), " ")
	if text == "" {
		return bot.Message{}, usageError(s, c, "jobcenter closed")
	}
	if isOff(text) || text == "-" {
		text = ""
	} else if _, perr := bot.ParseClosedDays(text); perr != nil {
		return bot.Message{}, closedDaysError(c, j, text, perr)
	}
	j, err = s.store.UpdateJobcenter(ctx, j.ID, func(x *bot.Jobcenter) error { x.ClosedDays = text; return nil })
	if err != nil {
		return bot.Message{}, fmt.Errorf("set closed days: %w", err)
	}
	return closedDaysMessage(c, j, c.tr("✅ Gemt: ekstra lukkedage for ", "✅ Saved: extra closed days of ")+j.Name), nil
}

// closedDaysError names the first entry ParseClosedDays could not read and
// lists the accepted forms; ParseClosedDays' own message is English.
func closedDaysError(c *call, j bot.Jobcenter, text string, perr error) error {
	var be *bot.Error
	if !errors.As(perr, &be) {
		return fmt.Errorf("closed days: %w", perr)
	}
	bad := text
	for entry := range strings.FieldsFuncSeq(text, func(r rune) bool { return r == ',' || r == ';' }) {
		if _, err := bot.ParseClosedDays(entry); err != nil {
			bad = strings.TrimSpace(entry)
			break
		}
	}
	eg := "jobcenter " + c.tr("lukkedage ", "closed ") + j.Name + " = grundlovsdag, juleaftensdag, 31/12"
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		"Lukkedagen »"+clip(bad)+"« kan jeg ikke læse, så intet er gemt. Skriv dagene adskilt af komma. Det kan være: "+closedForms(c)+". Fx »"+eg+"«.",
		"I cannot read the closed day »"+clip(bad)+"«, so nothing was saved. Separate the days with commas. Each may be: "+closedForms(c)+". E.g. »"+eg+"«."))
}

func closedDaysMessage(c *call, j bot.Jobcenter, title string) bot.Message {
	days, err := bot.ParseClosedDays(j.ClosedDays)
	if err != nil {
		return bot.Reply(c.tr(j.Name+" har lukkedagene »"+j.ClosedDays+"«, men de kan ikke læses, så kun weekender og helligdage gælder. Ret dem med »jobcenter lukkedage "+j.Name+" = …«.",
			j.Name+" has the closed days »"+j.ClosedDays+"«, but they cannot be read, so only weekends and public holidays apply. Correct them with »jobcenter closed "+j.Name+" = …«."))
	}
	if len(days) == 0 {
		return bot.Reply(c.tr(j.Name+" har ingen ekstra lukkedage: påmindelser går ud alle hverdage undtagen helligdage. Sæt dem med »jobcenter lukkedage "+j.Name+" = grundlovsdag, juleaftensdag«.",
			j.Name+" has no extra closed days: nudges go out on every weekday except public holidays. Set them with »jobcenter closed "+j.Name+" = grundlovsdag, juleaftensdag«."))
	}
	items := make([]string, 0, len(days))
	for _, cd := range days {
		items = append(items, describeClosedDay(c, cd))
	}
	return bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: title},
		bot.List{Items: items},
		bot.Text{Text: c.tr("Ud over weekender og helligdage. Der sendes ingen påmindelser de dage.", "On top of weekends and public holidays. No nudges are sent on those days.")},
	}}
}

// describeClosedDay says when a closed day falls: every year on a date,
// on one date, or moving with Easter, with its next occurrence.
func describeClosedDay(c *call, cd bot.ClosedDay) string {
	today := bot.Day(c.now)
	switch {
	case cd.Month == 0:
		for y := today.Year(); y <= today.Year()+1; y++ {
			if cd.Year != 0 && cd.Year != y {
				continue
			}
			m, d := bot.Easter(y)
			if next := time.Date(y, m, d+cd.EasterOffset, 0, 0, 0, 0, bot.Copenhagen); !next.Before(today) {
				return cd.Name + c.tr(" (flytter med påsken; næste gang ", " (moves with Easter; next ") + bot.FormatDate(next, c.lang) + ")"
			}
		}
		return cd.Name + c.tr(" (flytter med påsken)", " (moves with Easter)")
	case cd.Year == 0:
		return cd.Name + c.tr(" (hvert år "+itoa(cd.Day)+"/"+itoa(int(cd.Month))+")", " (every year on "+itoa(cd.Day)+" "+cd.Month.String()[:3]+")")
	}
	day := time.Date(cd.Year, cd.Month, cd.Day, 0, 0, 0, 0, bot.Copenhagen)
	s := cd.Name + " (" + bot.FormatDate(day, c.lang) + ")"
	if day.Before(today) {
		s += c.tr(", er passeret", ", has passed")
	}
	return s
}
