package reminders_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// TestSweepEveryFiveSecondsAllDay sweeps a working day from 00:00 to
// 23:59:55 every five seconds: each consultant with something due is
// nudged exactly once, and the day is planned once. -short sweeps every
// minute instead (17,280 sweeps take about ten seconds under -race).
func TestSweepEveryFiveSecondsAllDay(t *testing.T) {
	t.Parallel()
	step := 5 * time.Second
	if testing.Short() {
		step = time.Minute
	}
	f := newFixture(t, at(wed, 0, 0))
	var due []bot.Consultant
	for i, name := range []string{"Anna", "Bo", "Carl"} {
		p := f.person(bot.Consultant{Name: name})
		f.overdue(name+" Logistik", p.ID, wed, i)
		due = append(due, p)
	}
	idle := f.person(bot.Consultant{Name: "Dora"})
	f.company(bot.Company{Name: "Dora Gartneri", OwnerID: idle.ID, CadenceDays: 30, LastContact: before(wed, 1)})

	planned, sent := 0, 0
	for now := at(wed, 0, 0); bot.Day(now).Equal(wed); now = now.Add(step) {
		rep := f.sweep(now)
		planned += rep.Planned[bot.JobNudge]
		sent += rep.Sent
		if rep.Failed != 0 || rep.Given != 0 {
			t.Fatalf("sweep at %s: %+v", now, rep)
		}
	}
	if planned != len(due) || sent != len(due) {
		t.Errorf("reports: %d planned, %d sent; want %d and %d", planned, sent, len(due), len(due))
	}
	for _, p := range due {
		if got := f.n.to(p.ID); len(got) != 1 || !got[0].OK || !got[0].At.Equal(at(wed, 0, 0)) {
			t.Errorf("%s: %d tries %+v, want one at 00:00", p.Name, len(got), got)
		}
		if d := f.delivery(bot.JobNudge, wed, p.ID); d.Attempts != 1 || d.Delivered.IsZero() || d.Receipt.MessageID == "" {
			t.Errorf("%s: stored %+v, want delivered on the first try with its receipt", p.Name, d)
		}
	}
	if got := f.n.to(idle.ID); len(got) != 0 {
		t.Errorf("Dora, with nothing due, got %d messages", len(got))
	}
}

// TestOnePerWorkingDayForAWeek sweeps every ten minutes from Monday to
// Sunday: a company left uncontacted is nudged about once each working
// day, and not at the weekend.
func TestOnePerWorkingDayForAWeek(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 0, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Kirkegaard Kran", anna.ID, mon, 0)
	sun := bot.AddDays(mon, 6)
	for now := at(mon, 0, 0); !bot.Day(now).After(sun); now = now.Add(10 * time.Minute) {
		f.sweep(now)
	}
	var days []string
	for _, a := range f.n.to(anna.ID) {
		days = append(days, a.At.Weekday().String())
		want := fmt.Sprintf("— %d dag", bot.DaysBetween(mon, a.At)) // "— 1 dag over", "— 4 dage over"
		if a.At.Weekday() == time.Monday {
			want = "— forfalder i dag"
		}
		if l := line(overdueLines(a.Msg), "Kirkegaard Kran"); !strings.Contains(l, want) {
			t.Errorf("%s: line %q does not count the days", a.At.Weekday(), l)
		}
	}
	if fmt.Sprint(days) != "[Monday Tuesday Wednesday Thursday Friday]" {
		t.Errorf("nudged on %v, want once each working day", days)
	}
}

// TestRetryAfterFailures: the first two tries fail; later sweeps retry
// after one and then two minutes and deliver exactly once.
func TestRetryAfterFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(anna.ID, 2, errors.New("slack: service_unavailable"))

	rep := f.sweep(at(wed, 8, 0))
	if rep.Sent != 1 || rep.Failed != 1 || rep.Given != 0 {
		t.Errorf("first sweep: %+v, want 1 sent, 1 failed", rep)
	}
	d := f.delivery(bot.JobNudge, wed, anna.ID)
	if d.Attempts != 1 || !d.Delivered.IsZero() || d.LastError != "slack: service_unavailable" || !d.NextTry.Equal(at(wed, 8, 1)) {
		t.Errorf("after the first failure: %+v, want attempts 1, the error and the next try at 08:01", d)
	}
	for now := at(wed, 8, 0).Add(30 * time.Second); now.Before(at(wed, 12, 0)); now = now.Add(30 * time.Second) {
		f.sweep(now)
	}
	var times []string
	for _, a := range f.n.to(anna.ID) {
		times = append(times, a.At.Format("15:04:05")+map[bool]string{true: " ok", false: " failed"}[a.OK])
	}
	if want := "[08:00:00 failed 08:01:00 failed 08:03:00 ok]"; fmt.Sprint(times) != want {
		t.Errorf("tries to Anna: %v, want %s", times, want)
	}
	if got := f.n.to(bo.ID); len(got) != 1 {
		t.Errorf("Bo got %d tries, want 1", len(got))
	}
	d = f.delivery(bot.JobNudge, wed, anna.ID)
	if d.Attempts != 3 || !d.Delivered.Equal(at(wed, 8, 3)) || d.LastError != "" || d.GaveUp || d.Receipt.MessageID == "" {
		t.Errorf("stored: %+v, want delivered at 08:03 on the third attempt", d)
	}
}

