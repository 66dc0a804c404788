package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestScheduledBackupsKeepTheNewest: each run writes a checked copy named
// by its time; beyond KEEP the oldest go; a failed run keeps every earlier
// one and is counted; the age metric follows the newest good backup.
func TestScheduledBackupsKeepTheNewest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clk := &stepClock{now: time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)}
	db, err := storage.Open(filepath.Join(dir, "k.db"), storage.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateCompany(context.Background(), bot.Company{Name: "L-tek", CadenceDays: 30, Status: bot.StatusActive}); err != nil {
		t.Fatal(err)
	}
	e := &env{getenv: mapEnv{"KONTAKTBOT_BACKUP_DIR": filepath.Join(dir, "backups"), "KONTAKTBOT_BACKUP_KEEP": "3"}.get,
		clock: clk, log: slog.New(slog.DiscardHandler)}
	j, err := e.backupConfig(db)
	if err != nil || j == nil || j.every != 24*time.Hour || j.keep != 3 {
		t.Fatalf("config: %+v %v", j, err)
	}
	reg := prometheus.NewRegistry()
	j.register(reg)
	for range 5 {
		if err := j.run(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Hour)
	}
	names, _ := j.backups()
	want := []string{"kontaktbot-20261204T050000Z.db", "kontaktbot-20261204T060000Z.db", "kontaktbot-20261204T070000Z.db"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("kept %v, want %v", names, want)
	}
	for _, n := range names {
		b, err := storage.Open(filepath.Join(j.dir, n), storage.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if err := b.Check(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
		b.Close()
	}
	// A run that cannot write its file fails, is counted, and keeps the rest.
	if err := os.Mkdir(filepath.Join(j.dir, "kontaktbot-20261204T080000Z.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := j.run(context.Background()); err == nil {
		t.Error("a run that could not write succeeded")
	}
	if names, _ := j.backups(); len(names) != 3 {
		t.Errorf("after a failed run: %v", names)
	}
	got := gathered(t, reg)
	if got[`kontaktbot_backups_total{outcome="ok"}`] != 5 || got[`kontaktbot_backups_total{outcome="failed"}`] != 1 {
		t.Errorf("runs: %v, want 5 ok and 1 failed", got)
	}
	// The newest good one was taken at 07:00; it is 08:00.
	if age := got["kontaktbot_backup_age_seconds"]; age != 3600 {
		t.Errorf("age = %v, want 3600", age)
	}
	for _, bad := range []map[string]string{
		{"KONTAKTBOT_BACKUP_DIR": dir, "KONTAKTBOT_BACKUP_EVERY": "5s"},
		{"KONTAKTBOT_BACKUP_DIR": dir, "KONTAKTBOT_BACKUP_KEEP": "0"},
	} {
		if _, err := (&env{getenv: mapEnv(bad).get, clock: clk, log: slog.New(slog.DiscardHandler)}).backupConfig(db); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

type mapEnv map[string]string

func (m mapEnv) get(k string) string { return m[k] }

// TestServeBacksUp: a running server answers »kontaktbot backup« on its
// socket (before, only the console did, and backup failed against serve),
// and with KONTAKTBOT_BACKUP_DIR it takes a backup at start when none is
// fresh.
func TestServeBacksUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	startServer(t, map[string]string{"KONTAKTBOT_BACKUP_DIR": filepath.Join(dir, "backups")}, "--db", db)
	copyPath := filepath.Join(dir, "copy.db")
	if _, _, err := runCmd(t, "", nil, "backup", "--db", db, "--to", copyPath); err != nil {
		t.Fatalf("backup against a running server: %v", err)
	}
	if out, _, err := runCmd(t, "", nil, "check", "--db", copyPath); err != nil {
		t.Errorf("the copy: %s %v", out, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		m, _ := filepath.Glob(filepath.Join(dir, "backups", "kontaktbot-*.db"))
		if len(m) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled backup at start: %v", m)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// gathered is every sample of reg as "name{label="value"}" -> value.
func gathered(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			if len(m.GetLabel()) > 0 {
				var ls []string
				for _, l := range m.GetLabel() {
					ls = append(ls, l.GetName()+"=\""+l.GetValue()+"\"")
				}
				key += "{" + strings.Join(ls, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				out[key] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[key] = m.GetGauge().GetValue()
			}
		}
	}
	return out
}
