package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// assertCopy opens the backup at path and checks that it is sound and
// holds every contact in want, and that the LastContact of each company
// agrees with its contacts.
func assertCopy(tb testing.TB, path string, want []bot.Contact) {
	tb.Helper()
	cp := mustOpen(tb, path)
	defer cp.Close()
	if err := cp.Check(); err != nil {
		tb.Errorf("Check on the copy: %v", err)
	}
	have := map[uint64]bool{}
	for _, co := range allCompanies(tb, cp) {
		cs := mustContacts(tb, cp, co.ID)
		for _, c := range cs {
			have[c.ID] = true
		}
		if len(cs) > 0 && !co.LastContact.Equal(cs[0].At) {
			tb.Errorf("copy: #%d's last contact %v, its newest contact %v", co.ID, co.LastContact, cs[0].At)
		}
	}
	for _, c := range want {
		if !have[c.ID] {
			tb.Errorf("copy lacks contact #%d with #%d, saved before the backup", c.ID, c.CompanyID)
		}
	}
}

// fillSome gives db a consultant, two companies and a few contacts, and
// returns the contacts.
func fillSome(tb testing.TB, db *storage.DB) []bot.Contact {
	tb.Helper()
	anne := mustConsultant(tb, db, "Anne Østergaard")
	var out []bot.Contact
	for i, name := range []string{"Ærø Maskinfabrik", "Sorø Smedie"} {
		co := mustCompany(tb, db, bot.Company{Name: name, OwnerID: anne.ID, CadenceDays: 30})
		for j := range 3 {
			out = append(out, mustContact(tb, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-10*i - j), Kind: bot.KindVisit}))
		}
	}
	return out
}

