package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kontaktbot/bot"
)

// jobcenter closed days: the extra days a jobcenter keeps closed, on which
// nobody there is nudged.

// closedForms lists what ParseClosedDays accepts, for an admin's eyes.
func closedForms(c *call) string {
	return c.tr(
		"grundlovsdag, juleaftensdag, nytårsaftensdag, fredag efter kristi himmelfart, en enkelt dato som 2026-05-15 eller en dato hvert år som 31/12; en dato kan få et navn bagefter, fx »2026-05-15 personaledag«",
		"grundlovsdag, juleaftensdag, nytårsaftensdag, fredag efter kristi himmelfart, a single date such as 2026-05-15, or a date every year such as 31/12; a date may be followed by a name, e.g. »2026-05-15 personaledag«")
}

// jobcenterSetting reads »<jobcenter> [= <værdi>]« of a jobcenter's
// setting: the jobcenter named (the actor's own when none is), the value
// after "=", and whether one was given. A value without a jobcenter is
// refused with the command's usage.
func (s *Service) jobcenterSetting(ctx context.Context, c *call, args []string, command string) (j bot.Jobcenter, value string, set bool, err error) {
	left, right, set := strings.Cut(strings.Join(args, " "), "=")
	if bot.NormalizeName(left) == "" {
		if set {
			return j, "", false, usageError(s, c, command)
		}
		j, err = s.people.Jobcenter(ctx, c.actor.JobcenterID)
	} else {
		j, err = s.jobcenter(ctx, c, fields(left))
	}
	return j, right, set, err
}

func runJobcenterClosed(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	j, right, set, err := s.jobcenterSetting(ctx, c, args, "jobcenter closed")
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
	j, err = s.people.UpdateJobcenter(ctx, j.ID, func(x *bot.Jobcenter) error { x.ClosedDays = text; return nil },
		c.entry(bot.AuditJobcenter, j.ID, 0, j.Name, "closed days: "+text))
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
