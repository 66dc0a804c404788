package storage_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
	"kontaktbot/storage"
	"kontaktbot/storage/storagetest"
)

var benchNow = time.Date(2026, 11, 23, 9, 0, 0, 0, bot.Copenhagen)

// fill stores n generated companies owned round-robin by owners new
// consultants, in one import.
func fill(tb testing.TB, db *storage.DB, n, owners int) []bot.Company {
	tb.Helper()
	ctx := context.Background()
	var ids []uint64
	for i := range owners {
		c, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Konsulent " + itoa(i), JobcenterID: 1, Role: bot.RoleConsultant})
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	cs := storagetest.Portfolio(n, 1, benchNow, ids)
	if err := db.ImportCompanies(ctx, cs); err != nil {
		tb.Fatal(err)
	}
	return cs
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// typo drops one letter from the middle of the first word of name and
// leaves out the company form, as people type.
func typo(name string) string {
	w := strings.Fields(name)
	first := []rune(w[0])
	if len(first) > 4 {
		first = append(first[:len(first)/2:len(first)/2], first[len(first)/2+1:]...)
	}
	out := string(first) + " " + w[1]
	if len(w) > 2 {
		out += " " + w[2]
	}
	return out
}

// BenchmarkPortfolio250k measures lookups in a portfolio of 250,000
// companies: fuzzy suggestions for a mistyped name (target under 5 ms),
// and the exact and word-prefix lookup every command does first.
func BenchmarkPortfolio250k(b *testing.B) {
	if testing.Short() {
		b.Skip("fills 250,000 companies; run without -short")
	}
	db := storagetest.MustOpen(b, bot.ClockFunc(func() time.Time { return benchNow }))
	cs := fill(b, db, 250_000, 250)
	ctx := context.Background()
	b.Run("suggest", func(b *testing.B) {
		i, found := 0, 0
		for b.Loop() {
			c := cs[(i*7919)%len(cs)]
			i++
			got, err := db.SuggestCompanies(ctx, typo(c.Name), 5)
			if err != nil {
				b.Fatal(err)
			}
			for _, g := range got {
				if g.Name == c.Name {
					found++
				}
			}
		}
		// The share of mistyped names whose company is among the five
		// suggestions: speed is worth nothing without it.
		b.ReportMetric(float64(found)/float64(i), "found/op")
	})
	b.Run("find", func(b *testing.B) {
		i := 0
		for b.Loop() {
			c := cs[(i*7919)%len(cs)]
			i++
			exact, _, err := db.FindCompanies(ctx, bot.NormalizeName(c.Name), 5)
			if err != nil || exact == nil {
				b.Fatalf("%q: %v %v", c.Name, exact, err)
			}
		}
	})
	// The name typed without æ, ø and å, and its last two words alone:
	// the in-memory word index answers both.
	b.Run("find-loose", func(b *testing.B) {
		i, found := 0, 0
		for b.Loop() {
			c := cs[(i*7919)%len(cs)]
			i++
			vs := bot.NameVariants(bot.NormalizeName(c.Name))
			exact, partial, err := db.FindCompanies(ctx, vs[len(vs)-1], 6)
			if err != nil {
				b.Fatal(err)
			}
			if exact != nil && exact.Name == c.Name || slices.ContainsFunc(partial, func(p bot.Company) bool { return p.Name == c.Name }) {
				found++
			}
		}
		b.ReportMetric(float64(found)/float64(i), "found/op")
	})
	b.Run("find-tail", func(b *testing.B) {
		i := 0
		for b.Loop() {
			c := cs[(i*7919)%len(cs)]
			i++
			words := strings.Fields(bot.NormalizeName(c.Name))
			if _, _, err := db.FindCompanies(ctx, strings.Join(words[len(words)-2:], " "), 6); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCompaniesOwnedBy1000 reads one consultant's 1,000 companies
// out of 20,000 through the owner index.
func BenchmarkCompaniesOwnedBy1000(b *testing.B) {
	db := storagetest.MustOpen(b, bot.ClockFunc(func() time.Time { return benchNow }))
	fill(b, db, 20_000, 20)
	ctx := context.Background()
	for b.Loop() {
		cs, err := db.CompaniesOwnedBy(ctx, 1)
		if err != nil || len(cs) != 1000 {
			b.Fatalf("%d companies, %v", len(cs), err)
		}
	}
}

// BenchmarkNudgeDue compares the nudge index with a scan of every company
// for the morning sweep over 20,000 companies.
func BenchmarkNudgeDue(b *testing.B) {
	db := storagetest.MustOpen(b, bot.ClockFunc(func() time.Time { return benchNow }))
	fill(b, db, 20_000, 20)
	ctx := context.Background()
	for _, days := range []int{-60, -20, 0} {
		day := bot.AddDays(benchNow, days)
		n := 0
		db.NudgeDue(ctx, day, func(bot.Company) error { n++; return nil })
		share := itoa(n*100/20_000) + "pct"
		b.Run("index/"+share, func(b *testing.B) {
			for b.Loop() {
				if err := db.NudgeDue(ctx, day, func(bot.Company) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("scan/"+share, func(b *testing.B) {
			for b.Loop() {
				err := db.ForEachCompany(ctx, func(c bot.Company) error {
					c.Overdue(day)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddContact stores a contact through storage, side by side with
// a bare fsync'd bbolt Update writing the same bytes (the contact and the
// company record) into a file of the same size.
func BenchmarkAddContact(b *testing.B) {
	db := storagetest.MustOpen(b, bot.ClockFunc(func() time.Time { return benchNow }))
	cs := fill(b, db, 1000, 10)
	ctx := context.Background()
	co, err := db.CompanyByCVR(ctx, cs[500].CVR)
	if err != nil {
		b.Fatal(err)
	}
	ct := bot.Contact{CompanyID: co.ID, ConsultantID: co.OwnerID, At: benchNow, Kind: bot.KindVisit,
		Note: "mødte Lars om to svejsere og en lærling", Logged: benchNow}
	b.Run("storage", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.AddContact(ctx, ct); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		benchBareUpdate(b, ct, co)
	})
}

// benchBareUpdate is the floor a write cannot beat: one fsync'd bbolt
// Update putting the same JSON a contact writes.
func benchBareUpdate(b *testing.B, ct bot.Contact, co bot.Company) {
	bdb, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer bdb.Close()
	contact, _ := json.Marshal(ct)
	company, _ := json.Marshal(co)
	i := uint64(0)
	for b.Loop() {
		i++
		err := bdb.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("b"))
			if err != nil {
				return err
			}
			key := []byte(itoa(int(i)))
			if err := bk.Put(key, contact); err != nil {
				return err
			}
			return bk.Put([]byte("company"), company)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNearDue finds the three near companies due within a week of a
// visit among 20,000 (about 900 postcodes, 400 towns), and, as the worst
// case, when all 20,000 share one area: the index holds only nudged
// companies, keyed by nudge day, so only the ones due by then are read,
// and reading stops early once three of the visitor's own are found;
// "one-area-none-own" is a visitor who owns none, so every due entry of
// the area is read.
func BenchmarkNearDue(b *testing.B) {
	for _, tc := range []struct {
		name    string
		oneArea bool
		noneOwn bool
	}{{"postcodes", false, false}, {"one-area", true, false}, {"one-area-none-own", true, true}} {
		b.Run(tc.name, func(b *testing.B) {
			db := storagetest.MustOpen(b, bot.ClockFunc(func() time.Time { return benchNow }))
			ctx := context.Background()
			var ids []uint64
			for i := range 20 {
				c, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Konsulent " + itoa(i), JobcenterID: 1, Role: bot.RoleConsultant})
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			cs := storagetest.Portfolio(20_000, 1, benchNow, ids)
			if tc.oneArea {
				for i := range cs {
					cs[i].Area = "Odense"
				}
			}
			if err := db.ImportCompanies(ctx, cs); err != nil {
				b.Fatal(err)
			}
			// Half the consultants are the visitor's jobcenter.
			rank := func(owner uint64) int {
				switch {
				case owner == ids[0] && !tc.noneOwn:
					return 0
				case owner <= ids[9]:
					return 1
				}
				return -1
			}
			until := bot.AddDays(benchNow, 7)
			visited, err := db.Company(ctx, 1)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				c := visited
				if !tc.oneArea {
					c, err = db.Company(ctx, uint64(1+i*7919%20_000))
					if err != nil {
						b.Fatal(err)
					}
				}
				i++
				near, err := db.NearDue(ctx, c, until, rank, 3)
				if err != nil || (tc.oneArea && len(near) != 3) {
					b.Fatalf("%d near, %v", len(near), err)
				}
			}
		})
	}
}
