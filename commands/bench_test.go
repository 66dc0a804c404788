package commands_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
	"kontaktbot/storage/storagetest"
)

// portfolio gives Hanne (an admin, the first to write) n companies.
func portfolio(tb testing.TB, b *testBot, n int) []bot.Company {
	tb.Helper()
	b.ok("Hanne", "mine")
	hanne, err := b.db.ConsultantByName(context.Background(), "Hanne")
	if err != nil {
		tb.Fatal(err)
	}
	cs := storagetest.Portfolio(n, 7, b.clock.Now(), []uint64{hanne.ID})
	if err := b.db.ImportCompanies(context.Background(), cs); err != nil {
		tb.Fatal(err)
	}
	return cs
}

// BenchmarkVisit logs a visit end to end: the line is parsed, the person
// and the company looked up, the contact committed (fsync'd) and the reply
// built. Its sub-benchmarks measure, side by side on the same disk, bare
// bbolt Updates writing the same bytes: "same-layout" puts the very keys
// and values a visit commits into the same buckets of a file of the same
// size (the floor for this data layout), "one-bucket" puts the contact and
// company records alone into a fresh file (the floor for any layout).
func BenchmarkVisit(b *testing.B) {
	tb := newBot(b)
	cs := portfolio(b, tb, 1000)
	b.Run("visit", func(b *testing.B) {
		i := 0
		for b.Loop() {
			tb.clock.Add(time.Second)
			name := cs[(i*37)%len(cs)].Name
			i++
			if m := tb.say("Hanne", "visit "+name+" mødte Lars om to svejsere"); m.Error {
				b.Fatal(m.PlainText())
			}
		}
	})
	ctx := context.Background()
	co := tb.company(cs[0].Name)
	contacts, err := tb.db.Contacts(ctx, co.ID, 1)
	if err != nil || len(contacts) == 0 {
		b.Fatalf("no contact stored: %v", err)
	}
	contact, _ := json.Marshal(struct {
		bot.Contact
		Prev struct{} `json:"prev"`
	}{Contact: contacts[0]})
	company, _ := json.Marshal(co)
	b.Run("same-layout", func(b *testing.B) { bareUpdate(b, 1000, contact, company, true) })
	b.Run("one-bucket", func(b *testing.B) { bareUpdate(b, 0, contact, company, false) })
}

// bareUpdate commits, per iteration, one fsync'd bbolt Update writing the
// contact and company values. With layout it also writes the undo and
// nudge index entries a visit writes, into the buckets and key shapes
// storage uses, in a file prefilled with companies records.
func bareUpdate(b *testing.B, companies int, contact, company []byte, layout bool) {
	bdb, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer bdb.Close()
	nudgeDay := map[uint64]string{} // each company's entry in the nudge index, as storage keeps it
	summary := make([]byte, 90)     // about the size of a nudge summary
	key := func(parts ...uint64) []byte {
		k := make([]byte, 0, 8*len(parts))
		for _, p := range parts {
			k = binary.BigEndian.AppendUint64(k, p)
		}
		return k
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"companies", "undo", "company_nudge"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		for i := range companies {
			if err := tx.Bucket([]byte("companies")).Put(key(uint64(i+1)), company); err != nil {
				return err
			}
			nudgeDay[uint64(i+1)] = fmt.Sprintf("202611%02d", 1+i%28)
			if err := tx.Bucket([]byte("company_nudge")).Put(append([]byte(nudgeDay[uint64(i+1)]), key(uint64(i+1))...), summary); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	i := uint64(0)
	for b.Loop() {
		i++
		id := 1 + (i*37)%uint64(max(companies, 1))
		err := bdb.Update(func(tx *bolt.Tx) error {
			cb := tx.Bucket([]byte("companies"))
			if err := cb.Put(key(id, ^i, i), contact); err != nil {
				return err
			}
			if err := cb.Put(key(id), company); err != nil {
				return err
			}
			if !layout {
				return nil
			}
			if err := tx.Bucket([]byte("undo")).Put(key(1, i, i), key(id, ^i, i)); err != nil {
				return err
			}
			// The visit moves the company's nudge entry from its old day to
			// the new due day, as storage does.
			nudge := tx.Bucket([]byte("company_nudge"))
			if err := nudge.Delete(append([]byte(nudgeDay[id]), key(id)...)); err != nil {
				return err
			}
			nudgeDay[id] = fmt.Sprintf("2027%04d", i%1200)
			return nudge.Put(append([]byte(nudgeDay[id]), key(id)...), summary)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMine1000 answers "mine" for a consultant with 1,000 companies.
func BenchmarkMine1000(b *testing.B) {
	tb := newBot(b)
	portfolio(b, tb, 1000)
	for b.Loop() {
		if m := tb.say("Hanne", "mine"); m.Error || !strings.Contains(m.PlainText(), "1000") {
			b.Fatal(m.PlainText())
		}
	}
}

// BenchmarkCompanyTypo250k asks for a company card with a mistyped name
// in a portfolio of 250,000 companies: exact and prefix lookups miss and
// the fuzzy suggestions answer "did you mean". Target: under 5 ms.
func BenchmarkCompanyTypo250k(b *testing.B) {
	if testing.Short() {
		b.Skip("fills 250,000 companies; run without -short")
	}
	tb := newBot(b)
	cs := portfolio(b, tb, 250_000)
	i := 0
	for b.Loop() {
		name := []rune(cs[(i*7919)%len(cs)].Name)
		i++
		typo := string(name[:3]) + string(name[4:]) // one letter dropped
		if m := tb.say("Hanne", "company "+typo); !m.Error && !strings.Contains(m.PlainText(), "CVR") {
			b.Fatal(m.PlainText())
		}
	}
}
