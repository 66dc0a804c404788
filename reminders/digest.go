package reminders

import (
	"context"
	"fmt"
	"time"

	"kontaktbot/bot"
)

// digestDay reports whether day is the first working day of its week
// (Monday, or the day after a closed Monday) in cal.
func digestDay(cal *bot.Calendar, day time.Time) bool {
	if !cal.IsWorkingDay(day) {
		return false
	}
	wd := int(day.Weekday()+6) % 7 // Monday 0
	for d := 1; d <= wd; d++ {
		if cal.IsWorkingDay(bot.AddDays(day, -d)) {
			return false
		}
	}
	return true
}

// planDigests gives each team lead, on their week's first working day, the
// escalated companies of their jobcenter's consultants, with the
// consultant's name. A jobcenter without a lead has its admins told.
func (s *Sweeper) planDigests(ctx context.Context, w *world, day time.Time) ([]bot.Delivery, error) {
	leads := map[uint64][]bot.Consultant{} // jobcenter -> who gets its digest today
	for _, p := range w.people {
		if p.Role == bot.RoleLead && digestDay(w.calendar(p), day) {
			leads[p.JobcenterID] = append(leads[p.JobcenterID], p)
		}
	}
	hasLead := map[uint64]bool{}
	for _, p := range w.people {
		if p.Role == bot.RoleLead {
			hasLead[p.JobcenterID] = true
		}
	}
	for _, p := range w.people {
		if p.Role == bot.RoleAdmin && !hasLead[p.JobcenterID] && digestDay(w.calendar(p), day) {
			leads[p.JobcenterID] = append(leads[p.JobcenterID], p)
		}
	}
	if len(leads) == 0 {
		return nil, nil // nobody's digest day
	}
	byTo := map[uint64]*bot.Delivery{}
	// Every nudged company is in the nudge index; ten years ahead reaches
	// the end of any snooze or plan.
	err := s.cfg.Portfolio.NudgeDue(ctx, bot.AddDays(day, 3650), func(c bot.Company) error {
		if !c.Escalated(day) {
			return nil
		}
		owner, ok := w.people[c.OwnerID]
		if !ok {
			return nil
		}
		for _, lead := range leads[owner.JobcenterID] {
			d := byTo[lead.ID]
			if d == nil {
				d = &bot.Delivery{Kind: bot.JobDigest, Day: day, To: lead.ID}
				byTo[lead.ID] = d
			}
			it := item(w, c, day)
			it.Owner = owner.Name
			d.Items = append(d.Items, it)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan digests: %w", err)
	}
	if err := s.addCharts(ctx, w, day, leads, byTo); err != nil {
		return nil, err
	}
	return sorted(byTo), nil
}

// addCharts gives each lead's digest the coverage chart of their
// jobcenter, when it has figures: then a lead gets a digest even in a
// week without escalations.
func (s *Sweeper) addCharts(ctx context.Context, w *world, day time.Time, leads map[uint64][]bot.Consultant, byTo map[uint64]*bot.Delivery) error {
	if s.cfg.Coverage == nil {
		return nil
	}
	from := bot.AddDays(bot.Monday(day), -7*(bot.ChartWeeks-1))
	for jc, people := range leads {
		snaps, err := s.cfg.Coverage.CoverageSnapshots(ctx, jc, from, day)
		if err != nil {
			return fmt.Errorf("plan digests: coverage of jobcenter #%d: %w", jc, err)
		}
		if len(snaps) == 0 {
			continue
		}
		j := w.jobcenters[jc]
		ch := &bot.CoverageChart{Title: j.Name, Goal: j.CoverageGoal, Weeks: bot.CoverageWeeks(snaps, day, bot.ChartWeeks)}
		for _, lead := range people {
			d := byTo[lead.ID]
			if d == nil {
				d = &bot.Delivery{Kind: bot.JobDigest, Day: day, To: lead.ID}
				byTo[lead.ID] = d
			}
			d.Coverage = ch
		}
	}
	return nil
}
