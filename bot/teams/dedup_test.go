package teams_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot/teams"
)

// TestHandlerSameActivityAtOnce: deliveries of one activity that arrive
// together, before the first one's record is committed, run the command
// once and reply once.
func TestHandlerSameActivityAtOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.postText(t, r.good(), "company add L-tek")
	visit := personal(t, "visit L-tek mødte Lars")
	visit["serviceUrl"] = r.bf.URL
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if code := r.post(t, r.good(), clone(visit)); code != http.StatusOK {
				t.Errorf("status %d", code)
			}
		})
	}
	wg.Wait()
	if cs, err := r.db.Contacts(context.Background(), 1, 10); err != nil || len(cs) != 1 {
		t.Fatalf("contacts = %+v, %v; want one", cs, err)
	}
	if n := len(r.sent()); n != 2 {
		t.Fatalf("%d replies, want 2 (company add, visit)", n)
	}
}

// TestHandlerActivityDeliveredAfterRestart: the record of a handled
// activity is in the file, so a handler started afresh on it (a restart)
// drops Teams' redelivery.
func TestHandlerActivityDeliveredAfterRestart(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.postText(t, r.good(), "company add L-tek")
	visit := personal(t, "visit L-tek mødte Lars")
	if code := r.post(t, r.good(), clone(visit)); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	r.h = r.handler(t, r.client)
	if code := r.post(t, r.good(), clone(visit)); code != http.StatusOK {
		t.Fatalf("redelivery: status %d", code)
	}
	if cs, err := r.db.Contacts(context.Background(), 1, 10); err != nil || len(cs) != 1 {
		t.Fatalf("contacts = %+v, %v; want one", cs, err)
	}
	if n := len(r.sent()); n != 2 {
		t.Fatalf("%d replies, want 2 (company add, visit)", n)
	}
}

// TestHandlerRepliesAfterTheRecord: the activity's record is written
// alongside the command, but committed before the reply goes out, so a
// person never sees an answer to a command that a redelivery would run
// again.
func TestHandlerRepliesAfterTheRecord(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	var current atomic.Value // the activity id being posted
	var checked, unrecorded atomic.Int32
	r.h = r.handler(t, checkSend{Connector: r.client, check: func(ctx context.Context, conversationID string) {
		checked.Add(1)
		if rec, err := r.db.Recorded(ctx, "teams/activity/"+conversationID+"/"+current.Load().(string)); err != nil || !rec {
			unrecorded.Add(1)
		}
	}})
	for i, line := range []string{"company add L-tek", "visit L-tek mødte Lars", "help"} {
		act := personal(t, line)
		act["id"] = "1763885900" + strconv.Itoa(i)
		current.Store(act["id"])
		if code := r.post(t, r.good(), act); code != http.StatusOK {
			t.Fatalf("%s: status %d", line, code)
		}
	}
	if checked.Load() != 3 || unrecorded.Load() != 0 {
		t.Fatalf("%d replies checked, %d of them sent before the activity was recorded", checked.Load(), unrecorded.Load())
	}
}

// checkSend calls check before each Send.
type checkSend struct {
	teams.Connector
	check func(ctx context.Context, conversationID string)
}

func (c checkSend) Send(ctx context.Context, serviceURL, conversationID string, act schema.Activity) (string, error) {
	c.check(ctx, conversationID)
	return c.Connector.Send(ctx, serviceURL, conversationID, act)
}

// clone is a shallow copy of act, so that concurrent posts may each set
// its serviceUrl.
func clone(act map[string]any) map[string]any {
	out := make(map[string]any, len(act))
	for k, v := range act {
		out[k] = v
	}
	return out
}
