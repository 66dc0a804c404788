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

// TestFirstUntil: a key is first once until its time, also across a reopen
// (a replay after a restart) and among concurrent callers; after its time
// it counts as new again.
func TestFirstUntil(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := fixed
	var mu sync.Mutex
	clock := bot.ClockFunc(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	path := filepath.Join(t.TempDir(), "k.db")
	opt := storage.Options{Timeout: time.Second, Clock: clock}
	db := mustOpenWith(t, path, opt)
	until := fixed.Add(5 * time.Minute)
	if first, err := db.FirstUntil(ctx, "slack/sig/v0=aa", until); err != nil || !first {
		t.Fatalf("first time: first=%v err=%v", first, err)
	}
	if first, err := db.FirstUntil(ctx, "slack/sig/v0=aa", until); err != nil || first {
		t.Fatalf("second time: first=%v err=%v, want false", first, err)
	}
	if first, err := db.FirstUntil(ctx, "slack/sig/v0=bb", until); err != nil || !first {
		t.Fatalf("another key: first=%v err=%v, want true", first, err)
	}
	mustClose(t, db)
	db = mustOpenWith(t, path, opt)
	if first, err := db.FirstUntil(ctx, "slack/sig/v0=aa", until); err != nil || first {
		t.Fatalf("after reopen: first=%v err=%v, want false", first, err)
	}
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if first, err := db.FirstUntil(ctx, "slack/sig/v0=cc", until); err != nil {
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
	mu.Lock()
	now = until
	mu.Unlock()
	if first, err := db.FirstUntil(ctx, "slack/sig/v0=aa", until.Add(5*time.Minute)); err != nil || !first {
		t.Fatalf("at its until: first=%v err=%v, want true", first, err)
	}
	if _, err := db.FirstUntil(ctx, "", until); err == nil {
		t.Fatal("empty key accepted")
	}
}

// TestFirstUntilPrunes: expired keys are swept as new ones come, so the
// bucket holds about one window's keys however long the bot runs.
func TestFirstUntilPrunes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := fixed
	var mu sync.Mutex
	clock := bot.ClockFunc(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	db := mustOpenWith(t, filepath.Join(t.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: clock, NoSync: true})
	// An hour of requests, one every 5 seconds, each kept 5 minutes.
	for i := range 720 {
		mu.Lock()
		now = fixed.Add(time.Duration(i) * 5 * time.Second)
		at := now
		mu.Unlock()
		if first, err := db.FirstUntil(ctx, fmt.Sprintf("slack/sig/%d", i), at.Add(5*time.Minute)); err != nil || !first {
			t.Fatalf("key %d: first=%v err=%v", i, first, err)
		}
	}
	n, err := db.Replays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 60 keys are live at any time, and at most 64 more wait for a sweep.
	if n < 60 || n > 60+64 {
		t.Fatalf("%d keys kept after an hour of 720, want 60 to 124", n)
	}
	// The last one is still remembered.
	if first, _ := db.FirstUntil(ctx, "slack/sig/719", now.Add(5*time.Minute)); first {
		t.Fatal("a live key was swept away")
	}
}

// BenchmarkFirstUntil is the replay guard's cost on every signed request.
func BenchmarkFirstUntil(b *testing.B) {
	ctx := context.Background()
	db := mustOpenWith(b, filepath.Join(b.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return fixed })})
	i := 0
	for b.Loop() {
		i++
		if _, err := db.FirstUntil(ctx, fmt.Sprintf("slack/sig/%d", i), fixed.Add(5*time.Minute)); err != nil {
			b.Fatal(err)
		}
	}
}
