package reminders_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
	"kontaktbot/storage"
)

// vanishing is a People that can stop listing one consultant, as if they
// had been removed after the day was planned.
type vanishing struct {
	reminders.People
	mu   sync.Mutex
	gone uint64
}

func (v *vanishing) Consultants(ctx context.Context) ([]bot.Consultant, error) {
	ps, err := v.People.Consultants(ctx)
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.DeleteFunc(ps, func(p bot.Consultant) bool { return p.ID == v.gone }), err
}

// TestRecipientGone: a planned delivery whose recipient is no longer
// known is given up once, not retried.
func TestRecipientGone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	people := &vanishing{People: f.db}
	f.cfg.People = people
	f.sw = reminders.NewSweeper(f.cfg)
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(bo.ID, 1, errors.New("user_not_found"))
	f.sweep(at(wed, 8, 0))
	people.mu.Lock()
	people.gone = bo.ID
	people.mu.Unlock()
	given := 0
	for now := at(wed, 8, 1); now.Before(at(wed, 10, 0)); now = now.Add(time.Minute) {
		given += f.sweep(now).Given
	}
	if given != 1 {
		t.Errorf("given up %d times, want once", given)
	}
	if d := f.delivery(bot.JobNudge, wed, bo.ID); !d.GaveUp || d.Attempts != 1 || d.LastError != "recipient no longer exists" {
		t.Errorf("Bo's delivery: %+v, want given up after the one try", d)
	}
	if n := len(f.n.to(bo.ID)); n != 1 {
		t.Errorf("%d tries to Bo, want 1", n)
	}
}

// TestPreviewShowsOnlyWhatASweepWouldSend is a failing test for a bug:
// Preview (remind --dry-run) plans the day afresh even when the day's
// messages were planned and delivered already, so after the morning sweep
// it lists every nudge as one that "would be sent" (cmd prints "N
// beskeder ville blive sendt") although a sweep at that time sends
// nothing. Its doc promises "what a sweep at now would plan".
func TestPreviewShowsOnlyWhatASweepWouldSend(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(bo.ID, 1, errors.New("rate limited"))
	f.sweep(at(wed, 8, 0)) // Anna's delivered; Bo's waits for its retry at 08:01

	ps, err := f.sw.Preview(f.ctx, at(wed, 8, 30))
	if err != nil {
		t.Fatal(err)
	}
	var previewed []string
	for _, p := range ps {
		previewed = append(previewed, p.To.Name)
	}
	seen := len(f.n.attempts())
	f.sweep(at(wed, 8, 30))
	var sent []string
	for _, a := range f.n.attempts()[seen:] {
		sent = append(sent, map[uint64]string{anna.ID: "Anna", bo.ID: "Bo"}[a.To])
	}
	if fmt.Sprint(previewed) != fmt.Sprint(sent) {
		t.Errorf("BUG: Preview at 08:30 lists %v, but the sweep at 08:30 sends %v (sweep.go Preview ignores the outbox)", previewed, sent)
	}
}

// TestPruneOldDays: planning a new day forgets each kind's days more than
// KeepDays before it, and keeps the rest.
func TestPruneOldDays(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 8, 0))
	f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Aalborg Stål", anna.ID, mon, 20)
	tue, later := bot.AddDays(mon, 1), bot.AddDays(mon, reminders.KeepDays+1) // later is a Monday
	f.sweep(at(mon, 8, 0))
	f.sweep(at(tue, 8, 0))
	f.sweep(at(bot.AddDays(mon, reminders.KeepDays), 8, 0)) // a Sunday: nothing planned, nothing pruned
	if !f.planned(bot.JobNudge, mon) || !f.planned(bot.JobDigest, mon) {
		t.Fatalf("monday forgotten before a new day was planned")
	}
	f.sweep(at(later, 8, 0))
	for _, tt := range []struct {
		kind bot.JobKind
		day  time.Time
		want int // deliveries; -1: the day is forgotten
	}{
		{bot.JobNudge, mon, -1},
		{bot.JobDigest, mon, -1},
		{bot.JobNudge, tue, 1},
		{bot.JobNudge, later, 1},
		{bot.JobDigest, later, 1},
	} {
		n, planned := len(f.deliveries(tt.kind, tt.day)), f.planned(tt.kind, tt.day)
		if tt.want < 0 && (planned || n != 0) || tt.want >= 0 && (!planned || n != tt.want) {
			t.Errorf("%s on %s: planned %v with %d deliveries, want %d (-1: forgotten)", tt.kind, tt.day.Format(time.DateOnly), planned, n, tt.want)
		}
	}
	if n := len(f.n.delivered()); n != 5 { // monday: nudge and digest; tuesday; later: nudge and digest
		t.Errorf("%d messages, want 5", n)
	}
}

// flaky wraps the store and fails the next read of the due companies, or
// the next record of a delivery's outcome (not the record of a try about
// to be made), once.
type flaky struct {
	*storage.DB
	mu                sync.Mutex
	failDue, failSave bool
}

var errDisk = errors.New("input/output error")

func (s *flaky) NudgeDue(ctx context.Context, day time.Time, fn func(bot.Company) error) error {
	s.mu.Lock()
	fail := s.failDue
	s.failDue = false
	s.mu.Unlock()
	if fail {
		return errDisk
	}
	return s.DB.NudgeDue(ctx, day, fn)
}

func (s *flaky) SaveDelivery(ctx context.Context, d bot.Delivery) error {
	s.mu.Lock()
	fail := s.failSave && (d.Attempts > 1 || !d.Delivered.IsZero() || d.LastError != "")
	if fail {
		s.failSave = false
	}
	s.mu.Unlock()
	if fail {
		return errDisk
	}
	return s.DB.SaveDelivery(ctx, d)
}

// TestStorageErrors: a failed read leaves the day unplanned for the next
// sweep; a lost delivery mark is the one window in which a message can go
// twice, and the sweep says so.
func TestStorageErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	store := &flaky{DB: f.db, failDue: true}
	f.cfg.Portfolio, f.cfg.Outbox = store, store
	f.sw = reminders.NewSweeper(f.cfg)
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)

	if _, err := f.sw.Sweep(f.ctx, at(wed, 8, 0)); !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "plan nudges") {
		t.Errorf("sweep with a failing read: %v, want the error wrapped", err)
	}
	if f.planned(bot.JobNudge, wed) || len(f.n.attempts()) != 0 {
		t.Fatalf("a failed plan left the day planned or sent something")
	}

	store.mu.Lock()
	store.failSave = true
	store.mu.Unlock()
	_, err := f.sw.Sweep(f.ctx, at(wed, 8, 1))
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), fmt.Sprintf("record delivery to #%d", anna.ID)) {
		t.Errorf("sweep with a failing record: %v, want the error naming the recipient", err)
	}
	f.sweep(at(wed, 8, 2))
	f.sweep(at(wed, 8, 3))
	// A notifier that cannot look back (this one, the console) sends it
	// twice; the second try is marked Recheck, which Slack's uses to find
	// the first instead.
	if got := f.n.to(anna.ID); len(got) != 2 || !got[0].OK || !got[1].OK || got[0].Msg.Recheck || !got[1].Msg.Recheck {
		t.Errorf("tries %+v, want the documented second send after the lost mark, marked Recheck", got)
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Delivered.IsZero() || d.Attempts != 2 {
		t.Errorf("stored %+v, want delivered on the second try (the first was recorded before it was made)", d)
	}
}
