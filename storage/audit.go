package storage

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// The audit trail is append-only, keyed by the audit bucket's sequence (8
// bytes, big-endian), so keys sort in the order written. Each value is a
// bot.AuditEntry in JSON whose Prev is the hex SHA-256 of the value before
// it; the first entry's Prev is the anchor kept in meta (empty on a new
// file, the hash of the last pruned entry after a prune). The hash of the
// newest value is kept too, so that a change to the last entry, or its
// removal, is found like any other.
//
// An entry is appended in the write transaction of the change it records:
// never a change without its entry, and no fsync of its own. What it
// costs is pages: appended to the audit bucket, an entry rewrote its last
// leaf and the two branch pages above it, which made an audited »rolle«
// 1.19-1.23x the unaudited. So the newest entries, and the head, go to a
// second bucket, audit_recent, small enough (auditRecentBytes) that bbolt
// keeps it inline in the root page, which every write changes anyway; as
// it grows past that its entries move to the audit bucket, in the same
// transaction. The trail is the audit bucket's entries, then
// audit_recent's. A file from before audit_recent keeps its head in the
// audit bucket until its next entry.
var (
	keyAuditAnchor = []byte("audit_anchor") // hex hash the first remaining entry's Prev must be
	keyAuditHead   = []byte("~head")        // in bAuditRecent: hex hash of the newest entry; sorts after the 8-byte keys
	keyAuditKey    = []byte("audit_key")    // 32 random bytes: the key of AuditHash
)

// ErrAuditBroken is wrapped by VerifyAudit's error when an entry was
// changed, removed or put in.
var ErrAuditBroken = errors.New("the audit trail has been changed")

// auditFill packs the append-only bucket's pages full.
const auditFill = 1.0

// Audit appends e to the audit trail in a transaction of its own, for
// acts that change nothing else in the file (an export, a read of
// another jobcenter's notes, a backup). At is set from the store's clock
// when zero; Seq and Prev are always set by the store.
func (db *DB) Audit(ctx context.Context, e bot.AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.clock.Now()
	}
	err := db.update(ctx, func(tx *bolt.Tx) error { return appendAudit(tx, e.At, e) })
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// appendAudit adds es to the trail in tx, each chained to the one before;
// an entry without At is stamped now.
func appendAudit(tx *bolt.Tx, now time.Time, es ...bot.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	b, recent := tx.Bucket(bAudit), tx.Bucket(bAuditRecent)
	prev := auditHead(b, recent)
	size := 0
	for _, e := range es {
		if e.At.IsZero() {
			e.At = now
		}
		seq, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		e.Seq, e.Prev = seq, prev
		v, err := encode(e)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		if err := recent.Put(itob(seq), v); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		prev = hashHex(v)
	}
	if err := recent.Put(keyAuditHead, []byte(prev)); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if b.Get(keyAuditHead) != nil { // a file from before audit_recent
		if err := b.Delete(keyAuditHead); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	if err := recent.ForEach(func(k, v []byte) error { size += len(k) + len(v); return nil }); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if size > auditRecentBytes {
		return settleAudit(b, recent)
	}
	return nil
}

// auditRecentBytes is how much audit_recent holds before its entries move
// to the audit bucket. Under a quarter page bbolt keeps a bucket inline in
// its parent's page: the root page, which every write changes anyway, so
// an entry appended there costs no page of its own.
const auditRecentBytes = 600

// auditHead is the hash of the newest entry: kept in audit_recent, or, in
// a file from before it, in the audit bucket.
func auditHead(b, recent *bolt.Bucket) string {
	if recent != nil {
		if h := recent.Get(keyAuditHead); h != nil {
			return string(h)
		}
	}
	return string(b.Get(keyAuditHead))
}

// settleAudit moves the entries of audit_recent to the audit bucket, in
// order; the head stays.
func settleAudit(b, recent *bolt.Bucket) error {
	if recent == nil {
		return nil
	}
	b.FillPercent = auditFill
	var keys [][]byte
	err := recent.ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil
		}
		keys = append(keys, bytes.Clone(k))
		return b.Put(bytes.Clone(k), bytes.Clone(v))
	})
	for _, k := range keys {
		if err == nil {
			err = recent.Delete(k)
		}
	}
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func hashHex(v []byte) string {
	h := sha256.Sum256(v)
	return hex.EncodeToString(h[:])
}

