package storage

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// Intro days are numbered from 1 by their bucket's sequence (#N). Their
// candidates are keyed by intro day and reference (see refKey), with two indexes: by reference (to find a candidate's
// latest intro day) and by the day an internship ends (for the nudge to
// hold the education meeting).

// refKey is a reference as matched: case, spaces and punctuation do not
// count, so "KS-14", "ks 14" and "KS14" are one candidate.
func refKey(ref string) string {
	return strings.ReplaceAll(bot.NormalizeName(ref), " ", "")
}

func candidateKey(introDay uint64, ref string) []byte {
	return join(itob(introDay), []byte(refKey(ref)))
}

func internshipKey(c *bot.Candidate) []byte {
	if c.Stage != bot.StageInternship || c.InternshipEnd.IsZero() {
		return nil
	}
	return join(dayKey(c.InternshipEnd), itob(c.IntroDayID), []byte(refKey(c.Reference)))
}

// CreateIntroDay stores a new intro day.
func (db *DB) CreateIntroDay(ctx context.Context, d bot.IntroDay) (out bot.IntroDay, err error) {
	if d.Created.IsZero() {
		d.Created = db.clock.Now()
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		id, err := nextID(tx, bIntroDays)
		if err != nil {
			return err
		}
		out = d
		out.ID = id
		return put(tx, bIntroDays, id, out)
	})
	if err != nil {
		return bot.IntroDay{}, err
	}
	return out, nil
}

// IntroDay returns the intro day with the id, or bot.ErrNotFound.
func (db *DB) IntroDay(ctx context.Context, id uint64) (d bot.IntroDay, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error { return get(tx, bIntroDays, id, &d) })
	return d, err
}

// UpdateIntroDay loads the intro day, lets fn change it and stores it, in
// one transaction; fn's error aborts without writing.
func (db *DB) UpdateIntroDay(ctx context.Context, id uint64, fn func(*bot.IntroDay) error) (d bot.IntroDay, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		var old bot.IntroDay
		if err := get(tx, bIntroDays, id, &old); err != nil {
			return err
		}
		d = old
		d.Jobcenters, d.CompanyIDs, d.Announced = slices.Clone(old.Jobcenters), slices.Clone(old.CompanyIDs), slices.Clone(old.Announced)
		if err := fn(&d); err != nil {
			return err
		}
		d.ID = id
		return put(tx, bIntroDays, id, d)
	})
	if err != nil {
		return bot.IntroDay{}, err
	}
	return d, nil
}

// IntroDaysFrom returns the intro days on or after day, soonest first.
func (db *DB) IntroDaysFrom(ctx context.Context, day time.Time) ([]bot.IntroDay, error) {
	var out []bot.IntroDay
	from := bot.Day(day)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bIntroDays).ForEach(func(k, v []byte) error {
			var d bot.IntroDay
			if err := decode(v, &d, bIntroDays, k); err != nil {
				return err
			}
			if !bot.Day(d.Date).Before(from) {
				out = append(out, d)
			}
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b bot.IntroDay) int { return a.Date.Compare(b.Date) })
	return out, err
}

// AddCandidate puts a candidate on an existing intro day (else
// bot.ErrNotFound). A reference already on that day gives a
// *bot.ConflictError (What "candidate").
func (db *DB) AddCandidate(ctx context.Context, c bot.Candidate) (bot.Candidate, error) {
	if refKey(c.Reference) == "" {
		return c, bot.Errorf(bot.Invalid, "a candidate needs a reference")
	}
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bIntroDays).Get(itob(c.IntroDayID)) == nil {
			return fmt.Errorf("intro day #%d: %w", c.IntroDayID, bot.ErrNotFound)
		}
		key := candidateKey(c.IntroDayID, c.Reference)
		if tx.Bucket(bCandidates).Get(key) != nil {
			return &bot.ConflictError{What: "candidate", Key: c.Reference, ID: c.IntroDayID}
		}
		return putCandidate(tx, nil, &c)
	})
	return c, err
}

