package reminders_test

import (
	"fmt"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
)

// TestSweepLeavesPeopleOnAnUnconfiguredPlatform: a process with Slack
// alone (remind run without Teams' credentials) delivers to the Slack
// person and leaves the Teams person's nudge untouched and owed, neither
// tried nor given up; a later process with Teams delivers it, once.
func TestSweepLeavesPeopleOnAnUnconfiguredPlatform(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna", Identities: []bot.Identity{{Platform: "slack", Team: "T1", User: "U1"}}})
	bo := f.person(bot.Consultant{Name: "Bo", Identities: []bot.Identity{{Platform: "console", User: "bo"}, {Platform: "teams", Team: "t1", User: "aad-bo"}}})
	f.overdue("Anna Logistik", anna.ID, wed, 2)
	f.overdue("Bo Byg", bo.ID, wed, 3)

	slackOnly := f.cfg
	slackOnly.Notifier = bot.Platforms{"slack": f.n, "console": f.n}
	rep := f.sweepWith(slackOnly, at(wed, 8, 0))
	if rep.Sent != 1 || rep.Failed != 0 || rep.Given != 0 || rep.Left["teams"] != 1 {
		t.Errorf("report with Slack alone: %+v, want 1 sent and 1 left for teams", rep)
	}
	if got := f.n.to(bo.ID); len(got) != 0 {
		t.Errorf("Bo, a Teams user (who once used the console), was sent %d messages by a process without Teams", len(got))
	}
	if d := f.delivery(bot.JobNudge, wed, bo.ID); d.Done() || d.Attempts != 0 || d.LastError != "" {
		t.Errorf("Bo's nudge after a process without Teams: %+v, want owed and untried", d)
	}

	both := f.cfg
	both.Notifier = bot.Platforms{"slack": f.n, "teams": f.n}
	rep = f.sweepWith(both, at(wed, 9, 0))
	if rep.Sent != 1 || len(rep.Left) != 0 {
		t.Errorf("report with Teams: %+v, want Bo's nudge sent", rep)
	}
	if got := f.n.to(bo.ID); len(got) != 1 || !got[0].OK {
		t.Errorf("Bo got %+v, want his nudge once", got)
	}
	if got := f.n.to(anna.ID); len(got) != 1 {
		t.Errorf("Anna got %d nudges, want 1", len(got))
	}
	if d := f.delivery(bot.JobNudge, wed, bo.ID); d.Delivered.IsZero() || d.Attempts != 1 {
		t.Errorf("Bo's nudge: %+v, want delivered on its first try", d)
	}
}

// TestSweepLeavesWhatANotifierCannotRoute: a notifier that finds out only
// when sending that it lacks the person's platform (bot.ErrNoNotifier)
// leaves the delivery owed: not failed, not given up, no try counted.
func TestSweepLeavesWhatANotifierCannotRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Bo Byg", bo.ID, wed, 3)
	f.n.failFirst(bo.ID, 1, fmt.Errorf("send: %w", bot.ErrNoNotifier))
	rep := f.sweep(at(wed, 8, 0))
	if rep.Sent != 0 || rep.Failed != 0 || rep.Given != 0 || rep.Left["?"] != 1 {
		t.Errorf("report: %+v, want the nudge left", rep)
	}
	if d := f.delivery(bot.JobNudge, wed, bo.ID); d.Done() || d.Attempts != 0 {
		t.Errorf("Bo's nudge: %+v, want owed with no try counted", d)
	}
	if rep := f.sweepWith(f.cfg, at(wed, 8, 5)); rep.Sent != 1 {
		t.Errorf("a later process delivered nothing: %+v", rep)
	}
}

// sweepWith sweeps at now with a new Sweeper made of cfg, as another
// process on the same file would.
func (f *fixture) sweepWith(cfg reminders.Config, now time.Time) reminders.Report {
	f.t.Helper()
	f.clk.Set(now)
	rep, err := reminders.NewSweeper(cfg).Sweep(f.ctx, now)
	if err != nil {
		f.t.Fatalf("sweep at %s: %v", now, err)
	}
	return rep
}
