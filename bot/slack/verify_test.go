package slack_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"kontaktbot/bot/slack"
)

// Slack's published signing example (../shared/schemas/README.md); the body
// is kept in testdata/signing-vector.txt.
const (
	vectorSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	vectorTimestamp = 1531420618
	vectorSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func vectorBody(tb testing.TB) []byte {
	tb.Helper()
	body, err := os.ReadFile("testdata/signing-vector.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

func vectorHeader() http.Header {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", strconv.Itoa(vectorTimestamp))
	h.Set("X-Slack-Signature", vectorSignature)
	return h
}

// fixedClock returns a clock stopped at the vector's timestamp plus d.
func fixedClock(d time.Duration) func() time.Time {
	t := time.Unix(vectorTimestamp, 0).Add(d)
	return func() time.Time { return t }
}

// MustVerifier returns a Verifier with secret and clock, or fails tb.
func MustVerifier(tb testing.TB, secret string, clock func() time.Time) *slack.Verifier {
	tb.Helper()
	v, err := slack.NewVerifier(secret, clock)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// sign signs body as Slack would at ts.
func sign(secret string, ts int64, body []byte) http.Header {
	stamp := strconv.FormatInt(ts, 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

func TestVerifyPublishedExample(t *testing.T) {
	t.Parallel()
	body := vectorBody(t)
	// The shared copy, when present, must be the same bytes.
	if shared, err := os.ReadFile("../../../shared/schemas/slack-signing-vector.txt"); err == nil && string(shared) != string(body) {
		t.Fatal("testdata/signing-vector.txt differs from ../shared/schemas/slack-signing-vector.txt")
	}
	if got := sign(vectorSecret, vectorTimestamp, body).Get("X-Slack-Signature"); got != vectorSignature {
		t.Fatalf("test signer gives %s, want the published %s", got, vectorSignature)
	}
	for _, tc := range []struct {
		name string
		skew time.Duration
		want error
	}{
		{"at its timestamp", 0, nil},
		{"5 minutes later", 5 * time.Minute, nil},
		{"5 minutes earlier", -5 * time.Minute, nil},
		{"5 minutes 1 second later", 5*time.Minute + time.Second, slack.ErrStale},
		{"6 minutes later", 6 * time.Minute, slack.ErrStale},
		{"6 minutes earlier (from the future)", -6 * time.Minute, slack.ErrStale},
		{"a day later", 24 * time.Hour, slack.ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := MustVerifier(t, vectorSecret, fixedClock(tc.skew)).Verify(vectorHeader(), body)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	body := vectorBody(t)
	flipped := func(i int) []byte {
		b := append([]byte(nil), body...)
		b[i] ^= 0x01
		return b
	}
	with := func(key, value string) http.Header {
		h := vectorHeader()
		h.Set(key, value)
		return h
	}
	without := func(key string) http.Header {
		h := vectorHeader()
		h.Del(key)
		return h
	}
	twice := vectorHeader()
	twice.Add("X-Slack-Signature", vectorSignature)
	for _, tc := range []struct {
		name   string
		secret string
		header http.Header
		body   []byte
		want   error
	}{
		{"first byte changed", vectorSecret, vectorHeader(), flipped(0), slack.ErrBadSignature},
		{"last byte changed", vectorSecret, vectorHeader(), flipped(len(body) - 1), slack.ErrBadSignature},
		{"byte appended", vectorSecret, vectorHeader(), append(append([]byte(nil), body...), '&'), slack.ErrBadSignature},
		{"empty body", vectorSecret, vectorHeader(), nil, slack.ErrBadSignature},
		{"other secret", vectorSecret + "x", vectorHeader(), body, slack.ErrBadSignature},
		{"signature of another timestamp", vectorSecret, with("X-Slack-Request-Timestamp", strconv.Itoa(vectorTimestamp+1)), body, slack.ErrBadSignature},
		{"signature missing", vectorSecret, without("X-Slack-Signature"), body, slack.ErrUnsigned},
		{"timestamp missing", vectorSecret, without("X-Slack-Request-Timestamp"), body, slack.ErrUnsigned},
		{"no headers", vectorSecret, http.Header{}, body, slack.ErrUnsigned},
		{"signature twice", vectorSecret, twice, body, slack.ErrUnsigned},
		{"other version", vectorSecret, with("X-Slack-Signature", "v1="+vectorSignature[3:]), body, slack.ErrUnsigned},
		{"signature not hex", vectorSecret, with("X-Slack-Signature", "v0=zz"), body, slack.ErrUnsigned},
		{"signature short", vectorSecret, with("X-Slack-Signature", vectorSignature[:40]), body, slack.ErrUnsigned},
		{"empty signature", vectorSecret, with("X-Slack-Signature", "v0="), body, slack.ErrUnsigned},
		{"timestamp not a number", vectorSecret, with("X-Slack-Request-Timestamp", "1531420618.5"), body, slack.ErrUnsigned},
		{"timestamp huge", vectorSecret, with("X-Slack-Request-Timestamp", "9223372036854775807"), body, slack.ErrStale},
		{"timestamp negative", vectorSecret, with("X-Slack-Request-Timestamp", "-9223372036854775808"), body, slack.ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := MustVerifier(t, tc.secret, fixedClock(0)).Verify(tc.header, tc.body)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNewVerifierRefusesEmptySecret(t *testing.T) {
	t.Parallel()
	if _, err := slack.NewVerifier("", fixedClock(0)); !errors.Is(err, slack.ErrNoSecret) {
		t.Fatalf("NewVerifier(\"\") = %v, want ErrNoSecret", err)
	}
	if _, err := slack.NewVerifier(vectorSecret, nil); err == nil {
		t.Fatal("NewVerifier with a nil clock succeeded")
	}
	// A Verifier built by hand without a secret accepts nothing, not even a
	// request signed with the empty key (GO-2026-5410).
	body := vectorBody(t)
	v := &slack.Verifier{Clock: fixedClock(0)}
	if err := v.Verify(sign("", vectorTimestamp, body), body); !errors.Is(err, slack.ErrNoSecret) {
		t.Fatalf("Verify with no secret = %v, want ErrNoSecret", err)
	}
}
