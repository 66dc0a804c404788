package slack_test

import (
	"context"
	"testing"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
)

// knownPeople is People over a map of identity keys.
type knownPeople map[string]bot.Consultant

func (k knownPeople) ConsultantByIdentity(_ context.Context, id bot.Identity) (bot.Consultant, error) {
	if c, ok := k[id.Key()]; ok {
		return c, nil
	}
	return bot.Consultant{}, bot.ErrNotFound
}

func TestNamesResolveNewcomersAndMentions(t *testing.T) {
	t.Parallel()
	api := newWebAPI(t)
	people := knownPeople{"slack/T1/U5": {Name: "Søren Ærbo"}}
	n := slack.NewNames(api.client(), people, slack.TeamJobcenters{"T1": "Jobcenter Sorø"}, nil, nil)
	ctx := context.Background()
	cmd := slackapi.SlashCommand{Command: "/company", TeamID: "T1", UserID: "U7", UserName: "hanne", ChannelID: "C1",
		Text: "assign L-tek <@U5|soeren> &amp; <@U2|lars> og <@U9|ukendt> og <@U8>"}
	req := n.Request(ctx, cmd)
	want := "company assign L-tek Søren Ærbo & Lars Larsen og ukendt og @U8"
	if req.Text != want || req.Name != "Hanne Jensen" || req.Jobcenter != "Jobcenter Sorø" {
		t.Errorf("request %+v\nwant text %q", req, want)
	}
	// Known people cost no call; names looked up are remembered.
	calls := len(api.called("users.info"))
	if calls != 4 { // U2, U9, U8 and the newcomer U7; not U5
		t.Errorf("%d users.info calls, want 4", calls)
	}
	n.Request(ctx, cmd)
	if got := len(api.called("users.info")); got != calls {
		t.Errorf("%d users.info calls after a second request, want %d", got, calls)
	}
	people["slack/T1/U7"] = bot.Consultant{Name: "Hanne J."}
	if req := n.Request(ctx, slackapi.SlashCommand{Command: "/mine", TeamID: "T1", UserID: "U7", UserName: "hanne"}); req.Name != "Hanne J." {
		t.Errorf("known person named %q", req.Name)
	}
}
