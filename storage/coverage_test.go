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