// TestRetryAfterIsHonoured: a platform's Retry-After is waited out, and
// one that reaches past the end of the day gives up.
func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.n.failFirst(anna.ID, 1, &bot.RetryAfterError{After: 30 * time.Minute, Err: errors.New("429 Too Many Requests")})
	for now := at(wed, 8, 0); !now.After(at(wed, 9, 0)); now = now.Add(time.Minute) {
		f.sweep(now)
	}
	got := f.n.to(anna.ID)
	if len(got) != 2 || !got[0].At.Equal(at(wed, 8, 0)) || !got[1].At.Equal(at(wed, 8, 30)) || !got[1].OK {
		t.Errorf("tries: %+v, want a failure at 08:00 and a delivery at 08:30", got)
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Attempts != 2 || d.Delivered.IsZero() {
		t.Errorf("stored: %+v, want delivered on attempt 2", d)
	}

	t.Run("past midnight", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, at(wed, 23, 45))
		anna := f.person(bot.Consultant{Name: "Anna"})
		f.overdue("Anna Auto", anna.ID, wed, 1)
		f.n.failFirst(anna.ID, 1, &bot.RetryAfterError{After: 30 * time.Minute, Err: errors.New("429")})
		if rep := f.sweep(at(wed, 23, 45)); rep.Given != 1 || rep.Failed != 0 {
			t.Errorf("report %+v, want the delivery given up", rep)
		}
		f.sweep(at(wed, 23, 59))
		if d := f.delivery(bot.JobNudge, wed, anna.ID); !d.GaveUp || d.Attempts != 1 || !strings.Contains(d.LastError, "429") {
			t.Errorf("stored: %+v, want given up after one attempt", d)
		}
		if n := len(f.n.attempts()); n != 1 {
			t.Errorf("%d tries, want 1", n)
		}
	})
}

// TestGiveUpWhenTheDayEnds: a notifier that never succeeds is tried with
// doubling waits, at most an hour apart, until the day ends; the next
// day's nudge still goes.
func TestGiveUpWhenTheDayEnds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.n.failFirst(anna.ID, -1, errors.New("teams: 502 bad gateway"))
	given := 0
	for now := at(wed, 8, 0); bot.Day(now).Equal(wed); now = now.Add(time.Minute) {
		rep := f.sweep(now)
		given += rep.Given
		if rep.Given == 1 && !now.Equal(at(wed, 23, 3)) {
			t.Errorf("given up at %s, want 23:03", now.Format("15:04"))
		}
	}
	want := []string{"08:00", "08:01", "08:03", "08:07", "08:15", "08:31", "09:03"}
	for h := 10; h <= 23; h++ {
		want = append(want, fmt.Sprintf("%02d:03", h))
	}
	var got []string
	for _, a := range f.n.to(anna.ID) {
		got = append(got, a.At.Format("15:04"))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tries at %v\nwant       %v", got, want)
	}
	d := f.delivery(bot.JobNudge, wed, anna.ID)
	if !d.GaveUp || !d.Delivered.IsZero() || d.Attempts != len(want) || d.LastError != "teams: 502 bad gateway" || given != 1 {
		t.Errorf("stored: %+v (given up %d times), want given up after %d attempts", d, given, len(want))
	}

	f.n.failFirst(anna.ID, 0, nil)
	thu := bot.AddDays(wed, 1)
	f.sweep(at(thu, 8, 0))
	f.sweep(at(thu, 9, 0))
	if got := f.n.delivered(); len(got) != 1 || !got[0].At.Equal(at(thu, 8, 0)) {
		t.Errorf("thursday: delivered %+v, want one nudge at 08:00", got)
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); !d.GaveUp || !d.Delivered.IsZero() {
		t.Errorf("wednesday's delivery changed on thursday: %+v", d)
	}
}

// TestNotifierPanic: a panicking notifier (msbotbuilder-go on an
// unreachable token endpoint) is a failed try, not a crash.
func TestNotifierPanic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.n.panicNext(1)
	rep, err := f.sw.Sweep(f.ctx, at(wed, 8, 0))
	if err != nil || rep.Failed != 1 || rep.Sent != 0 {
		t.Fatalf("sweep = %+v, %v; want one failed try and no error", rep, err)
	}
	d := f.delivery(bot.JobNudge, wed, anna.ID)
	if d.Attempts != 1 || !strings.Contains(d.LastError, "panic") || !strings.Contains(d.LastError, "token endpoint unreachable") {
		t.Errorf("stored: %+v, want the panic recorded as the error", d)
	}
	f.sweep(at(wed, 8, 1))
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Attempts != 2 || d.Delivered.IsZero() {
		t.Errorf("after the retry: %+v, want delivered on attempt 2", d)
	}
}

