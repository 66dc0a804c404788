package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot/slack"
)

// fakeSocketMode plays Slack's side of Socket Mode: apps.connections.open
// hands out its own WebSocket address, and each connection gets a hello
// and then whatever the test sends; acknowledgements come back on acks.
type fakeSocketMode struct {
	srv     *httptest.Server
	opens   atomic.Int32
	conns   chan *websocket.Conn
	acks    chan map[string]any
	appAuth atomic.Value // the Authorization header of apps.connections.open
}

func newFakeSocketMode(t *testing.T) *fakeSocketMode {
	f := &fakeSocketMode{conns: make(chan *websocket.Conn, 4), acks: make(chan map[string]any, 16)}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		f.opens.Add(1)
		f.appAuth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	})
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
		f.conns <- c
		for {
			var ack map[string]any
			if err := c.ReadJSON(&ack); err != nil {
				return
			}
			f.acks <- ack
		}
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// connection waits for the bot to connect and returns the connection.
func (f *fakeSocketMode) connection(t *testing.T) *websocket.Conn {
	t.Helper()
	select {
	case c := <-f.conns:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("the bot did not connect")
		return nil
	}
}

func (f *fakeSocketMode) send(t *testing.T, c *websocket.Conn, envelope, kind string, payload any) map[string]any {
	t.Helper()
	if err := c.WriteJSON(map[string]any{"envelope_id": envelope, "type": kind, "accepts_response_payload": kind != "events_api", "payload": payload}); err != nil {
		t.Fatal(err)
	}
	select {
	case ack := <-f.acks:
		if ack["envelope_id"] != envelope {
			t.Fatalf("ack for %v, want %s", ack["envelope_id"], envelope)
		}
		return ack
	case <-time.After(5 * time.Second):
		t.Fatalf("%s was not acknowledged", kind)
		return nil
	}
}

func TestSocketModeAnswersCommandsButtonsAndEvents(t *testing.T) {
	t.Parallel()
	fake := newFakeSocketMode(t)
	api := slackapi.New("xoxb-test", slackapi.OptionAPIURL(fake.srv.URL+"/"), slackapi.OptionAppLevelToken("xapp-1-test"))
	f := &fakeHandler{}
	var events sync.Map
	var clicked atomic.Value
	sock := slack.NewSocket(api, slack.SocketHandlers{
		Commands: slack.NewCommands(nil, f, nil, nil, nil),
		Interaction: func(_ context.Context, cb slackapi.InteractionCallback) any {
			if cb.ActionCallback.BlockActions[0].Value == "panic" {
				panic("a bug in a button")
			}
			clicked.Store(cb.User.ID + " " + cb.ActionCallback.BlockActions[0].Value)
			return map[string]any{"response_action": "clear"}
		},
		Event: func(_ context.Context, payload json.RawMessage) {
			var ev struct {
				EventID string `json:"event_id"`
			}
			json.Unmarshal(payload, &ev)
			events.Store(ev.EventID, true)
		},
	}, nil)
	sock.MinBackoff, sock.MaxBackoff = 10*time.Millisecond, 50*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sock.Run(ctx) }()

	c := fake.connection(t)
	if got := fake.appAuth.Load(); got != "Bearer xapp-1-test" {
		t.Errorf("apps.connections.open with %v, want the app-level token", got)
	}
	ack := fake.send(t, c, "e1", "slash_commands", map[string]any{"command": "/visit", "text": "L-tek mødte <@U2|lars>",
		"team_id": "T1", "user_id": "U1", "user_name": "hanne", "channel_id": "D1", "response_url": "http://127.0.0.1:1/x"})
	reply, _ := ack["payload"].(map[string]any)
	if reply["text"] != "ok: visit L-tek mødte lars" || reply["response_type"] != "ephemeral" {
		t.Errorf("command ack %v", ack)
	}
	ack = fake.send(t, c, "e2", "interactive", map[string]any{"type": "block_actions", "user": map[string]any{"id": "U1"},
		"team": map[string]any{"id": "T1"}, "actions": []any{map[string]any{"type": "button", "block_id": "b1", "action_id": "kontaktbot-0", "value": "snooze L-tek 1w"}}})
	if clicked.Load() != "U1 snooze L-tek 1w" || ack["payload"].(map[string]any)["response_action"] != "clear" {
		t.Errorf("interaction: clicked %v, ack %v", clicked.Load(), ack)
	}
	// A panic in a handler is acknowledged all the same and breaks nothing.
	ack = fake.send(t, c, "e2b", "interactive", map[string]any{"type": "block_actions", "user": map[string]any{"id": "U1"},
		"actions": []any{map[string]any{"type": "button", "block_id": "b1", "action_id": "kontaktbot-1", "value": "panic"}}})
	if ack["payload"] != nil {
		t.Errorf("panicking interaction acknowledged with %v", ack["payload"])
	}
	fake.send(t, c, "e3", "events_api", map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "Ev1",
		"event": map[string]any{"type": "app_home_opened", "user": "U1", "tab": "home"}})
	deadline := time.Now().Add(5 * time.Second)
	for _, ok := events.Load("Ev1"); !ok && time.Now().Before(deadline); _, ok = events.Load("Ev1") {
		time.Sleep(5 * time.Millisecond)
	}
	if _, ok := events.Load("Ev1"); !ok {
		t.Error("event not handed on")
	}

	// Slack drops the connection: the bot opens a new one by itself.
	c.Close()
	c2 := fake.connection(t)
	if fake.opens.Load() < 2 {
		t.Errorf("apps.connections.open called %d times", fake.opens.Load())
	}
	fake.send(t, c2, "e4", "slash_commands", map[string]any{"command": "/mine", "team_id": "T1", "user_id": "U1", "user_name": "hanne"})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("handler ran %d commands, want 2", n)
	}
}
