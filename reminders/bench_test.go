package reminders_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
	"kontaktbot/reminders"
	"kontaktbot/storage"
	"kontaktbot/storage/storagetest"
)

// benchMonday is a working Monday; Tuesday and Wednesday follow.
var benchMonday = time.Date(2027, 1, 4, 7, 0, 0, 0, bot.Copenhagen)

type nopNotifier struct{}

func (nopNotifier) SendToPerson(context.Context, bot.Consultant, bot.Message) (bot.Receipt, error) {
	return bot.Receipt{MessageID: "x"}, nil
}

func (nopNotifier) PostToChannel(context.Context, bot.Channel, bot.Message) (bot.Receipt, error) {
	return bot.Receipt{MessageID: "x"}, nil
}

func (nopNotifier) UpdateMessage(_ context.Context, r bot.Receipt, _ bot.Message) (bot.Receipt, error) {
	return r, nil
}

// fillSweep builds the portfolio the sweep target is set for: companies
// with a 30-day cadence spread over consultants, and contacts so that the
// companies' nudge days fall 1% on Monday, 4% on Tuesday and 15% on
// Wednesday (1%, 5% and 20% due on those days), the rest 60 to 119 days
// later. Every company gets contacts/companies contacts, the newest last.
func fillSweep(tb testing.TB, path string, companies, consultants, contacts int) {
	tb.Helper()
	ctx := context.Background()
	clk := bot.ClockFunc(func() time.Time { return benchMonday })
	db, err := storage.Open(path, storage.Options{Clock: clk, NoSync: true, Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	jc, err := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Odense"})
	if err != nil {
		tb.Fatal(err)
	}
	owners := make([]uint64, consultants)
	for i := range owners {
		role := bot.RoleConsultant
		if i == 0 {
			role = bot.RoleLead
		}
		c, err := db.CreateConsultant(ctx, bot.Consultant{Name: fmt.Sprintf("Konsulent %d", i), JobcenterID: jc.ID, Role: role, Lang: bot.Danish})
		if err != nil {
			tb.Fatal(err)
		}
		owners[i] = c.ID
	}
	cs := storagetest.Portfolio(companies, 3, benchMonday, owners)
	for i := range cs {
		cs[i].CadenceDays, cs[i].LastContact = 30, time.Time{}
	}
	if err := db.ImportCompanies(ctx, cs); err != nil {
		tb.Fatal(err)
	}
	per := contacts / companies
	var batch []bot.Contact
	for i := range companies {
		u := i * 100 / companies // 0..99
		offset := 60 + u         // most are due in two to four months
		switch {
		case u < 1:
			offset = 0
		case u < 5:
			offset = 1
		case u < 20:
			offset = 2
		}
		last := bot.AddDays(benchMonday, offset-30).Add(10 * time.Hour)
		for k := range per {
			batch = append(batch, bot.Contact{CompanyID: uint64(i + 1), ConsultantID: owners[i%len(owners)],
				At: last.AddDate(0, 0, -30*(per-1-k)), Kind: bot.KindVisit, Note: "mødte Lars om to svejsere"})
		}
		if len(batch) >= 50_000 || i == companies-1 {
			if err := db.ImportContacts(ctx, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

// BenchmarkSweep plans the morning nudges over 250,000 companies, 5,000
// consultants and 2,000,000 contacts at 1%, 5% and 20% due (target: under
// 50 ms at 5%), side by side with a bare bbolt cursor scan over every
// company record (no decoding) and with a full decode of every company.
// Without -short only: building the file takes a while.
func BenchmarkSweep(b *testing.B) {
	companies, consultants, contacts := 250_000, 5_000, 2_000_000
	if testing.Short() {
		companies, consultants, contacts = 5_000, 100, 20_000
	}
	path := filepath.Join(b.TempDir(), "sweep.db")
	fillSweep(b, path, companies, consultants, contacts)
	ctx := context.Background()
	db, err := storage.Open(path, storage.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	sw := reminders.NewSweeper(reminders.Config{Portfolio: db, People: db, Outbox: db, Notifier: nopNotifier{}})
	for i, pct := range []string{"1pct", "5pct", "20pct"} {
		day := bot.AddDays(benchMonday, i).Add(time.Hour)
		b.Run("plan/"+pct, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				ds, err := sw.Plan(ctx, bot.JobNudge, day)
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for _, d := range ds {
					n += len(d.Items)
				}
			}
			b.ReportMetric(float64(n), "due")
		})
	}
	b.Run("plan+store/5pct", func(b *testing.B) {
		b.ReportAllocs()
		day := bot.AddDays(benchMonday, 1).Add(time.Hour)
		week := 0
		for b.Loop() {
			ds, err := sw.Plan(ctx, bot.JobNudge, day)
			if err != nil {
				b.Fatal(err)
			}
			// A new day each time, so that each stores (the plan mark
			// would make a second store of one day a no-op).
			week++
			if _, err := db.PlanDeliveries(ctx, bot.JobNudge, bot.AddDays(day, 7*week), ds); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode-all-companies", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			if err := db.ForEachCompany(ctx, func(bot.Company) error { n++; return nil }); err != nil || n != companies {
				b.Fatal(n, err)
			}
		}
	})
	db.Close()
	b.Run("bare-cursor-scan", func(b *testing.B) {
		b.ReportAllocs()
		bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer bdb.Close()
		for b.Loop() {
			n := 0
			bdb.View(func(tx *bolt.Tx) error {
				cur := tx.Bucket([]byte("companies")).Cursor()
				for k, v := cur.First(); k != nil; k, v = cur.Next() {
					if len(k) == 8 && len(v) > 0 {
						n++
					}
				}
				return nil
			})
			if n != companies {
				b.Fatal(n)
			}
		}
	})
}
