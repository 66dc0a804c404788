package storage_test

import (
	"context"
	"path/filepath"
	"testing"

	"kontaktbot/bot"
)

// BenchmarkAuditedUpdate is one consultant update, with and without its
// audit entry in the same transaction, on a trail of 10,000 entries; with
// fsync as in production, and without (the CPU and page work alone).
func BenchmarkAuditedUpdate(b *testing.B) {
	for _, sync := range []bool{true, false} {
		for _, audited := range []bool{true, false} {
			name := map[bool]string{true: "fsync", false: "nosync"}[sync] + "/" + map[bool]string{true: "audited", false: "unaudited"}[audited]
			b.Run(name, func(b *testing.B) {
				opt := options()
				opt.NoSync = !sync
				db := mustOpenWith(b, filepath.Join(b.TempDir(), "a.db"), opt)
				ctx := context.Background()
				c := mustConsultant(b, db, "Hanne Jensen")
				for range 100 {
					es := make([]bot.AuditEntry, 100)
					for i := range es {
						es[i] = bot.AuditEntry{Actor: "Anne", Action: bot.AuditReadNotes, Subject: "L-tek #1", Detail: "card"}
					}
					if _, err := db.UpdateConsultant(ctx, c.ID, func(*bot.Consultant) error { return nil }, es...); err != nil {
						b.Fatal(err)
					}
				}
				roles := []bot.Role{bot.RoleLead, bot.RoleConsultant}
				i := 0
				for b.Loop() {
					role := roles[i%2]
					i++
					var es []bot.AuditEntry
					if audited {
						es = []bot.AuditEntry{{Actor: "Anne", Action: bot.AuditRole, PersonID: c.ID, Subject: c.Name, Detail: "-> " + string(role)}}
					}
					if _, err := db.UpdateConsultant(ctx, c.ID, func(x *bot.Consultant) error { x.Role = role; return nil }, es...); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
