package reminders_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
	"kontaktbot/storage"
)

func TestParseSchedule(t *testing.T) {
	t.Parallel()
	sat := at(bot.AddDays(mon, -2), 9, 0)
	for _, tt := range []struct {
		spec     string
		from     time.Time
		wantNext time.Time
	}{
		{reminders.DefaultSchedule, sat, at(mon, 8, 0)},
		{"0 8 * * 1-5", at(mon, 8, 0), at(bot.AddDays(mon, 1), 8, 0)},
		{"@every 10s", at(mon, 9, 0), at(mon, 9, 0).Add(10 * time.Second)},
		{"@daily", at(wed, 8, 0), at(bot.AddDays(wed, 1), 0, 0)},
		{"30 7 * * mon-fri", sat, at(mon, 7, 30)},
	} {
		s, err := reminders.ParseSchedule(tt.spec)
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tt.spec, err)
			continue
		}
		if got := s.Next(tt.from); !got.Equal(tt.wantNext) {
			t.Errorf("ParseSchedule(%q).Next(%s) = %s, want %s", tt.spec, tt.from, got, tt.wantNext)
		}
	}
	for _, spec := range []string{"nonsense", "61 8 * * *", "0 25 * * *", "0 8 * *", "0 0 8 * * 1-5", "@every", ""} {
		s, err := reminders.ParseSchedule(spec)
		var e *bot.Error
		if s != nil || !errors.As(err, &e) || e.Code != bot.Invalid {
			t.Errorf("ParseSchedule(%q) = %v, %v; want a bot.Error of code invalid", spec, s, err)
			continue
		}
		if !strings.Contains(e.Message, `"`+spec+`"`) || !strings.Contains(e.Message, reminders.DefaultSchedule) {
			t.Errorf("ParseSchedule(%q): message %q should quote the spec and show a good one", spec, e.Message)
		}
	}
}

