package commands

import (
	"context"
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

// offWord ends a plan or an absence, or clears closed days.
var offWord = word("ingen", "off", "none", "slut", "stop", "slet", "clear", "end", "ended", "tilbage", "back")

func isOff(w string) bool { return offWord.Is(w) }

// dayAhead reads words that must be exactly one date for slot (Ahead, or
// Deadline where a week means its last working day), from today to
// maxAheadDays ahead. Every refusal names the date it read, or the words it
// could not read, and shows example, a whole command line.
func dayAhead(c *call, words []string, example string, slot Slot) (time.Time, error) {
	eg := c.tr(" Skriv fx »"+example+"«.", " For example: »"+example+"«.")
	if len(words) == 0 {
		return time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr("Der mangler en dato.", "A date is missing.")+eg)
	}
	r := ReadDate(words, c.now, slot)
	if !r.OK || r.N != len(words) {
		return time.Time{}, unreadableDate(c, words, slot, eg)
	}
	day := r.Day
	switch ahead := bot.DaysBetween(c.now, day); {
	case ahead < 0:
		return time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Datoen "+bot.FormatDay(day, c.lang)+" er allerede passeret, så intet er gemt. Vælg i dag eller en dag frem i tiden.",
			"The date "+bot.FormatDay(day, c.lang)+" has passed, so nothing was saved. Choose today or a later day.")+eg)
	case ahead > maxAheadDays:
		return time.Time{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Datoen "+bot.FormatDay(day, c.lang)+" ligger mere end et år ude, så intet er gemt. Vælg en dag inden for det næste år.",
			"The date "+bot.FormatDay(day, c.lang)+" is more than a year ahead, so nothing was saved. Choose a day within the next year.")+eg)
	}
	return day, nil
}

// unreadableDate refuses words that should be a date for slot but cannot
// be read, saying which date forms are understood there.
func unreadableDate(c *call, words []string, slot Slot, eg string) error {
	typed := clip(strings.Join(words, " "))
	if slot == Past && len(words) > 0 && weekWords[dateKey(words[0])] {
		return bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+typed+"« er en uge, men en kontakt skal have sin dag, så intet er gemt. Skriv fx i går, 30/11, sidste mandag eller 30. november.",
			"»"+typed+"« is a week, but a contact needs its day, so nothing was saved. Write e.g. yesterday, 30/11, last monday or November 30.")+eg)
	}
	forms := c.tr("i morgen, 10/12, 10.12.2026, 10. december, på fredag, uge 51 eller om 2 uger",
		"tomorrow, 10/12, 2026-12-10, 10 December, next friday, week 51 or in 2 weeks")
	if slot == Past {
		forms = c.tr("i dag, i går, 3/12, 3. december, sidste fredag eller for 2 dage siden",
			"today, yesterday, 3/12, 3 December, last friday or 2 days ago")
	}
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		"»"+typed+"« kan jeg ikke læse som en dato, så intet er gemt. Datoer skrives fx "+forms+".",
		"I cannot read »"+typed+"« as a date, so nothing was saved. Write dates like "+forms+".")+eg)
}

// notActive refuses to move the reminders of a paused or ended company,
// which has none.
func notActive(c *call, co bot.Company) error {
	if co.Status == bot.StatusActive {
		return nil
	}
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		co.Name+" er "+statusName(c, co.Status)+" og får ingen påmindelser. Skriv »virksomhed genoptag "+co.Name+"« først, hvis kontakten skal i gang igen.",
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
	return c.tr(" Påmindelsen om "+co.Name+" kommer tidligst "+bot.FormatDay(day, c.lang)+", hvis der ikke er noteret en kontakt inden.",
		" The nudge about "+co.Name+" comes on "+bot.FormatDay(day, c.lang)+" at the earliest, unless a contact is logged before.")
}

func runPlan(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "plan")
	}
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.mayEdit(ctx, c, co); err != nil {
		return bot.Message{}, err
	}
	if len(rest) == 1 && isOff(rest[0]) {
		return s.unplan(ctx, c, co)
	}
	if len(rest) == 0 && !co.PlannedNext.IsZero() && !co.PlannedNext.Before(bot.Day(c.now)) {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Næste kontakt med "+co.Name+" er planlagt til "+bot.FormatDay(co.PlannedNext, c.lang)+". Skriv en ny dato for at flytte den, fx »planlæg "+co.Name+" fredag«, eller »planlæg "+co.Name+" ingen« for at fjerne den.",
			"The next contact with "+co.Name+" is planned for "+bot.FormatDay(co.PlannedNext, c.lang)+". Give a new date to move it, e.g. »plan "+co.Name+" friday«, or »plan "+co.Name+" off« to remove it."))
	}
	day, err := dayAhead(c, rest, c.tr("planlæg "+co.Name+" fredag", "plan "+co.Name+" friday"), Ahead)
	if err != nil {
		return bot.Message{}, err
	}
	return s.planOn(ctx, c, co, day)
}

// planOn plans the next contact with co for day and confirms it.
func (s *Service) planOn(ctx context.Context, c *call, co bot.Company, day time.Time) (bot.Message, error) {
	co, err := s.editCompany(ctx, c, co, func(x *bot.Company) error {
		if err := notActive(c, *x); err != nil {
			return err
		}
		x.PlannedNext = day
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr("📅 Næste kontakt med "+co.Name+" er planlagt til "+bot.FormatDay(day, c.lang)+".",
		"📅 The next contact with "+co.Name+" is planned for "+bot.FormatDay(day, c.lang)+".") + nudgeNote(c, co)), nil
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

// untilWord may stand between a company and its snooze, or before the
// last day of an absence.
var untilWord = word("til", "until", "to", "indtil", "tom")

func runSnooze(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "snooze")
	}
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.mayEdit(ctx, c, co); err != nil {
		return bot.Message{}, err
	}
	if len(rest) > 1 && untilWord.Is(rest[0]) {
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
			"Påmindelsen om "+co.Name+" kommer først "+bot.FormatDay(base, c.lang)+", så en udsættelse til "+bot.FormatDay(until, c.lang)+" ændrer intet, og intet er gemt. Har I aftalt en kontakt, så skriv »planlæg "+co.Name+" <dato>«.",
			"The nudge about "+co.Name+" does not come before "+bot.FormatDay(base, c.lang)+", so a snooze until "+bot.FormatDay(until, c.lang)+" changes nothing, and nothing was saved. If you have agreed a contact, type »plan "+co.Name+" <date>«."))
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
	return bot.Reply(c.tr("💤 "+co.Name+" er udsat til "+bot.FormatDay(until, c.lang)+": påmindelsen kommer tidligst den dag, hvis der ikke er noteret en kontakt inden.",
		"💤 "+co.Name+" is snoozed until "+bot.FormatDay(until, c.lang)+": the nudge comes that day at the earliest, unless a contact is logged before.") +
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
	day, err := dayAhead(c, rest, c.tr("udsæt "+co.Name+" 15/12", "snooze "+co.Name+" 15/12"), Ahead)
	if err != nil {
		return err
	}
	if day.Equal(bot.Day(c.now)) {
		return bot.Errorf(bot.Invalid, "%s", c.tr("En udsættelse skal vare mindst til i morgen.", "A snooze must last at least until tomorrow.")+eg)
	}
	return bot.Errorf(bot.Invalid, "%s", c.tr("Det forstod jeg ikke helt.", "I did not quite understand that.")+eg)
}
