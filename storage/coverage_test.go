package storage_test

import (
	"testing"

	"kontaktbot/bot"
)

func mustNot(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCoverageSnapshotsReplaceTheirDayAndPersist(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	day := bot.Day(fixed)
	if taken, err := db.CoverageTaken(ctx, day); err != nil || taken {
		t.Fatalf("taken before saving: %v %v", taken, err)
	}
	yesterday := bot.AddDays(day, -1)
	mustNot(t, db.SaveCoverageSnapshots(ctx, yesterday, []bot.CoverageSnapshot{{JobcenterID: 1, Dedicated: 10, Within: 6, Overdue: 4}}))
	mustNot(t, db.SaveCoverageSnapshots(ctx, day, []bot.CoverageSnapshot{
		{JobcenterID: 1, Dedicated: 10, Within: 7, Overdue: 3},
		{JobcenterID: 2, Dedicated: 5, Within: 5},
	}))
	// Again the same day: the day's snapshot is replaced, not added.
	mustNot(t, db.SaveCoverageSnapshots(ctx, fixed, []bot.CoverageSnapshot{{JobcenterID: 1, Dedicated: 10, Within: 8, Overdue: 2}}))
	mustClose(t, db)
	db = mustOpen(t, path)
	if taken, err := db.CoverageTaken(ctx, day); err != nil || !taken {
		t.Fatalf("not taken after saving: %v %v", taken, err)
	}
	if taken, _ := db.CoverageTaken(ctx, bot.AddDays(day, 1)); taken {
		t.Fatal("tomorrow counts as taken")
	}
	got, err := db.CoverageSnapshots(ctx, 1, bot.AddDays(day, -30), day)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Day.Equal(yesterday) || got[0].Within != 6 || !got[1].Day.Equal(day) || got[1].Within != 8 || got[1].Overdue != 2 {
		t.Fatalf("jobcenter 1: %+v", got)
	}
	// Only the days asked for, only the jobcenter asked for.
	if got, _ := db.CoverageSnapshots(ctx, 1, day, day); len(got) != 1 || got[0].Within != 8 {
		t.Fatalf("today only: %+v", got)
	}
	if got, _ := db.CoverageSnapshots(ctx, 2, yesterday, day); len(got) != 1 || got[0].JobcenterID != 2 || got[0].Percent() != 100 {
		t.Fatalf("jobcenter 2: %+v", got)
	}
	if got, _ := db.CoverageSnapshots(ctx, 3, yesterday, day); len(got) != 0 {
		t.Fatalf("jobcenter 3: %+v", got)
	}
}

// A lead's digest keeps its chart's figures in the outbox: they come back
// as they went in, gaps included.
func TestDeliveryKeepsItsCoverageChart(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	day := bot.Day(fixed)
	snaps := []bot.CoverageSnapshot{
		{JobcenterID: 3, Day: bot.AddDays(day, -14), Dedicated: 40, Within: 30, Overdue: 10},
		{JobcenterID: 3, Day: day, Dedicated: 41, Within: 33, Overdue: 8},
	}
	ch := &bot.CoverageChart{Title: "Jobcenter Sorø", Goal: 85, Weeks: bot.CoverageWeeks(snaps, day, bot.ChartWeeks)}
	ds := []bot.Delivery{{To: 1, Coverage: ch}, {To: 2}}
	if _, err := db.PlanDeliveries(ctx, bot.JobDigest, day, ds); err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	got, err := db.Deliveries(ctx, bot.JobDigest, day)
	if err != nil || len(got) != 2 {
		t.Fatalf("%d deliveries, %v", len(got), err)
	}
	if got[1].Coverage != nil {
		t.Errorf("a digest without a chart came back with one: %+v", got[1].Coverage)
	}
	back := got[0].Coverage
	if back == nil || back.Title != ch.Title || back.Goal != 85 || len(back.Weeks) != bot.ChartWeeks {
		t.Fatalf("coverage back: %+v", back)
	}
	for i, w := range ch.Weeks {
		b := back.Weeks[i]
		if b.Week != w.Week || !b.Monday.Equal(w.Monday) || b.Known != w.Known || b.Last.Within != w.Last.Within ||
			b.Last.Dedicated != w.Last.Dedicated || b.Last.Overdue != w.Last.Overdue || !b.Last.Day.Equal(w.Last.Day) || b.Last.JobcenterID != w.Last.JobcenterID {
			t.Errorf("week %d: %+v, want %+v", i, b, w)
		}
	}
}