func TestNewScheduler(t *testing.T) {
	t.Parallel()
	sw := reminders.NewSweeper(reminders.Config{})
	s, err := reminders.NewScheduler("61 8 * * *", sw, nil, nil, 0)
	if s != nil || bot.ErrorCode(err) != bot.Invalid {
		t.Errorf("NewScheduler with a bad spec = %v, %v; want an invalid error", s, err)
	}
	s, err = reminders.NewScheduler("", sw, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Due(at(mon, 7, 59)) || !s.Due(at(mon, 8, 0)) {
		t.Errorf("an empty spec does not mean %q", reminders.DefaultSchedule)
	}
}

// TestDue: the day's sweep is owed from the day's first scheduled time on,
// daylight-saving days included.
func TestDue(t *testing.T) {
	t.Parallel()
	spring, autumn := day(t, "2026-03-29"), day(t, "2026-10-25") // both Sundays
	utc := func(s string) time.Time {
		u, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tests := []struct {
		spec string
		now  time.Time
		want bool
	}{
		{reminders.DefaultSchedule, at(mon, 7, 59), false},
		{reminders.DefaultSchedule, at(mon, 8, 0), true},
		{reminders.DefaultSchedule, at(mon, 15, 0), true},
		{reminders.DefaultSchedule, at(mon, 23, 59), true},
		{reminders.DefaultSchedule, at(bot.AddDays(mon, 1), 0, 1), false},   // a new day, not yet 08:00
		{reminders.DefaultSchedule, at(bot.AddDays(mon, -2), 12, 0), false}, // Saturday: no run at all
		{reminders.DefaultSchedule, utc("2026-09-14T05:59:00Z"), false},     // any zone is read in Copenhagen
		{reminders.DefaultSchedule, utc("2026-09-14T06:00:00Z"), true},
		{reminders.DefaultSchedule, at(bot.AddDays(spring, 1), 7, 59), false}, // the Monday after the spring change
		{reminders.DefaultSchedule, at(bot.AddDays(spring, 1), 8, 0), true},
		{reminders.DefaultSchedule, at(bot.AddDays(autumn, 1), 8, 0), true},
		{"0 8 * * *", at(spring, 7, 59), false},
		{"0 8 * * *", at(spring, 8, 0), true}, // 06:00 UTC, summer time
		{"0 8 * * *", utc("2026-03-29T06:00:00Z"), true},
		{"0 8 * * *", at(autumn, 7, 59), false},
		{"0 8 * * *", at(autumn, 8, 0), true}, // 07:00 UTC, winter time
		{"0 8 * * *", utc("2026-10-25T06:59:00Z"), false},
		// 02:30 does not exist on 29 March 2026 (02:00 becomes 03:00).
		// robfig/cron's Next skips to 02:30 the next day, so Due is false
		// all that Sunday and no catch-up happens on it; the next day's
		// 02:30 makes the sweep owed again, and the sweep then plans that
		// day (Sundays are never working days, so nothing is lost).
		{"30 2 * * *", at(spring, 3, 30), false},
		{"30 2 * * *", at(spring, 23, 59), false},
		{"30 2 * * *", at(bot.AddDays(spring, 1), 2, 29), false},
		{"30 2 * * *", at(bot.AddDays(spring, 1), 2, 30), true},
		// 02:30 comes twice on 25 October 2026: the first one counts.
		{"30 2 * * *", utc("2026-10-25T00:29:00Z"), false},
		{"30 2 * * *", utc("2026-10-25T00:30:00Z"), true}, // 02:30 CEST
		{"30 2 * * *", utc("2026-10-25T01:30:00Z"), true}, // 02:30 CET
		{"@every 10s", at(wed, 0, 1), true},
		{"@daily", at(wed, 0, 0), true},
	}
	for _, tt := range tests {
		s, err := reminders.NewScheduler(tt.spec, reminders.NewSweeper(reminders.Config{}), nil, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Due(tt.now); got != tt.want {
			t.Errorf("%q: Due(%s) = %v, want %v", tt.spec, tt.now.In(bot.Copenhagen).Format("2006-01-02 15:04 MST"), got, tt.want)
		}
	}
}

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// running is a Scheduler's Run in the background.
type running struct {
	cancel context.CancelFunc
	done   chan error
	log    *lockedBuffer
}

// start runs a Scheduler on f's sweeper with spec, checking every 20ms.
func (f *fixture) start(spec string) *running {
	f.t.Helper()
	r := &running{done: make(chan error, 1), log: &lockedBuffer{}}
	log := slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := reminders.NewScheduler(spec, f.sw, f.clk, log, 20*time.Millisecond)
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	r.cancel = cancel
	go func() { r.done <- s.Run(ctx) }()
	f.t.Cleanup(func() { r.stop(f.t) })
	return r
}

// stop cancels Run and requires it to return nil promptly.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Errorf("Run did not return within 2s of the context ending")
	}
}

// waitFor polls cond until it holds or d has passed.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// TestRunOncePerConsultant runs the scheduler for real: a check every
// 20ms and a cron run every second all sweep, and still each consultant
// gets exactly one nudge.
func TestRunOncePerConsultant(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 9, 0))
	var due []bot.Consultant
	for _, name := range []string{"Anna", "Bo", "Carl"} {
		p := f.person(bot.Consultant{Name: name})
		f.overdue(name+" Montage", p.ID, wed, 2)
		due = append(due, p)
	}
	idle := f.person(bot.Consultant{Name: "Dora"})
	r := f.start("@every 1s")
	if !waitFor(3*time.Second, func() bool { return len(f.n.attempts()) >= 3 }) {
		t.Fatalf("after 3s, %d nudges sent, want 3", len(f.n.attempts()))
	}
	time.Sleep(1200 * time.Millisecond) // at least one cron run and many checks more
	start := time.Now()
	r.stop(t)
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %s to return", d)
	}
	for _, p := range due {
		if got := f.n.to(p.ID); len(got) != 1 || !got[0].OK {
			t.Errorf("%s got %d tries, want exactly one nudge", p.Name, len(got))
		}
	}
	if got := f.n.to(idle.ID); len(got) != 0 {
		t.Errorf("Dora got %d messages", len(got))
	}
	if !strings.Contains(r.log.String(), "scheduler started") || !strings.Contains(r.log.String(), "sent=3") {
		t.Errorf("log does not record the start and the sweep:\n%s", r.log)
	}
}

