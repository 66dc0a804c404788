package teams_test

import (
	"context"
	"errors"
	"testing"

	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
)

// TestValidatorEndorsementIsMSTeams: the signing key's endorsement is
// checked against msteams, the only channel this bot serves, not against
// the channel the activity claims. A correctly signed token is refused
// for an activity from webchat, the emulator or no channel, whatever its
// key is endorsed for.
func TestValidatorEndorsementIsMSTeams(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	v := mustValidator(t, a.MetadataURL, clock)
	webchat := a.AddKey("webchat")
	both := a.AddKey("webchat", "msteams")
	tests := []struct {
		name, channel string
		key           *teamstest.Key
		ok            bool
	}{
		{name: "msteams key, msteams activity", channel: "msteams", key: a.SigningKey(), ok: true},
		{name: "key for webchat and msteams, msteams activity", channel: "msteams", key: both, ok: true},
		{name: "msteams key, webchat activity", channel: "webchat", key: a.SigningKey()},
		{name: "key for webchat and msteams, webchat activity", channel: "webchat", key: both},
		{name: "webchat key, webchat activity", channel: "webchat", key: webchat},
		{name: "webchat key, msteams activity", channel: "msteams", key: webchat},
		{name: "msteams key, emulator activity", channel: "emulator", key: a.SigningKey()},
		{name: "msteams key, activity without channel", channel: "", key: a.SigningKey()},
		{name: "webchat key, activity without channel", channel: "", key: webchat},
		{name: "msteams key, MSTEAMS activity", channel: "MSTEAMS", key: a.SigningKey()},
	}
	for _, tt := range tests {
		act := teamsActivity(a)
		act.ChannelID = tt.channel
		err := v.Authenticate(context.Background(), act, "Bearer "+a.Token(teamstest.TokenOptions{Key: tt.key}))
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case !tt.ok && !errors.Is(err, teams.ErrUnauthorized):
			t.Errorf("%s: err = %v, want ErrUnauthorized", tt.name, err)
		}
	}
}

// TestHandlerRefusesOtherChannels: through /api/messages, a signed webchat
// activity is answered 401 and changes nothing.
func TestHandlerRefusesOtherChannels(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	webchat := r.auth.AddKey("webchat")
	for _, tc := range []struct {
		channel string
		key     *teamstest.Key
	}{{"webchat", r.auth.SigningKey()}, {"webchat", webchat}, {"emulator", r.auth.SigningKey()}, {"", r.auth.SigningKey()}} {
		act := personal(t, "company add Ikke Gemt ApS")
		act["channelId"] = tc.channel
		header := "Bearer " + r.auth.Token(teamstest.TokenOptions{Key: tc.key})
		if code := r.post(t, header, act); code != 401 {
			t.Errorf("channel %q, key %v: status %d, want 401", tc.channel, tc.key.Endorsements, code)
		}
	}
	if n := len(r.bf.Calls()); n != 0 {
		t.Errorf("%d connector calls for refused activities", n)
	}
	all, err := r.db.Conversations(context.Background(), "")
	if err != nil || len(all) != 0 {
		t.Errorf("refused activities stored %d references: %v", len(all), err)
	}
}
