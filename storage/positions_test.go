package storage_test

import (
	"errors"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

func mustPosition(tb testing.TB, db *storage.DB, p bot.Position) bot.Position {
	tb.Helper()
	p, err := db.CreatePosition(tb.Context(), p)
	if err != nil {
		tb.Fatalf("create position %q: %v", p.Title, err)
	}
	return p
}

func mustGetPosition(tb testing.TB, db *storage.DB, id uint64) bot.Position {
	tb.Helper()
	p, err := db.Position(tb.Context(), id)
	if err != nil {
		tb.Fatalf("position #%d: %v", id, err)
	}
	return p
}

func setStatus(tb testing.TB, db *storage.DB, id uint64, st bot.PositionStatus) bot.Position {
	tb.Helper()
	p, err := db.UpdatePosition(tb.Context(), id, func(p *bot.Position) error { p.Status = st; return nil })
	if err != nil {
		tb.Fatalf("position #%d to %s: %v", id, st, err)
	}
	return p
}

func positionIDs(ps []bot.Position) []uint64 {
	out := make([]uint64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestPositionOpenTitleIsUnique(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	ltek := mustCompany(t, db, bot.Company{Name: "L-tek"})
	danfoss := mustCompany(t, db, bot.Company{Name: "Danfoss"})

	first := mustPosition(t, db, bot.Position{CompanyID: ltek.ID, Title: "Svejser", Count: 2})
	if first.ID != 1 || first.Status != bot.PositionOpen || !first.Created.Equal(fixed) {
		t.Errorf("created %+v, want #1, open, created now", first)
	}
	// The same title, normalized, while the first is open: refused.
	_, err := db.CreatePosition(ctx, bot.Position{CompanyID: ltek.ID, Title: "SVEJSER!"})
	assertConflict(t, err, "position", first.ID)
	// Another company, or another title: fine.
	mustPosition(t, db, bot.Position{CompanyID: danfoss.ID, Title: "Svejser"})
	smed := mustPosition(t, db, bot.Position{CompanyID: ltek.ID, Title: "Smed"})
	// A company that does not exist.
	if _, err := db.CreatePosition(ctx, bot.Position{CompanyID: 99, Title: "Svejser"}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("unknown company: err = %v, want bot.ErrNotFound", err)
	}
	// Renaming one open position to the title of another is a conflict too.
	_, err = db.UpdatePosition(ctx, smed.ID, func(p *bot.Position) error { p.Title = "svejser"; return nil })
	assertConflict(t, err, "position", first.ID)
	if got := mustGetPosition(t, db, smed.ID); got.Title != "Smed" {
		t.Errorf("a refused update was stored: %+v", got)
	}

	// Closed, filled or expired, the title is free again.
	for _, st := range []bot.PositionStatus{bot.PositionClosed, bot.PositionFilled, bot.PositionExpired} {
		open, err := db.PositionsOf(ctx, ltek.ID)
		if err != nil {
			t.Fatal(err)
		}
		var cur uint64
		for _, p := range open {
			if p.Status == bot.PositionOpen && p.Title != "Smed" {
				cur = p.ID
			}
		}
		setStatus(t, db, cur, st)
		again := mustPosition(t, db, bot.Position{CompanyID: ltek.ID, Title: "Svejser"})
		// Reopening the old one would make two open: refused.
		_, err = db.UpdatePosition(ctx, cur, func(p *bot.Position) error { p.Status = bot.PositionOpen; return nil })
		assertConflict(t, err, "position", again.ID)
	}

	// What was acknowledged survives a reopen, history and receipts too.
	withHistory, err := db.UpdatePosition(ctx, first.ID, func(p *bot.Position) error {
		p.History = append(p.History, bot.Event{At: fixed, By: 7, What: "lukket"})
		p.Announced = []bot.Receipt{{Channel: bot.Channel{Platform: "slack", ID: "C1"}, MessageID: "1.2"}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	assertSame(t, "after reopen", mustGetPosition(t, db, first.ID), withHistory)
	_, err = db.CreatePosition(t.Context(), bot.Position{CompanyID: ltek.ID, Title: "Svejser"})
	assertConflict(t, err, "position", 6) // the last one opened above, still open
}

func TestPositionsPastDeadline(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	co := mustCompany(t, db, bot.Company{Name: "L-tek"})
	mk := func(title string, deadline time.Time, st bot.PositionStatus) bot.Position {
		p := mustPosition(t, db, bot.Position{CompanyID: co.ID, Title: title, Count: 1, Deadline: deadline})
		if st != bot.PositionOpen {
			p = setStatus(t, db, p.ID, st)
		}
		return p
	}
	day := func(n int) time.Time { return bot.Day(days(n)) }
	yesterday := mk("yesterday", day(-1), bot.PositionOpen)
	today := mk("today", day(0), bot.PositionOpen)
	mk("tomorrow", day(1), bot.PositionOpen)
	mk("no deadline", time.Time{}, bot.PositionOpen)
	lastWeek := mk("last week", day(-7), bot.PositionOpen)
	mk("closed", day(-3), bot.PositionClosed)
	mk("filled", day(-3), bot.PositionFilled)
	mk("expired", day(-3), bot.PositionExpired)

	past, err := db.PositionsPastDeadline(ctx, fixed)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, "past deadline on Monday", positionIDs(past), []uint64{lastWeek.ID, yesterday.ID})
	// Late in the evening it is still the same day.
	past, _ = db.PositionsPastDeadline(ctx, bot.Day(fixed).Add(23*time.Hour+59*time.Minute))
	assertSame(t, "past deadline late Monday", positionIDs(past), []uint64{lastWeek.ID, yesterday.ID})
	past, _ = db.PositionsPastDeadline(ctx, days(1))
	assertSame(t, "past deadline on Tuesday", positionIDs(past), []uint64{lastWeek.ID, yesterday.ID, today.ID})

	// Expiring one, or moving its deadline, moves it in the index.
	setStatus(t, db, lastWeek.ID, bot.PositionExpired)
	if _, err := db.UpdatePosition(ctx, yesterday.ID, func(p *bot.Position) error { p.Deadline = bot.Day(days(10)); return nil }); err != nil {
		t.Fatal(err)
	}
	past, _ = db.PositionsPastDeadline(ctx, days(1))
	assertSame(t, "after expiry and a new deadline", positionIDs(past), []uint64{today.ID})
}

func TestPositionsOfAndForEach(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	a := mustCompany(t, db, bot.Company{Name: "A"})
	b := mustCompany(t, db, bot.Company{Name: "B"})
	a1 := mustPosition(t, db, bot.Position{CompanyID: a.ID, Title: "one"})
	b1 := mustPosition(t, db, bot.Position{CompanyID: b.ID, Title: "one"})
	a2 := mustPosition(t, db, bot.Position{CompanyID: a.ID, Title: "two"})
	a3 := mustPosition(t, db, bot.Position{CompanyID: a.ID, Title: "three"})
	setStatus(t, db, a2.ID, bot.PositionClosed) // every status is listed

	got, err := db.PositionsOf(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, "positions of A", positionIDs(got), []uint64{a1.ID, a2.ID, a3.ID})
	if got[1].Status != bot.PositionClosed {
		t.Errorf("#%d status %s, want closed", got[1].ID, got[1].Status)
	}
	got, _ = db.PositionsOf(ctx, b.ID)
	assertSame(t, "positions of B", positionIDs(got), []uint64{b1.ID})
	if got, _ := db.PositionsOf(ctx, 99); len(got) != 0 {
		t.Errorf("positions of an unknown company: %+v", got)
	}

	var all []bot.Position
	if err := db.ForEachPosition(ctx, func(p bot.Position) error { all = append(all, p); return nil }); err != nil {
		t.Fatal(err)
	}
	assertSame(t, "every position, newest first", positionIDs(all), []uint64{a3.ID, a2.ID, b1.ID, a1.ID})
	stop := errors.New("stop")
	n := 0
	if err := db.ForEachPosition(ctx, func(bot.Position) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("ForEachPosition stopped after %d with %v, want 1 and stop", n, err)
	}
	if _, err := db.Position(ctx, 99); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Position(99) err = %v, want bot.ErrNotFound", err)
	}
	if _, err := db.UpdatePosition(ctx, 99, func(*bot.Position) error { return nil }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("UpdatePosition(99) err = %v, want bot.ErrNotFound", err)
	}
}
