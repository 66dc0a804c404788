package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
)

// fetchToken gets a token by the OAuth2 client-credentials grant, and how
// long it lives.
func (c *Client) fetchToken(ctx context.Context) (tok string, life time.Duration, err error) {
	defer func() {
		if p := recover(); p != nil {
			tok, err = "", fmt.Errorf("token: recovered from panic: %v", p)
		}
	}()
	form := url.Values{
		"grant_type": {"client_credentials"}, "client_id": {c.cfg.AppID},
		"client_secret": {c.cfg.AppPassword}, "scope": {BotFrameworkScope},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	status, _, body, err := c.roundTrip(req)
	c.count("token", status, err)
	if err != nil {
		return "", 0, fmt.Errorf("token: %w", err)
	}
	if status != http.StatusOK {
		return "", 0, &StatusError{Op: "token endpoint", Status: status, Body: excerpt(body)}
	}
	var a struct {
		TokenType   string      `json:"token_type"`
		ExpiresIn   json.Number `json:"expires_in"` // a number, or a string in v1 answers
		AccessToken string      `json:"access_token"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return "", 0, fmt.Errorf("token: answer is not a token (%q): %w", excerpt(body), err)
	}
	secs, _ := a.ExpiresIn.Int64()
	if a.AccessToken == "" || (a.TokenType != "" && !strings.EqualFold(a.TokenType, "Bearer")) {
		return "", 0, fmt.Errorf("token: answer has no bearer token (token_type %q)", a.TokenType)
	}
	return a.AccessToken, time.Duration(secs) * time.Second, nil
}

// refreshIn is how long a token of the given life is used: up to 5
// minutes before it ends, or half its life when that is short.
func refreshIn(life time.Duration) time.Duration {
	if life > 10*time.Minute {
		return life - 5*time.Minute
	}
	return life / 2
}

// tokenCache shares one token among all calls. Only one fetch is in flight
// at a time; everyone who needs a token meanwhile waits for it, each as
// long as their own context allows. A failed fetch is not kept.
type tokenCache struct {
	fetch func(ctx context.Context) (string, time.Duration, error)
	clock bot.Clock

	mu        sync.Mutex
	token     string
	refreshAt time.Time
	flight    *tokenFlight
}

type tokenFlight struct {
	done  chan struct{}
	token string
	err   error
}

// get returns the cached token or waits for a fetch.
func (t *tokenCache) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.token != "" && t.clock.Now().Before(t.refreshAt) {
		tok := t.token
		t.mu.Unlock()
		return tok, nil
	}
	f := t.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		t.flight = f
		// The fetch is not the first caller's alone: it outlives their
		// cancellation, bounded by its own timeout.
		go t.run(context.WithoutCancel(ctx), f)
	}
	t.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", fmt.Errorf("token: %w", ctx.Err())
	}
}

func (t *tokenCache) run(ctx context.Context, f *tokenFlight) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	start := t.clock.Now()
	tok, life, err := t.fetch(ctx)
	t.mu.Lock()
	if err == nil {
		t.token, t.refreshAt = tok, start.Add(refreshIn(life))
	}
	t.flight = nil
	f.token, f.err = tok, err
	t.mu.Unlock()
	close(f.done)
}

// drop forgets tok if it is still the cached token, after the connector
// refused it.
func (t *tokenCache) drop(tok string) {
	t.mu.Lock()
	if t.token == tok {
		t.token = ""
	}
	t.mu.Unlock()
}

// libraryClient is msbotbuilder-go's connector/client.Client, restated:
// importing that package would pull in its JWT dependencies.
type libraryClient interface {
	Post(url url.URL, activity schema.Activity) error
	Delete(url url.URL, activity schema.Activity) error
	Put(url url.URL, activity schema.Activity) error
}

var (
	_ Connector     = (*Client)(nil)
	_ libraryClient = (*Client)(nil)
)
