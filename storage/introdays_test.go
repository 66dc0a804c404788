package storage_test

import (
	"errors"
	"testing"

	"kontaktbot/bot"
)

func TestIntroDaysAndCandidates(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	jc := mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Sorø"})
	first, err := db.CreateIntroDay(ctx, bot.IntroDay{Date: days(10), Place: "Sorø Bibliotek", HostID: jc.ID, Jobcenters: []uint64{jc.ID}})
	if err != nil || first.ID != 1 {
		t.Fatalf("first intro day: #%d, %v", first.ID, err)
	}
	second, _ := db.CreateIntroDay(ctx, bot.IntroDay{Date: days(3), Place: "Slagelse Jobcenter", HostID: jc.ID})
	if second.ID != 2 {
		t.Errorf("second intro day is #%d", second.ID)
	}
	if _, err := db.UpdateIntroDay(ctx, first.ID, func(d *bot.IntroDay) error { d.CompanyIDs = append(d.CompanyIDs, 7); return nil }); err != nil {
		t.Fatal(err)
	}
	upcoming, _ := db.IntroDaysFrom(ctx, days(0))
	if len(upcoming) != 2 || upcoming[0].ID != 2 || upcoming[1].CompanyIDs[0] != 7 {
		t.Errorf("upcoming intro days: %+v", upcoming)
	}
	if later, _ := db.IntroDaysFrom(ctx, days(5)); len(later) != 1 || later[0].ID != 1 {
		t.Errorf("intro days from day 5: %+v", later)
	}

	for _, ref := range []string{"KS-14", "AB-2"} {
		if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: ref, IntroDayID: first.ID, HomeJobcenterID: jc.ID, Stage: bot.StageInvited, Skills: "svejsning"}); err != nil {
			t.Fatal(err)
		}
	}
	var ce *bot.ConflictError
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "ks 14", IntroDayID: first.ID}); !errors.As(err, &ce) || ce.What != "candidate" {
		t.Errorf("the same reference twice on one day: %v", err)
	}
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "XY-1", IntroDayID: 99}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a candidate on a missing intro day: %v", err)
	}
	// The same person may come to a later intro day; by reference the
	// latest is found.
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "KS-14", IntroDayID: second.ID, Stage: bot.StageInvited}); err != nil {
		t.Fatal(err)
	}
	for _, spelling := range []string{"ks-14", "KS 14", "ks14"} {
		if c, err := db.CandidateByRef(ctx, spelling); err != nil || c.IntroDayID != second.ID || c.Reference != "KS-14" {
			t.Errorf("CandidateByRef(%q): %+v, %v", spelling, c, err)
		}
	}
	if _, err := db.CandidateByRef(ctx, "ZZ-9"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("an unknown reference: %v", err)
	}

	end := bot.Day(days(24))
	if _, err := db.UpdateCandidate(ctx, first.ID, "KS-14", func(c *bot.Candidate) error {
		c.Stage, c.CompanyID, c.InternshipStart, c.InternshipEnd = bot.StageInternship, 7, bot.Day(days(11)), end
		c.History = append(c.History, bot.Event{At: fixed, What: "praktik"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCandidate(ctx, first.ID, "nobody", func(*bot.Candidate) error { return nil }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("updating an unknown candidate: %v", err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	ending, err := db.InternshipsEnding(ctx, end)
	if err != nil || len(ending) != 1 || ending[0].Reference != "KS-14" || ending[0].IntroDayID != first.ID {
		t.Fatalf("internships ending: %+v, %v", ending, err)
	}
	if none, _ := db.InternshipsEnding(ctx, bot.AddDays(end, 1)); len(none) != 0 {
		t.Errorf("internships ending the day after: %+v", none)
	}
	// The meeting held, the internship leaves the index.
	if _, err := db.UpdateCandidate(ctx, first.ID, "KS-14", func(c *bot.Candidate) error { c.Stage = bot.StageMeeting; return nil }); err != nil {
		t.Fatal(err)
	}
	if ending, _ := db.InternshipsEnding(ctx, end); len(ending) != 0 {
		t.Errorf("a candidate past internship still ends one: %+v", ending)
	}
	cs, _ := db.Candidates(ctx, first.ID)
	if len(cs) != 2 || cs[0].Reference != "AB-2" || cs[1].Stage != bot.StageMeeting || len(cs[1].History) != 1 {
		t.Errorf("candidates of #1: %+v", cs)
	}
}
