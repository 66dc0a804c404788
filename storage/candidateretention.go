package storage

import (
	"bytes"
	"context"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// ExpireCandidates erases the candidates whose outcome was recorded more
// than months months before now (the outcome's time is their history's
// newest event): reference, skills, wishes and course go. The candidate
// stays on its intro day, so the day's counts and the pipeline's figures
// are unchanged, under the reference "[slettet N]" (N unique), which no
// reference index finds. It works in batches of short write transactions,
// ends with a Scrub when it erased anything, and returns how many it
// erased; a second run erases nothing.
func (db *DB) ExpireCandidates(ctx context.Context, now time.Time, months int) (int, error) {
	if months < 1 {
		return 0, nil
	}
	var keys [][]byte
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bCandidates).ForEach(func(k, v []byte) error {
			var c bot.Candidate
			if err := decode(v, &c, bCandidates, k[:8]); err != nil {
				return err
			}
			if candidateExpired(&c, now, months) {
				keys = append(keys, bytes.Clone(k))
			}
			return nil
		})
	})
	if err != nil || len(keys) == 0 {
		return 0, err
	}
	erased := 0
	for len(keys) > 0 {
		batch := keys[:min(len(keys), forgetBatch)]
		keys = keys[len(batch):]
		n := 0
		err := db.update(ctx, func(tx *bolt.Tx) error {
			n = 0
			for _, k := range batch {
				ok, err := eraseCandidate(tx, k, now, months)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return erased, err
		}
		erased += n
	}
	_, err = db.Scrub(ctx)
	return erased, err
}

func candidateExpired(c *bot.Candidate, now time.Time, months int) bool {
	if c.Stage != bot.StageOutcome || len(c.History) == 0 || refKey(c.Reference) == "" || bytes.HasPrefix([]byte(c.Reference), []byte("[slettet ")) {
		return false
	}
	last := c.History[0].At
	for _, e := range c.History {
		if e.At.After(last) {
			last = e.At
		}
	}
	return last.AddDate(0, months, 0).Before(now)
}

// eraseCandidate re-keys the candidate at k under a new reference and
// empties its texts, if it is still there and expired.
func eraseCandidate(tx *bolt.Tx, k []byte, now time.Time, months int) (bool, error) {
	cands := tx.Bucket(bCandidates)
	v := cands.Get(k)
	if v == nil {
		return false, nil
	}
	var c bot.Candidate
	if err := decode(v, &c, bCandidates, k[:8]); err != nil {
		return false, err
	}
	if !candidateExpired(&c, now, months) {
		return false, nil
	}
	seq, err := cands.NextSequence()
	if err != nil {
		return false, err
	}
	if err := tx.Bucket(bCandRef).Delete(join([]byte(refKey(c.Reference)), []byte{0}, itob(c.IntroDayID))); err != nil {
		return false, err
	}
	if k := internshipKey(&c); k != nil {
		if err := tx.Bucket(bInternEnd).Delete(k); err != nil {
			return false, err
		}
	}
	if err := cands.Delete(k); err != nil {
		return false, err
	}
	c.Reference = "[slettet " + strconv.FormatUint(seq, 10) + "]"
	c.Skills, c.Wishes, c.Course = "", "", ""
	for i := range c.History {
		c.History[i].What = ""
	}
	data, err := encode(c)
	if err != nil {
		return false, err
	}
	return true, cands.Put(candidateKey(c.IntroDayID, c.Reference), data)
}
