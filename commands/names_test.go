package commands_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// Issue #11, rule 4: company names are found the way consultants type them.

// TestNamesAnyRunOfWords finds a company by a run of whole words from the
// middle or end of its name, when only one company has it.
func TestNamesAnyRunOfWords(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	for _, name := range []string{"Odense Zoo", "Fakta Tarup", "Fakta Bolbro", "Netto Tarup Centret"} {
		b.ok("Hanne", "company add "+name)
	}
	for _, tt := range []struct{ line, company, note string }{
		{"visit zoo i går mødte Lars", "Odense Zoo", "mødte Lars"},
		{"visit Fakta Tarup mødte Lars", "Fakta Tarup", "mødte Lars"},
		{"visit bolbro mødte Lars", "Fakta Bolbro", "mødte Lars"},
		{"visit Tarup Centret mødte Lars", "Netto Tarup Centret", "mødte Lars"},
	} {
		b.clock.Add(time.Minute)
		contains(t, b.ok("Hanne", tt.line), tt.company)
		if cs := b.contacts(tt.company); len(cs) == 0 || cs[0].Note != tt.note {
			t.Errorf("%q: newest contact of %s = %+v, want note %q", tt.line, tt.company, cs, tt.note)
		}
	}
	// "zoo i går" dated the visit yesterday.
	if cs := b.contacts("Odense Zoo"); len(cs) != 1 || bot.Day(cs[0].At) != bot.Day(sunday.AddDate(0, 0, -1)) {
		t.Errorf("Odense Zoo contacts = %+v, want one yesterday", cs)
	}
	// "tarup" is in two names: both are listed, neither is picked.
	got := b.refused("Hanne", "visit tarup mødte Per")
	contains(t, got, "Fakta Tarup", "Netto Tarup Centret")
	if n := len(b.contacts("Fakta Tarup")); n != 1 {
		t.Errorf("Fakta Tarup has %d contacts after an ambiguous visit; want 1", n)
	}
}

// TestNamesDanishLettersTypedPlain finds æ, ø and å typed as a, e and o,
// both ways, while an exact spelling still wins.
func TestNamesDanishLettersTypedPlain(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	for _, name := range []string{"Føtex", "Søren Ørsted", "Ærø Maskinfabrik", "Soren Smed", "Aalborg Zoo"} {
		b.ok("Hanne", "company add "+name)
	}
	for _, tt := range []struct{ line, company string }{
		{"visit Fotex mødte Lars", "Føtex"},
		{"visit soren orsted mødte Lars", "Søren Ørsted"},
		{"visit Erø mødte Lars", "Ærø Maskinfabrik"},
		{"visit Aro mødte Lars", "Ærø Maskinfabrik"},
		{"visit Aero mødte Lars", "Ærø Maskinfabrik"},
		{"visit Søren Smed mødte Lars", "Soren Smed"}, // stored plain, typed with ø
		{"visit Alborg Zoo mødte Lars", "Aalborg Zoo"},
	} {
		b.clock.Add(time.Minute)
		contains(t, b.ok("Hanne", tt.line), tt.company)
		if cs := b.contacts(tt.company); len(cs) == 0 || cs[0].Note != "mødte Lars" {
			t.Errorf("%q: newest contact of %s = %+v", tt.line, tt.company, cs)
		}
	}
	// "soren" is the start of two names: listed, not picked.
	contains(t, b.refused("Hanne", "visit soren mødte Lars"), "Søren Ørsted", "Soren Smed")

	// Exact beats loose: with both Aero and Ærø Maskinfabrik, "Aero" is
	// Aero, and "Aro" is still Ærø Maskinfabrik.
	b.ok("Hanne", "company add Aero")
	b.clock.Add(time.Minute)
	b.ok("Hanne", "visit Aero ringede")
	if cs := b.contacts("Aero"); len(cs) != 1 || cs[0].Note != "ringede" {
		t.Errorf("Aero contacts = %+v, want the exact name to win", cs)
	}
	// Only an exact spelling picks: "Fotex" fits Føtex and Føtex Odense,
	// which are listed; "Foetex" is Føtex exactly.
	b.ok("Hanne", "company add Føtex Odense")
	b.clock.Add(time.Minute)
	contains(t, b.refused("Hanne", "visit Fotex ringede"), "Føtex, Føtex Odense")
	b.ok("Hanne", "visit Foetex ringede")
	if cs := b.contacts("Føtex"); len(cs) != 2 || cs[0].Note != "ringede" {
		t.Errorf("Føtex contacts = %+v, want the exact spelling to win", cs)
	}
	// "Michael" holds "ae", "aalborg" holds "aa": their variants only widen
	// a search. "Alborg" alone fits Aalborg Zoo and nothing else.
	b.ok("Hanne", "company add Michael Hansen VVS")
	b.clock.Add(time.Minute)
	b.ok("Hanne", "visit Michael Hansen ringede")
	if cs := b.contacts("Michael Hansen VVS"); len(cs) != 1 {
		t.Errorf("Michael Hansen VVS contacts = %+v", cs)
	}
	b.ok("Hanne", "visit Alborg ringede")
	if cs := b.contacts("Aalborg Zoo"); len(cs) != 2 {
		t.Errorf("Aalborg Zoo contacts = %+v", cs)
	}
}

