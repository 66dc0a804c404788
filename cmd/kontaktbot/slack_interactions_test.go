package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	neturl "net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// viewsAPI is slacktest's Web API with recorders of ours for the methods
// it lacks: views.open and views.publish (and users.info, named).
type viewsAPI struct {
	srv   *slacktest.Server
	mu    sync.Mutex
	views map[string][]map[string]any // method -> the views it got
}

func newViewsAPI(t *testing.T) *viewsAPI {
	a := &viewsAPI{views: map[string][]map[string]any{}}
	record := func(method string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			var args map[string]any
			data, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(data, &args); err != nil {
				http.Error(w, "views.* take JSON", http.StatusBadRequest)
				return
			}
			view, _ := args["view"].(map[string]any)
			view["_args"] = args
			a.mu.Lock()
			a.views[method] = append(a.views[method], view)
			a.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true,"view":{"id":"V1"}}`)
		}
	}
	a.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/views.open", record("views.open"))
		c.Handle("/views.publish", record("views.publish"))
		c.Handle("/users.info", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true,"user":{"id":"U1","real_name":"Hanne Jensen"}}`)
		})
	})
	a.srv.Start()
	t.Cleanup(a.srv.Stop)
	return a
}

func (a *viewsAPI) got(method string) []map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]map[string]any(nil), a.views[method]...)
}

// signedPost posts body to serve as Slack does, signed with secret.
func signedPost(t *testing.T, url, secret, contentType string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range slackSignature(secret, body) {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func interaction(t *testing.T, url, secret string, payload map[string]any) (int, string) {
	t.Helper()
	data, _ := json.Marshal(payload)
	return signedPost(t, url+"/slack/interactions", secret, "application/x-www-form-urlencoded",
		[]byte(neturl.Values{"payload": {string(data)}}.Encode()))
}

// TestServeNudgeButtonToStoredContact: the nudge's "log contact" button
// opens the modal, a bad date is refused in it, and the good submission
// is stored; opening App Home publishes the person's companies, once per
// event id.
func TestServeNudgeButtonToStoredContact(t *testing.T) {
	t.Parallel()
	const secret = "s3cret"
	api := newViewsAPI(t)
	db := filepath.Join(t.TempDir(), "k.db")
	s := startServer(t, map[string]string{"SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": "xoxb-test",
		"SLACK_API_URL": api.srv.GetAPIURL(), "SLACK_TEAM_JOBCENTERS": "T1"}, "--db", db)
	if code, body := slackPost(t, s.url, secret, "/kontakt", "company add Ærø Maskinfabrik"); code != 200 || strings.Contains(body, "⚠️") {
		t.Fatalf("company add: %d %s", code, body)
	}
	who := map[string]any{"id": "U1", "username": "hanne", "name": "hanne", "team_id": "T1"}
	code, body := interaction(t, s.url, secret, map[string]any{"type": "block_actions", "user": who, "team": map[string]any{"id": "T1"},
		"trigger_id": "1.2.abc", "channel": map[string]any{"id": "D1"}, "response_url": "http://127.0.0.1:1/unused",
		"actions": []any{map[string]any{"type": "button", "action_id": "cmd-0", "block_id": "b", "value": "visit Ærø Maskinfabrik"}}})
	if code != 200 {
		t.Fatalf("button: %d %s", code, body)
	}
	opened := api.got("views.open")
	if len(opened) != 1 || opened[0]["callback_id"] != "kontaktbot-visit" {
		t.Fatalf("views.open: %v", opened)
	}
	today := time.Now().In(bot.Copenhagen).Format(time.DateOnly)
	submit := func(date, note string) (int, string) {
		return interaction(t, s.url, secret, map[string]any{"type": "view_submission", "user": who, "team": map[string]any{"id": "T1"},
			"view": map[string]any{"id": "V1", "type": "modal", "callback_id": opened[0]["callback_id"], "private_metadata": opened[0]["private_metadata"],
				"state": map[string]any{"values": map[string]any{
					"date": map[string]any{"date": map[string]any{"type": "datepicker", "selected_date": date}},
					"kind": map[string]any{"kind": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "phone"}}},
					"note": map[string]any{"note": map[string]any{"type": "plain_text_input", "value": note}},
				}}}})
	}
	code, body = submit(time.Now().AddDate(0, 0, 3).In(bot.Copenhagen).Format(time.DateOnly), "ringede om praktik")
	if code != 200 || !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, `"date":`) {
		t.Fatalf("future date: %d %s, want an error under the date", code, body)
	}
	if code, body = submit(today, "ringede til Lars om to svejsere"); code != 200 || body != "" {
		t.Fatalf("submission: %d %q, want an empty 200", code, body)
	}

	home, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "Ev1",
		"event": map[string]any{"type": "app_home_opened", "user": "U1", "tab": "home"}})
	for range 2 { // Slack's retry of the same event
		if code, _ := signedPost(t, s.url+"/slack/events", secret, "application/json", home); code != 200 {
			t.Fatalf("event: %d", code)
		}
	}
	if err := s.stop(); err != nil { // drains the events in hand
		t.Fatal(err)
	}
	pubs := api.got("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("views.publish %d times for one event", len(pubs))
	}
	blocks, _ := json.Marshal(pubs[0]["blocks"])
	if !strings.Contains(string(blocks), "Ærø Maskinfabrik") {
		t.Errorf("home tab lacks the company: %s", blocks)
	}
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		cs := mustContacts(t, ctx, d, mustCompany(t, ctx, d, "Ærø Maskinfabrik").ID)
		if len(cs) != 1 || cs[0].Note != "ringede til Lars om to svejsere" || cs[0].Kind != bot.KindPhone {
			t.Errorf("contacts: %+v", cs)
		}
	})
}
