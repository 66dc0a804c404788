package storage

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SeenKeep is how long FirstSeen remembers a key. Slack retries an event
// it got no answer to within about five minutes (three tries); a day covers
// that with room for a restart in between.
const SeenKeep = 24 * time.Hour

// pruneEvery is how many new keys pass between two sweeps of the keys
// older than SeenKeep: the sweep reads the whole bucket, and a day of
// events is a few thousand keys.
const pruneEvery = 512

// FirstSeen records key (a platform's event id, such as Slack's
// "slack/event/Ev0123") and reports whether this is the first time it was
// recorded, within SeenKeep. It survives restarts, so a platform's retry of
// an event that was handled before a crash is recognised. Only a committed
// record counts: on error the caller does not know, and should handle the
// event (at least once beats never).
func (db *DB) FirstSeen(ctx context.Context, key string) (first bool, err error) {
	if key == "" {
		return false, fmt.Errorf("first seen: empty key")
	}
	now := db.clock.Now().Unix()
	first, err = db.firstIn(ctx, bSeen, key, now, now-int64(SeenKeep/time.Second), pruneEvery)
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	return first, nil
}

// Recorded reports whether FirstSeen has recorded key within SeenKeep,
// writing nothing. It lets a caller decide at once, in a read transaction,
// and then record the key with FirstSeen alongside its own work, so that
// the record and that work share a commit instead of waiting for two.
// Two callers that ask at once both hear false: the caller keeps them apart.
func (db *DB) Recorded(ctx context.Context, key string) (recorded bool, err error) {
	if key == "" {
		return false, fmt.Errorf("recorded: empty key")
	}
	after := db.clock.Now().Unix() - int64(SeenKeep/time.Second)
	err = db.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bSeen); b != nil {
			v := b.Get([]byte(key))
			recorded = len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > after
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("recorded: %w", err)
	}
	return recorded, nil
}

// firstIn is FirstSeen's and FirstUntil's one mechanism: the bucket maps a
// key to a unix second, and a key counts as recorded while its second is
// after the second after. A new key, or one whose second is not after
// after, is recorded with stamp and reported first. Every every-th new key
// sweeps out the keys no longer recorded, so the bucket does not grow with
// the traffic.
func (db *DB) firstIn(ctx context.Context, bucket []byte, key string, stamp, after int64, every uint64) (first bool, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) (err error) {
		first, err = recordIn(tx, bucket, key, stamp, after, every)
		return err
	})
	return first, err
}

// recordIn records key in bucket within tx, as firstIn describes.
func recordIn(tx *bolt.Tx, bucket []byte, key string, stamp, after int64, every uint64) (first bool, err error) {
	b, err := tx.CreateBucketIfNotExists(bucket)
	if err != nil {
		return false, err
	}
	if v := b.Get([]byte(key)); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > after {
		return false, nil
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(stamp))
	if err := b.Put([]byte(key), v[:]); err != nil {
		return false, err
	}
	n, err := b.NextSequence()
	if err != nil {
		return false, err
	}
	if n%every == 0 {
		return true, prune(b, after)
	}
	return true, nil
}

// recordCtx is the context key of a record that waits for a write to ride
// with (WithRecord).
type recordCtx struct{}

// A pendingRecord is free until a write takes it, then taken until that
// write's commit, then written; a write that fails frees it again.
type pendingRecord struct {
	key   string
	state atomic.Int32
}

const (
	recordFree int32 = iota
	recordTaken
	recordWritten
)

// WithRecord returns ctx carrying key, which FirstSeen would record: the
// first write that commits through ctx records key in its own transaction,
// so that an event's record and the change the event made are committed
// together or not at all, and cost one commit instead of two. written
// reports whether such a write has committed; until one has, key is not
// recorded, and a caller whose work wrote nothing records it with
// FirstSeen. Writes through ctx after the first carry nothing more.
func (db *DB) WithRecord(ctx context.Context, key string) (_ context.Context, written func() bool) {
	r := &pendingRecord{key: key}
	return context.WithValue(ctx, recordCtx{}, r), func() bool { return r.state.Load() == recordWritten }
}

// takeRecord returns the record ctx carries when it is still free, now
// taken; nil when there is none.
func takeRecord(ctx context.Context) *pendingRecord {
	r, _ := ctx.Value(recordCtx{}).(*pendingRecord)
	if r == nil || r.key == "" || !r.state.CompareAndSwap(recordFree, recordTaken) {
		return nil
	}
	return r
}

// updateRecording runs fn as update does and, in the same transaction,
// records r's key as FirstSeen would.
func (db *DB) updateRecording(r *pendingRecord, fn func(tx *bolt.Tx) error) error {
	now := db.clock.Now().Unix()
	err := db.commits.do(func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		_, err := recordIn(tx, bSeen, r.key, now, now-int64(SeenKeep/time.Second), pruneEvery)
		return err
	}, db.commitBatch)
	if err != nil {
		r.state.Store(recordFree)
		return err
	}
	r.state.Store(recordWritten)
	return nil
}

// prune deletes the keys whose second is not after after.
func prune(b *bolt.Bucket, after int64) error {
	var old [][]byte
	_ = b.ForEach(func(k, v []byte) error {
		if len(v) != 8 || int64(binary.BigEndian.Uint64(v)) <= after {
			old = append(old, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
