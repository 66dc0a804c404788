package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
)

// BotFrameworkScope is the OAuth2 scope a bot asks for to call the Bot
// Framework connector.
const BotFrameworkScope = "https://api.botframework.com/.default"

// maxResponse bounds what is read of any response body.
const maxResponse = 1 << 20

// TokenURL returns the Microsoft identity platform token endpoint of
// tenantID, or of the multi-tenant "botframework.com" tenant when tenantID
// is empty (a multi-tenant bot registration).
func TokenURL(tenantID string) string {
	if tenantID == "" {
		tenantID = "botframework.com"
	}
	return "https://login.microsoftonline.com/" + url.PathEscape(tenantID) + "/oauth2/v2.0/token"
}

// ClientConfig is everything NewClient needs. AppID, AppPassword and Clock
// are required; the rest has defaults.
type ClientConfig struct {
	AppID       string
	AppPassword string
	TokenURL    string       // TokenURL("") when empty
	HTTPClient  *http.Client // one with a 15 s timeout and 64 idle connections per host when nil
	Clock       bot.Clock    // for token expiry and Retry-After dates
	Metrics     bot.Metrics  // counts every HTTP call; NopMetrics when nil
	Logger      *slog.Logger
	MaxTries    int           // tries per call on retryable answers; 4 when 0
	BaseBackoff time.Duration // first wait between tries, doubled after each; 1 s when 0
	MaxBackoff  time.Duration // longest wait; a longer Retry-After ends the call; 30 s when 0
	// Sleep waits d or until ctx ends, returning ctx's error then; a timer
	// when nil. Tests pass one that records d and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// CallTimeout bounds each Post, Put and Delete, which take no context;
	// 1 minute when 0.
	CallTimeout time.Duration
	// ServiceURLs are the only service URLs the Client sends its token to;
	// nil allows DefaultServiceURLs only.
	ServiceURLs *ServiceURLs
}

// Client calls the Bot Framework connector as the bot: it gets and caches
// the bot's OAuth2 token, sends it only to the service URLs of its
// allow-list, retries what Teams asks to be retried and never panics. It
// is safe for concurrent use and meets both Connector and the
// msbotbuilder-go connector/client.Client interface.
type Client struct {
	cfg    ClientConfig
	tokens tokenCache
}

