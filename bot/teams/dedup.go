package teams

import (
	"context"
	"sync"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// ActivityLog remembers activity ids (storage.DB meets it): Recorded
// reports, without writing, whether key was recorded; FirstSeen records
// it and reports whether it was new.
type ActivityLog interface {
	Recorded(ctx context.Context, key string) (bool, error)
	FirstSeen(ctx context.Context, key string) (bool, error)
}

// mark is the de-duplication record of a message activity being handled.
// It is written while the command runs, so that the record and the
// command's own write usually share one commit (one fsync) instead of
// queueing one behind the other.
type mark struct {
	done chan struct{} // closed once the record is committed, or failed
}

// wait returns once the record is committed (or failed); a nil mark has
// nothing to wait for.
func (m *mark) wait() {
	if m != nil {
		<-m.done
	}
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
// handle it starts recording the activity and returns its mark and finish,
// which the caller must call when done: finish waits for the record and
// then lets a later delivery of the activity be judged by the record
// alone. The goroutine that records ends before finish returns.
func (h *MessageHandler) claim(ctx context.Context, act schema.Activity) (m *mark, finish func(), ok bool) {
	if h.cfg.Seen == nil || act.ID == "" {
		return nil, func() {}, true
	}
	key := activityKey(act)
	if !h.active.add(key) {
		h.cfg.Logger.Info("teams: activity delivered again while being handled; not handled twice", "type", act.Type)
		return nil, nil, false
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
		return nil, nil, false
	}
	m = &mark{done: make(chan struct{})}
	go func() {
		defer close(m.done)
		if _, err := h.cfg.Seen.FirstSeen(ctx, key); err != nil {
			h.cfg.Logger.Warn("teams: activity not recorded; a redelivery would be handled again", "err", err)
		}
	}()
	return m, func() { m.wait(); h.active.remove(key) }, true
}
