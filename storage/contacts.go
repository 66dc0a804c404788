package storage

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
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

// contactKey is where a contact lives in the companies bucket: after its
// company, newest first, and of two at the same time the later logged
// (higher id) first, as AddContact makes it the company's last contact.
func contactKey(c bot.Contact) []byte {
	return join(itob(c.CompanyID), invTimeKey(c.At), itob(^c.ID))
}

// contactID is the id in a contact key.
func contactID(key []byte) []byte { return itob(^btoi(key[16:])) }

// putContact numbers and stores a new contact. undoable adds it to the
// consultant's undo log (typed contacts, not imported ones).
func putContact(tx *bolt.Tx, c bot.Contact, prev *companyState, undoable bool) (bot.Contact, error) {
	id, err := nextID(tx, bUndo)
	if err != nil {
		return c, err
	}
	c.ID = id
	data, err := encode(contactRecord{Contact: c, Prev: prev})
	if err != nil {
		return c, err
	}
	key := contactKey(c)
	if err := tx.Bucket(bCompanies).Put(key, data); err != nil {
		return c, err
	}
	if undoable {
		if err := tx.Bucket(bUndo).Put(join(itob(c.ConsultantID), timeKey(c.Logged), itob(id)), key); err != nil {
			return c, err
		}
	}
	return c, nil
}

// AddContact stores the contact and, in the same transaction, moves its
// company's LastContact forward if the contact is newer, ends its snooze
// and snooze count, sets its planned next contact to the contact's
// follow-up date (or clears a plan the contact has met), and updates every
// index; a contact across a jobcenter border is listed for the dedicated
// consultant's next nudge (CrossedContacts). The company must exist, else
// bot.ErrNotFound.
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
		if !c.At.Before(co.LastContact) {
			co.LastContact, co.LastKind, co.LastBy = c.At, c.Kind, c.ConsultantID
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
		if db.crosses(old.OwnerID, c.ConsultantID) {
			if err := putCrossed(tx, out); err != nil {
				return err
			}
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
	if limit <= 0 {
		return nil, ctx.Err()
	}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, err := eachContact(tx, companyID, func(r contactRecord) bool {
			out = append(out, r.Contact)
			return len(out) < limit
		})
		return err
	})
	return out, err
}

// ContactsPage returns the company's contacts newest first, skipping the
// first skip and giving at most limit, and how many it has in all: only
// the page is decoded.
func (db *DB) ContactsPage(ctx context.Context, companyID uint64, skip, limit int) (page []bot.Contact, total int, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		prefix := itob(companyID)
		cur := tx.Bucket(bCompanies).Cursor()
		k, v := cur.Seek(prefix)
		if bytes.Equal(k, prefix) {
			k, v = cur.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if total >= skip && len(page) < limit {
				var r contactRecord
				if err := decode(v, &r, bCompanies, contactID(k)); err != nil {
					return err
				}
				page = append(page, r.Contact)
			}
			total++
		}
		return nil
	})
	return page, total, err
}

// ContactsBetween returns the company's contacts made from from up to,
// not including, to, newest first: a seek to the span, since contact keys
// sort by time.
func (db *DB) ContactsBetween(ctx context.Context, companyID uint64, from, to time.Time) ([]bot.Contact, error) {
	var out []bot.Contact
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := itob(companyID)
		last := join(prefix, invTimeKey(from)) // keys up to here are at or after from
		cur := tx.Bucket(bCompanies).Cursor()
		for k, v := cur.Seek(join(prefix, invTimeKey(to.Add(-time.Nanosecond)))); len(k) >= 16 && bytes.HasPrefix(k, prefix) && bytes.Compare(k[:16], last) <= 0; k, v = cur.Next() {
			var r contactRecord
			if err := decode(v, &r, bCompanies, contactID(k)); err != nil {
				return err
			}
			out = append(out, r.Contact)
		}
		return nil
	})
	return out, err
}

