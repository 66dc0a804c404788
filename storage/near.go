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

// The near index (bCompNear) lets a consultant out visiting see which
// other companies close by are due, without reading a jobcenter's whole
// portfolio: each company that is nudged at all has an entry per place it
// is in (its area, its postcode, its town), keyed place + 0 + nudge day
// (yyyymmdd) + company id, whose value is the owner id. Finding the near
// companies due reads, for each place, only the entries up to the day
// asked for, then the summaries of the few it shows. A visit moves the
// entries of the company visited, as its nudge day moves.

// Place kinds lead a near index key.
const (
	placeArea     = 'a'
	placePostcode = 'p'
	placeTown     = 't'
)

// nearPlaces are c's places in the near index: kind, name, 0.
func nearPlaces(c *bot.Company) [][]byte {
	var out [][]byte
	add := func(kind byte, v string) {
		if v == "" {
			return
		}
		k := make([]byte, 0, 2+len(v))
		k = append(k, kind)
		k = append(k, v...)
		out = append(out, append(k, 0))
	}
	add(placeArea, bot.NormalizeName(c.Area))
	add(placePostcode, c.Postcode)
	add(placeTown, bot.NormalizeName(c.Town))
	return out
}

// nearKeys are c's keys in the near index: none when it is never nudged.
func nearKeys(c *bot.Company) [][]byte {
	day, ok := c.NudgeDay()
	if !ok {
		return nil
	}
	places := nearPlaces(c)
	if len(places) == 0 {
		return nil
	}
	dk, id := dayKey(day), itob(c.ID)
	for i, p := range places {
		places[i] = join(p, dk, id)
	}
	return places
}

func hasKey(keys [][]byte, k []byte) bool {
	return slices.ContainsFunc(keys, func(x []byte) bool { return bytes.Equal(x, k) })
}

// putNear brings c's near index entries from old's (nil for a new company).
func putNear(tx *bolt.Tx, old, c *bot.Company) error {
	near := tx.Bucket(bCompNear)
	keys := nearKeys(c)
	var oldKeys [][]byte
	sameOwner := false
	if old != nil {
		oldKeys, sameOwner = nearKeys(old), old.OwnerID == c.OwnerID
	}
	for _, k := range oldKeys {
		if !hasKey(keys, k) {
			if err := near.Delete(k); err != nil {
				return err
			}
		}
	}
	for _, k := range keys {
		if !sameOwner || !hasKey(oldKeys, k) {
			if err := near.Put(k, itob(c.OwnerID)); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropNear removes c's near index entries.
func dropNear(tx *bolt.Tx, c *bot.Company) error {
	near := tx.Bucket(bCompNear)
	for _, k := range nearKeys(c) {
		if err := near.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// NearDue returns up to limit companies that share an area, a postcode or
// a town with c (c itself left out) and whose nudge day is on or before
// until: overdue, or due by then. rank places each by its owner: a
// negative rank leaves it out, and lower ranks come first, then earlier
// nudge days, then lower ids. The companies come whole from the owner
// index's summaries.
func (db *DB) NearDue(ctx context.Context, c bot.Company, until time.Time, rank func(owner uint64) int, limit int) ([]bot.Company, error) {
	places := nearPlaces(&c)
	if len(places) == 0 || limit <= 0 {
		return nil, nil
	}
	last := dayKey(until)
	type hit struct {
		id, owner uint64
		rank      int
		day       []byte
	}
	// best holds the limit best found so far, in order: a company that
	// did not make it once (it is in up to three places) will not the
	// next time either, so only best needs checking for it.
	best := make([]hit, 0, limit+1)
	less := func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), bytes.Compare(a.day, b.day), cmp.Compare(a.id, b.id))
	}
	var out []bot.Company
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bCompNear).Cursor()
		for _, p := range places {
			for k, v := cur.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = cur.Next() {
				if len(k) != len(p)+16 || len(v) != 8 {
					continue // another place whose name goes on
				}
				day := k[len(p) : len(p)+8]
				if bytes.Compare(day, last) > 0 {
					break // the rest fall due later
				}
				if len(best) == limit && best[limit-1].rank == 0 && bytes.Compare(best[limit-1].day, day) < 0 {
					break // nothing later in this place can do better
				}
				id := btoi(k[len(p)+8:])
				if id == c.ID || slices.ContainsFunc(best, func(h hit) bool { return h.id == id }) {
					continue
				}
				r := rank(btoi(v))
				if r < 0 {
					continue
				}
				h := hit{id: id, owner: btoi(v), rank: r, day: day}
				if len(best) == limit && less(h, best[limit-1]) >= 0 {
					continue
				}
				i, _ := slices.BinarySearchFunc(best, h, less)
				best = slices.Insert(best, i, h)
				if len(best) > limit {
					best = best[:limit]
				}
			}
		}
		owners := tx.Bucket(bCompOwner)
		for _, h := range best {
			sum := owners.Get(join(itob(h.owner), itob(h.id)))
			if sum == nil {
				return fmt.Errorf("near index: company #%d has no owner index entry under #%d", h.id, h.owner)
			}
			co, err := unsummarize(h.id, sum)
			if err != nil {
				return fmt.Errorf("owner index #%d: %w", h.id, err)
			}
			out = append(out, co)
		}
		return nil
	})
	return out, err
}

// nearIndex (schema 2 to 3) builds the near index from every company. A
// version 2 summary reads as a company without an address, so the owner
// and nudge indexes stay as they are; the step raises the version so that
// an older kontaktbot, which cannot read version 3 summaries, refuses the
// file rather than misreading it.
func nearIndex(tx *bolt.Tx) error {
	near := tx.Bucket(bCompNear)
	near.FillPercent = bulkFill
	cur := tx.Bucket(bCompanies).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if len(k) != 8 {
			continue // a contact
		}
		var c bot.Company
		if err := decode(v, &c, bCompanies, k); err != nil {
			return err
		}
		if err := putNear(tx, nil, &c); err != nil {
			return err
		}
	}
	return nil
}

// addressChunk is how many companies one transaction of SetAddresses
// writes: each rewrites a company and its index entries.
const addressChunk = 2000

// SetAddresses stores the address (Street, Postcode, Town) of each of cs,
// found by its ID, their other fields left as stored, addressChunk
// companies to a transaction, and returns how many it stored. A company that is gone
// by then is bot.ErrNotFound and stops it there; the chunks before stay,
// and running it again stores the same. The audit entries are appended in
// the first transaction, so that no address is stored unrecorded (a run
// stopped midway is recorded as asked).
func (db *DB) SetAddresses(ctx context.Context, cs []bot.Company, audit ...bot.AuditEntry) (int, error) {
	done := 0
	for lo := 0; lo < len(cs); lo += addressChunk {
		chunk := cs[lo:min(lo+addressChunk, len(cs))]
		var es []bot.AuditEntry
		if lo == 0 {
			es = audit
		}
		err := db.update(ctx, db.audited(es, func(tx *bolt.Tx) error {
			for _, a := range chunk {
				var old bot.Company
				if err := get(tx, bCompanies, a.ID, &old); err != nil {
					return fmt.Errorf("company #%d: %w", a.ID, err)
				}
				if old.Street == a.Street && old.Postcode == a.Postcode && old.Town == a.Town {
					continue
				}
				c := old
				c.Street, c.Postcode, c.Town = a.Street, a.Postcode, a.Town
				if err := db.putCompany(tx, &old, &c); err != nil {
					return err
				}
			}
			return nil
		}))
		if err != nil {
			return done, fmt.Errorf("set addresses: %w", err)
		}
		done += len(chunk)
	}
	return done, nil
}
