package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// Forgetting a name: every occurrence of a text in contact notes, the
// requirements of positions and the texts of candidates (skills, wishes,
// course, their history) is replaced by "[slettet]", and the file is
// scrubbed, as an erasure request needs.

// Erased is what stands where Forget took a text out.
const Erased = "[slettet]"

// Forgotten is what Forget found or changed.
type Forgotten struct {
	Places  int      // occurrences
	Records int      // records holding them
	Scrub   Scrubbed // the scrub that followed (when changed)
}

// forgetBatch is how many records one write transaction of Forget changes.
const forgetBatch = 250

// Forget replaces every occurrence of text (case folded, so "Åse" finds
// "åse" and "ÅSE") in contact notes, position requirements and candidate
// texts with Erased. jobcenter 0 means every record; otherwise only those
// of that jobcenter (a contact by its consultant's jobcenter, a position
// by its jobcenter, a candidate by its home jobcenter). With dryRun it
// only counts. It works in batches of short transactions and ends with a
// Scrub. It returns how many places (occurrences) and records it found or
// changed. A text of fewer than 3 letters is refused (bot.Invalid): it
// would match inside too many words.
func (db *DB) Forget(ctx context.Context, text string, jobcenter uint64, dryRun bool) (places, records int, err error) {
	out, err := db.forget(ctx, text, jobcenter, dryRun)
	return out.Places, out.Records, err
}

func (db *DB) forget(ctx context.Context, text string, jobcenter uint64, dryRun bool) (Forgotten, error) {
	var out Forgotten
	text = strings.TrimSpace(text)
	if len([]rune(text)) < 3 {
		return out, bot.Errorf(bot.Invalid, "the text to forget must be at least 3 letters")
	}
	re := regexp.MustCompile("(?i)" + regexp.QuoteMeta(text))
	home := map[uint64]uint64{}
	for _, c := range db.people.all() {
		home[c.ID] = c.JobcenterID
	}
	// JSON escapes none of the text's letters unless it holds one of
	// these: then every record is decoded and looked at.
	raw := !strings.ContainsAny(text, `<>&"\`)
	type hit struct {
		bucket, key []byte
	}
	var hits []hit
	err := db.view(ctx, func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bCompanies, bPositions, bCandidates} {
			cur := tx.Bucket(b).Cursor()
			for k, v := cur.First(); k != nil; k, v = cur.Next() {
				if raw && !re.Match(v) {
					continue
				}
				n, _, err := forgetIn(b, k, v, re, jobcenter, home)
				if err != nil {
					return err
				}
				if n > 0 {
					out.Places += n
					out.Records++
					hits = append(hits, hit{b, bytes.Clone(k)})
				}
			}
		}
		return nil
	})
	if err != nil || dryRun || len(hits) == 0 {
		return out, err
	}
	out.Places, out.Records = 0, 0
	for len(hits) > 0 {
		batch := hits[:min(len(hits), forgetBatch)]
		hits = hits[len(batch):]
		var places, records int
		err := db.update(ctx, func(tx *bolt.Tx) error {
			places, records = 0, 0
			for _, h := range batch {
				bk := tx.Bucket(h.bucket)
				v := bk.Get(h.key)
				if v == nil {
					continue
				}
				n, data, err := forgetIn(h.bucket, h.key, v, re, jobcenter, home)
				if err != nil || n == 0 {
					return err
				}
				if err := bk.Put(h.key, data); err != nil {
					return err
				}
				places += n
				records++
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("forget: %w", err)
		}
		out.Places += places
		out.Records += records
	}
	out.Scrub, err = db.Scrub(ctx)
	return out, err
}

// forgetIn counts the occurrences of re in the texts of record v of
// bucket b, within jobcenter (0: any), and returns it re-encoded with them
// replaced. A company (in bCompanies) counts nothing: names stay.
func forgetIn(b, k, v []byte, re *regexp.Regexp, jobcenter uint64, home map[uint64]uint64) (int, []byte, error) {
	n := 0
	swap := func(s *string) {
		if c := len(re.FindAllStringIndex(*s, -1)); c > 0 {
			n += c
			*s = re.ReplaceAllLiteralString(*s, Erased)
		}
	}
	events := func(es []bot.Event) {
		for i := range es {
			swap(&es[i].What)
		}
	}
	var rec any
	switch {
	case bytes.Equal(b, bCompanies):
		if len(k) != 24 {
			return 0, nil, nil
		}
		var r contactRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return 0, nil, fmt.Errorf("decode contact: %w", err)
		}
		if jobcenter != 0 && home[r.ConsultantID] != jobcenter {
			return 0, nil, nil
		}
		swap(&r.Note)
		rec = r
	case bytes.Equal(b, bPositions):
		var p bot.Position
		if err := json.Unmarshal(v, &p); err != nil {
			return 0, nil, fmt.Errorf("decode position: %w", err)
		}
		if jobcenter != 0 && p.JobcenterID != jobcenter {
			return 0, nil, nil
		}
		swap(&p.Requirements)
		events(p.History)
		rec = p
	default:
		var c bot.Candidate
		if err := json.Unmarshal(v, &c); err != nil {
			return 0, nil, fmt.Errorf("decode candidate: %w", err)
		}
		if jobcenter != 0 && c.HomeJobcenterID != jobcenter {
			return 0, nil, nil
		}
		swap(&c.Skills)
		swap(&c.Wishes)
		swap(&c.Course)
		events(c.History)
		rec = c
	}
	if n == 0 {
		return 0, nil, nil
	}
	data, err := encode(rec)
	return n, data, err
}