// eachContact calls fn with the company's contacts, newest first, while
// fn returns true. It returns how many it read.
func eachContact(tx *bolt.Tx, companyID uint64, fn func(contactRecord) bool) (int, error) {
	prefix := itob(companyID)
	cur := tx.Bucket(bCompanies).Cursor()
	n := 0
	k, v := cur.Seek(prefix)
	if bytes.Equal(k, prefix) {
		k, v = cur.Next()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		var r contactRecord
		if err := decode(v, &r, bCompanies, contactID(k)); err != nil {
			return n, err
		}
		n++
		if !fn(r) {
			break
		}
	}
	return n, nil
}

// UndoContact deletes the contact the consultant logged last, if it was
// logged at or after since, and in the same transaction sets its company's
// LastContact back to the newest remaining contact and restores the snooze
// and plan the contact had reset. bot.ErrNotFound means nothing to undo.
func (db *DB) UndoContact(ctx context.Context, consultantID uint64, since time.Time) (out bot.Contact, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		undo := tx.Bucket(bUndo)
		prefix := itob(consultantID)
		cur := undo.Cursor()
		k, _ := cur.Seek(itob(consultantID + 1))
		var v []byte
		if k == nil {
			k, v = cur.Last()
		} else {
			k, v = cur.Prev()
		}
		if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != 24 || bytes.Compare(k[8:16], timeKey(since)) < 0 {
			return bot.ErrNotFound
		}
		logKey, key := bytes.Clone(k), bytes.Clone(v)
		companies := tx.Bucket(bCompanies)
		var r contactRecord
		if err := decode(companies.Get(key), &r, bCompanies, contactID(key)); err != nil {
			return err
		}
		out = r.Contact
		if err := undo.Delete(logKey); err != nil {
			return err
		}
		if err := companies.Delete(key); err != nil {
			return err
		}
		var old bot.Company
		if err := get(tx, bCompanies, out.CompanyID, &old); err != nil {
			return err
		}
		co := old
		co.LastContact, co.LastKind, co.LastBy = time.Time{}, "", 0
		if _, err := eachContact(tx, out.CompanyID, func(newest contactRecord) bool {
			co.LastContact, co.LastKind, co.LastBy = newest.At, newest.Kind, newest.ConsultantID
			return false
		}); err != nil {
			return err
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
	db.scrubAfter(ctx)
	return out, nil
}

// ImportContacts stores a contact history (from a CRM, a spreadsheet) in
// one transaction, all or none: every company must exist (else
// bot.ErrNotFound naming it). Each company's LastContact, LastKind and
// LastBy move forward to its newest contact, and the indexes follow, as
// with AddContact; imported contacts cannot be undone and do not end a
// snooze or plan.
func (db *DB) ImportContacts(ctx context.Context, cs []bot.Contact) error {
	now := db.clock.Now()
	// In key order, each company's newest first, into pages filled as a
	// bulk load fills them (see bulkFill): a CRM's history is most of
	// what those pages will hold.
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b bot.Contact) int {
		return cmp.Or(cmp.Compare(a.CompanyID, b.CompanyID), b.At.Compare(a.At))
	})
	return db.update(ctx, func(tx *bolt.Tx) error {
		tx.Bucket(bCompanies).FillPercent = bulkFill
		tx.Bucket(bCompNudge).FillPercent = bulkFill
		changed := map[uint64]*bot.Company{}
		olds := map[uint64]bot.Company{}
		for _, c := range cs {
			co, ok := changed[c.CompanyID]
			if !ok {
				var old bot.Company
				if err := get(tx, bCompanies, c.CompanyID, &old); err != nil {
					return fmt.Errorf("contact for company #%d: %w", c.CompanyID, err)
				}
				olds[c.CompanyID] = old
				co = &old
				changed[c.CompanyID] = co
			}
			if c.Logged.IsZero() {
				c.Logged = now
			}
			if _, err := putContact(tx, c, nil, false); err != nil {
				return err
			}
			if !c.At.Before(co.LastContact) {
				co.LastContact, co.LastKind, co.LastBy = c.At, c.Kind, c.ConsultantID
			}
		}
		for id, co := range changed {
			old := olds[id]
			if err := db.putCompany(tx, &old, co); err != nil {
				return err
			}
		}
		return nil
	})
}
