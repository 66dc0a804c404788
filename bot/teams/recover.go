// A panic while handling an activity: answered 500, logged without the
// activity's text, and the activity left to be handled when Teams
// delivers it again.

package teams

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// retryKeep is how long a panicked activity waits for its redelivery; Teams
// delivers again within minutes, if at all.
const retryKeep = time.Hour

// maxRetries bounds the panicked activities remembered at once.
const maxRetries = 1024

// errPanicked is what handleRecovered returns after a panic it logged.
var errPanicked = errors.New("teams: handling the activity panicked")

// retries are the message activities whose handling panicked. Seen marked
// them at first look, so without this Teams' redelivery of one would be
// taken for a duplicate and dropped. Kept in memory: a panic is recovered,
// so the process that saw it is the one the redelivery reaches.
type retries struct {
	mu   sync.Mutex
	keys map[string]time.Time // key -> when it panicked
}

// add remembers key, forgetting those older than retryKeep; when
// maxRetries are waiting it reports false and remembers nothing.
func (r *retries) add(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil {
		r.keys = map[string]time.Time{}
	}
	for k, at := range r.keys {
		if now.Sub(at) > retryKeep {
			delete(r.keys, k)
		}
	}
	if len(r.keys) >= maxRetries {
		return false
	}
	r.keys[key] = now
	return true
}

// take reports whether key panicked within retryKeep, and forgets it: of
// two redeliveries at once, one is handled.
func (r *retries) take(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.keys[key]
	delete(r.keys, key)
	return ok && now.Sub(at) <= retryKeep
}

// handleRecovered is handle, with a panic turned into errPanicked: logged
// at Error with the activity's type and id, the panic and the stack, but
// not its text, which may hold personal data; a message activity is left
// to be handled again when Teams delivers it again.
func (h *MessageHandler) handleRecovered(ctx context.Context, act schema.Activity) (err error) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		retried := act.Type == schema.Message && act.ID != "" && h.retry.add(activityKey(act), h.cfg.Clock.Now())
		h.cfg.Logger.ErrorContext(ctx, "teams: handling an activity panicked; answered 500",
			"type", act.Type, "activity", act.ID, "redelivery_handled", retried,
			"panic", describePanic(p), "stack", string(debug.Stack()))
		err = errPanicked
	}()
	return h.handle(ctx, act)
}

// describePanic says what panicked without what a person wrote: a
// runtime error's message names only the fault ("index out of range [3]
// with length 3"); any other value only by its type, since a handler's
// panic(fmt.Sprintf(...)) may carry a message's text.
func describePanic(p any) string {
	if re, ok := p.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("a value of type %T", p)
}

// activityKey is the key Seen records a message activity under.
func activityKey(act schema.Activity) string {
	return "teams/activity/" + act.Conversation.ID + "/" + act.ID
}
