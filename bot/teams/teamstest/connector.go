package teamstest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// BotFrameworkScope is the only scope the fake token endpoint grants.
const BotFrameworkScope = "https://api.botframework.com/.default"

// ConnectorRoute names one endpoint of the fake Connector, for failures
// and in the calls it records.
type ConnectorRoute string

// The fake Connector's routes.
const (
	RouteToken  ConnectorRoute = "token"  // POST /token
	RouteCreate ConnectorRoute = "create" // POST /v3/conversations
	RouteSend   ConnectorRoute = "send"   // POST /v3/conversations/{id}/activities[/{activityId}]
	RouteUpdate ConnectorRoute = "update" // PUT /v3/conversations/{id}/activities/{activityId}
	RouteDelete ConnectorRoute = "delete" // DELETE /v3/conversations/{id}/activities/{activityId}
)

// ConnectorConfig configures NewConnector; every field has a default.
type ConnectorConfig struct {
	AppID       string        // the client_id the token endpoint accepts; "app-id" when empty
	AppPassword string        // the client_secret it accepts; "app-secret" when empty
	TokenLife   time.Duration // expires_in of the tokens it issues; 1 hour when 0
	// Now stamps ConnectorCall.Time; the times stay zero when it is nil.
	Now func() time.Time
}

// ConnectorCall is one request the fake Connector answered on a connector
// route (token requests are only counted, by TokenFetches).
type ConnectorCall struct {
	Route          ConnectorRoute
	Method         string
	Path           string // the path as it was sent, still escaped
	ConversationID string // unescaped; "" for RouteCreate
	ActivityID     string // unescaped; "" unless the path holds one
	Token          string // the bearer token sent
	ContentType    string
	Body           []byte                        // the raw body
	Activity       schema.Activity               // Body decoded, for send and update
	Params         schema.ConversationParameters // Body decoded, for create
	Status         int                           // the status answered
	ID             string                        // the id answered, if any
	Time           time.Time
}

// Connector is a fake Bot Framework: an OAuth2 token endpoint and the
// connector routes a bot calls, on a loopback httptest server. It checks
// the credentials and the bearer tokens it issued, records every connector
// call, and fails calls when told to. It is safe for concurrent use.
type Connector struct {
	// URL is the service URL, to use as an activity's serviceUrl.
	URL string
	// TokenURL is the token endpoint, URL + "/token".
	TokenURL string
	// AppID and AppPassword are the credentials the token endpoint accepts.
	AppID, AppPassword string

	cfg  ConnectorConfig
	srv  *httptest.Server
	stop chan struct{}

	mu      sync.Mutex
	calls   []*ConnectorCall // pointers: a call is large, and a benchmark records thousands
	fetches int
	issued  map[string]bool
	seq     int
	fail    map[ConnectorRoute]*failure
	hang    bool
}

type failure struct {
	n          int
	status     int
	retryAfter string
}

// NewConnector starts a fake Bot Framework, closed when tb's test ends.
func NewConnector(tb testing.TB, cfg ConnectorConfig) *Connector {
	tb.Helper()
	if cfg.AppID == "" {
		cfg.AppID = "app-id"
	}
	if cfg.AppPassword == "" {
		cfg.AppPassword = "app-secret"
	}
	if cfg.TokenLife <= 0 {
		cfg.TokenLife = time.Hour
	}
	c := &Connector{
		AppID: cfg.AppID, AppPassword: cfg.AppPassword, cfg: cfg, stop: make(chan struct{}),
		issued: map[string]bool{}, fail: map[ConnectorRoute]*failure{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", c.token)
	mux.HandleFunc("POST /v3/conversations", c.route(RouteCreate))
	mux.HandleFunc("POST /v3/conversations/{id}/activities", c.route(RouteSend))
	mux.HandleFunc("POST /v3/conversations/{id}/activities/{activityId}", c.route(RouteSend))
	mux.HandleFunc("PUT /v3/conversations/{id}/activities/{activityId}", c.route(RouteUpdate))
	mux.HandleFunc("DELETE /v3/conversations/{id}/activities/{activityId}", c.route(RouteDelete))
	c.srv = httptest.NewUnstartedServer(mux)
	// Its goroutines carry the label side=connector, so that a CPU
	// profile tells the fake's share from the bot's (pprof -tags).
	pprof.Do(context.Background(), pprof.Labels("side", "connector"), func(context.Context) { c.srv.Start() })
	c.URL, c.TokenURL = c.srv.URL, c.srv.URL+"/token"
	tb.Cleanup(func() {
		close(c.stop) // releases hanging token requests, or Close would wait for them
		c.srv.Close()
	})
	return c
}

// Fail makes the next n requests on route answer status, with a
// Retry-After header when retryAfter is not empty. It replaces any failure
// set before for route; n = 0 clears it.
func (c *Connector) Fail(route ConnectorRoute, n, status int, retryAfter string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail[route] = &failure{n: n, status: status, retryAfter: retryAfter}
}

// FailToken makes the next n token requests answer status.
func (c *Connector) FailToken(n, status int) { c.Fail(RouteToken, n, status, "") }

// HangToken makes token requests, from now on and while on is true, hang
// until the client gives up or the test ends (they are still counted).
func (c *Connector) HangToken(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hang = on
}

// RevokeTokens makes every token issued so far invalid: connector calls
// that carry one are answered 401.
func (c *Connector) RevokeTokens() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.issued)
}

