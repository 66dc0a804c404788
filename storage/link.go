package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// LinkConsultants makes a and b, two records of one person (met first in
// Slack, then in Teams), one consultant: the identities of the one that
// has nothing stored about it yet move to the other, which keeps its name,
// jobcenter and language and takes the higher of the two roles; the empty
// one is deleted. When both are empty, a survives. When neither is, the
// error wraps bot.ErrConflict and nothing changes: moving someone's
// companies and contacts is a lead's decision, not a side effect. Unknown
// ids give bot.ErrNotFound.
func (db *DB) LinkConsultants(ctx context.Context, a, b uint64, audit ...bot.AuditEntry) (out bot.Consultant, err error) {
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		var ca, cb bot.Consultant
		if err := get(tx, bConsultants, a, &ca); err != nil {
			return err
		}
		if a == b {
			out = ca
			return nil
		}
		if err := get(tx, bConsultants, b, &cb); err != nil {
			return err
		}
		keep, drop := ca, cb
		if used(tx, b) {
			if used(tx, a) {
				return &bot.ConflictError{What: "consultant", Key: cb.Name, ID: b}
			}
			keep, drop = cb, ca
		}
		if drop.Role.Rank() > keep.Role.Rank() {
			keep.Role = drop.Role
		}
		for _, id := range drop.Identities {
			if !slices.Contains(keep.Identities, id) {
				keep.Identities = append(keep.Identities, id)
			}
			if err := tx.Bucket(bIdentities).Put([]byte(id.Key()), itob(keep.ID)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bConsultants).Delete(itob(drop.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bPeopleNames).Delete([]byte(bot.NormalizeName(drop.Name))); err != nil {
			return err
		}
		tx.OnCommit(func() { db.people.remove(drop.ID) })
		out = keep
		return db.putConsultant(tx, keep)
	}))
	if err != nil {
		return bot.Consultant{}, fmt.Errorf("link consultants: %w", err)
	}
	return out, nil
}

// used reports whether anything stored names the consultant: a company
// they own, a contact they logged (the undo log indexes every one), a
// position, intro day or candidate they are named in or changed, or a
// colleague who has them as stand-in.
func used(tx *bolt.Tx, id uint64) bool {
	for _, b := range [][]byte{bCompOwner, bUndo} {
		if k, _ := tx.Bucket(b).Cursor().Seek(itob(id)); k != nil && bytes.HasPrefix(k, itob(id)) {
			return true
		}
	}
	for _, b := range [][]byte{bPositions, bIntroDays, bCandidates, bConsultants} {
		if tx.Bucket(b).ForEach(func(_, v []byte) error {
			if names(v, id) {
				return errStop
			}
			return nil
		}) != nil {
			return true
		}
	}
	return false
}

// names reports whether a stored record (position, intro day, candidate,
// consultant) refers to the consultant id; an unreadable record counts as
// one that does, so that nothing is deleted on a guess.
func names(v []byte, id uint64) bool {
	var r struct {
		Consultant  uint64 `json:"consultant"`
		Coordinator uint64 `json:"coordinator"`
		Referrer    uint64 `json:"referrer"`
		StandIn     uint64 `json:"standin"`
		History     []struct {
			By uint64 `json:"by"`
		} `json:"history"`
	}
	if json.Unmarshal(v, &r) != nil {
		return true
	}
	if r.Consultant == id || r.Coordinator == id || r.Referrer == id || r.StandIn == id {
		return true
	}
	for _, e := range r.History {
		if e.By == id {
			return true
		}
	}
	return false
}
