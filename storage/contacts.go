package storage

import (
	"bytes"
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// contactRecord is a contact as stored: the contact and what logging it
// changed on its company, so that undo can put it back.
type contactRecord struct {
	bot.Contact
	Prev *companyState `json:"prev,omitempty"`
}

// companyState is the part of a company a contact resets.
type companyState struct {
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`
	SnoozeCount  int       `json:"snooze_count,omitempty"`
	PlannedNext  time.Time `json:"planned_next,omitzero"`
}

// putContact stores a new contact and its index entries. undoable adds it
// to the consultant's undo index (typed contacts, not imported ones).
func putContact(tx *bolt.Tx, c bot.Contact, prev *companyState, undoable bool) (bot.Contact, error) {
	id, err := nextID(tx, bContacts)
	if err != nil {
		return c, err
	}
	c.ID = id
	if err := put(tx, bContacts, id, contactRecord{Contact: c, Prev: prev}); err != nil {
		return c, err
	}
	if err := tx.Bucket(bContactComp).Put(join(itob(c.CompanyID), invTimeKey(c.At), itob(id)), nil); err != nil {
		return c, err
	}
	if undoable {
		if err := tx.Bucket(bContactLog).Put(join(itob(c.ConsultantID), timeKey(c.Logged), itob(id)), nil); err != nil {
			return c, err
		}
	}
	return c, nil
}

// AddContact stores the contact and, in the same transaction, moves its
// company's LastContact forward if the contact is newer, ends its snooze
// and snooze count, sets its planned next contact to the contact's
// follow-up date (or clears a plan the contact has met), and updates every
// index. The company must exist, else bot.ErrNotFound.
func (db *DB) AddContact(ctx context.Context, c bot.Contact) (out bot.Contact, err error) {
	if c.Logged.IsZero() {
		c.Logged = db.clock.Now()
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		var old bot.Company
		if err := get(tx, bCompanies, c.CompanyID, &old); err != nil {
			return err
		}
		co := old
		prev := &companyState{SnoozedUntil: old.SnoozedUntil, SnoozeCount: old.SnoozeCount, PlannedNext: old.PlannedNext}
		if c.At.After(co.LastContact) {
			co.LastContact = c.At
		}
		co.SnoozedUntil, co.SnoozeCount = time.Time{}, 0
		if !co.PlannedNext.IsZero() && !bot.Day(co.PlannedNext).After(bot.Day(c.At)) {
			co.PlannedNext = time.Time{}
		}
		if !c.FollowUp.IsZero() && bot.Day(c.FollowUp).After(bot.Day(c.At)) {
			co.PlannedNext = bot.Day(c.FollowUp)
		}
		if out, err = putContact(tx, c, prev, true); err != nil {
			return err
		}
		return db.putCompany(tx, &old, &co)
	})
	if err != nil {
		return bot.Contact{}, err
	}
	return out, nil
}

// Contacts returns up to limit contacts with the company, newest first.
func (db *DB) Contacts(ctx context.Context, companyID uint64, limit int) ([]bot.Contact, error) {
	var out []bot.Contact
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := itob(companyID)
		cur := tx.Bucket(bContactComp).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = cur.Next() {
			var r contactRecord
			if err := get(tx, bContacts, btoi(k[16:]), &r); err != nil {
				return err
			}
			out = append(out, r.Contact)
		}
		return nil
	})
	return out, err
}

// UndoContact deletes the contact the consultant logged last, if it was
// logged at or after since, and in the same transaction sets its company's
// LastContact back to the newest remaining contact and restores the snooze
// and plan the contact had reset. bot.ErrNotFound means nothing to undo.
func (db *DB) UndoContact(ctx context.Context, consultantID uint64, since time.Time) (out bot.Contact, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		prefix := itob(consultantID)
		cur := tx.Bucket(bContactLog).Cursor()
		k, _ := cur.Seek(itob(consultantID + 1))
		if k == nil {
			k, _ = cur.Last()
		} else {
			k, _ = cur.Prev()
		}
		if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != 24 {
			return bot.ErrNotFound
		}
		if bytes.Compare(k[8:16], timeKey(since)) < 0 {
			return bot.ErrNotFound
		}
		logKey := bytes.Clone(k)
		var r contactRecord
		if err := get(tx, bContacts, btoi(logKey[16:]), &r); err != nil {
			return err
		}
		out = r.Contact
		if err := tx.Bucket(bContactLog).Delete(logKey); err != nil {
			return err
		}
		if err := tx.Bucket(bContactComp).Delete(join(itob(out.CompanyID), invTimeKey(out.At), itob(out.ID))); err != nil {
			return err
		}
		if err := tx.Bucket(bContacts).Delete(itob(out.ID)); err != nil {
			return err
		}
		var old bot.Company
		if err := get(tx, bCompanies, out.CompanyID, &old); err != nil {
			return err
		}
		co := old
		co.LastContact = time.Time{}
		cprefix := itob(out.CompanyID)
		if nk, _ := tx.Bucket(bContactComp).Cursor().Seek(cprefix); nk != nil && bytes.HasPrefix(nk, cprefix) {
			var newest contactRecord
			if err := get(tx, bContacts, btoi(nk[16:]), &newest); err != nil {
				return err
			}
			co.LastContact = newest.At
		}
		if p := r.Prev; p != nil {
			if co.SnoozedUntil.IsZero() && co.SnoozeCount == 0 {
				co.SnoozedUntil, co.SnoozeCount = p.SnoozedUntil, p.SnoozeCount
			}
			if co.PlannedNext.IsZero() || (!out.FollowUp.IsZero() && co.PlannedNext.Equal(bot.Day(out.FollowUp))) {
				co.PlannedNext = p.PlannedNext
			}
		}
		return db.putCompany(tx, &old, &co)
	})
	if err != nil {
		return bot.Contact{}, err
	}
	return out, nil
}
