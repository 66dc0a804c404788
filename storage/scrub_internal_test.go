package storage

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

func fileHolds(tb testing.TB, path, s string) bool {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Contains(data, []byte(s))
}

// Without a scrub, bbolt keeps a deleted value in a freed page.
func TestScrubErasesFreedPages(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	db, err := Open(path, Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) })})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	secret := "Gemte-Gunnar-" + strings.Repeat("z", 100)
	if err := db.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bSeen).Put([]byte("k"), []byte(secret)) }); err != nil {
		t.Fatal(err)
	}
	if err := db.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bSeen).Delete([]byte("k")) }); err != nil {
		t.Fatal(err)
	}
	if !fileHolds(t, path, "Gemte-Gunnar") {
		t.Fatal("the deleted value is gone without a scrub: the test shows nothing")
	}
	// A read transaction open (as counted around every view) holds the
	// scrub off: it may still read the freed page.
	db.readers.Add(1)
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := db.Scrub(short); err == nil {
		t.Fatal("scrub ran while a read transaction was open")
	}
	if !fileHolds(t, path, "Gemte-Gunnar") {
		t.Fatal("the scrub zeroed pages while a read transaction was open")
	}
	db.readers.Add(-1)
	if _, err := db.Scrub(ctx); err != nil {
		t.Fatal(err)
	}
	if fileHolds(t, path, "Gemte-Gunnar") {
		t.Error("the deleted value is still in the file after the scrub")
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}
