package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// liveServer is `kontaktbot serve` running in the test, on a free port,
// with its metrics listener on another (metrics, "" when off).
type liveServer struct {
	url     string
	metrics string
	stop    func() error
}

func startServer(t *testing.T, env map[string]string, args ...string) *liveServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	getenv := func(k string) string { return env[k] }
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, args...), getenv, strings.NewReader(""), out, io.Discard)
	}()
	s := &liveServer{}
	var stopped bool
	var result error
	s.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case result = <-done:
			case <-time.After(15 * time.Second):
				t.Fatal("serve did not stop")
			}
		}
		return result
	}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(5 * time.Second)
	for {
		if o := out.String(); strings.Contains(o, "lytter på ") {
			s.url = "http://" + strings.TrimSpace(strings.SplitN(o, "lytter på ", 2)[1])
			// The metrics listener is announced first.
			if _, m, ok := strings.Cut(o, "metrics på "); ok {
				s.metrics, _, _ = strings.Cut(m, "\n")
			}
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended at once: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not start listening")
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeHealthAndGracefulStop(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	s := startServer(t, nil, "--db", db)
	if code, body := get(t, s.url+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, s.url+"/readyz"); code != 200 || body != "ready\n" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	for _, path := range []string{"/", "/privacy", "/terms"} { // the Teams manifest links to them
		if code, body := get(t, s.url+path); code != 200 || !strings.Contains(body, "<h1>kontaktbot") {
			t.Errorf("%s: %d %q", path, code, body)
		}
	}
	if code, _ := get(t, s.url+"/nothing"); code != 404 {
		t.Errorf("/nothing: %d", code)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	// The database was closed: another process may open it at once.
	mustRun(t, "mine\n", nil, "--db", db, "--as", "Hanne")
}

func TestServeRefusesStrayArguments(t *testing.T) {
	t.Parallel()
	if _, _, err := runCmd(t, "", nil, "serve", "--db", filepath.Join(t.TempDir(), "k.db"), "now"); err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Errorf("serve now: %v", err)
	}
}

// slackPost sends a slash command to serve as Slack does, signed with
// secret (or unsigned when secret is empty), and returns the status and body.
func slackPost(t *testing.T, url, secret, command, text string) (int, string) {
	t.Helper()
	form := neturl.Values{"command": {command}, "text": {text}, "team_id": {"T1"}, "user_id": {"U1"},
		"user_name": {"hanne"}, "channel_id": {"D1"}, "response_url": {"http://127.0.0.1:1/unused"}}
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, url+"/slack/commands", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if secret != "" {
		for k, v := range slackSignature(secret, []byte(body)) {
			req.Header[k] = v
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// slackSignature is the headers Slack signs body with, now.
func slackSignature(secret string, body []byte) http.Header {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

func TestServeSlackCommandIsVerifiedStoredAndCounted(t *testing.T) {
	t.Parallel()
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	db := filepath.Join(t.TempDir(), "k.db")
	s := startServer(t, map[string]string{"SLACK_SIGNING_SECRET": secret, "KONTAKTBOT_JOBCENTER": "Jobcenter Odense",
		"SLACK_TEAM_JOBCENTERS": "T1=Jobcenter Sorø; T2=Jobcenter Slagelse"}, "--db", db)

	code, body := slackPost(t, s.url, secret, "/kontakt", "company add Ærø Maskinfabrik cvr 10403782")
	if code != 200 || !strings.Contains(body, "Ærø Maskinfabrik") || !strings.Contains(body, `"response_type":"ephemeral"`) {
		t.Fatalf("company add: %d %s", code, body)
	}
	code, body = slackPost(t, s.url, secret, "/visit", "aeroe mødte Lars om to svejsere")
	if code != 200 || strings.Contains(body, "⚠️") {
		t.Fatalf("/visit: %d %s", code, body)
	}
	// Unsigned and wrongly signed requests are refused before anything runs.
	if code, _ := slackPost(t, s.url, "", "/visit", "aeroe ikke gemt"); code != http.StatusUnauthorized {
		t.Errorf("unsigned: %d", code)
	}
	if code, _ := slackPost(t, s.url, "wrong-secret", "/visit", "aeroe ikke gemt"); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", code)
	}
	_, metrics := get(t, s.metrics)
	for _, want := range []string{`kontaktbot_commands_total{command="visit",outcome="ok"} 1`,
		`kontaktbot_commands_total{command="company add",outcome="ok"} 1`, `kontaktbot_command_duration_seconds_bucket{command="visit"`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		co := mustCompany(t, ctx, d, "Ærø Maskinfabrik")
		cs := mustContacts(t, ctx, d, co.ID)
		if len(cs) != 1 || cs[0].Note != "mødte Lars om to svejsere" {
			t.Errorf("contacts: %+v", cs)
		}
		p, err := d.ConsultantByIdentity(ctx, bot.Identity{Platform: "slack", Team: "T1", User: "U1"})
		if err != nil || p.Name != "hanne" {
			t.Errorf("consultant: %+v %v", p, err)
		}
		if j, err := d.Jobcenter(ctx, p.JobcenterID); err != nil || j.Name != "Jobcenter Sorø" {
			t.Errorf("jobcenter of a newcomer from T1: %+v %v", j, err)
		}
	})
}

func TestServeRefusesABadTeamMap(t *testing.T) {
	t.Parallel()
	_, _, err := runCmd(t, "", map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_TEAM_JOBCENTERS": "T1 Jobcenter Sorø"},
		"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db"))
	if err == nil || !strings.Contains(err.Error(), "SLACK_TEAM_JOBCENTERS") {
		t.Errorf("err = %v", err)
	}
}

// TestServeAnnouncesInSlack: with a bot token, an open position is posted
// to the jobcenter's Slack channel through Slack's Web API (slacktest,
// recording chat.postMessage).
func TestServeAnnouncesInSlack(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var posts []neturl.Values
	// slacktest's Web API, with our recorders bound over the two methods
	// this needs (a Binder takes a method before slacktest's defaults do).
	fake := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/users.info", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"real_name":"Hanne Jensen"}}`, r.Form.Get("user"))
		})
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			if r.Header.Get("Authorization") != "Bearer xoxb-test" && r.Form.Get("token") != "xoxb-test" {
				fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
				return
			}
			mu.Lock()
			posts = append(posts, r.Form)
			mu.Unlock()
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000100"}`, r.Form.Get("channel"))
		})
	})
	fake.Start()
	defer fake.Stop()
	const secret = "s3cret"
	s := startServer(t, map[string]string{"SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": "xoxb-test",
		"SLACK_API_URL": fake.GetAPIURL(), "SLACK_TEAM_JOBCENTERS": "T1", "KONTAKTBOT_ADMINS": "U1"}, "--db", filepath.Join(t.TempDir(), "k.db"))
	for _, line := range []string{"company add Ærø Maskinfabrik", "kanal stillinger", "stilling Ærø Maskinfabrik svejser antal 2"} {
		code, body := slackPost(t, s.url, secret, "/kontakt", line)
		t.Logf("%s -> %s", line, body)
		if code != 200 || strings.Contains(body, "⚠️") {
			t.Fatalf("%s: %d %s", line, code, body)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 || posts[0].Get("channel") != "D1" || !strings.Contains(posts[0].Get("text"), "svejser") ||
		!strings.Contains(posts[0].Get("text"), "Hanne Jensen") {
		t.Errorf("posts to Slack (the contact named by users.info): %v", posts)
	}
}
