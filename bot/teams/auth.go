package teams

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
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

// MSTeamsChannel is the Bot Framework channel id of Microsoft Teams: the
// only channel the Validator accepts activities from, and the endorsement
// their signing key must carry.
const MSTeamsChannel = "msteams"

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
// Bot Connector service". It caches the OpenID metadata and signing keys,
// and remembers the tokens whose signature it has checked, so that a token
// the Bot Framework sends again (it reuses one for about an hour) costs no
// second RSA verification while the key set it was checked with is still
// the current one; every other check runs on every request. It is safe
// for concurrent use.
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

	verified verifiedTokens

	metaFetches, keyFetches, verifications atomic.Int64
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
// serviceUrl, with a key endorsed for MSTeamsChannel, and act comes from
// that channel (an activity of any other or no channel is refused). Every
// refusal wraps ErrUnauthorized and is logged at Info.
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

// Verifications reports how many tokens the Validator has parsed and
// checked the signature of; a token it has checked before, against the
// key set it still holds, is not counted again.
func (v *Validator) Verifications() int { return int(v.verifications.Load()) }

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

// validate runs every check and returns the token's claims. A token
// whose signature was checked before against the current key set is not
// checked again (see verifiedTokens); every other check runs each time.
func (v *Validator) validate(ctx context.Context, act schema.Activity, header string) (claims jwt.MapClaims, err error) {
	defer recoverInto(&err)
	raw, ok := strings.CutPrefix(header, "Bearer ")
	switch {
	case !ok:
		return nil, reject("no bearer token")
	case raw == "" || len(raw) > maxToken || strings.ContainsAny(raw, " \t\r\n"):
		return nil, reject("malformed bearer token")
	}
	now := v.clock.Now()
	sum := sha256.Sum256([]byte(raw))
	set, fresh := v.current(now)
	if !fresh {
		set = nil // a stale set is refreshed by lookup, so go through it
	}
	tok, cached := v.verified.get(sum, set, now)
	if !cached {
		if tok, err = v.verify(ctx, raw); err != nil {
			return nil, err
		}
	}
	if err := v.checkClaims(tok.claims, act, now); err != nil {
		return nil, err
	}
	// The JWKS endorses each key for the channels it may sign for. This
	// bot serves Teams only: both the activity's channel and the key's
	// endorsement must be msteams, whatever channel the activity names.
	switch {
	case act.ChannelID != MSTeamsChannel:
		return nil, reject("activity channel %q is not %q", act.ChannelID, MSTeamsChannel)
	case !slices.Contains(tok.key.endorsements, MSTeamsChannel):
		return nil, reject("signing key is not endorsed for %q", MSTeamsChannel)
	}
	if !cached {
		v.verified.put(sum, tok, now)
	}
	return tok.claims, nil
}

// verify parses raw and checks its algorithm and signature against the
// key its kid names; the claims are left to checkClaims.
func (v *Validator) verify(ctx context.Context, raw string) (verified, error) {
	v.verifications.Add(1)
	tok := verified{claims: jwt.MapClaims{}}
	_, err := v.parser.ParseWithClaims(raw, tok.claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token names no key id")
		}
		// The parser has checked alg against allowedAlgs already; this
		// keeps a future parser change from feeding an RSA key to HMAC.
		if _, isRSA := t.Method.(*jwt.SigningMethodRSA); !isRSA {
			return nil, fmt.Errorf("algorithm %q is not RSA", t.Method.Alg())
		}
		k, set, err := v.lookup(ctx, kid)
		if err != nil {
			return nil, err
		}
		tok.key, tok.set = k, set
		return k.pub, nil
	})
	if err != nil {
		return verified{}, reject("token: %w", err)
	}
	tok.until, _ = expiry(tok.claims)
	return tok, nil
}

// checkClaims checks issuer, audience, lifetime and service URL; a claim
// of an unexpected JSON type counts as wrong.
func (v *Validator) checkClaims(c jwt.MapClaims, act schema.Activity, at time.Time) error {
	if iss, _ := c["iss"].(string); iss != BotFrameworkIssuer {
		return reject("issuer %q", iss)
	}
	if !hasAudience(c["aud"], v.appID) {
		return reject("audience is not this bot's app id")
	}
	now := float64(at.Unix())
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
	case !sameServiceURL(su, act.ServiceURL):
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
