package bot

import "time"

// DueDay is the Copenhagen day on which contact with c falls due: its last
// contact, or with none the day it got its dedicated consultant, plus its
// cadence in calendar days. It is the zero time when c has no cadence.
func (c Company) DueDay() time.Time {
	if c.CadenceDays <= 0 {
		return time.Time{}
	}
	return AddDays(c.dueFrom(), c.CadenceDays)
}

// dueFrom is the day the cadence counts from: the last contact, else the
// day the owner took the company on, else the day it was registered.
func (c *Company) dueFrom() time.Time {
	switch {
	case !c.LastContact.IsZero():
		return c.LastContact
	case !c.OwnerSince.IsZero():
		return c.OwnerSince
	}
	return c.Created
}

// OverdueDays is how many whole days past its due day c is on day now:
// 0 on the due day itself, negative before it.
func (c Company) OverdueDays(now time.Time) int {
	if c.CadenceDays <= 0 {
		return 0
	}
	// Calendar days add up: counting from the day the cadence starts
	// saves working out the due day (a team's coverage asks this of
	// every company it has).
	return DaysBetween(c.dueFrom(), now) - c.CadenceDays
}

// NudgeDay is the first Copenhagen day on which c's dedicated consultant
// should be nudged about it: the due day, held back by a planned next
// contact (the nudge comes the day after the planned day, if no contact
// came) or a snooze (the nudge comes on the day the snooze ends). ok is
// false for companies that are never nudged: paused, ended, without an
// owner or without a cadence.
func (c Company) NudgeDay() (day time.Time, ok bool) {
	if c.Status != StatusActive || c.OwnerID == 0 || c.CadenceDays <= 0 {
		return time.Time{}, false
	}
	day = c.DueDay()
	if !c.PlannedNext.IsZero() && c.PlannedNext.After(c.LastContact) {
		if after := AddDays(c.PlannedNext, 1); after.After(day) {
			day = after
		}
	}
	if !c.SnoozedUntil.IsZero() {
		if s := Day(c.SnoozedUntil); s.After(day) {
			day = s
		}
	}
	return day, true
}

// Overdue reports whether c should be counted as overdue on day now: its
// nudge day has come.
func (c Company) Overdue(now time.Time) bool {
	day, ok := c.NudgeDay()
	return ok && !Day(now).Before(day)
}

// EscalationSnoozes is how many snoozes in a row bring a company into the
// team lead's digest.
const EscalationSnoozes = 3

// Escalated reports whether c belongs in the team lead's weekly digest on
// day: overdue by more than one whole cadence (twice the agreed gap
// without contact), or snoozed EscalationSnoozes times in a row.
func (c Company) Escalated(day time.Time) bool {
	if c.Status != StatusActive || c.OwnerID == 0 || c.CadenceDays <= 0 {
		return false
	}
	return c.OverdueDays(day) > c.CadenceDays || c.SnoozeCount >= EscalationSnoozes
}
