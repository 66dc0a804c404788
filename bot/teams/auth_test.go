package teams_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/connector/auth"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
)

var authNow = testNow

func newAuthFake(tb testing.TB) (*teamstest.Auth, *testClock) {
	tb.Helper()
	return teamstest.NewAuth(tb, teamstest.AuthOptions{AppID: "app-id-1", Now: authNow}), &testClock{t: authNow}
}

func mustValidator(tb testing.TB, metadataURL string, clock bot.Clock) *teams.Validator {
	tb.Helper()
	v, err := teams.NewValidator(teams.ValidatorConfig{AppID: "app-id-1", MetadataURL: metadataURL, Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// teamsActivity is what the Validator reads of an incoming activity.
func teamsActivity(a *teamstest.Auth) schema.Activity {
	return schema.Activity{Type: schema.Message, ChannelID: "msteams", ServiceURL: a.ServiceURL}
}

func wantFetches(t *testing.T, v *teams.Validator, a *teamstest.Auth, meta, keys int) {
	t.Helper()
	if m, k := v.Fetches(); m != meta || k != keys {
		t.Errorf("validator fetches = %d metadata, %d keys; want %d, %d", m, k, meta, keys)
	}
	if m, k := a.Fetches(); m != meta || k != keys {
		t.Errorf("fake served %d metadata, %d keys; want %d, %d", m, k, meta, keys)
	}
}

func TestNewValidatorRequires(t *testing.T) {
	t.Parallel()
	clock := bot.ClockFunc(func() time.Time { return authNow })
	for name, cfg := range map[string]teams.ValidatorConfig{
		"no app id":       {Clock: clock},
		"blank app id":    {AppID: "  ", Clock: clock},
		"no clock":        {AppID: "app-id-1"},
		"relative url":    {AppID: "app-id-1", Clock: clock, MetadataURL: "/v1/.well-known/openidconfiguration"},
		"ftp url":         {AppID: "app-id-1", Clock: clock, MetadataURL: "ftp://login.botframework.com/x"},
		"unparseable url": {AppID: "app-id-1", Clock: clock, MetadataURL: "http://[::1"},
	} {
		if v, err := teams.NewValidator(cfg); err == nil || v != nil {
			t.Errorf("%s: NewValidator = %v, %v; want an error", name, v, err)
		}
	}
	if _, err := teams.NewValidator(teams.ValidatorConfig{AppID: "app-id-1", Clock: clock}); err != nil {
		t.Errorf("default metadata url refused: %v", err)
	}
	if teams.DefaultOpenIDMetadataURL != "https://login.botframework.com/v1/.well-known/openidconfiguration" {
		t.Errorf("DefaultOpenIDMetadataURL = %q", teams.DefaultOpenIDMetadataURL)
	}
}

func TestValidatorTokenKinds(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	for _, kind := range teamstest.TokenKinds() {
		err := v.Authenticate(context.Background(), teamsActivity(a), a.Header(kind))
		good := kind == teamstest.TokenValid || kind == teamstest.TokenArrayAudience
		switch {
		case good && err != nil:
			t.Errorf("%s: refused: %v", kind, err)
		case !good && err == nil:
			t.Errorf("%s: accepted", kind)
		case !good && !errors.Is(err, teams.ErrUnauthorized):
			t.Errorf("%s: error %v does not wrap ErrUnauthorized", kind, err)
		}
	}
	// Every kind but the unknown key is signed with a cached key, and the
	// unknown one came within KeyRetryInterval of the first fetch.
	wantFetches(t, v, a, 1, 1)
}

// TestValidatorClaims covers what the token kinds do not: other
// algorithms, skew, claims of odd types, tampering and header forms.
func TestValidatorClaims(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	valid := a.Token(teamstest.TokenOptions{})
	parts := strings.Split(valid, ".")
	sig := []byte(parts[2])
	sig[len(sig)/2] ^= 1
	forged, _ := json.Marshal(map[string]any{"iss": teamstest.TokenIssuer, "aud": "app-id-1", "exp": authNow.Add(time.Hour).Unix(), "serviceurl": a.ServiceURL, "admin": true})
	tests := []struct {
		name   string
		header string
		act    func(*schema.Activity)
		ok     bool
	}{
		{name: "RS384", header: a.Token(teamstest.TokenOptions{Method: "RS384"}), ok: true},
		{name: "RS512", header: a.Token(teamstest.TokenOptions{Method: "RS512"}), ok: true},
		{name: "expired within skew", header: a.Token(teamstest.TokenOptions{IssuedAt: authNow.Add(-time.Hour), Expiry: authNow.Add(-4 * time.Minute)}), ok: true},
		{name: "nbf within skew", header: a.Token(teamstest.TokenOptions{IssuedAt: authNow.Add(4 * time.Minute)}), ok: true},
		{name: "no nbf", header: a.Token(teamstest.TokenOptions{Claims: map[string]any{"nbf": nil}}), ok: true},
		{name: "trailing slash differs", header: valid, act: func(act *schema.Activity) { act.ServiceURL = strings.TrimSuffix(act.ServiceURL, "/") }, ok: true},
		{name: "scheme and host in capitals", header: valid, act: func(act *schema.Activity) { act.ServiceURL = "HTTPS://SMBA.TrafficManager.NET/emea/" }, ok: true},
		{name: "path in capitals", header: valid, act: func(act *schema.Activity) { act.ServiceURL = "https://smba.trafficmanager.net/EMEA/" }},
		{name: "another port", header: valid, act: func(act *schema.Activity) { act.ServiceURL = "https://smba.trafficmanager.net:8443/emea/" }},
		{name: "no channel, unendorsed key", header: a.Header(teamstest.TokenUnendorsed)[len("Bearer "):], act: func(act *schema.Activity) { act.ChannelID = "" }},
		{name: "no channel, key endorsed for msteams", header: valid, act: func(act *schema.Activity) { act.ChannelID = "" }},
		{name: "channel the key is not endorsed for", header: valid, act: func(act *schema.Activity) { act.ChannelID = "slack" }},
		{name: "activity without serviceUrl", header: valid, act: func(act *schema.Activity) { act.ServiceURL = "" }},
		{name: "neither has a serviceUrl", header: a.Token(teamstest.TokenOptions{NoServiceURL: true}), act: func(act *schema.Activity) { act.ServiceURL = "" }},
		{name: "empty serviceurl for an empty activity", header: a.Token(teamstest.TokenOptions{Claims: map[string]any{"serviceurl": ""}}), act: func(act *schema.Activity) { *act = schema.Activity{} }},
		{name: "expired beyond skew", header: a.Token(teamstest.TokenOptions{IssuedAt: authNow.Add(-time.Hour), Expiry: authNow.Add(-6 * time.Minute)})},
		{name: "no exp", header: a.Token(teamstest.TokenOptions{Claims: map[string]any{"exp": nil}})},
		{name: "exp a string", header: a.Token(teamstest.TokenOptions{Claims: map[string]any{"exp": "tomorrow"}})},
		{name: "nbf a string", header: a.Token(teamstest.TokenOptions{Claims: map[string]any{"nbf": "now"}})},
		{name: "aud numbers", header: a.Token(teamstest.TokenOptions{Audience: []int{1, 2}})},
		{name: "aud an object", header: a.Token(teamstest.TokenOptions{Audience: map[string]string{"app-id-1": "app-id-1"}})},
		{name: "aud empty array", header: a.Token(teamstest.TokenOptions{Audience: []string{}})},
		{name: "iss an array", header: a.Token(teamstest.TokenOptions{Claims: map[string]any{"iss": []string{teamstest.TokenIssuer}}})},
		{name: "iss with slash", header: a.Token(teamstest.TokenOptions{Issuer: teamstest.TokenIssuer + "/"})},
		{name: "serviceurl a number", header: a.Token(teamstest.TokenOptions{Claims: map[string]any{"serviceurl": 7}})},
		{name: "kid a number", header: a.Token(teamstest.TokenOptions{Header: map[string]any{"kid": 7}})},
		{name: "no kid", header: a.Token(teamstest.TokenOptions{Header: map[string]any{"kid": nil}})},
		{name: "no alg", header: a.Token(teamstest.TokenOptions{Header: map[string]any{"alg": nil}})},
		{name: "PS256 claimed", header: a.Token(teamstest.TokenOptions{Header: map[string]any{"alg": "PS256"}})},
		{name: "signature flipped", header: parts[0] + "." + parts[1] + "." + string(sig)},
		{name: "payload forged", header: parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]},
		{name: "header a JSON array", header: base64.RawURLEncoding.EncodeToString([]byte(`[1]`)) + "." + parts[1] + "." + parts[2]},
		{name: "claims JSON null", header: parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`null`)) + "." + parts[2]},
		{name: "three dots", header: "a.b.c"},
		{name: "four parts", header: valid + ".x"},
	}
	for _, tt := range tests {
		act := teamsActivity(a)
		if tt.act != nil {
			tt.act(&act)
		}
		err := v.Authenticate(context.Background(), act, "Bearer "+tt.header)
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case !tt.ok && !errors.Is(err, teams.ErrUnauthorized):
			t.Errorf("%s: err = %v, want ErrUnauthorized", tt.name, err)
		}
	}
	for _, h := range []string{"", "Bearer", "Bearer ", "bearer " + valid, "Basic " + valid, valid, "Bearer  " + valid, "Bearer " + valid + " x"} {
		if err := v.Authenticate(context.Background(), teamsActivity(a), h); !errors.Is(err, teams.ErrUnauthorized) {
			t.Errorf("header %.20q...: err = %v, want ErrUnauthorized", h, err)
		}
	}
	wantFetches(t, v, a, 1, 1)
}

