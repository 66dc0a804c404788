package commands_test

import (
	"slices"
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestCompanyAdd(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	b.ok("Hanne", "hjælp")
	contains(t, b.ok("Anne", "company add Ærø Maskinfabrik cvr 12345674 kadence 21 ejer Hanne niveau intensiveret område Ærøskøbing"),
		"Oprettet", "Ærø Maskinfabrik", "Hanne", "21 dage", "13.12.2026")
	co := b.company("aeroe maskinfabrik")
	if co.CVR != "12345674" || co.CadenceDays != 21 || co.Tier != bot.TierIntensified || co.Area != "Ærøskøbing" {
		t.Errorf("stored %+v", co)
	}
	b.ok("Hanne", "company add Vestas")
	v := b.company("Vestas")
	if v.CadenceDays != 30 || v.Tier != bot.TierNormal {
		t.Errorf("defaults: %+v", v)
	}
	b.ok("Hanne", "company add Danfoss niveau intensiveret")
	if d := b.company("Danfoss"); d.CadenceDays != 14 {
		t.Errorf("intensified default cadence = %d, want 14", d.CadenceDays)
	}
}

func TestCompanyAddRefusals(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek cvr 12345674")
	tests := []struct{ line, want string }{
		{"company add", "navn"},
		{"company add L-TEK", "bruges allerede"},
		{"company add Ltek", "bruges allerede"},
		{"company add Andet Firma cvr 12345674", "hører allerede til L-tek"},
		{"company add Firma cvr 12345678", "ikke et gyldigt CVR"},
		{"company add Firma cvr 1234567", "ikke et gyldigt CVR"},
		{"company add Firma cvr abc", "ikke et gyldigt CVR"},
		{"company add Firma kadence 0", "Kadencen"},
		{"company add Firma kadence -3", "Kadencen"},
		{"company add Firma kadence abc", "Kadencen"},
		{"company add Firma kadence 9999", "Kadencen"},
		{"company add Firma kadence", "mangler en værdi"},
		{"company add Firma ejer Ukendt Person", "ingen person"},
		{"company add Firma niveau høj", "Niveau"},
	}
	for _, tt := range tests {
		contains(t, b.refused("Hanne", tt.line), tt.want)
	}
	if n := b.countCompanies(); n != 1 {
		t.Errorf("%d companies stored, want 1", n)
	}
}

func TestCompanyCard(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek cvr 12345674 kadence 14")
	for i := 0; i < 7; i++ {
		b.clock.Add(time.Minute)
		b.ok("Hanne", "visit L-tek telefon samtale "+string(rune('A'+i)))
	}
	got := b.ok("Hanne", "company ltek")
	contains(t, got, "L-tek", "CVR: 12345674", "Fast konsulent: Hanne", "Kadence: 14 dage", "Seneste kontakt: 22.11.2026",
		"Næste kontakt senest: 06.12.2026", "samtale G", "samtale C")
	lacks(t, got, "samtale B", "samtale A") // only the latest five
	contains(t, b.refused("Hanne", "company Ltekk"), "Mente du", "L-tek")
}

func TestMineMostOverdueFirst(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add Alfa kadence 10")
	b.ok("Hanne", "company add Beta kadence 5")
	b.ok("Hanne", "company add Gamma kadence 60")
	b.ok("Per", "company add Delta kadence 1")
	b.clock.Add(20 * 24 * time.Hour)
	b.ok("Hanne", "visit Gamma mødte")
	got := b.ok("Hanne", "mine")
	contains(t, got, "Dine virksomheder: 3, heraf 2 over kadencen", "Beta — 15 dage over", "Alfa — 10 dage over", "Gamma — om 60 dage")
	lacks(t, got, "Delta")
	if ib, ia := index(got, "Beta"), index(got, "Alfa"); ib > ia {
		t.Errorf("Beta (15 days over) must come before Alfa (10):\n%s", got)
	}
	if ia, ig := index(got, "Alfa"), index(got, "Gamma"); ia > ig {
		t.Errorf("Alfa must come before Gamma:\n%s", got)
	}
	contains(t, b.ok("Hanne", "company list mine"), "Beta")
	over := b.ok("Hanne", "company list forfaldne")
	contains(t, over, "Beta", "Alfa", "Delta")
	lacks(t, over, "Gamma")
	contains(t, b.ok("Hanne", "company list alle"), "Alle virksomheder: 4")
}

func index(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestCompanyEdits(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // admin
	b.ok("Hanne", "company add L-tek kadence 30")
	b.ok("Per", "hjælp")

	contains(t, b.refused("Per", "company assign L-tek Per"), "rolle")
	contains(t, b.refused("Per", "company cadence L-tek 7"), "Kun virksomhedens faste konsulent")
	contains(t, b.ok("Hanne", "company cadence L-tek 7"), "7 dage")
	contains(t, b.refused("Hanne", "company cadence L-tek nul"), "Kadencen")
	contains(t, b.ok("Anne", "company assign L-tek Per"), "Per er nu fast konsulent")
	co := b.company("L-tek")
	per := b.person("Per")
	if co.OwnerID != per.ID || co.CadenceDays != 7 {
		t.Errorf("after assign: %+v", co)
	}
	contains(t, b.ok("Per", "company pause L-tek"), "pause")
	if b.company("L-tek").Status != bot.StatusPaused {
		t.Error("not paused")
	}
	contains(t, b.ok("Per", "company resume L-tek"), "genoptaget")
	contains(t, b.ok("Per", "company alias L-tek = LT Svejs"), "LT Svejs")
	b.ok("Per", "visit lt svejs mødte Lars")
	contains(t, b.ok("Per", "company rename L-tek = L-tek Svejseteknik A/S"), "L-tek Svejseteknik A/S")
	b.ok("Per", "visit ltek mødte Lars igen") // the old name still finds it
	if n := len(b.contacts("L-tek Svejseteknik A/S")); n != 2 {
		t.Errorf("%d contacts, want 2", n)
	}
	b.ok("Per", "company add Vestas")
	contains(t, b.refused("Per", "company alias Vestas = LT Svejs"), "bruges allerede")
	contains(t, b.refused("Per", "company rename Vestas = L-tek"), "bruges allerede")
}

func (b *testBot) person(name string) bot.Consultant {
	b.t.Helper()
	p, err := b.db.ConsultantByName(t0, name)
	if err != nil {
		b.t.Fatalf("person %q: %v", name, err)
	}
	return p
}

// The history pages through every contact, newest first, with who, how,
// the note and the follow-up; the card points to it once there are more
// than it shows.
func TestCompanyHistory(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek kadence 14")
	b.ok("Hanne", "company add Grafisk Side Ærø")
	contains(t, b.ok("Hanne", "virksomhed historik L-tek"), "Kontakthistorik: L-tek — ingen kontakter endnu.")
	for i := 0; i < 17; i++ {
		b.clock.Add(time.Minute)
		line := "visit L-tek telefon samtale " + string(rune('A'+i))
		if i == 16 {
			line = "besøg L-tek mødte Lars om svejsere opfølgning 1/12"
		}
		b.ok("Hanne", line)
	}
	contains(t, b.ok("Hanne", "company L-tek"), "samtale M", "Hele historikken: »virksomhed historik L-tek«")

	got := b.ok("Hanne", "virksomhed historik ltek")
	contains(t, got, "Kontakthistorik: L-tek", "Nyeste først: 1–15 af 17 (side 1 af 2)",
		"1. 22.11.2026 besøg (Hanne): mødte Lars om svejsere · opfølgning 01.12.2026", "2. 22.11.2026 telefon (Hanne): samtale P",
		"15. 22.11.2026 telefon (Hanne): samtale C", "Ældre ▶")
	lacks(t, got, "samtale B", "◀ Nyere")
	got = b.ok("Hanne", "virksomhed historik L-tek side 2")
	contains(t, got, "Nyeste først: 16–17 af 17 (side 2 af 2)", "16. 22.11.2026 telefon (Hanne): samtale B", "17. 22.11.2026 telefon (Hanne): samtale A", "◀ Nyere")
	lacks(t, got, "samtale C", "Ældre ▶")
	contains(t, b.refused("Hanne", "virksomhed historik L-tek side 3"), "L-tek har 17 kontakter på 2 sider; der er ingen side 3.")
	contains(t, b.refused("Hanne", "virksomhed historik L-tek side 0"), "Siderne tælles fra 1")
	// »Side« inside a name is the name.
	contains(t, b.ok("Hanne", "virksomhed historik Grafisk Side Ærø"), "Kontakthistorik: Grafisk Side Ærø — ingen kontakter endnu.")
	b.ok("Hanne", "sprog en")
	contains(t, b.ok("Hanne", "company history L-tek page 2"), "Contact history: L-tek", "Newest first: 16–17 of 17 (page 2 of 2)",
		"17. 22 Nov 2026 phone (Hanne): samtale A", "◀ Newer")
}

// The journal gives a day's contacts as texts for the case system, in the
// order they happened, each whole.
func TestCompanyJournal(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add L-tek cvr 12345674")
	b.ok("Hanne", "visit L-tek i går telefon aftalte besøg")
	b.clock.Add(time.Minute)
	b.ok("Hanne", "visit L-tek mødte Lars om <to> svejsere opfølgning 1/12")
	b.clock.Add(time.Minute)
	b.ok("Hanne", "visit L-tek mail sendte *tilbud*")
	m := b.say("Hanne", "virksomhed journal L-tek")
	if m.Error {
		t.Fatal(m.PlainText())
	}
	var entries []string
	for _, blk := range m.Blocks {
		if v, ok := blk.(bot.Verbatim); ok {
			entries = append(entries, v.Text)
		}
	}
	want := []string{
		"Dato: 22.11.2026\nKontaktform: besøg\nVirksomhed: L-tek, CVR 12345674\nKonsulent: Hanne, Jobcenter\nNote: mødte Lars om <to> svejsere\nOpfølgning: 01.12.2026",
		"Dato: 22.11.2026\nKontaktform: mail\nVirksomhed: L-tek, CVR 12345674\nKonsulent: Hanne, Jobcenter\nNote: sendte *tilbud*",
	}
	if !slices.Equal(entries, want) {
		t.Errorf("journal entries:\n%q\nwant\n%q", entries, want)
	}
	contains(t, m.PlainText(), "Journal: L-tek, søndag 22. november 2026")
	contains(t, b.ok("Hanne", "virksomhed journal L-tek i går"), "Kontaktform: telefon", "Note: aftalte besøg")
	contains(t, b.ok("Hanne", "virksomhed journal L-tek 1/11"), "Ingen kontakter med L-tek søndag 1. november 2026")
	contains(t, b.refused("Hanne", "virksomhed journal L-tek uge 47"), "er en uge")
	b.ok("Hanne", "sprog en")
	contains(t, b.ok("Hanne", "company journal L-tek yesterday"), "Journal: L-tek, Saturday 21 November 2026", "Kind: phone", "Company: L-tek, CVR 12345674")
}
