package teamstest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// TokenIssuer is the issuer the Bot Framework writes into the tokens it
// sends to bots.
const TokenIssuer = "https://api.botframework.com"

// The paths Auth serves, as login.botframework.com does.
const (
	MetadataPath = "/v1/.well-known/openidconfiguration"
	KeysPath     = "/v1/.well-known/keys"
)

// AuthOptions configure NewAuth; a zero field takes the default given.
type AuthOptions struct {
	AppID        string    // the bot's app id, the tokens' audience; "app-id-1"
	ServiceURL   string    // the tokens' serviceurl; "https://smba.trafficmanager.net/emea/"
	Now          time.Time // when tokens are minted; 2026-11-23 09:00 UTC
	Endorsements []string  // of the keys NewAuth and Rotate make; ["msteams"]
}

// Key is one signing key of the fake: its kid, its private half and the
// channels the JWKS endorses it for.
type Key struct {
	ID           string
	Private      *rsa.PrivateKey
	Endorsements []string
}

// Auth is the Bot Framework's sign-in side on an httptest server: OpenID
// metadata at MetadataURL naming a JWKS on the same server, the keys in
// it, and tokens signed with them. It counts the fetches of each
// document. It is safe for concurrent use; the server closes when the
// test ends.
type Auth struct {
	AppID, ServiceURL string
	Now               time.Time
	// MetadataURL is what a validator is configured with.
	MetadataURL string
	Server      *httptest.Server

	tb           testing.TB
	endorsements []string

	mu         sync.Mutex
	served     []*Key
	signer     *Key
	unendorsed *Key
	unknown    *Key
	failing    bool
	seq        int

	pooled                  atomic.Int64 // pool keys taken
	metaFetches, keyFetches atomic.Int64
}

// NewAuth starts the fake with one signing key endorsed as configured and
// one endorsed only for "skype".
func NewAuth(tb testing.TB, o AuthOptions) *Auth {
	tb.Helper()
	if o.AppID == "" {
		o.AppID = "app-id-1"
	}
	if o.ServiceURL == "" {
		o.ServiceURL = "https://smba.trafficmanager.net/emea/"
	}
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	}
	if o.Endorsements == nil {
		o.Endorsements = []string{"msteams"}
	}
	a := &Auth{AppID: o.AppID, ServiceURL: o.ServiceURL, Now: o.Now, tb: tb, endorsements: o.Endorsements}
	a.signer = a.addKey(o.Endorsements)
	a.unendorsed = a.addKey([]string{"skype"})
	a.unknown = &Key{ID: "unpublished-key", Private: a.poolKey(), Endorsements: o.Endorsements}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+MetadataPath, a.serveMetadata)
	mux.HandleFunc("GET "+KeysPath, a.serveKeys)
	a.Server = httptest.NewServer(mux)
	tb.Cleanup(a.Server.Close)
	a.MetadataURL = a.Server.URL + MetadataPath
	return a
}

// Fetches reports how many times the metadata and the JWKS were asked for,
// including the ones answered with an error.
func (a *Auth) Fetches() (metadata, keys int) {
	return int(a.metaFetches.Load()), int(a.keyFetches.Load())
}

// SetFailing makes both documents answer 500 while fail is true.
func (a *Auth) SetFailing(fail bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failing = fail
}

// Rotate adds a new key with the default endorsements to the JWKS and
// signs with it from now on; the old keys stay published. Like AddKey,
// it must be called from the test's goroutine.
func (a *Auth) Rotate() *Key {
	k := a.addKey(a.endorsements)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.signer = k
	return k
}

// Retire takes k off the JWKS, as the Bot Framework does with a key it no
// longer signs with; tokens signed with it must be refused once a
// validator has fetched the keys again.
func (a *Auth) Retire(k *Key) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.served = slices.DeleteFunc(a.served, func(s *Key) bool { return s == k })
}

// AddKey publishes a new key endorsed for the given channels without
// signing with it by default.
func (a *Auth) AddKey(endorsements ...string) *Key { return a.addKey(endorsements) }

// SigningKey is the key tokens are signed with by default.
func (a *Auth) SigningKey() *Key {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.signer
}

// UnendorsedKey is a published key endorsed only for "skype".
func (a *Auth) UnendorsedKey() *Key { return a.unendorsed }

