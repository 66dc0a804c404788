package storage

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// DeleteConsultant erases a person who has left: their record (name,
// role, language, absence), their identities and the conversation
// references kept to write to them. What they did stays, without their
// name: the contacts they logged keep their date, kind and note (the
// cadence and the companies' history need them) and name them only by
// id, as do positions, intro days and candidates. Colleagues who had
// them as stand-in have none afterwards. A person who is still the
// dedicated consultant of a company is refused with a *bot.ConflictError
// (What "companies", ID the count): giving the companies to someone else
// is a lead's decision, not a side effect. Unknown id: bot.ErrNotFound.
// The old bytes are scrubbed from the file (Scrub) once it has committed.
func (db *DB) DeleteConsultant(ctx context.Context, id uint64, audit ...bot.AuditEntry) (gone bot.Consultant, err error) {
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		if err := get(tx, bConsultants, id, &gone); err != nil {
			return err
		}
		if n := ownedCount(tx, id); n > 0 {
			return &bot.ConflictError{What: "companies", Key: gone.Name, ID: uint64(n)}
		}
		for _, i := range gone.Identities {
			for _, b := range [][]byte{bIdentities, bConvs} {
				if err := tx.Bucket(b).Delete([]byte(i.Key())); err != nil {
					return err
				}
			}
		}
		if err := tx.Bucket(bPeopleNames).Delete([]byte(bot.NormalizeName(gone.Name))); err != nil {
			return err
		}
		if err := tx.Bucket(bConsultants).Delete(itob(id)); err != nil {
			return err
		}
		tx.OnCommit(func() { db.people.remove(id) })
		return dropStandIn(db, tx, id)
	}))
	if err != nil {
		return bot.Consultant{}, fmt.Errorf("delete consultant: %w", err)
	}
	db.scrubAfter(ctx)
	return gone, nil
}

// ownedCount is how many companies the consultant is dedicated to.
func ownedCount(tx *bolt.Tx, id uint64) int {
	n, prefix := 0, itob(id)
	cur := tx.Bucket(bCompOwner).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		n++
	}
	return n
}

// dropStandIn clears the stand-in of everyone who had id as theirs.
func dropStandIn(db *DB, tx *bolt.Tx, id uint64) error {
	for _, c := range db.people.all() {
		if c.StandInID != id {
			continue
		}
		var cur bot.Consultant
		if err := get(tx, bConsultants, c.ID, &cur); err != nil {
			return err
		}
		cur.StandInID = 0
		if err := db.putConsultant(tx, cur); err != nil {
			return err
		}
	}
	return nil
}
