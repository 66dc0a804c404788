package commands_test

import (
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestVisitLogsContactAndResetsCadence(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek cvr 12345674 kadence 30")
	got := b.ok("Hanne", "/visit L-tek mødte Lars om to svejsere")
	contains(t, got, "Gemt", "besøg hos L-tek", "22.11.2026", "22.12.2026", "fortryd")
	cs := b.contacts("L-tek")
	if len(cs) != 1 || cs[0].Note != "mødte Lars om to svejsere" || cs[0].Kind != bot.KindVisit {
		t.Fatalf("stored contacts = %+v", cs)
	}
	if co := b.company("L-tek"); !co.LastContact.Equal(sunday) {
		t.Errorf("LastContact = %v, want %v", co.LastContact, sunday)
	}
}

func TestVisitNameMatching(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	for _, name := range []string{"L-tek", "Ærø Maskinfabrik", "Grundfos", "Grundfos Odense", "Legoland"} {
		b.ok("Hanne", "company add "+name)
	}
	tests := []struct{ line, company, note string }{
		{"visit ltek ringede om praktik", "L-tek", "ringede om praktik"},
		{"visit L-TEK ringede", "L-tek", "ringede"},
		{"visit ærø mødte Claus", "Ærø Maskinfabrik", "mødte Claus"},
		{"visit ÆRØ mødte Claus", "Ærø Maskinfabrik", "mødte Claus"},
		{"visit aeroe mødte Claus", "Ærø Maskinfabrik", "mødte Claus"},
		{"visit Ærø Maskinfabrik mødte Claus", "Ærø Maskinfabrik", "mødte Claus"},
		{"visit Grundfos Odense mødte Claus", "Grundfos Odense", "mødte Claus"},
		{"visit Grundfos mødte Claus", "Grundfos", "mødte Claus"},
	}
	for _, tt := range tests {
		b.clock.Add(time.Minute)
		b.ok("Hanne", tt.line)
		cs := b.contacts(tt.company)
		if len(cs) == 0 || cs[0].Note != tt.note {
			t.Errorf("%q: newest contact of %s = %+v, want note %q", tt.line, tt.company, cs, tt.note)
		}
	}
	// "lego" is not a whole word of "Legoland": no silent guess.
	got := b.refused("Hanne", "visit lego mødte Per")
	contains(t, got, "Mente du", "Legoland")
	if len(b.contacts("Legoland")) != 0 {
		t.Error("a contact was stored for a guessed company")
	}
}

func TestVisitUnknownAndAmbiguousCompany(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add Grundfos Odense")
	b.ok("Hanne", "company add Grundfos Bjerringbro")
	contains(t, b.refused("Hanne", "visit Grundfos mødte Claus"), "flere virksomheder", "Grundfos Odense", "Grundfos Bjerringbro")
	contains(t, b.refused("Hanne", "visit Grundfas Odense mødte Claus"), "Mente du", "Grundfos Odense")
	contains(t, b.refused("Hanne", "visit Zyxwvu mødte"), "ingen virksomhed", "company add")
}

func TestVisitDatesAndKinds(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek")
	tests := []struct {
		line string
		day  time.Time
		kind bot.ContactKind
	}{
		{"visit L-tek i går telefon talte med Lars", time.Date(2026, 11, 21, 12, 0, 0, 0, bot.Copenhagen), bot.KindPhone},
		{"visit L-tek 2026-11-20 møde med HR", time.Date(2026, 11, 20, 12, 0, 0, 0, bot.Copenhagen), bot.KindMeeting},
		{"visit L-tek 19/11 mail sendte tilbud", time.Date(2026, 11, 19, 12, 0, 0, 0, bot.Copenhagen), bot.KindMail},
		{"visit L-tek 18.11.2026 besøg rundvisning", time.Date(2026, 11, 18, 12, 0, 0, 0, bot.Copenhagen), bot.KindVisit},
		{"visit L-tek i dag kaffe med Lars", sunday, bot.KindVisit},
	}
	for _, tt := range tests {
		b.clock.Add(time.Second)
		b.ok("Hanne", tt.line)
	}
	cs := b.contacts("L-tek")
	if len(cs) != len(tests) {
		t.Fatalf("stored %d contacts, want %d", len(cs), len(tests))
	}
	for _, tt := range tests {
		found := false
		for _, c := range cs {
			if c.Kind == tt.kind && bot.Day(c.At).Equal(bot.Day(tt.day)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no %s contact on %v among %+v", tt.line, tt.kind, tt.day, cs)
		}
	}
	if co := b.company("L-tek"); !bot.Day(co.LastContact).Equal(bot.Day(sunday)) {
		t.Errorf("LastContact %v: an older contact must not move it back", co.LastContact)
	}
}

func TestVisitRefusals(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek")
	tests := []struct{ line, want string }{
		{"visit L-tek i morgen mødte Lars", "fremtiden"},
		{"visit L-tek 2030-01-01 mødte Lars", "fremtiden"},
		{"visit L-tek 2020-01-01 mødte Lars", "to år"},
		{"visit L-tek", "note"},
		{"visit L-tek i går", "note"},
		{"visit", "hvilken virksomhed"},
		{"visit L-tek mødte Lars opfølgning 2026-11-01", "passeret"},
		{"visit L-tek note " + strings.Repeat("x", 10000), "for lang"},
		{"visit L-tek mødte \x07 Lars", "styretegn"},
		{"visit L-tek mødte Lars \xff", "ugyldige tegn"},
	}
	for _, tt := range tests {
		contains(t, b.refused("Hanne", tt.line), tt.want)
	}
	if n := len(b.contacts("L-tek")); n != 0 {
		t.Errorf("%d contacts stored by refused commands", n)
	}
}

func TestVisitFollowUp(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek")
	contains(t, b.ok("Hanne", "visit L-tek telefon aftalte besøg opfølgning 2026-12-01"), "Opfølgning: tirsdag 01.12.2026")
	cs := b.contacts("L-tek")
	if len(cs) != 1 || cs[0].Note != "aftalte besøg" || !cs[0].FollowUp.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, bot.Copenhagen)) {
		t.Fatalf("contact = %+v", cs)
	}
}