func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	anne := mustConsultant(t, db, "Anne")
	var portfolio []bot.Company
	for i := range 500 {
		portfolio = append(portfolio, bot.Company{Name: fmt.Sprintf("Virksomhed %d", i), OwnerID: anne.ID, CadenceDays: 30, LastContact: days(-i)})
	}
	if err := db.ImportCompanies(t.Context(), portfolio); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	var (
		mu    sync.Mutex
		saved []bot.Contact
		errs  = make([]error, 4)
		wg    sync.WaitGroup
	)
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(saved) }
	for w := range errs {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				c, err := db.AddContact(ctx, bot.Contact{CompanyID: uint64(1 + (w*97+i)%len(portfolio)), ConsultantID: anne.ID,
					At: days(-i % 40).Add(time.Duration(w) * time.Minute), Kind: bot.KindPhone})
				if err != nil {
					if ctx.Err() == nil {
						errs[w] = err
					}
					return
				}
				mu.Lock()
				saved = append(saved, c)
				mu.Unlock()
			}
		})
	}
	for count() < 20 {
		time.Sleep(time.Millisecond)
	}

	mu.Lock()
	before := slices.Clone(saved)
	mu.Unlock()
	var buf bytes.Buffer
	n, err := db.Backup(ctx, &buf)
	during := count()
	for count() < during+10 && ctx.Err() == nil { // the writers go on after the copy
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("AddContact during the backup: %v", err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("Backup reported %d bytes, wrote %d", n, buf.Len())
	}

	cp := filepath.Join(filepath.Dir(path), "copy.db")
	if err := os.WriteFile(cp, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	assertCopy(t, cp, before)
	if got := len(allCompanies(t, mustOpen(t, cp))); got != len(portfolio) {
		t.Errorf("copy has %d companies, want %d", got, len(portfolio))
	}
	t.Logf("%d contacts saved before the backup, %d in all", len(before), count())
}

func TestBackupFile(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	first := fillSome(t, db)
	dir := t.TempDir()
	target := filepath.Join(dir, "kontaktbot.bak")
	if err := os.WriteFile(target, []byte("an old backup"), 0o600); err != nil {
		t.Fatal(err)
	}

	if err := db.BackupFile(t.Context(), target); err != nil {
		t.Fatalf("BackupFile: %v", err)
	}
	assertOnly(t, dir, "kontaktbot.bak")
	assertCopy(t, target, first)

	later := mustContact(t, db, bot.Contact{CompanyID: first[0].CompanyID, At: fixed, Kind: bot.KindMail})
	if err := db.BackupFile(t.Context(), target); err != nil {
		t.Fatalf("BackupFile over a backup: %v", err)
	}
	assertOnly(t, dir, "kontaktbot.bak")
	assertCopy(t, target, append(first, later))

	missing := filepath.Join(dir, "no such dir", "kontaktbot.bak")
	if err := db.BackupFile(t.Context(), missing); err == nil {
		t.Error("BackupFile into a missing directory succeeded")
	}
	assertOnly(t, dir, "kontaktbot.bak")
}

// assertOnly fails unless dir holds exactly the named entries: no
// temporary files left behind.
func assertOnly(tb testing.TB, dir string, names ...string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		tb.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func TestBackupPath(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond

	t.Run("free", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t)
		saved := fillSome(t, db)
		mustClose(t, db)
		to := filepath.Join(t.TempDir(), "copy.db")
		if err := storage.BackupPath(t.Context(), path, to, timeout); err != nil {
			t.Fatalf("BackupPath of a free file: %v", err)
		}
		assertCopy(t, to, saved)
	})
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		err := storage.BackupPath(t.Context(), filepath.Join(dir, "missing.db"), filepath.Join(dir, "copy.db"), timeout)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want fs.ErrNotExist", err)
		}
		assertOnly(t, dir)
	})
	t.Run("held", func(t *testing.T) {
		t.Parallel()
		_, path := newDB(t)
		out := t.TempDir()
		err := storage.BackupPath(t.Context(), path, filepath.Join(out, "copy.db"), timeout)
		if !errors.Is(err, storage.ErrLocked) {
			t.Errorf("BackupPath of a held file without ServeBackups: err = %v, want storage.ErrLocked", err)
		}
		assertOnly(t, out)
	})
	t.Run("served", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t)
		saved := fillSome(t, db)
		stop, err := db.ServeBackups(t.Context())
		if err != nil {
			t.Fatalf("ServeBackups: %v", err)
		}
		defer stop()
		sock := storage.SocketPath(path)
		if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("socket %s: %v, %v; want mode 0600", sock, fi, err)
		}
		saved = append(saved, mustContact(t, db, bot.Contact{CompanyID: saved[0].CompanyID, At: fixed, Kind: bot.KindPhone}))

		out := t.TempDir()
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() {
				errs[i] = storage.BackupPath(t.Context(), path, filepath.Join(out, fmt.Sprintf("copy%d.db", i)), timeout)
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("BackupPath %d through the socket: %v", i, err)
			}
			assertCopy(t, filepath.Join(out, fmt.Sprintf("copy%d.db", i)), saved)
		}
		assertOnly(t, out, "copy0.db", "copy1.db", "copy2.db")

		if _, err := db.ServeBackups(t.Context()); err == nil {
			t.Error("a second ServeBackups on the same file succeeded")
		}
		if err := storage.BackupPath(t.Context(), path, filepath.Join(out, "again.db"), timeout); err != nil {
			t.Errorf("after a refused second ServeBackups, the first no longer answers: %v", err)
		}

		stop()
		stop() // a second stop is harmless
		if _, err := os.Stat(sock); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after stop the socket is still there: %v", err)
		}
		if err := storage.BackupPath(t.Context(), path, filepath.Join(out, "late.db"), timeout); !errors.Is(err, storage.ErrLocked) {
			t.Errorf("BackupPath after stop: err = %v, want storage.ErrLocked", err)
		}
	})
	t.Run("stale socket", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t)
		saved := fillSome(t, db)
		sock := storage.SocketPath(path)
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		l.(*net.UnixListener).SetUnlinkOnClose(false) // as if its process had been killed
		l.Close()
		if _, err := os.Stat(sock); err != nil {
			t.Fatalf("no stale socket to test with: %v", err)
		}

		stop, err := db.ServeBackups(t.Context())
		if err != nil {
			t.Fatalf("ServeBackups over a stale socket: %v", err)
		}
		defer stop()
		to := filepath.Join(t.TempDir(), "copy.db")
		if err := storage.BackupPath(t.Context(), path, to, timeout); err != nil {
			t.Fatalf("BackupPath: %v", err)
		}
		assertCopy(t, to, saved)
	})
	t.Run("context ends", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t)
		ctx, cancel := context.WithCancel(t.Context())
		stop, err := db.ServeBackups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		stop()
		if _, err := os.Stat(storage.SocketPath(path)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after the context ended the socket is still there: %v", err)
		}
	})
}
