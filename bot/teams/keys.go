// The Validator's keys: the OpenID metadata and JWKS of the Bot Framework,
// fetched, cached and refreshed.

package teams

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// lookup returns the key named kid and the set it came from.
// Cached keys answer at once; a stale set is refreshed in the background
// while it keeps serving; an unknown kid waits for a fetch, at most one
// per KeyRetryInterval, shared by everyone waiting.
func (v *Validator) lookup(ctx context.Context, kid string) (signingKey, *keySet, error) {
	now := v.clock.Now()
	v.mu.Lock()
	set := v.set
	k, found := set.get(kid)
	canFetch := v.flight == nil && (set == nil || now.Sub(v.triedAt) >= KeyRetryInterval)
	if found {
		if canFetch && now.Sub(set.fetchedAt) >= KeyRefreshInterval {
			v.startLocked(ctx, now)
		}
		v.mu.Unlock()
		return k, set, nil
	}
	f := v.flight
	if f == nil && !canFetch {
		v.mu.Unlock()
		return signingKey{}, nil, fmt.Errorf("unknown key id %q", kid)
	}
	if f == nil {
		f = v.startLocked(ctx, now)
	}
	v.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		return signingKey{}, nil, fmt.Errorf("wait for signing keys: %w", ctx.Err())
	}
	v.mu.Lock()
	set = v.set
	v.mu.Unlock()
	if k, ok := set.get(kid); ok {
		return k, set, nil
	}
	if f.err != nil {
		return signingKey{}, nil, fmt.Errorf("fetch signing keys: %w", f.err)
	}
	return signingKey{}, nil, fmt.Errorf("unknown key id %q", kid)
}

// current is the cached key set (nil before the first fetch) and whether
// it is fresh: younger than KeyRefreshInterval at now.
func (v *Validator) current(now time.Time) (*keySet, bool) {
	v.mu.Lock()
	set := v.set
	v.mu.Unlock()
	return set, set != nil && now.Sub(set.fetchedAt) < KeyRefreshInterval
}

func (s *keySet) get(kid string) (signingKey, bool) {
	if s == nil {
		return signingKey{}, false
	}
	k, ok := s.keys[kid]
	return k, ok
}

// startLocked starts a fetch; v.mu must be held. The fetch outlives the
// request that started it, so that its cancellation fails no one else.
func (v *Validator) startLocked(ctx context.Context, now time.Time) *flight {
	f := &flight{done: make(chan struct{})}
	v.flight, v.triedAt = f, now
	go v.refresh(context.WithoutCancel(ctx), f, now)
	return f
}

// refresh fetches and, only on success, replaces the cached set.
func (v *Validator) refresh(ctx context.Context, f *flight, now time.Time) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	var set *keySet
	err := func() (err error) {
		defer recoverInto(&err)
		set, err = v.fetch(ctx)
		return err
	}()
	v.mu.Lock()
	if err == nil {
		set.fetchedAt = now
		v.set = set
	}
	cached := v.set != nil
	v.flight = nil
	v.mu.Unlock()
	if err != nil {
		v.log.WarnContext(ctx, "teams signing keys not fetched", "err", err, "cached", cached)
	}
	f.err = err
	close(f.done)
}

// openIDMetadata is the part of the metadata document the Validator uses.
type openIDMetadata struct {
	JWKSURI string `json:"jwks_uri"`
}

// jwk is one key of a JWKS as the Bot Framework publishes it.
type jwk struct {
	Kty          string   `json:"kty"`
	Use          string   `json:"use"`
	Kid          string   `json:"kid"`
	N            string   `json:"n"`
	E            string   `json:"e"`
	Endorsements []string `json:"endorsements"`
}

// fetch reads the metadata, then the JWKS it names; a set without one
// usable key is an error, never an empty cache.
func (v *Validator) fetch(ctx context.Context) (*keySet, error) {
	var meta openIDMetadata
	v.metaFetches.Add(1)
	if err := v.getJSON(ctx, v.metadataURL, &meta); err != nil {
		return nil, fmt.Errorf("openid metadata: %w", err)
	}
	if err := checkURL(meta.JWKSURI); err != nil {
		return nil, fmt.Errorf("openid metadata jwks_uri: %w", err)
	}
	set := &keySet{keys: map[string]signingKey{}}
	var jwks struct {
		Keys []json.RawMessage `json:"keys"`
	}
	v.keyFetches.Add(1)
	if err := v.getJSON(ctx, meta.JWKSURI, &jwks); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	for i, raw := range jwks.Keys {
		kid, k, err := parseKey(raw)
		if err != nil {
			v.log.WarnContext(ctx, "teams signing key skipped", "index", i, "err", err)
			continue
		}
		if _, dup := set.keys[kid]; !dup {
			set.keys[kid] = k
		}
	}
	if len(set.keys) == 0 {
		return nil, fmt.Errorf("jwks %s: no usable RSA signing key", meta.JWKSURI)
	}
	return set, nil
}

func (v *Validator) getJSON(ctx context.Context, u string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("get %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: status %d", u, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	switch {
	case err != nil:
		return fmt.Errorf("read %s: %w", u, err)
	case len(b) > maxDocument:
		return fmt.Errorf("read %s: larger than %d bytes", u, maxDocument)
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("decode %s: %w", u, err)
	}
	return nil
}

// parseKey turns one JWK into an RSA public key of at least 2048 bits.
func parseKey(raw json.RawMessage) (string, signingKey, error) {
	var j jwk
	if err := json.Unmarshal(raw, &j); err != nil {
		return "", signingKey{}, fmt.Errorf("decode key: %w", err)
	}
	switch {
	case j.Kid == "":
		return "", signingKey{}, errors.New("key has no kid")
	case j.Kty != "RSA":
		return "", signingKey{}, fmt.Errorf("key %q: kty %q is not RSA", j.Kid, j.Kty)
	case j.Use != "" && j.Use != "sig":
		return "", signingKey{}, fmt.Errorf("key %q: use %q is not sig", j.Kid, j.Use)
	}
	n, err := base64URL(j.N)
	if err != nil {
		return "", signingKey{}, fmt.Errorf("key %q: n: %w", j.Kid, err)
	}
	e, err := base64URL(j.E)
	if err != nil {
		return "", signingKey{}, fmt.Errorf("key %q: e: %w", j.Kid, err)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n)}
	eInt := new(big.Int).SetBytes(e)
	switch {
	case pub.N.BitLen() < minKeyBits:
		return "", signingKey{}, fmt.Errorf("key %q: %d bits is too short", j.Kid, pub.N.BitLen())
	case !eInt.IsInt64() || eInt.Int64() < 3 || eInt.Int64() > 1<<31-1 || eInt.Bit(0) == 0:
		return "", signingKey{}, fmt.Errorf("key %q: unusable exponent", j.Kid)
	}
	pub.E = int(eInt.Int64())
	return j.Kid, signingKey{pub: pub, endorsements: j.Endorsements}, nil
}

// base64URL decodes unpadded base64url, tolerating padding.
func base64URL(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("base64url: %w", err)
	}
	return b, nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) url", s)
	}
	return nil
}
