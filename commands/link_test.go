package commands_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

var (
	hanneSlack = bot.Identity{Platform: "slack", Team: "T1", User: "U1"}
	hanneTeams = bot.Identity{Platform: "teams", Team: "tenant-1", User: "aad-1"}
)

func (b *testBot) as(id bot.Identity, name, text string) bot.Message {
	b.t.Helper()
	req := bot.Request{From: id, Name: name, Text: text}
	if id.Platform != bot.ConsolePlatform {
		req.Jobcenter = commands.DefaultJobcenter // the organisation is on the allow-list
	}
	return b.svc.Handle(context.Background(), req)
}

var codeInReply = regexp.MustCompile(`[A-Z2-9]{4}-[A-Z2-9]{4}`)

// TestLinkSlackAndTeams: »forbind« in Slack gives a code; typed in Teams
// it makes the Teams person the Slack person, companies and all.
func TestLinkSlackAndTeams(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	if m := b.as(hanneSlack, "Hanne Jensen", "company add Ærø Maskinfabrik"); m.Error {
		t.Fatal(m.PlainText())
	}
	reply := b.as(hanneSlack, "Hanne Jensen", "forbind").PlainText()
	code := codeInReply.FindString(reply)
	if code == "" {
		t.Fatalf("no code in %q", reply)
	}
	contains(t, reply, "15 minutter", "forbind "+code)
	// In Teams she is a stranger until she types the code, in any case.
	if m := b.as(hanneTeams, "Hanne Jensen", "mine"); m.Error {
		t.Fatal(m.PlainText())
	}
	m := b.as(hanneTeams, "Hanne Jensen", "forbind "+code[:4]+" "+code[5:])
	if m.Error {
		t.Fatal(m.PlainText())
	}
	contains(t, m.PlainText(), "Forbundet", "Hanne Jensen", "Slack og Teams")
	contains(t, b.as(hanneTeams, "Hanne Jensen", "mine").PlainText(), "Ærø Maskinfabrik")
	c, err := b.db.ConsultantByIdentity(context.Background(), hanneTeams)
	if err != nil || c.Name != "Hanne Jensen" || len(c.Identities) != 2 {
		t.Fatalf("after linking: %+v %v", c, err)
	}
	// A code works once.
	contains(t, b.as(hanneTeams, "Hanne Jensen", "forbind "+code).PlainText(), "kender jeg ikke")
	// The link is in the audit trail, found by the person who remains
	// (after the jobcenter her first message created).
	es, n, err := b.db.AuditPage(context.Background(), bot.AuditFilter{PersonID: c.ID}, 0, 10)
	if err != nil || n != 2 || es[0].Action != bot.AuditLink || es[1].Action != bot.AuditJobcenter {
		t.Fatalf("audit entries about Hanne: %+v (%d), %v; want the jobcenter and the link", es, n, err)
	}
}

func TestLinkRefusals(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	code := codeInReply.FindString(b.as(hanneSlack, "Hanne Jensen", "forbind").PlainText())
	// Typed where it was given.
	if m := b.as(hanneSlack, "Hanne Jensen", "forbind "+code); !m.Error {
		t.Fatalf("own code accepted: %s", m.PlainText())
	} else {
		contains(t, m.PlainText(), "den anden chat")
	}
	// Expired.
	code = codeInReply.FindString(b.as(hanneSlack, "Hanne Jensen", "forbind").PlainText())
	b.clock.Add(commands.LinkCodeLife + time.Second)
	if m := b.as(hanneTeams, "Hanne Jensen", "forbind "+code); !m.Error {
		t.Fatalf("expired code accepted: %s", m.PlainText())
	}
	// Both sides have work: refused, and nothing changes.
	b.as(hanneSlack, "Hanne Jensen", "company add L-tek")
	b.as(hanneTeams, "Hanne Jensen", "company add Sorø Tømrer")
	code = codeInReply.FindString(b.as(hanneSlack, "Hanne Jensen", "forbind").PlainText())
	m := b.as(hanneTeams, "Hanne Jensen", "forbind "+code)
	if !m.Error {
		t.Fatalf("two portfolios merged: %s", m.PlainText())
	}
	contains(t, m.PlainText(), "virksomhed tildel")
	contains(t, b.as(hanneTeams, "Hanne Jensen", "mine").PlainText(), "Sorø Tømrer")
	lacks(t, b.as(hanneTeams, "Hanne Jensen", "mine").PlainText(), "L-tek")
	// Garbage.
	if m := b.as(hanneTeams, "Hanne Jensen", "forbind XYZ"); !m.Error {
		t.Fatalf("garbage code accepted: %s", m.PlainText())
	}
}
