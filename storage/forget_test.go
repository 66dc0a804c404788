package storage_test

import (
	"testing"

	"kontaktbot/bot"
)

func TestForgetPositionsAndCandidates(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Kro", OwnerID: anne.ID, CadenceDays: 30})
	p := mustPosition(t, db, bot.Position{CompanyID: co.ID, ConsultantID: anne.ID, Title: "Kok", Count: 1, Requirements: "spørg efter Søren-Østergård", Status: bot.PositionOpen})
	d, err := db.CreateIntroDay(ctx, bot.IntroDay{Date: days(3), Place: "Sorø"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "KS-14", IntroDayID: d.ID, Skills: "søren-østergård anbefaler", Wishes: "lager", Stage: bot.StageInvited}); err != nil {
		t.Fatal(err)
	}
	if !inFile(t, path, "Søren-Østergård") {
		t.Fatal("not stored")
	}
	places, records, err := db.Forget(ctx, "SØREN-ØSTERGÅRD", 0, true)
	if err != nil || places != 2 || records != 2 {
		t.Fatalf("dry run: %d places, %d records, %v", places, records, err)
	}
	if !inFile(t, path, "Søren-Østergård") {
		t.Fatal("a dry run changed the file")
	}
	if _, _, err := db.Forget(ctx, "SØREN-ØSTERGÅRD", 0, false); err != nil {
		t.Fatal(err)
	}
	if inFile(t, path, "Søren-Østergård") || inFile(t, path, "søren-østergård") {
		t.Error("the text is still in the file")
	}
	if got := mustGetPosition(t, db, p.ID); got.Requirements != "spørg efter [slettet]" {
		t.Errorf("requirements: %q", got.Requirements)
	}
	if _, _, err := db.Forget(ctx, "ab", 0, true); err == nil {
		t.Error("a 2-letter text was accepted")
	}
}
