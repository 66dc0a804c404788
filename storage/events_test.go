package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// TestFirstSeen: a key is first once, also across a reopen (Slack's retry
// after a restart), and concurrent callers agree that exactly one was first.
func TestFirstSeen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := newDB(t)
	if first, err := db.FirstSeen(ctx, "slack/event/Ev1"); err != nil || !first {
		t.Fatalf("first time: first=%v err=%v", first, err)
	}
	if first, err := db.FirstSeen(ctx, "slack/event/Ev1"); err != nil || first {
		t.Fatalf("second time: first=%v err=%v, want false", first, err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	if first, err := db.FirstSeen(ctx, "slack/event/Ev1"); err != nil || first {
		t.Fatalf("after reopen: first=%v err=%v, want false", first, err)
	}
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if first, err := db.FirstSeen(ctx, "slack/event/Ev2"); err != nil {
				t.Error(err)
			} else if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if firsts.Load() != 1 {
		t.Fatalf("%d concurrent callers were first, want 1", firsts.Load())
	}
	if _, err := db.FirstSeen(ctx, ""); err == nil {
		t.Fatal("empty key accepted")
	}
}

// TestFirstSeenForgets: after SeenKeep a key counts as new again, and the
// periodic sweep removes old keys so the bucket does not grow for ever.
func TestFirstSeenForgets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := fixed
	var mu sync.Mutex
	clock := bot.ClockFunc(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	db := mustOpenWith(t, filepath.Join(t.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: clock, NoSync: true})
	if first, _ := db.FirstSeen(ctx, "old"); !first {
		t.Fatal("old not first")
	}
	mu.Lock()
	now = now.Add(storage.SeenKeep + time.Minute)
	mu.Unlock()
	if first, err := db.FirstSeen(ctx, "old"); err != nil || !first {
		t.Fatalf("after SeenKeep: first=%v err=%v, want true", first, err)
	}
	mu.Lock()
	now = now.Add(storage.SeenKeep + time.Minute)
	mu.Unlock()
	for i := range 600 { // passes a sweep
		if first, err := db.FirstSeen(ctx, fmt.Sprintf("new-%d", i)); err != nil || !first {
			t.Fatalf("new-%d: first=%v err=%v", i, first, err)
		}
	}
	// "old" was swept: seen again it is first, and so it would be even
	// without the sweep; what the sweep shows is that new keys stay.
	if first, _ := db.FirstSeen(ctx, "new-1"); first {
		t.Fatal("a recent key was swept away")
	}
}

// TestRecorded: Recorded sees what FirstSeen recorded, also after a reopen,
// writes nothing itself, and forgets a key after SeenKeep as FirstSeen does.
func TestRecorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := fixed
	var mu sync.Mutex
	clock := bot.ClockFunc(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	path := filepath.Join(t.TempDir(), "k.db")
	db := mustOpenWith(t, path, storage.Options{Timeout: time.Second, Clock: clock})
	if rec, err := db.Recorded(ctx, "teams/activity/c/1"); err != nil || rec {
		t.Fatalf("never recorded: recorded=%v err=%v", rec, err)
	}
	// Asking did not record it.
	if first, err := db.FirstSeen(ctx, "teams/activity/c/1"); err != nil || !first {
		t.Fatalf("after Recorded: first=%v err=%v, want true", first, err)
	}
	mustClose(t, db)
	db = mustOpenWith(t, path, storage.Options{Timeout: time.Second, Clock: clock})
	if rec, err := db.Recorded(ctx, "teams/activity/c/1"); err != nil || !rec {
		t.Fatalf("after reopen: recorded=%v err=%v, want true", rec, err)
	}
	if rec, err := db.Recorded(ctx, "teams/activity/c/2"); err != nil || rec {
		t.Fatalf("another key: recorded=%v err=%v, want false", rec, err)
	}
	mu.Lock()
	now = now.Add(storage.SeenKeep + time.Minute)
	mu.Unlock()
	if rec, err := db.Recorded(ctx, "teams/activity/c/1"); err != nil || rec {
		t.Fatalf("after SeenKeep: recorded=%v err=%v, want false", rec, err)
	}
	if _, err := db.Recorded(ctx, ""); err == nil {
		t.Fatal("empty key accepted")
	}
}
