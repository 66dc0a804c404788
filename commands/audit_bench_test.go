package commands_test

import (
	"context"
	"flag"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// unaudited is the store with the audit entries of role changes dropped:
// the same command, unaudited, for BenchmarkRole to compare with.
type unaudited struct{ *storage.DB }

func (u unaudited) UpdateConsultant(ctx context.Context, id uint64, fn func(*bot.Consultant) error, _ ...bot.AuditEntry) (bot.Consultant, error) {
	return u.DB.UpdateConsultant(ctx, id, fn)
}

// BenchmarkRole runs »rolle« end to end, audited as shipped and with the
// entry dropped, each on a file of its own with 10,000 entries in its
// trail already, among 2 people (the consultants bucket then lies inline
// in the root page, so the change itself writes almost no page of its
// own: the worst case for the ratio) and among 1,000. The entry goes in
// the change's own transaction, so it costs one more Put and the pages
// of the audit bucket it dirties (its last leaf and the branch above),
// not one more fsync: target under 1.2x.
func BenchmarkRole(b *testing.B) {
	for _, variant := range []string{"people=2/audited", "people=2/unaudited", "people=1000/audited", "people=1000/unaudited"} {
		b.Run(variant, func(b *testing.B) {
			people, _ := strings.CutSuffix(strings.TrimPrefix(variant, "people="), "/audited")
			people, unaud := strings.CutSuffix(people, "/unaudited")
			say := roleBench(b, atoi(b, people), !unaud)
			roles := []string{"rolle Hanne leder", "rolle Hanne konsulent"}
			i := 0
			for b.Loop() {
				if m := say(roles[i%2]); m.Error {
					b.Fatal(m.PlainText())
				}
				i++
			}
		})
	}
}

// roleNoSync runs BenchmarkRole and BenchmarkRoleRatio without fsync: the
// CPU's share of what the audit entry costs.
var roleNoSync = flag.Bool("role.nosync", false, "BenchmarkRole and BenchmarkRoleRatio without fsync")

// BenchmarkRoleRatio runs the audited and the unaudited »rolle« in turns,
// each on its own file, and reports the ratio of their medians: what
// slows the machine meanwhile (another process, the disk's own moods)
// then slows both alike, where BenchmarkRole's separate runs each see a
// different moment.
func BenchmarkRoleRatio(b *testing.B) {
	for _, people := range []int{2, 1000} {
		b.Run("people="+strconv.Itoa(people), func(b *testing.B) {
			audited, plain := roleBench(b, people, true), roleBench(b, people, false)
			roles := []string{"rolle Hanne leder", "rolle Hanne konsulent"}
			var ta, tp []time.Duration
			i := 0
			timed := func(say func(string) bot.Message, text string) time.Duration {
				start := time.Now()
				if m := say(text); m.Error {
					b.Fatal(m.PlainText())
				}
				return time.Since(start)
			}
			for b.Loop() {
				text := roles[i%2]
				if i%4 < 2 {
					ta = append(ta, timed(audited, text))
					tp = append(tp, timed(plain, text))
				} else {
					tp = append(tp, timed(plain, text))
					ta = append(ta, timed(audited, text))
				}
				i++
			}
			b.StopTimer()
			ma, mp := median(ta), median(tp)
			b.ReportMetric(float64(ma.Microseconds()), "audited-µs")
			b.ReportMetric(float64(mp.Microseconds()), "unaudited-µs")
			b.ReportMetric(float64(ma)/float64(max(mp, 1)), "ratio")
		})
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func atoi(tb testing.TB, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// roleBench is a file of its own with Anne (admin) and Hanne among people
// consultants in all and 10,000 entries in its trail, and a function that
// has Anne say a text; with audited false the role changes' entries are
// dropped.
func roleBench(b *testing.B, people int, audited bool) func(text string) bot.Message {
	path := filepath.Join(b.TempDir(), "k.db")
	clk := &clock{now: sunday}
	db, err := storage.Open(path, storage.Options{Timeout: time.Second, Clock: clk, NoSync: *roleNoSync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	var store commands.Store = db
	if !audited {
		store = unaudited{db}
	}
	svc := commands.New(store, commands.Config{Clock: clk})
	say := func(who, text string) bot.Message {
		return svc.Handle(context.Background(), bot.Request{From: bot.Identity{Platform: "console", User: bot.NormalizeName(who)}, Name: who, Text: text})
	}
	say("Anne", "hjælp")
	say("Hanne", "hjælp")
	for i := range people - 2 {
		if _, err := db.CreateConsultant(context.Background(), bot.Consultant{Name: "Konsulent " + strconv.Itoa(i), JobcenterID: 1}); err != nil {
			b.Fatal(err)
		}
	}
	for range 10000 / 100 {
		es := make([]bot.AuditEntry, 100)
		for i := range es {
			es[i] = bot.AuditEntry{Actor: "Anne", Action: bot.AuditReadNotes, Subject: "L-tek #1", Detail: "card"}
		}
		if _, err := db.UpdateConsultant(context.Background(), 1, func(*bot.Consultant) error { return nil }, es...); err != nil {
			b.Fatal(err)
		}
	}
	return func(text string) bot.Message { return say("Anne", text) }
}
