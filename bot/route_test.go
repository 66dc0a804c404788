package bot_test

import (
	"context"
	"errors"
	"testing"

	"kontaktbot/bot"
)

// recorder is a Notifier that says which platform it is.
type recorder string

func (r recorder) SendToPerson(context.Context, bot.Consultant, bot.Message) (bot.Receipt, error) {
	return bot.Receipt{MessageID: string(r)}, nil
}

func (r recorder) PostToChannel(_ context.Context, ch bot.Channel, _ bot.Message) (bot.Receipt, error) {
	return bot.Receipt{Channel: ch, MessageID: string(r)}, nil
}

func (r recorder) UpdateMessage(_ context.Context, rc bot.Receipt, _ bot.Message) (bot.Receipt, error) {
	return bot.Receipt{Channel: rc.Channel, MessageID: string(r) + "-updated"}, nil
}

func TestPlatformsRouteByIdentityAndChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := bot.Platforms{"slack": recorder("slack"), "teams": recorder("teams")}
	for _, tc := range []struct {
		ids  []bot.Identity
		want string
	}{
		{[]bot.Identity{{Platform: "teams", User: "aad"}, {Platform: "slack", User: "U1"}}, "teams"},
		{[]bot.Identity{{Platform: "console", User: "hanne"}, {Platform: "slack", User: "U1"}}, "slack"},
	} {
		r, err := p.SendToPerson(ctx, bot.Consultant{Identities: tc.ids}, bot.Message{})
		if err != nil || r.MessageID != tc.want {
			t.Errorf("%v: %v %v", tc.ids, r, err)
		}
	}
	if _, err := p.SendToPerson(ctx, bot.Consultant{Name: "Ny", Identities: []bot.Identity{{Platform: "console"}}}, bot.Message{}); !errors.Is(err, bot.ErrUnreachable) {
		t.Errorf("no platform: %v", err)
	}
	if r, err := p.PostToChannel(ctx, bot.Channel{Platform: "teams", ID: "19:x"}, bot.Message{}); err != nil || r.MessageID != "teams" {
		t.Errorf("post: %v %v", r, err)
	}
	if r, err := p.UpdateMessage(ctx, bot.Receipt{Channel: bot.Channel{Platform: "slack", ID: "C1"}}, bot.Message{}); err != nil || r.MessageID != "slack-updated" {
		t.Errorf("update: %v %v", r, err)
	}
	if _, err := p.PostToChannel(ctx, bot.Channel{Platform: "irc", ID: "#x"}, bot.Message{}); err == nil {
		t.Error("post to an unknown platform succeeded")
	}
}