// AuditPage returns the entries f selects, newest first, the first skip
// left out and at most limit given, and how many f selects in all.
func (db *DB) AuditPage(ctx context.Context, f bot.AuditFilter, skip, limit int) (page []bot.AuditEntry, total int, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		page, total = nil, 0
		return eachAuditBack(tx, func(k, v []byte) (bool, error) {
			var e bot.AuditEntry
			if err := decode(v, &e, bAudit, k); err != nil {
				return false, err
			}
			if !f.To.IsZero() && !e.At.Before(f.To) {
				return true, nil
			}
			if !f.From.IsZero() && e.At.Before(f.From) {
				return false, nil // entries are in time order
			}
			if !auditMatch(f, e) {
				return true, nil
			}
			if total >= skip && len(page) < limit {
				page = append(page, e)
			}
			total++
			return true, nil
		})
	})
	return page, total, err
}

// auditBuckets are the buckets the entries lie in, oldest first: the
// audit bucket, then audit_recent; those an older file lacks are left out.
func auditBuckets(tx *bolt.Tx) []*bolt.Bucket {
	var bs []*bolt.Bucket
	for _, name := range [][]byte{bAudit, bAuditRecent} {
		if b := tx.Bucket(name); b != nil {
			bs = append(bs, b)
		}
	}
	return bs
}

// eachAudit calls fn with every entry's key and value, oldest first,
// until fn returns an error.
func eachAudit(tx *bolt.Tx, fn func(k, v []byte) error) error {
	for _, b := range auditBuckets(tx) {
		cur := b.Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			if len(k) != 8 {
				continue // the head
			}
			if err := fn(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachAuditKeys is eachAudit over every key but the head, odd ones too,
// for VerifyAudit to judge.
func eachAuditKeys(tx *bolt.Tx, fn func(k, v []byte) error) error {
	for _, b := range auditBuckets(tx) {
		cur := b.Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			if bytes.Equal(k, keyAuditHead) {
				continue
			}
			if err := fn(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachAuditBack calls fn with every entry's key and value, newest first,
// while fn returns true and no error.
func eachAuditBack(tx *bolt.Tx, fn func(k, v []byte) (bool, error)) error {
	bs := auditBuckets(tx)
	for i := len(bs) - 1; i >= 0; i-- {
		cur := bs[i].Cursor()
		for k, v := cur.Last(); k != nil; k, v = cur.Prev() {
			if len(k) != 8 {
				continue // the head
			}
			if more, err := fn(k, v); err != nil || !more {
				return err
			}
		}
	}
	return nil
}

func auditMatch(f bot.AuditFilter, e bot.AuditEntry) bool {
	if f.PersonID != 0 && e.ActorID != f.PersonID && e.PersonID != f.PersonID {
		return false
	}
	return f.JobcenterID == 0 || e.JobcenterID == f.JobcenterID
}

// EachAudit calls fn for every entry f selects, oldest first, in one read
// transaction, until fn returns an error, which it returns. fn must not
// call the store.
func (db *DB) EachAudit(ctx context.Context, f bot.AuditFilter, fn func(bot.AuditEntry) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		return eachAudit(tx, func(k, v []byte) error {
			var e bot.AuditEntry
			if err := decode(v, &e, bAudit, k); err != nil {
				return err
			}
			if (!f.From.IsZero() && e.At.Before(f.From)) || (!f.To.IsZero() && !e.At.Before(f.To)) || !auditMatch(f, e) {
				return nil
			}
			return fn(e)
		})
	})
}

// VerifyAudit walks the trail and checks every link of its chain: each
// entry's Prev is the hash of the one before (the anchor for the first),
// the numbers run without a gap up to the bucket's sequence, and the
// newest entry's hash is the head kept in meta. It returns how many
// entries it checked, and an error wrapping ErrAuditBroken that names the
// first entry out of place.
func (db *DB) VerifyAudit(ctx context.Context) (n int, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bAudit)
		if b == nil {
			return nil
		}
		meta := tx.Bucket(bMeta)
		prev := string(meta.Get(keyAuditAnchor))
		var last uint64
		err := eachAuditKeys(tx, func(k, v []byte) error {
			seq := btoi(k)
			var e bot.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("%w: entry %d cannot be read (%w)", ErrAuditBroken, seq, err)
			}
			switch {
			case len(k) != 8 || e.Seq != seq:
				return fmt.Errorf("%w: entry %d is stored under number %d", ErrAuditBroken, e.Seq, seq)
			case last != 0 && seq != last+1:
				return fmt.Errorf("%w: entries %d to %d are missing", ErrAuditBroken, last+1, seq-1)
			case e.Prev != prev && last != 0:
				return fmt.Errorf("%w: entry %d or the one before it was changed", ErrAuditBroken, seq)
			case e.Prev != prev:
				return fmt.Errorf("%w: entry %d, the oldest, does not follow the last pruned entry (changed, or older entries removed)", ErrAuditBroken, seq)
			}
			prev, last = hashHex(v), seq
			n++
			return nil
		})
		if err != nil {
			return err
		}
		head := auditHead(b, tx.Bucket(bAuditRecent))
		if last != b.Sequence() && !(last == 0 && n == 0 && head == "") {
			return fmt.Errorf("%w: the newest entries after %d (up to %d) are missing", ErrAuditBroken, last, b.Sequence())
		}
		if head != prev {
			return fmt.Errorf("%w: the newest entry (%d) was changed or removed", ErrAuditBroken, last)
		}
		return nil
	})
	return n, err
}

