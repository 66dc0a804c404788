package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
)

const testSecret = "test-signing-secret"

// fakeHandler records every request and answers with reply.
type fakeHandler struct {
	mu       sync.Mutex
	reqs     []bot.Request
	deadline time.Duration // how long the handler's context had left
	reply    func(bot.Request) bot.Message
}

func (f *fakeHandler) Handle(ctx context.Context, req bot.Request) bot.Message {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	if d, ok := ctx.Deadline(); ok {
		f.deadline = time.Until(d)
	}
	f.mu.Unlock()
	if f.reply == nil {
		return fakeAnswer(req)
	}
	return f.reply(req)
}

// fakeAnswer answers as the commands do in outline: a form when one is
// asked for (in English for U0ENGLISH), a refusal with the form when a
// submission leaves a required input empty, else "ok" and what was run.
func fakeAnswer(req bot.Request) bot.Message {
	lang := bot.Danish
	if req.From.User == "U0ENGLISH" {
		lang = bot.English
	}
	switch {
	case req.OpenForm != nil:
		f, _ := bot.NewForm(req.OpenForm.Kind, req.OpenForm.Subject, now, lang)
		return bot.Message{Blocks: []bot.Block{bot.Text{Text: f.Title}}, Form: &f}
	case req.Submit != nil:
		f, _ := bot.NewForm(req.Submit.Form, req.Submit.Subject, now, lang)
		if id, text, missing := f.Missing(req.Submit.Values); missing {
			refilled := f.Refill(req.Submit.Values, text, id)
			return bot.Message{Error: true, Blocks: []bot.Block{bot.Text{Text: "⚠️ " + text}}, Form: &refilled}
		}
		return bot.Reply("ok: " + req.Submit.Form + " " + req.Submit.Subject + " " + req.Submit.Values["date"])
	}
	return bot.Reply("ok: " + req.Text)
}

func (f *fakeHandler) requests() []bot.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Request(nil), f.reqs...)
}

// slashReply is the JSON of a reply as Slack reads it.
type slashReply struct {
	ResponseType string      `json:"response_type"`
	Text         string      `json:"text"`
	Blocks       []jsonBlock `json:"blocks"`
}

// post sends body with header through the real handler, as Slack would.
func post(t *testing.T, h http.Handler, header http.Header, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// now is the clock of the command tests; payloads are signed at it.
var now = time.Date(2026, 9, 1, 8, 30, 0, 0, time.UTC)

func newHandler(t *testing.T, f *fakeHandler, log *slog.Logger) http.Handler {
	t.Helper()
	return slack.CommandHandler(MustVerifier(t, testSecret, func() time.Time { return now }), f, log)
}

func decodeReply(t *testing.T, rec *httptest.ResponseRecorder) slashReply {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, body %q", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	var r slashReply
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("reply %q: %v", rec.Body, err)
	}
	checkLimits(t, r.Blocks)
	return r
}

func TestCommandRefusesUnverified(t *testing.T) {
	t.Parallel()
	vector := vectorBody(t)
	visit := testdata(t, "visit.txt")
	wrong := sign(testSecret, now.Unix(), visit)
	wrong.Set("X-Slack-Signature", sign("other", now.Unix(), visit).Get("X-Slack-Signature"))
	for _, tc := range []struct {
		name   string
		header http.Header
		body   []byte
	}{
		{"vector unsigned", nil, vector},
		{"vector signed with its own secret", vectorHeader(), vector},
		{"vector with the test secret, stale", sign(testSecret, vectorTimestamp, vector), vector},
		{"visit unsigned", nil, visit},
		{"visit wrongly signed", wrong, visit},
		{"visit signed 6 minutes ago", sign(testSecret, now.Add(-6*time.Minute).Unix(), visit), visit},
		{"visit signed 6 minutes ahead", sign(testSecret, now.Add(6*time.Minute).Unix(), visit), visit},
		{"visit changed after signing", sign(testSecret, now.Unix(), visit), bytes.Replace(visit, []byte("lars"), []byte("lise"), 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeHandler{}
			rec := post(t, newHandler(t, f, nil), tc.header, tc.body)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", rec.Code)
			}
			if strings.Contains(rec.Body.String(), "ok:") {
				t.Errorf("body %q", rec.Body)
			}
			if reqs := f.requests(); len(reqs) != 0 {
				t.Errorf("handler called with %+v", reqs)
			}
		})
	}
}

func TestCommandPublishedExampleSigned(t *testing.T) {
	t.Parallel()
	f := &fakeHandler{}
	h := slack.CommandHandler(MustVerifier(t, vectorSecret, fixedClock(time.Minute)), f, nil)
	r := decodeReply(t, post(t, h, vectorHeader(), vectorBody(t)))
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Text != "webhook-collect" || reqs[0].From.User != "U2CERLKJA" {
		t.Fatalf("requests %+v, want one webhook-collect from U2CERLKJA", reqs)
	}
	if r.Text != "ok: webhook-collect" {
		t.Errorf("reply %+v", r)
	}
}

