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

// planIntroDays reminds each intro day's coordinator on the working day
// before it (in the coordinator's calendar) of place, time and how many
// candidates and companies are coming.
func (s *Sweeper) planIntroDays(ctx context.Context, w *world, day time.Time) ([]bot.Delivery, error) {
	days, err := s.cfg.Pipeline.IntroDaysFrom(ctx, bot.AddDays(day, 1))
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
		if !cal.IsWorkingDay(day) || !cal.PreviousWorkingDay(d.Date).Equal(bot.Day(day)) {
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

// planInternships nudges the referring consultant, on the first working
// day on or after an internship's last day, to hold the education
// meeting. A day closed for the referrer hands the nudge to their next
// working day.
func (s *Sweeper) planInternships(ctx context.Context, w *world, day time.Time) ([]bot.Delivery, error) {
	byTo := map[uint64]*bot.Delivery{}
	var order []uint64
	// The days since the general calendar's previous working day: what
	// ended on a weekend or holiday is told on the next working day.
	for d := bot.AddDays(w.general.PreviousWorkingDay(day), 1); !d.After(day); d = bot.AddDays(d, 1) {
		cs, err := s.cfg.Pipeline.InternshipsEnding(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("plan internship nudges: %w", err)
		}
		for _, c := range cs {
			to, _, ok := w.recipient(c.ReferrerID, day)
			if !ok {
				continue
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
