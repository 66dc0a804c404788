// The Validator's memory of tokens whose signature it has checked.

package teams

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// maxVerifiedTokens bounds the tokens remembered. The Bot Connector
// service reuses one token for about an hour, so a bot sees a handful at
// a time; only tokens that passed every check are remembered, so an
// outsider cannot fill the cache.
const maxVerifiedTokens = 256

// verified is what checking a token's signature established, and which
// claims it carries. The claims are shared by every request that sends the
// same token, so they are only read, never changed.
type verified struct {
	claims jwt.MapClaims
	key    signingKey
	// set is the key set the signature was checked against: once it is
	// replaced (a refresh, a rotation) or stale, the token is checked again.
	set *keySet
	// until is exp plus ClockSkew, after which the claims check refuses
	// the token anyway; the entry is dropped then.
	until time.Time
}

// verifiedTokens remembers tokens by the SHA-256 of their exact text, so
// that the RSA verification runs once per token rather than once per
// request. Everything that depends on the request or the time (issuer,
// audience, lifetime, serviceurl against the activity, channel and
// endorsement) is still checked on every request. Safe for concurrent use.
type verifiedTokens struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]verified
}

// get returns the remembered token whose hash is sum, if it was checked
// against set (the Validator's current, fresh key set) and is still
// within its validity at now.
func (c *verifiedTokens) get(sum [sha256.Size]byte, set *keySet, now time.Time) (verified, bool) {
	if set == nil {
		return verified{}, false
	}
	c.mu.Lock()
	t, ok := c.m[sum]
	c.mu.Unlock()
	if !ok || t.set != set || !now.Before(t.until) {
		return verified{}, false
	}
	return t, true
}

// put remembers t under sum. When the cache is full it first drops the
// entries that can no longer be used at now, then, if that freed nothing,
// an arbitrary one.
func (c *verifiedTokens) put(sum [sha256.Size]byte, t verified, now time.Time) {
	if t.set == nil || !now.Before(t.until) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[[sha256.Size]byte]verified)
	}
	if _, present := c.m[sum]; !present && len(c.m) >= maxVerifiedTokens {
		for k, e := range c.m {
			if e.set != t.set || !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < maxVerifiedTokens {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[sum] = t
}

// len is how many tokens are remembered.
func (c *verifiedTokens) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// expiry is the end of a token's validity as the claims check sees it:
// exp plus ClockSkew; false when exp is missing or not a number.
func expiry(c jwt.MapClaims) (time.Time, bool) {
	exp, ok := c["exp"].(float64)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(int64(exp), 0).Add(ClockSkew), true
}
