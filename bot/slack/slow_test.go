package slack_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
)

// responseURL is a stand-in for Slack's response_url: it records what is
// posted to it.
type responseURL struct {
	mu     sync.Mutex
	bodies []map[string]any
	srv    *httptest.Server
}

func newResponseURL(t *testing.T) *responseURL {
	r := &responseURL{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body map[string]any
		data, _ := io.ReadAll(req.Body)
		if err := json.Unmarshal(data, &body); err != nil || req.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.mu.Unlock()
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *responseURL) posted() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.bodies...)
}

func slashBody(responseURL, text string) []byte {
	return []byte(url.Values{"command": {"/visit"}, "text": {text}, "team_id": {"T1"}, "user_id": {"U1"},
		"user_name": {"hanne"}, "channel_id": {"C1"}, "response_url": {responseURL}}.Encode())
}

func TestSlowCommandIsFinishedThroughResponseURL(t *testing.T) {
	t.Parallel()
	hook := newResponseURL(t)
	release := make(chan struct{})
	f := &fakeHandler{reply: func(req bot.Request) bot.Message {
		<-release
		return bot.Reply("✅ Gemt: " + req.Text)
	}}
	c := slack.NewCommands(MustVerifier(t, testSecret, func() time.Time { return now }), f, nil, nil, nil)
	c.SetInlineWait(20 * time.Millisecond)
	body := slashBody(hook.srv.URL, "L-tek mødte Lars")
	// Over real HTTP, as Slack calls: the acknowledgement must reach the
	// client whole while the command still runs.
	srv := httptest.NewServer(c)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	for k, v := range sign(testSecret, now.Unix(), body) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("no acknowledgement while the command runs: %v", err)
	}
	var r slashReply
	err = json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if err != nil || r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "arbejder på det") || strings.Contains(r.Text, "Gemt") {
		t.Fatalf("acknowledgement %+v (%v)", r, err)
	}
	if got := hook.posted(); len(got) != 0 {
		t.Fatalf("posted before the command ended: %v", got)
	}
	close(release)
	c.Wait()
	got := hook.posted()
	if len(got) != 1 {
		t.Fatalf("response_url got %d posts", len(got))
	}
	if got[0]["text"] != "✅ Gemt: visit L-tek mødte Lars" || got[0]["replace_original"] != true || got[0]["response_type"] != "ephemeral" {
		t.Errorf("response_url post %v", got[0])
	}
	// The command ran with a context of its own, not the finished request's.
	if f.deadline < 20*time.Second {
		t.Errorf("slow command had only %v", f.deadline)
	}
}

func TestQuickCommandIsAnsweredInlineOnly(t *testing.T) {
	t.Parallel()
	hook := newResponseURL(t)
	c := slack.NewCommands(MustVerifier(t, testSecret, func() time.Time { return now }), &fakeHandler{}, nil, nil, nil)
	body := slashBody(hook.srv.URL, "L-tek mødte Lars")
	r := decodeReply(t, post(t, c, sign(testSecret, now.Unix(), body), body))
	c.Wait()
	if r.Text != "ok: visit L-tek mødte Lars" || len(hook.posted()) != 0 {
		t.Errorf("reply %+v, response_url posts %d", r, len(hook.posted()))
	}
}