// Calls returns a copy of the connector calls so far, in the order they
// were answered.
func (c *Connector) Calls() []ConnectorCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]ConnectorCall, len(c.calls))
	for i, call := range c.calls {
		out[i] = *call
	}
	return out
}

// TokenFetches returns how many requests reached the token endpoint,
// failed or not.
func (c *Connector) TokenFetches() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches
}

// injected takes one failure of route, if one is due.
func (c *Connector) injected(route ConnectorRoute) (failure, bool) {
	f := c.fail[route]
	if f == nil || f.n <= 0 {
		return failure{}, false
	}
	f.n--
	return *f, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeFailure(w http.ResponseWriter, f failure) {
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	writeJSON(w, f.status, map[string]any{"error": map[string]string{
		"code": "InjectedFailure", "message": fmt.Sprintf("teamstest: injected %d", f.status),
	}})
}

// token is the OAuth2 client-credentials endpoint.
func (c *Connector) token(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.fetches++
	hang := c.hang
	f, failed := c.injected(RouteToken)
	c.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-c.stop:
		}
		http.Error(w, "teamstest: hung token request released", http.StatusServiceUnavailable)
		return
	}
	if failed {
		writeFailure(w, f)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
		return
	}
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("scope") != BotFrameworkScope:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request",
			"error_description": "AADSTS900144: grant_type client_credentials and the Bot Framework scope are required"})
		return
	case r.PostForm.Get("client_id") != c.AppID || r.PostForm.Get("client_secret") != c.AppPassword:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client",
			"error_description": "AADSTS7000215: Invalid client secret provided."})
		return
	}
	c.mu.Lock()
	c.seq++
	tok := fmt.Sprintf("teamstest-token-%d", c.seq)
	c.issued[tok] = true
	c.mu.Unlock()
	life := int(c.cfg.TokenLife / time.Second)
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": life, "ext_expires_in": life, "access_token": tok,
	})
}

// route answers one connector route.
func (c *Connector) route(route ConnectorRoute) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		call := ConnectorCall{
			Route: route, Method: r.Method, Path: r.URL.EscapedPath(), ConversationID: r.PathValue("id"),
			ActivityID: r.PathValue("activityId"), Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
			ContentType: r.Header.Get("Content-Type"), Body: body,
		}
		if c.cfg.Now != nil {
			call.Time = c.cfg.Now()
		}
		status, answer := c.answer(&call, err)
		c.mu.Lock()
		c.calls = append(c.calls, &call)
		f, failed := failure{}, false
		if status == 0 {
			f, failed = c.injected(route)
		}
		if failed {
			call.Status = f.status
		} else if status == 0 {
			status, answer = c.success(route, &call)
		}
		c.mu.Unlock()
		if failed {
			writeFailure(w, f)
			return
		}
		writeJSON(w, status, answer)
	}
}

// answer checks the token and the body; status 0 means they are good.
func (c *Connector) answer(call *ConnectorCall, readErr error) (int, any) {
	c.mu.Lock()
	ok := c.issued[call.Token]
	c.mu.Unlock()
	fail := func(status int, code, msg string) (int, any) {
		call.Status = status
		return status, map[string]any{"error": map[string]string{"code": code, "message": msg}}
	}
	switch {
	case !ok:
		return fail(http.StatusUnauthorized, "Unauthorized", "teamstest: missing or unknown bearer token")
	case readErr != nil:
		return fail(http.StatusBadRequest, "BadSyntax", readErr.Error())
	case call.Route == RouteDelete:
		return 0, nil
	}
	if mt, _, _ := mime.ParseMediaType(call.ContentType); mt != "application/json" {
		return fail(http.StatusUnsupportedMediaType, "BadSyntax", "teamstest: Content-Type must be application/json")
	}
	var err error
	if call.Route == RouteCreate {
		err = json.Unmarshal(call.Body, &call.Params)
	} else {
		err = json.Unmarshal(call.Body, &call.Activity)
	}
	if err != nil {
		return fail(http.StatusBadRequest, "BadSyntax", "teamstest: "+err.Error())
	}
	return 0, nil
}

// success issues the id of a good call; c.mu is held.
func (c *Connector) success(route ConnectorRoute, call *ConnectorCall) (int, any) {
	c.seq++
	switch route {
	case RouteCreate:
		call.Status, call.ID = http.StatusCreated, fmt.Sprintf("a:teamstest-conv-%d", c.seq)
	case RouteSend:
		call.Status, call.ID = http.StatusOK, fmt.Sprintf("1:teamstest-act-%d", c.seq)
	case RouteUpdate:
		call.Status, call.ID = http.StatusOK, call.ActivityID
	default:
		call.Status = http.StatusOK
		return call.Status, map[string]any{}
	}
	return call.Status, map[string]string{"id": call.ID}
}
