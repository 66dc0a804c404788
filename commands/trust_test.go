package commands_test

import (
	"context"
	"strings"
	"testing"

	"kontaktbot/bot"
)

// TestUnknownOrganisationRefused: a Slack workspace or Teams tenant on no
// allow-list (the adapter sets no jobcenter) gets one polite reply in both
// languages, naming its id, and nothing is stored: no person, no
// jobcenter. Before the allow-list, such a person was enrolled into a
// fresh "Jobcenter" and read every company's notes.
func TestUnknownOrganisationRefused(t *testing.T) {
	b := newBot(t)
	b.say("Hanne", "virksomhed opret L-tek")
	for _, id := range []bot.Identity{
		{Platform: "slack", Team: "T999", User: "U1"},
		{Platform: "teams", Team: "tenant-evil", User: "aad-1"},
	} {
		msg := b.svc.Handle(context.Background(), bot.Request{From: id, Name: "Mallory", Text: "virksomhed vis L-tek"})
		got := msg.PlainText()
		if !msg.Error || !strings.Contains(got, "ikke sat op") || !strings.Contains(got, "not set up") || !strings.Contains(got, id.Team) {
			t.Errorf("%s: reply = %q, want the not-set-up refusal naming %s", id.Platform, got, id.Team)
		}
		if strings.Contains(got, "L-tek") {
			t.Errorf("%s: reply tells of the company: %q", id.Platform, got)
		}
	}
	people, err := b.db.Consultants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 1 || people[0].Name != "Hanne" {
		t.Errorf("people = %+v, want only Hanne", people)
	}
	js, err := b.db.Jobcenters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 1 {
		t.Errorf("jobcenters = %+v, want only the console's", js)
	}
}

// TestKnownPersonOfRemovedOrganisationRefused: a person enrolled while
// their workspace was allowed is refused once it is taken off the list.
func TestKnownPersonOfRemovedOrganisationRefused(t *testing.T) {
	b := newBot(t)
	id := bot.Identity{Platform: "slack", Team: "T1", User: "U1"}
	ctx := context.Background()
	if msg := b.svc.Handle(ctx, bot.Request{From: id, Name: "Hanne", Text: "hjælp", Jobcenter: "Jobcenter Odense"}); msg.Error {
		t.Fatalf("allowed workspace refused: %s", msg.PlainText())
	}
	if msg := b.svc.Handle(ctx, bot.Request{From: id, Name: "Hanne", Text: "hjælp"}); !msg.Error || !strings.Contains(msg.PlainText(), "ikke sat op") {
		t.Errorf("removed workspace answered: %s", msg.PlainText())
	}
}
