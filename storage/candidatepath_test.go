package storage_test

import (
	"testing"

	"kontaktbot/bot"
)

func TestCandidatesByRefKeepsEveryDay(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "L-tek"})
	var ids []uint64
	for i := range 3 {
		d, err := db.CreateIntroDay(ctx, bot.IntroDay{Date: days(7 * i), Place: "Sorø"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	// KS-14 on days 1 and 3, KS-140 on day 2: a longer reference is another.
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "KS-14", IntroDayID: ids[0], ReferrerID: anne.ID, Stage: bot.StageOutcome,
		CompanyID: co.ID, InternshipStart: days(1), InternshipEnd: days(14), Meeting: days(15), Outcome: "job"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "KS-140", IntroDayID: ids[1], ReferrerID: anne.ID, Stage: bot.StageInvited}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "ks 14", IntroDayID: ids[2], ReferrerID: anne.ID, Stage: bot.StageInvited}); err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	all, err := db.CandidatesByRef(ctx, "KS14")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].IntroDayID != ids[0] || all[0].Outcome != "job" || all[0].CompanyID != co.ID || all[1].IntroDayID != ids[2] || all[1].Stage != bot.StageInvited {
		t.Errorf("CandidatesByRef(KS14) = %+v", all)
	}
	if none, err := db.CandidatesByRef(ctx, "ZZ-1"); err != nil || len(none) != 0 {
		t.Errorf("unknown reference: %+v, %v", none, err)
	}
}
