package teams

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"github.com/infracloudio/msbotbuilder-go/connector/auth"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
)

// DefaultOpenIDMetadataURL is the Bot Framework's OpenID metadata document
// for tokens the Bot Connector service sends to a bot (public cloud).
const DefaultOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

// BotFrameworkIssuer is the only issuer the Validator accepts.
const BotFrameworkIssuer = "https://api.botframework.com"

const (
	// ClockSkew is how far exp and nbf may be off the Validator's clock.
	ClockSkew = 5 * time.Minute
	// KeyRefreshInterval is the age after which cached signing keys are
	// fetched again; the old keys serve until the new ones are in.
	KeyRefreshInterval = 24 * time.Hour
	// KeyRetryInterval is the least time between two fetches once keys are
	// cached, so that tokens naming unknown key ids cannot flood the
	// Bot Framework with fetches.
	KeyRetryInterval = time.Minute
)

const (
	fetchTimeout = 10 * time.Second
	maxDocument  = 1 << 20 // metadata and JWKS are a few KB
	maxToken     = 16 << 10
	minKeyBits   = 2048
)

// allowedAlgs are the JWT algorithms Microsoft documents for Bot Connector
// tokens; none, HMAC and everything else are refused.
var allowedAlgs = []string{"RS256", "RS384", "RS512"}

// ErrUnauthorized is wrapped by every error the Validator returns for a
// request it refuses; the rest of the message is a reason for the log,
// not for the caller, who should answer 401 and nothing more.
var ErrUnauthorized = errors.New("teams: unauthorized")

// ValidatorConfig is what NewValidator needs. AppID and Clock are required.
type ValidatorConfig struct {
	// AppID is the bot's Microsoft app id: the audience every token must name.
	AppID string
	// MetadataURL is the OpenID metadata document naming the JWKS;
	// DefaultOpenIDMetadataURL when empty.
	MetadataURL string
	// HTTPClient fetches metadata and keys; one with a 10 s timeout when nil.
	HTTPClient *http.Client
	// Clock decides expiry, not-before and the age of cached keys.
	Clock  bot.Clock
	Logger *slog.Logger
}

// Validator checks the tokens the Bot Connector service puts on requests
// to /api/messages, following Microsoft's "Authenticate requests from the
// Bot Connector service". It caches the OpenID metadata and signing keys;
// it is safe for concurrent use.
type Validator struct {
	appID, metadataURL string
	client             *http.Client
	clock              bot.Clock
	log                *slog.Logger
	parser             *jwt.Parser

	mu      sync.Mutex
	set     *keySet   // nil until a fetch succeeded; replaced, never changed
	triedAt time.Time // start of the last fetch, failed or not
	flight  *flight   // the fetch under way, if any

	metaFetches, keyFetches atomic.Int64
}

var _ Authenticator = (*Validator)(nil)

// keySet is one fetch's result.
type keySet struct {
	keys      map[string]signingKey
	fetchedAt time.Time
}

type signingKey struct {
	pub          *rsa.PublicKey
	endorsements []string
}

// flight is a fetch shared by every request that waits for it; err is
// set before done is closed.
type flight struct {
	done chan struct{}
	err  error
}

// NewValidator returns a Validator for cfg, or an error when AppID or
// Clock is missing (an empty app id would let any bot's token in) or
// MetadataURL is not an absolute http(s) URL. It fetches nothing yet.
func NewValidator(cfg ValidatorConfig) (*Validator, error) {
	switch {
	case strings.TrimSpace(cfg.AppID) == "":
		return nil, errors.New("teams validator: app id is required")
	case cfg.Clock == nil:
		return nil, errors.New("teams validator: clock is required")
	}
	if cfg.MetadataURL == "" {
		cfg.MetadataURL = DefaultOpenIDMetadataURL
	}
	if err := checkURL(cfg.MetadataURL); err != nil {
		return nil, fmt.Errorf("teams validator: metadata url: %w", err)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: fetchTimeout}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Validator{
		appID: cfg.AppID, metadataURL: cfg.MetadataURL, client: cfg.HTTPClient,
		clock: cfg.Clock, log: cfg.Logger,
		parser: jwt.NewParser(jwt.WithValidMethods(allowedAlgs), jwt.WithoutClaimsValidation()),
	}, nil
}

// Authenticate returns nil only when authHeader is "Bearer <jwt>" with a
// token the Bot Framework signed for this bot, unexpired, for act's
// serviceUrl and, when act names a channel, with a key endorsed for that
// channel. Every refusal wraps ErrUnauthorized and is logged at Info.
func (v *Validator) Authenticate(ctx context.Context, act schema.Activity, authHeader string) error {
	_, err := v.validate(ctx, act, authHeader)
	if err != nil {
		v.log.InfoContext(ctx, "teams token rejected", "err", err)
	}
	return err
}

// Identify checks as Authenticate does and returns what the token says.
// Identity has the methods of the library's auth.ClaimsIdentity, so that
// an AuthenticateRequest for the library's auth.TokenValidator is
// Identify plus a check of the adapter's credentials.
func (v *Validator) Identify(ctx context.Context, act schema.Activity, authHeader string) (Identity, error) {
	claims, err := v.validate(ctx, act, authHeader)
	if err != nil {
		v.log.InfoContext(ctx, "teams token rejected", "err", err)
		return Identity{}, err
	}
	return Identity{claims: claims}, nil
}

