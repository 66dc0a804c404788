package storage

import (
	"bytes"
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// MergeCompanies makes two records of one company one, in one transaction:
// the contacts, positions, intro-day places and candidate matches of drop
// move to keep; drop's name and aliases become aliases of keep; keep takes
// drop's CVR, area, owner and plan where it has none; its last contact is
// recomputed from all the contacts; drop and its index entries are gone.
// Two different CVR numbers give a *bot.ConflictError (What "cvr", Key
// drop's CVR, ID drop) and an open position of drop whose title keep has
// open too gives one with What "position" (ID keep's position); nothing
// changes then. bot.ErrNotFound when either is missing, bot.Invalid when
// they are the same. It returns keep as stored and how many contacts and
// positions moved.
func (db *DB) MergeCompanies(ctx context.Context, keepID, dropID uint64, audit ...bot.AuditEntry) (kept bot.Company, contacts, positions int, err error) {
	if keepID == dropID {
		return bot.Company{}, 0, 0, bot.Errorf(bot.Invalid, "a company cannot be merged with itself")
	}
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		contacts, positions = 0, 0
		var keep, drop bot.Company
		if err := get(tx, bCompanies, keepID, &keep); err != nil {
			return err
		}
		if err := get(tx, bCompanies, dropID, &drop); err != nil {
			return err
		}
		if keep.CVR != "" && drop.CVR != "" && keep.CVR != drop.CVR {
			return &bot.ConflictError{What: "cvr", Key: drop.CVR, ID: drop.ID}
		}
		var err error
		if contacts, err = moveContacts(tx, dropID, keepID); err != nil {
			return err
		}
		if positions, err = movePositions(tx, dropID, keepID); err != nil {
			return err
		}
		if err := moveIntroDays(tx, dropID, keepID); err != nil {
			return err
		}
		if err := db.dropCompany(tx, &drop); err != nil {
			return err
		}
		kept = mergedCompany(keep, drop)
		if err := setLast(tx, &kept); err != nil {
			return err
		}
		inherited := nameKeys(&drop)
		return db.putCompanyInheriting(tx, &keep, &kept, inherited)
	}))
	if err != nil {
		return bot.Company{}, 0, 0, err
	}
	return kept, contacts, positions, nil
}

// mergedCompany is keep with what drop adds: its name and aliases as
// aliases, and its CVR, area, owner and plan where keep has none.
func mergedCompany(keep, drop bot.Company) bot.Company {
	c := keep
	c.Aliases = slices.Clone(keep.Aliases)
	have := nameKeys(&keep)
	for _, n := range append([]string{drop.Name}, drop.Aliases...) {
		k := bot.NormalizeName(n)
		if k == "" || slices.Contains(have, k) {
			continue
		}
		have = append(have, k)
		c.Aliases = append(c.Aliases, n)
	}
	if c.CVR == "" {
		c.CVR = drop.CVR
	}
	if c.Area == "" {
		c.Area = drop.Area
	}
	if c.OwnerID == 0 && drop.OwnerID != 0 {
		c.OwnerID, c.OwnerSince = drop.OwnerID, drop.OwnerSince
	}
	if c.PlannedNext.IsZero() {
		c.PlannedNext = drop.PlannedNext
	}
	if !drop.Created.IsZero() && drop.Created.Before(c.Created) {
		c.Created = drop.Created
	}
	return c
}

// moveContacts gives every contact of company from to company to, keeping
// its id, and points the undo log at the new keys.
func moveContacts(tx *bolt.Tx, from, to uint64) (int, error) {
	var rs []contactRecord
	if _, err := eachContact(tx, from, func(r contactRecord) bool {
		rs = append(rs, r)
		return true
	}); err != nil {
		return 0, err
	}
	companies, undo := tx.Bucket(bCompanies), tx.Bucket(bUndo)
	for _, r := range rs {
		if err := companies.Delete(contactKey(r.Contact)); err != nil {
			return 0, err
		}
		r.CompanyID = to
		r.Prev = nil // the snooze and plan it reset were the other record's
		data, err := encode(r)
		if err != nil {
			return 0, err
		}
		key := contactKey(r.Contact)
		if err := companies.Put(key, data); err != nil {
			return 0, err
		}
		if undo.Get(undoKey(r.Contact)) != nil {
			if err := undo.Put(undoKey(r.Contact), key); err != nil {
				return 0, err
			}
		}
	}
	return len(rs), nil
}

// movePositions gives every position of company from to company to, with
// its index entries.
func movePositions(tx *bolt.Tx, from, to uint64) (int, error) {
	var ids []uint64
	prefix := itob(from)
	cur := tx.Bucket(bPosCompany).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		ids = append(ids, btoi(k[8:]))
	}
	byCompany := tx.Bucket(bPosCompany)
	for _, id := range ids {
		var old bot.Position
		if err := get(tx, bPositions, id, &old); err != nil {
			return 0, err
		}
		p := old
		p.CompanyID = to
		if err := putPosition(tx, &old, &p); err != nil {
			return 0, err
		}
		if err := byCompany.Delete(join(itob(from), itob(id))); err != nil {
			return 0, err
		}
		if err := byCompany.Put(join(itob(to), itob(id)), nil); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// moveIntroDays makes the intro days that list company from list to
// instead (once), and the candidates matched with from matched with to.
func moveIntroDays(tx *bolt.Tx, from, to uint64) error {
	cur := tx.Bucket(bIntroDays).Cursor()
	var days []bot.IntroDay
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		var d bot.IntroDay
		if err := decode(v, &d, bIntroDays, k); err != nil {
			return err
		}
		if slices.Contains(d.CompanyIDs, from) {
			days = append(days, d)
		}
	}
	for _, d := range days {
		ids := make([]uint64, 0, len(d.CompanyIDs))
		for _, id := range d.CompanyIDs {
			if id == from {
				id = to
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		d.CompanyIDs = ids
		if err := put(tx, bIntroDays, d.ID, d); err != nil {
			return err
		}
	}
	cands := tx.Bucket(bCandidates)
	type moved struct {
		key  []byte
		cand bot.Candidate
	}
	var ms []moved
	c := cands.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var cand bot.Candidate
		if err := decode(v, &cand, bCandidates, k[:8]); err != nil {
			return err
		}
		if cand.CompanyID == from {
			cand.CompanyID = to
			ms = append(ms, moved{bytes.Clone(k), cand})
		}
	}
	for _, m := range ms {
		data, err := encode(m.cand)
		if err != nil {
			return err
		}
		if err := cands.Put(m.key, data); err != nil {
			return err
		}
	}
	return nil
}
