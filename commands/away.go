package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kontaktbot/bot"
)

// away: an absence sends a consultant's nudges to a stand-in, or holds
// them, until the day after its last day.

// standInWord introduces the person who takes the nudges during an absence.
var standInWord = word("stedfortræder", "standin", "stand-in", "vikar", "substitute", "cover", "afløser")

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
		if standInWord.Is(w) {
			args, a.standIn = args[:k], args[k+1:]
			if a.standIn == nil {
				a.standIn = []string{}
			}
			break
		}
	}
	i := 0
	for i < len(args) && !untilWord.Is(args[i]) {
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
	if ReadDate(args, now, Deadline).N > 0 || (args[0][0] >= '0' && args[0][0] <= '9') || a.standIn != nil {
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
	if p.ID != c.actor.ID {
		if err := s.mayLead(ctx, c, p.JobcenterID); err != nil {
			return bot.Message{}, err
		}
	}
	if a.off {
		return s.awayOff(ctx, c, p)
	}
	example := c.tr("fravær til 4/12 stedfortræder Per Hansen", "away until 4/12 standin Per Hansen")
	last, err := dayAhead(c, a.date, example, Deadline)
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
	p, err = s.people.UpdateConsultant(ctx, p.ID, func(x *bot.Consultant) error {
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
	all, err := s.people.Consultants(ctx)
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
	_, err := s.people.UpdateConsultant(ctx, p.ID, func(x *bot.Consultant) error {
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
		if sub, err := s.people.Consultant(ctx, p.StandInID); err == nil {
			return bot.Reply(line + c.tr("påmindelserne går imens til "+sub.Name+".", "the nudges go to "+sub.Name+" meanwhile.")), nil
		}
	}
	return bot.Reply(line + c.tr("påmindelserne holder pause imens.", "the nudges pause meanwhile.")), nil
}
