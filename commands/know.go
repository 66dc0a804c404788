package commands

import (
	"context"
	"slices"

	"kontaktbot/bot"
)

// The read side of the rules in access.go: which positions, intro days
// and candidates a reader may see, and the polite refusals when not.
// Positions are shared with the partners of the position's jobcenter by
// design; intro-day lists with the jobcenters taking part and their
// partners, the day's coordinator and admins.

// knower returns mayKnow for the actor, asked once per jobcenter: a list
// of many positions asks about few jobcenters.
func (s *Service) knower(ctx context.Context, c *call) func(jobcenter uint64) (bool, error) {
	seen := map[uint64]bool{}
	return func(jobcenter uint64) (bool, error) {
		if ok, done := seen[jobcenter]; done {
			return ok, nil
		}
		ok, err := s.mayKnow(ctx, c, jobcenter)
		if err != nil {
			return false, err
		}
		seen[jobcenter] = ok
		return ok, nil
	}
}

// mayKnowPosition reports whether the actor may see a position: its
// contact consultant may, and whoever may know its jobcenter's things.
func mayKnowPosition(c *call, p bot.Position, know func(uint64) (bool, error)) (bool, error) {
	if p.ConsultantID == c.actor.ID {
		return true, nil
	}
	return know(p.JobcenterID)
}

// knownPositions keeps the positions the actor may see, in order.
func (s *Service) knownPositions(ctx context.Context, c *call, ps []bot.Position) ([]bot.Position, error) {
	know := s.knower(ctx, c)
	out := ps[:0:0]
	for _, p := range ps {
		ok, err := mayKnowPosition(c, p, know)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// positionHidden refuses to show a position to a reader outside its
// jobcenter and that jobcenter's partners; it says whose it is and how
// to get it shared.
func (s *Service) positionHidden(ctx context.Context, c *call, p bot.Position) error {
	j := s.jobcenterName(ctx, p.JobcenterID)
	return bot.Errorf(bot.Forbidden, "%s", c.tr(
		"Stilling "+ref(p)+" hører til "+j+", som ikke deler stillinger med dit jobcenter; kun "+j+" og deres samarbejdspartnere kan se den. En administrator kan gøre jobcentrene til samarbejdspartnere.",
		"Position "+ref(p)+" belongs to "+j+", which does not share positions with your jobcenter; only "+j+" and its partners can see it. An admin can make the jobcenters partners."))
}

// mayKnowIntroDay reports whether the actor may see an intro day's lists:
// candidates, companies and numbers. Admins and the day's coordinator may,
// and whoever may know one of the jobcenters taking part (the host
// included): their own people and their partners'.
func (s *Service) mayKnowIntroDay(ctx context.Context, c *call, d bot.IntroDay, know func(uint64) (bool, error)) (bool, error) {
	if c.actor.Role == bot.RoleAdmin || d.Coordinator == c.actor.ID {
		return true, nil
	}
	for _, j := range append([]uint64{d.HostID}, d.Jobcenters...) {
		ok, err := know(j)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// introDayHidden refuses an intro day's lists to a reader who may not
// see them, naming the jobcenters that may.
func (s *Service) introDayHidden(ctx context.Context, c *call, d bot.IntroDay) error {
	names := s.jobcenterNames(ctx)
	who := nameList(names, append([]uint64{d.HostID}, guests(d)...))
	return bot.Errorf(bot.Forbidden, "%s", c.tr(
		"Intromøde "+dayRef(d.ID)+" er for "+who+"; kun de jobcentre, deres samarbejdspartnere, mødets tovholder og administratorer kan se listen og tallene. Spørg mødets tovholder, hvis dit jobcenter skal være med.",
		"Intro day "+dayRef(d.ID)+" is for "+who+"; only those jobcenters, their partners, the day's coordinator and admins can see its list and numbers. Ask the day's coordinator if your jobcenter should take part."))
}

// seeIntroDay refuses d's lists unless the actor may see them. A reader
// whose jobcenter neither hosts nor takes part in d, and who does not
// coordinate it (a partner's consultant, an admin), reads another
// jobcenter's candidates, and the trail records it with what was read.
func (s *Service) seeIntroDay(ctx context.Context, c *call, d bot.IntroDay, what string) error {
	ok, err := s.mayKnowIntroDay(ctx, c, d, s.knower(ctx, c))
	if err != nil {
		return err
	}
	if !ok {
		return s.introDayHidden(ctx, c, d)
	}
	if d.Coordinator == c.actor.ID || d.HostID == c.actor.JobcenterID || slices.Contains(d.Jobcenters, c.actor.JobcenterID) {
		return nil
	}
	return s.auditReadOf(ctx, c, d.HostID, "intro day "+dayRef(d.ID), what)
}