// TestRestart: a process stopped after the delivery and started again
// the same day sends nothing more; one stopped between a failed try and
// its retry delivers once after the restart.
func TestRestart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(bo.ID, 1, errors.New("connection reset"))
	f.sweep(at(wed, 8, 0))
	if got := received(f, anna, bo); len(got["Anna"]) != 1 || len(got["Bo"]) != 0 {
		t.Fatalf("before the restart: %v, want Anna's nudge only", got)
	}

	f.reopen()
	for _, now := range []time.Time{at(wed, 8, 0).Add(10 * time.Second), at(wed, 8, 2), at(wed, 15, 0)} {
		f.sweep(now)
	}
	assertReceived(t, "after the restart", received(f, anna, bo), map[string][][]string{"Bo": {{"Bo Byg"}}})
	if d := f.delivery(bot.JobNudge, wed, bo.ID); d.Attempts != 2 || d.Delivered.IsZero() {
		t.Errorf("Bo's delivery: %+v, want delivered on attempt 2", d)
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Attempts != 1 || d.Delivered.IsZero() {
		t.Errorf("Anna's delivery: %+v, want the first delivery kept", d)
	}

	f.reopen()
	f.sweep(at(wed, 23, 59))
	f.sweep(at(bot.AddDays(wed, 1), 8, 0))
	assertReceived(t, "after a second restart", received(f, anna, bo), map[string][][]string{
		"Anna": {{"Anna Auto"}}, "Bo": {{"Bo Byg"}},
	})
	for _, a := range f.n.attempts() {
		if !bot.Day(a.At).Equal(bot.AddDays(wed, 1)) {
			t.Errorf("a try at %s, want only thursday's", a.At)
		}
	}
}

// TestLateStart: a process whose first sweep is at 14:00 on a working
// day catches up at once, and only once.
func TestLateStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 14, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 0)
	rep := f.sweep(at(wed, 14, 0))
	if rep.Planned[bot.JobNudge] != 2 || rep.Sent != 2 {
		t.Errorf("first sweep: %+v, want 2 planned and sent", rep)
	}
	for now := at(wed, 14, 1); now.Before(at(wed, 18, 0)); now = now.Add(time.Minute) {
		f.sweep(now)
	}
	assertReceived(t, "wednesday", received(f, anna, bo), map[string][][]string{
		"Anna": {{"Anna Auto"}}, "Bo": {{"Bo Byg"}},
	})
}

// TestHolidayStart: a process started on a holiday sends nothing that day
// and once on the next working day.
func TestHolidayStart(t *testing.T) {
	t.Parallel()
	ascension, fri := day(t, "2026-05-14"), day(t, "2026-05-15")
	f := newFixture(t, at(ascension, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, bot.AddDays(ascension, -1), 0)
	for now := at(ascension, 8, 0); now.Before(at(fri, 12, 0)); now = now.Add(15 * time.Minute) {
		f.sweep(now)
	}
	got := f.n.attempts()
	if len(got) != 1 || !got[0].At.Equal(at(fri, 0, 0)) {
		t.Errorf("tries %+v, want one at friday 00:00", got)
	}
}

// TestUnreachableIsGivenUpAndReportedToTheLead: a consultant the platform
// cannot reach at all (bot not installed, blocked) is not retried all day;
// their team lead is told once, in the lead's language.
func TestUnreachableIsGivenUpAndReportedToTheLead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	lead := f.person(bot.Consultant{Name: "Lise Leder", Role: bot.RoleLead})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Anna Bageri", anna.ID, wed, 3)
	f.n.failFirst(anna.ID, -1, fmt.Errorf("teams: no conversation: %w", bot.ErrUnreachable))
	for now := at(wed, 8, 0); !now.After(at(wed, 10, 0)); now = now.Add(10 * time.Minute) {
		f.sweep(now)
	}
	if got := f.n.to(anna.ID); len(got) != 1 {
		t.Errorf("%d tries to Anna, want 1", len(got))
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); !d.GaveUp || d.Attempts != 1 {
		t.Errorf("stored: %+v, want given up after one attempt", d)
	}
	var reports []attempt
	for _, a := range f.n.to(lead.ID) {
		if strings.Contains(a.Text, "kan ikke nå Anna") {
			reports = append(reports, a)
		}
	}
	if len(reports) != 1 || !strings.Contains(reports[0].Text, "påmindelse om 2 virksomhed") || reports[0].Msg.Key == "" {
		t.Errorf("reports to the lead: %+v", reports)
	}
}
