package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// Coverage snapshots: one small record a day per jobcenter (about 100
// bytes), keyed by jobcenter id and day so that a jobcenter's weeks are
// one cursor walk, and a mark per day saying the day's were taken.

// coverageTaken is the key of day's mark; it cannot clash with a
// snapshot's key, which starts with a jobcenter id (8 bytes, first byte 0).
func coverageTaken(day time.Time) []byte { return join([]byte("taken"), dayKey(day)) }

// SaveCoverageSnapshots stores ss as day's snapshots, each under its
// JobcenterID with its Day set to day, and marks the day taken, in one
// transaction. Saving a day again replaces that day's snapshots of the
// same jobcenters.
func (db *DB) SaveCoverageSnapshots(ctx context.Context, day time.Time, ss []bot.CoverageSnapshot) error {
	day = bot.Day(day)
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bCoverage)
		for _, s := range ss {
			s.Day = day
			data, err := encode(s)
			if err != nil {
				return fmt.Errorf("coverage snapshot of jobcenter #%d: %w", s.JobcenterID, err)
			}
			if err := b.Put(join(itob(s.JobcenterID), dayKey(day)), data); err != nil {
				return err
			}
		}
		return b.Put(coverageTaken(day), []byte(db.clock.Now().Format(time.RFC3339)))
	})
}

// CoverageTaken reports whether day's snapshots have been saved.
func (db *DB) CoverageTaken(ctx context.Context, day time.Time) (taken bool, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bCoverage); b != nil { // a read-only file from before snapshots lacks it
			taken = b.Get(coverageTaken(day)) != nil
		}
		return nil
	})
	return taken, err
}

// CoverageSnapshots returns the jobcenter's snapshots of the days from
// through to, oldest first.
func (db *DB) CoverageSnapshots(ctx context.Context, jobcenter uint64, from, to time.Time) ([]bot.CoverageSnapshot, error) {
	var out []bot.CoverageSnapshot
	prefix := itob(jobcenter)
	start, end := join(prefix, dayKey(from)), join(prefix, dayKey(to))
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bCoverage)
		if b == nil {
			return nil
		}
		cur := b.Cursor()
		for k, v := cur.Seek(start); k != nil && bytes.Compare(k, end) <= 0; k, v = cur.Next() {
			var s bot.CoverageSnapshot
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("decode coverage snapshot %x: %w", k, err)
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}
