package storage

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bReplays maps a signed request's key (Slack's "slack/sig/<signature>")
// to the unix second until which it is remembered. It is created on the
// first write rather than listed in allBuckets: a file written before it
// existed needs no migration, and an older kontaktbot opening a newer file
// simply ignores it.
var bReplays = []byte("replays")

// replayPruneEvery is how many new keys pass between two sweeps of the
// expired ones. A key lives minutes, so the bucket holds about one
// window's requests plus this many, whatever the traffic.
const replayPruneEvery = 64

// FirstUntil records key until the time until and reports whether it was
// not already recorded with an until still ahead of the DB's clock: true
// the first time within that span, false for every repeat, also across
// restarts and among concurrent callers (exactly one of them is first).
// A key whose until has passed counts as new again. Expired keys are
// swept now and then, so the bucket does not grow with the traffic.
//
// It is the replay guard of signed requests, which are valid for minutes:
// only a committed record counts, and on error first is false and the
// caller does not know whether the key was seen.
func (db *DB) FirstUntil(ctx context.Context, key string, until time.Time) (first bool, err error) {
	if key == "" {
		return false, fmt.Errorf("first until: empty key")
	}
	first, err = db.firstIn(ctx, bReplays, key, until.Unix(), db.clock.Now().Unix(), replayPruneEvery)
	if err != nil {
		return false, fmt.Errorf("first until: %w", err)
	}
	return first, nil
}

// Replays counts the keys FirstUntil holds, expired or not: what the last
// sweep has left, so a test can see that the bucket stays small.
func (db *DB) Replays(ctx context.Context) (n int, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bReplays); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("replays: %w", err)
	}
	return n, nil
}
