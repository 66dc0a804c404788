package storage

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// Positions are numbered from 1 by the sequence of their bucket (shown as
// #N). Three indexes follow each write: by company, the open positions by
// company and normalized title (a second announcement of the same open
// position is refused), and the open positions by deadline (for expiry).

func openKey(p *bot.Position) []byte {
	if p.Status != bot.PositionOpen {
		return nil
	}
	return join(itob(p.CompanyID), []byte(bot.NormalizeName(p.Title)))
}

func deadlineKey(p *bot.Position) []byte {
	if p.Status != bot.PositionOpen || p.Deadline.IsZero() {
		return nil
	}
	return join(dayKey(p.Deadline), itob(p.ID))
}

// putPosition stores p and moves its index entries from old (nil for a
// new position).
func putPosition(tx *bolt.Tx, old, p *bot.Position) error {
	var oldOpen, oldDeadline []byte
	if old != nil {
		oldOpen, oldDeadline = openKey(old), deadlineKey(old)
	} else if err := tx.Bucket(bPosCompany).Put(join(itob(p.CompanyID), itob(p.ID)), nil); err != nil {
		return err
	}
	newOpen := openKey(p)
	if newOpen != nil && !bytes.Equal(oldOpen, newOpen) {
		if other := btoi(tx.Bucket(bPosOpen).Get(newOpen)); other != 0 && other != p.ID {
			return &bot.ConflictError{What: "position", Key: p.Title, ID: other}
		}
	}
	if err := moveKey(tx.Bucket(bPosOpen), oldOpen, newOpen, itob(p.ID)); err != nil {
		return err
	}
	if err := moveKey(tx.Bucket(bPosDeadline), oldDeadline, deadlineKey(p), nil); err != nil {
		return err
	}
	return put(tx, bPositions, p.ID, p)
}

// moveKey replaces index entry old by new (either may be nil).
func moveKey(b *bolt.Bucket, old, new, value []byte) error {
	if bytes.Equal(old, new) {
		return nil
	}
	if old != nil {
		if err := b.Delete(old); err != nil {
			return err
		}
	}
	if new != nil {
		return b.Put(new, value)
	}
	return nil
}

// CreatePosition stores a new position of an existing company (else
// bot.ErrNotFound). An open position of the company with the same
// normalized title gives a *bot.ConflictError (What "position") naming it.
func (db *DB) CreatePosition(ctx context.Context, p bot.Position) (out bot.Position, err error) {
	if p.Created.IsZero() {
		p.Created = db.clock.Now()
	}
	if p.Status == "" {
		p.Status = bot.PositionOpen
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bCompanies).Get(itob(p.CompanyID)) == nil {
			return fmt.Errorf("company #%d: %w", p.CompanyID, bot.ErrNotFound)
		}
		id, err := nextID(tx, bPositions)
		if err != nil {
			return err
		}
		out = p
		out.ID = id
		return putPosition(tx, nil, &out)
	})
	if err != nil {
		return bot.Position{}, err
	}
	return out, nil
}

// Position returns the position with the id, or bot.ErrNotFound.
func (db *DB) Position(ctx context.Context, id uint64) (p bot.Position, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error { return get(tx, bPositions, id, &p) })
	return p, err
}

// UpdatePosition loads the position, lets fn change it and stores it with
// its indexes in one transaction; fn's error aborts without writing.
// Reopening a position that duplicates another open one is a conflict.
func (db *DB) UpdatePosition(ctx context.Context, id uint64, fn func(*bot.Position) error) (p bot.Position, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		var old bot.Position
		if err := get(tx, bPositions, id, &old); err != nil {
			return err
		}
		p = old
		p.Announced = slices.Clone(old.Announced)
		p.History = slices.Clone(old.History)
		if err := fn(&p); err != nil {
			return err
		}
		p.ID, p.CompanyID = id, old.CompanyID
		return putPosition(tx, &old, &p)
	})
	if err != nil {
		return bot.Position{}, err
	}
	return p, nil
}

// PositionsOf returns the company's positions, in id order.
func (db *DB) PositionsOf(ctx context.Context, companyID uint64) ([]bot.Position, error) {
	var out []bot.Position
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := itob(companyID)
		cur := tx.Bucket(bPosCompany).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			var p bot.Position
			if err := get(tx, bPositions, btoi(k[8:]), &p); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// ForEachPosition calls fn for every position, newest first, until fn
// returns an error, which it returns. fn must not call the DB.
func (db *DB) ForEachPosition(ctx context.Context, fn func(bot.Position) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bPositions).Cursor()
		for k, v := cur.Last(); k != nil; k, v = cur.Prev() {
			var p bot.Position
			if err := decode(v, &p, bPositions, k); err != nil {
				return err
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	})
}

// PositionsPastDeadline returns the open positions whose deadline is
// before day, oldest deadline first.
func (db *DB) PositionsPastDeadline(ctx context.Context, day time.Time) ([]bot.Position, error) {
	var out []bot.Position
	first := dayKey(day)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bPosDeadline).Cursor()
		for k, _ := cur.First(); len(k) == 16 && bytes.Compare(k[:8], first) < 0; k, _ = cur.Next() {
			var p bot.Position
			if err := get(tx, bPositions, btoi(k[8:]), &p); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