// pruneBatch is how many entries one prune transaction removes.
const pruneBatch = 5000

// PruneAudit removes the entries from before before (the retention of
// the trail, 5 years by default), a batch per transaction, and records a
// prune entry with the count in the last. The hash of the last entry
// removed becomes the anchor, so the chain of those left still verifies.
// Running it again removes nothing more and records nothing. It returns
// how many it removed.
func (db *DB) PruneAudit(ctx context.Context, before time.Time) (int, error) {
	// Most days there is nothing to remove: find that out without a write.
	due := false
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bAudit) == nil {
			return nil // an older file opened read-only: nothing to prune, nor could it be
		}
		return eachAudit(tx, func(k, v []byte) error {
			var e bot.AuditEntry
			if json.Unmarshal(v, &e) == nil {
				due = e.At.Before(before)
			}
			return errStop // the oldest is enough
		})
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	if err != nil || !due {
		return 0, err
	}
	total := 0
	for {
		n, more := 0, false
		err := db.update(ctx, func(tx *bolt.Tx) error {
			n, more = 0, false
			b, meta := tx.Bucket(bAudit), tx.Bucket(bMeta)
			// The newest entries may still be in audit_recent: all go to
			// the audit bucket first, so the oldest are at its front.
			if err := settleAudit(b, tx.Bucket(bAuditRecent)); err != nil {
				return err
			}
			cur := b.Cursor()
			var anchor []byte
			for k, v := cur.First(); len(k) == 8; k, v = cur.First() { // the head key, or the end, stops it
				var e bot.AuditEntry
				if err := decode(v, &e, bAudit, k); err != nil {
					return err
				}
				if !e.At.Before(before) {
					break
				}
				if n == pruneBatch {
					more = true
					break
				}
				anchor = []byte(hashHex(v))
				if err := cur.Delete(); err != nil {
					return err
				}
				n++
			}
			if n == 0 {
				return nil
			}
			if err := meta.Put(keyAuditAnchor, anchor); err != nil {
				return err
			}
			if more {
				return nil
			}
			return appendAudit(tx, db.clock.Now(), bot.AuditEntry{Actor: "kontaktbot", Action: bot.AuditPrune,
				Detail: strconv.Itoa(total+n) + " entries from before " + before.Format(time.DateOnly)})
		})
		if err != nil {
			return total, fmt.Errorf("prune audit: %w", err)
		}
		total += n
		if !more {
			return total, nil
		}
	}
}

// AuditHash is the keyed hash (HMAC-SHA-256, hex) of text, for an entry
// that must show that the same text was meant twice without holding it
// (glem). The key is made at random on first use and kept in the meta
// bucket: without the file, the hash says nothing about the text. Callers
// normalize text first (bot.NormalizeName) so spellings agree.
func (db *DB) AuditHash(ctx context.Context, text string) (string, error) {
	var key []byte
	err := db.view(ctx, func(tx *bolt.Tx) error {
		key = bytes.Clone(tx.Bucket(bMeta).Get(keyAuditKey))
		return nil
	})
	if err == nil && key == nil {
		err = db.update(ctx, func(tx *bolt.Tx) error {
			meta := tx.Bucket(bMeta)
			if key = bytes.Clone(meta.Get(keyAuditKey)); key != nil {
				return nil
			}
			key = make([]byte, 32)
			if _, err := rand.Read(key); err != nil {
				return err
			}
			return meta.Put(keyAuditKey, key)
		})
	}
	if err != nil {
		return "", fmt.Errorf("audit hash: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// audited is fn followed, in the same transaction, by the entries es.
func (db *DB) audited(es []bot.AuditEntry, fn func(tx *bolt.Tx) error) func(tx *bolt.Tx) error {
	if len(es) == 0 {
		return fn
	}
	return func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return appendAudit(tx, db.clock.Now(), es...)
	}
}