// TestRunCatchesUp: with the default schedule nothing is sent on a
// Saturday or before 08:00; once the clock reaches 08:00 the next check
// sweeps, without waiting for cron.
func TestRunCatchesUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(bot.AddDays(mon, -2), 12, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Anlæg", anna.ID, bot.AddDays(mon, -3), 0)
	f.start(reminders.DefaultSchedule)
	time.Sleep(100 * time.Millisecond)
	f.clk.Set(at(mon, 7, 59))
	time.Sleep(100 * time.Millisecond)
	if n := len(f.n.attempts()); n != 0 || f.planned(bot.JobNudge, mon) {
		t.Fatalf("%d messages before 08:00 on Monday", n)
	}
	f.clk.Set(at(mon, 14, 0)) // the process slept through 08:00
	if !waitFor(2*time.Second, func() bool { return len(f.n.attempts()) == 1 }) {
		t.Fatalf("no catch-up: %d messages", len(f.n.attempts()))
	}
	time.Sleep(100 * time.Millisecond)
	if got := f.n.attempts(); len(got) != 1 || got[0].To != anna.ID || !got[0].At.Equal(at(mon, 14, 0)) {
		t.Errorf("tries %+v, want Anna's nudge once at 14:00", got)
	}
}

// panicky is a portfolio whose reads panic.
type panicky struct{ *storage.DB }

func (panicky) NudgeDue(context.Context, time.Time, func(bot.Company) error) error {
	panic("index corrupt")
}

// TestRunSurvivesPanics: neither a panicking notifier nor a panicking
// sweep takes the process down, and the scheduler keeps sweeping.
func TestRunSurvivesPanics(t *testing.T) {
	t.Parallel()
	t.Run("notifier", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, at(wed, 9, 0))
		anna := f.person(bot.Consultant{Name: "Anna"})
		f.overdue("Anna Anlæg", anna.ID, wed, 1)
		f.n.panicNext(1 << 30)
		r := f.start("@every 1s")
		if !waitFor(2*time.Second, func() bool { return len(f.n.attempts()) == 1 }) {
			t.Fatalf("no try within 2s")
		}
		f.clk.Set(at(wed, 9, 1)) // the first retry is due
		if !waitFor(2*time.Second, func() bool { return len(f.n.attempts()) == 2 }) {
			t.Fatalf("no retry after the panic")
		}
		r.stop(t)
		d := f.delivery(bot.JobNudge, wed, anna.ID)
		if d.Attempts != 2 || !d.Delivered.IsZero() || !strings.Contains(d.LastError, "panicked") {
			t.Errorf("stored %+v, want two failed attempts with the panic as the error", d)
		}
	})
	t.Run("sweep", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, at(wed, 9, 0))
		anna := f.person(bot.Consultant{Name: "Anna"})
		f.overdue("Anna Anlæg", anna.ID, wed, 1)
		f.cfg.Portfolio = panicky{f.db}
		f.sw = reminders.NewSweeper(f.cfg)
		r := f.start("@every 1s")
		// Several panics in a row prove the sweeper's lock is let go.
		if !waitFor(2*time.Second, func() bool { return strings.Count(r.log.String(), "sweep panicked") >= 3 }) {
			t.Fatalf("want repeated logged panics, log:\n%s", r.log)
		}
		r.stop(t)
		if !strings.Contains(r.log.String(), "index corrupt") || len(f.n.attempts()) != 0 {
			t.Errorf("log:\n%s\n%d messages", r.log, len(f.n.attempts()))
		}
	})
}

// TestParseScheduleNeverPanics is a failing test for a bug: robfig/cron
// v3.0.1 slices out of range on a time-zone prefix without a space
// ("TZ=UTC", parser.go line 99), and ParseSchedule passes the panic on
// instead of returning a bot.Error, so a mistyped KONTAKTBOT_NUDGE_SCHEDULE
// crashes the process at start-up.
func TestParseScheduleNeverPanics(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"TZ=UTC", "CRON_TZ=Europe/Copenhagen", "TZ=Europe/Copenhagen 0 8 * * 1-5"} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("BUG: ParseSchedule(%q) panicked: %v; want a bot.Error of code invalid (scheduler.go ParseSchedule)", spec, p)
				}
			}()
			s, err := reminders.ParseSchedule(spec)
			if (s == nil) == (err == nil) || (err != nil && bot.ErrorCode(err) != bot.Invalid) {
				t.Errorf("ParseSchedule(%q) = %v, %v; want a schedule or an invalid error", spec, s, err)
			}
		}()
	}
}

