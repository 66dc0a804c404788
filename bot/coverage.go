package bot

import "time"

// CoverageSnapshot is one day's coverage of one jobcenter's dedicated
// companies, as »dækning team« counts it: within + overdue = dedicated.
// The scheduler stores one a day per jobcenter, for the weekly chart.
type CoverageSnapshot struct {
	JobcenterID uint64    `json:"jobcenter"`
	Day         time.Time `json:"day"` // a Copenhagen day
	Dedicated   int       `json:"dedicated"`
	Within      int       `json:"within"`
	Overdue     int       `json:"overdue"`
}

// Percent is Within / Dedicated as CoveragePercent rounds it.
func (s CoverageSnapshot) Percent() int { return CoveragePercent(s.Within, s.Dedicated) }

// CoveragePercent is within / dedicated in whole percent, rounded half up
// (1 of 6 is 17 %), but never 100 while one is overdue nor 0 while one is
// within; 0 when nothing is dedicated.
func CoveragePercent(within, dedicated int) int {
	if dedicated <= 0 {
		return 0
	}
	p := (within*200 + dedicated) / (2 * dedicated)
	switch {
	case p == 100 && within < dedicated:
		return 99
	case p == 0 && within > 0:
		return 1
	}
	return p
}

// CoverageWeek is one week of a coverage chart: its Monday, its ISO week
// number, and the week's last snapshot (Known false: no snapshot that
// week, a gap in the chart rather than a zero).
type CoverageWeek struct {
	Monday time.Time        `json:"monday"`
	Week   int              `json:"week"`
	Known  bool             `json:"known,omitempty"`
	Last   CoverageSnapshot `json:"last,omitzero"`
}

// CoverageChart is what a coverage chart shows: whose, the weeks oldest
// first, and the goal in percent (0: none set).
type CoverageChart struct {
	Title string         `json:"title"`
	Goal  int            `json:"goal,omitempty"`
	Weeks []CoverageWeek `json:"weeks"`
}

// Latest returns the newest week with a snapshot, if any.
func (c CoverageChart) Latest() (CoverageWeek, bool) {
	for i := len(c.Weeks) - 1; i >= 0; i-- {
		if c.Weeks[i].Known {
			return c.Weeks[i], true
		}
	}
	return CoverageWeek{}, false
}

// ChartWeeks is how many weeks a coverage chart shows.
const ChartWeeks = 26

// Monday returns midnight of the Monday of t's week in Copenhagen.
func Monday(t time.Time) time.Time {
	return AddDays(t, -(int(t.In(Copenhagen).Weekday()+6) % 7))
}

// CoverageWeeks puts snapshots (of one jobcenter, any order) into the n
// weeks that end with day's week, oldest first; each week holds its last
// snapshot on or before day. Snapshots outside the weeks are ignored.
func CoverageWeeks(snaps []CoverageSnapshot, day time.Time, n int) []CoverageWeek {
	last := Monday(day)
	first := AddDays(last, -7*(n-1))
	weeks := make([]CoverageWeek, n)
	for i := range weeks {
		m := AddDays(first, 7*i)
		_, w := m.ISOWeek()
		weeks[i] = CoverageWeek{Monday: m, Week: w}
	}
	end := AddDays(day, 1)
	for _, s := range snaps {
		d := Day(s.Day)
		if d.Before(first) || !d.Before(end) {
			continue
		}
		i := DaysBetween(first, d) / 7
		if w := &weeks[i]; !w.Known || d.After(w.Last.Day) {
			w.Known, w.Last = true, s
			w.Last.Day = d
		}
	}
	return weeks
}
