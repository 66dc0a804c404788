package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
	"kontaktbot/chart"
)

// The coverage chart (»dækning graf«): a jobcenter's share of dedicated
// companies within cadence, week by week for bot.ChartWeeks weeks, from
// the daily snapshots the scheduler stores (SnapshotCoverage), against the
// jobcenter's goal (»dækning mål«). The scope is the jobcenter: a lead's
// team is their jobcenter, as for »dækning team«.

// recentWeeks is how many of the latest weeks the reply lists in words.
const recentWeeks = 6

// SnapshotCoverage makes sure now's day has its coverage snapshots: one
// per jobcenter with dedicated companies, counted as »dækning team«
// counts, stored in one transaction. It is the scheduler's task: cheap
// when the day is taken (a memo, then one read after a restart), and safe
// to run again.
func (s *Service) SnapshotCoverage(ctx context.Context, now time.Time) error {
	day := bot.Day(now)
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if s.snapped.Equal(day) {
		return nil
	}
	taken, err := s.coverage.CoverageTaken(ctx, day)
	if err != nil {
		return fmt.Errorf("coverage snapshot: %w", err)
	}
	if !taken {
		ss, err := s.countJobcenters(ctx, now)
		if err != nil {
			return fmt.Errorf("coverage snapshot: %w", err)
		}
		if err := s.coverage.SaveCoverageSnapshots(ctx, day, ss); err != nil {
			return fmt.Errorf("coverage snapshot: %w", err)
		}
		s.log.Info("coverage snapshot taken", "day", day.Format(time.DateOnly), "jobcenters", len(ss))
	}
	s.snapped = day
	return nil
}

