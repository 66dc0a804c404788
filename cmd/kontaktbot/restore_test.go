package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// TestBackupDamageRestoreDrill: the operator's drill. A file with
// companies is backed up; the file is then damaged (its start
// overwritten), so opening it and »kontaktbot check« fail with a clear
// message and serve refuses to start; »kontaktbot restore« refuses a
// damaged backup and changes nothing, then restores the good one, keeps the
// damaged file beside it, and the companies are back.
func TestBackupDamageRestoreDrill(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, bak := filepath.Join(dir, "k.db"), filepath.Join(dir, "backup.db")
	if _, _, err := runCmd(t, "company add Ærø Maskinfabrik\ncompany add L-tek\n", nil, "console", "--db", db, "--as", "Hanne"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "", nil, "backup", "--db", db, "--to", bak); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, "", nil, "check", "--db", bak); err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("check of the backup: %q %v", out, err)
	}

	// Damage: the first 8 KiB (both meta pages) overwritten.
	f, err := os.OpenFile(db, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(make([]byte, 8192), 0)
	f.Close()
	if _, _, err := runCmd(t, "", nil, "check", "--db", db); !errors.Is(err, storage.ErrDamaged) || !strings.Contains(err.Error(), "restore") {
		t.Errorf("check of the damaged file: %v", err)
	}
	if _, _, err := runCmd(t, "", nil, "serve", "--addr", "127.0.0.1:0", "--metrics-addr", "off", "--db", db); !errors.Is(err, storage.ErrDamaged) {
		t.Errorf("serve on a damaged file: %v, want a refusal to start", err)
	}

	// A damaged backup is refused and nothing is replaced.
	badBak := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(badBak, []byte("ikke en database"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	if _, _, err := runCmd(t, "", nil, "restore", "--from", badBak, "--db", db); err == nil || !strings.Contains(err.Error(), "nothing was replaced") {
		t.Errorf("restore from a damaged backup: %v", err)
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Error("a refused restore changed the file")
	}

	out, _, err := runCmd(t, "", nil, "restore", "--from", bak, "--db", db)
	if err != nil || !strings.Contains(out, "Gendannet") {
		t.Fatalf("restore: %q %v", out, err)
	}
	kept, _ := filepath.Glob(db + ".replaced-*")
	if len(kept) != 1 {
		t.Fatalf("replaced file kept as %v", kept)
	}
	if b, _ := os.ReadFile(kept[0]); string(b) != string(before) {
		t.Error("the kept file is not the replaced one")
	}
	s, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if exact, _, err := s.FindCompanies(context.Background(), bot.NormalizeName("L-tek"), 0); err != nil || exact == nil {
		t.Errorf("after restore: L-tek %v %v", exact, err)
	}
}

// TestRestoreRefusesAFileInUse: a running kontaktbot's file is not
// replaced under it.
func TestRestoreRefusesAFileInUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, bak := filepath.Join(dir, "k.db"), filepath.Join(dir, "backup.db")
	s, err := storage.Open(db, storage.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.BackupFile(context.Background(), bak); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "", nil, "restore", "--from", bak, "--db", db); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("restore over a file in use: %v", err)
	}
}

// TestOpenEmptyFileIsAnError: a 0-byte database file is refused, not
// opened as a fresh, empty database.
func TestOpenEmptyFileIsAnError(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "hjælp\n", nil, "console", "--db", db, "--as", "Hanne"); !errors.Is(err, storage.ErrDamaged) {
		t.Errorf("console on a 0-byte file: %v", err)
	}
	if st, _ := os.Stat(db); st.Size() != 0 {
		t.Error("the empty file was written to")
	}
}

// TestCompactCommand: »kontaktbot compact« rewrites a file, says how much
// it shrank and where the old one is kept; with the bot running it
// refuses and says to stop it.
func TestCompactCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	s, err := storage.Open(db, storage.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := s.CreateCompany(context.Background(), bot.Company{Name: "Ærø Smedie " + strings.Repeat("x", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := runCmd(t, "", nil, "compact", "--db", db); !errors.Is(err, storage.ErrLocked) || !strings.Contains(err.Error(), "stop the bot first") {
		t.Errorf("compact with the bot running: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "", nil, "compact", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Komprimeret: "+db) || !strings.Contains(out, db+".compacted-") {
		t.Errorf("compact said %q", out)
	}
	if _, _, err := runCmd(t, "", nil, "check", "--db", db); err != nil {
		t.Errorf("check after compact: %v", err)
	}
}
