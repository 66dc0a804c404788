package storage

import (
	"bytes"
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// DeleteCompany deletes a company registered by mistake, in one
// transaction: the company, its contacts (and their undo entries), its
// positions, and its entries in every index (names and aliases, CVR,
// owner, nudge, plan, positions' open and deadline); the in-memory name,
// suggestion and company caches follow on commit. A company that an intro
// day lists or a candidate is matched with is refused with a
// *bot.ConflictError (What "introday" or "candidate", ID the intro day,
// Key the candidate's reference), since that history would point
// nowhere. bot.ErrNotFound when there is no such company. It returns
// the company as it was, how many contacts went with it, and its positions
// as they were, with the receipts of their announcements, so that the
// posts can be withdrawn. The old bytes are scrubbed from the file (Scrub).
func (db *DB) DeleteCompany(ctx context.Context, id uint64, audit ...bot.AuditEntry) (co bot.Company, contacts int, positions []bot.Position, err error) {
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		co, contacts, positions = bot.Company{}, 0, nil
		if err := get(tx, bCompanies, id, &co); err != nil {
			return err
		}
		if err := companyInUse(tx, id); err != nil {
			return err
		}
		var err error
		if contacts, err = deleteContactsOf(tx, id); err != nil {
			return err
		}
		if positions, err = deletePositionsOf(tx, id); err != nil {
			return err
		}
		return db.dropCompany(tx, &co)
	}))
	if err != nil {
		return bot.Company{}, 0, nil, err
	}
	db.scrubAfter(ctx)
	return co, contacts, positions, nil
}

// companyInUse refuses a company an intro day or a candidate refers to.
func companyInUse(tx *bolt.Tx, id uint64) error {
	cur := tx.Bucket(bIntroDays).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		var d bot.IntroDay
		if err := decode(v, &d, bIntroDays, k); err != nil {
			return err
		}
		if slices.Contains(d.CompanyIDs, id) {
			return &bot.ConflictError{What: "introday", ID: d.ID}
		}
	}
	cur = tx.Bucket(bCandidates).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		var c bot.Candidate
		if err := decode(v, &c, bCandidates, k[:8]); err != nil {
			return err
		}
		if c.CompanyID == id {
			return &bot.ConflictError{What: "candidate", ID: c.IntroDayID, Key: c.Reference}
		}
	}
	return nil
}

// deleteContactsOf deletes the company's contacts and their undo entries
// and returns how many there were.
func deleteContactsOf(tx *bolt.Tx, id uint64) (int, error) {
	var keys [][]byte
	var undos [][]byte
	if _, err := eachContact(tx, id, func(r contactRecord) bool {
		keys = append(keys, contactKey(r.Contact))
		undos = append(undos, undoKey(r.Contact))
		return true
	}); err != nil {
		return 0, err
	}
	companies, undo := tx.Bucket(bCompanies), tx.Bucket(bUndo)
	for i := range keys {
		if err := companies.Delete(keys[i]); err != nil {
			return 0, err
		}
		if err := undo.Delete(undos[i]); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// deletePositionsOf deletes the company's positions with their index
// entries and returns them as they were.
func deletePositionsOf(tx *bolt.Tx, id uint64) ([]bot.Position, error) {
	var out []bot.Position
	prefix := itob(id)
	cur := tx.Bucket(bPosCompany).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		var p bot.Position
		if err := get(tx, bPositions, btoi(k[8:]), &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	for i := range out {
		p := &out[i]
		for _, del := range []struct {
			bucket []byte
			key    []byte
		}{{bPosOpen, openKey(p)}, {bPosDeadline, deadlineKey(p)}, {bPosCompany, join(itob(id), itob(p.ID))}, {bPositions, itob(p.ID)}} {
			if del.key == nil {
				continue
			}
			if err := tx.Bucket(del.bucket).Delete(del.key); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// dropCompany deletes the company record c and its entries in the name,
// CVR, owner, nudge and plan indexes; the in-memory indexes and the cache
// forget it on commit.
func (db *DB) dropCompany(tx *bolt.Tx, c *bot.Company) error {
	names := tx.Bucket(bCompNames)
	for _, k := range nameKeys(c) {
		if lookup(tx, bCompNames, k) == c.ID {
			if err := names.Delete([]byte(k)); err != nil {
				return err
			}
		}
	}
	if c.CVR != "" && lookup(tx, bCompCVR, c.CVR) == c.ID {
		if err := tx.Bucket(bCompCVR).Delete([]byte(c.CVR)); err != nil {
			return err
		}
	}
	if c.OwnerID != 0 {
		if err := tx.Bucket(bCompOwner).Delete(join(itob(c.OwnerID), itob(c.ID))); err != nil {
			return err
		}
	}
	if k := nudgeKey(c); k != nil {
		if err := tx.Bucket(bCompNudge).Delete(k); err != nil {
			return err
		}
	}
	if k := planKey(c); k != nil {
		if err := tx.Bucket(bCompPlan).Delete(k); err != nil {
			return err
		}
	}
	if err := dropNear(tx, c); err != nil {
		return err
	}
	if err := tx.Bucket(bCompanies).Delete(itob(c.ID)); err != nil {
		return err
	}
	id := c.ID
	db.pendingIn()[id] = nil // gone: it shadows nothing written later in tx
	tx.OnCommit(func() {
		db.suggest.set(id, nil)
		db.names.set(id, nil)
		db.companies.del(id)
	})
	return nil
}