// countJobcenters counts every jobcenter's dedicated companies in one pass
// over the owned companies; jobcenters with none are left out (a gap in
// their chart, not 0 %).
func (s *Service) countJobcenters(ctx context.Context, now time.Time) ([]bot.CoverageSnapshot, error) {
	people, err := s.portfolio.Consultants(ctx)
	if err != nil {
		return nil, fmt.Errorf("consultants: %w", err)
	}
	jobcenterOf := make(map[uint64]uint64, len(people))
	ids := make([]uint64, len(people))
	for i, p := range people {
		ids[i], jobcenterOf[p.ID] = p.ID, p.JobcenterID
	}
	counts := map[uint64]*tally{}
	err = s.portfolio.EachOwned(ctx, ids, func(co bot.Company) error {
		if co.Status != bot.StatusActive {
			return nil // paused and ended companies are not in the share
		}
		j := jobcenterOf[co.OwnerID]
		t := counts[j]
		if t == nil {
			t = &tally{}
			counts[j] = t
		}
		days, held := cadenceState(now, &co)
		t.add(days, held)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	out := make([]bot.CoverageSnapshot, 0, len(counts))
	for j, t := range counts {
		out = append(out, bot.CoverageSnapshot{JobcenterID: j, Day: bot.Day(now), Dedicated: t.dedicated, Within: t.within, Overdue: t.overdue})
	}
	return out, nil
}

// coverageChart returns the chart of jobcenter j's weeks up to now's.
func (s *Service) coverageChart(ctx context.Context, j bot.Jobcenter, now time.Time) (bot.CoverageChart, error) {
	from := bot.AddDays(bot.Monday(now), -7*(bot.ChartWeeks-1))
	snaps, err := s.coverage.CoverageSnapshots(ctx, j.ID, from, bot.Day(now))
	if err != nil {
		return bot.CoverageChart{}, fmt.Errorf("coverage chart: %w", err)
	}
	return bot.CoverageChart{Title: j.Name, Goal: j.CoverageGoal, Weeks: bot.CoverageWeeks(snaps, now, bot.ChartWeeks)}, nil
}

func runCoverageChart(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	j, err := s.chartJobcenter(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	ch, err := s.coverageChart(ctx, j, c.now)
	if err != nil {
		return bot.Message{}, err
	}
	_, ok := ch.Latest()
	head := bot.Heading{Text: c.tr("Dækning uge for uge: ", "Coverage week by week: ") + j.Name}
	if !ok {
		return bot.Message{Blocks: []bot.Block{head, bot.Text{Text: c.tr(
			"Der er endnu ingen dagstal for "+j.Name+". Botten gemmer dækningen hver dag, første gang når den starter; grafen viser dem uge for uge derfra. Dagens dækning viser »dækning team«.",
			"There are no daily figures for "+j.Name+" yet. The bot stores the coverage every day, the first time when it starts; the chart shows them week by week from then. Today's coverage is in »coverage team«.")}}}, nil
	}
	img, err := chart.Image(ch, c.lang, c.now)
	if err != nil {
		return bot.Message{}, fmt.Errorf("coverage chart: %w", err)
	}
	blocks := []bot.Block{head, bot.Text{Text: chart.Summary(ch, c.lang)}, img,
		bot.List{Title: c.tr("Seneste uger", "Latest weeks"), Items: recentLines(c, ch.Weeks)},
		bot.Text{Text: c.tr(
			"Hver uge viser ugens sidste dagstal (andelen af de faste, aktive virksomheder inden for den aftalte kadence). En uge uden tal er et hul i grafen, ikke 0 %.",
			"Each week shows its last daily figure (the share of dedicated, active companies within their agreed cadence). A week without figures is a gap in the chart, not 0%.")},
	}
	return bot.Message{Blocks: blocks}, nil
}

// recentLines are the last recentWeeks weeks in words, oldest first.
func recentLines(c *call, weeks []bot.CoverageWeek) []string {
	var out []string
	for _, w := range weeks[max(len(weeks)-recentWeeks, 0):] {
		line := c.tr("uge ", "week ") + itoa(w.Week) + ": "
		if !w.Known {
			out = append(out, line+c.tr("ingen tal", "no figures"))
			continue
		}
		out = append(out, line+pct(c, w.Last.Percent())+" ("+itoa(w.Last.Within)+c.tr(" af ", " of ")+itoa(w.Last.Dedicated)+")")
	}
	return out
}

// chartJobcenter reads [team|jobcenter|<jobcenter>]: the person's own
// jobcenter, or another one for its lead or an admin.
func (s *Service) chartJobcenter(ctx context.Context, c *call, args []string) (bot.Jobcenter, error) {
	switch {
	case len(args) == 0 || len(args) == 1 && wordTeam.Is(args[0]):
		j, err := s.people.Jobcenter(ctx, c.actor.JobcenterID)
		if err != nil {
			return bot.Jobcenter{}, fmt.Errorf("coverage chart: jobcenter: %w", err)
		}
		return j, nil
	case len(args) == 1 && wordMe.Is(args[0]):
		return bot.Jobcenter{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Grafen viser et jobcenters dækning uge for uge: skriv »dækning graf« for dit jobcenters. Din egen dækning i dag viser »dækning«.",
			"The chart shows a jobcenter's coverage week by week: type »coverage chart« for your jobcenter's. Your own coverage today is in »coverage«."))
	}
	j, err := s.jobcenter(ctx, c, args)
	if err != nil {
		return bot.Jobcenter{}, err
	}
	if j.ID != c.actor.JobcenterID {
		if err := s.mayLead(ctx, c, j.ID); err != nil {
			return bot.Jobcenter{}, err
		}
	}
	return j, nil
}

func runCoverageGoal(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	left, right, named := strings.Cut(strings.Join(args, " "), "=")
	value := left
	j, err := s.people.Jobcenter(ctx, c.actor.JobcenterID)
	if named {
		value = right
		j, err = s.jobcenter(ctx, c, fields(left))
	}
	if err != nil {
		return bot.Message{}, err
	}
	value = strings.TrimSpace(value)
	if value == "" {
		if j.CoverageGoal == 0 {
			return bot.Reply(c.tr(j.Name+" har intet dækningsmål. Sæt det med »dækning mål 85«.", j.Name+" has no coverage goal. Set one with »coverage goal 85«.")), nil
		}
		return bot.Reply(c.tr("Dækningsmålet for "+j.Name+" er "+pct(c, j.CoverageGoal)+".", "The coverage goal of "+j.Name+" is "+pct(c, j.CoverageGoal)+".")), nil
	}
	goal, ok := parseGoal(value)
	if !ok {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(value)+"« er ikke et mål, jeg kan bruge, så intet er gemt. Skriv en procent fra 1 til 100, fx »dækning mål 85«, eller »dækning mål ingen« for intet mål.",
			"»"+clip(value)+"« is not a goal I can use, so nothing was saved. Write a percentage from 1 to 100, e.g. »coverage goal 85«, or »coverage goal none« for no goal."))
	}
	if err := s.mayLead(ctx, c, j.ID); err != nil {
		return bot.Message{}, err
	}
	j, err = s.people.UpdateJobcenter(ctx, j.ID, func(x *bot.Jobcenter) error { x.CoverageGoal = goal; return nil },
		c.entry(bot.AuditJobcenter, j.ID, 0, j.Name, "coverage goal: "+strconv.Itoa(goal)))
	if err != nil {
		return bot.Message{}, fmt.Errorf("set coverage goal: %w", err)
	}
	if goal == 0 {
		return bot.Reply(c.tr("✅ Gemt: "+j.Name+" har nu intet dækningsmål.", "✅ Saved: "+j.Name+" now has no coverage goal.")), nil
	}
	return bot.Reply(c.tr("✅ Gemt: dækningsmålet for "+j.Name+" er nu "+pct(c, goal)+". Det er den stiplede linje i »dækning graf«.",
		"✅ Saved: the coverage goal of "+j.Name+" is now "+pct(c, goal)+". It is the dashed line in »coverage chart«.")), nil
}

// parseGoal reads "85", "85%" or "85 %" (1 to 100), or a word for none (0).
func parseGoal(s string) (int, bool) {
	if isOff(s) || s == "-" {
		return 0, true
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")))
	if err != nil || n < 1 || n > 100 {
		return 0, false
	}
	return n, true
}
