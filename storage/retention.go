package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Retention: a contact's note is kept for its jobcenter's retention
// period (the jobcenter of the consultant who logged it), then its text
// is erased; the contact itself (time, kind, consultant) stays, so the
// cadence history and coverage are unchanged.

// retainBatch is how many notes one write transaction of ExpireNotes
// erases, and retainScan how many contacts one read transaction looks
// at: each holds its lock a few milliseconds (see BenchmarkExpireNotes).
const (
	retainBatch = 100
	retainScan  = 20000
)

// Expired is what ExpireNotes did.
type Expired struct {
	Notes   int      // notes erased
	Batches int      // write transactions it took
	Scrub   Scrubbed // the scrub that followed
}

// ExpireNotes erases the text of every note older than its retention
// period on day now: the NoteRetentionMonths of the jobcenter of the
// consultant who logged it, or defaultMonths when that is 0 (or the
// consultant is no longer known); a period under 1 month keeps the notes. An erased contact keeps an empty note and, in
// NoteErasedMonths, the period it was erased after. It runs in batches,
// each a short read to find the notes and a short write to erase them,
// and ends with a Scrub, so that the texts are gone from the file too. It
// is idempotent: a second run finds nothing to erase.
func (db *DB) ExpireNotes(ctx context.Context, now time.Time, defaultMonths int) (Expired, error) {
	var out Expired
	js, err := db.Jobcenters(ctx)
	if err != nil {
		return out, err
	}
	period := map[uint64]int{}
	for _, j := range js {
		if j.NoteRetentionMonths > 0 {
			period[j.ID] = j.NoteRetentionMonths
		}
	}
	months := func(j uint64) int {
		if m, ok := period[j]; ok {
			return m
		}
		return defaultMonths
	}
	home := map[uint64]uint64{}
	for _, c := range db.people.all() {
		home[c.ID] = c.JobcenterID
	}
	var from []byte
	for {
		keys, next, err := db.expiredNotes(ctx, from, now, months, home)
		if err != nil {
			return out, err
		}
		for len(keys) > 0 {
			n := min(len(keys), retainBatch)
			erased, err := db.eraseNotes(ctx, keys[:n])
			if err != nil {
				return out, err
			}
			out.Notes += erased
			out.Batches++
			keys = keys[n:]
		}
		if next == nil {
			break
		}
		from = next
	}
	if out.Notes == 0 && !db.ScrubOwed() {
		return out, nil
	}
	sc, err := db.Scrub(ctx)
	out.Scrub = sc
	return out, err
}

// expiredNote is a note to erase: where it is, the period, the stored
// contact as it was read and, made outside the write lock, the contact
// without its note.
type expiredNote struct {
	key, was, erased []byte
	months           int
}

// expiredNotes reads up to retainScan contacts from the key from on (the
// first when nil) and returns the expired notes among them, and the key to
// go on from (nil at the end).
func (db *DB) expiredNotes(ctx context.Context, from []byte, now time.Time, months func(uint64) int, home map[uint64]uint64) (found []expiredNote, next []byte, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		found, next = nil, nil
		cur := tx.Bucket(bCompanies).Cursor()
		k, v := cur.First()
		if from != nil {
			k, v = cur.Seek(from)
		}
		for n := 0; k != nil; k, v = cur.Next() {
			if n == retainScan {
				next = bytes.Clone(k)
				break
			}
			if len(k) != 24 {
				continue // a company
			}
			n++
			if m, ok := noteExpired(v, now, months, home); ok {
				found = append(found, expiredNote{key: bytes.Clone(k), was: bytes.Clone(v), months: m})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for i := range found {
		if found[i].erased, err = eraseNote(found[i].was, found[i].key, found[i].months); err != nil {
			return nil, nil, err
		}
	}
	return found, next, nil
}

// eraseNote is the stored contact v without its note, erased after months.
func eraseNote(v, key []byte, months int) ([]byte, error) {
	var r contactRecord
	if err := decode(v, &r, bCompanies, contactID(key)); err != nil {
		return nil, err
	}
	r.Note, r.NoteErasedMonths = "", months
	return encode(r)
}

// noteHead is the part of a stored contact retention reads.
type noteHead struct {
	ConsultantID uint64    `json:"consultant"`
	At           time.Time `json:"at"`
	Note         string    `json:"note"`
}

// noteExpired reports whether the stored contact v has a note past its
// retention period on now, and the period.
func noteExpired(v []byte, now time.Time, months func(uint64) int, home map[uint64]uint64) (int, bool) {
	if !bytes.Contains(v, []byte(`"note":`)) {
		return 0, false
	}
	var h noteHead
	if err := json.Unmarshal(v, &h); err != nil || h.Note == "" {
		return 0, false
	}
	m := months(home[h.ConsultantID])
	if m <= 0 || !h.At.AddDate(0, m, 0).Before(now) {
		return 0, false
	}
	return m, true
}

// eraseNotes empties the notes in one write transaction, those still
// there with a note, and returns how many it erased. The new values were
// made outside the lock: a contact still as it was read is only put; one
// changed since (an edit in between) is decoded again.
func (db *DB) eraseNotes(ctx context.Context, notes []expiredNote) (n int, err error) {
	if db.batchTimer != nil {
		defer db.batchTimer()()
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		companies := tx.Bucket(bCompanies)
		for _, e := range notes {
			v := companies.Get(e.key)
			if v == nil {
				continue
			}
			data := e.erased
			if !bytes.Equal(v, e.was) {
				var r contactRecord
				if err := decode(v, &r, bCompanies, contactID(e.key)); err != nil {
					return err
				}
				if r.Note == "" {
					continue
				}
				if data, err = eraseNote(v, e.key, e.months); err != nil {
					return err
				}
			}
			if err := companies.Put(e.key, data); err != nil {
				return fmt.Errorf("erase note: %w", err)
			}
			n++
		}
		return nil
	})
	return n, err
}
