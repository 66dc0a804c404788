package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// openTemp opens a fresh file in a temp dir, closed when t ends.
func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "k.db"), Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// txID is the id of the file's last committed transaction.
func txID(t *testing.T, db *DB) int {
	t.Helper()
	var id int
	if err := db.bolt.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRecordRidesWithTheFirstWrite: the first write through a ctx from
// WithRecord records its key in the same transaction (one commit for the
// write and the record); later writes through it carry nothing more, and
// FirstSeen then hears the key is not new.
func TestRecordRidesWithTheFirstWrite(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	bucket := []byte("record-test")
	put := func(ctx context.Context, k string) error {
		return db.update(ctx, func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(bucket)
			if err != nil {
				return err
			}
			return b.Put([]byte(k), []byte("x"))
		})
	}
	ctx, written := db.WithRecord(context.Background(), "teams/activity/a/1")
	if written() {
		t.Fatal("written before any write")
	}
	if rec, err := db.Recorded(ctx, "teams/activity/a/1"); err != nil || rec {
		t.Fatalf("recorded before any write: %v, %v", rec, err)
	}
	before := txID(t, db)
	if err := put(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	if got := txID(t, db); got != before+1 {
		t.Errorf("the write and its record took %d commits, want 1", got-before)
	}
	if !written() {
		t.Error("not written after a committed write")
	}
	if rec, err := db.Recorded(ctx, "teams/activity/a/1"); err != nil || !rec {
		t.Fatalf("not recorded after the write: %v, %v", rec, err)
	}
	if err := put(ctx, "two"); err != nil {
		t.Fatal(err)
	}
	if first, err := db.FirstSeen(context.Background(), "teams/activity/a/1"); err != nil || first {
		t.Errorf("FirstSeen after the record: first=%v err=%v, want false", first, err)
	}
}

// TestRecordStaysFreeWhenItsWriteFails: a write that fails (or panics)
// rolls its record back with it, in a batch whose other writes commit,
// and the next write through the ctx records the key; a ctx whose work
// wrote nothing records nothing, and FirstSeen through it records the key
// once.
func TestRecordStaysFreeWhenItsWriteFails(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	refused := errors.New("refused")
	hold, holding := make(chan struct{}), make(chan struct{})
	go db.update(context.Background(), func(*bolt.Tx) error { close(holding); <-hold; return nil })
	<-holding
	ctx, written := db.WithRecord(context.Background(), "k1")
	errs := make(chan error, 3)
	go func() { errs <- db.update(ctx, func(*bolt.Tx) error { return refused }) }()
	go func() { errs <- db.update(context.Background(), func(*bolt.Tx) error { return nil }) }()
	waitQueued(t, db, 2)
	close(hold)
	for range 2 {
		if err := <-errs; err != nil && !errors.Is(err, refused) {
			t.Fatal(err)
		}
	}
	if written() {
		t.Fatal("written although its write was refused")
	}
	if rec, err := db.Recorded(ctx, "k1"); err != nil || rec {
		t.Fatalf("recorded although its write was refused: %v, %v", rec, err)
	}
	go func() { errs <- db.update(ctx, func(*bolt.Tx) error { panic("bug") }) }()
	if err := <-errs; err == nil {
		t.Fatal("a panicking write: no error")
	}
	if written() {
		t.Fatal("written although its write panicked")
	}
	if err := db.update(ctx, func(*bolt.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if rec, err := db.Recorded(ctx, "k1"); err != nil || !rec || !written() {
		t.Fatalf("after a good write: recorded=%v written=%v err=%v", rec, written(), err)
	}

	quiet, wrote := db.WithRecord(context.Background(), "k2")
	if first, err := db.FirstSeen(quiet, "k2"); err != nil || !first {
		t.Fatalf("FirstSeen through its own record: first=%v err=%v, want true", first, err)
	}
	if !wrote() {
		t.Error("FirstSeen's write did not count as the record's")
	}
	if first, err := db.FirstSeen(context.Background(), "k2"); err != nil || first {
		t.Fatalf("FirstSeen again: first=%v err=%v, want false", first, err)
	}
}
