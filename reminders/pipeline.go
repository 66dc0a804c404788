package reminders

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kontaktbot/bot"
)

// Pipeline is what the sweep reads of intro days and their candidates.
// storage.DB meets it.
type Pipeline interface {
	// IntroDaysFrom returns the intro days on or after day, soonest first.
	IntroDaysFrom(ctx context.Context, day time.Time) ([]bot.IntroDay, error)
	// Candidates returns an intro day's candidates.
	Candidates(ctx context.Context, introDay uint64) ([]bot.Candidate, error)
	// InternshipsEnding returns the candidates whose internship ends on day.
	InternshipsEnding(ctx context.Context, day time.Time) ([]bot.Candidate, error)
	// Company returns a company, or bot.ErrNotFound.
	Company(ctx context.Context, id uint64) (bot.Company, error)
}

// kinds are the message kinds this sweeper plans and delivers.
func (s *Sweeper) kinds() []bot.JobKind {
	if s.cfg.Pipeline == nil {
		return []bot.JobKind{bot.JobNudge, bot.JobDigest}
	}
	return []bot.JobKind{bot.JobNudge, bot.JobDigest, bot.JobIntroDay, bot.JobInternship}
}

// catchUpDays is how far back the pipeline kinds look for what a stopped
// process did not tell.
const catchUpDays = 14

// lastPlanned is the latest day before day, at most catchUpDays back, on
// which kind was planned; without one, the day catchUpDays back. Every day
// after it up to day is this plan's to tell, so each is told once, and a
// process that was down catches up.
func (s *Sweeper) lastPlanned(ctx context.Context, kind bot.JobKind, day time.Time) (time.Time, error) {
	for n := 1; n < catchUpDays; n++ {
		d := bot.AddDays(day, -n)
		planned, err := s.cfg.Outbox.Planned(ctx, kind, d)
		if err != nil {
			return time.Time{}, err
		}
		if planned {
			return d, nil
		}
	}
	return bot.AddDays(day, -catchUpDays), nil
}

// plannedDays are the days before day, at most catchUpDays back, on which
// kind was planned, latest first.
func (s *Sweeper) plannedDays(ctx context.Context, kind bot.JobKind, day time.Time) ([]time.Time, error) {
	var out []time.Time
	for n := 1; n < catchUpDays; n++ {
		d := bot.AddDays(day, -n)
		planned, err := s.cfg.Outbox.Planned(ctx, kind, d)
		if err != nil {
			return nil, err
		}
		if planned {
			out = append(out, d)
		}
	}
	return out, nil
}

// planIntroDays reminds each intro day's coordinator on the working day
// before it (in the coordinator's calendar) of place, time and how many
// candidates and companies are coming; after downtime, on the first
// sweep up to the intro day itself.
func (s *Sweeper) planIntroDays(ctx context.Context, w *world, day time.Time) ([]bot.Delivery, error) {
	since, err := s.lastPlanned(ctx, bot.JobIntroDay, day)
	if err != nil {
		return nil, fmt.Errorf("plan intro day reminders: %w", err)
	}
	days, err := s.cfg.Pipeline.IntroDaysFrom(ctx, day)
	if err != nil {
		return nil, fmt.Errorf("plan intro day reminders: %w", err)
	}
	var ds []bot.Delivery
	for _, d := range days {
		to, ok := w.people[d.Coordinator]
		if !ok {
			continue
		}
		cal := w.calendar(to)
		// Told once: on its day, or in the first sweep after it when that
		// day went by without one (even a day the coordinator is closed:
		// tomorrow may be too late).
		remind := cal.PreviousWorkingDay(d.Date)
		if !remind.After(since) || remind.After(bot.Day(day)) {
			continue
		}
		cs, err := s.cfg.Pipeline.Candidates(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("plan intro day reminders: %w", err)
		}
		l := to.Lang
		ds = append(ds, bot.Delivery{Kind: bot.JobIntroDay, Day: day, To: to.ID,
			Heading: l.Pick("Påmindelse: intromøde #", "Reminder: intro day #") + strconv.FormatUint(d.ID, 10) + " " + bot.FormatDateLong(d.Date, l),
			Lines: []string{
				l.Pick("Sted: ", "Place: ") + d.Place,
				l.Pick(count(len(cs), "kandidat", "kandidater")+" og "+count(len(d.CompanyIDs), "virksomhed", "virksomheder")+" er tilmeldt.",
					count(len(cs), "candidate", "candidates")+" and "+count(len(d.CompanyIDs), "company", "companies")+" signed up."),
				l.Pick("Skriv »intromøde annoncér "+strconv.FormatUint(d.ID, 10)+"« for at opdatere listen i kanalen.",
					"Type »introday announce "+strconv.FormatUint(d.ID, 10)+"« to update the list in the channel."),
			}})
	}
	return ds, nil
}

