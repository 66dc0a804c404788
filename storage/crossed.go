package storage

import (
	"bytes"
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// A contact with a company whose dedicated consultant belongs to another
// jobcenter than the one who logged it is a crossing: the dedicated
// consultant hears of it in the next morning's nudge. bCrossed lists them
// by when they were logged, so the morning reads a day's few crossings
// instead of every contact. Its value is the contact's key in the undo
// log (consultant, logged, id), which edits, merges and deletes keep
// current: a crossing whose contact was undone or deleted is skipped when
// read, and the list is pruned with the outbox.

// jobcenterOf returns the jobcenter of a known consultant.
func (pc *peopleCache) jobcenterOf(id uint64) (uint64, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	c, ok := pc.byID[id]
	return c.JobcenterID, ok
}

// crosses reports whether a contact by consultant with a company owned by
// owner crosses a jobcenter border.
func (db *DB) crosses(owner, consultant uint64) bool {
	if owner == 0 || owner == consultant {
		return false
	}
	oj, ok1 := db.people.jobcenterOf(owner)
	cj, ok2 := db.people.jobcenterOf(consultant)
	return ok1 && ok2 && oj != cj
}

// putCrossed lists a just-logged contact c (with its id) as a crossing.
func putCrossed(tx *bolt.Tx, c bot.Contact) error {
	return tx.Bucket(bCrossed).Put(join(timeKey(c.Logged), itob(c.ID)), undoKey(c))
}

// CrossedContacts calls fn, oldest first, for every contact logged at or
// after from and before to by a consultant of another jobcenter than the
// company's dedicated consultant's (as it was when logged), with the
// company as it is now. Contacts undone or deleted since are left out;
// imported contacts are never listed.
func (db *DB) CrossedContacts(ctx context.Context, from, to time.Time, fn func(bot.Contact, bot.Company) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		crossed := tx.Bucket(bCrossed)
		if crossed == nil {
			return nil // a file older than the list, opened read-only
		}
		undo, companies := tx.Bucket(bUndo), tx.Bucket(bCompanies)
		end := timeKey(to)
		cur := crossed.Cursor()
		for k, v := cur.Seek(timeKey(from)); k != nil && bytes.Compare(k[:8], end) < 0; k, v = cur.Next() {
			key := undo.Get(v)
			if key == nil {
				continue // undone or deleted
			}
			data := companies.Get(key)
			if data == nil {
				continue
			}
			var r contactRecord
			if err := decode(data, &r, bCompanies, contactID(key)); err != nil {
				return err
			}
			var co bot.Company
			if err := get(tx, bCompanies, r.CompanyID, &co); err != nil {
				return err
			}
			if err := fn(r.Contact, co); err != nil {
				return err
			}
		}
		return nil
	})
}

// pruneCrossed deletes the crossings logged before day.
func pruneCrossed(tx *bolt.Tx, before time.Time) (int, error) {
	n := 0
	cur := tx.Bucket(bCrossed).Cursor()
	end := timeKey(before)
	for k, _ := cur.First(); k != nil && bytes.Compare(k[:8], end) < 0; k, _ = cur.First() {
		if err := cur.Delete(); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
