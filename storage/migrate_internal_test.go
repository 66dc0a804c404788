package storage

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// summarizeV1 is the nudge summary schema 1 wrote: no status, area, CVR
// or aliases.
func summarizeV1(c *bot.Company) []byte {
	b := []byte{1}
	b = binary.AppendUvarint(b, c.OwnerID)
	b = binary.AppendUvarint(b, uint64(max(c.CadenceDays, 0)))
	b = appendString(b, string(c.Tier))
	for _, t := range []time.Time{c.LastContact, c.OwnerSince, c.Created, c.PlannedNext, c.SnoozedUntil} {
		b = appendTime(b, t)
	}
	b = binary.AppendUvarint(b, uint64(max(c.SnoozeCount, 0)))
	b = appendString(b, string(c.LastKind))
	b = binary.AppendUvarint(b, c.LastBy)
	return appendString(b, c.Name)
}

// TestMigrateSchema1 opens a file laid out as schema 1 wrote it (owner
// index entries without values, version 1 nudge summaries) and finds it
// brought to schema 2: the same entries as a file written by schema 2,
// and lists, nudges and lookups answering the same.
func TestMigrateSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	opts := Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return bulkNow })}
	db, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	anne, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Anne Ærbø", Role: bot.RoleConsultant})
	if err != nil {
		t.Fatal(err)
	}
	day := func(n int) time.Time { return bot.AddDays(bot.Day(bulkNow), n) }
	for i := range 60 {
		c := bot.Company{Name: fmt.Sprintf("Østergårds Tømrer %d", i), CadenceDays: 30 + i%4, Area: "Vollsmose",
			Aliases: []string{fmt.Sprintf("ØT%d", i)}, CVR: fmt.Sprintf("%08d", 31000000+i), LastContact: day(-i)}
		if i%3 != 0 {
			c.OwnerID = anne.ID
		}
		switch i % 5 {
		case 1:
			c.Status = bot.StatusPaused
		case 2:
			c.PlannedNext = day(i % 9)
		case 3:
			c.SnoozedUntil = day(i % 11)
		}
		if _, err := db.CreateCompany(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	want := dump(t, db, true)
	owned, err := db.CompaniesOwnedBy(ctx, anne.ID)
	if err != nil || len(owned) != 40 {
		t.Fatalf("CompaniesOwnedBy = %d companies, %v; want 40", len(owned), err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Back to schema 1's layout.
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bCompOwner).ForEach(func(k, _ []byte) error {
			return tx.Bucket(bCompOwner).Put(k, nil)
		}); err != nil {
			return err
		}
		if err := tx.Bucket(bCompNudge).ForEach(func(k, _ []byte) error {
			var c bot.Company
			if err := get(tx, bCompanies, btoi(k[8:]), &c); err != nil {
				return err
			}
			return tx.Bucket(bCompNudge).Put(k, summarizeV1(&c))
		}); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keySchema, []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}

	// A read-only open refuses the old file rather than reading it wrong.
	ro := opts
	ro.ReadOnly = true
	if db, err := Open(path, ro); err == nil {
		db.Close()
		t.Fatal("a read-only Open read a schema 1 file")
	}

	db, err = Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sameDump(t, "migrated file", dump(t, db, true), want)
	again, err := db.CompaniesOwnedBy(ctx, anne.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again) != fmt.Sprint(owned) {
		t.Errorf("after migration CompaniesOwnedBy =\n%v\nwant\n%v", again, owned)
	}
}