// planInternships nudges the referring consultant, on their first working
// day after an internship's last day (never on the day itself, nor on a
// day their jobcenter is closed), to hold the education meeting. A nudge
// due while the process was down, or on a day this sweep's recipient does
// not work, is told at the next sweep on one of their working days (up to
// catchUpDays back), once.
func (s *Sweeper) planInternships(ctx context.Context, w *world, day time.Time) ([]bot.Delivery, error) {
	earlier, err := s.plannedDays(ctx, bot.JobInternship, day)
	if err != nil {
		return nil, fmt.Errorf("plan internship nudges: %w", err)
	}
	// toldBy is, for a calendar, the latest earlier sweep on one of its
	// working days: what fell due by then was told then.
	toldBy := map[*bot.Calendar]time.Time{}
	lastTold := func(cal *bot.Calendar) time.Time {
		if t, ok := toldBy[cal]; ok {
			return t
		}
		t := bot.AddDays(day, -catchUpDays)
		for _, d := range earlier {
			if cal.IsWorkingDay(d) {
				t = d
				break
			}
		}
		toldBy[cal] = t
		return t
	}
	byTo := map[uint64]*bot.Delivery{}
	var order []uint64
	// Internships whose last day lies up to two catch-up spans back: a
	// closed stretch (Christmas) may hold a nudge back that long.
	for d := bot.AddDays(day, -2*catchUpDays); d.Before(day); d = bot.AddDays(d, 1) {
		cs, err := s.cfg.Pipeline.InternshipsEnding(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("plan internship nudges: %w", err)
		}
		for _, c := range cs {
			// The referrer, or their stand-in while they are away. Unlike a
			// nudge, which comes back while the company is due, this is
			// told once: to an away referrer without a stand-in it goes
			// anyway and waits in their messages.
			to, ok := w.people[c.ReferrerID]
			if !ok {
				continue
			}
			if sub, has := w.people[to.StandInID]; to.Away(day) && has && !sub.Away(day) {
				to = sub
			}
			cal := w.calendar(to)
			if due := cal.NextWorkingDay(bot.AddDays(c.InternshipEnd, 1)); !cal.IsWorkingDay(day) || due.After(day) || !due.After(lastTold(cal)) {
				continue // not yet, not today, or told before
			}
			company := "#" + strconv.FormatUint(c.CompanyID, 10)
			if co, err := s.cfg.Pipeline.Company(ctx, c.CompanyID); err == nil {
				company = co.Name
			}
			dl := byTo[to.ID]
			if dl == nil {
				l := to.Lang
				dl = &bot.Delivery{Kind: bot.JobInternship, Day: day, To: to.ID,
					Heading: l.Pick("Praktik slut: hold uddannelsesmødet", "Internship over: hold the education meeting")}
				byTo[to.ID] = dl
				order = append(order, to.ID)
			}
			l := to.Lang
			dl.Lines = append(dl.Lines, l.Pick(
				c.Reference+": praktik hos "+company+" sluttede "+bot.FormatDate(c.InternshipEnd, l)+". Skriv »kandidat "+c.Reference+" møde <dato> [kursus <tekst>]«.",
				c.Reference+": internship at "+company+" ended "+bot.FormatDate(c.InternshipEnd, l)+". Type »candidate "+c.Reference+" meeting <date> [course <text>]«."))
		}
	}
	ds := make([]bot.Delivery, 0, len(order))
	for _, id := range order {
		ds = append(ds, *byTo[id])
	}
	return ds, nil
}