// UnknownKey is a key the JWKS does not publish.
func (a *Auth) UnknownKey() *Key { return a.unknown }

func (a *Auth) addKey(endorsements []string) *Key {
	priv := a.poolKey()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	k := &Key{ID: fmt.Sprintf("key-%d", a.seq), Private: priv, Endorsements: endorsements}
	a.served = append(a.served, k)
	return k
}

// poolKey returns the Auth's next key from the pool, failing the test
// if none can be generated.
func (a *Auth) poolKey() *rsa.PrivateKey {
	a.tb.Helper()
	i := int(a.pooled.Add(1)) - 1
	k, err := pooledRSAKey(i)
	if err != nil {
		a.tb.Fatalf("teamstest: %v", err)
	}
	return k
}

// rsaKeyPool holds the RSA keys generated so far, shared by every Auth of the
// test binary: generating a 2048-bit key takes tens of milliseconds.
var rsaKeyPool struct {
	sync.Mutex
	keys []*rsa.PrivateKey
}

// pooledRSAKey returns the i-th generated key, generating up to it.
func pooledRSAKey(i int) (*rsa.PrivateKey, error) {
	rsaKeyPool.Lock()
	defer rsaKeyPool.Unlock()
	for len(rsaKeyPool.keys) <= i {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("generate rsa key: %w", err)
		}
		rsaKeyPool.keys = append(rsaKeyPool.keys, k)
	}
	return rsaKeyPool.keys[i], nil
}

func (a *Auth) isFailing(w http.ResponseWriter) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failing {
		http.Error(w, "fake bot framework: failing", http.StatusInternalServerError)
	}
	return a.failing
}

func (a *Auth) serveMetadata(w http.ResponseWriter, _ *http.Request) {
	a.metaFetches.Add(1)
	if a.isFailing(w) {
		return
	}
	writeAuthJSON(w, map[string]any{
		"issuer":                                TokenIssuer,
		"authorization_endpoint":                "https://invalid.botframework.com",
		"jwks_uri":                              a.Server.URL + KeysPath,
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
	})
}

func (a *Auth) serveKeys(w http.ResponseWriter, _ *http.Request) {
	a.keyFetches.Add(1)
	if a.isFailing(w) {
		return
	}
	a.mu.Lock()
	keys := make([]map[string]any, 0, len(a.served))
	for _, k := range a.served {
		pub := k.Private.PublicKey
		keys = append(keys, map[string]any{
			"kty": "RSA", "use": "sig", "kid": k.ID,
			"n":            base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e":            base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			"endorsements": k.Endorsements,
		})
	}
	a.mu.Unlock()
	writeAuthJSON(w, map[string]any{"keys": keys})
}

func writeAuthJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// TokenOptions say what to mint; a zero field takes the default given.
type TokenOptions struct {
	Audience     any       // string or []string; Auth.AppID
	Issuer       string    // TokenIssuer
	ServiceURL   string    // Auth.ServiceURL
	NoServiceURL bool      // leave the serviceurl claim out
	IssuedAt     time.Time // Auth.Now; also the nbf
	Expiry       time.Time // IssuedAt plus an hour
	Key          *Key      // SigningKey()
	// Method is RS256 by default; RS384 and RS512 sign with Key too,
	// HS256 uses Key's public modulus as the HMAC secret (the classic
	// algorithm confusion attack) and "none" leaves the token unsigned.
	Method string
	// Claims and Header are set last, over the defaults; a nil value
	// removes the claim or header field.
	Claims map[string]any
	Header map[string]any
}

