package bot_test

import (
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestCoverageWeeksTakeEachWeeksLastSnapshotAndLeaveGaps(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 4, 15, 0, 0, 0, bot.Copenhagen) // Wednesday, week 45
	snap := func(y int, m time.Month, d, within int) bot.CoverageSnapshot {
		return bot.CoverageSnapshot{Day: time.Date(y, m, d, 0, 0, 0, 0, bot.Copenhagen), Dedicated: 10, Within: within}
	}
	weeks := bot.CoverageWeeks([]bot.CoverageSnapshot{
		snap(2026, 11, 5, 9),  // after day: left out
		snap(2026, 11, 3, 8),  // week 45, the last on or before day
		snap(2026, 11, 2, 7),  // week 45, earlier
		snap(2026, 10, 25, 6), // Sunday of week 43 (summer time ends that day)
		snap(2026, 10, 19, 5), // Monday of week 43
		snap(2026, 5, 10, 1),  // before the first week: left out
	}, day, 4)
	want := []struct {
		week, within int
		known        bool
	}{{42, 0, false}, {43, 6, true}, {44, 0, false}, {45, 8, true}}
	if len(weeks) != len(want) {
		t.Fatalf("%d weeks", len(weeks))
	}
	for i, w := range want {
		got := weeks[i]
		if got.Week != w.week || got.Known != w.known || got.Last.Within != w.within || got.Monday.Weekday() != time.Monday {
			t.Errorf("week %d: %+v, want %+v", i, got, w)
		}
	}
	ch := bot.CoverageChart{Weeks: weeks}
	if l, ok := ch.Latest(); !ok || l.Week != 45 || l.Last.Percent() != 80 {
		t.Fatalf("latest: %+v %v", l, ok)
	}
}

func TestCoveragePercentRounds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ within, dedicated, want int }{
		{0, 0, 0}, {1, 6, 17}, {199, 200, 99}, {1, 300, 1}, {0, 3, 0}, {3, 3, 100}, {1, 2, 50},
	} {
		if got := bot.CoveragePercent(c.within, c.dedicated); got != c.want {
			t.Errorf("%d of %d: %d %%, want %d", c.within, c.dedicated, got, c.want)
		}
	}
}
