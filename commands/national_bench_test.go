package commands_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// The national fixture: a portfolio the size of Denmark's jobcenters put
// together when run with -national.companies=250000
// -national.consultants=5000 (1,000,000 contacts at the default four a
// company), small by default so that CI runs every benchmark once.
var (
	nationalCompanies = flag.Int("national.companies", 5000, "companies in BenchmarkNational's fixture (250000: Denmark)")
	nationalPeople    = flag.Int("national.consultants", 100, "consultants in BenchmarkNational's fixture (5000: Denmark)")
	nationalContacts  = flag.Int("national.contacts", 4, "contacts a company in BenchmarkNational's fixture, the imported last contact included")
	nationalFile      = flag.String("national.file", "", "keep BenchmarkNational's fixture in this file, and use it as it is if it is there")
)

// national is the fixture file, built once per run of the test binary
// through the real import path and removed by TestMain.
var national struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if national.dir != "" {
		os.RemoveAll(national.dir)
	}
	os.Exit(code)
}

// nationalFixture returns the fixture's path, building it on first use:
// Hanne (admin) writes first; the CSV of benchCSV is imported with
// --create-people; then each company gets its further contacts, spread
// over the past years, as a CRM history import would bring them.
func nationalFixture(b *testing.B) string {
	national.once.Do(func() { national.err = buildNational() })
	if national.err != nil {
		b.Fatal(national.err)
	}
	return national.path
}

func buildNational() error {
	if national.path = *nationalFile; national.path != "" {
		if _, err := os.Stat(national.path); err == nil {
			return nil
		}
	} else {
		dir, err := os.MkdirTemp("", "kontaktbot-national-")
		if err != nil {
			return err
		}
		national.dir, national.path = dir, filepath.Join(dir, "national.db")
	}
	clk := &clock{now: sunday}
	db, err := storage.Open(national.path, storage.Options{Timeout: time.Second, Clock: clk})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	svc := commands.New(db, commands.Config{Clock: clk})
	if m := svc.Handle(ctx, bot.Request{From: bot.Identity{Platform: "console", User: "hanne"}, Name: "Hanne", Text: "mine"}); m.Error {
		return fmt.Errorf("hanne: %s", m.PlainText())
	}
	n := *nationalCompanies
	if _, err := svc.ImportCompanies(t0, bytes.NewReader(benchCSV(n, *nationalPeople)), commands.ImportOptions{CreatePeople: true}); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	var batch []bot.Contact
	err = db.ForEachCompany(ctx, func(c bot.Company) error {
		for k := 1; k < *nationalContacts; k++ {
			batch = append(batch, bot.Contact{CompanyID: c.ID, ConsultantID: c.OwnerID, Kind: bot.KindVisit,
				At: c.LastContact.AddDate(0, -4*k, 0), Note: "mødte Lars om to svejsere og en lærling"})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := 0; i < len(batch); i += 100_000 {
		if err := db.ImportContacts(ctx, batch[i:min(i+100_000, len(batch))]); err != nil {
			return fmt.Errorf("contacts: %w", err)
		}
	}
	return nil
}

// openNational opens the fixture with a Service over it, closed when b ends.
func openNational(b *testing.B) (*storage.DB, *commands.Service) {
	path := nationalFixture(b)
	db, err := storage.Open(path, storage.Options{Timeout: 5 * time.Second, Clock: &clock{now: sunday}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, commands.New(db, commands.Config{Clock: &clock{now: sunday}})
}

// BenchmarkNational measures, on the national fixture, what a consultant
// and an operator wait for: opening the file (the bulk of serve's start),
// a team's coverage over the whole portfolio, one consultant's portfolio,
// a company card and a logged visit; and reports the file's size against
// the bytes of the records it holds.
func BenchmarkNational(b *testing.B) {
	b.Run("open", func(b *testing.B) {
		path := nationalFixture(b)
		for b.Loop() {
			db, err := storage.Open(path, storage.Options{Timeout: 5 * time.Second})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse), "heap-B")
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("file", func(b *testing.B) {
		path := nationalFixture(b)
		var file, records, companies int64
		for b.Loop() {
			file, records, companies = fileFigures(b, path)
		}
		b.ReportMetric(float64(file), "file-B")
		b.ReportMetric(float64(records), "records-B")
		b.ReportMetric(float64(file)/float64(records), "file/records")
		b.ReportMetric(float64(file)/float64(*nationalCompanies), "file-B/company")
		b.ReportMetric(float64(companies), "companies+contacts-B")
	})
	consultant := benchOwner(0)
	company := func(i int) string {
		return strings.TrimSpace(fmt.Sprintf("%s %s %d %s", benchFirst[i%len(benchFirst)], benchTrade[(i/len(benchFirst))%len(benchTrade)], i, benchForm[i%len(benchForm)]))
	}
	for _, tc := range []struct {
		name, who string
		line      func(i int) string
		want      string
	}{
		{"dækning-team", "Hanne", func(int) string { return "dækning team" }, "i løbende kontakt"},
		{"dækning", consultant, func(int) string { return "dækning" }, "i løbende kontakt"},
		{"mine", consultant, func(int) string { return "mine" }, "Dine virksomheder"},
		{"company", consultant, func(i int) string { return "virksomhed " + company(i*7919%*nationalCompanies) }, "Konsulent"},
		{"visit", consultant, func(i int) string {
			return "besøg " + company(i*7919%*nationalCompanies) + " mødte Lars om to svejsere"
		}, ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			_, svc := openNational(b)
			say := func(text string) bot.Message {
				return svc.Handle(context.Background(), bot.Request{From: bot.Identity{Platform: "console", User: bot.NormalizeName(tc.who)}, Name: tc.who, Text: text})
			}
			say("hjælp") // the first line links the imported consultant to their console identity
			i := 0
			for b.Loop() {
				i++
				if m := say(tc.line(i)); m.Error || !strings.Contains(m.PlainText(), tc.want) {
					b.Fatalf("%s: %s", tc.line(i), m.PlainText())
				}
			}
		})
	}
}

// fileFigures returns the size of the file at path, the bytes of every key
// and value it holds in every bucket (the records themselves, indexes
// included), and those of the companies bucket alone (companies and their
// contacts).
func fileFigures(b *testing.B, path string) (file, records, companies int64) {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			return bk.ForEach(func(k, v []byte) error {
				n := int64(len(k) + len(v))
				records += n
				if string(name) == "companies" {
					companies += n
				}
				return nil
			})
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return st.Size(), records, companies
}