// Token mints a JWT (without "Bearer ") as the options say. A signing
// failure fails the test and returns "".
func (a *Auth) Token(o TokenOptions) string {
	if o.Audience == nil {
		o.Audience = a.AppID
	}
	if o.Issuer == "" {
		o.Issuer = TokenIssuer
	}
	if o.ServiceURL == "" {
		o.ServiceURL = a.ServiceURL
	}
	if o.IssuedAt.IsZero() {
		o.IssuedAt = a.Now
	}
	if o.Expiry.IsZero() {
		o.Expiry = o.IssuedAt.Add(time.Hour)
	}
	if o.Key == nil {
		o.Key = a.SigningKey()
	}
	claims := jwt.MapClaims{"iss": o.Issuer, "aud": o.Audience, "nbf": o.IssuedAt.Unix(), "exp": o.Expiry.Unix()}
	if !o.NoServiceURL {
		claims["serviceurl"] = o.ServiceURL
	}
	authOverlay(claims, o.Claims)
	method, key := a.method(o)
	t := jwt.NewWithClaims(method, claims)
	t.Header["kid"] = o.Key.ID
	authOverlay(t.Header, o.Header)
	s, err := t.SignedString(key)
	if err != nil {
		a.tb.Errorf("teamstest: sign token: %v", err)
		return ""
	}
	return s
}

func (a *Auth) method(o TokenOptions) (jwt.SigningMethod, any) {
	switch o.Method {
	case "none":
		return jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType
	case "HS256":
		return jwt.SigningMethodHS256, o.Key.Private.PublicKey.N.Bytes()
	case "RS384":
		return jwt.SigningMethodRS384, o.Key.Private
	case "RS512":
		return jwt.SigningMethodRS512, o.Key.Private
	}
	return jwt.SigningMethodRS256, o.Key.Private
}

func authOverlay(m, over map[string]any) {
	for k, v := range over {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
}

// TokenKind names a token the Bot Framework would or would not send.
type TokenKind int

// The kinds Header mints. TokenValid and TokenArrayAudience are good
// tokens; every other kind must be refused.
const (
	TokenValid           TokenKind = iota
	TokenArrayAudience             // aud is [another app, the bot]
	TokenExpired                   // exp ten minutes ago, beyond any skew
	TokenNotYetValid               // nbf in ten minutes
	TokenWrongAudience             // aud is another app
	TokenWrongIssuer               // iss is not the Bot Framework
	TokenUnendorsed                // a published key not endorsed for msteams
	TokenUnknownKey                // a key the JWKS does not publish
	TokenNoServiceURL              // no serviceurl claim
	TokenWrongServiceURL           // serviceurl of another region
	TokenAlgNone                   // alg none, unsigned
	TokenAlgHS256                  // HMAC with the public key as secret
	TokenGarbage                   // not a JWT at all
)

var tokenKindNames = [...]string{
	"valid", "array-audience", "expired", "not-yet-valid", "wrong-audience", "wrong-issuer",
	"unendorsed", "unknown-key", "no-serviceurl", "wrong-serviceurl", "alg-none", "alg-hs256", "garbage",
}

// TokenKinds lists every kind, the good ones first.
func TokenKinds() []TokenKind {
	ks := make([]TokenKind, len(tokenKindNames))
	for i := range ks {
		ks[i] = TokenKind(i)
	}
	return ks
}

// String is the kind's name, for test names.
func (k TokenKind) String() string {
	if k < 0 || int(k) >= len(tokenKindNames) {
		return fmt.Sprintf("TokenKind(%d)", int(k))
	}
	return tokenKindNames[k]
}

// Header mints a token of kind and returns the whole Authorization
// header value, "Bearer <token>".
func (a *Auth) Header(kind TokenKind) string {
	var o TokenOptions
	switch kind {
	case TokenArrayAudience:
		o.Audience = []string{"some-other-app", a.AppID}
	case TokenExpired:
		o.IssuedAt, o.Expiry = a.Now.Add(-70*time.Minute), a.Now.Add(-10*time.Minute)
	case TokenNotYetValid:
		o.IssuedAt = a.Now.Add(10 * time.Minute)
	case TokenWrongAudience:
		o.Audience = "some-other-app"
	case TokenWrongIssuer:
		o.Issuer = "https://sts.windows.net/evil/"
	case TokenUnendorsed:
		o.Key = a.UnendorsedKey()
	case TokenUnknownKey:
		o.Key = a.UnknownKey()
	case TokenNoServiceURL:
		o.NoServiceURL = true
	case TokenWrongServiceURL:
		o.ServiceURL = "https://smba.trafficmanager.net/amer/"
	case TokenAlgNone:
		o.Method = "none"
	case TokenAlgHS256:
		o.Method = "HS256"
	case TokenGarbage:
		return "Bearer not-a-jwt"
	}
	return "Bearer " + a.Token(o)
}
