package main

import (
	"context"
	"io"
	"net/http"
	neturl "net/url"
	"path/filepath"
	"strings"
	"testing"

	"kontaktbot/storage"
)

// postSigned posts a slash command's body with the given signature
// headers, as Slack (or someone who captured its request) sends it.
func postSigned(t *testing.T, url string, header http.Header, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/slack/commands", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
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

// TestServeSlackReplayRunsOnce: a signed /visit captured and sent again
// while its timestamp is fresh is stored once, also when serve restarted
// in between.
func TestServeSlackReplayRunsOnce(t *testing.T) {
	t.Parallel()
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	db := filepath.Join(t.TempDir(), "k.db")
	env := map[string]string{"SLACK_SIGNING_SECRET": secret, "KONTAKTBOT_JOBCENTER": "Jobcenter Odense", "SLACK_TEAM_JOBCENTERS": "T1"}
	s := startServer(t, env, "--db", db)
	if code, body := slackPost(t, s.url, secret, "/kontakt", "company add Ærø Maskinfabrik"); code != 200 || !strings.Contains(body, "Ærø") {
		t.Fatalf("company add: %d %s", code, body)
	}
	visit := neturl.Values{"command": {"/visit"}, "text": {"aeroe mødte Lars"}, "team_id": {"T1"}, "user_id": {"U1"},
		"user_name": {"hanne"}, "channel_id": {"D1"}, "trigger_id": {"13345224609.738474920.8088930838d88f008e0"},
		"response_url": {"http://127.0.0.1:1/unused"}}.Encode()
	captured := slackSignature(secret, []byte(visit))
	if code, body := postSigned(t, s.url, captured, visit); code != 200 || body == "" || strings.Contains(body, "⚠️") {
		t.Fatalf("/visit: %d %s", code, body)
	}
	if code, body := postSigned(t, s.url, captured, visit); code != 200 || body != "" {
		t.Fatalf("replay: %d %q, want 200 and nothing", code, body)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	s = startServer(t, env, "--db", db)
	if code, body := postSigned(t, s.url, captured, visit); code != 200 || body != "" {
		t.Fatalf("replay after a restart: %d %q, want 200 and nothing", code, body)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		co := mustCompany(t, ctx, d, "Ærø Maskinfabrik")
		if cs := mustContacts(t, ctx, d, co.ID); len(cs) != 1 {
			t.Errorf("%d contacts stored from one signed /visit, want 1: %+v", len(cs), cs)
		}
	})
}
