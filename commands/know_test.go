package commands_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"kontaktbot/bot"
)

// knowBot is a bot in Jobcenter Odense, a partner of Jobcenter Svendborg;
// Jobcenter Aarhus is no partner. Anne is admin (in Odense unless a test
// moves her), Tove an Odense coordinator, Olga an Odense consultant, Sif
// in Svendborg and Aage in Aarhus. Olga owns L-tek, with a noted visit and
// a position (#1); Aage owns Aarhus Fisk, with a noted call.
func knowBot(t testing.TB) *testBot {
	t.Helper()
	b := newBot(t, withJobcenter("Jobcenter Odense"))
	for _, who := range []string{"Anne", "Tove", "Olga", "Sif", "Aage"} {
		b.ok(who, "hjælp")
	}
	for _, line := range []string{"rolle Tove tovholder",
		"jobcenter opret Jobcenter Svendborg", "jobcenter opret Jobcenter Aarhus",
		"jobcenter samarbejde Jobcenter Odense og Jobcenter Svendborg",
		"jobcenter flyt Sif = Jobcenter Svendborg", "jobcenter flyt Aage = Jobcenter Aarhus"} {
		b.ok("Anne", line)
	}
	b.ok("Olga", "virksomhed opret L-tek cvr 12345674 område Odense")
	b.ok("Olga", "besøg L-tek mødte Lars om fyringsrunde opfølgning 2026-12-01")
	b.ok("Olga", "stilling L-tek Svejser antal 2 krav svejsecertifikat")
	b.ok("Aage", "virksomhed opret Aarhus Fisk")
	b.ok("Aage", "besøg Aarhus Fisk telefon hemmelig aarhusnote")
	return b
}

func TestCompanyCardNeedToKnow(t *testing.T) {
	t.Parallel()
	b := knowBot(t)

	// Aarhus sees who and when, not what: no note, no follow-up, no
	// position, but whom to ask.
	got := b.ok("Aage", "virksomhed L-tek")
	contains(t, got, "L-tek", "CVR: 12345674", "Fast konsulent: Olga", "Jobcenter: Jobcenter Odense",
		"Seneste kontakt: 22.11.2026 (besøg)", "Område: Odense",
		"Noter, kontakthistorik og planlagte kontakter føres for Jobcenter Odense og deres samarbejdspartnere",
		"Kontakt den faste konsulent, Olga")
	lacks(t, got, "fyringsrunde", "Lars", "Seneste kontakter", "01.12.2026", "planlagt 01", "Svejser", "svejsecertifikat", "Kadence")
	b.ok("Aage", "sprog en")
	got = b.ok("Aage", "company L-tek")
	contains(t, got, "Jobcenter: Jobcenter Odense", "Last contact: 22 Nov 2026 (visit)",
		"Notes, contact history and planned contacts are kept for Jobcenter Odense and its partners", "the dedicated consultant, Olga")
	lacks(t, got, "fyringsrunde")

	// Nor its history.
	contains(t, b.refused("Aage", "company history L-tek"), "kept for Jobcenter Odense and its partners")
	contains(t, b.ok("Olga", "virksomhed historik L-tek"), "mødte Lars om fyringsrunde")

	// Odense itself, its partner Svendborg and an admin see it all.
	for _, who := range []string{"Olga", "Sif", "Anne"} {
		got := b.ok(who, "virksomhed L-tek")
		contains(t, got, "Jobcenter: Jobcenter Odense", "mødte Lars om fyringsrunde", "planlagt 01.12.2026", "Svejser", "Kadence")
		lacks(t, got, "føres for")
	}
	// An admin elsewhere too; Odense does not see Aarhus's note.
	b.ok("Anne", "jobcenter flyt Anne = Jobcenter Aarhus")
	contains(t, b.ok("Anne", "virksomhed L-tek"), "fyringsrunde")
	got = b.ok("Olga", "virksomhed Aarhus Fisk")
	contains(t, got, "Fast konsulent: Aage", "Jobcenter: Jobcenter Aarhus", "(telefon)", "føres for Jobcenter Aarhus")
	lacks(t, got, "aarhusnote")
}

