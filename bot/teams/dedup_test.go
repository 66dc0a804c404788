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

// TestHandlerRecordsWithTheCommandsWrite: a command that writes records
// its activity in the same transaction as its first write, so the change
// and the record commit together (a crash between the two cannot leave a
// change that Teams' redelivery would make again) and no separate record
// is written; a command that writes nothing, or is refused, is recorded
// on its own. Either way the redelivery is dropped.
func TestHandlerRecordsWithTheCommandsWrite(t *testing.T) {
	t.Parallel()
	var log *countingLog
	r := newRigOpts(t, rigOptions{seen: func(l teams.ActivityLog) teams.ActivityLog {
		log = &countingLog{ActivityLog: l}
		return log
	}})
	for _, c := range []struct {
		line      string
		firstSeen int32 // records written on their own
	}{
		{"company add L-tek", 0},
		{"visit L-tek mødte Lars", 0},
		{"help", 1},
		{"visit Ukendt ApS mødte Lars", 1},
	} {
		log.firstSeen.Store(0)
		act := personal(t, c.line)
		if code := r.post(t, r.good(), clone(act)); code != http.StatusOK {
			t.Fatalf("%s: status %d", c.line, code)
		}
		if n := log.firstSeen.Load(); n != c.firstSeen {
			t.Errorf("%s: recorded on its own %d times, want %d", c.line, n, c.firstSeen)
		}
		key := "teams/activity/" + conversationOf(t, act) + "/" + act["id"].(string)
		if rec, err := r.db.Recorded(context.Background(), key); err != nil || !rec {
			t.Fatalf("%s: not recorded (%v)", c.line, err)
		}
		sent := len(r.sent())
		if code := r.post(t, r.good(), clone(act)); code != http.StatusOK || len(r.sent()) != sent {
			t.Fatalf("%s: redelivery answered %d and sent %d replies, want 200 and none", c.line, code, len(r.sent())-sent)
		}
	}
	if cs, err := r.db.Contacts(context.Background(), 1, 10); err != nil || len(cs) != 1 {
		t.Fatalf("contacts = %+v, %v; want one", cs, err)
	}
}

// countingLog counts FirstSeen calls.
type countingLog struct {
	teams.ActivityLog
	firstSeen atomic.Int32
}

func (l *countingLog) FirstSeen(ctx context.Context, key string) (bool, error) {
	l.firstSeen.Add(1)
	return l.ActivityLog.FirstSeen(ctx, key)
}

// conversationOf is the conversation id of act.
func conversationOf(t *testing.T, act map[string]any) string {
	t.Helper()
	conv, _ := act["conversation"].(map[string]any)
	id, _ := conv["id"].(string)
	if id == "" {
		t.Fatal("activity without a conversation id")
	}
	return id
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