func TestValidatorIdentify(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	if v.AppID() != "app-id-1" {
		t.Errorf("AppID = %q", v.AppID())
	}
	var id auth.ClaimsIdentity
	id, err := v.Identify(context.Background(), teamsActivity(a), a.Header(teamstest.TokenArrayAudience))
	if err != nil {
		t.Fatal(err)
	}
	if !id.IsAuthenticated() || id.GetClaimValue("serviceurl") != a.ServiceURL || id.GetClaimValue("iss") != teamstest.TokenIssuer {
		t.Errorf("identity: authenticated %v, serviceurl %q, iss %q", id.IsAuthenticated(), id.GetClaimValue("serviceurl"), id.GetClaimValue("iss"))
	}
	if got := id.GetClaimValue("aud"); got != "some-other-app,app-id-1" {
		t.Errorf("aud = %q", got)
	}
	if got := id.GetClaimValue("exp"); got != "1795428000" {
		t.Errorf("exp = %q", got)
	}
	if got := id.GetClaimValue("nope"); got != "" {
		t.Errorf("missing claim = %q", got)
	}
	bad, err := v.Identify(context.Background(), teamsActivity(a), a.Header(teamstest.TokenWrongAudience))
	if !errors.Is(err, teams.ErrUnauthorized) || bad.IsAuthenticated() {
		t.Errorf("wrong audience: %v, authenticated %v", err, bad.IsAuthenticated())
	}
	if (teams.Identity{}).IsAuthenticated() {
		t.Error("zero Identity is authenticated")
	}
}

