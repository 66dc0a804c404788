package storage

import (
	"bytes"
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// Correcting a contact after the fact: a consultant finds it by its number
// in the company's history and edits or deletes it. The company's last
// contact, plan and indexes follow in the same transaction, as they do
// when a contact is logged or undone.

// undoKey is the contact's entry in its consultant's undo log.
func undoKey(c bot.Contact) []byte {
	return join(itob(c.ConsultantID), timeKey(c.Logged), itob(c.ID))
}

// loadContact reads the contact c names (its company, time and id) in tx,
// or bot.ErrNotFound when it is gone (deleted or moved since it was read).
func loadContact(tx *bolt.Tx, c bot.Contact) (contactRecord, []byte, error) {
	key := contactKey(c)
	v := tx.Bucket(bCompanies).Get(key)
	if v == nil {
		return contactRecord{}, nil, bot.ErrNotFound
	}
	var r contactRecord
	if err := decode(v, &r, bCompanies, contactID(key)); err != nil {
		return r, nil, err
	}
	if r.ID != c.ID || r.CompanyID != c.CompanyID {
		return r, nil, bot.ErrNotFound
	}
	return r, key, nil
}

// DeleteContact deletes the contact c names (by CompanyID, At and ID, as
// read from the store) and, in the same transaction, sets its company's
// LastContact, LastKind and LastBy to the newest remaining contact and
// drops the plan the contact's follow-up made. When it was the company's
// newest contact, the snooze and plan it had reset come back, as with
// UndoContact. It returns the deleted contact, or bot.ErrNotFound when no
// such contact is stored.
func (db *DB) DeleteContact(ctx context.Context, c bot.Contact) (out bot.Contact, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		r, key, err := loadContact(tx, c)
		if err != nil {
			return err
		}
		out = r.Contact
		if err := tx.Bucket(bUndo).Delete(undoKey(r.Contact)); err != nil {
			return err
		}
		if err := tx.Bucket(bCompanies).Delete(key); err != nil {
			return err
		}
		return db.afterRemoval(tx, r)
	})
	if err != nil {
		return bot.Contact{}, err
	}
	db.scrubAfter(ctx)
	return out, nil
}

// afterRemoval brings the company of the removed contact r up to date:
// its last contact from the newest remaining, the snooze and plan r had
// reset back when r was its newest, and the plan r's follow-up made gone.
func (db *DB) afterRemoval(tx *bolt.Tx, r contactRecord) error {
	var old bot.Company
	if err := get(tx, bCompanies, r.CompanyID, &old); err != nil {
		return err
	}
	co := old
	if err := setLast(tx, &co); err != nil {
		return err
	}
	wasNewest := old.LastContact.Equal(r.At) && !co.LastContact.Equal(r.At)
	if p := r.Prev; p != nil && wasNewest {
		if co.SnoozedUntil.IsZero() && co.SnoozeCount == 0 {
			co.SnoozedUntil, co.SnoozeCount = p.SnoozedUntil, p.SnoozeCount
		}
		if co.PlannedNext.IsZero() || (!r.FollowUp.IsZero() && co.PlannedNext.Equal(bot.Day(r.FollowUp))) {
			co.PlannedNext = p.PlannedNext
		}
	} else if !r.FollowUp.IsZero() && co.PlannedNext.Equal(bot.Day(r.FollowUp)) {
		co.PlannedNext = time.Time{}
	}
	return db.putCompany(tx, &old, &co)
}

// setLast sets co's LastContact, LastKind and LastBy from its newest
// stored contact, or clears them when it has none.
func setLast(tx *bolt.Tx, co *bot.Company) error {
	co.LastContact, co.LastKind, co.LastBy = time.Time{}, "", 0
	prefix := itob(co.ID)
	cur := tx.Bucket(bCompanies).Cursor()
	k, v := cur.Seek(prefix)
	if bytes.Equal(k, prefix) {
		k, v = cur.Next()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil
	}
	var r contactRecord
	if err := decode(v, &r, bCompanies, contactID(k)); err != nil {
		return err
	}
	co.LastContact, co.LastKind, co.LastBy = r.At, r.Kind, r.ConsultantID
	return nil
}

// EditContact loads the contact c names (by CompanyID, At and ID), lets fn
// change its time, kind, note and follow-up, and stores it in one
// transaction with its company brought up to date: the last contact from
// the newest contact, and a plan the old follow-up made moved to the new
// one (or dropped). fn's error aborts without writing; its changes to the
// contact's id, company, consultant and logging time are ignored. It
// returns the contact before and after, or bot.ErrNotFound.
func (db *DB) EditContact(ctx context.Context, c bot.Contact, fn func(*bot.Contact) error) (before, after bot.Contact, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		r, key, err := loadContact(tx, c)
		if err != nil {
			return err
		}
		before = r.Contact
		after = r.Contact
		if err := fn(&after); err != nil {
			return err
		}
		after.ID, after.CompanyID, after.ConsultantID, after.Logged = before.ID, before.CompanyID, before.ConsultantID, before.Logged
		companies := tx.Bucket(bCompanies)
		if err := companies.Delete(key); err != nil {
			return err
		}
		data, err := encode(contactRecord{Contact: after, Prev: r.Prev})
		if err != nil {
			return err
		}
		newKey := contactKey(after)
		if err := companies.Put(newKey, data); err != nil {
			return err
		}
		// The undo log points at the contact's key, which moves with its time.
		undo := tx.Bucket(bUndo)
		if undo.Get(undoKey(after)) != nil {
			if err := undo.Put(undoKey(after), newKey); err != nil {
				return err
			}
		}
		var old bot.Company
		if err := get(tx, bCompanies, after.CompanyID, &old); err != nil {
			return err
		}
		co := old
		if err := setLast(tx, &co); err != nil {
			return err
		}
		if !before.FollowUp.Equal(after.FollowUp) {
			if !before.FollowUp.IsZero() && co.PlannedNext.Equal(bot.Day(before.FollowUp)) {
				co.PlannedNext = time.Time{}
			}
			if !after.FollowUp.IsZero() && bot.Day(after.FollowUp).After(bot.Day(after.At)) {
				co.PlannedNext = bot.Day(after.FollowUp)
			}
		}
		return db.putCompany(tx, &old, &co)
	})
	if err != nil {
		return bot.Contact{}, bot.Contact{}, err
	}
	if before.Note != after.Note {
		db.scrubAfter(ctx)
	}
	return before, after, nil
}
