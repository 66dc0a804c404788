package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
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
		b.FillPercent = 0.9 // a day's keys are appended in order: pack the pages
		for _, d := range ds {
			d.Kind, d.Day = kind, bot.Day(day)
			data := encodeDelivery(d)
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
			d, err := decodeDelivery(v)
			if err != nil {
				return fmt.Errorf("outbox %s #%d: %w", prefix, btoi(k[len(prefix):]), err)
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
		stored, err := decodeDelivery(old)
		if err != nil {
			return fmt.Errorf("outbox #%d: %w", d.To, err)
		}
		if !stored.Delivered.IsZero() {
			return nil
		}
		return b.Put(key, encodeDelivery(d))
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
		if kind != bot.JobNudge {
			return nil
		}
		// The nudge is what tells of crossings: kept as long as it is.
		m, err := pruneCrossed(tx, before)
		n += m
		return err
	})
	return n, err
}

// A delivery is stored in a compact binary form (as the nudge summaries
// are): a morning plan writes thousands of them with their items in one
// transaction, and JSON encoding was most of its cost.
// Version 2 added Heading and Lines, version 3 the items' Done marks and
// Coverage (the figures of a lead's chart, not the picture), version 4
// the Crossings.
const deliveryVersion = 4

func encodeDelivery(d bot.Delivery) []byte {
	b := make([]byte, 0, 64+len(d.Items)*64+len(d.LastError))
	b = append(b, deliveryVersion)
	b = appendString(b, string(d.Kind))
	b = appendTime(b, d.Day)
	b = binary.AppendUvarint(b, d.To)
	b = binary.AppendUvarint(b, uint64(max(d.Attempts, 0)))
	b = appendTime(b, d.NextTry)
	b = appendString(b, d.LastError)
	b = appendTime(b, d.Delivered)
	b = appendString(b, d.Receipt.Channel.Platform)
	b = appendString(b, d.Receipt.Channel.Team)
	b = appendString(b, d.Receipt.Channel.ID)
	b = appendString(b, d.Receipt.MessageID)
	gaveUp := byte(0)
	if d.GaveUp {
		gaveUp = 1
	}
	b = append(b, gaveUp)
	b = binary.AppendUvarint(b, uint64(len(d.Items)))
	for _, it := range d.Items {
		b = binary.AppendUvarint(b, it.CompanyID)
		b = appendString(b, it.Name)
		b = appendString(b, string(it.Tier))
		b = binary.AppendVarint(b, int64(it.CadenceDays))
		b = appendTime(b, it.LastContact)
		b = appendString(b, string(it.LastKind))
		b = appendString(b, it.LastBy)
		b = binary.AppendVarint(b, int64(it.OverdueDays))
		b = appendTime(b, it.Planned)
		b = binary.AppendVarint(b, int64(it.SnoozeCount))
		b = appendString(b, it.Owner)
		b = appendTime(b, it.OwnerAway)
	}
	b = appendString(b, d.Heading)
	b = binary.AppendUvarint(b, uint64(len(d.Lines)))
	for _, l := range d.Lines {
		b = appendString(b, l)
	}
	done := 0
	for _, it := range d.Items {
		if !it.Done.IsZero() {
			done++
		}
	}
	b = binary.AppendUvarint(b, uint64(done))
	for i, it := range d.Items {
		if it.Done.IsZero() {
			continue
		}
		b = binary.AppendUvarint(b, uint64(i))
		b = appendTime(b, it.Done)
		b = appendString(b, string(it.DoneKind))
		b = appendString(b, it.DoneBy)
		b = binary.AppendUvarint(b, it.DoneContact)
	}
	b = appendCoverage(b, d.Coverage)
	b = binary.AppendUvarint(b, uint64(len(d.Crossings)))
	for _, c := range d.Crossings {
		b = binary.AppendUvarint(b, c.CompanyID)
		b = appendString(b, c.Name)
		b = appendTime(b, c.At)
		b = appendString(b, string(c.Kind))
		b = appendString(b, c.By)
		b = appendString(b, c.Jobcenter)
		b = appendString(b, c.Owner)
	}
	return b
}

// appendCoverage adds a chart's figures: a 0 without one; else 1, title,
// goal and the weeks, each with its snapshot when it has one.
func appendCoverage(b []byte, ch *bot.CoverageChart) []byte {
	if ch == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = appendString(b, ch.Title)
	b = binary.AppendUvarint(b, uint64(max(ch.Goal, 0)))
	b = binary.AppendUvarint(b, uint64(len(ch.Weeks)))
	for _, w := range ch.Weeks {
		b = appendTime(b, w.Monday)
		b = binary.AppendUvarint(b, uint64(max(w.Week, 0)))
		if !w.Known {
			b = append(b, 0)
			continue
		}
		s := w.Last
		b = append(b, 1)
		b = binary.AppendUvarint(b, s.JobcenterID)
		b = appendTime(b, s.Day)
		for _, n := range []int{s.Dedicated, s.Within, s.Overdue} {
			b = binary.AppendUvarint(b, uint64(max(n, 0)))
		}
	}
	return b
}

