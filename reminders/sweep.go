package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"kontaktbot/bot"
)

// Portfolio is what a sweep reads of the companies. storage.DB meets it.
type Portfolio interface {
	// NudgeDue calls fn for every company whose NudgeDay is on or before day.
	NudgeDue(ctx context.Context, day time.Time, fn func(bot.Company) error) error
	// PlannedOn calls fn for every nudged company with a contact planned on day.
	PlannedOn(ctx context.Context, day time.Time, fn func(bot.Company) error) error
}

// People is what a sweep reads of consultants and jobcenters. storage.DB meets it.
type People interface {
	Consultants(ctx context.Context) ([]bot.Consultant, error)
	Jobcenters(ctx context.Context) ([]bot.Jobcenter, error)
}

// Outbox keeps each day's scheduled messages and what became of them.
// storage.DB meets it.
type Outbox interface {
	// Planned reports whether kind's deliveries on day have been planned.
	Planned(ctx context.Context, kind bot.JobKind, day time.Time) (bool, error)
	// PlanDeliveries stores ds as kind's deliveries on day and marks the
	// day planned, unless it already was; planned reports whether it did.
	PlanDeliveries(ctx context.Context, kind bot.JobKind, day time.Time, ds []bot.Delivery) (planned bool, err error)
	// Deliveries returns kind's deliveries on day.
	Deliveries(ctx context.Context, kind bot.JobKind, day time.Time) ([]bot.Delivery, error)
	// SaveDelivery stores a try or a confirmation; a delivered one stays delivered.
	SaveDelivery(ctx context.Context, d bot.Delivery) error
}

// Pruner is an Outbox that can forget old days. storage.DB meets it; a
// Sweeper whose Outbox has it prunes days older than KeepDays after it
// plans a new day.
type Pruner interface {
	PruneOutbox(ctx context.Context, kind bot.JobKind, before time.Time) (int, error)
}

// KeepDays is how long the outbox remembers a day's deliveries.
const KeepDays = 90

// Config is what a Sweeper is made of.
type Config struct {
	Portfolio Portfolio
	People    People
	Outbox    Outbox
	Notifier  bot.Notifier
	Clock     bot.Clock
	Log       *slog.Logger
	// ClosedDays are closed everywhere, on top of weekends, public holidays
	// and each jobcenter's own closed days (KONTAKTBOT_CLOSED_DAYS).
	ClosedDays []bot.ClosedDay
	// Pipeline, when set, adds the intro-day reminders and the
	// internship-end nudges.
	Pipeline Pipeline
	// FirstRetry is the wait after a first failed delivery; it doubles
	// with every failure up to an hour. Zero means one minute.
	FirstRetry time.Duration
	// Metrics counts deliveries sent and failed; nil counts nothing.
	Metrics bot.Metrics
	// Coverage, when set, puts the coverage chart of the lead's jobcenter
	// in the leads' weekly digest.
	Coverage CoverageHistory
	// Crossings, when set, tells dedicated consultants in their nudge of
	// the contacts other jobcenters' consultants logged with their
	// companies.
	Crossings Crossings
}

// Crossings is what the nudge reads of contacts across jobcenter borders.
// storage.DB meets it.
type Crossings interface {
	// CrossedContacts calls fn, oldest first, for every contact logged in
	// [from, to) by a consultant of another jobcenter than the company's
	// dedicated consultant's, with the company.
	CrossedContacts(ctx context.Context, from, to time.Time, fn func(bot.Contact, bot.Company) error) error
}

// CoverageHistory is what the digest reads of the daily coverage
// snapshots. storage.DB meets it.
type CoverageHistory interface {
	// CoverageSnapshots returns a jobcenter's snapshots of the days from
	// through to, oldest first.
	CoverageSnapshots(ctx context.Context, jobcenter uint64, from, to time.Time) ([]bot.CoverageSnapshot, error)
}

// Sweeper plans and delivers the scheduled messages: each working morning
// one nudge per consultant about their companies past cadence (and the
// day's planned contacts), and on the week's first working day the team
// leads' escalation digests. Every method is safe to call again: what is
// planned is planned once per day, and what is delivered is delivered
// once.
type Sweeper struct {
	cfg Config
	mu  sync.Mutex // one sweep at a time
	// idle remembers, per kind and day, until when nothing is owed: the
	// earliest retry of what failed, or forever once all is done. A check
	// every minute then reads nothing. Only this process writes the outbox
	// (bbolt lets one process open the file), so the memo stays true.
	idle map[idleKey]time.Time
}