func TestCPRGuardStoresAndEchoesNothing(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek")
	for _, line := range []string{
		"visit L-tek mødte borger 010190-1234 om job",
		"visit L-tek mødte borger 0101901234",
		"visit L-tek mødte 010190 1234",
		"company add Borger 150585-4321 ApS",
		"company alias L-tek = 2902001234",
	} {
		got := b.refused("Hanne", line)
		contains(t, got, "CPR")
		lacks(t, got, "1234", "4321", "010190", "150585")
	}
	if n := len(b.contacts("L-tek")); n != 0 {
		t.Errorf("%d contacts stored", n)
	}
	if n := b.countCompanies(); n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
	// A phone number or a CVR number is not a CPR number.
	b.ok("Hanne", "visit L-tek ring til Lars på 22334455")
}

func TestUndo(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek")
	b.ok("Hanne", "company add Vestas")
	b.ok("Hanne", "visit L-tek i går mødte Lars")
	b.clock.Add(time.Minute)
	b.ok("Hanne", "visit Vestas mødte Mette")
	b.clock.Add(5 * time.Minute)
	contains(t, b.ok("Hanne", "fortryd"), "Fortrudt", "Vestas")
	if n := len(b.contacts("Vestas")); n != 0 {
		t.Errorf("Vestas still has %d contacts", n)
	}
	if co := b.company("Vestas"); !co.LastContact.IsZero() {
		t.Errorf("Vestas LastContact = %v after undo, want zero", co.LastContact)
	}
	b.clock.Add(10 * time.Minute)
	contains(t, b.refused("Hanne", "undo"), "10 minutter")
	if n := len(b.contacts("L-tek")); n != 1 {
		t.Errorf("L-tek has %d contacts, want 1 (too old to undo)", n)
	}
	// Someone else's undo never touches Hanne's contacts.
	b.ok("Hanne", "visit L-tek mødte Lars igen")
	b.refused("Per", "undo")
	if n := len(b.contacts("L-tek")); n != 2 {
		t.Errorf("L-tek has %d contacts, want 2", n)
	}
}