// coverage reads what appendCoverage wrote.
func (r *summaryReader) coverage() (*bot.CoverageChart, error) {
	if r.byte() != 1 || r.err != nil {
		return nil, r.err
	}
	ch := &bot.CoverageChart{Title: r.string(), Goal: int(r.uvarint())}
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		return nil, errShortSummary
	}
	ch.Weeks = make([]bot.CoverageWeek, 0, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		w := bot.CoverageWeek{Monday: r.time(), Week: int(r.uvarint()), Known: r.byte() == 1}
		if w.Known {
			w.Last = bot.CoverageSnapshot{JobcenterID: r.uvarint(), Day: r.time(),
				Dedicated: int(r.uvarint()), Within: int(r.uvarint()), Overdue: int(r.uvarint())}
		}
		ch.Weeks = append(ch.Weeks, w)
	}
	return ch, r.err
}

func decodeDelivery(data []byte) (bot.Delivery, error) {
	var d bot.Delivery
	r := summaryReader{b: data}
	version := r.byte()
	if version < 1 || version > deliveryVersion {
		return d, errors.New("unknown delivery encoding")
	}
	d.Kind = bot.JobKind(r.string())
	d.Day = r.time()
	d.To = r.uvarint()
	d.Attempts = int(r.uvarint())
	d.NextTry = r.time()
	d.LastError = r.string()
	d.Delivered = r.time()
	d.Receipt.Channel.Platform = r.string()
	d.Receipt.Channel.Team = r.string()
	d.Receipt.Channel.ID = r.string()
	d.Receipt.MessageID = r.string()
	d.GaveUp = r.byte() == 1
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		return d, errShortSummary
	}
	d.Items = make([]bot.NudgeItem, 0, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		var it bot.NudgeItem
		it.CompanyID = r.uvarint()
		it.Name = r.string()
		it.Tier = bot.Tier(r.known(tiers))
		it.CadenceDays = int(r.varint())
		it.LastContact = r.time()
		it.LastKind = bot.ContactKind(r.known(kinds))
		it.LastBy = r.string()
		it.OverdueDays = int(r.varint())
		it.Planned = r.time()
		it.SnoozeCount = int(r.varint())
		it.Owner = r.string()
		it.OwnerAway = r.time()
		d.Items = append(d.Items, it)
	}
	if version >= 2 {
		d.Heading = r.string()
		n := r.uvarint()
		if r.err == nil && n > uint64(len(r.b)) {
			return d, errShortSummary
		}
		for i := uint64(0); i < n && r.err == nil; i++ {
			d.Lines = append(d.Lines, r.string())
		}
	}
	if version >= 3 {
		n := r.uvarint()
		if r.err == nil && n > uint64(len(r.b)) {
			return d, errShortSummary
		}
		for range n {
			i := r.uvarint()
			done, kind, by, contact := r.time(), bot.ContactKind(r.known(kinds)), r.string(), r.uvarint()
			if r.err != nil {
				break
			}
			if i >= uint64(len(d.Items)) {
				return d, errors.New("delivery: a done mark for no item")
			}
			it := &d.Items[i]
			it.Done, it.DoneKind, it.DoneBy, it.DoneContact = done, kind, by, contact
		}
	}
	if version >= 3 && r.err == nil {
		ch, err := r.coverage()
		if err != nil {
			return d, err
		}
		d.Coverage = ch
	}
	if version >= 4 && r.err == nil {
		n := r.uvarint()
		if r.err == nil && n > uint64(len(r.b)) {
			return d, errShortSummary
		}
		for i := uint64(0); i < n && r.err == nil; i++ {
			d.Crossings = append(d.Crossings, bot.Crossing{CompanyID: r.uvarint(), Name: r.string(), At: r.time(),
				Kind: bot.ContactKind(r.known(kinds)), By: r.string(), Jobcenter: r.string(), Owner: r.string()})
		}
	}
	return d, r.err
}

// NudgeWith returns the delivered nudge of day, to one of tos (in that
// order), that lists the company, and whether there is one. It reads
// only those recipients' entries, so a contact can ask it cheaply.
func (db *DB) NudgeWith(ctx context.Context, day time.Time, tos []uint64, companyID uint64) (d bot.Delivery, ok bool, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bOutbox)
		for _, to := range tos {
			v := b.Get(join(outboxDay(bot.JobNudge, day), itob(to)))
			if v == nil {
				continue
			}
			got, err := decodeDelivery(v)
			if err != nil {
				return fmt.Errorf("outbox #%d: %w", to, err)
			}
			if got.Delivered.IsZero() || got.Receipt.MessageID == "" {
				continue
			}
			for _, it := range got.Items {
				if it.CompanyID == companyID {
					d, ok = got, true
					return nil
				}
			}
		}
		return nil
	})
	return d, ok, err
}

// UpdateNudge changes the delivered nudge of day to `to` with fn, which
// reports whether it changed anything, and returns it as stored. A nudge
// not yet delivered is the sweep's to change, and is left alone
// (bot.ErrNotFound, as for one that does not exist).
func (db *DB) UpdateNudge(ctx context.Context, day time.Time, to uint64, fn func(*bot.Delivery) bool) (d bot.Delivery, err error) {
	key := join(outboxDay(bot.JobNudge, day), itob(to))
	err = db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bOutbox)
		v := b.Get(key)
		if v == nil {
			return bot.ErrNotFound
		}
		if d, err = decodeDelivery(v); err != nil {
			return fmt.Errorf("outbox #%d: %w", to, err)
		}
		if d.Delivered.IsZero() {
			return bot.ErrNotFound
		}
		if !fn(&d) {
			return nil
		}
		return b.Put(key, encodeDelivery(d))
	})
	return d, err
}
