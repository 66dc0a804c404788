package storage

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// auditFile is a file with a consultant and n audited role changes, one
// a day from start, closed again.
func auditFile(t *testing.T, n int) (path string, start time.Time) {
	t.Helper()
	start = time.Date(2020, 1, 6, 9, 0, 0, 0, bot.Copenhagen)
	now := start
	path = filepath.Join(t.TempDir(), "audit.db")
	db, err := Open(path, Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Hanne Jensen", Role: bot.RoleConsultant})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		role := []bot.Role{bot.RoleLead, bot.RoleConsultant}[i%2]
		e := bot.AuditEntry{Actor: "Admin", Action: bot.AuditRole, PersonID: c.ID, Subject: c.Name, Detail: "-> " + string(role)}
		if _, err := db.UpdateConsultant(ctx, c.ID, func(x *bot.Consultant) error { x.Role = role; return nil }, e); err != nil {
			t.Fatal(err)
		}
		now = now.AddDate(0, 0, 1)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path, start
}

// rawEdit changes the file as someone with bbolt and write access to it
// could, around kontaktbot.
// fn gets the bucket that holds entry seq (audit, or audit_recent for
// the newest), or the audit bucket when none does.
func rawEdit(t *testing.T, path string, fn func(at func(seq uint64) *bolt.Bucket) error) {
	t.Helper()
	raw, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bolt.Tx) error {
		return fn(func(seq uint64) *bolt.Bucket {
			if r := tx.Bucket(bAuditRecent); r.Get(itob(seq)) != nil {
				return r
			}
			return tx.Bucket(bAudit)
		})
	}); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
}

func verifyFile(t *testing.T, path string) (int, error) {
	t.Helper()
	db, err := Open(path, Options{Timeout: time.Second, ReadOnly: true, Clock: bot.ClockFunc(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return db.VerifyAudit(context.Background())
}

func TestAuditChainVerifies(t *testing.T) {
	t.Parallel()
	path, _ := auditFile(t, 6)
	n, err := verifyFile(t, path)
	if err != nil || n != 6 {
		t.Fatalf("VerifyAudit = %d, %v; want 6 entries, nil", n, err)
	}
}

func TestAuditChainCatchesTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(at func(uint64) *bolt.Bucket) error
		want string
	}{
		{"changed in the middle", func(at func(uint64) *bolt.Bucket) error {
			v := strings.Replace(string(at(3).Get(itob(3))), "Admin", "Someone", 1)
			return at(3).Put(itob(3), []byte(v))
		}, "entry 4 or the one before it was changed"},
		{"removed in the middle", func(at func(uint64) *bolt.Bucket) error { return at(3).Delete(itob(3)) }, "entries 3 to 3 are missing"},
		{"changed last", func(at func(uint64) *bolt.Bucket) error {
			v := strings.Replace(string(at(7).Get(itob(7))), "Admin", "Someone", 1)
			return at(7).Put(itob(7), []byte(v))
		}, "newest entry (7) was changed"},
		{"removed last", func(at func(uint64) *bolt.Bucket) error { return at(7).Delete(itob(7)) }, "newest entries after 6"},
		{"changed, still among the newest", func(at func(uint64) *bolt.Bucket) error {
			v := strings.Replace(string(at(6).Get(itob(6))), "Admin", "Someone", 1)
			return at(6).Put(itob(6), []byte(v))
		}, "entry 7 or the one before it was changed"},
		{"removed first", func(at func(uint64) *bolt.Bucket) error { return at(1).Delete(itob(1)) }, "entry 2, the oldest"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, _ := auditFile(t, 7)
			rawEdit(t, path, tc.edit)
			_, err := verifyFile(t, path)
			if !errors.Is(err, ErrAuditBroken) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("VerifyAudit = %v; want ErrAuditBroken saying %q", err, tc.want)
			}
		})
	}
}

