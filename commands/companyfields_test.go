package commands_test

import (
	"context"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// reopened closes the bot's file and opens it again, so a test can check
// that what was answered is what was stored, indexes included.
func (b *testBot) reopened() *storage.DB {
	b.t.Helper()
	if err := b.db.Close(); err != nil {
		b.t.Fatalf("close: %v", err)
	}
	db, err := storage.Open(b.path, storage.Options{Timeout: time.Second, Clock: b.clock})
	if err != nil {
		b.t.Fatalf("reopen: %v", err)
	}
	b.t.Cleanup(func() { db.Close() })
	return db
}

func TestCompanyCVRAndArea(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Hanne", "company add L-tek cvr 12345674 område Odense")
	b.ok("Hanne", "company add Vestas")

	contains(t, b.ok("Hanne", "virksomhed cvr L-tek 12 34 56 82"), "CVR for L-tek er nu 12345682", "før: 12345674")
	if co := b.company("L-tek"); co.CVR != "12345682" {
		t.Errorf("stored CVR %q", co.CVR)
	}
	// The old number is free again; the new one is taken.
	contains(t, b.ok("Hanne", "company cvr Vestas 12345674"), "CVR for Vestas er nu 12345674")
	contains(t, b.refused("Hanne", "company cvr Vestas 12345682"), "hører allerede til L-tek")
	contains(t, b.refused("Hanne", "virksomhed cvr L-tek 12345678"), "ikke et gyldigt CVR")
	contains(t, b.refused("Hanne", "virksomhed cvr L-tek"), "Sådan skrives det", "virksomhed cvr <virksomhed>")
	contains(t, b.refused("Bo", "virksomhed cvr L-tek 12345690"), "Kun", "faste konsulent")
	contains(t, b.ok("Hanne", "virksomhed cvr Vestas ingen"), "Vestas har ikke længere et CVR-nummer", "før: 12345674")

	contains(t, b.ok("Hanne", "virksomhed område L-tek = Ærøskøbing Havn"), "Området for L-tek er nu »Ærøskøbing Havn«", "før: Odense")
	contains(t, b.ok("Anne", "company area Vestas Lem"), "Området for Vestas er nu »Lem«")
	contains(t, b.ok("Hanne", "virksomhed område Vestas ingen"), "Vestas har ikke længere et område", "før: Lem")
	contains(t, b.refused("Hanne", "virksomhed område L-tek"), "Sådan skrives det")

	db := b.reopened()
	ctx := context.Background()
	co, err := db.CompanyByCVR(ctx, "12345682")
	if err != nil || co.Name != "L-tek" || co.Area != "Ærøskøbing Havn" {
		t.Errorf("after reopening, CVR 12345682 = %+v, %v", co, err)
	}
	for _, gone := range []string{"12345674", "12345690"} {
		if co, err := db.CompanyByCVR(ctx, gone); err != bot.ErrNotFound {
			t.Errorf("CVR %s still finds %q (%v)", gone, co.Name, err)
		}
	}
	if v, _, _ := db.FindCompanies(ctx, "vestas", 0); v == nil || v.CVR != "" || v.Area != "" {
		t.Errorf("Vestas after reopening: %+v", v)
	}
}
