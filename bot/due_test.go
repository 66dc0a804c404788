package bot

import (
	"testing"
	"time"
)

// OverdueDays counts from the cadence's start; it must agree with the due
// day it skips working out, across daylight-saving changes and times of
// day near midnight.
func TestOverdueDaysAgreesWithDueDay(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 30, 0, 0, Copenhagen)
	now := time.Date(2026, 11, 2, 23, 45, 0, 0, Copenhagen)
	for d := 0; d < 366; d += 3 {
		for _, cadence := range []int{1, 7, 14, 30, 45, 90, 365} {
			last := start.AddDate(0, 0, d).Add(time.Duration(d%24) * time.Hour)
			for _, c := range []Company{
				{CadenceDays: cadence, LastContact: last},
				{CadenceDays: cadence, OwnerSince: last, Created: start},
				{CadenceDays: cadence, Created: last},
			} {
				if got, want := c.OverdueDays(now), DaysBetween(c.DueDay(), now); got != want {
					t.Fatalf("%+v: OverdueDays = %d, want %d", c, got, want)
				}
			}
		}
	}
	if got := (Company{LastContact: start}).OverdueDays(now); got != 0 {
		t.Errorf("no cadence: OverdueDays = %d, want 0", got)
	}
}
