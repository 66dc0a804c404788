package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"kontaktbot/bot"
)

// DefaultSchedule is when the morning sweep runs: weekdays at 08:00 in
// Copenhagen. Holidays are left out by the calendar, not the schedule.
const DefaultSchedule = "0 8 * * 1-5"

// Scheduler runs sweeps on a cron schedule in Europe/Copenhagen.
//
// robfig/cron neither persists nor catches up missed runs, and on
// daylight-saving days a time between 02:00 and 03:00 is skipped or doubled.
// So cron is only a trigger: every run, and a check every Tick, calls the
// same idempotent Sweep, which plans the day once (the outbox remembers)
// and delivers what is still owed. When the process starts, or wakes, after
// the day's first scheduled time has passed, the check catches up at once.
//
// Limits, from robfig's Next: a time that does not exist on a spring-forward
// day (02:30 on the last Sunday of March) moves to the next day, so that day
// has no run; EU clock changes fall on Sundays, when nobody is nudged. For
// "@every D" the day's first run is D after midnight, so a D of a day or
// more is left to cron's own timer.
type Scheduler struct {
	schedule cron.Schedule
	spec     string
	sweeper  *Sweeper
	clock    bot.Clock
	log      *slog.Logger
	tick     time.Duration
	tasks    []task
	before   []task
}

// Task is other scheduled work, such as expiring positions past their
// deadline. It must be idempotent and cheap when there is nothing to do:
// it runs at every check, working day or not, and again after a restart.
type Task func(ctx context.Context, now time.Time) error

type task struct {
	name string
	run  Task
}

// Also adds a task run at every check, after the sweep. Call it before Run.
func (s *Scheduler) Also(name string, t Task) {
	s.tasks = append(s.tasks, task{name, t})
}

// Before adds a task run at every check before the sweep, and before each
// scheduled sweep: work that the day's messages read, such as the day's
// coverage snapshot that the leads' digest charts. Call it before Run.
func (s *Scheduler) Before(name string, t Task) {
	s.before = append(s.before, task{name, t})
}

// ParseSchedule reads a robfig/cron spec: five fields ("0 8 * * 1-5") or
// a descriptor ("@daily", "@every 10s"). Times are in Copenhagen.
func ParseSchedule(spec string) (s cron.Schedule, err error) {
	defer func() {
		// robfig/cron v3.0.1 panics on "TZ=UTC" (a zone without a space
		// after it); a mistyped setting must not crash the bot.
		if p := recover(); p != nil {
			s, err = nil, bot.Errorf(bot.Invalid, "schedule %q cannot be read; write five cron fields such as %q or a descriptor such as \"@every 10s\"", spec, DefaultSchedule)
		}
	}()
	s, err = cron.ParseStandard(spec)
	if err != nil {
		return nil, bot.Errorf(bot.Invalid, "schedule %q: %v; write five cron fields such as %q or a descriptor such as \"@every 10s\"", spec, err, DefaultSchedule)
	}
	return s, nil
}

// NewScheduler returns a Scheduler running sw on spec (DefaultSchedule
// when empty), checking every tick (one minute when zero) for a missed run
// and for retries that have come due.
func NewScheduler(spec string, sw *Sweeper, clock bot.Clock, log *slog.Logger, tick time.Duration) (*Scheduler, error) {
	if spec == "" {
		spec = DefaultSchedule
	}
	sched, err := ParseSchedule(spec)
	if err != nil {
		return nil, err
	}
	if clock == nil {
		clock = bot.ClockFunc(time.Now)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if tick <= 0 {
		tick = time.Minute
	}
	return &Scheduler{schedule: sched, spec: spec, sweeper: sw, clock: clock, log: log, tick: tick}, nil
}

// Due reports whether the day's first scheduled run is at or before now:
// from then on the day's sweep is owed.
func (s *Scheduler) Due(now time.Time) bool {
	now = now.In(bot.Copenhagen)
	day := bot.Day(now)
	first := s.schedule.Next(day.Add(-time.Nanosecond))
	return bot.Day(first).Equal(day) && !first.After(now)
}

// Run triggers sweeps until ctx ends, then waits for a running sweep to
// finish and returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	logger := cronLogger{s.log}
	c := cron.New(cron.WithLocation(bot.Copenhagen), cron.WithLogger(logger),
		// SkipIfStillRunning first: after Recover it would stop for good
		// after one panic (DESIGN.md).
		cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
	c.Schedule(s.schedule, cron.FuncJob(func() {
		for _, t := range s.before {
			s.runTask(ctx, t)
		}
		s.sweep(ctx, "schedule")
	}))
	c.Start()
	defer func() { <-c.Stop().Done() }()
	s.log.Info("scheduler started", "schedule", s.spec, "tz", bot.Copenhagen.String())
	s.check(ctx)
	t := time.NewTicker(s.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			s.check(ctx)
		}
	}
}

// check sweeps when the day's run is owed: a catch-up after a late start,
// a skipped DST hour or a sleep; otherwise the retries that have come due.
func (s *Scheduler) check(ctx context.Context) {
	for _, t := range s.before {
		s.runTask(ctx, t)
	}
	if s.Due(s.clock.Now()) {
		s.sweep(ctx, "check")
	}
	for _, t := range s.tasks {
		s.runTask(ctx, t)
	}
}

// runTask runs one task; an error or a panic is logged, not fatal.
func (s *Scheduler) runTask(ctx context.Context, t task) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("task panicked", "task", t.name, "panic", fmt.Sprint(p))
		}
	}()
	if ctx.Err() != nil {
		return
	}
	if err := t.run(ctx, s.clock.Now()); err != nil {
		s.log.Error("task failed", "task", t.name, "err", err)
	}
}

// sweep runs one sweep and logs its outcome; a panic is logged, not fatal.
func (s *Scheduler) sweep(ctx context.Context, why string) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("sweep panicked", "trigger", why, "panic", fmt.Sprint(p))
		}
	}()
	if ctx.Err() != nil {
		return
	}
	rep, err := s.sweeper.Sweep(ctx, s.clock.Now())
	if err != nil {
		s.log.Error("sweep failed", "trigger", why, "err", err)
		return
	}
	if len(rep.Planned) > 0 || rep.Sent > 0 || rep.Failed > 0 || rep.Given > 0 || len(rep.Left) > 0 {
		s.log.Info("sweep", "trigger", why, "day", rep.Day.Format(time.DateOnly), "planned", rep.Planned,
			"sent", rep.Sent, "failed", rep.Failed, "given_up", rep.Given, "left_for_other_platforms", rep.Left)
	}
}

// cronLogger gives robfig/cron's logger interface to slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
