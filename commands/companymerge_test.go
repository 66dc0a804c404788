package commands_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestCompanyMergeTwoSteps(t *testing.T) {
	t.Parallel()
	b, rec := region(t) // Anne admin, Lis lead in Sorø, Hanne and Per consultants in Sorø, Rita in Ringsted
	b.ok("Hanne", "company add L-tek Svejs ApS cvr 12345682 område Sorø")
	b.ok("Hanne", "company alias L-tek Svejs ApS = LTS")
	b.ok("Anne", "company assign L-tek Hanne")
	b.clock.Add(-72 * time.Hour)
	b.ok("Hanne", "besøg L-tek Svejs ApS mødte Lars")
	b.clock.Add(24 * time.Hour)
	b.ok("Hanne", "besøg L-tek i går telefon ringede")
	b.clock.Add(48 * time.Hour)
	b.ok("Hanne", "stilling L-tek Svejs ApS Svejser")
	dropID := b.company("L-tek Svejs ApS").ID

	contains(t, b.refused("Per", "virksomhed flet L-tek = L-tek Svejs ApS"), "den faste konsulent for dem begge")
	got := b.ok("Hanne", "virksomhed flet L-tek = lts")
	contains(t, got, "Fletter du L-tek Svejs ApS ind i L-tek", "1 kontakt og 1 stilling", "»L-tek Svejs ApS«, »LTS« bliver alias", "L-tek får CVR 12345682",
		"»virksomhed flet L-tek = L-tek Svejs ApS bekræft«")
	contains(t, b.ok("Hanne", "virksomhed flet L-tek = lts bekræft"), "Skriv begge virksomheders fulde navne", "intet er flettet")
	if b.countCompanies() != 3 {
		t.Fatal("a preview merged")
	}
	contains(t, b.refused("Hanne", "virksomhed flet L-tek = L-tek"), "Begge navne fører til L-tek")

	// Without »=«: the longest name first.
	got = b.ok("Lis", "virksomhed flet L-tek L-tek Svejs ApS bekræft")
	contains(t, got, "Flettet: L-tek Svejs ApS er nu en del af L-tek", "1 kontakt og 1 stilling er flyttet")
	co := b.company("lts")
	if co.Name != "L-tek" || co.CVR != "12345682" || co.Area != "Sorø Industripark" || !slices.Contains(co.Aliases, "L-tek Svejs ApS") {
		t.Errorf("kept after the merge: %+v", co)
	}
	if n := len(b.contacts("L-tek")); n != 2 {
		t.Errorf("%d contacts, want 2", n)
	}
	// The moved position's posts now name L-tek, updated in place.
	ups := rec.sentUpdates()
	if len(ups) != 2 || !strings.Contains(ups[0].msg.PlainText(), "#1: Svejser hos L-tek") {
		t.Errorf("updates after the merge: %d %v", len(ups), ups)
	}
	contains(t, b.ok("Hanne", "stilling liste L-tek"), "#1 Svejser")
	contains(t, b.ok("Hanne", "virksomhed historik L-tek"), "mødte Lars", "ringede")

	// Two CVR numbers are refused with the way out.
	b.ok("Hanne", "company add Vestas cvr 12345674")
	b.ok("Hanne", "company add Vestas Lem cvr 12345690")
	contains(t, b.refused("Hanne", "virksomhed flet Vestas = Vestas Lem"), "CVR 12345674", "CVR 12345690", "virksomhed cvr Vestas Lem ingen")
	b.ok("Hanne", "virksomhed cvr Vestas Lem ingen")
	b.ok("Hanne", "virksomhed flet Vestas = Vestas Lem bekræft")

	ltek := co.ID
	hanne := b.person("Hanne").ID
	db := b.reopened()
	ctx := context.Background()
	for _, key := range []string{"ltek", "ltek svejs aps", "lts"} {
		if exact, _, _ := db.FindCompanies(ctx, key, 5); exact == nil || exact.ID != ltek {
			t.Errorf("FindCompanies(%q) after reopening: %+v", key, exact)
		}
	}
	if _, err := db.Company(ctx, dropID); err != bot.ErrNotFound {
		t.Errorf("the merged record after reopening: %v", err)
	}
	owned, _ := db.CompaniesOwnedBy(ctx, hanne)
	var names []string
	for _, o := range owned {
		names = append(names, o.Name)
	}
	if !slices.Equal(names, []string{"L-tek", "Vestas"}) {
		t.Errorf("Hanne owns %v after reopening", names)
	}
}
