//go:build unix

package storage

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// notInUse reports an error when a process holds the file at path as bbolt
// does (an exclusive or shared flock): it must be stopped before the file
// is replaced. A missing file is not in use.
func notInUse(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("restore: %s: %w; stop it first, nothing was replaced", path, ErrLocked)
	}
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