func TestPruneAuditKeepsTheChain(t *testing.T) {
	t.Parallel()
	path, start := auditFile(t, 6)
	db, err := Open(path, Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return start.AddDate(5, 0, 10) })})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n, err := db.PruneAudit(ctx, start.AddDate(0, 0, 3)) // days 0, 1, 2 go
	if err != nil || n != 3 {
		t.Fatalf("PruneAudit = %d, %v; want 3", n, err)
	}
	if n, err := db.PruneAudit(ctx, start.AddDate(0, 0, 3)); err != nil || n != 0 {
		t.Fatalf("PruneAudit again = %d, %v; want 0, nil", n, err)
	}
	page, total, err := db.AuditPage(ctx, bot.AuditFilter{}, 0, 10)
	if err != nil || total != 4 || page[0].Action != bot.AuditPrune || !strings.Contains(page[0].Detail, "3 entries") || page[3].Seq != 4 {
		t.Fatalf("after prune: %d entries, %+v, %v; want the 3 newest and a prune entry of 3", total, page, err)
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n != 4 {
		t.Fatalf("VerifyAudit after prune = %d, %v", n, err)
	}
	// Everything older than now goes (the 3 role changes left), not the
	// first prune's entry, made now: it is anchored to the last removed.
	if n, err := db.PruneAudit(ctx, start.AddDate(5, 0, 10)); err != nil || n != 3 {
		t.Fatalf("PruneAudit of all = %d, %v; want 3", n, err)
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n != 2 {
		t.Fatalf("VerifyAudit after pruning all = %d, %v", n, err)
	}
	if n, err := db.PruneAudit(ctx, start.AddDate(5, 0, 10)); err != nil || n != 0 {
		t.Fatalf("PruneAudit after pruning all = %d, %v; want 0", n, err)
	}
	db.Close()
	rawEdit(t, path, func(at func(uint64) *bolt.Bucket) error {
		v := strings.Replace(string(at(7).Get(itob(7))), "entries", "Entries", 1)
		return at(7).Put(itob(7), []byte(v))
	})
	if _, err := verifyFile(t, path); !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("VerifyAudit after changing the oldest kept = %v; want ErrAuditBroken", err)
	}
}