// NewClient returns a Client, or an error when a required part is missing.
func NewClient(cfg ClientConfig) (*Client, error) {
	switch {
	case cfg.AppID == "" || cfg.AppPassword == "":
		return nil, errors.New("teams client: MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are required")
	case cfg.Clock == nil:
		return nil, errors.New("teams client: clock is required")
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = TokenURL("")
	}
	if u, err := url.Parse(cfg.TokenURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("teams client: token url %q is not an http(s) URL", cfg.TokenURL)
	}
	if cfg.HTTPClient == nil {
		// A morning of nudges goes to one or two service URLs from many
		// senders: Go's default of two idle connections per host would
		// open and close one for nearly every send.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		// The connector does not redirect; a redirect is not followed, so
		// that nothing is sent to a host off the allow-list.
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second, Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Metrics == nil {
		cfg.Metrics = bot.NopMetrics{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxTries <= 0 {
		cfg.MaxTries = 4
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = time.Minute
	}
	c := &Client{cfg: cfg}
	c.tokens.fetch = c.fetchToken
	c.tokens.clock = cfg.Clock
	return c, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Send posts act into the conversation and returns the id Teams gave the
// new activity ("" when Teams answered without one), by which it can be
// updated. An error wraps ErrRefused on 403 or 404, and *bot.RetryAfterError
// when Teams still answered 429 after the last try, or asked (Retry-After)
// for a longer wait than ClientConfig.MaxBackoff: the caller's outbox
// should try again after RetryAfterError.After.
func (c *Client) Send(ctx context.Context, serviceURL, conversationID string, act schema.Activity) (string, error) {
	if err := needIDs(conversationID); err != nil {
		return "", fmt.Errorf("teams send: %w", err)
	}
	var out struct {
		ID string `json:"id"`
	}
	u := conversationsURL(serviceURL) + "/" + escapeID(conversationID) + "/activities"
	if err := c.call(ctx, "send", http.MethodPost, u, wire(act), &out); err != nil {
		return "", fmt.Errorf("teams send: %w", err)
	}
	return out.ID, nil
}

// Update replaces the activity activityID of the conversation with act.
// Errors are as for Send.
func (c *Client) Update(ctx context.Context, serviceURL, conversationID, activityID string, act schema.Activity) error {
	if err := needIDs(conversationID, activityID); err != nil {
		return fmt.Errorf("teams update: %w", err)
	}
	if err := c.call(ctx, "update", http.MethodPut, activityURL(serviceURL, conversationID, activityID), wire(act), nil); err != nil {
		return fmt.Errorf("teams update: %w", err)
	}
	return nil
}

// DeleteActivity deletes the activity activityID of the conversation.
// Errors are as for Send.
func (c *Client) DeleteActivity(ctx context.Context, serviceURL, conversationID, activityID string) error {
	if err := needIDs(conversationID, activityID); err != nil {
		return fmt.Errorf("teams delete: %w", err)
	}
	if err := c.call(ctx, "delete", http.MethodDelete, activityURL(serviceURL, conversationID, activityID), nil, nil); err != nil {
		return fmt.Errorf("teams delete: %w", err)
	}
	return nil
}

// CreateConversation creates a conversation (a 1:1 chat, with one member)
// and returns its id; an answer without an id is an error. Errors are as
// for Send.
func (c *Client) CreateConversation(ctx context.Context, serviceURL string, p schema.ConversationParameters) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := c.call(ctx, "create", http.MethodPost, conversationsURL(serviceURL), p, &out); err != nil {
		return "", fmt.Errorf("teams create conversation: %w", err)
	}
	if out.ID == "" {
		return "", errors.New("teams create conversation: answer has no conversation id")
	}
	return out.ID, nil
}

// Post posts activity to target, as msbotbuilder-go's client.Client does,
// within ClientConfig.CallTimeout; errors are as for Send.
func (c *Client) Post(target url.URL, activity schema.Activity) error {
	return c.library("send", http.MethodPost, target, wire(activity))
}

// Put puts activity to target, as msbotbuilder-go's client.Client does,
// within ClientConfig.CallTimeout; errors are as for Send.
func (c *Client) Put(target url.URL, activity schema.Activity) error {
	return c.library("update", http.MethodPut, target, wire(activity))
}

// Delete deletes the activity at target, as msbotbuilder-go's client.Client
// does, within ClientConfig.CallTimeout; the activity is not sent.
func (c *Client) Delete(target url.URL, _ schema.Activity) error {
	return c.library("delete", http.MethodDelete, target, nil)
}

func (c *Client) library(metric, method string, target url.URL, body any) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.CallTimeout)
	defer cancel()
	if err := c.call(ctx, metric, method, target.String(), body, nil); err != nil {
		return fmt.Errorf("teams %s: %w", metric, err)
	}
	return nil
}

// needIDs refuses an empty id, which would address another route.
func needIDs(ids ...string) error {
	if slices.Contains(ids, "") {
		return errors.New("conversation and activity ids are required")
	}
	return nil
}

func conversationsURL(serviceURL string) string {
	return strings.TrimRight(serviceURL, "/") + "/v3/conversations"
}

func activityURL(serviceURL, conversationID, activityID string) string {
	return conversationsURL(serviceURL) + "/" + escapeID(conversationID) + "/activities/" + escapeID(activityID)
}

// escapeID escapes a path segment as JavaScript's encodeURIComponent does,
// as the Bot Framework SDKs do: Teams ids hold ':', '@', ';' and '='.
func escapeID(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		ch := id[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~', ch == '!', ch == '*', ch == '\'', ch == '(', ch == ')':
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// StatusError is an HTTP answer the Client did not accept: the status and
// the start of the body. It wraps ErrRefused for 403 and 404.
type StatusError struct {
	Op     string // who answered: "connector" or "token endpoint"
	Status int
	Body   string // at most 200 bytes of the response body
}

// Error gives who answered, the status and the start of the body.
func (e *StatusError) Error() string {
	msg := e.Op + " answered HTTP " + strconv.Itoa(e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Unwrap gives ErrRefused for 403 and 404, nil otherwise.
func (e *StatusError) Unwrap() error {
	if e.Status == http.StatusForbidden || e.Status == http.StatusNotFound {
		return ErrRefused
	}
	return nil
}

// excerpt is the start of body, on one line, for an error message.
func excerpt(body []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(body[:min(len(body), n)]), "")
	s = strings.Join(strings.Fields(s), " ")
	if len(body) > n {
		s += "…"
	}
	return s
}

// retryable reports whether a status is worth another try.
func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusPreconditionFailed, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(s)*time.Second, 0), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func (c *Client) count(method string, status int, err error) {
	outcome := "ok"
	switch {
	case status == http.StatusTooManyRequests:
		outcome = "ratelimited"
	case err != nil || status < 200 || status > 299:
		outcome = "error"
	}
	c.cfg.Metrics.PlatformCall(Platform, method, outcome)
}

// roundTrip makes one request and returns the status and the (bounded)
// body, which it always reads and closes.
func (c *Client) roundTrip(req *http.Request) (status int, h http.Header, body []byte, err error) {
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// attempt is the result of one try of a call.
type attempt struct {
	err      error
	retry    bool          // worth another try
	status   int           // the connector's status, 0 when none came
	token    string        // the token the try used
	after    time.Duration // Retry-After, when hasAfter
	hasAfter bool
}

// call makes a connector call, retrying as ClientConfig says; out, when
// not nil, receives the JSON answer.
func (c *Client) call(ctx context.Context, metric, method, target string, in, out any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("recovered from panic: %v", p)
		}
	}()
	// Checked before a token is fetched: an address off the allow-list
	// (a forged or stale serviceUrl) gets neither token nor message.
	if !c.cfg.ServiceURLs.Allows(target) {
		c.cfg.Logger.Warn("teams connector: service url not on the allow-list; not sent", "call", metric, "host", origin(target))
		return fmt.Errorf("%w: %s", ErrServiceURL, origin(target))
	}
	var body []byte
	if in != nil {
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encode: %w", err)
		}
	}
	backoff, refreshed := c.cfg.BaseBackoff, false
	for try := 1; ; try++ {
		a := c.try(ctx, metric, method, target, body, out)
		if a.status == http.StatusUnauthorized && !refreshed {
			// The token may have been revoked or rotated early: one more
			// try with a fresh one, not counted as a try.
			refreshed = true
			c.tokens.drop(a.token)
			try--
			continue
		}
		if a.err == nil || !a.retry || ctx.Err() != nil {
			return a.err
		}
		wait := backoff
		if a.hasAfter {
			wait = a.after
		}
		if try >= c.cfg.MaxTries || wait > c.cfg.MaxBackoff {
			if a.status == http.StatusTooManyRequests || a.hasAfter {
				return &bot.RetryAfterError{After: wait, Err: a.err}
			}
			return a.err
		}
		c.cfg.Logger.Warn("teams connector: retrying", "call", metric, "try", try, "wait", wait, "err", a.err)
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("gave up waiting to retry: %w (last: %w)", err, a.err)
		}
		backoff = min(backoff*2, c.cfg.MaxBackoff)
	}
}

// try gets a token and makes one request.
func (c *Client) try(ctx context.Context, metric, method, target string, body []byte, out any) (a attempt) {
	tok, err := c.tokens.get(ctx)
	if err != nil {
		var se *StatusError
		return attempt{err: err, retry: !errors.As(err, &se) || retryable(se.Status)}
	}
	a.token = tok
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		a.err = fmt.Errorf("connector: %w", err)
		return a
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	status, h, resp, err := c.roundTrip(req)
	c.count(metric, status, err)
	if err != nil {
		a.err, a.retry = fmt.Errorf("connector: %w", err), true
		return a
	}
	a.status = status
	if status < 200 || status > 299 {
		a.err, a.retry = &StatusError{Op: "connector", Status: status, Body: excerpt(resp)}, retryable(status)
		a.after, a.hasAfter = retryAfter(h, c.cfg.Clock.Now())
		return a
	}
	if out != nil && len(bytes.TrimSpace(resp)) > 0 {
		// The call succeeded: an odd answer must not make the caller send
		// it again, so it is only logged.
		if err := json.Unmarshal(resp, out); err != nil {
			c.cfg.Logger.Warn("teams connector: undecodable answer", "call", metric, "body", excerpt(resp), "err", err)
		}
	}
	return a
}
