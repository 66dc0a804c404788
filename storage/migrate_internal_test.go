package storage

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
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

// summarizeV2 is the summary schema 2 wrote: no address.
func summarizeV2(c *bot.Company) []byte {
	c2 := *c
	c2.Street, c2.Postcode, c2.Town = "", "", ""
	b := summarize(&c2)
	b[0] = 2
	return b[:len(b)-3] // the three empty address strings
}

// migrationFixture writes a file as this schema does, and returns its
// path, options, entries and one consultant's list.
func migrationFixture(t *testing.T) (path string, opts Options, want map[string]string, anne bot.Consultant, owned []bot.Company) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "old.db")
	opts = Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return bulkNow })}
	db, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	anne, err = db.CreateConsultant(ctx, bot.Consultant{Name: "Anne Ærbø", Role: bot.RoleConsultant})
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
	want = dump(t, db, true)
	owned, err = db.CompaniesOwnedBy(ctx, anne.ID)
	if err != nil || len(owned) != 40 {
		t.Fatalf("CompaniesOwnedBy = %d companies, %v; want 40", len(owned), err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path, opts, want, anne, owned
}

// TestMigrateSchema1 opens a file laid out as schema 1 wrote it (owner
// index entries without values, version 1 nudge summaries, no near index)
// and finds it brought to this schema: the same entries as a file written
// by it, and lists, nudges and lookups answering the same.
func TestMigrateSchema1(t *testing.T) {
	path, opts, want, anne, owned := migrationFixture(t)
	ctx := t.Context()

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
		if err := tx.DeleteBucket(bCompNear); err != nil {
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

	db, err := Open(path, opts)
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

// TestMigrateSchema2 opens a file laid out as schema 2 wrote it (version 2
// summaries, no near index) and finds the near index built, the version 2
// summaries read as companies without an address, and an address set
// afterwards found near.
func TestMigrateSchema2(t *testing.T) {
	path, opts, want, anne, owned := migrationFixture(t)
	ctx := t.Context()
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bCompOwner, bCompNudge} {
			bk := tx.Bucket(b)
			if err := bk.ForEach(func(k, _ []byte) error {
				var c bot.Company
				if err := get(tx, bCompanies, btoi(k[8:]), &c); err != nil {
					return err
				}
				return bk.Put(k, summarizeV2(&c))
			}); err != nil {
				return err
			}
		}
		if err := tx.DeleteBucket(bCompNear); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keySchema, []byte("2"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := dump(t, db, true)
	for k, v := range want {
		if strings.HasPrefix(k, string(bCompOwner)+" ") || strings.HasPrefix(k, string(bCompNudge)+" ") {
			got[k] = v // still version 2, compared through the lists below
		}
	}
	sameDump(t, "migrated file", got, want)
	again, err := db.CompaniesOwnedBy(ctx, anne.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again) != fmt.Sprint(owned) {
		t.Errorf("after migration CompaniesOwnedBy =\n%v\nwant\n%v", again, owned)
	}
	near, nudged := 0, 0
	for k := range want {
		switch {
		case strings.HasSuffix(k, " sequence"):
		case strings.HasPrefix(k, string(bCompNear)+" "):
			near++
		case strings.HasPrefix(k, string(bCompNudge)+" "):
			nudged++
		}
	}
	if near != nudged || near == 0 {
		t.Errorf("near index has %d entries, want %d (one area each of the nudged companies)", near, nudged)
	}
	// An address set on a migrated company is written as version 3.
	c, err := db.UpdateCompany(ctx, owned[0].ID, func(c *bot.Company) error {
		c.Street, c.Postcode, c.Town = "Havnegade 3", "5000", "Odense C"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err = db.CompaniesOwnedBy(ctx, anne.ID)
	if err != nil || again[0].Postcode != "5000" || again[0].Town != c.Town || again[0].Street != c.Street {
		t.Errorf("after setting an address the list has %+v, %v", again[0], err)
	}
}
