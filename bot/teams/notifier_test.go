package teams_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
)

func TestNotifier(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	n := teams.NewNotifier(r.conn, r.db, bot.ClockFunc(func() time.Time { return testNow }), nil)
	mette := bot.Consultant{Name: "Mette", Identities: []bot.Identity{{Platform: "teams", Team: "tenant-1", User: "6b1e4a3c-0000-4000-8000-000000000001"}}}
	lars := bot.Consultant{Name: "Lars", Identities: []bot.Identity{{Platform: "teams", Team: "tenant-1", User: "aad-lars"}}}
	if _, err := n.SendToPerson(ctx, lars, nudge()); !errors.Is(err, teams.ErrUnreachable) || !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("no ref, no team: err = %v, want ErrUnreachable", err)
	}
	r.post(t, "Bearer good", personal(t, "help")) // stores Mette's personal chat
	rc, err := n.SendToPerson(ctx, mette, nudge())
	if err != nil || rc.Channel.ID != "a:1personalCONV" || rc.MessageID == "" {
		t.Fatalf("personal nudge: %+v, %v", rc, err)
	}
	ch := personal(t, "<at>kontaktbot</at> help")
	ch["conversation"] = map[string]any{"conversationType": "channel", "tenantId": "tenant-1", "id": "19:chan"}
	r.post(t, "Bearer good", ch)
	rc, err = n.SendToPerson(ctx, lars, nudge())
	if err != nil || rc.Channel.ID != "a:new-aad-lars" {
		t.Fatalf("created chat: %+v, %v", rc, err)
	}
	if _, err := r.db.Conversation(ctx, teams.PersonKey("tenant-1", "aad-lars")); err != nil {
		t.Fatalf("created chat not stored: %v", err)
	}
	post, err := n.PostToChannel(ctx, bot.Channel{Platform: "teams", Team: "tenant-1", ID: "19:chan"}, nudge())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.UpdateMessage(ctx, post, bot.Reply("Stillingen er besat")); err != nil {
		t.Fatal(err)
	}
	if len(r.conn.updated) != 1 || r.conn.updated[0] != "19:chan/"+post.MessageID || !strings.Contains(r.conn.last(t), "besat") {
		t.Fatalf("update: %v", r.conn.updated)
	}
	r.conn.mu.Lock()
	r.conn.refuse = true
	r.conn.mu.Unlock()
	if _, err := n.SendToPerson(ctx, mette, nudge()); !errors.Is(err, teams.ErrUnreachable) {
		t.Fatalf("refused: err = %v, want ErrUnreachable", err)
	}
}

func TestNotifierConcurrent(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.post(t, "Bearer good", personal(t, "help"))
	n := teams.NewNotifier(r.conn, r.db, bot.ClockFunc(func() time.Time { return testNow }), nil)
	mette := bot.Consultant{Name: "Mette", Identities: []bot.Identity{{Platform: "teams", Team: "tenant-1", User: "6b1e4a3c-0000-4000-8000-000000000001"}}}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := n.SendToPerson(context.Background(), mette, nudge()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