func TestValidatorConcurrentSharesOneFetch(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	headers := []string{a.Header(teamstest.TokenValid), a.Header(teamstest.TokenArrayAudience), a.Header(teamstest.TokenExpired)}
	start := make(chan struct{})
	errs := make([]error, 32)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			<-start
			errs[i] = v.Authenticate(context.Background(), teamsActivity(a), headers[i%len(headers)])
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if good := i%len(headers) != 2; good != (err == nil) {
			t.Errorf("request %d (%s): err = %v", i, []string{"valid", "array", "expired"}[i%3], err)
		}
	}
	wantFetches(t, v, a, 1, 1)
}

func TestValidatorUnknownKidRefreshesOnce(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	ctx, act := context.Background(), teamsActivity(a)
	old := a.Header(teamstest.TokenValid)
	if err := v.Authenticate(ctx, act, old); err != nil {
		t.Fatal(err)
	}
	a.Rotate()
	rotated := a.Header(teamstest.TokenValid)
	// Within KeyRetryInterval of the last fetch, a new kid is refused
	// without a fetch.
	if err := v.Authenticate(ctx, act, rotated); !errors.Is(err, teams.ErrUnauthorized) {
		t.Fatalf("rotated key before the retry interval: %v", err)
	}
	wantFetches(t, v, a, 1, 1)
	clock.advance(teams.KeyRetryInterval)
	if err := v.Authenticate(ctx, act, rotated); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	wantFetches(t, v, a, 2, 2)
	for _, h := range []string{rotated, old, rotated} {
		if err := v.Authenticate(ctx, act, h); err != nil {
			t.Fatal(err)
		}
	}
	// A kid no one publishes costs one fetch per interval, however often
	// it comes.
	clock.advance(teams.KeyRetryInterval)
	for range 5 {
		if err := v.Authenticate(ctx, act, a.Header(teamstest.TokenUnknownKey)); !errors.Is(err, teams.ErrUnauthorized) {
			t.Fatalf("unknown key: %v", err)
		}
	}
	wantFetches(t, v, a, 3, 3)
}

