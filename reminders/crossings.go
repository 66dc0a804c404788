package reminders

import (
	"context"
	"fmt"
	"time"

	"kontaktbot/bot"
)

// addCrossings puts in each nudge of day the contacts that consultants of
// other jobcenters logged with the recipient's companies: a company with
// sites in several municipalities keeps one dedicated consultant, who
// should know who else has been there.
//
// Each crossing is told once. A nudge covers the days since the last
// planned morning on which the owner's nudges had a recipient, up to the
// day before its own: a contact logged on a Friday afternoon comes on
// Monday, and one logged while the owner was away without a stand-in comes
// when they are back (at most catchUpDays back).
func (s *Sweeper) addCrossings(ctx context.Context, w *world, day time.Time, byTo map[uint64]*bot.Delivery) error {
	if s.cfg.Crossings == nil {
		return nil
	}
	planned, err := s.plannedDays(ctx, bot.JobNudge, day)
	if err != nil {
		return fmt.Errorf("crossings: %w", err)
	}
	from := bot.AddDays(day, -catchUpDays)
	since := map[uint64]time.Time{} // by owner
	sinceOf := func(owner uint64) time.Time {
		if d, ok := since[owner]; ok {
			return d
		}
		d := from
		for _, p := range planned {
			if _, _, ok := w.recipient(owner, p); ok {
				d = p
				break
			}
		}
		since[owner] = d
		return d
	}
	err = s.cfg.Crossings.CrossedContacts(ctx, from, bot.Day(day), func(ct bot.Contact, co bot.Company) error {
		owner, ok := w.people[co.OwnerID]
		by, known := w.people[ct.ConsultantID]
		if !ok || !known || owner.JobcenterID == by.JobcenterID {
			return nil // the company changed hands since, to the visitor's jobcenter
		}
		if bot.Day(ct.Logged).Before(sinceOf(owner.ID)) {
			return nil // told in an earlier nudge
		}
		to, away, ok := w.recipient(owner.ID, day)
		if !ok {
			return nil // told on the owner's next working morning
		}
		d := byTo[to.ID]
		if d == nil {
			d = &bot.Delivery{Kind: bot.JobNudge, Day: day, To: to.ID}
			byTo[to.ID] = d
		}
		c := bot.Crossing{CompanyID: co.ID, Name: co.Name, At: ct.At, Kind: ct.Kind, By: by.Name, Jobcenter: w.jobcenters[by.JobcenterID].Name}
		if away != nil {
			c.Owner = away.Name
		}
		d.Crossings = append(d.Crossings, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("crossings: %w", err)
	}
	return nil
}
