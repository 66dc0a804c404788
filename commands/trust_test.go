package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// TestUnknownOrganisationRefused: a Slack workspace or Teams tenant on no
// allow-list (the adapter sets no jobcenter) gets one polite reply in both
// languages, naming its id, and nothing is stored: no person, no
// jobcenter. Before the allow-list, such a person was enrolled into a
// fresh "Jobcenter" and read every company's notes.
func TestUnknownOrganisationRefused(t *testing.T) {
	m := &commandCounts{}
	b := newBot(t, func(c *commands.Config) { c.Metrics = m })
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
	if n := m.count("unknown-organisation", "refused"); n != 2 {
		t.Errorf("metric unknown-organisation/refused = %d, want 2", n)
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

// TestLeadActsInOwnJobcenterOnly: a lead of Sorø may not re-assign, pause,
// re-cadence or rename a Slagelse company, close its positions, report a
// Slagelse person's absence or read their coverage; the refusal names who
// may ("a lead of Jobcenter Slagelse or an admin"), and nothing changes.
// An admin acts everywhere.
func TestLeadActsInOwnJobcenterOnly(t *testing.T) {
	t.Parallel()
	b, _ := region(t)
	b.ok("Sofie", "virksomhed opret Slagelse Smed")
	b.ok("Sofie", "stilling Slagelse Smed Svejser antal 1")
	before := b.company("Slagelse Smed")
	const who = "Kun virksomhedens faste konsulent (Sofie), en leder i Jobcenter Slagelse eller en administrator kan gøre det"
	for _, line := range []string{
		"virksomhed pause Slagelse Smed",
		"virksomhed kadence Slagelse Smed 60",
		"virksomhed omdøb Slagelse Smed = Slagelse Smedie",
		"virksomhed alias Slagelse Smed = SS",
		"udsæt Slagelse Smed 2 uger",
	} {
		contains(t, b.refused("Lis", line), who)
	}
	contains(t, b.refused("Lis", "virksomhed tildel Slagelse Smed Hanne"), "Kun en leder i Jobcenter Slagelse eller en administrator")
	contains(t, b.refused("Lis", "virksomhed tildel L-tek Sofie"), "Kun en leder i Jobcenter Slagelse eller en administrator")
	contains(t, b.refused("Lis", "stilling luk 1"), "Kun stillingens kontaktperson (Sofie), en leder i Jobcenter Slagelse eller en administrator")
	contains(t, b.refused("Lis", "fravær Sofie til 4/12"), "Kun en leder i Jobcenter Slagelse eller en administrator")
	contains(t, b.refused("Lis", "dækning Sofie"), "en leder i Sofies jobcenter eller en administrator")
	if got := b.company("Slagelse Smed"); got.Status != before.Status || got.CadenceDays != before.CadenceDays || got.Name != before.Name || len(got.Aliases) != 0 || !got.SnoozedUntil.IsZero() {
		t.Errorf("a lead of another jobcenter changed the company: %+v", got)
	}
	if p := b.pos(1); p.Status != bot.PositionOpen {
		t.Errorf("a lead of another jobcenter closed the position: %s", p.Status)
	}
	if p := b.person("Sofie"); !p.AwayUntil.IsZero() {
		t.Errorf("a lead of another jobcenter set an absence: %v", p.AwayUntil)
	}
	// In their own jobcenter the lead may; the admin may everywhere.
	b.ok("Lis", "virksomhed tildel L-tek Hanne")
	b.ok("Lis", "fravær Hanne til 4/12")
	b.ok("Anne", "virksomhed pause Slagelse Smed")
	b.ok("Anne", "stilling luk 1")
	b.ok("Anne", "virksomhed tildel Slagelse Smed Rita")
}

// TestConsultantAddsCompaniesForThemselves: »virksomhed opret X ejer
// <kollega>« is a lead's act in the colleague's jobcenter, as »virksomhed
// tildel« is; before, any consultant could hand a company to anyone.
func TestConsultantAddsCompaniesForThemselves(t *testing.T) {
	t.Parallel()
	b, _ := region(t)
	contains(t, b.refused("Hanne", "virksomhed opret Hansens Is ejer Per"), "Kun en leder i Jobcenter Sorø eller en administrator")
	contains(t, b.refused("Lis", "virksomhed opret Hansens Is ejer Sofie"), "Kun en leder i Jobcenter Slagelse eller en administrator")
	if cs, _, err := b.db.FindCompanies(context.Background(), bot.NormalizeName("Hansens Is"), 0); err != nil || cs != nil {
		t.Fatalf("a refused add stored the company: %v %v", cs, err)
	}
	b.ok("Hanne", "virksomhed opret Hansens Is")
	if co := b.company("Hansens Is"); co.OwnerID != b.person("Hanne").ID {
		t.Errorf("owner = #%d, want Hanne", co.OwnerID)
	}
	b.ok("Lis", "virksomhed opret Bagerens Brød ejer Per")
	b.ok("Anne", "virksomhed opret Slagelse Is ejer Sofie")
}

// TestNamedAdmins: KONTAKTBOT_ADMINS names admins by platform user id,
// identity key or console name; the first Slack person to write is not
// admin unless named.
func TestNamedAdmins(t *testing.T) {
	t.Parallel()
	b := newBot(t, func(c *commands.Config) {
		c.Admins = []string{"U7", "teams/tenant-1/aad-9", "Hanne Jensen"}
	})
	ctx := context.Background()
	as := func(id bot.Identity, name string) bot.Consultant {
		t.Helper()
		b.svc.Handle(ctx, bot.Request{From: id, Name: name, Text: "hjælp", Jobcenter: "Jobcenter Odense"})
		p, err := b.db.ConsultantByIdentity(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := as(bot.Identity{Platform: "slack", Team: "T1", User: "U1"}, "Først"); p.Role != bot.RoleConsultant {
		t.Errorf("first Slack writer: %s, want consultant", p.Role)
	}
	if p := as(bot.Identity{Platform: "slack", Team: "T1", User: "U7"}, "Ole"); p.Role != bot.RoleAdmin {
		t.Errorf("U7: %s, want admin", p.Role)
	}
	if p := as(bot.Identity{Platform: "teams", Team: "tenant-1", User: "aad-9"}, "Mette"); p.Role != bot.RoleAdmin {
		t.Errorf("teams key: %s, want admin", p.Role)
	}
	if p := as(bot.Identity{Platform: "teams", Team: "tenant-2", User: "aad-9"}, "Mette 2"); p.Role == bot.RoleAdmin {
		t.Error("the key of another tenant made admin")
	}
	b.say("Hanne Jensen", "hjælp")
	if p := b.person("Hanne Jensen"); p.Role != bot.RoleAdmin {
		t.Errorf("console name: %s, want admin", p.Role)
	}
}

// commandCounts is bot.Metrics counting commands by name and outcome.
type commandCounts struct {
	bot.NopMetrics
	mu sync.Mutex
	n  map[string]int
}

func (m *commandCounts) Command(name, outcome string, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[name+"/"+outcome]++
}

func (m *commandCounts) count(name, outcome string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[name+"/"+outcome]
}

// TestDisplayNameCleaned: a platform display name loses bidi controls and
// never stores a CPR number as a person's name.
func TestDisplayNameCleaned(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	ctx := context.Background()
	for _, c := range []struct {
		id         bot.Identity
		name, want string
	}{
		{bot.Identity{Platform: "slack", Team: "T1", User: "U1"}, "Hanne\u202e nesneJ", "Hanne nesneJ"},
		{bot.Identity{Platform: "slack", Team: "T1", User: "U2"}, "Per 010190-1234", "U2"},
	} {
		b.svc.Handle(ctx, bot.Request{From: c.id, Name: c.name, Text: "hjælp", Jobcenter: "Jobcenter"})
		p, err := b.db.ConsultantByIdentity(ctx, c.id)
		if err != nil || p.Name != c.want {
			t.Errorf("%q stored as %q (%v), want %q", c.name, p.Name, err, c.want)
		}
	}
}
