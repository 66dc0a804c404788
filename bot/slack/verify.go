package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Errors of request verification. Each means the request must be refused
// with 401 and nothing in it acted on.
var (
	// ErrNoSecret means no signing secret was configured. slack-go before
	// v0.23.1 accepted any request then (GO-2026-5410); we refuse to start.
	ErrNoSecret = errors.New("slack: no signing secret configured")
	// ErrUnsigned means the signature or timestamp header is missing,
	// repeated or malformed.
	ErrUnsigned = errors.New("slack: request not signed")
	// ErrBadSignature means the signature does not match the body.
	ErrBadSignature = errors.New("slack: bad request signature")
	// ErrStale means the request's timestamp is more than MaxSkew away
	// from our clock, in either direction: a replay, or a clock gone wrong.
	ErrStale = errors.New("slack: request timestamp out of range")
)

// MaxSkew is how far a request's timestamp may be from our clock.
const MaxSkew = 5 * time.Minute

const (
	headerSignature = "X-Slack-Signature"
	headerTimestamp = "X-Slack-Request-Timestamp"
	signaturePrefix = "v0="
)

// ReplayLog remembers keys for a while: FirstUntil records key until the
// time until and reports whether it was not recorded already (storage.DB
// meets it, in bbolt, so it holds across restarts).
type ReplayLog interface {
	FirstUntil(ctx context.Context, key string, until time.Time) (bool, error)
}

// Verifier checks Slack's request signatures (version v0: HMAC-SHA256 of
// "v0:" + timestamp + ":" + body with the app's signing secret) and, with
// Replays, that each signed request is served once.
//
// It is written on the standard library rather than slack-go's
// SecretsVerifier because that one reads time.Now itself and cannot be
// given a clock, so neither the published example nor the 5-minute window
// could be tested.
type Verifier struct {
	Secret string
	Clock  func() time.Time
	// Replays remembers the signatures served within MaxSkew, so that a
	// request captured and sent again while still valid runs once. Nil:
	// a replay within the window runs again (tests only; serve sets it).
	Replays ReplayLog
}

// NewVerifier returns a Verifier for the signing secret. It refuses an
// empty secret (ErrNoSecret) and a nil clock, so that a misconfigured
// server fails at start rather than accepting unsigned requests.
func NewVerifier(secret string, clock func() time.Time) (*Verifier, error) {
	if secret == "" {
		return nil, ErrNoSecret
	}
	if clock == nil {
		return nil, errors.New("slack: verifier needs a clock")
	}
	return &Verifier{Secret: secret, Clock: clock}, nil
}

// Verify reports whether body, with header, was signed by Slack within
// MaxSkew of the clock. It returns nil, or an error that is ErrNoSecret,
// ErrUnsigned, ErrStale or ErrBadSignature. The comparison takes constant
// time.
func (v *Verifier) Verify(header http.Header, body []byte) error {
	if v == nil || v.Secret == "" || v.Clock == nil {
		return ErrNoSecret
	}
	sigs, stamps := header.Values(headerSignature), header.Values(headerTimestamp)
	if len(sigs) != 1 || len(stamps) != 1 || !strings.HasPrefix(sigs[0], signaturePrefix) {
		return ErrUnsigned
	}
	got, err := hex.DecodeString(sigs[0][len(signaturePrefix):])
	if err != nil || len(got) != sha256.Size {
		return ErrUnsigned
	}
	ts, err := strconv.ParseInt(stamps[0], 10, 64)
	if err != nil {
		return ErrUnsigned
	}
	// Compared in whole seconds, as integers: a huge timestamp cannot
	// overflow into the window.
	now, skew := v.Clock().Unix(), int64(MaxSkew/time.Second)
	if ts < now-skew || ts > now+skew {
		return ErrStale
	}
	mac := hmac.New(sha256.New, []byte(v.Secret))
	mac.Write([]byte("v0:" + stamps[0] + ":"))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), got) {
		return ErrBadSignature
	}
	return nil
}

// First reports whether the request with header, which Verify accepted, is
// the first with its signature: false for a replay within the window in
// which Verify accepts it, also after a restart. The signature is unique
// to the body and timestamp, so two requests a person made are never
// taken for one. (An Events API retry may carry its first try's
// signature; it is acknowledged either way, and its event id keeps it
// from running twice.) Without Replays every request is first. On error
// the caller cannot know and should refuse the request: Slack retries an
// event, a person sends again.
func (v *Verifier) First(ctx context.Context, header http.Header) (bool, error) {
	if v.Replays == nil {
		return true, nil
	}
	sig, stamp := header.Get(headerSignature), header.Get(headerTimestamp)
	ts, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil || !strings.HasPrefix(sig, signaturePrefix) {
		return false, ErrUnsigned
	}
	// Verify accepts the signature while the clock is within MaxSkew of
	// its timestamp; a second more covers the rounding to whole seconds.
	until := time.Unix(ts, 0).Add(MaxSkew + time.Second)
	// Verify reads the hex in either case: one key for all spellings, or
	// a replay in capitals would pass as new.
	first, err := v.Replays.FirstUntil(ctx, "slack/sig/"+strings.ToLower(sig), until)
	if err != nil {
		return false, fmt.Errorf("slack: replay check: %w", err)
	}
	return first, nil
}
