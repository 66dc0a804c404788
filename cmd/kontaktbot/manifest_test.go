package main

import (
	"strings"
	"testing"
)

func TestSlackManifestFromTheCommandTable(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, "", nil, "slack-manifest", "--url", "https://kontaktbot.odense.dk")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"visit", "company", "mine", "snooze", "plan", "away", "coverage", "position", "introday", "kontakt"} {
		if !strings.Contains(out, "- command: /"+name+"\n") {
			t.Errorf("manifest lacks /%s", name)
		}
	}
	for _, want := range []string{"url: https://kontaktbot.odense.dk/slack/commands",
		"description: Noter en kontakt med en virksomhed; nulstiller kadencen.",
		"usage_hint: <virksomhed> [dato] [besøg|telefon|mail|møde] <note>",
		"usage_hint: add <navn> [cvr <nr>]", "usage_hint: '[person] til <dato> [stedfortræder <person>] | [person] slut'",
		"request_url: https://kontaktbot.odense.dk/slack/interactions", "- app_home_opened"} {
		if !strings.Contains(out, want) {
			t.Errorf("manifest lacks %q:\n%s", want, out)
		}
	}
	if out, _, err := runCmd(t, "", nil, "slack-manifest", "--socket"); err != nil || !strings.Contains(out, "socket_mode_enabled: true") || strings.Contains(out, "url:") {
		t.Errorf("--socket: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"slack-manifest"}, {"slack-manifest", "--url", "kontaktbot.dk"}, {"slack-manifest", "--url", "https://h", "extra"}} {
		if _, _, err := runCmd(t, "", nil, args...); err == nil || !strings.Contains(err.Error(), "url") && !strings.Contains(err.Error(), "unexpected") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