// FuzzParseSchedule: any spec gives a schedule or a bot.Error of code
// invalid.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"0 8 * * 1-5", "@every 10s", "@daily", "*/15 7-9 * jan,dec mon-fri", "61 8 * * *", "nonsense", "0-5/2 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
			t.Skip("known panic: TestParseScheduleNeverPanics")
		}
		s, err := reminders.ParseSchedule(spec)
		if err != nil {
			if bot.ErrorCode(err) != bot.Invalid {
				t.Errorf("ParseSchedule(%q): %v, code %q", spec, err, bot.ErrorCode(err))
			}
			return
		}
		if s == nil {
			t.Errorf("ParseSchedule(%q) = nil, nil", spec)
		}
	})
}

// day parses "2006-01-02" as midnight in Copenhagen.
func day(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation(time.DateOnly, s, bot.Copenhagen)
	if err != nil {
		tb.Fatalf("bad test date %q: %v", s, err)
	}
	return t
}

// Tasks run at every check, even on a day without a sweep, and a failing
// or panicking task stops neither the others nor the scheduler.
func TestSchedulerRunsTasks(t *testing.T) {
	t.Parallel()
	sunday := time.Date(2026, 11, 22, 9, 0, 0, 0, bot.Copenhagen)
	sw := reminders.NewSweeper(reminders.Config{Portfolio: emptyPortfolio{}, People: emptyPeople{}, Outbox: emptyOutbox{}, Notifier: nil})
	s, err := reminders.NewScheduler("0 8 * * 1-5", sw, bot.ClockFunc(func() time.Time { return sunday }), nil, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	runs := 0
	s.Also("count", func(_ context.Context, now time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		if !now.Equal(sunday) {
			t.Errorf("task got %v, want the clock's time", now)
		}
		runs++
		return nil
	})
	s.Also("fails", func(context.Context, time.Time) error { return errors.New("boom") })
	s.Also("panics", func(context.Context, time.Time) error { panic("boom") })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(3 * time.Second)
	for {
		mu.Lock()
		n := runs
		mu.Unlock()
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the task ran %d times in 3 s with a 10 ms tick", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

type emptyPortfolio struct{}

func (emptyPortfolio) NudgeDue(context.Context, time.Time, func(bot.Company) error) error { return nil }
func (emptyPortfolio) PlannedOn(context.Context, time.Time, func(bot.Company) error) error {
	return nil
}

type emptyPeople struct{}

func (emptyPeople) Consultants(context.Context) ([]bot.Consultant, error) { return nil, nil }
func (emptyPeople) Jobcenters(context.Context) ([]bot.Jobcenter, error)   { return nil, nil }

type emptyOutbox struct{}

func (emptyOutbox) Planned(context.Context, bot.JobKind, time.Time) (bool, error) { return false, nil }
func (emptyOutbox) PlanDeliveries(context.Context, bot.JobKind, time.Time, []bot.Delivery) (bool, error) {
	return false, nil
}
func (emptyOutbox) Deliveries(context.Context, bot.JobKind, time.Time) ([]bot.Delivery, error) {
	return nil, nil
}
func (emptyOutbox) SaveDelivery(context.Context, bot.Delivery) error { return nil }

// orderPeople records, in a shared log, that a sweep read the people.
type orderPeople struct {
	emptyPeople
	mu  *sync.Mutex
	log *[]string
}

func (p orderPeople) Consultants(ctx context.Context) ([]bot.Consultant, error) {
	p.mu.Lock()
	*p.log = append(*p.log, "sweep")
	p.mu.Unlock()
	return nil, nil
}

// A task added with Before runs ahead of the sweep it comes with, so the
// day's messages can read what it made (the leads' digest, the day's
// coverage snapshot).
func TestSchedulerRunsBeforeTasksFirst(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, bot.Copenhagen) // the 08:00 sweep is owed
	var mu sync.Mutex
	var log []string
	sw := reminders.NewSweeper(reminders.Config{Portfolio: emptyPortfolio{}, People: orderPeople{mu: &mu, log: &log}, Outbox: emptyOutbox{}})
	s, err := reminders.NewScheduler("0 8 * * 1-5", sw, bot.ClockFunc(func() time.Time { return monday }), nil, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s.Before("snapshot", func(_ context.Context, now time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		log = append(log, "before")
		return nil
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(3 * time.Second)
	for {
		mu.Lock()
		n := len(log)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("in 3 s: %v", log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if log[0] != "before" || log[1] != "sweep" {
		t.Fatalf("order: %v", log)
	}
}
