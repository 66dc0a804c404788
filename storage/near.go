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
// portfolio: each company has an entry per place it is in (its area, its
// postcode, its town), keyed place + 0 + company id, whose value is the
// owner id and the nudge day (yyyymmdd, absent when it is never nudged).
// A visit rewrites the entries of the company visited, as its nudge day
// moves; finding the near companies due reads the few hundred entries of
// one area and the summaries of the three it shows.

// Place kinds lead a near index key.
const (
	placeArea     = 'a'
	placePostcode = 'p'
	placeTown     = 't'
)

// nearKeys are c's places in the near index, without the company id.
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

// nearValue is c's value in the near index: owner id, then nudge day.
func nearValue(c *bot.Company) []byte {
	v := itob(c.OwnerID)
	if day, ok := c.NudgeDay(); ok {
		v = append(v, dayKey(day)...)
	}
	return v
}

// putNear brings c's near index entries from old's (nil for a new company).
func putNear(tx *bolt.Tx, old, c *bot.Company) error {
	near := tx.Bucket(bCompNear)
	id := itob(c.ID)
	places, value := nearPlaces(c), nearValue(c)
	if old != nil {
		oldValue := nearValue(old)
		for _, p := range nearPlaces(old) {
			if !slices.ContainsFunc(places, func(q []byte) bool { return bytes.Equal(p, q) }) {
				if err := near.Delete(join(p, id)); err != nil {
					return err
				}
			}
		}
		if bytes.Equal(oldValue, value) {
			// Only new places need writing.
			oldPlaces := nearPlaces(old)
			for _, p := range places {
				if !slices.ContainsFunc(oldPlaces, func(q []byte) bool { return bytes.Equal(p, q) }) {
					if err := near.Put(join(p, id), value); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	for _, p := range places {
		if err := near.Put(join(p, id), value); err != nil {
			return err
		}
	}
	return nil
}

// dropNear removes c's near index entries.
func dropNear(tx *bolt.Tx, c *bot.Company) error {
	near := tx.Bucket(bCompNear)
	for _, p := range nearPlaces(c) {
		if err := near.Delete(join(p, itob(c.ID))); err != nil {
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
	var hits []hit
	var out []bot.Company
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bCompNear).Cursor()
		for _, p := range places {
			for k, v := cur.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = cur.Next() {
				if len(k) != len(p)+8 || len(v) != 16 {
					continue // never nudged, or another place whose name goes on
				}
				id := btoi(k[len(p):])
				if id == c.ID || bytes.Compare(v[8:], last) > 0 {
					continue
				}
				owner := btoi(v[:8])
				r := rank(owner)
				if r < 0 || slices.ContainsFunc(hits, func(h hit) bool { return h.id == id }) {
					continue
				}
				hits = append(hits, hit{id: id, owner: owner, rank: r, day: v[8:]})
			}
		}
		slices.SortFunc(hits, func(a, b hit) int {
			return cmp.Or(cmp.Compare(a.rank, b.rank), bytes.Compare(a.day, b.day), cmp.Compare(a.id, b.id))
		})
		owners := tx.Bucket(bCompOwner)
		for _, h := range hits[:min(limit, len(hits))] {
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
