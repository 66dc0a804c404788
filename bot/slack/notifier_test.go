package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
)

type countingMetrics struct {
	bot.NopMetrics
	mu    sync.Mutex
	calls map[string]int
}

func (m *countingMetrics) PlatformCall(_, method, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls[method+" "+outcome]++
}

var hanne = bot.Consultant{ID: 7, Name: "Hanne", Identities: []bot.Identity{{Platform: "console", User: "hanne"}, {Platform: "slack", Team: "T1", User: "U7"}}}

func TestNotifierSendsADMOnceEvenAfterACrash(t *testing.T) {
	t.Parallel()
	api := newWebAPI(t)
	m := &countingMetrics{calls: map[string]int{}}
	n := slack.NewNotifier(api.clientNoRetry(), bot.ClockFunc(time.Now), nil, m)
	ctx := context.Background()
	msg := bot.Message{Key: "nudge/2026-11-23/7", Blocks: []bot.Block{bot.Heading{Text: "God morgen!"}, bot.Text{Text: "Ærø Maskinfabrik venter"}}}
	r, err := n.SendToPerson(ctx, hanne, msg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Channel != (bot.Channel{Platform: "slack", Team: "T1", ID: "D-U7"}) || r.MessageID == "" {
		t.Errorf("receipt %+v", r)
	}
	posts := api.called("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	f := posts[0].Form
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(f.Get("blocks")), &blocks); err != nil || len(blocks) != 2 || blocks[0]["type"] != "header" {
		t.Errorf("blocks %s: %v", f.Get("blocks"), err)
	}
	if f.Get("channel") != "D-U7" || f.Get("text") == "" || f.Get("metadata") != `{"event_type":"kontaktbot_message","event_payload":{"key":"nudge/2026-11-23/7"}}` {
		t.Errorf("post form %v", f)
	}
	if h := api.called("conversations.history"); len(h) != 0 {
		t.Errorf("a first try read the history: %v", h)
	}
	// The outbox mark was lost in a crash: the retry is marked Recheck and
	// finds the message in the DM's history instead of posting it again.
	msg.Recheck = true
	r2, err := n.SendToPerson(ctx, hanne, msg)
	if err != nil || r2 != r {
		t.Errorf("second send: %+v %v, want %+v", r2, err, r)
	}
	if len(api.called("chat.postMessage")) != 1 || len(api.called("conversations.open")) != 1 {
		t.Errorf("posts %d, opens %d", len(api.called("chat.postMessage")), len(api.called("conversations.open")))
	}
	if h := api.called("conversations.history"); len(h) != 1 || h[0].Form.Get("include_all_metadata") != "1" && h[0].Form.Get("include_all_metadata") != "true" {
		t.Errorf("history calls %v", h)
	}
	if m.calls["chat.postMessage ok"] != 1 || m.calls["conversations.open ok"] != 1 {
		t.Errorf("metrics %v", m.calls)
	}
}

func TestNotifierPostsUpdatesAndSpacesAChannelsPosts(t *testing.T) {
	t.Parallel()
	api := newWebAPI(t)
	n := slack.NewNotifier(api.clientNoRetry(), bot.ClockFunc(time.Now), nil, nil)
	// Wide margins: on a loaded machine one call's latency jitters by tens
	// of milliseconds, which the gaps below must not mistake for spacing.
	n.Interval = 300 * time.Millisecond
	ctx := context.Background()
	ch := bot.Channel{Platform: "slack", Team: "T1", ID: "C-stillinger"}
	var rs []bot.Receipt
	for i := range 3 {
		r, err := n.PostToChannel(ctx, ch, bot.Reply(fmt.Sprintf("Stilling #%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	if _, err := n.PostToChannel(ctx, bot.Channel{Platform: "slack", ID: "C-other"}, bot.Reply("x")); err != nil {
		t.Fatal(err)
	}
	posts := api.called("chat.postMessage")
	for i := 1; i < 3; i++ {
		if gap := posts[i].At.Sub(posts[i-1].At); gap < 200*time.Millisecond {
			t.Errorf("posts %d and %d to one channel %v apart", i-1, i, gap)
		}
	}
	if gap := posts[3].At.Sub(posts[2].At); gap > 150*time.Millisecond {
		t.Errorf("another channel waited %v", gap)
	}
	u, err := n.UpdateMessage(ctx, rs[0], bot.Reply("Stilling #0 er besat"))
	if err != nil || u != rs[0] {
		t.Errorf("update: %+v %v", u, err)
	}
	if up := api.called("chat.update"); len(up) != 1 || up[0].Form.Get("ts") != rs[0].MessageID || up[0].Form.Get("channel") != "C-stillinger" {
		t.Errorf("chat.update %v", up)
	}
}

func TestNotifierSurvivesA429AndReportsAPersistentOne(t *testing.T) {
	t.Parallel()
	api := newWebAPI(t)
	m := &countingMetrics{calls: map[string]int{}}
	n := slack.NewNotifier(api.clientNoRetry(), bot.ClockFunc(time.Now), nil, m)
	n.Interval = 10 * time.Millisecond
	api.mu.Lock()
	api.rateLimit["chat.postMessage"] = 1
	api.mu.Unlock()
	ch := bot.Channel{Platform: "slack", ID: "C1"}
	r, err := n.PostToChannel(context.Background(), ch, bot.Reply("hej"))
	if err != nil {
		t.Fatalf("one 429 with Retry-After: 1 was not survived: %v", err)
	}
	if c := api.called("chat.postMessage"); len(c) != 2 || !c[0].Limited || c[1].At.Sub(c[0].At) < time.Second {
		t.Errorf("tries %+v, want a 429 and a retry a Retry-After (1s) later", c)
	}
	api.mu.Lock()
	api.rateLimit["chat.update"] = 1
	api.mu.Unlock()
	if u, err := n.UpdateMessage(context.Background(), r, bot.Reply("hej!")); err != nil || u != r {
		t.Errorf("update after a 429: %+v %v", u, err)
	}
	if c := api.called("chat.update"); len(c) != 2 || !c[0].Limited || c[1].Limited {
		t.Errorf("chat.update tries %+v", c)
	}
	if m.calls["chat.postMessage ratelimited"] != 1 || m.calls["chat.postMessage ok"] != 1 || m.calls["chat.update ratelimited"] != 1 || m.calls["chat.update ok"] != 1 {
		t.Errorf("metrics %v", m.calls)
	}
	api.mu.Lock()
	api.rateLimit["chat.postMessage"] = 10
	api.mu.Unlock()
	n.Sleep = (&sleeps{}).sleep
	_, err = n.PostToChannel(context.Background(), ch, bot.Reply("hej igen"))
	if d, ok := bot.RetryAfter(err); !ok || d != time.Second {
		t.Errorf("persistent 429: %v", err)
	}
	if got := len(api.called("chat.postMessage")); got != 2+n.Retries+1 {
		t.Errorf("%d tries in all, want 2 and then Retries+1 = %d", got, n.Retries+1)
	}
}

func TestNotifierStopsWaitingOutA429WhenTheContextEnds(t *testing.T) {
	t.Parallel()
	api := newWebAPI(t)
	n := slack.NewNotifier(api.clientNoRetry(), bot.ClockFunc(time.Now), nil, nil)
	api.mu.Lock()
	api.rateLimit["chat.postMessage"] = 1
	api.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := n.PostToChannel(ctx, bot.Channel{Platform: "slack", ID: "C1"}, bot.Reply("hej"))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 800*time.Millisecond {
		t.Errorf("after %v: err = %v, want the context's deadline well before the Retry-After of 1s", time.Since(start), err)
	}
	if got := len(api.called("chat.postMessage")); got != 1 {
		t.Errorf("%d tries, want 1", got)
	}
}

func TestNotifierWithoutSlackIdentity(t *testing.T) {
	t.Parallel()
	n := slack.NewNotifier(newWebAPI(t).clientNoRetry(), bot.ClockFunc(time.Now), nil, nil)
	_, err := n.SendToPerson(context.Background(), bot.Consultant{Name: "Ny"}, bot.Reply("x"))
	if !errors.Is(err, bot.ErrUnreachable) {
		t.Errorf("err = %v", err)
	}
}