// TestNamesAmbiguityListsCandidates lists at most five candidates and "…".
func TestNamesAmbiguityListsCandidates(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	towns := []string{"Tarup", "Bolbro", "Vollsmose", "Hjallese", "Dalum", "Bellinge", "Korup"}
	for _, town := range towns {
		b.ok("Hanne", "company add Fakta "+town)
	}
	got := b.refused("Hanne", "visit fakta mødte Per")
	contains(t, got, "passer på flere", "Fakta Tarup", "Fakta Dalum", "…")
	lacks(t, got, "Fakta Bellinge", "Fakta Korup")
	for _, town := range towns {
		if n := len(b.contacts("Fakta " + town)); n != 0 {
			t.Errorf("Fakta %s got %d contacts from an ambiguous line", town, n)
		}
	}
}

// TestNamesAliasShadowRefused refuses an alias or a new name that would
// hide other companies, in the consultant's language, storing nothing.
func TestNamesAliasShadowRefused(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	for _, name := range []string{"Café Æblehaven", "Fakta Tarup", "Fakta Bolbro", "Føtex Odense", "Netto"} {
		b.ok("Hanne", "company add "+name)
	}
	for _, tt := range []struct{ line, want, lacks string }{
		{"company alias Café Æblehaven = Fakta", "»Fakta« ville skygge for Fakta Tarup, Fakta Bolbro", ""},
		{"company alias Café Æblehaven = Fotex", "»Fotex« ville skygge for Føtex Odense", "Fakta"},
		{"company rename Café Æblehaven = Fakta", "ville skygge for Fakta Tarup, Fakta Bolbro", ""},
		{"company rename Netto = Fakta", "ville skygge for Fakta Tarup, Fakta Bolbro", ""},
	} {
		got := b.refused("Hanne", tt.line)
		contains(t, got, tt.want, "Vælg et navn, der ikke er begyndelsen af en anden virksomheds navn")
		if tt.lacks != "" {
			lacks(t, got, tt.lacks)
		}
	}
	// Exactly another's name: refused as it always was.
	contains(t, b.refused("Hanne", "company alias Café Æblehaven = fakta tarup"), "bruges allerede af Fakta Tarup")
	if co := b.company("Café Æblehaven"); len(co.Aliases) != 0 {
		t.Errorf("Café Æblehaven aliases = %q after refusals; want none", co.Aliases)
	}
	b.company("Netto") // not renamed
	// The consultant's language.
	b.ok("Hanne", "language en")
	contains(t, b.refused("Hanne", "company alias Café Æblehaven = Fakta"),
		"»Fakta« would shadow Fakta Tarup, Fakta Bolbro", "not the start of another company's name")
	// Fakta still goes nowhere silently; Fakta Tarup is still found.
	contains(t, b.refused("Hanne", "visit Fakta ringede"), "Fakta Tarup", "Fakta Bolbro")
	b.ok("Hanne", "visit Fakta Tarup ringede")

	// An alias that hides no one is taken, and a company may take the
	// start of its own name.
	b.ok("Hanne", "company alias Café Æblehaven = Æblehaven Cafe")
	b.ok("Hanne", "company alias Fakta Tarup = Fakta T")
	co := b.company("Café Æblehaven")
	if !slices.Equal(co.Aliases, []string{"Æblehaven Cafe"}) {
		t.Errorf("aliases = %q", co.Aliases)
	}
	b.ok("Hanne", "company alias Netto = Netto Odense") // its own name as a prefix
}

// TestNamesCompanyAddLooseTwin keeps exact clashes refused and lets a new
// company be named loosely like another (Bæk Byg and Bak Byg are both
// real names): typed exactly each is found, typed plain both are listed.
func TestNamesCompanyAddLooseTwin(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add Bæk Byg")
	contains(t, b.refused("Hanne", "company add BÆK BYG"), "bruges allerede")
	b.ok("Hanne", "company add Bak Byg")
	b.ok("Hanne", "visit Bæk Byg ringede")
	b.ok("Hanne", "visit Bak Byg mødte")
	if cs := b.contacts("Bæk Byg"); len(cs) != 1 || cs[0].Note != "ringede" {
		t.Errorf("Bæk Byg contacts = %+v", cs)
	}
	// "Bek" can only be Bæk; "byg" fits both, which are listed.
	b.ok("Hanne", "visit Bek Byg ringede igen")
	if cs := b.contacts("Bæk Byg"); len(cs) != 2 {
		t.Errorf("Bæk Byg contacts = %+v", cs)
	}
	contains(t, b.refused("Hanne", "visit byg ringede"), "Bæk Byg", "Bak Byg")
}

// TestNamesPersonsTypedPlain finds Søren Ørsted as "soren" and "soren
// orsted", and lists the people a plain spelling fits.
func TestNamesPersonsTypedPlain(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Søren Ørsted", "hjælp")
	b.ok("Hanne", "company add L-tek")
	contains(t, b.ok("Anne", "company assign L-tek soren"), "Søren Ørsted er nu fast konsulent")
	contains(t, b.ok("Anne", "company assign L-tek Anne"), "Anne er nu fast konsulent")
	contains(t, b.ok("Anne", "company assign L-tek soren orsted"), "Søren Ørsted er nu fast konsulent")
	b.ok("Soren Smed", "hjælp")
	got := b.refused("Anne", "company assign L-tek soren")
	contains(t, got, "flere personer", "Søren Ørsted", "Soren Smed")
	if !strings.Contains(b.ok("Anne", "company assign L-tek søren ørsted"), "Søren Ørsted") {
		t.Error("the full name no longer finds Søren Ørsted")
	}
}
