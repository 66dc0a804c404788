package teams_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/connector/client"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
	"kontaktbot/storage"
)

// clientSleeps records the waits the Client asks for, without waiting.
type clientSleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *clientSleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *clientSleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ds)
}

// clientMetrics counts PlatformCall by "platform method outcome".
type clientMetrics struct {
	mu sync.Mutex
	n  map[string]int
}

func (m *clientMetrics) Command(string, string, time.Duration) {}
func (m *clientMetrics) Delivery(bot.JobKind, string)          {}
func (m *clientMetrics) PlatformCall(platform, method, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[platform+" "+method+" "+outcome]++
}

func (m *clientMetrics) get(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[key]
}

type clientRig struct {
	fake    *teamstest.Connector
	client  *teams.Client
	clock   *testClock
	sleeps  *clientSleeps
	metrics *clientMetrics
}

// newClientRig returns a Client on a fake Bot Framework; edit, when not
// nil, changes the config first.
func newClientRig(tb testing.TB, edit func(*teams.ClientConfig)) *clientRig {
	tb.Helper()
	r := &clientRig{
		fake:  teamstest.NewConnector(tb, teamstest.ConnectorConfig{}),
		clock: &testClock{t: testNow}, sleeps: &clientSleeps{}, metrics: &clientMetrics{},
	}
	cfg := teams.ClientConfig{
		AppID: r.fake.AppID, AppPassword: r.fake.AppPassword, TokenURL: r.fake.TokenURL,
		Clock: r.clock, Sleep: r.sleeps.sleep, Metrics: r.metrics, ServiceURLs: allowed(tb, r.fake.URL),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := teams.NewClient(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	r.client = c
	return r
}

func (r *clientRig) send(t *testing.T, conv string) (string, error) {
	t.Helper()
	return r.client.Send(context.Background(), r.fake.URL, conv, schema.Activity{Type: schema.Message, Text: "hej"})
}

func (r *clientRig) lastCall(t *testing.T) teamstest.ConnectorCall {
	t.Helper()
	calls := r.fake.Calls()
	if len(calls) == 0 {
		t.Fatal("no connector calls")
	}
	return calls[len(calls)-1]
}

func TestNewClientRequires(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: testNow}
	for name, cfg := range map[string]teams.ClientConfig{
		"no app id":    {AppPassword: "p", Clock: clock},
		"no password":  {AppID: "a", Clock: clock},
		"no clock":     {AppID: "a", AppPassword: "p"},
		"bad tokenurl": {AppID: "a", AppPassword: "p", Clock: clock, TokenURL: "login.example/token"},
	} {
		if _, err := teams.NewClient(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if got, want := teams.TokenURL(""), "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"; got != want {
		t.Errorf("TokenURL(\"\") = %q, want %q", got, want)
	}
	if got, want := teams.TokenURL("tenant-1"), "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token"; got != want {
		t.Errorf("TokenURL(tenant) = %q, want %q", got, want)
	}
}

func TestClientTokenSharedByConcurrentSends(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	start := make(chan struct{})
	var wg sync.WaitGroup
	ids := make([]string, 32)
	for i := range ids {
		wg.Go(func() {
			<-start
			id, err := r.send(t, fmt.Sprintf("a:conv-%d", i))
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		})
	}
	close(start)
	wg.Wait()
	if n := r.fake.TokenFetches(); n != 1 {
		t.Errorf("token fetched %d times for 32 sends, want 1", n)
	}
	calls := r.fake.Calls()
	if len(calls) != 32 {
		t.Fatalf("%d calls, want 32", len(calls))
	}
	for _, c := range calls {
		if c.Token != calls[0].Token || c.Status != http.StatusOK {
			t.Errorf("call %s: token %q status %d", c.Path, c.Token, c.Status)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 32 || ids[0] == "" {
		t.Errorf("ids not distinct: %v", ids)
	}
	if got := r.metrics.get("teams token ok"); got != 1 {
		t.Errorf("token ok counted %d, want 1", got)
	}
	if got := r.metrics.get("teams send ok"); got != 32 {
		t.Errorf("send ok counted %d, want 32", got)
	}
}

func TestClientTokenRefreshedEarly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		life         time.Duration
		before, past time.Duration // since the fetch: still cached, refetched
	}{
		{"one hour", time.Hour, 54 * time.Minute, 55*time.Minute + time.Second},
		{"short", 10 * time.Minute, 4*time.Minute + 59*time.Second, 5*time.Minute + time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &clientRig{clock: &testClock{t: testNow}, sleeps: &clientSleeps{}}
			r.fake = teamstest.NewConnector(t, teamstest.ConnectorConfig{TokenLife: tc.life})
			c, err := teams.NewClient(teams.ClientConfig{AppID: "app-id", AppPassword: "app-secret",
				TokenURL: r.fake.TokenURL, Clock: r.clock, Sleep: r.sleeps.sleep, ServiceURLs: allowed(t, r.fake.URL)})
			if err != nil {
				t.Fatal(err)
			}
			r.client = c
			mustSend(t, r)
			r.clock.advance(tc.before)
			mustSend(t, r)
			if n := r.fake.TokenFetches(); n != 1 {
				t.Fatalf("after %v: %d fetches, want 1", tc.before, n)
			}
			r.clock.advance(tc.past - tc.before)
			mustSend(t, r)
			if n := r.fake.TokenFetches(); n != 2 {
				t.Fatalf("after %v: %d fetches, want 2", tc.past, n)
			}
			calls := r.fake.Calls()
			if calls[1].Token != calls[0].Token || calls[2].Token == calls[1].Token {
				t.Errorf("tokens used: %q %q %q", calls[0].Token, calls[1].Token, calls[2].Token)
			}
		})
	}
}

func mustSend(t *testing.T, r *clientRig) string {
	t.Helper()
	id, err := r.send(t, "a:conv")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestClientTokenFailureNotCached(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	r.fake.FailToken(1, http.StatusInternalServerError)
	_, err := r.send(t, "a:conv")
	if err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "InjectedFailure") {
		t.Fatalf("err = %v, want the status and body of the token answer", err)
	}
	if n := len(r.fake.Calls()); n != 0 {
		t.Fatalf("%d connector calls without a token", n)
	}
	mustSend(t, r)
	if n := r.fake.TokenFetches(); n != 2 {
		t.Errorf("%d fetches, want 2 (failure not cached)", n)
	}
	if r.metrics.get("teams token error") != 1 || r.metrics.get("teams token ok") != 1 {
		t.Errorf("metrics: %v", r.metrics.n)
	}
}

func TestClientTokenTransientFailureRetried(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	r.fake.FailToken(2, http.StatusServiceUnavailable)
	mustSend(t, r)
	if n := r.fake.TokenFetches(); n != 3 {
		t.Errorf("%d fetches, want 3", n)
	}
	if got, want := r.sleeps.got(), []time.Duration{time.Second, 2 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("sleeps %v, want %v", got, want)
	}
}

func TestClientBadCredentials(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, func(c *teams.ClientConfig) { c.AppPassword = "wrong" })
	_, err := r.send(t, "a:conv")
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("err = %v, want 401 invalid_client", err)
	}
	if n := r.fake.TokenFetches(); n != 1 || len(r.sleeps.got()) != 0 {
		t.Errorf("%d fetches, sleeps %v: bad credentials must not be retried", n, r.sleeps.got())
	}
}

