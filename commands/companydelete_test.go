package commands_test

import (
	"context"
	"strings"
	"testing"

	"kontaktbot/bot"
)

func TestCompanyDeleteTwoSteps(t *testing.T) {
	t.Parallel()
	b, rec := region(t) // Anne admin, Lis lead in Sorø, Hanne consultant, Rita in Ringsted
	b.ok("Hanne", "company add L-tek Svejs cvr 12345682")
	b.ok("Hanne", "besøg L-tek Svejs mødte Lars")
	b.ok("Hanne", "besøg L-tek Svejs telefon fulgte op")
	b.ok("Hanne", "stilling L-tek Svejs Svejser")
	id := b.company("L-tek Svejs").ID
	posts := len(rec.sentPosts())

	contains(t, b.refused("Hanne", "virksomhed slet L-tek Svejs"), "kræver rollen leder")
	b.ok("Anne", "rolle Rita leder")
	contains(t, b.refused("Rita", "virksomhed slet L-tek Svejs bekræft"), "Kun en leder i Jobcenter Sorø")

	// Step one only tells; a part of the name or an alias does not delete.
	got := b.ok("Lis", "virksomhed slet svejs")
	contains(t, got, "L-tek Svejs (CVR 12345682)", "2 kontakter", "1 stilling (1 åbne)", "»virksomhed slet L-tek Svejs bekræft«")
	b.ok("Hanne", "virksomhed alias L-tek Svejs = LTS")
	contains(t, b.ok("Lis", "virksomhed slet LTS bekræft"), "Skriv virksomhedens fulde navn", "intet er slettet")
	contains(t, b.ok("Lis", "virksomhed slet svejs bekræft"), "Skriv virksomhedens fulde navn")
	if b.countCompanies() != 3 {
		t.Fatal("a preview deleted")
	}
	// The button in the preview carries the confirming line.
	m := b.say("Lis", "virksomhed slet LTS")
	var cmd string
	for _, bl := range m.Blocks {
		if bs, ok := bl.(bot.Buttons); ok {
			cmd = bs.Buttons[0].Command
		}
	}
	if cmd != "virksomhed slet L-tek Svejs bekræft" {
		t.Fatalf("button command %q", cmd)
	}
	contains(t, b.ok("Lis", "VIRKSOMHED SLET l-tek svejs BEKRÆFT"), "Slettet: L-tek Svejs med 2 kontakter og 1 stilling", "2 opslag")
	ups := rec.sentUpdates()
	if len(ups) != 2 || !strings.Contains(ups[0].msg.PlainText(), "Trukket tilbage") || len(rec.sentPosts()) != posts {
		t.Errorf("posts after the delete: %d updates, %d posts", len(ups), len(rec.sentPosts()))
	}
	contains(t, b.refused("Lis", "virksomhed slet L-tek Svejs bekræft"), "ingen virksomhed")
	contains(t, b.refused("Hanne", "fortryd"), "ingen kontakt at fortryde")

	// Reopened, the name, alias, CVR and owner list no longer know it.
	hanne := b.person("Hanne").ID
	db := b.reopened()
	ctx := context.Background()
	for _, key := range []string{"l tek svejs", "lts"} {
		if exact, partial, _ := db.FindCompanies(ctx, key, 5); exact != nil || len(partial) != 0 {
			t.Errorf("FindCompanies(%q) after reopening: %+v %+v", key, exact, partial)
		}
	}
	if _, err := db.CompanyByCVR(ctx, "12345682"); err != bot.ErrNotFound {
		t.Errorf("CVR after reopening: %v", err)
	}
	owned, _ := db.CompaniesOwnedBy(ctx, hanne)
	for _, o := range owned {
		if o.ID == id {
			t.Error("still Hanne's after reopening")
		}
	}
}

func TestCompanyDeleteRefusedForAnIntroDayCompany(t *testing.T) {
	t.Parallel()
	b, _ := introBot(t)
	b.ok("Tove", "intromøde ny 3/12 Sorø Bibliotek")
	b.ok("Tove", "intromøde virksomhed 1 L-tek")
	contains(t, b.refused("Anne", "virksomhed slet L-tek bekræft"), "L-tek er med på intromøde #1", "kan ikke slettes", "virksomhed flet")
	if b.company("L-tek").ID == 0 {
		t.Error("L-tek is gone")
	}
}