func TestValidatorRefreshFailureKeepsKeys(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	first := a.SigningKey()
	// tokens are minted at the clock's time, so that they outlive a day.
	token := func(k *teamstest.Key) string {
		return "Bearer " + a.Token(teamstest.TokenOptions{IssuedAt: clock.Now(), Key: k})
	}
	ctx, act := context.Background(), teamsActivity(a)
	if err := v.Authenticate(ctx, act, token(first)); err != nil {
		t.Fatal(err)
	}
	a.SetFailing(true)
	rotated := a.Rotate()
	clock.advance(teams.KeyRetryInterval)
	if err := v.Authenticate(ctx, act, token(rotated)); !errors.Is(err, teams.ErrUnauthorized) {
		t.Fatalf("rotated key while the fake fails: %v", err)
	}
	wantFetches(t, v, a, 2, 1) // the metadata failed, so no JWKS was asked for
	if err := v.Authenticate(ctx, act, token(first)); err != nil {
		t.Fatalf("cached key after a failed refresh: %v", err)
	}
	// A day on, the stale keys serve while the refresh fails behind them.
	clock.advance(teams.KeyRefreshInterval)
	for m, _ := a.Fetches(); m < 3; m, _ = a.Fetches() {
		if err := v.Authenticate(ctx, act, token(first)); err != nil {
			t.Fatalf("stale key while refreshing: %v", err)
		}
		waitAWhile(t)
	}
	a.SetFailing(false)
	clock.advance(teams.KeyRetryInterval)
	for _, k := v.Fetches(); k < 2; _, k = v.Fetches() {
		if err := v.Authenticate(ctx, act, token(first)); err != nil {
			t.Fatalf("stale key after the fake recovered: %v", err)
		}
		waitAWhile(t)
	}
	// The refreshed set has the rotated key without another fetch.
	for v.Authenticate(ctx, act, token(rotated)) != nil {
		waitAWhile(t)
	}
	wantFetches(t, v, a, 4, 2)
}

// waitAWhile sleeps briefly for a background refresh; after five seconds
// of it the test fails.
func waitAWhile(t *testing.T) {
	t.Helper()
	waited.Lock()
	waited.d[t.Name()] += 5 * time.Millisecond
	total := waited.d[t.Name()]
	waited.Unlock()
	if total > 5*time.Second {
		t.Fatal("background refresh did not finish")
	}
	time.Sleep(5 * time.Millisecond)
}

