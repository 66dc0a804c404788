package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// filledFile writes a database of 600 companies with contacts, closes it
// and returns its path and its pages by kind (bbolt's own tx.Page).
func filledFile(t *testing.T) (string, map[string][]uint64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.db")
	db, err := Open(path, Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 600 {
		co, err := db.CreateCompany(ctx, bot.Company{Name: fmt.Sprintf("Virksomhed %03d ApS", i), CadenceDays: 30, Status: bot.StatusActive})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddContact(ctx, bot.Contact{CompanyID: co.ID, ConsultantID: 1, At: time.Now(), Kind: bot.KindVisit,
			Note: strings.Repeat("mødte Lars om svejsere ", 4)}); err != nil {
			t.Fatal(err)
		}
	}
	pages := map[string][]uint64{}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		for id := 2; id < int(tx.Size()/int64(db.bolt.Info().PageSize)); id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				continue
			}
			pages[p.Type] = append(pages[p.Type], uint64(id))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if len(pages["leaf"]) < 10 || len(pages["freelist"]) == 0 {
		t.Fatalf("the fixture has too few pages: %v", pages)
	}
	return path, pages
}

// overwrite writes b at page id of the file.
func overwrite(t *testing.T, path string, id uint64, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, int64(id)*4096); err != nil {
		t.Fatal(err)
	}
}

// TestOpenDamagedFile: every kind of damage is an error that wraps
// ErrDamaged, names the file and says to restore from a backup; none
// panics, faults or opens a silently empty database. Before, a zeroed
// freelist page panicked (»invalid freelist page«), a file cut short
// faulted, and a 0-byte file opened as a fresh, empty database.
func TestOpenDamagedFile(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 2))
	garbage := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.UintN(256))
		}
		return b
	}
	for _, c := range []struct {
		name, want string
		damage     func(t *testing.T, path string, pages map[string][]uint64)
	}{
		{"0 bytes", "empty (0 bytes)", func(t *testing.T, path string, _ map[string][]uint64) {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}},
		{"cut short", "cut short", func(t *testing.T, path string, _ map[string][]uint64) {
			st, _ := os.Stat(path)
			if err := os.Truncate(path, st.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"freelist zeroed", "freelist page", func(t *testing.T, path string, pages map[string][]uint64) {
			overwrite(t, path, pages["freelist"][0], make([]byte, 4096))
		}},
		{"both meta pages garbage", "neither meta page", func(t *testing.T, path string, _ map[string][]uint64) {
			overwrite(t, path, 0, garbage(2*4096))
		}},
		{"every page but the metas garbage", "", func(t *testing.T, path string, _ map[string][]uint64) {
			st, _ := os.Stat(path)
			overwrite(t, path, 2, garbage(int(st.Size())-2*4096))
		}},
		{"a leaf zeroed", "", func(t *testing.T, path string, pages map[string][]uint64) {
			for _, id := range pages["leaf"] {
				overwrite(t, path, id, make([]byte, 4096))
			}
		}},
		{"a branch garbage", "", func(t *testing.T, path string, pages map[string][]uint64) {
			for _, id := range pages["branch"] {
				overwrite(t, path, id, garbage(4096))
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path, pages := filledFile(t)
			c.damage(t, path, pages)
			db, err := Open(path, Options{Timeout: time.Second})
			if err == nil {
				// Damage bbolt's loading did not reach must show in the
				// full check, and in Damaged once a read meets it.
				cerr := db.Check()
				derr := db.Damaged()
				db.Close()
				if !errors.Is(cerr, ErrDamaged) || !errors.Is(derr, ErrDamaged) {
					t.Fatalf("opened a damaged file; Check = %v, Damaged = %v", cerr, derr)
				}
				return
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "backup") ||
				!strings.Contains(err.Error(), c.want) {
				t.Errorf("Open = %v; want ErrDamaged naming %s, %q and a backup", err, path, c.want)
			}
		})
	}
}

// TestDamageWhileServing: a page damaged under a running DB turns the
// next read and write that meet it into ErrDamaged, not a panic, and
// Damaged reports it from then on (for /readyz).
func TestDamageWhileServing(t *testing.T) {
	t.Parallel()
	path, pages := filledFile(t)
	db, err := Open(path, Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Damaged() != nil {
		t.Fatal("Damaged before any damage")
	}
	for _, id := range append(pages["leaf"], pages["branch"]...) {
		overwrite(t, path, id, make([]byte, 4096))
	}
	walk := func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			return b.ForEach(func(_, _ []byte) error { return nil })
		})
	}
	ctx := context.Background()
	if err := db.view(ctx, walk); !errors.Is(err, ErrDamaged) {
		t.Errorf("read over damaged pages: %v, want ErrDamaged", err)
	}
	if err := db.update(ctx, walk); !errors.Is(err, ErrDamaged) {
		t.Errorf("write over damaged pages: %v, want ErrDamaged", err)
	}
	if err := db.Damaged(); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) {
		t.Errorf("Damaged = %v", err)
	}
}

// TestPanicInOwnCodeIsNoDamage: a write whose own code panics fails alone
// and does not mark the file damaged.
func TestPanicInOwnCodeIsNoDamage(t *testing.T) {
	t.Parallel()
	db, err := Open(filepath.Join(t.TempDir(), "k.db"), Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.update(context.Background(), func(*bolt.Tx) error {
		panic("a bug of ours")
	})
	if err == nil || errors.Is(err, ErrDamaged) || db.Damaged() != nil {
		t.Errorf("own panic: err %v, Damaged %v", err, db.Damaged())
	}
}
