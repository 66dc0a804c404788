package teams

import (
	"crypto/sha256"
	"strconv"
	"testing"
	"time"
)

// TestVerifiedTokensBounded: the cache never holds more than
// maxVerifiedTokens, and what can no longer be used goes first.
func TestVerifiedTokensBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	old, cur := &keySet{}, &keySet{}
	sum := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte("token-" + strconv.Itoa(i))) }
	var c verifiedTokens
	for i := range maxVerifiedTokens / 2 {
		c.put(sum(i), verified{set: old, until: now.Add(time.Hour)}, now)
	}
	for i := maxVerifiedTokens / 2; i < maxVerifiedTokens; i++ {
		c.put(sum(i), verified{set: cur, until: now.Add(time.Hour)}, now)
	}
	if c.len() != maxVerifiedTokens {
		t.Fatalf("len = %d, want %d", c.len(), maxVerifiedTokens)
	}
	// Full: the tokens of the replaced set go, the current ones stay.
	c.put(sum(-1), verified{set: cur, until: now.Add(time.Hour)}, now)
	if c.len() != maxVerifiedTokens/2+1 {
		t.Errorf("len = %d after a put into a full cache, want %d", c.len(), maxVerifiedTokens/2+1)
	}
	for i := maxVerifiedTokens / 2; i < maxVerifiedTokens; i++ {
		if _, ok := c.get(sum(i), cur, now); !ok {
			t.Fatalf("token %d of the current set dropped", i)
		}
	}
	if _, ok := c.get(sum(0), old, now); ok {
		t.Error("token of the replaced set kept")
	}
	for i := range 3 * maxVerifiedTokens {
		c.put(sum(1000+i), verified{set: cur, until: now.Add(time.Hour)}, now)
		if c.len() > maxVerifiedTokens {
			t.Fatalf("len = %d > %d", c.len(), maxVerifiedTokens)
		}
	}
	// Expired, or checked against another set: not answered.
	c.put(sum(-2), verified{set: cur, until: now.Add(time.Minute)}, now)
	if _, ok := c.get(sum(-2), cur, now.Add(time.Minute)); ok {
		t.Error("expired token answered")
	}
	if _, ok := c.get(sum(-2), old, now); ok {
		t.Error("token answered for another key set")
	}
	if _, ok := c.get(sum(-2), nil, now); ok {
		t.Error("token answered without a key set")
	}
	c.put(sum(-3), verified{set: cur, until: now}, now)
	if _, ok := c.get(sum(-3), cur, now.Add(-time.Second)); ok {
		t.Error("token remembered although it had expired when put")
	}
}
