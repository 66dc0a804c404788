package teams

import (
	"context"
	"log/slog"
	"sync"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// ActivityLog remembers activity ids (storage.DB meets it): Recorded
// reports, without writing, whether key was recorded; FirstSeen records
// it and reports whether it was new; WithRecord returns a ctx through
// which the first committed write records key in its own transaction,
// and whether one has.
type ActivityLog interface {
	Recorded(ctx context.Context, key string) (bool, error)
	FirstSeen(ctx context.Context, key string) (bool, error)
	WithRecord(ctx context.Context, key string) (context.Context, func() bool)
}

// mark is the de-duplication record of a message activity being handled.
// It rides with the command's first write, in the same transaction: the
// change and the record are committed together or not at all, so a crash
// can never leave a change whose redelivery would make it again, and the
// two cost one commit. A command that writes nothing is recorded on its
// own once it has run.
type mark struct {
	seen    ActivityLog
	key     string
	written func() bool
	log     *slog.Logger
	once    sync.Once
}

// record makes sure the activity is recorded (or that recording it
// failed, which is logged) and returns once it is; a nil mark has
// nothing to record.
func (m *mark) record(ctx context.Context) {
	if m == nil {
		return
	}
	m.once.Do(func() {
		if m.written() {
			return
		}
		if _, err := m.seen.FirstSeen(context.WithoutCancel(ctx), m.key); err != nil {
			m.log.Warn("teams: activity not recorded; a redelivery would be handled again", "err", err)
		}
	})
}

// active are the message activities being handled now: a redelivery that
// arrives while the first delivery is still under way (its record perhaps
// not yet committed) is dropped, as FirstSeen alone would drop it.
type active struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

// add reports whether key was not being handled, and marks it so.
func (a *active) add(key string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.keys[key]; ok {
		return false
	}
	if a.keys == nil {
		a.keys = map[string]struct{}{}
	}
	a.keys[key] = struct{}{}
	return true
}

func (a *active) remove(key string) {
	a.mu.Lock()
	delete(a.keys, key)
	a.mu.Unlock()
}

// claim reports whether the message activity is to be handled: it is new,
// not a redelivery of one handled before (also before a restart), or a
// redelivery of one whose handling panicked. When that cannot be known it
// is handled: a command run twice beats one never run. For an activity to
// handle it returns the ctx to handle it with, whose first write records
// the activity, its mark and finish, which the caller must call when
// done: finish records the activity if no write did, and then lets a
// later delivery of the activity be judged by the record alone.
func (h *MessageHandler) claim(ctx context.Context, act schema.Activity) (_ context.Context, m *mark, finish func(), ok bool) {
	if h.cfg.Seen == nil || act.ID == "" {
		return ctx, nil, func() {}, true
	}
	key := activityKey(act)
	if !h.active.add(key) {
		h.cfg.Logger.Info("teams: activity delivered again while being handled; not handled twice", "type", act.Type)
		return ctx, nil, nil, false
	}
	recorded, err := h.cfg.Seen.Recorded(ctx, key)
	switch {
	case err != nil:
		h.cfg.Logger.Warn("teams: activity de-duplication unavailable; handling it", "err", err)
	case recorded && h.retry.take(key, h.cfg.Clock.Now()):
		h.cfg.Logger.Info("teams: activity delivered again after its handling panicked; handling it", "type", act.Type, "activity", act.ID)
	case recorded:
		h.active.remove(key)
		h.cfg.Logger.Info("teams: activity delivered again; not handled twice", "type", act.Type)
		return ctx, nil, nil, false
	}
	m = &mark{seen: h.cfg.Seen, key: key, log: h.cfg.Logger}
	ctx, m.written = h.cfg.Seen.WithRecord(ctx, key)
	return ctx, m, func() { m.record(ctx); h.active.remove(key) }, true
}
