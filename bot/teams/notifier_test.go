package teams_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
)

var (
	mette = bot.Consultant{Name: "Mette", Identities: []bot.Identity{{Platform: "teams", Team: "tenant-1", User: "6b1e4a3c-0000-4000-8000-000000000001"}}}
	lars  = bot.Consultant{Name: "Lars", Identities: []bot.Identity{{Platform: "teams", Team: "tenant-1", User: "aad-lars"}}}
)

// TestNotifier: proactive messages through our Client to the fake Bot
// Framework: to a stored personal chat, to a chat it opens from an
// installed team, to a channel, updated in place; unreachable people are
// reported as such.
func TestNotifier(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	n := teams.NewNotifier(r.client, r.db, r.clock, nil)
	if _, err := n.SendToPerson(ctx, lars, nudge()); !errors.Is(err, teams.ErrUnreachable) || !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("no ref, no team: err = %v, want ErrUnreachable", err)
	}
	r.postText(t, r.good(), "help") // stores Mette's personal chat
	rc, err := n.SendToPerson(ctx, mette, nudge())
	if err != nil || rc.Channel.ID != "a:1personalCONV" || rc.MessageID == "" {
		t.Fatalf("personal nudge: %+v, %v", rc, err)
	}
	ch := personal(t, "<at>kontaktbot</at> help")
	ch["conversation"] = map[string]any{"conversationType": "channel", "tenantId": "tenant-1", "id": "19:chan"}
	r.post(t, r.good(), ch)
	rc, err = n.SendToPerson(ctx, lars, nudge())
	if err != nil {
		t.Fatalf("created chat: %v", err)
	}
	var created teamstest.ConnectorCall
	for _, c := range r.bf.Calls() {
		if c.Route == teamstest.RouteCreate {
			created = c
		}
	}
	if created.ID == "" || rc.Channel.ID != created.ID || len(created.Params.Members) != 1 || created.Params.Members[0].ID != "aad-lars" ||
		created.Params.TenantID != "tenant-1" {
		t.Fatalf("created chat: receipt %+v, create call %+v", rc, created)
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
	sent := r.sent()
	if u := sent[len(sent)-1]; u.Route != teamstest.RouteUpdate || u.ConversationID != "19:chan" || u.ActivityID != post.MessageID ||
		!strings.Contains(r.last(t), "besat") {
		t.Fatalf("update: %+v", u)
	}
	r.bf.Fail(teamstest.RouteSend, 10, http.StatusForbidden, "") // blocked, or the app removed
	if _, err := n.SendToPerson(ctx, mette, nudge()); !errors.Is(err, teams.ErrUnreachable) {
		t.Fatalf("refused: err = %v, want ErrUnreachable", err)
	}
}

func TestNotifierConcurrent(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.postText(t, r.good(), "help")
	n := teams.NewNotifier(r.client, r.db, r.clock, nil)
	before := len(r.sent())
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := n.SendToPerson(context.Background(), mette, nudge()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(r.sent()) - before; got != 16 {
		t.Fatalf("%d nudges reached the connector, want 16", got)
	}
}
