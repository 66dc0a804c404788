package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// Scheduled backups while serving: KONTAKTBOT_BACKUP_DIR turns them on,
// KONTAKTBOT_BACKUP_EVERY (default 24h) says how often and
// KONTAKTBOT_BACKUP_KEEP (default 14) how many are kept. Each is a
// consistent copy from one read transaction, checked page by page and
// fsync'd before it is renamed into place (storage.BackupFile), named by
// its UTC time so that the names sort as the copies were taken.

const (
	defaultBackupEvery = 24 * time.Hour
	defaultBackupKeep  = 14
	backupPrefix       = "kontaktbot-"
	backupSuffix       = ".db"
	backupTimeLayout   = "20060102T150405Z"
)

// backupJob takes and prunes the scheduled backups of one database.
type backupJob struct {
	db    *storage.DB
	dir   string
	every time.Duration
	keep  int
	clock bot.Clock
	log   *slog.Logger

	runs *prometheus.CounterVec
	mu   sync.Mutex
	last time.Time // the newest good backup, zero when none
}

// backupConfig reads the KONTAKTBOT_BACKUP_* settings; nil when no
// directory is set.
func (e *env) backupConfig(db *storage.DB) (*backupJob, error) {
	dir := e.getenv("KONTAKTBOT_BACKUP_DIR")
	if dir == "" {
		return nil, nil
	}
	j := &backupJob{db: db, dir: dir, every: defaultBackupEvery, keep: defaultBackupKeep, clock: e.clock, log: e.log}
	if s := e.getenv("KONTAKTBOT_BACKUP_EVERY"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Minute {
			return nil, fmt.Errorf("KONTAKTBOT_BACKUP_EVERY=%q: write a duration of at least a minute, e.g. 24h or 6h", s)
		}
		j.every = d
	}
	if s := e.getenv("KONTAKTBOT_BACKUP_KEEP"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("KONTAKTBOT_BACKUP_KEEP=%q: write how many backups to keep, at least 1", s)
		}
		j.keep = n
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("KONTAKTBOT_BACKUP_DIR: %w", err)
	}
	return j, nil
}

// register adds the job's metrics: runs by outcome, and the age of the
// newest good backup, which an alert watches (older than two periods:
// backups have stopped).
func (j *backupJob) register(reg prometheus.Registerer) {
	j.runs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kontaktbot_backups_total",
		Help: "Scheduled backups, by outcome (ok, failed).",
	}, []string{"outcome"})
	age := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "kontaktbot_backup_age_seconds",
		Help: "Age of the newest good scheduled backup; -1 while there is none. Alert when it exceeds two backup periods.",
	}, func() float64 {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.last.IsZero() {
			return -1
		}
		return j.clock.Now().Sub(j.last).Seconds()
	})
	reg.MustRegister(j.runs, age)
}

// backups lists the scheduled backups in the directory, oldest first.
func (j *backupJob) backups() ([]string, error) {
	ents, err := os.ReadDir(j.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, backupPrefix) || !strings.HasSuffix(n, backupSuffix) {
			continue
		}
		if _, err := time.Parse(backupTimeLayout, strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)); err != nil {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

// start runs the job until ctx ends: at once when the newest backup in the
// directory is older than a period (or there is none), then every period.
// stop waits for a run under way.
func (j *backupJob) start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wait := time.Duration(0)
	if names, err := j.backups(); err == nil && len(names) > 0 {
		at, _ := time.Parse(backupTimeLayout, strings.TrimSuffix(strings.TrimPrefix(names[len(names)-1], backupPrefix), backupSuffix))
		j.mu.Lock()
		j.last = at
		j.mu.Unlock()
		if age := j.clock.Now().Sub(at); age < j.every {
			wait = j.every - age
		}
	}
	wg.Go(func() {
		t := time.NewTimer(wait)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			j.run(ctx)
			t.Reset(j.every)
		}
	})
	return func() { cancel(); wg.Wait() }
}

// run takes one backup and removes the oldest beyond keep. A failed run
// leaves every earlier backup in place.
func (j *backupJob) run(ctx context.Context) error {
	now := j.clock.Now().UTC()
	name := backupPrefix + now.Format(backupTimeLayout) + backupSuffix
	path := filepath.Join(j.dir, name)
	start := time.Now()
	err := j.db.BackupFile(ctx, path)
	if err != nil {
		j.count("failed")
		j.log.Error("scheduled backup failed; the earlier ones are kept", "file", path, "err", err)
		return err
	}
	j.mu.Lock()
	j.last = now
	j.mu.Unlock()
	if err := j.db.Audit(ctx, bot.AuditEntry{At: now, Actor: "kontaktbot serve", Action: bot.AuditBackup, Subject: name}); err != nil {
		j.log.Warn("scheduled backup taken, but not recorded in the audit trail", "err", err)
	}
	st, _ := os.Stat(path)
	var size int64
	if st != nil {
		size = st.Size()
	}
	names, err := j.backups()
	var removed []string
	for err == nil && len(names) > j.keep {
		if rerr := os.Remove(filepath.Join(j.dir, names[0])); rerr != nil {
			err = rerr
			break
		}
		removed = append(removed, names[0])
		names = names[1:]
	}
	if err != nil {
		j.log.Warn("scheduled backup taken, but old ones could not be removed", "dir", j.dir, "err", err)
	}
	j.count("ok")
	j.log.Info("scheduled backup", "file", path, "bytes", size, "took_ms", time.Since(start).Milliseconds(),
		"kept", len(names), "removed", strings.Join(removed, ","))
	return nil
}

func (j *backupJob) count(outcome string) {
	if j.runs != nil {
		j.runs.WithLabelValues(outcome).Inc()
	}
}