// AuthenticateRequest is Identify for msbotbuilder-go's adapter, whose
// auth.TokenValidator this meets: the adapter's credentials must name this
// bot. channelService is ignored (the library's NewBotAdapter fills it
// with the literal "ChannelService"); only the public cloud is served.
func (v *Validator) AuthenticateRequest(ctx context.Context, act schema.Activity, authHeader string, creds auth.CredentialProvider, _ string) (auth.ClaimsIdentity, error) {
	if creds != nil && creds.GetAppID() != "" && creds.GetAppID() != v.appID {
		return nil, reject("adapter app id %q is not the validator's", creds.GetAppID())
	}
	id, err := v.Identify(ctx, act, authHeader)
	if err != nil {
		return nil, err
	}
	return id, nil
}

var _ auth.TokenValidator = (*Validator)(nil)

// AppID is the app id every accepted token names as its audience.
func (v *Validator) AppID() string { return v.appID }

// Fetches reports how many metadata and JWKS requests the Validator has
// started, failed or not; once keys are cached it stays put.
func (v *Validator) Fetches() (metadata, keys int) {
	return int(v.metaFetches.Load()), int(v.keyFetches.Load())
}

func reject(format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrUnauthorized, fmt.Errorf(format, args...))
}

// recoverInto turns a panic into a refusal; it must be deferred directly.
func recoverInto(err *error) {
	if p := recover(); p != nil {
		*err = reject("validator panicked: %v", p)
	}
}

// validate runs every check and returns the token's claims.
func (v *Validator) validate(ctx context.Context, act schema.Activity, header string) (claims jwt.MapClaims, err error) {
	defer recoverInto(&err)
	raw, ok := strings.CutPrefix(header, "Bearer ")
	switch {
	case !ok:
		return nil, reject("no bearer token")
	case raw == "" || len(raw) > maxToken || strings.ContainsAny(raw, " \t\r\n"):
		return nil, reject("malformed bearer token")
	}
	var key signingKey
	claims = jwt.MapClaims{}
	_, err = v.parser.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token names no key id")
		}
		// The parser has checked alg against allowedAlgs already; this
		// keeps a future parser change from feeding an RSA key to HMAC.
		if _, isRSA := t.Method.(*jwt.SigningMethodRSA); !isRSA {
			return nil, fmt.Errorf("algorithm %q is not RSA", t.Method.Alg())
		}
		k, err := v.lookup(ctx, kid)
		if err != nil {
			return nil, err
		}
		key = k
		return k.pub, nil
	})
	if err != nil {
		return nil, reject("token: %w", err)
	}
	if err := v.checkClaims(claims, act); err != nil {
		return nil, err
	}
	if act.ChannelID != "" && !slices.Contains(key.endorsements, act.ChannelID) {
		return nil, reject("signing key is not endorsed for channel %q", act.ChannelID)
	}
	return claims, nil
}

// checkClaims checks issuer, audience, lifetime and service URL; a claim
// of an unexpected JSON type counts as wrong.
func (v *Validator) checkClaims(c jwt.MapClaims, act schema.Activity) error {
	if iss, _ := c["iss"].(string); iss != BotFrameworkIssuer {
		return reject("issuer %q", iss)
	}
	if !hasAudience(c["aud"], v.appID) {
		return reject("audience is not this bot's app id")
	}
	now := float64(v.clock.Now().Unix())
	skew := ClockSkew.Seconds()
	exp, ok := c["exp"].(float64)
	switch {
	case !ok:
		return reject("token has no numeric exp")
	case now-skew > exp:
		return reject("token expired at %s", strconv.FormatFloat(exp, 'f', 0, 64))
	}
	if raw, present := c["nbf"]; present {
		nbf, ok := raw.(float64)
		if !ok || now+skew < nbf {
			return reject("token not valid yet (nbf %v)", raw)
		}
	}
	su, _ := c["serviceurl"].(string)
	switch {
	case su == "":
		return reject("token has no serviceurl claim")
	case strings.TrimSuffix(su, "/") != strings.TrimSuffix(act.ServiceURL, "/"):
		return reject("serviceurl claim %q is not the activity's %q", su, act.ServiceURL)
	}
	return nil
}

// hasAudience accepts aud as one string or an array of strings.
func hasAudience(aud any, appID string) bool {
	switch a := aud.(type) {
	case string:
		return a == appID
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok && s == appID {
				return true
			}
		}
	}
	return false
}

// Identity is the claims of a validated token. The zero Identity is
// not authenticated.
type Identity struct{ claims jwt.MapClaims }

// GetClaimValue returns a string claim as it is, a number in decimal, an
// array's strings joined by commas, and "" for anything else or a claim
// the token lacks.
func (id Identity) GetClaimValue(name string) string {
	switch x := id.claims[name].(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		var ss []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				ss = append(ss, s)
			}
		}
		return strings.Join(ss, ",")
	}
	return ""
}

// IsAuthenticated is true for an Identity that Identify returned.
func (id Identity) IsAuthenticated() bool { return id.claims != nil }

// lookup returns the key named kid.
// Cached keys answer at once; a stale set is refreshed in the background
// while it keeps serving; an unknown kid waits for a fetch, at most one
// per KeyRetryInterval, shared by everyone waiting.
func (v *Validator) lookup(ctx context.Context, kid string) (signingKey, error) {
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
		return k, nil
	}
	f := v.flight
	if f == nil && !canFetch {
		v.mu.Unlock()
		return signingKey{}, fmt.Errorf("unknown key id %q", kid)
	}
	if f == nil {
		f = v.startLocked(ctx, now)
	}
	v.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		return signingKey{}, fmt.Errorf("wait for signing keys: %w", ctx.Err())
	}
	v.mu.Lock()
	set = v.set
	v.mu.Unlock()
	if k, ok := set.get(kid); ok {
		return k, nil
	}
	if f.err != nil {
		return signingKey{}, fmt.Errorf("fetch signing keys: %w", f.err)
	}
	return signingKey{}, fmt.Errorf("unknown key id %q", kid)
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