func TestCompanyListAllAcrossJobcenters(t *testing.T) {
	t.Parallel()
	b := knowBot(t)
	b.ok("Olga", "virksomhed opret Ærø Maskinfabrik")
	got := b.ok("Olga", "virksomhed liste alle")
	contains(t, got, "Alle virksomheder: 3",
		"Aarhus Fisk — Aage, Jobcenter Aarhus — sidst 22.11.2026 (telefon)",
		"L-tek — Olga, Jobcenter Odense — sidst 22.11.2026 (besøg)",
		"Ærø Maskinfabrik — Olga, Jobcenter Odense — ingen kontakt endnu")
	lacks(t, got, "aarhusnote", "fyringsrunde", "dage over")
	// Mine stays mine.
	got = b.ok("Olga", "virksomhed liste")
	contains(t, got, "L-tek", "Ærø Maskinfabrik")
	lacks(t, got, "Aarhus Fisk")
	b.ok("Aage", "sprog en")
	contains(t, b.ok("Aage", "company list all"), "All companies: 3", "L-tek — Olga, Jobcenter Odense — last 22 Nov 2026 (visit)")
}

func TestPositionsNeedToKnow(t *testing.T) {
	t.Parallel()
	b := knowBot(t)
	// Aarhus neither reads #1 by number nor finds it in a list.
	got := b.refused("Aage", "stilling 1")
	contains(t, got, "Stilling #1 hører til Jobcenter Odense", "kun Jobcenter Odense og deres samarbejdspartnere")
	lacks(t, got, "Svejser", "svejsecertifikat", "Olga")
	lacks(t, b.ok("Aage", "stilling liste L-tek"), "Svejser", "Olga")
	lacks(t, b.ok("Aage", "stilling liste"), "Svejser")
	// A position of Aarhus's own at L-tek is Aarhus's; Odense does not see it.
	b.ok("Aage", "stilling L-tek Chauffør")
	got = b.ok("Aage", "stilling liste L-tek")
	contains(t, got, "Chauffør")
	lacks(t, got, "Svejser")
	lacks(t, b.ok("Olga", "stilling liste L-tek"), "Chauffør")
	lacks(t, b.ok("Olga", "virksomhed L-tek"), "Chauffør")
	b.refused("Olga", "stilling 2")

	// The partner and an admin in Aarhus see #1 with its contact.
	contains(t, b.ok("Sif", "stilling 1"), "Svejser", "Krav: svejsecertifikat", "Kontakt: Olga, Jobcenter Odense")
	contains(t, b.ok("Sif", "stilling liste"), "Svejser")
	b.ok("Anne", "jobcenter flyt Anne = Jobcenter Aarhus")
	contains(t, b.ok("Anne", "stilling 1"), "Kontakt: Olga, Jobcenter Odense")
	contains(t, b.ok("Anne", "stilling liste L-tek"), "Svejser", "Chauffør")

	// Its contact keeps seeing it after moving to Aarhus.
	b.ok("Anne", "jobcenter flyt Olga = Jobcenter Aarhus")
	contains(t, b.ok("Olga", "stilling 1"), "Kontakt: Olga, Jobcenter Odense")
	contains(t, b.ok("Olga", "stilling liste mine"), "#1 Svejser")
	b.ok("Aage", "sprog en")
	contains(t, b.refused("Aage", "position 1"), "Position #1 belongs to Jobcenter Odense", "only Jobcenter Odense and its partners can see it")
}

