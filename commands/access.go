package commands

import (
	"context"
	"fmt"
	"slices"

	"kontaktbot/bot"
)

// Who may act and see across jobcenters. One bot may serve many
// municipalities, so every rule has a jobcenter in it:
//
//   - A lead acts on their own jobcenter's companies, positions, people
//     and channels; an admin acts everywhere (mayLead).
//   - Everyone may see that a company exists, its dedicated consultant and
//     jobcenter, and the date of its last contact, so that nobody calls a
//     company twice. Notes, contact history, positions' contact details
//     and intro-day lists are for the company's own jobcenter and its
//     partners (mayKnow).
//
// A company belongs to its dedicated consultant's jobcenter; one without a
// consultant to the jobcenter of whoever last had contact with it, and a
// company no one has touched to none (everyone may read it; any lead may
// take it on).

// companyJobcenter is the jobcenter a company belongs to, 0 for none.
func (s *Service) companyJobcenter(ctx context.Context, co bot.Company) (uint64, error) {
	for _, id := range []uint64{co.OwnerID, co.LastBy} {
		if id == 0 {
			continue
		}
		p, err := s.people.Consultant(ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("company's jobcenter: %w", err)
		}
		return p.JobcenterID, nil
	}
	return 0, nil
}

// mayKnow reports whether the actor may read what a jobcenter keeps about
// its companies: notes, contact history, contact details, candidate
// lists. Its own people, its partners' and admins may; jobcenter 0 (none)
// is open to all.
func (s *Service) mayKnow(ctx context.Context, c *call, jobcenter uint64) (bool, error) {
	if jobcenter == 0 || jobcenter == c.actor.JobcenterID || c.actor.Role == bot.RoleAdmin {
		return true, nil
	}
	j, err := s.people.Jobcenter(ctx, jobcenter)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobcenter #%d: %w", jobcenter, err)
	}
	return slices.Contains(j.Partners, c.actor.JobcenterID), nil
}

// mayLead refuses, unless the actor is an admin or a lead of the
// jobcenter, a lead's act on something of that jobcenter (jobcenter 0:
// any lead's). The refusal names who may: "a lead of Jobcenter Svendborg
// or an admin".
func (s *Service) mayLead(ctx context.Context, c *call, jobcenter uint64) error {
	if c.actor.Role == bot.RoleAdmin {
		return nil
	}
	if c.actor.Role.Rank() >= bot.RoleLead.Rank() && (jobcenter == 0 || jobcenter == c.actor.JobcenterID) {
		return nil
	}
	return s.onlyLeadOf(ctx, c, jobcenter, "")
}

// onlyLeadOf is the refusal of an act that a lead of the jobcenter (or an
// admin, or, when alsoWho is set, that person too) may do.
func (s *Service) onlyLeadOf(ctx context.Context, c *call, jobcenter uint64, alsoWho string) error {
	lead := c.tr("en leder", "a lead")
	if jobcenter != 0 {
		j, err := s.people.Jobcenter(ctx, jobcenter)
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("jobcenter #%d: %w", jobcenter, err)
		}
		if err == nil {
			lead = c.tr("en leder i "+j.Name, "a lead of "+j.Name)
		}
	}
	who := []string{lead, c.tr("en administrator", "an admin")}
	if alsoWho != "" {
		who = append([]string{alsoWho}, who...)
	}
	return bot.Errorf(bot.Forbidden, "%s", c.tr(
		"Kun "+orList(c.lang, who)+" kan gøre det, så intet er ændret.",
		"Only "+orList(c.lang, who)+" can do that, so nothing was changed."))
}
