package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// compactTxSize is how many bytes of records one transaction of a
// compaction copies: its pages stay in memory until it commits.
const compactTxSize = 32 << 20

// Compacted is what Compact did.
type Compacted struct {
	Before, After int64  // the file's size before and after, in bytes
	Kept          string // the name the file as it was is kept under
}

// Compact rewrites the database file at dbPath with every page filled:
// a file that grew by scattered writes (or a national import before the
// bulk load packed its pages) takes about half the room afterwards. The
// bot must be stopped; the file is checked first and the copy after, and
// the file as it was is kept beside it as dbPath.compacted-YYYYMMDDTHHMMSS,
// so that nothing is lost if the copy is not wanted. An import that did
// not finish is rolled back first, as any Open does.
func Compact(ctx context.Context, dbPath string, now time.Time) (Compacted, error) {
	var out Compacted
	if err := ctx.Err(); err != nil {
		return out, err
	}
	st, err := os.Stat(dbPath)
	if err != nil {
		return out, fmt.Errorf("compact: %w", err)
	}
	out.Before = st.Size()
	// Held open, and so locked, until the copy is in place: no bot can
	// start on the old file meanwhile and write what the copy lacks.
	src, err := Open(dbPath, Options{Timeout: time.Second})
	if err != nil {
		return out, fmt.Errorf("compact: %w", err)
	}
	defer src.Close()
	if err := src.Check(); err != nil {
		return out, fmt.Errorf("compact: %w; restore a backup instead (kontaktbot restore), nothing was changed", err)
	}
	tmp, err := compactCopy(ctx, src, dbPath)
	if err != nil {
		return out, err
	}
	defer os.Remove(tmp) // gone by then when all went well
	out.Kept = dbPath + ".compacted-" + now.Format("20060102T150405")
	if err := os.Link(dbPath, out.Kept); err != nil {
		if err := copyFile(dbPath, out.Kept); err != nil {
			return Compacted{Before: out.Before}, fmt.Errorf("compact: keeping the file as it was: %w; nothing was changed", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return out, fmt.Errorf("compact: %w; nothing was changed", err)
	}
	syncDir(filepath.Dir(dbPath))
	if st, err := os.Stat(dbPath); err == nil {
		out.After = st.Size()
	}
	return out, nil
}

// compactCopy copies src's records, in order and with full pages, into a
// new file beside dbPath, fsync'd and checked, and returns its name.
func compactCopy(ctx context.Context, src *DB, dbPath string) (tmp string, err error) {
	f, err := os.CreateTemp(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".*.compact")
	if err != nil {
		return "", fmt.Errorf("compact: %w", err)
	}
	tmp = f.Name()
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		return "", fmt.Errorf("compact: %w", err)
	}
	err = guarded(src.path, func() error { return bolt.Compact(dst, src.bolt, compactTxSize) })
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = dst.Sync()
	}
	if err = errors.Join(err, dst.Close()); err != nil {
		return "", fmt.Errorf("compact: %w; nothing was changed", err)
	}
	if err := verify(tmp); err != nil {
		return "", fmt.Errorf("compact: the copy is not sound: %w; nothing was changed", err)
	}
	return tmp, nil
}

// syncDir makes a rename in dir durable, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