func TestClientTokenEndpointBroken(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "<html>Service down for maintenance</html>")
	}))
	defer garbage.Close()
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"token_type":"Bearer","expires_in":3599}`)
	}))
	defer empty.Close()
	for name, tc := range map[string]struct{ url, want string }{
		"unreachable": {closed.URL + "/token", "token"},
		"garbage":     {garbage.URL, "not a token"},
		"no token":    {empty.URL, "no bearer token"},
	} {
		r := newClientRig(t, func(c *teams.ClientConfig) { c.TokenURL = tc.url })
		_, err := r.send(t, "a:conv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
		if len(r.fake.Calls()) != 0 {
			t.Errorf("%s: connector called without a token", name)
		}
	}
}

func TestClientTokenHangs(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	r.fake.HangToken(true)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := r.client.Send(ctx, r.fake.URL, "a:conv", schema.Activity{Type: schema.Message})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
}

func TestClientRetryAfter(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	r.fake.Fail(teamstest.RouteSend, 2, http.StatusTooManyRequests, "3")
	id := mustSend(t, r)
	if got, want := r.sleeps.got(), []time.Duration{3 * time.Second, 3 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("sleeps %v, want %v", got, want)
	}
	if calls := r.fake.Calls(); len(calls) != 3 || calls[2].ID != id {
		t.Errorf("%d calls, id %q", len(calls), id)
	}
	if r.metrics.get("teams send ratelimited") != 2 || r.metrics.get("teams send ok") != 1 {
		t.Errorf("metrics: %v", r.metrics.n)
	}

	r = newClientRig(t, nil)
	r.fake.Fail(teamstest.RouteSend, 1, http.StatusTooManyRequests, testNow.Add(7*time.Second).Format(http.TimeFormat))
	mustSend(t, r)
	if got, want := r.sleeps.got(), []time.Duration{7 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("HTTP-date Retry-After: sleeps %v, want %v", got, want)
	}
}

func TestClientRateLimitedGivesUp(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	r.fake.Fail(teamstest.RouteSend, 10, http.StatusTooManyRequests, "")
	_, err := r.send(t, "a:conv")
	var ra *bot.RetryAfterError
	if !errors.As(err, &ra) || ra.After != 8*time.Second {
		t.Fatalf("err = %v, want a RetryAfterError after 8s", err)
	}
	if got, want := r.sleeps.got(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("sleeps %v, want %v", got, want)
	}
	if n := len(r.fake.Calls()); n != 4 {
		t.Errorf("%d calls, want 4", n)
	}

	// A wait longer than MaxBackoff is left to the outbox at once.
	r = newClientRig(t, nil)
	r.fake.Fail(teamstest.RouteSend, 1, http.StatusTooManyRequests, "120")
	_, err = r.send(t, "a:conv")
	if after, ok := bot.RetryAfter(err); !ok || after != 2*time.Minute {
		t.Fatalf("err = %v, want RetryAfter 2m", err)
	}
	if n := len(r.fake.Calls()); n != 1 || len(r.sleeps.got()) != 0 {
		t.Errorf("%d calls, sleeps %v", n, r.sleeps.got())
	}
}

func TestClientRetriesTransientStatus(t *testing.T) {
	t.Parallel()
	for _, status := range []int{412, 502, 503, 504} {
		r := newClientRig(t, nil)
		r.fake.Fail(teamstest.RouteSend, 3, status, "")
		if _, err := r.send(t, "a:conv"); err != nil {
			t.Errorf("%d: %v", status, err)
			continue
		}
		if got, want := r.sleeps.got(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(got, want) {
			t.Errorf("%d: sleeps %v, want %v", status, got, want)
		}
		if n := len(r.fake.Calls()); n != 4 {
			t.Errorf("%d: %d calls, want 4", status, n)
		}
	}
}

func TestClientStatusNotRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status  int
		refused bool
	}{{400, false}, {500, false}, {403, true}, {404, true}} {
		r := newClientRig(t, nil)
		r.fake.Fail(teamstest.RouteSend, 5, tc.status, "")
		_, err := r.send(t, "a:conv")
		if err == nil || !strings.Contains(err.Error(), fmt.Sprint(tc.status)) || !strings.Contains(err.Error(), "InjectedFailure") {
			t.Errorf("%d: err = %v, want status and body", tc.status, err)
		}
		if errors.Is(err, teams.ErrRefused) != tc.refused {
			t.Errorf("%d: errors.Is(ErrRefused) = %v", tc.status, !tc.refused)
		}
		if n := len(r.fake.Calls()); n != 1 || len(r.sleeps.got()) != 0 {
			t.Errorf("%d: %d calls, sleeps %v; want no retry", tc.status, n, r.sleeps.got())
		}
	}
}

func TestClientTransportErrorRetried(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	r := newClientRig(t, func(c *teams.ClientConfig) { c.ServiceURLs = allowed(t, down.URL) })
	_, err := r.client.Send(context.Background(), down.URL, "a:conv", schema.Activity{Type: schema.Message})
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if n := len(r.sleeps.got()); n != 3 {
		t.Errorf("%d sleeps, want 3", n)
	}
	if r.metrics.get("teams send error") != 4 {
		t.Errorf("metrics: %v", r.metrics.n)
	}
}

func TestClientContextStopsRetries(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newClientRig(t, func(c *teams.ClientConfig) {
		c.Sleep = func(ctx context.Context, _ time.Duration) error {
			cancel()
			return ctx.Err()
		}
	})
	r.fake.Fail(teamstest.RouteSend, 10, http.StatusServiceUnavailable, "")
	_, err := r.client.Send(ctx, r.fake.URL, "a:conv", schema.Activity{Type: schema.Message})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(r.fake.Calls()); n != 1 {
		t.Errorf("%d calls after cancel, want 1", n)
	}
	if _, err := r.client.Send(ctx, r.fake.URL, "a:conv", schema.Activity{Type: schema.Message}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if n := len(r.fake.Calls()); n != 1 {
		t.Errorf("%d calls with a cancelled context, want 1", n)
	}
}

func TestClientUnauthorizedRefreshesOnce(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	mustSend(t, r)
	r.fake.RevokeTokens()
	mustSend(t, r)
	calls := r.fake.Calls()
	if n := r.fake.TokenFetches(); n != 2 || len(calls) != 3 || calls[1].Status != 401 || calls[2].Token == calls[0].Token {
		t.Fatalf("fetches %d, calls %+v", n, calls)
	}
	if len(r.sleeps.got()) != 0 {
		t.Errorf("slept %v before the refresh", r.sleeps.got())
	}

	r = newClientRig(t, nil)
	r.fake.Fail(teamstest.RouteSend, 5, http.StatusUnauthorized, "")
	if _, err := r.send(t, "a:conv"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v, want 401", err)
	}
	if n, calls := r.fake.TokenFetches(), len(r.fake.Calls()); n != 2 || calls != 2 {
		t.Errorf("a lasting 401: %d fetches, %d calls; want 2 and 2", n, calls)
	}
}

func TestClientSendUpdateDeletePaths(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	ctx := context.Background()
	conv := "19:abc@thread.tacv2;messageid=1763885112345"
	escaped := "19%3Aabc%40thread.tacv2%3Bmessageid%3D1763885112345"
	id, err := r.client.Send(ctx, r.fake.URL+"/", conv, schema.Activity{Type: schema.Message, Text: "hej"})
	if err != nil {
		t.Fatal(err)
	}
	sent := r.lastCall(t)
	if sent.ID != id || id == "" {
		t.Fatalf("id %q, fake issued %q", id, sent.ID)
	}
	if want := "/v3/conversations/" + escaped + "/activities"; sent.Path != want || sent.ConversationID != conv {
		t.Errorf("send path %q (conv %q), want %q", sent.Path, sent.ConversationID, want)
	}
	if sent.Method != http.MethodPost || sent.ContentType != "application/json" {
		t.Errorf("send: %s, Content-Type %q", sent.Method, sent.ContentType)
	}
	if err := r.client.Update(ctx, r.fake.URL, conv, id, schema.Activity{Type: schema.Message, ID: id, Text: "rettet"}); err != nil {
		t.Fatal(err)
	}
	up := r.lastCall(t)
	if want := "/v3/conversations/" + escaped + "/activities/" + strings.ReplaceAll(id, ":", "%3A"); up.Path != want ||
		up.Route != teamstest.RouteUpdate || up.ActivityID != id || up.Activity.Text != "rettet" {
		t.Errorf("update: %s %q (activity %q, text %q), want PUT %q", up.Method, up.Path, up.ActivityID, up.Activity.Text, want)
	}
	if err := r.client.DeleteActivity(ctx, r.fake.URL, conv, id); err != nil {
		t.Fatal(err)
	}
	if del := r.lastCall(t); del.Route != teamstest.RouteDelete || del.ActivityID != id || del.ConversationID != conv {
		t.Errorf("delete: %+v", del)
	}
	r.fake.Fail(teamstest.RouteUpdate, 1, http.StatusNotFound, "")
	if err := r.client.Update(ctx, r.fake.URL, conv, id, schema.Activity{Type: schema.Message}); !errors.Is(err, teams.ErrRefused) {
		t.Errorf("update 404: err = %v, want ErrRefused", err)
	}
}

// TestClientActivityJSONUnchanged: what the fake receives decodes to the
// very activity the library's own encoding gives, field for field, but
// without the zero timestamps and empty objects that encoding carries.
func TestClientActivityJSONUnchanged(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	act := schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{{
		ContentType: "application/vnd.microsoft.card.adaptive", Content: teams.Card(nudge()),
	}}}
	act.Conversation.TenantID = "tenant-1" // a non-zero nested field is kept
	if _, err := r.client.Send(context.Background(), r.fake.URL, "a:conv", act); err != nil {
		t.Fatal(err)
	}
	lib, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	body := r.lastCall(t).Body
	var got, want schema.Activity
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(lib, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fake received\n%s\nwhich decodes unlike the library's\n%s", body, lib)
	}
	for _, zero := range []string{"0001-01-01", `"from"`, `"relatesTo"`, `"semanticAction"`} {
		if strings.Contains(string(body), zero) {
			t.Errorf("body carries %s:\n%s", zero, body)
		}
	}
	if !strings.Contains(string(body), "L-tek") || !strings.Contains(string(body), `"tenantId":"tenant-1"`) {
		t.Errorf("card text or tenant missing:\n%s", body)
	}
}

func TestClientCreateConversation(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	p := schema.ConversationParameters{
		Bot: schema.ChannelAccount{ID: "28:app-id"}, Members: []schema.ChannelAccount{{ID: "29:1abc", AadObjectID: "aad-mette"}},
		TenantID: "tenant-1", ChannelData: map[string]any{"tenant": map[string]any{"id": "tenant-1"}},
	}
	id, err := r.client.CreateConversation(context.Background(), r.fake.URL, p)
	if err != nil {
		t.Fatal(err)
	}
	c := r.lastCall(t)
	if c.Route != teamstest.RouteCreate || c.Path != "/v3/conversations" || c.ID != id || id == "" {
		t.Fatalf("create: %+v, id %q", c, id)
	}
	if c.Params.TenantID != "tenant-1" || len(c.Params.Members) != 1 || c.Params.Members[0].AadObjectID != "aad-mette" {
		t.Errorf("params received: %+v", c.Params)
	}
	if r.metrics.get("teams create ok") != 1 {
		t.Errorf("metrics: %v", r.metrics.n)
	}
}

// libraryClient is msbotbuilder-go's connector/client.Client.
type libraryClient = client.Client

func TestClientLibraryInterface(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	var lib libraryClient = r.client
	base, err := url.Parse(r.fake.URL + "/v3/conversations/a%3Aconv/activities/1%3Areply")
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Post(*base, schema.Activity{Type: schema.Message, Text: "svar"}); err != nil {
		t.Fatal(err)
	}
	if c := r.lastCall(t); c.Route != teamstest.RouteSend || c.ConversationID != "a:conv" || c.ActivityID != "1:reply" || c.Activity.Text != "svar" {
		t.Errorf("post: %+v", c)
	}
	if err := lib.Put(*base, schema.Activity{Type: schema.Message, Text: "nyt"}); err != nil {
		t.Fatal(err)
	}
	if c := r.lastCall(t); c.Route != teamstest.RouteUpdate || c.ActivityID != "1:reply" || c.Activity.Text != "nyt" {
		t.Errorf("put: %+v", c)
	}
	if err := lib.Delete(*base, schema.Activity{}); err != nil {
		t.Fatal(err)
	}
	if c := r.lastCall(t); c.Route != teamstest.RouteDelete || c.ActivityID != "1:reply" {
		t.Errorf("delete: %+v", c)
	}
	r.fake.Fail(teamstest.RouteSend, 1, http.StatusForbidden, "")
	if err := lib.Post(*base, schema.Activity{Type: schema.Message}); !errors.Is(err, teams.ErrRefused) {
		t.Errorf("post 403: err = %v, want ErrRefused", err)
	}
}

func TestClientNotifierSendsAndUpdates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newClientRig(t, nil)
	db, err := storage.Open(filepath.Join(t.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: r.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	channel := teams.ConversationRef{ServiceURL: r.fake.URL + "/", ConversationID: "19:chan@thread.tacv2", TenantID: "tenant-1",
		ChannelID: "msteams", BotID: "28:app-id", Type: teams.Channel}
	data, err := json.Marshal(channel)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutConversation(ctx, channel.Key(), data); err != nil {
		t.Fatal(err)
	}
	n := teams.NewNotifier(r.client, db, r.clock, nil)
	mette := bot.Consultant{Name: "Mette", Identities: []bot.Identity{{Platform: "teams", Team: "tenant-1", User: "aad-mette"}}}
	rc, err := n.SendToPerson(ctx, mette, nudge())
	if err != nil {
		t.Fatal(err)
	}
	calls := r.fake.Calls()
	if len(calls) != 2 || calls[0].Route != teamstest.RouteCreate || calls[1].Route != teamstest.RouteSend {
		t.Fatalf("calls: %+v", calls)
	}
	if calls[0].Params.TenantID != "tenant-1" || calls[0].Params.Members[0].AadObjectID != "aad-mette" {
		t.Errorf("create params: %+v", calls[0].Params)
	}
	if rc.Channel.ID != calls[0].ID || calls[1].ConversationID != calls[0].ID || rc.MessageID != calls[1].ID {
		t.Errorf("receipt %+v; created %q, sent %q into %q", rc, calls[0].ID, calls[1].ID, calls[1].ConversationID)
	}
	if _, err := db.Conversation(ctx, teams.PersonKey("tenant-1", "aad-mette")); err != nil {
		t.Errorf("personal chat not stored: %v", err)
	}
	if _, err := n.UpdateMessage(ctx, rc, bot.Reply("Stillingen er besat")); err != nil {
		t.Fatal(err)
	}
	up := r.lastCall(t)
	if up.Route != teamstest.RouteUpdate || up.ConversationID != rc.Channel.ID || up.ActivityID != rc.MessageID {
		t.Fatalf("update: %+v", up)
	}
	if len(up.Activity.Attachments) != 1 || !strings.Contains(string(up.Body), "besat") || up.Activity.ID != rc.MessageID {
		t.Errorf("update body: %s", up.Body)
	}
	if n := r.fake.TokenFetches(); n != 1 {
		t.Errorf("%d token fetches, want 1", n)
	}
}

func BenchmarkSend(b *testing.B) {
	r := newClientRig(b, nil)
	ctx := context.Background()
	act := schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{{
		ContentType: "application/vnd.microsoft.card.adaptive", Content: teams.Card(nudge()),
	}}}
	if _, err := r.client.Send(ctx, r.fake.URL, "a:conv", act); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.client.Send(ctx, r.fake.URL, "a:conv", act); err != nil {
			b.Fatal(err)
		}
	}
}

func TestClientRefusesBadAddress(t *testing.T) {
	t.Parallel()
	r := newClientRig(t, nil)
	ctx := context.Background()
	act := schema.Activity{Type: schema.Message}
	if _, err := r.client.Send(ctx, r.fake.URL, "", act); err == nil {
		t.Error("send without conversation id: no error")
	}
	if err := r.client.Update(ctx, r.fake.URL, "a:conv", "", act); err == nil {
		t.Error("update without activity id: no error")
	}
	if _, err := r.client.Send(ctx, "smba.trafficmanager.net/emea", "a:conv", act); err == nil {
		t.Error("service url without scheme: no error")
	}
	if n, s := len(r.fake.Calls()), len(r.sleeps.got()); n != 0 || s != 0 || r.fake.TokenFetches() != 0 {
		t.Errorf("%d calls, %d sleeps, %d fetches for bad addresses", n, s, r.fake.TokenFetches())
	}
}
