package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"kontaktbot/bot"
)

// Coverage (dækning) is the figure a team reports upward: how many of its
// dedicated companies are within their agreed cadence. It is counted by
// the cadence alone:
//
//   - dedicated: owned by the consultant(s) and active; paused companies are
//     counted apart and left out of every other figure, ended ones are not
//     counted at all;
//   - overdue: OverdueDays > 0, whether or not the company is snoozed or has
//     a planned contact, since those move a reminder but not the cadence;
//   - within cadence: every other dedicated company, so that within +
//     overdue = dedicated; the percentage is within / dedicated, rounded
//     half up, except that it shows 100 % only when none is overdue and 0 %
//     only when none is within;
//   - due within 7 days: within cadence and due from today through the
//     sixth day after (OverdueDays -6..0), a part of "within cadence".
//
// A company without a cadence has no due day and counts as within.

// maxOverdueListed is how many of the most overdue companies are named.
const maxOverdueListed = 10

// dueSoonDays is the window of "due this week", today included.
const dueSoonDays = 7

// tally counts one group of dedicated companies.
type tally struct {
	dedicated, within, dueSoon, overdue, held int
}

func (t *tally) add(overdue int, held bool) {
	t.dedicated++
	if overdue > 0 {
		t.overdue++
		if held {
			t.held++
		}
		return
	}
	t.within++
	if overdue > -dueSoonDays {
		t.dueSoon++
	}
}

// percent is within / dedicated in whole percent, rounded half up (1 of 6
// is 17 %), but never 100 while one is overdue nor 0 while one is within.
func (t tally) percent() int { return bot.CoveragePercent(t.within, t.dedicated) }

// overdueCompany is one line of the most-overdue list.
type overdueCompany struct {
	co    *bot.Company // a Company is too big to copy in a sort
	days  int
	owner string
}

// coverage is the counted portfolio of one or more consultants.
type coverage struct {
	all, intensified tally
	paused           int
	worst            []overdueCompany // the maxOverdueListed most overdue, most overdue first
}

// add counts co, owned by owner, as of now.
func (cv *coverage) add(now time.Time, co *bot.Company, owner string) {
	switch co.Status {
	case bot.StatusPaused:
		cv.paused++
		return
	case bot.StatusActive:
	default:
		return // ended
	}
	days, held := cadenceState(now, co)
	cv.all.add(days, held)
	if co.Tier == bot.TierIntensified {
		cv.intensified.add(days, held)
	}
	if days > 0 {
		cv.keepWorst(co, days, owner)
	}
}

// cadenceState is how many days co is past its cadence as of now (a
// company without a cadence is never due), and whether a snooze or a
// planned contact holds its reminder back.
func cadenceState(now time.Time, co *bot.Company) (days int, held bool) {
	today := bot.Day(now)
	days = co.OverdueDays(now)
	if co.CadenceDays <= 0 {
		days = -dueSoonDays
	}
	held = co.SnoozedUntil.After(today) || (!co.PlannedNext.IsZero() && !co.PlannedNext.Before(today))
	return days, held
}

// keepWorst keeps co if it is among the maxOverdueListed most overdue so
// far: a whole jobcenter may have thousands overdue, and only these are
// named (the rest are counted in all.overdue).
func (cv *coverage) keepWorst(co *bot.Company, days int, owner string) {
	i := len(cv.worst)
	for i > 0 && (days > cv.worst[i-1].days || days == cv.worst[i-1].days && co.Name < cv.worst[i-1].co.Name) {
		i--
	}
	if i >= maxOverdueListed {
		return
	}
	if len(cv.worst) == maxOverdueListed {
		cv.worst = cv.worst[:maxOverdueListed-1]
	}
	c := *co
	cv.worst = slices.Insert(cv.worst, i, overdueCompany{co: &c, days: days, owner: owner})
}

// countCoverage counts the companies of the owners ids as of now, as
// they stream by: a jobcenter's whole portfolio is never held at once.
// The owners are split over the cores, each part read in a transaction of
// its own and counted apart, and the parts added up: a whole country's
// 250,000 companies took one core 100 ms. (A company reassigned between
// two parts' reads may be counted in both or neither: a moment's blur
// in a percentage.)
func (s *Service) countCoverage(ctx context.Context, now time.Time, ids []uint64, names map[uint64]string) (coverage, error) {
	var (
		mu    sync.Mutex
		total coverage
		errs  []error
	)
	eachPart(len(ids), func(lo, hi int) {
		var cv coverage
		err := s.portfolio.EachOwned(ctx, ids[lo:hi], func(co bot.Company) error {
			cv.add(now, &co, names[co.OwnerID])
			return nil
		})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, err)
			return
		}
		total.merge(&cv)
	})
	return total, errors.Join(errs...)
}