type idleKey struct {
	kind bot.JobKind
	day  time.Time
}

// NewSweeper returns a Sweeper; cfg.Portfolio, People, Outbox and Notifier
// are required.
func NewSweeper(cfg Config) *Sweeper {
	if cfg.Clock == nil {
		cfg.Clock = bot.ClockFunc(time.Now)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.FirstRetry <= 0 {
		cfg.FirstRetry = time.Minute
	}
	if cfg.Metrics == nil {
		cfg.Metrics = bot.NopMetrics{}
	}
	return &Sweeper{cfg: cfg, idle: map[idleKey]time.Time{}}
}

// Report says what one sweep did.
type Report struct {
	Day                 time.Time
	Planned             map[bot.JobKind]int // deliveries planned by this sweep, by kind
	Sent, Failed, Given int                 // deliveries confirmed, failed (to be retried), given up
	// Left counts, by platform, the deliveries owed to people whose
	// platform has no notifier in this process: not tried, not failed,
	// still owed to a process that has it (serve).
	Left map[string]int
}

// Router is a Notifier that knows, before sending, which platform a
// person's message takes and whether it has a notifier for it;
// bot.Platforms meets it. A sweep over a Router leaves the deliveries of
// people on a platform it lacks untouched, for a process that has it.
type Router interface {
	Route(to bot.Consultant) (platform string, ok bool)
}

// elsewhere returns the platform to's messages are owed on when the
// notifier cannot deliver there, and whether that is so.
func (s *Sweeper) elsewhere(to bot.Consultant) (string, bool) {
	r, ok := s.cfg.Notifier.(Router)
	if !ok {
		return "", false
	}
	platform, here := r.Route(to)
	return platform, !here && platform != ""
}

// leave counts d as left for another process, on platform.
func (s *Sweeper) leave(rep *Report, d bot.Delivery, platform string) {
	if rep.Left == nil {
		rep.Left = map[string]int{}
	}
	rep.Left[platform]++
	s.cfg.Log.Info("delivery left for a process with the recipient's platform", "kind", d.Kind, "to", d.To, "platform", platform)
}

// Sweep makes sure the work of now's day is done, as the scheduler does
// at now: it plans the day's nudges (and, on the week's first working day,
// the digests) unless they are planned already, then delivers every
// planned message not yet confirmed whose retry time has come. A failed
// delivery is retried by a later sweep, with backoff, until the day ends.
func (s *Sweeper) Sweep(ctx context.Context, now time.Time) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	day := bot.Day(now)
	rep := Report{Day: day, Planned: map[bot.JobKind]int{}}
	w, err := s.world(ctx)
	if err != nil {
		return rep, err
	}
	for _, kind := range s.kinds() {
		done, err := s.cfg.Outbox.Planned(ctx, kind, day)
		if err != nil {
			return rep, fmt.Errorf("plan %s: %w", kind, err)
		}
		if done {
			continue // a sweep every ten seconds costs two reads
		}
		ds, err := s.plan(ctx, w, kind, day)
		if err != nil {
			return rep, err
		}
		if ds == nil {
			continue
		}
		planned, err := s.cfg.Outbox.PlanDeliveries(ctx, kind, day, ds)
		if err != nil {
			return rep, fmt.Errorf("plan %s: %w", kind, err)
		}
		if planned {
			delete(s.idle, idleKey{kind, day})
			rep.Planned[kind] = len(ds)
			s.cfg.Log.Info("planned", "kind", kind, "day", day.Format(time.DateOnly), "deliveries", len(ds))
			s.prune(ctx, kind, day)
		}
	}
	for _, kind := range s.kinds() {
		if err := s.deliver(ctx, w, kind, day, now, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// prune forgets kind's days older than KeepDays; a failure only costs space.
func (s *Sweeper) prune(ctx context.Context, kind bot.JobKind, day time.Time) {
	p, ok := s.cfg.Outbox.(Pruner)
	if !ok {
		return
	}
	if _, err := p.PruneOutbox(ctx, kind, bot.AddDays(day, -KeepDays)); err != nil {
		s.cfg.Log.Warn("pruning the outbox failed", "kind", kind, "err", err)
	}
}

// Preview returns what a sweep at now would plan, without storing or
// sending anything (remind --dry-run), rendered for each recipient.
func (s *Sweeper) Preview(ctx context.Context, now time.Time) ([]Preview, error) {
	day := bot.Day(now)
	w, err := s.world(ctx)
	if err != nil {
		return nil, err
	}
	var out []Preview
	for _, kind := range s.kinds() {
		planned, err := s.cfg.Outbox.Planned(ctx, kind, day)
		if err != nil {
			return nil, fmt.Errorf("preview %s: %w", kind, err)
		}
		var ds []bot.Delivery
		if planned {
			// What is planned already is what a sweep would send: the
			// deliveries still owed whose time has come.
			all, err := s.cfg.Outbox.Deliveries(ctx, kind, day)
			if err != nil {
				return nil, fmt.Errorf("preview %s: %w", kind, err)
			}
			for _, d := range all {
				if !d.Done() && !d.NextTry.After(now) {
					ds = append(ds, d)
				}
			}
		} else if ds, err = s.plan(ctx, w, kind, day); err != nil {
			return nil, err
		}
		for _, d := range ds {
			to := w.people[d.To]
			out = append(out, Preview{To: to, Delivery: d, Message: Render(d, to.Lang, day)})
		}
	}
	return out, nil
}

// Plan returns kind's deliveries for now's day as a sweep would plan them,
// without storing them: nil when the day is closed everywhere (or, for
// digests, nobody's digest day).
func (s *Sweeper) Plan(ctx context.Context, kind bot.JobKind, now time.Time) ([]bot.Delivery, error) {
	w, err := s.world(ctx)
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, w, kind, bot.Day(now))
}

// Preview is one message a sweep would send.
type Preview struct {
	To       bot.Consultant
	Delivery bot.Delivery
	Message  bot.Message
}

// world is the people and calendars a sweep works with.
type world struct {
	people     map[uint64]bot.Consultant
	jobcenters map[uint64]bot.Jobcenter
	calendars  map[uint64]*bot.Calendar // by jobcenter id
	general    *bot.Calendar
}

func (s *Sweeper) world(ctx context.Context) (*world, error) {
	ps, err := s.cfg.People.Consultants(ctx)
	if err != nil {
		return nil, fmt.Errorf("sweep: consultants: %w", err)
	}
	js, err := s.cfg.People.Jobcenters(ctx)
	if err != nil {
		return nil, fmt.Errorf("sweep: jobcenters: %w", err)
	}
	w := &world{people: make(map[uint64]bot.Consultant, len(ps)), jobcenters: map[uint64]bot.Jobcenter{}, calendars: map[uint64]*bot.Calendar{},
		general: bot.NewCalendar(s.cfg.ClosedDays...)}
	for _, p := range ps {
		w.people[p.ID] = p
	}
	for _, j := range js {
		w.jobcenters[j.ID] = j
		extra, err := bot.ParseClosedDays(j.ClosedDays)
		if err != nil {
			s.cfg.Log.Warn("jobcenter closed days unreadable; using the general calendar", "jobcenter", j.Name, "err", err)
		}
		w.calendars[j.ID] = bot.NewCalendar(append(append([]bot.ClosedDay(nil), s.cfg.ClosedDays...), extra...)...)
	}
	return w, nil
}

// calendar is the calendar of the consultant's jobcenter.
func (w *world) calendar(c bot.Consultant) *bot.Calendar {
	if cal, ok := w.calendars[c.JobcenterID]; ok {
		return cal
	}
	return w.general
}

// anyWorking reports whether day is a working day anywhere.
func (w *world) anyWorking(day time.Time) bool {
	if w.general.IsWorkingDay(day) {
		return true
	}
	for _, cal := range w.calendars {
		if cal.IsWorkingDay(day) {
			return true
		}
	}
	return false
}

// plan computes kind's deliveries on day; nil means the day is not one to
// plan on at all (closed everywhere, or not a digest day).
func (s *Sweeper) plan(ctx context.Context, w *world, kind bot.JobKind, day time.Time) ([]bot.Delivery, error) {
	if !w.anyWorking(day) {
		return nil, nil
	}
	switch kind {
	case bot.JobNudge:
		return s.planNudges(ctx, w, day)
	case bot.JobDigest:
		return s.planDigests(ctx, w, day)
	case bot.JobIntroDay:
		return s.planIntroDays(ctx, w, day)
	case bot.JobInternship:
		return s.planInternships(ctx, w, day)
	}
	return nil, fmt.Errorf("plan: unknown kind %q", kind)
}

// recipient is who receives the nudges about owner's companies on day:
// the owner, their stand-in while they are away, or nobody (away without
// a stand-in, or a closed day for the recipient's jobcenter).
func (w *world) recipient(owner uint64, day time.Time) (to bot.Consultant, away *bot.Consultant, ok bool) {
	o, known := w.people[owner]
	if !known {
		return bot.Consultant{}, nil, false
	}
	to = o
	if o.Away(day) {
		sub, has := w.people[o.StandInID]
		if !has || sub.Away(day) {
			return bot.Consultant{}, nil, false
		}
		to, away = sub, &o
	}
	if !w.calendar(to).IsWorkingDay(day) {
		return bot.Consultant{}, nil, false
	}
	return to, away, true
}

func (s *Sweeper) planNudges(ctx context.Context, w *world, day time.Time) ([]bot.Delivery, error) {
	byTo := map[uint64]*bot.Delivery{}
	type route struct {
		to   bot.Consultant
		away *bot.Consultant
		ok   bool
	}
	routes := map[uint64]route{} // by owner: a calendar check per owner, not per company
	add := func(c bot.Company, planned bool) error {
		r, known := routes[c.OwnerID]
		if !known {
			r.to, r.away, r.ok = w.recipient(c.OwnerID, day)
			routes[c.OwnerID] = r
		}
		to, away, ok := r.to, r.away, r.ok
		if !ok {
			return nil
		}
		d := byTo[to.ID]
		if d == nil {
			d = &bot.Delivery{Kind: bot.JobNudge, Day: day, To: to.ID}
			byTo[to.ID] = d
		}
		it := item(w, c, day)
		if planned {
			it.Planned = day
		}
		if away != nil {
			it.Owner, it.OwnerAway = away.Name, away.AwayUntil
		}
		d.Items = append(d.Items, it)
		return nil
	}
	seen := map[uint64]bool{}
	err := s.cfg.Portfolio.NudgeDue(ctx, day, func(c bot.Company) error {
		seen[c.ID] = true
		return add(c, false)
	})
	if err != nil {
		return nil, fmt.Errorf("plan nudges: %w", err)
	}
	err = s.cfg.Portfolio.PlannedOn(ctx, day, func(c bot.Company) error {
		if seen[c.ID] {
			return nil
		}
		return add(c, true)
	})
	if err != nil {
		return nil, fmt.Errorf("plan nudges: planned contacts: %w", err)
	}
	if err := s.addCrossings(ctx, w, day, byTo); err != nil {
		return nil, fmt.Errorf("plan nudges: %w", err)
	}
	return sorted(byTo), nil
}

// item is what a nudge line says about c on day.
func item(w *world, c bot.Company, day time.Time) bot.NudgeItem {
	it := bot.NudgeItem{CompanyID: c.ID, Name: c.Name, Tier: c.Tier, CadenceDays: c.CadenceDays,
		LastContact: c.LastContact, LastKind: c.LastKind, OverdueDays: max(c.OverdueDays(day), 0), SnoozeCount: c.SnoozeCount}
	if p, ok := w.people[c.LastBy]; ok && !c.LastContact.IsZero() {
		it.LastBy = p.Name
	}
	return it
}

// sorted returns the deliveries by recipient id, each with its items most
// overdue first, planned contacts last.
func sorted(byTo map[uint64]*bot.Delivery) []bot.Delivery {
	ds := make([]bot.Delivery, 0, len(byTo))
	for _, d := range byTo {
		sort.SliceStable(d.Items, func(i, j int) bool {
			a, b := d.Items[i], d.Items[j]
			if a.Planned.IsZero() != b.Planned.IsZero() {
				return a.Planned.IsZero()
			}
			if a.OverdueDays != b.OverdueDays {
				return a.OverdueDays > b.OverdueDays
			}
			return a.Name < b.Name
		})
		ds = append(ds, *d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].To < ds[j].To })
	return ds
}

// deliver sends kind's planned deliveries of day that are not confirmed
// and whose retry time has come, and records each outcome.
func (s *Sweeper) deliver(ctx context.Context, w *world, kind bot.JobKind, day, now time.Time, rep *Report) error {
	key := idleKey{kind, day}
	if until, ok := s.idle[key]; ok && now.Before(until) {
		return nil
	}
	delete(s.idle, key)
	ds, err := s.cfg.Outbox.Deliveries(ctx, kind, day)
	if err != nil {
		return fmt.Errorf("deliver %s: %w", kind, err)
	}
	next := time.Time{} // the earliest retry still owed
	for _, d := range ds {
		if d.Done() {
			continue
		}
		if d.NextTry.After(now) {
			if next.IsZero() || d.NextTry.Before(next) {
				next = d.NextTry
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		to, ok := w.people[d.To]
		if !ok {
			d.GaveUp, d.LastError = true, "recipient no longer exists"
			rep.Given++
			if err := s.cfg.Outbox.SaveDelivery(ctx, d); err != nil {
				return fmt.Errorf("deliver %s: %w", kind, err)
			}
			continue
		}
		if platform, ok := s.elsewhere(to); ok {
			// Owed, but not by this process: no try is recorded, and no
			// retry time keeps the sweep awake for it.
			s.leave(rep, d, platform)
			continue
		}
		if d.Attempts == 0 {
			// Record the first try before making it: should we crash after
			// the platform confirms, the next try knows to look first.
			d.Attempts = 1
			if err := s.cfg.Outbox.SaveDelivery(ctx, d); err != nil {
				return fmt.Errorf("deliver %s: record try to #%d: %w", kind, d.To, err)
			}
		} else {
			d.Attempts++
		}
		left := s.send(ctx, w, &d, to, now, rep)
		if err := s.cfg.Outbox.SaveDelivery(ctx, d); err != nil {
			// The platform has it but our mark is lost: the one window in
			// which a later sweep may send it again.
			return fmt.Errorf("deliver %s: record delivery to #%d: %w", kind, d.To, err)
		}
		if !left && !d.Done() && (next.IsZero() || d.NextTry.Before(next)) {
			next = d.NextTry
		}
	}
	if next.IsZero() {
		next = bot.AddDays(day, 1) // all done: nothing more this day
	}
	for k := range s.idle {
		if k.day.Before(day) {
			delete(s.idle, k)
		}
	}
	s.idle[key] = next
	return nil
}

// send makes try number d.Attempts and writes its outcome into d; left
// reports that the notifier has no platform for to (bot.ErrNoNotifier), so
// that d stays owed to another process, as it was.
func (s *Sweeper) send(ctx context.Context, w *world, d *bot.Delivery, to bot.Consultant, now time.Time, rep *Report) (left bool) {
	msg := Render(*d, to.Lang, d.Day)
	msg.Key = DeliveryKey(*d)
	// A message tried before may have reached the platform unrecorded.
	msg.Recheck = d.Attempts > 1
	receipt, err := safeSend(ctx, s.cfg.Notifier, to, msg)
	if err == nil {
		s.cfg.Metrics.Delivery(d.Kind, "sent")
		d.Delivered, d.Receipt, d.LastError = s.cfg.Clock.Now(), receipt, ""
		rep.Sent++
		return
	}
	if errors.Is(err, bot.ErrNoNotifier) {
		// A notifier that is no Router found out only now: this was no try.
		d.Attempts--
		s.leave(rep, *d, "?")
		return true
	}
	s.cfg.Metrics.Delivery(d.Kind, "failed")
	d.LastError = err.Error()
	if errors.Is(err, bot.ErrUnreachable) {
		d.GaveUp = true
		rep.Given++
		s.cfg.Log.Error("delivery given up: recipient unreachable", "kind", d.Kind, "to", to.ID, "err", err)
		s.reportUnreachable(ctx, w, *d, to)
		return
	}
	wait, asked := bot.RetryAfter(err)
	if !asked {
		wait = s.cfg.FirstRetry << min(d.Attempts-1, 6)
		wait = min(wait, time.Hour)
	}
	d.NextTry = now.Add(wait)
	if !bot.Day(d.NextTry).Equal(d.Day) {
		d.GaveUp = true
		rep.Given++
		s.cfg.Log.Error("delivery given up: the day ended", "kind", d.Kind, "to", to.ID, "attempts", d.Attempts, "err", err)
		return
	}
	rep.Failed++
	s.cfg.Log.Warn("delivery failed; will retry", "kind", d.Kind, "to", to.ID, "attempts", d.Attempts, "next", d.NextTry, "err", err)
	return false
}

// DeliveryKey names d uniquely: its kind, day and recipient, the outbox's
// own key. It is the Key of the message sent for d.
func DeliveryKey(d bot.Delivery) string {
	return fmt.Sprintf("%s/%s/%d", d.Kind, d.Day.Format(time.DateOnly), d.To)
}

// safeSend calls the notifier and turns a panic in it (msbotbuilder-go
// panics on an unreachable token endpoint) into an error.
func safeSend(ctx context.Context, n bot.Notifier, to bot.Consultant, msg bot.Message) (r bot.Receipt, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("notifier panicked: %v", p)
		}
	}()
	return n.SendToPerson(ctx, to, msg)
}
