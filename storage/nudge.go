package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// The nudge index (bCompNudge) maps nudge day + company id to a compact
// binary summary of the company (summarize: the whole company, so the
// owner index carries the same). The sweep reads only the due part of the index and never decodes
// a company's JSON record, so its cost follows the number of companies due,
// at about a microsecond each, not the size of the portfolio.
//
// The plan index (bCompPlan) maps the day of a planned contact + company
// id to nothing, so the morning nudge can remind of the day's plans.

// summaryVersion leads every summary so that a later layout can be told
// apart. Version 1 (schema 1) held what a nudge needs; version 2 (schema
// 2) holds the whole company, so that the owner index can carry it too
// and a consultant's list of 5,000 companies is read without decoding
// 5,000 JSON records. Version 3 (schema 3) adds the address at the end:
// a version 2 summary reads as a company without one, which it was.
const summaryVersion = 3

// summarize encodes c whole, for the nudge and owner indexes.
func summarize(c *bot.Company) []byte {
	n := 115 + len(c.Name) + len(c.Area) + len(c.CVR) + len(c.Street) + len(c.Postcode) + len(c.Town)
	for _, a := range c.Aliases {
		n += 2 + len(a)
	}
	b := make([]byte, 0, n)
	b = append(b, summaryVersion)
	b = binary.AppendUvarint(b, c.OwnerID)
	b = binary.AppendUvarint(b, uint64(max(c.CadenceDays, 0)))
	b = appendString(b, string(c.Tier))
	for _, t := range []time.Time{c.LastContact, c.OwnerSince, c.Created, c.PlannedNext, c.SnoozedUntil} {
		b = appendTime(b, t)
	}
	b = binary.AppendUvarint(b, uint64(max(c.SnoozeCount, 0)))
	b = appendString(b, string(c.LastKind))
	b = binary.AppendUvarint(b, c.LastBy)
	b = appendString(b, c.Name)
	b = appendString(b, string(c.Status))
	b = appendString(b, c.Area)
	b = appendString(b, c.CVR)
	b = binary.AppendUvarint(b, uint64(len(c.Aliases)))
	for _, a := range c.Aliases {
		b = appendString(b, a)
	}
	b = appendString(b, c.Street)
	b = appendString(b, c.Postcode)
	return appendString(b, c.Town)
}