// merge adds the counts of o to cv, and its most overdue to cv's.
func (cv *coverage) merge(o *coverage) {
	for _, t := range []struct{ to, from *tally }{{&cv.all, &o.all}, {&cv.intensified, &o.intensified}} {
		t.to.dedicated += t.from.dedicated
		t.to.within += t.from.within
		t.to.dueSoon += t.from.dueSoon
		t.to.overdue += t.from.overdue
		t.to.held += t.from.held
	}
	cv.paused += o.paused
	for _, w := range o.worst {
		cv.keepWorst(w.co, w.days, w.owner)
	}
}

// coverageScope is whose companies a coverage reply counts.
type coverageScope struct {
	title  string // "dine virksomheder", "Jobcenter Sorø (8 konsulenter)", "Hanne Jensen"
	empty  string // the reply when there is nothing to count
	owners []bot.Consultant
}

func runCoverage(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	sc, err := s.coverageScope(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	ids := make([]uint64, len(sc.owners))
	names := make(map[uint64]string, len(sc.owners))
	for i, p := range sc.owners {
		ids[i], names[p.ID] = p.ID, p.Name
	}
	cv, err := s.countCoverage(ctx, c.now, ids, names)
	if err != nil {
		return bot.Message{}, fmt.Errorf("coverage: %w", err)
	}
	if cv.all.dedicated == 0 && cv.paused == 0 {
		return bot.Reply(sc.empty), nil
	}
	return coverageMessage(c, sc.title, cv), nil
}

// The words »dækning« takes instead of a person.
var (
	wordMe   = word("mig", "me", "mine", "my", "mit", "min", "egen", "own")
	wordTeam = word("team", "team", "teamet", "jobcenter", "jobcentret", "jobcentre", "alle", "all")
)

// coverageScope reads [mig|team|<person>] into a title and the consultants
// whose companies count. A consultant may see their own and their team's
// coverage; another person's own figure is for leads and admins.
func (s *Service) coverageScope(ctx context.Context, c *call, args []string) (coverageScope, error) {
	mine := coverageScope{title: c.tr("dine virksomheder", "your companies"), owners: []bot.Consultant{c.actor},
		empty: c.tr("Du er ikke fast konsulent for nogen virksomhed endnu, så der er ingen dækning at vise. Opret en med »virksomhed opret <navn>«.",
			"You are not the dedicated consultant of any company yet, so there is no coverage to show. Register one with »company add <name>«.")}
	switch {
	case fold(strings.Join(args, " ")) == "" || len(args) == 1 && wordMe.Is(args[0]):
		return mine, nil
	case len(args) == 1 && wordTeam.Is(args[0]):
		all, err := s.portfolio.Consultants(ctx)
		if err != nil {
			return coverageScope{}, fmt.Errorf("coverage: consultants: %w", err)
		}
		var team []bot.Consultant
		for _, p := range all {
			if p.JobcenterID == c.actor.JobcenterID {
				team = append(team, p)
			}
		}
		name := c.tr("dit jobcenter", "your jobcenter")
		if j, err := s.portfolio.Jobcenter(ctx, c.actor.JobcenterID); err == nil {
			name = j.Name
		}
		people := c.tr(" konsulenter)", " consultants)")
		if len(team) == 1 {
			people = c.tr(" konsulent)", " consultant)")
		}
		return coverageScope{title: name + " (" + itoa(len(team)) + people, owners: team,
			empty: c.tr(name+" har ingen faste virksomheder endnu.", name+" has no dedicated companies yet.")}, nil
	}
	p, err := s.person(ctx, c, args)
	if err != nil {
		return coverageScope{}, err
	}
	if p.ID != c.actor.ID && s.mayLead(ctx, c, p.JobcenterID) != nil {
		return coverageScope{}, bot.Errorf(bot.Forbidden, "%s", c.tr(
			"Du kan se din egen dækning (»dækning«) og teamets (»dækning team«); "+p.Name+"s egen dækning kan en leder i "+p.Name+"s jobcenter eller en administrator se.",
			"You can see your own coverage (»coverage«) and your team's (»coverage team«); "+p.Name+"'s own coverage is for a lead of their jobcenter or an admin."))
	}
	if p.ID == c.actor.ID {
		return mine, nil
	}
	return coverageScope{title: p.Name, owners: []bot.Consultant{p},
		empty: c.tr(p.Name+" er ikke fast konsulent for nogen virksomhed endnu.", p.Name+" is not the dedicated consultant of any company yet.")}, nil
}

func pct(c *call, n int) string { return itoa(n) + c.tr(" %", "%") }

func coverageMessage(c *call, title string, cv coverage) bot.Message {
	a := cv.all
	dedicated := itoa(a.dedicated)
	if cv.paused > 0 {
		dedicated += c.tr(" (+ "+itoa(cv.paused)+" på pause, tæller ikke med)", " (+ "+itoa(cv.paused)+" paused, not counted)")
	}
	over := itoa(a.overdue)
	if a.held > 0 {
		over += c.tr(" (heraf "+itoa(a.held)+" udsat eller med planlagt kontakt)", " ("+itoa(a.held)+" of them snoozed or with a planned contact)")
	}
	blocks := []bot.Block{
		bot.Heading{Text: c.tr("Dækning: ", "Coverage: ") + title},
		bot.Text{Text: c.tr("*"+pct(c, a.percent())+" i løbende kontakt*: "+itoa(a.within)+" af "+itoa(a.dedicated)+" faste virksomheder er inden for den aftalte kadence.",
			"*"+pct(c, a.percent())+" within cadence*: "+itoa(a.within)+" of "+itoa(a.dedicated)+" dedicated companies are within their agreed cadence.")},
		bot.Fields{Fields: []bot.Field{
			{Label: c.tr("Faste virksomheder", "Dedicated companies"), Value: dedicated},
			{Label: c.tr("Inden for kadencen", "Within cadence"), Value: itoa(a.within)},
			{Label: c.tr("Forfalder inden for 7 dage", "Due within 7 days"), Value: itoa(a.dueSoon)},
			{Label: c.tr("Over kadencen", "Past cadence"), Value: over},
			{Label: c.tr("Intensiverede", "Intensified"), Value: intensifiedText(c, cv.intensified)},
		}},
	}
	if len(cv.worst) > 0 {
		listTitle := c.tr("Mest over kadencen", "Most overdue")
		if a.overdue > len(cv.worst) {
			listTitle += c.tr(" ("+itoa(len(cv.worst))+" af "+itoa(a.overdue)+")", " ("+itoa(len(cv.worst))+" of "+itoa(a.overdue)+")")
		}
		items := make([]string, 0, len(cv.worst))
		for _, o := range cv.worst {
			items = append(items, overdueLine(c, o))
		}
		blocks = append(blocks, bot.List{Title: listTitle, Items: items})
	}
	blocks = append(blocks, bot.Text{Text: c.tr(
		"Tallene følger kadencen: en virksomhed, der er udsat eller har en planlagt kontakt, tæller stadig som over kadencen.",
		"The figures follow the cadence: a company that is snoozed or has a planned contact still counts as past its cadence.")})
	return bot.Message{Blocks: blocks}
}

func intensifiedText(c *call, t tally) string {
	if t.dedicated == 0 {
		return c.tr("ingen", "none")
	}
	return c.tr(itoa(t.dedicated)+" i alt; "+itoa(t.within)+" inden for kadencen ("+pct(c, t.percent())+"), "+itoa(t.dueSoon)+" forfalder inden for 7 dage, "+itoa(t.overdue)+" over kadencen",
		itoa(t.dedicated)+" in all; "+itoa(t.within)+" within cadence ("+pct(c, t.percent())+"), "+itoa(t.dueSoon)+" due within 7 days, "+itoa(t.overdue)+" past cadence")
}

func overdueLine(c *call, o overdueCompany) string {
	line := o.co.Name + tierNote(c, o.co.Tier) + " — " + c.tr(itoa(o.days)+" dage over", itoa(o.days)+" days overdue")
	if o.days == 1 {
		line = o.co.Name + tierNote(c, o.co.Tier) + " — " + c.tr("1 dag over", "1 day overdue")
	}
	line += " (" + o.owner
	today := bot.Day(c.now)
	if o.co.SnoozedUntil.After(today) {
		line += c.tr("; udsat til ", "; snoozed until ") + bot.FormatDate(o.co.SnoozedUntil, c.lang)
	}
	if !o.co.PlannedNext.IsZero() && !o.co.PlannedNext.Before(today) {
		line += c.tr("; planlagt ", "; planned ") + bot.FormatDate(o.co.PlannedNext, c.lang)
	}
	return line + ")"
}
