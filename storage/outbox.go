package storage

import (
	"bytes"
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// The outbox holds the scheduled messages of each day. Planning a day's
// messages of a kind and marking the day planned happen in one
// transaction, so a sweep that runs again (the same day, or after a
// restart) finds the mark and plans nothing twice; a delivery is marked
// delivered in the commit right after the platform confirmed it.

// outboxDay is the key prefix of kind's entries on day; alone, it is the
// day's plan mark.
func outboxDay(kind bot.JobKind, day time.Time) []byte {
	return join([]byte(kind), []byte{0}, dayKey(day))
}

// PlanDeliveries stores ds as kind's deliveries on day and marks the day
// planned, unless it was planned already; planned reports whether this
// call did it. An empty ds still marks the day.
func (db *DB) PlanDeliveries(ctx context.Context, kind bot.JobKind, day time.Time, ds []bot.Delivery) (planned bool, err error) {
	prefix := outboxDay(kind, day)
	err = db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bOutbox)
		if b.Get(prefix) != nil {
			return nil
		}
		for _, d := range ds {
			d.Kind, d.Day = kind, bot.Day(day)
			data, err := encode(d)
			if err != nil {
				return err
			}
			if err := b.Put(join(prefix, itob(d.To)), data); err != nil {
				return err
			}
		}
		planned = true
		return b.Put(prefix, []byte(db.clock.Now().Format(time.RFC3339)))
	})
	return planned, err
}

// Planned reports whether kind's deliveries on day have been planned.
func (db *DB) Planned(ctx context.Context, kind bot.JobKind, day time.Time) (planned bool, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		planned = tx.Bucket(bOutbox).Get(outboxDay(kind, day)) != nil
		return nil
	})
	return planned, err
}

// Deliveries returns kind's deliveries on day, ordered by recipient id.
func (db *DB) Deliveries(ctx context.Context, kind bot.JobKind, day time.Time) ([]bot.Delivery, error) {
	var out []bot.Delivery
	prefix := outboxDay(kind, day)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bOutbox).Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if len(k) != len(prefix)+8 {
				continue // the plan mark
			}
			var d bot.Delivery
			if err := decode(v, &d, bOutbox, k[len(prefix):]); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// SaveDelivery stores what happened to a planned delivery (a try, its
// confirmation). A delivery already marked delivered is never changed
// back: the first confirmation wins. It returns bot.ErrNotFound for a
// delivery that was never planned.
func (db *DB) SaveDelivery(ctx context.Context, d bot.Delivery) error {
	key := join(outboxDay(d.Kind, d.Day), itob(d.To))
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bOutbox)
		old := b.Get(key)
		if old == nil {
			return bot.ErrNotFound
		}
		var stored bot.Delivery
		if err := decode(old, &stored, bOutbox, key); err != nil {
			return err
		}
		if !stored.Delivered.IsZero() {
			return nil
		}
		data, err := encode(d)
		if err != nil {
			return err
		}
		return b.Put(key, data)
	})
}

// PruneOutbox deletes kind's deliveries and plan marks of the days before
// day, and returns how many entries it removed: the outbox is a working
// list, not an archive.
func (db *DB) PruneOutbox(ctx context.Context, kind bot.JobKind, before time.Time) (n int, err error) {
	start, end := join([]byte(kind), []byte{0}), outboxDay(kind, before)
	err = db.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		cur := tx.Bucket(bOutbox).Cursor()
		for k, _ := cur.Seek(start); k != nil && bytes.HasPrefix(k, start) && bytes.Compare(k, end) < 0; k, _ = cur.Seek(start) {
			if err := cur.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