var waited = struct {
	sync.Mutex
	d map[string]time.Duration
}{d: map[string]time.Duration{}}

func TestValidatorFailedFetchNotCached(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	a.SetFailing(true)
	if err := v.Authenticate(context.Background(), teamsActivity(a), a.Header(teamstest.TokenValid)); !errors.Is(err, teams.ErrUnauthorized) {
		t.Fatalf("with the fake failing: %v", err)
	}
	a.SetFailing(false)
	// Same instant: with nothing cached there is no retry interval.
	if err := v.Authenticate(context.Background(), teamsActivity(a), a.Header(teamstest.TokenValid)); err != nil {
		t.Fatalf("after the fake recovered: %v", err)
	}
	wantFetches(t, v, a, 2, 1)
}

func TestValidatorCancelledRequestKeepsFetch(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = v.Authenticate(ctx, teamsActivity(a), a.Header(teamstest.TokenValid))
	if err := v.Authenticate(context.Background(), teamsActivity(a), a.Header(teamstest.TokenValid)); err != nil {
		t.Fatal(err)
	}
	wantFetches(t, v, a, 1, 1)
}

// TestValidatorOddKeys serves a JWKS of keys of every wrong shape and one
// good key: the good one must still verify, and a JWKS of only bad keys
// must not be cached as empty.
func TestValidatorOddKeys(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	k := a.SigningKey()
	good := map[string]any{
		"kty": "RSA", "use": "sig", "kid": k.ID, "endorsements": []string{"msteams"},
		"n": base64.RawURLEncoding.EncodeToString(k.Private.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.Private.E)).Bytes()),
	}
	with := func(field string, val any) map[string]any {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		m[field] = val
		return m
	}
	odd := []any{
		"a string", 7, nil, []int{1},
		with("n", 12345), with("e", true), with("endorsements", "msteams"), with("endorsements", []int{1}),
		with("kty", "EC"), with("use", "enc"), with("kid", ""), with("kid", 9), with("n", "!!"), with("n", ""),
		with("n", base64.RawURLEncoding.EncodeToString(big.NewInt(3233).Bytes())), // far too short
		with("e", base64.RawURLEncoding.EncodeToString(big.NewInt(2).Bytes())),
		with("e", base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 9))),
	}
	var mu sync.Mutex
	keys := odd
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/keys" {
			_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"jwks_uri": "http://" + r.Host + "/keys"})
	}))
	t.Cleanup(srv.Close)
	v := mustValidator(t, srv.URL+"/meta", clock)
	ctx, act, valid := context.Background(), teamsActivity(a), a.Header(teamstest.TokenValid)
	if err := v.Authenticate(ctx, act, valid); !errors.Is(err, teams.ErrUnauthorized) {
		t.Fatalf("with no usable key: %v", err)
	}
	mu.Lock()
	keys = append(odd, good)
	mu.Unlock()
	if err := v.Authenticate(ctx, act, valid); err != nil {
		t.Fatalf("good key among odd ones: %v", err)
	}
	if m, k := v.Fetches(); m != 2 || k != 2 {
		t.Errorf("fetches = %d, %d; want 2, 2", m, k)
	}
	// Documents of the wrong shape are errors too, never panics.
	for _, doc := range []string{`[]`, `{"jwks_uri": 5}`, `{"jwks_uri": "/keys"}`, `not json`, `{"keys": {"a": 1}}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/keys" {
				_, _ = w.Write([]byte(doc))
				return
			}
			_, _ = w.Write([]byte(strings.ReplaceAll(doc, `"/keys"`, `"http://`+r.Host+`/keys"`)))
		}))
		v := mustValidator(t, srv.URL+"/meta", clock)
		if err := v.Authenticate(ctx, act, valid); !errors.Is(err, teams.ErrUnauthorized) {
			t.Errorf("document %s: %v", doc, err)
		}
		srv.Close()
	}
}

func TestHandlerWithValidatorAccepts(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	for _, line := range []string{"company add L-tek", "visit L-tek mødte Lars"} {
		if code := r.postText(t, r.good(), line); code != http.StatusOK {
			t.Fatalf("%s: status %d", line, code)
		}
	}
	cs, err := r.db.Contacts(ctx, 1, 5)
	if err != nil || len(cs) != 1 || cs[0].Note != "mødte Lars" {
		t.Fatalf("contacts = %+v, %v", cs, err)
	}
	if n := len(r.sent()); n != 2 {
		t.Errorf("sent %d replies, want 2", n)
	}
	if _, err := r.db.Conversation(ctx, teams.PersonKey("tenant-1", "6b1e4a3c-0000-4000-8000-000000000001")); err != nil {
		t.Errorf("personal reference not stored: %v", err)
	}
	if m, k := r.v.Fetches(); m != 1 || k != 1 {
		t.Errorf("fetches = %d, %d; want 1, 1", m, k)
	}
}

func TestHandlerWithValidatorRefuses(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	headers := map[string]string{"missing header": "", "bearer only": "Bearer ", "raw token": r.auth.Header(teamstest.TokenValid)[len("Bearer "):]}
	for _, kind := range teamstest.TokenKinds() {
		if kind != teamstest.TokenValid && kind != teamstest.TokenArrayAudience {
			headers[kind.String()] = r.auth.Header(kind)
		}
	}
	for name, h := range headers {
		if code := r.postText(t, h, "company add L-tek"); code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, code)
		}
	}
	all, err := r.db.Conversations(context.Background(), "")
	if err != nil || len(all) != 0 {
		t.Errorf("stored %d references: %v", len(all), err)
	}
	if n := len(r.sent()); n != 0 {
		t.Errorf("sent %d activities", n)
	}
	// The refused requests changed nothing: a good one still adds the
	// company as the first.
	if code := r.postText(t, r.good(), "company add L-tek"); code != http.StatusOK {
		t.Fatalf("valid token after refusals: %d", code)
	}
	if c, err := r.db.Company(context.Background(), 1); err != nil || c.Name != "L-tek" {
		t.Errorf("company 1 = %+v, %v", c, err)
	}
}

// FuzzValidatorHeader feeds arbitrary Authorization headers: anything but
// a valid token must be refused with ErrUnauthorized, never a panic.
func FuzzValidatorHeader(f *testing.F) {
	a, clock := newAuthFake(f)
	v := mustValidator(f, a.MetadataURL, clock)
	for _, kind := range teamstest.TokenKinds() {
		f.Add(a.Header(kind))
	}
	f.Add("Bearer " + base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":{}}`)) + ".e30.")
	f.Add("Bearer ..")
	f.Fuzz(func(t *testing.T, h string) {
		err := v.Authenticate(context.Background(), teamsActivity(a), h)
		if err != nil && !errors.Is(err, teams.ErrUnauthorized) {
			t.Fatalf("err = %v, want ErrUnauthorized", err)
		}
	})
}

// BenchmarkValidate is the steady path: a token seen before, its claims
// checked against the activity, neither its signature checked again nor
// the keys fetched.
func BenchmarkValidate(b *testing.B) {
	a, clock := newAuthFake(b)
	v := mustValidator(b, a.MetadataURL, clock)
	ctx, act, h := context.Background(), teamsActivity(a), a.Header(teamstest.TokenValid)
	if err := v.Authenticate(ctx, act, h); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := v.Authenticate(ctx, act, h); err != nil {
			b.Fatal(err)
		}
	}
	m, k := v.Fetches()
	if m != 1 || k != 1 {
		b.Fatalf("fetches = %d, %d; want 1, 1", m, k)
	}
	if n := v.Verifications(); n != 1 {
		b.Fatalf("signature checked %d times, want once", n)
	}
	b.ReportMetric(float64(m), "metadata-fetches")
	b.ReportMetric(float64(k), "key-fetches")
}