func TestIntroDayNeedToKnow(t *testing.T) {
	t.Parallel()
	b := knowBot(t)
	b.ok("Tove", "intromøde ny 3/12 Odense Bibliotek")
	b.ok("Tove", "intromøde virksomhed 1 L-tek")
	b.ok("Olga", "intromøde kandidat 1 KS-14 kompetencer truckkort")

	// Aarhus takes no part and is no partner: no list, no numbers, no card.
	lacks(t, b.ok("Aage", "intromøder"), "#1")
	got := b.refused("Aage", "intromøde status 1")
	contains(t, got, "Intromøde #1 er for Jobcenter Odense", "mødets tovholder")
	lacks(t, got, "Kandidater:", "Odense Bibliotek")
	got = b.refused("Aage", "kandidat KS-14")
	contains(t, got, "Intromøde #1 er for Jobcenter Odense")
	lacks(t, got, "Olga", "Henvist af")

	// The host's people, its partner and an admin elsewhere see them all.
	for _, who := range []string{"Olga", "Sif", "Anne"} {
		contains(t, b.ok(who, "intromøder"), "#1 03.12.2026, Odense Bibliotek", "1 kandidat, 1 virksomhed")
		contains(t, b.ok(who, "intromøde status 1"), "Kandidater: 1", "Virksomheder: 1")
		contains(t, b.ok(who, "kandidat KS-14"), "Henvist af: Olga")
	}
	b.ok("Anne", "jobcenter flyt Anne = Jobcenter Aarhus")
	contains(t, b.ok("Anne", "intromøder"), "#1 03.12.2026")
	contains(t, b.ok("Anne", "kandidat KS-14"), "Henvist af: Olga")
	// So does the day's coordinator after moving on, and the referring
	// consultant their candidate.
	b.ok("Anne", "jobcenter flyt Tove = Jobcenter Aarhus")
	b.ok("Anne", "jobcenter flyt Olga = Jobcenter Aarhus")
	contains(t, b.ok("Tove", "intromøde status 1"), "Kandidater: 1")
	contains(t, b.ok("Olga", "kandidat KS-14"), "Henvist af: Olga")
	b.refused("Olga", "intromøde status 1")
	b.ok("Aage", "sprog en")
	contains(t, b.refused("Aage", "introday status 1"), "Intro day #1 is for Jobcenter Odense", "the day's coordinator and admins")
}

// TestCompanyListAllFirstByName: a long list shows 40 by name a page, in
// order, counts them all, and its pages together are every company.
func TestCompanyListAllFirstByName(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	portfolio(t, b, 100)
	var listed []string
	for page := 1; page <= 3; page++ {
		cmd := "virksomhed liste alle side " + strconv.Itoa(page)
		if page == 1 {
			cmd = "virksomhed liste alle"
		}
		got := b.ok("Hanne", cmd)
		contains(t, got, "Alle virksomheder: 100 (alle jobcentre, efter navn)", "Side "+strconv.Itoa(page)+" af 3")
		if page < 3 {
			contains(t, got, "[Næste ▶: virksomhed liste alle side "+strconv.Itoa(page+1)+"]")
		} else {
			lacks(t, got, "Næste")
		}
		n := 0
		for _, l := range strings.Split(got, "\n") {
			if name, ok := strings.CutPrefix(l, "  • "); ok {
				name, _, _ = strings.Cut(name, " — ")
				listed = append(listed, bot.NormalizeName(name))
				n++
			}
		}
		if want := min(40, 100-(page-1)*40); n != want {
			t.Errorf("page %d listed %d, want %d", page, n, want)
		}
	}
	contains(t, b.refused("Hanne", "virksomhed liste alle side 4"), "der er ingen side 4")
	var all []string
	b.db.ForEachCompany(context.Background(), func(co bot.Company) error {
		all = append(all, bot.NormalizeName(co.Name))
		return nil
	})
	slices.Sort(all)
	if !slices.Equal(all, listed) {
		t.Errorf("listed %v, want every company by name %v", listed, all)
	}
	// Only an area and a search narrow it: states would tell other
	// jobcenters' due days.
	contains(t, b.refused("Hanne", "virksomhed liste alle forfaldne"), "kun afgrænses med »område <område>« og »søg <tekst>«")
}

// BenchmarkCompanyListAll250k lists every jobcenter's companies from a
// store of 250,000: the first 40 by name are kept while reading, so the
// cost is the store's scan (about 1 s on a 2-core CI machine, nearly all
// JSON decoding), not a sort of everything.
func BenchmarkCompanyListAll250k(b *testing.B) {
	if testing.Short() {
		b.Skip("fills 250,000 companies; run without -short")
	}
	tb := newBot(b)
	portfolio(b, tb, 250_000)
	for b.Loop() {
		if m := tb.say("Hanne", "virksomhed liste alle"); m.Error || !strings.Contains(m.PlainText(), "250000") {
			b.Fatal(m.PlainText())
		}
	}
}