func TestAuditRollsBackWithItsChange(t *testing.T) {
	t.Parallel()
	path, _ := auditFile(t, 1)
	db, err := Open(path, Options{Timeout: time.Second, Clock: bot.ClockFunc(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	refused := errors.New("no")
	_, err = db.UpdateConsultant(ctx, 1, func(*bot.Consultant) error { return refused }, bot.AuditEntry{Action: bot.AuditRole})
	if !errors.Is(err, refused) {
		t.Fatal(err)
	}
	if _, total, _ := db.AuditPage(ctx, bot.AuditFilter{}, 0, 10); total != 1 {
		t.Fatalf("%d entries after a refused change; want the 1 before", total)
	}
}

func TestAuditHashIsKeyedAndKept(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "h.db")
	open := func() *DB {
		db, err := Open(path, Options{Timeout: time.Second, Clock: bot.ClockFunc(time.Now)})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	ctx := context.Background()
	a, err := db.AuditHash(ctx, "lars hansen")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.AuditHash(ctx, "lars hansen")
	c, _ := db.AuditHash(ctx, "lars hanse")
	db.Close()
	db = open()
	defer db.Close()
	d, _ := db.AuditHash(ctx, "lars hansen")
	if a != b || a != d || a == c || len(a) != 64 || strings.Contains(a, "lars") {
		t.Fatalf("hashes %q %q %q %q: want the same text to hash alike across opens, another not", a, b, d, c)
	}
	other := filepath.Join(t.TempDir(), "o.db")
	db2, err := Open(other, Options{Timeout: time.Second, Clock: bot.ClockFunc(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if e, _ := db2.AuditHash(ctx, "lars hansen"); e == a {
		t.Fatal("two files hash alike: the key is not random")
	}
}

func TestAuditPageFilters(t *testing.T) {
	t.Parallel()
	path, start := auditFile(t, 6)
	db, err := Open(path, Options{Timeout: time.Second, Clock: bot.ClockFunc(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Audit(ctx, bot.AuditEntry{At: start.AddDate(0, 0, 10), ActorID: 9, Actor: "Per", JobcenterID: 2, Action: bot.AuditExport}); err != nil {
		t.Fatal(err)
	}
	page, total, err := db.AuditPage(ctx, bot.AuditFilter{From: start.AddDate(0, 0, 1), To: start.AddDate(0, 0, 4)}, 1, 1)
	if err != nil || total != 3 || len(page) != 1 || page[0].Seq != 3 {
		t.Fatalf("days 1-3, second page of one: %+v of %d, %v; want entry 3 of 3", page, total, err)
	}
	if page, total, _ := db.AuditPage(ctx, bot.AuditFilter{PersonID: 9}, 0, 5); total != 1 || page[0].Action != bot.AuditExport {
		t.Fatalf("by person 9: %+v of %d", page, total)
	}
	if _, total, _ := db.AuditPage(ctx, bot.AuditFilter{PersonID: 1}, 0, 5); total != 6 {
		t.Fatalf("about person 1: %d; want 6", total)
	}
	if _, total, _ := db.AuditPage(ctx, bot.AuditFilter{JobcenterID: 2}, 0, 5); total != 1 {
		t.Fatalf("jobcenter 2: %d; want 1", total)
	}
}

// A file written before audit_recent (every entry and the head in the
// audit bucket) goes on: the next entry chains to its head, the head moves,
// and the whole trail verifies, oldest first and newest first.
func TestAuditContinuesAnOlderFile(t *testing.T) {
	t.Parallel()
	path, _ := auditFile(t, 5)
	raw, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bolt.Tx) error {
		b, r := tx.Bucket(bAudit), tx.Bucket(bAuditRecent)
		if err := settleAudit(b, r); err != nil {
			return err
		}
		if err := b.Put(keyAuditHead, bytes.Clone(r.Get(keyAuditHead))); err != nil {
			return err
		}
		return tx.DeleteBucket(bAuditRecent)
	})
	if err := errors.Join(err, raw.Close()); err != nil {
		t.Fatal(err)
	}
	if n, err := verifyFile(t, path); err != nil || n != 5 {
		t.Fatalf("the older file: VerifyAudit = %d, %v", n, err)
	}
	db, err := Open(path, Options{Timeout: time.Second, Clock: bot.ClockFunc(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 4 {
		if err := db.Audit(ctx, bot.AuditEntry{Actor: "Admin", Action: bot.AuditExport, Subject: "audit"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n != 9 {
		t.Fatalf("after 4 more: VerifyAudit = %d, %v", n, err)
	}
	var seqs []uint64
	if err := db.EachAudit(ctx, bot.AuditFilter{}, func(e bot.AuditEntry) error { seqs = append(seqs, e.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	page, total, err := db.AuditPage(ctx, bot.AuditFilter{}, 0, 20)
	if err != nil || total != 9 || len(seqs) != 9 || page[0].Seq != 9 || page[8].Seq != 1 || seqs[0] != 1 || seqs[8] != 9 {
		t.Fatalf("EachAudit %v; AuditPage %d entries, first %d, %v", seqs, total, page[0].Seq, err)
	}
	inAudit, inRecent := 0, 0
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bAudit).Get(keyAuditHead) != nil {
			t.Error("the head is still in the audit bucket")
		}
		eachAudit(tx, func(k, _ []byte) error {
			if tx.Bucket(bAuditRecent).Get(k) != nil {
				inRecent++
			} else {
				inAudit++
			}
			return nil
		})
		return nil
	})
	if err != nil || inAudit == 0 || inAudit+inRecent != 9 {
		t.Errorf("%d entries in audit, %d in audit_recent, %v", inAudit, inRecent, err)
	}
	db.Close()
}

// Most appends stay in audit_recent, small enough for bbolt to keep it
// inline in the root page; it is emptied into the audit bucket as it
// grows.
func TestAuditRecentStaysSmall(t *testing.T) {
	t.Parallel()
	path, _ := auditFile(t, 40)
	raw, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.View(func(tx *bolt.Tx) error {
		size, n := 0, 0
		tx.Bucket(bAuditRecent).ForEach(func(k, v []byte) error {
			size += len(k) + len(v)
			if len(k) == 8 {
				n++
			}
			return nil
		})
		if size > auditRecentBytes || n > 3 {
			t.Errorf("audit_recent holds %d entries, %d bytes", n, size)
		}
		if tx.Bucket(bAudit).Stats().KeyN < 40-n {
			t.Errorf("the audit bucket holds %d entries", tx.Bucket(bAudit).Stats().KeyN)
		}
		return nil
	})
}
