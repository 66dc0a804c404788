package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Restore replaces the database file at dbPath with the backup at from.
// It checks the backup first (every page, and the schema version this
// kontaktbot reads) and replaces nothing when the backup is not sound or
// the file is in use by a running kontaktbot. The file it replaces, damaged
// or not, is kept beside it as dbPath.replaced-YYYYMMDDTHHMMSS; the
// restored file is written to a temporary file, fsync'd and renamed into
// place, so a crash leaves either the old file or the whole backup.
// It returns the name the replaced file was kept under ("" when there was
// none).
func Restore(ctx context.Context, from, dbPath string, now time.Time) (kept string, err error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b, err := Open(from, Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return "", fmt.Errorf("restore: the backup %s cannot be used, nothing was replaced: %w", from, err)
	}
	cerr := b.Check()
	if err := errors.Join(cerr, b.Close()); err != nil {
		return "", fmt.Errorf("restore: the backup %s is not sound, nothing was replaced: %w", from, err)
	}
	if err := notInUse(dbPath); err != nil {
		return "", err
	}
	src, err := os.Open(from)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer src.Close()
	if _, err := os.Stat(dbPath); err == nil {
		kept = dbPath + ".replaced-" + now.Format("20060102T150405")
		if err := copyFile(dbPath, kept); err != nil {
			return "", fmt.Errorf("restore: keeping the replaced file: %w; nothing was replaced", err)
		}
	}
	if err := writeChecked(dbPath, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	}); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, nil
}

// copyFile copies from to a new file to, fsync'd.
func copyFile(from, to string) (err error) {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err = io.Copy(dst, src); err != nil {
		return err
	}
	return dst.Sync()
}