func TestCommandArrivesAsRequest(t *testing.T) {
	t.Parallel()
	from := bot.Identity{Platform: "slack", Team: "T0001", User: "U2147483697"}
	channel := bot.Channel{Platform: "slack", Team: "T0001", ID: "C2147483705"}
	for _, tc := range []struct {
		file, want string
	}{
		{"visit.txt", "visit L-tek mødte lars"},
		{"kontakt-mine.txt", "mine"},
		{"position.txt", "position L-tek 2 svejsere"},
		{"escapes.txt", "visit L-tek & Co mødte lars og @U456 om <2 svejsere> se #svejs https://l-tek.dk"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			f := &fakeHandler{}
			body := testdata(t, tc.file)
			r := decodeReply(t, post(t, newHandler(t, f, nil), sign(testSecret, now.Unix(), body), body))
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("handler called %d times", len(reqs))
			}
			want := bot.Request{From: from, Name: "hanne", Text: tc.want, Channel: channel}
			if reqs[0] != want {
				t.Errorf("request\n got %+v\nwant %+v", reqs[0], want)
			}
			if r.ResponseType != "ephemeral" || r.Text != escapeWant("ok: "+tc.want) {
				t.Errorf("reply %+v", r)
			}
			if d := f.deadline; d <= 0 || d > slack.SlowTimeout {
				t.Errorf("handler had %v left, want at most %v", d, slack.SlowTimeout)
			}
		})
	}
}

func escapeWant(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestCommandReplyVisibility(t *testing.T) {
	t.Parallel()
	f := &fakeHandler{reply: func(req bot.Request) bot.Message {
		return bot.Message{Public: strings.HasPrefix(req.Text, "position"), Blocks: []bot.Block{
			bot.Heading{Text: "Svar"}, bot.Text{Text: req.Text},
			bot.Buttons{Buttons: []bot.Button{{Label: "Mine", Command: "mine", Primary: true}}},
		}}
	}}
	h := newHandler(t, f, nil)
	for file, want := range map[string]string{"position.txt": "in_channel", "kontakt-mine.txt": "ephemeral"} {
		body := testdata(t, file)
		r := decodeReply(t, post(t, h, sign(testSecret, now.Unix(), body), body))
		if r.ResponseType != want || len(r.Blocks) != 3 || r.Blocks[0].Type != "header" || r.Blocks[2].Elements[0]["value"] != "mine" {
			t.Errorf("%s: reply %+v, want %s with header, text and a button", file, r, want)
		}
	}
}

func TestCommandPanicIsAnsweredPolitely(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f := &fakeHandler{reply: func(bot.Request) bot.Message { panic("boom") }}
	body := testdata(t, "visit.txt")
	log := slog.New(slog.NewTextHandler(&logs, nil))
	r := decodeReply(t, post(t, newHandler(t, f, log), sign(testSecret, now.Unix(), body), body))
	if r.ResponseType != "ephemeral" || !strings.HasPrefix(r.Text, "⚠️") || !strings.Contains(r.Text, "intern fejl") {
		t.Errorf("reply %+v, want a private ⚠️ intern fejl", r)
	}
	if !strings.Contains(logs.String(), "panicked") || !strings.Contains(logs.String(), "boom") {
		t.Errorf("log %q does not report the panic", logs.String())
	}
	if strings.Contains(logs.String(), "L-tek") {
		t.Errorf("log %q holds the command's text", logs.String())
	}
}

func TestCommandMethodAndSize(t *testing.T) {
	t.Parallel()
	f := &fakeHandler{}
	h := newHandler(t, f, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/slack/commands", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost {
		t.Errorf("GET: status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	big := append(testdata(t, "visit.txt"), strings.Repeat("+mere", slack.MaxBody/5)...)
	if rec := post(t, h, sign(testSecret, now.Unix(), big), big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("%d bytes: status %d, want 413", len(big), rec.Code)
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("handler called with %+v", reqs)
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ command, text, want string }{
		{"/visit", "L-tek mødte <@U123|lars>", "visit L-tek mødte lars"},
		{"/kontakt", "visit L-tek", "visit L-tek"},
		{"/kontakt", "  ", ""},
		{"/mine", "", "mine"},
		{"/snooze", "12 7d", "snooze 12 7d"},
		{"/webhook-collect", "", "webhook-collect"},
		{"/company", "<@U1|@hanne> &amp;&lt;", "company hanne &<"},
		{"/visit", "&amp;lt;", "visit &lt;"},
		{"/visit", "<#C1> <!here> <!subteam^S1|@lager> <mailto:a@b.dk|a@b.dk> a < b", "visit #C1 @here @lager a@b.dk a < b"},
		{"/visit", "uafsluttet <@U1|lars", "visit uafsluttet <@U1|lars"},
	} {
		if got := slack.CommandLine(tc.command, tc.text); got != tc.want {
			t.Errorf("CommandLine(%q, %q) = %q, want %q", tc.command, tc.text, got, tc.want)
		}
	}
}

func FuzzCommandLine(f *testing.F) {
	f.Add("/visit", "L-tek mødte <@U123|lars> &amp; <#C1|x>")
	f.Add("/kontakt", "<<>>&&amp;<|>")
	f.Fuzz(func(t *testing.T, command, text string) {
		got := slack.CommandLine(command, text)
		if utf8.ValidString(command) && utf8.ValidString(text) && !utf8.ValidString(got) {
			t.Fatalf("CommandLine(%q, %q) = %q, not valid UTF-8", command, text, got)
		}
		if !strings.ContainsAny(text, "<&") && !strings.HasSuffix(got, strings.TrimSpace(text)) {
			t.Fatalf("CommandLine(%q, %q) = %q changed text without escapes", command, text, got)
		}
	})
}
