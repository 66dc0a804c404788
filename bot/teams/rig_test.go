package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// testClock is a clock a test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rig is the real /api/messages handler with our Validator and Client
// against the fake Bot Framework (teamstest: OpenID metadata and keys, a
// token endpoint, the /v3/conversations routes), the real commands and a
// real bbolt file, at the tests' clock.
type rig struct {
	db      *storage.DB
	h       http.Handler
	bf      *teamstest.Connector
	auth    *teamstest.Auth
	v       *teams.Validator
	client  *teams.Client
	clock   bot.Clock
	logs    *syncBuffer // what the handler and client logged, as text
	outside *outside    // the client's requests to hosts other than the fakes
	// newHandler builds a handler as newRigOpts built h.
	newHandler func(tb testing.TB, conn teams.Connector) http.Handler
}

func newRig(t testing.TB) *rig { return newRigOpts(t, rigOptions{}) }

// newRigWith checks tokens with authn instead of the Validator when it is
// not nil: for the fuzz target, whose bodies carry no service URL a token
// could name.
func newRigWith(t testing.TB, authn teams.Authenticator) *rig {
	return newRigOpts(t, rigOptions{authn: authn})
}

// rigOptions change the rig; the zero value is the real thing.
type rigOptions struct {
	authn teams.Authenticator // checks tokens instead of the Validator
	// commands wraps the real commands, e.g. to make them panic.
	commands func(teams.Handler) teams.Handler
	// seen wraps the file as the handler's ActivityLog, e.g. to count
	// its calls.
	seen func(teams.ActivityLog) teams.ActivityLog
}

func newRigOpts(t testing.TB, o rigOptions) *rig {
	t.Helper()
	r := &rig{clock: bot.ClockFunc(func() time.Time { return testNow }), logs: &syncBuffer{}, outside: &outside{}}
	var err error
	if r.db, err = storage.Open(filepath.Join(t.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: r.clock}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	r.bf = teamstest.NewConnector(t, teamstest.ConnectorConfig{})
	r.auth = teamstest.NewAuth(t, teamstest.AuthOptions{AppID: "app-id-1", ServiceURL: r.bf.URL, Now: testNow})
	r.v = mustValidator(t, r.auth.MetadataURL, r.clock)
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if r.client, err = teams.NewClient(teams.ClientConfig{AppID: r.bf.AppID, AppPassword: r.bf.AppPassword, TokenURL: r.bf.TokenURL,
		Clock: r.clock, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		HTTPClient: &http.Client{Transport: r.outside}, ServiceURLs: allowed(t, r.bf.URL), Logger: log}); err != nil {
		t.Fatal(err)
	}
	var a teams.Authenticator = r.v
	if o.authn != nil {
		a = o.authn
	}
	var cmds teams.Handler = commands.New(r.db, commands.Config{Clock: r.clock})
	if o.commands != nil {
		cmds = o.commands(cmds)
	}
	var seen teams.ActivityLog = r.db
	if o.seen != nil {
		seen = o.seen(seen)
	}
	r.newHandler = func(tb testing.TB, conn teams.Connector) http.Handler {
		h, err := teams.NewHandler(teams.HandlerConfig{
			AppID: "app-id-1", Validator: a, Connector: conn, Commands: cmds,
			Store: r.db, Seen: seen, Clock: r.clock, Jobcenters: map[string]string{"tenant-1": "Jobcenter Sorø"},
			ServiceURLs: allowed(tb, r.bf.URL), Logger: log,
		})
		if err != nil {
			tb.Fatal(err)
		}
		return h
	}
	r.h = r.newHandler(t, r.client)
	return r
}

// handler is a new handler on the rig's file, validator and commands, as
// after a restart, sending through conn.
func (r *rig) handler(tb testing.TB, conn teams.Connector) http.Handler {
	return r.newHandler(tb, conn)
}

// outside is the rig's client transport: requests to loopback hosts (the
// fakes) go through; any other is not sent anywhere but counted, with the
// Authorization headers it carried, and answered 200 as a connector would,
// so that a token leak would look like success to the client.
type outside struct {
	mu          sync.Mutex
	requests    []string // the URLs asked for
	authHeaders int
}

func (o *outside) RoundTrip(req *http.Request) (*http.Response, error) {
	if h := req.URL.Hostname(); h == "127.0.0.1" || h == "::1" || h == "localhost" {
		return http.DefaultTransport.RoundTrip(req)
	}
	o.mu.Lock()
	o.requests = append(o.requests, req.URL.String())
	if req.Header.Get("Authorization") != "" {
		o.authHeaders++
	}
	o.mu.Unlock()
	if req.Body != nil {
		req.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"id":"1:outside"}`)), Request: req}, nil
}

// seen returns the outside requests and how many carried a token.
func (o *outside) seen() ([]string, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.requests), o.authHeaders
}

// syncBuffer is a log sink safe for the handler's and the test's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// allowed is the service URL allow-list with the fake connectors' loopback
// URLs added, as BOTFRAMEWORK_SERVICE_URLS adds them in a deployment.
func allowed(tb testing.TB, urls ...string) *teams.ServiceURLs {
	tb.Helper()
	s, err := teams.NewServiceURLs(strings.Join(urls, ","))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// good is the Authorization header of a valid Bot Framework token for
// the rig's service URL.
func (r *rig) good() string { return r.auth.Header(teamstest.TokenValid) }

// post sends act, from the rig's service URL, with the header as
// Authorization ("" for none).
func (r *rig) post(t *testing.T, header string, act map[string]any) int {
	t.Helper()
	act["serviceUrl"] = r.bf.URL
	b, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	return r.postRaw(header, b)
}

// postText posts a personal message with the text.
func (r *rig) postText(t *testing.T, header, text string) int {
	t.Helper()
	return r.post(t, header, personal(t, text))
}

func (r *rig) postRaw(header string, b []byte) int {
	req := httptest.NewRequest(http.MethodPost, "/api/messages", bytes.NewReader(b))
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	return w.Code
}

// sent is every activity the connector accepted (sent or updated), in order.
func (r *rig) sent() []teamstest.ConnectorCall {
	var out []teamstest.ConnectorCall
	for _, c := range r.bf.Calls() {
		if (c.Route == teamstest.RouteSend || c.Route == teamstest.RouteUpdate) && c.Status < 300 {
			out = append(out, c)
		}
	}
	return out
}

// last is the card of the last activity the connector accepted, as JSON.
func (r *rig) last(t *testing.T) string {
	t.Helper()
	sent := r.sent()
	if len(sent) == 0 || len(sent[len(sent)-1].Activity.Attachments) == 0 {
		t.Fatal("no card sent")
	}
	b, _ := json.Marshal(sent[len(sent)-1].Activity.Attachments[0].Content)
	return string(b)
}

var activityIDs atomic.Int64

// personal is the personal message of testdata as Teams sends it, with the
// text and an activity id of its own (Teams never repeats one, except to
// deliver the same activity again).
func personal(t *testing.T, text string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/message-personal.json")
	if err != nil {
		t.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(b, &act); err != nil {
		t.Fatal(err)
	}
	act["text"] = text
	act["id"] = "1763885" + strconv.FormatInt(activityIDs.Add(1), 10)
	return act
}
