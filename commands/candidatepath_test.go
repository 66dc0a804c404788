package commands_test

import (
	"context"
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestCandidatePathAcrossIntroDays(t *testing.T) {
	t.Parallel()
	b, _ := introBot(t)
	b.ok("Tove", "intromøde ny 3/12 Sorø Bibliotek")
	b.ok("Hanne", "intromøde kandidat 1 KS-14")
	b.ok("Tove", "intromøde match 1 KS-14 L-tek")
	b.ok("Hanne", "kandidat KS-14 møde 21/12 kursus AMU truckcertifikat")
	b.ok("Hanne", "kandidat KS-14 udfald kursus")
	b.clock.Add(30 * 24 * time.Hour) // 22 December
	b.ok("Tove", "intromøde ny 7/1 Slagelse Rådhus")

	got := b.ok("Hanne", "intromøde kandidat 2 KS-14")
	contains(t, got, "KS-14 har været på intromøde #1 før", "bevares", "»kandidat KS-14«")
	first := b.candidatesOf(1)
	if len(first) != 1 || first[0].CompanyID != b.company("L-tek").ID || first[0].Outcome == "" || first[0].Meeting.IsZero() {
		t.Errorf("the first day's record after reuse: %+v", first)
	}
	if now := b.candidateOf("KS-14"); now.IntroDayID != 2 || now.Stage != bot.StageInvited {
		t.Errorf("the current record: %+v", now)
	}

	card := b.ok("Hanne", "kandidat KS-14")
	contains(t, card, "Intromøde: #2", "Forløb på tværs af intromøder",
		"intromøde #1 03.12.2026: afsluttet · praktik hos L-tek 04.12.2026 – 17.12.2026 · uddannelsesmøde 21.12.2026, kursus: AMU truckcertifikat · udfald kursus",
		"intromøde #2 07.01.2027: inviteret")
	// Recording on the new day leaves the old day's outcome alone.
	b.ok("Tove", "intromøde match 2 KS-14 Danish Crown")
	contains(t, b.ok("Hanne", "kandidat KS-14"), "praktik hos L-tek", "praktik hos Danish Crown", "udfald kursus")
	b.ok("Hanne", "sprog en")
	contains(t, b.ok("Hanne", "candidate KS-14"), "Path across intro days", "internship at L-tek", "outcome course")
	// A reader who may not see a day does not see its line: Bo (Holbæk) is no partner.
	contains(t, b.refused("Bo", "kandidat KS-14"), "kun")

	all, err := b.db.CandidatesByRef(context.Background(), "ks14")
	if err != nil || len(all) != 2 || all[0].IntroDayID != 1 || all[1].IntroDayID != 2 {
		t.Errorf("CandidatesByRef = %+v, %v", all, err)
	}
}
