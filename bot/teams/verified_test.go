package teams_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
)

// wantVerifications fails unless the Validator has checked n signatures.
func wantVerifications(t *testing.T, v *teams.Validator, n int) {
	t.Helper()
	if got := v.Verifications(); got != n {
		t.Errorf("signatures checked = %d, want %d", got, n)
	}
}

// TestValidatorCachedTokenChecksEveryRequest: a token whose signature was
// checked once is not checked again, but everything that depends on the
// request or the time still is.
func TestValidatorCachedTokenChecksEveryRequest(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	ctx, h := context.Background(), a.Header(teamstest.TokenValid)
	for range 3 {
		if err := v.Authenticate(ctx, teamsActivity(a), h); err != nil {
			t.Fatal(err)
		}
	}
	wantVerifications(t, v, 1)
	for name, change := range map[string]func(*schema.Activity){
		"another region":   func(act *schema.Activity) { act.ServiceURL = "https://smba.trafficmanager.net/amer/" },
		"no serviceUrl":    func(act *schema.Activity) { act.ServiceURL = "" },
		"another channel":  func(act *schema.Activity) { act.ChannelID = "slack" },
		"no channel":       func(act *schema.Activity) { act.ChannelID = "" },
		"another host":     func(act *schema.Activity) { act.ServiceURL = "https://evil.example/emea/" },
		"another port":     func(act *schema.Activity) { act.ServiceURL = "https://smba.trafficmanager.net:8443/emea/" },
		"empty activity":   func(act *schema.Activity) { *act = schema.Activity{} },
		"path in capitals": func(act *schema.Activity) { act.ServiceURL = "https://smba.trafficmanager.net/EMEA/" },
	} {
		act := teamsActivity(a)
		change(&act)
		if err := v.Authenticate(ctx, act, h); !errors.Is(err, teams.ErrUnauthorized) {
			t.Errorf("%s: cached token: err = %v, want ErrUnauthorized", name, err)
		}
	}
	// A token that differs from the cached one by a character is a
	// different token: checked, and refused.
	tampered := h[:len(h)-3] + string('A'+(h[len(h)-3]-'A'+1)%26) + h[len(h)-2:]
	if err := v.Authenticate(ctx, teamsActivity(a), tampered); !errors.Is(err, teams.ErrUnauthorized) {
		t.Errorf("tampered token: err = %v", err)
	}
	wantVerifications(t, v, 2)
	// The token lives an hour, and ClockSkew beyond it.
	clock.advance(time.Hour + teams.ClockSkew)
	if err := v.Authenticate(ctx, teamsActivity(a), h); err != nil {
		t.Errorf("at exp plus the skew: %v", err)
	}
	clock.advance(time.Second)
	for range 2 {
		if err := v.Authenticate(ctx, teamsActivity(a), h); !errors.Is(err, teams.ErrUnauthorized) {
			t.Errorf("a second after exp plus the skew: err = %v, want ErrUnauthorized", err)
		}
	}
}

// TestValidatorCachedTokenAfterKeysChange: a token is trusted only
// against the key set its signature was checked with; once the keys are
// fetched again it is checked again, and refused if its key is gone.
func TestValidatorCachedTokenAfterKeysChange(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	ctx, act := context.Background(), teamsActivity(a)
	first := a.SigningKey()
	old := a.Header(teamstest.TokenValid)
	if err := v.Authenticate(ctx, act, old); err != nil {
		t.Fatal(err)
	}
	// A new key is published beside the old one: the old token is checked
	// once against the new set, and accepted.
	a.Rotate()
	clock.advance(teams.KeyRetryInterval)
	if err := v.Authenticate(ctx, act, a.Header(teamstest.TokenValid)); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	wantFetches(t, v, a, 2, 2)
	for range 2 {
		if err := v.Authenticate(ctx, act, old); err != nil {
			t.Fatalf("old key still published: %v", err)
		}
	}
	wantVerifications(t, v, 3)
	// The old key is retired: once the keys are fetched again, the token
	// it signed is refused, although its signature was good and it has
	// not expired.
	a.Retire(first)
	rotated := a.Rotate()
	clock.advance(teams.KeyRetryInterval)
	if err := v.Authenticate(ctx, act, "Bearer "+a.Token(teamstest.TokenOptions{Key: rotated})); err != nil {
		t.Fatalf("second rotation: %v", err)
	}
	wantFetches(t, v, a, 3, 3)
	for range 2 {
		if err := v.Authenticate(ctx, act, old); !errors.Is(err, teams.ErrUnauthorized) {
			t.Fatalf("token of a retired key: err = %v, want ErrUnauthorized", err)
		}
	}
}

// TestValidatorCachedTokenStaleKeys: once the key set is older than
// KeyRefreshInterval, a cached token goes through the key lookup again,
// which starts the refresh.
func TestValidatorCachedTokenStaleKeys(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	ctx, act := context.Background(), teamsActivity(a)
	h := "Bearer " + a.Token(teamstest.TokenOptions{Expiry: authNow.Add(48 * time.Hour)})
	if err := v.Authenticate(ctx, act, h); err != nil {
		t.Fatal(err)
	}
	clock.advance(teams.KeyRefreshInterval)
	for _, k := v.Fetches(); k < 2; _, k = v.Fetches() {
		if err := v.Authenticate(ctx, act, h); err != nil {
			t.Fatalf("stale keys: %v", err)
		}
		waitAWhile(t)
	}
	// Once the refreshed set is in, the token is checked against it and
	// remembered again: a request comes that checks no signature.
	for {
		n := v.Verifications()
		if err := v.Authenticate(ctx, act, h); err != nil {
			t.Fatalf("after the refresh: %v", err)
		}
		if v.Verifications() == n {
			break
		}
		waitAWhile(t)
	}
	// Checked when first seen, at least once while the keys were stale,
	// and once against the refreshed set.
	before := v.Verifications()
	if before < 3 {
		t.Errorf("signatures checked = %d, want at least 3", before)
	}
	for range 3 {
		if err := v.Authenticate(ctx, act, h); err != nil {
			t.Fatal(err)
		}
	}
	wantVerifications(t, v, before)
}