func putCandidate(tx *bolt.Tx, old, c *bot.Candidate) error {
	if old == nil {
		ref := join([]byte(refKey(c.Reference)), []byte{0}, itob(c.IntroDayID))
		if err := tx.Bucket(bCandRef).Put(ref, nil); err != nil {
			return err
		}
	}
	var oldEnd []byte
	if old != nil {
		oldEnd = internshipKey(old)
	}
	if err := moveKey(tx.Bucket(bInternEnd), oldEnd, internshipKey(c), nil); err != nil {
		return err
	}
	data, err := encode(c)
	if err != nil {
		return err
	}
	return tx.Bucket(bCandidates).Put(candidateKey(c.IntroDayID, c.Reference), data)
}

// UpdateCandidate loads the candidate with ref on the intro day, lets fn
// change it and stores it, in one transaction; fn's error aborts without
// writing. bot.ErrNotFound when the reference is not on that day.
func (db *DB) UpdateCandidate(ctx context.Context, introDay uint64, ref string, fn func(*bot.Candidate) error) (c bot.Candidate, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		key := candidateKey(introDay, ref)
		data := tx.Bucket(bCandidates).Get(key)
		if data == nil {
			return bot.ErrNotFound
		}
		var old bot.Candidate
		if err := decode(data, &old, bCandidates, key[:8]); err != nil {
			return err
		}
		c = old
		c.History = slices.Clone(old.History)
		if err := fn(&c); err != nil {
			return err
		}
		c.IntroDayID, c.Reference = old.IntroDayID, old.Reference
		return putCandidate(tx, &old, &c)
	})
	if err != nil {
		return bot.Candidate{}, err
	}
	return c, nil
}

// Candidates returns the intro day's candidates ordered by normalized
// reference.
func (db *DB) Candidates(ctx context.Context, introDay uint64) ([]bot.Candidate, error) {
	var out []bot.Candidate
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := itob(introDay)
		cur := tx.Bucket(bCandidates).Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			var c bot.Candidate
			if err := decode(v, &c, bCandidates, prefix); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// CandidateByRef returns the candidate with the reference on the latest
// intro day that has it, or bot.ErrNotFound.
func (db *DB) CandidateByRef(ctx context.Context, ref string) (c bot.Candidate, err error) {
	norm := refKey(ref)
	if norm == "" {
		return c, bot.ErrNotFound
	}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		prefix := append([]byte(norm), 0)
		cur := tx.Bucket(bCandRef).Cursor()
		k, _ := cur.Seek(append(bytes.Clone(prefix), 0xff))
		if k == nil {
			k, _ = cur.Last()
		} else {
			k, _ = cur.Prev()
		}
		if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
			return bot.ErrNotFound
		}
		data := tx.Bucket(bCandidates).Get(candidateKey(btoi(k[len(prefix):]), ref))
		if data == nil {
			return bot.ErrNotFound
		}
		return decode(data, &c, bCandidates, k[len(prefix):])
	})
	return c, err
}

// InternshipsEnding returns the candidates in internship whose internship
// ends on day.
func (db *DB) InternshipsEnding(ctx context.Context, day time.Time) ([]bot.Candidate, error) {
	var out []bot.Candidate
	prefix := dayKey(day)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bInternEnd).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			data := tx.Bucket(bCandidates).Get(k[8:])
			if data == nil {
				continue
			}
			var c bot.Candidate
			if err := decode(data, &c, bCandidates, k[8:16]); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// CandidatesByRef returns every intro day's record of the reference, in
// intro-day id order (the order they were planned): a reference reused
// on a new intro day keeps its earlier internship, meeting and outcome
// on the earlier day's record. None gives an empty slice.
func (db *DB) CandidatesByRef(ctx context.Context, ref string) ([]bot.Candidate, error) {
	norm := refKey(ref)
	if norm == "" {
		return nil, nil
	}
	var out []bot.Candidate
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := append([]byte(norm), 0)
		cur := tx.Bucket(bCandRef).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			if len(k) != len(prefix)+8 {
				continue
			}
			day := k[len(prefix):]
			data := tx.Bucket(bCandidates).Get(candidateKey(btoi(day), ref))
			if data == nil {
				continue
			}
			var c bot.Candidate
			if err := decode(data, &c, bCandidates, day); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}
