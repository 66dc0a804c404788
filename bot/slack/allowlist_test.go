package slack_test

import (
	"context"
	"testing"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot/slack"
)

// TestTeamJobcentersAllowList: a workspace is let in by its own id or by
// its Enterprise Grid org's; any other request carries no jobcenter, which
// the commands refuse.
func TestTeamJobcentersAllowList(t *testing.T) {
	list := slack.TeamJobcenters{"T1": "Jobcenter Odense", "E7": "Jobcenter Sorø"}
	for _, c := range []struct {
		team, enterprise, want string
	}{
		{"T1", "", "Jobcenter Odense"},
		{"T1", "E7", "Jobcenter Odense"},
		{"T5", "E7", "Jobcenter Sorø"},
		{"T5", "", ""},
		{"T5", "E8", ""},
		{"", "", ""},
	} {
		req := list.Request(context.Background(), slackapi.SlashCommand{TeamID: c.team, EnterpriseID: c.enterprise, UserID: "U1", Text: "hjælp"})
		if req.Jobcenter != c.want {
			t.Errorf("team %q enterprise %q: jobcenter %q, want %q", c.team, c.enterprise, req.Jobcenter, c.want)
		}
	}
}
