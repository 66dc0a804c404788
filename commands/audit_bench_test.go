package commands_test

import (
	"context"
	"path/filepath"
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
			path := filepath.Join(b.TempDir(), "k.db")
			clk := &clock{now: sunday}
			db, err := storage.Open(path, storage.Options{Timeout: time.Second, Clock: clk})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			var store commands.Store = db
			if strings.HasSuffix(variant, "/unaudited") {
				store = unaudited{db}
			}
			svc := commands.New(store, commands.Config{Clock: clk})
			say := func(who, text string) bot.Message {
				return svc.Handle(context.Background(), bot.Request{From: bot.Identity{Platform: "console", User: bot.NormalizeName(who)}, Name: who, Text: text})
			}
			say("Anne", "hjælp")
			say("Hanne", "hjælp")
			if strings.HasPrefix(variant, "people=1000/") {
				for i := range 998 {
					if _, err := db.CreateConsultant(context.Background(), bot.Consultant{Name: "Konsulent " + strconv.Itoa(i), JobcenterID: 1}); err != nil {
						b.Fatal(err)
					}
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
			roles := []string{"rolle Hanne leder", "rolle Hanne konsulent"}
			i := 0
			for b.Loop() {
				if m := say("Anne", roles[i%2]); m.Error {
					b.Fatal(m.PlainText())
				}
				i++
			}
		})
	}
}
