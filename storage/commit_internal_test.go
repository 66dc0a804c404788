package storage

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestBatchIsolatesAFailingAndAPanickingWrite commits many writes at once:
// the one that fails and the one that panics are rolled back alone, every
// other write is committed, and every caller hears its own outcome.
func TestBatchIsolatesAFailingAndAPanickingWrite(t *testing.T) {
	t.Parallel()
	db, err := Open(filepath.Join(t.TempDir(), "k.db"), Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bucket := []byte("batch-test")
	if err := db.bolt.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	// Hold the writer so that the writes below queue up and go together.
	hold := make(chan struct{})
	holding := make(chan struct{})
	go db.update(context.Background(), func(*bolt.Tx) error { close(holding); <-hold; return nil })
	<-holding
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.update(context.Background(), func(tx *bolt.Tx) error {
				if err := tx.Bucket(bucket).Put([]byte{byte(i)}, []byte("x")); err != nil {
					return err
				}
				switch i {
				case 3:
					return refused
				case 7:
					panic("bug")
				}
				return nil
			})
		}()
	}
	waitQueued(t, db, n)
	close(hold)
	wg.Wait()
	for i, err := range errs {
		switch {
		case i == 3 && !errors.Is(err, refused), i == 7 && (err == nil || errors.Is(err, refused)), i != 3 && i != 7 && err != nil:
			t.Errorf("write %d: %v", i, err)
		}
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		for i := range n {
			if got := tx.Bucket(bucket).Get([]byte{byte(i)}) != nil; got != (i != 3 && i != 7) {
				t.Errorf("write %d stored: %v", i, got)
			}
		}
		return nil
	})
}

// waitQueued waits until n writes wait behind the commit under way.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		db.commits.mu.Lock()
		q := len(db.commits.queue)
		db.commits.mu.Unlock()
		if q == n {
			return
		}
	}
	t.Fatalf("writes did not queue up")
}