// unsummarize decodes a summary into the Company it was made of. A
// version 1 summary (only ever read while migrating) gives every field but
// Aliases, CVR, Area and the address, and Status active, as only active
// companies were in the nudge index; a version 2 summary every field but
// the address.
func unsummarize(id uint64, b []byte) (bot.Company, error) {
	c := bot.Company{ID: id, Status: bot.StatusActive}
	r := summaryReader{b: b, s: string(b)}
	v := r.byte()
	if v < 1 || v > summaryVersion {
		return c, errors.New("company summary: unknown version")
	}
	c.OwnerID = r.uvarint()
	c.CadenceDays = int(r.uvarint())
	c.Tier = bot.Tier(r.known(tiers))
	for _, t := range []*time.Time{&c.LastContact, &c.OwnerSince, &c.Created, &c.PlannedNext, &c.SnoozedUntil} {
		*t = r.time()
	}
	c.SnoozeCount = int(r.uvarint())
	c.LastKind = bot.ContactKind(r.known(kinds))
	c.LastBy = r.uvarint()
	c.Name = r.string()
	if v == 1 {
		return c, r.err
	}
	c.Status = bot.Status(r.known(statuses))
	c.Area = r.string()
	c.CVR = r.string()
	if n := r.uvarint(); n > 0 && n <= uint64(len(r.b)) {
		c.Aliases = make([]string, n)
		for i := range c.Aliases {
			c.Aliases[i] = r.string()
		}
	} else if n > 0 {
		r.err = errShortSummary
	}
	if v >= 3 {
		c.Street = r.string()
		c.Postcode = r.string()
		c.Town = r.string()
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = errors.New("company summary: bytes left over")
	}
	return c, r.err
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// zeroTime stands for the zero time in a summary (whose UnixNano is
// undefined); no real time is that far back.
const zeroTime = math.MinInt64

// appendTime stores t as Unix nanoseconds.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, zeroTime)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

// summaryReader reads a summary from b. With s set to string(b), the
// summary as a whole, the strings it returns are cut from s: one
// allocation a summary instead of one a string (a whole country's
// coverage reads 250,000 of them).
type summaryReader struct {
	b   []byte
	s   string
	err error
}

var errShortSummary = errors.New("company summary: cut short")

func (r *summaryReader) byte() byte {
	if len(r.b) == 0 {
		r.err = errShortSummary
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *summaryReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShortSummary
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *summaryReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errShortSummary
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *summaryReader) time() time.Time {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errShortSummary
		return time.Time{}
	}
	r.b = r.b[n:]
	if v == zeroTime {
		return time.Time{}
	}
	return time.Unix(0, v).In(bot.Copenhagen)
}

// The few values of tiers and kinds, so that reading them allocates nothing.
var (
	tiers    = []string{string(bot.TierNormal), string(bot.TierIntensified)}
	statuses = []string{string(bot.StatusActive), string(bot.StatusPaused), string(bot.StatusEnded)}
	kinds    = []string{"", string(bot.KindVisit), string(bot.KindPhone), string(bot.KindMail), string(bot.KindMeeting), string(bot.KindImported)}
)

// known reads a string that is usually one of values, returning the
// shared copy when it is.
func (r *summaryReader) known(values []string) string {
	n := r.uvarint()
	if r.err != nil || uint64(len(r.b)) < n {
		r.err = errShortSummary
		return ""
	}
	b := r.b[:n]
	r.b = r.b[n:]
	for _, v := range values {
		if string(b) == v {
			return v
		}
	}
	return string(b)
}

func (r *summaryReader) string() string {
	n := r.uvarint()
	if r.err != nil || uint64(len(r.b)) < n {
		r.err = errShortSummary
		return ""
	}
	var s string
	if r.s != "" {
		off := len(r.s) - len(r.b)
		s = r.s[off : off+int(n)]
	} else {
		s = string(r.b[:n])
	}
	r.b = r.b[n:]
	return s
}

// planKey is c's entry in the plan index, or nil without a plan. Only
// companies that are nudged at all are in it.
func planKey(c *bot.Company) []byte {
	if c.PlannedNext.IsZero() {
		return nil
	}
	if _, ok := c.NudgeDay(); !ok {
		return nil
	}
	return join(dayKey(c.PlannedNext), itob(c.ID))
}

// putNudge brings the nudge and plan index entries from old (nil for a new
// company) to c; oldSum and sum are their summaries (oldSum nil for a new
// company).
func putNudge(tx *bolt.Tx, old, c *bot.Company, oldSum, sum []byte) error {
	var oldKey, oldPlan []byte
	if old != nil {
		oldKey, oldPlan = nudgeKey(old), planKey(old)
	}
	newKey, newPlan := nudgeKey(c), planKey(c)
	nudges := tx.Bucket(bCompNudge)
	if oldKey != nil && !bytes.Equal(oldKey, newKey) {
		if err := nudges.Delete(oldKey); err != nil {
			return err
		}
	}
	if newKey != nil {
		if !bytes.Equal(oldKey, newKey) || !bytes.Equal(oldSum, sum) {
			if err := nudges.Put(newKey, sum); err != nil {
				return err
			}
		}
	}
	if bytes.Equal(oldPlan, newPlan) {
		return nil
	}
	plans := tx.Bucket(bCompPlan)
	if oldPlan != nil {
		if err := plans.Delete(oldPlan); err != nil {
			return err
		}
	}
	if newPlan != nil {
		return plans.Put(newPlan, nil)
	}
	return nil
}

// NudgeDue calls fn, in nudge-day order, for every company whose NudgeDay
// is on or before day, until fn returns an error, which it returns. The
// companies come from the nudge index's summaries. fn runs inside a read transaction and must
// not call the DB.
func (db *DB) NudgeDue(ctx context.Context, day time.Time, fn func(bot.Company) error) error {
	last := dayKey(day)
	return db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bCompNudge).Cursor()
		for k, v := cur.First(); len(k) == 16 && bytes.Compare(k[:8], last) <= 0; k, v = cur.Next() {
			c, err := unsummarize(btoi(k[8:]), v)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// PlannedOn calls fn for every nudged company with a contact planned on
// day, in id order, until fn returns an error, which it returns. fn must
// not call the DB.
func (db *DB) PlannedOn(ctx context.Context, day time.Time, fn func(bot.Company) error) error {
	prefix := dayKey(day)
	return db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bCompPlan).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			var c bot.Company
			if err := get(tx, bCompanies, btoi(k[8:]), &c); err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
}
