package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Scrubbing: erasure that erases.
//
// bbolt never overwrites a page in place: a transaction that changes a
// record writes its leaf (and the branches above it) to other pages and
// frees the old ones, which keep their bytes until bbolt happens to reuse
// them. A deleted note, or the old version of an edited one, is therefore
// still readable in the file. After every erasing change the freed pages
// are overwritten with zeros (Scrub): the live pages bbolt writes are
// fresh copies holding only the current records (it clears its page
// buffers before reuse), so once the free pages are zero no old byte is
// left. We chose zeroing over an online compaction (a compacted copy
// swapped in under the write lock): compaction copies the whole file,
// about 1 s per 100 MB here and more with the rename and the reopen of the
// mmap, all under the write lock, while zeroing touches only the free
// pages (typically a few hundred after a command) and is done in batches
// that hold the lock a few milliseconds each.
//
// Which pages are free is read from the freelist page the last commit
// wrote (it lists the free and the pending pages), and each is checked
// with tx.Page. A pending page may still be read by a read transaction
// that began before the change that freed it, so a batch runs only at a
// moment when no read transaction is open (db.readers, counted around
// every view): readers that begin later see the committed tree, which
// refers to no free or pending page. The zeros are written through the
// file while the batch holds bbolt's write lock, and the batch's own
// (empty) commit fsyncs them.

// Scrubbed is what a Scrub did.
type Scrubbed struct {
	Free    int // free pages found
	Zeroed  int // of those, pages that still held bytes and were zeroed
	Batches int // write transactions it took
}

// Batches of a scrub: each reads at most scrubReadPages free pages and
// writes at most scrubWritePages, about 4 MB read and 1 MB written, a few
// milliseconds under the write lock (BenchmarkExpireNotes times every batch).
const (
	scrubReadPages  = 1024
	scrubWritePages = 256
)

// ErrScrubBusy is returned by Scrub when read transactions never let go
// of the file long enough for a batch: the free pages are left as they
// are until the next scrub (the daily retention run does one).
var ErrScrubBusy = errors.New("storage: scrub: read transactions kept the file busy")

// scrubReaderWait is how long Scrub waits, in all, for a moment with no
// read transaction open.
const scrubReaderWait = 10 * time.Second

// errReaders aborts a batch that met an open read transaction.
var errReaders = errors.New("readers open")

// Scrub overwrites every free page of the file with zeros, so that what
// deletes and edits removed is gone from the file, not only from the
// tree. It runs in batches, each one short write transaction; writes of
// others go on between them. It is idempotent: a page already zero is
// only read. A read-only DB scrubs nothing.
func (db *DB) Scrub(ctx context.Context) (Scrubbed, error) {
	var out Scrubbed
	if db.bolt.IsReadOnly() {
		return out, nil
	}
	f, err := os.OpenFile(db.path, os.O_RDWR, 0)
	if err != nil {
		return out, fmt.Errorf("scrub: %w", err)
	}
	defer f.Close()
	var from uint64 = 2 // pages 0 and 1 are the meta pages
	waited := time.Duration(0)
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		var done bool
		err := db.scrubBatch(f, &from, &out, &done)
		if errors.Is(err, errReaders) {
			if waited >= scrubReaderWait {
				db.scrubOwed.Store(true)
				return out, ErrScrubBusy
			}
			t := time.NewTimer(time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return out, ctx.Err()
			case <-t.C:
			}
			waited += time.Millisecond
			continue
		}
		if err != nil {
			db.scrubOwed.Store(true)
			return out, fmt.Errorf("scrub: %w", err)
		}
		out.Batches++
		if done {
			db.scrubOwed.Store(false)
			return out, nil
		}
	}
}

// ScrubOwed reports whether an erasing change was not yet followed by a
// finished scrub (because Scrub gave up or failed).
func (db *DB) ScrubOwed() bool { return db.scrubOwed.Load() }

// scrubBatch zeroes free pages from *from on, as many as one batch may,
// in one write transaction under writeMu, and moves *from past them.
func (db *DB) scrubBatch(f *os.File, from *uint64, out *Scrubbed, done *bool) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	if db.batchTimer != nil {
		defer db.batchTimer()()
	}
	var free, zeroed int
	var next uint64
	err := guarded(db.path, func() error {
		return db.bolt.Update(func(tx *bolt.Tx) error {
			if db.readers.Load() > 0 {
				return errReaders
			}
			free, zeroed, next = 0, 0, *from
			ids, err := freePages(f, tx)
			if err != nil {
				return err
			}
			size := tx.DB().Info().PageSize
			var ws writes
			i, _ := slices.BinarySearch(ids, *from)
			read := 0
			for ; i < len(ids) && read < scrubReadPages && ws.pages < scrubWritePages; i++ {
				id := ids[i]
				if info, err := tx.Page(int(id)); err != nil || info == nil || info.Type != "free" {
					continue
				}
				free++
				read++
				if err := ws.zeroIfUsed(f, id, size); err != nil {
					return err
				}
				next = id + 1
			}
			*done = i >= len(ids)
			zeroed = ws.pages
			return nil
		})
	})
	db.damage.set(err)
	if err != nil {
		return err
	}
	*from = next
	out.Free += free
	out.Zeroed += zeroed
	return nil
}

// writes zeroes pages through the file.
type writes struct {
	buf   []byte
	pages int
}

// zeroIfUsed overwrites page id with zeros unless it is zero already.
func (w *writes) zeroIfUsed(f *os.File, id uint64, size int) error {
	if len(w.buf) != size {
		w.buf = make([]byte, size)
	}
	if _, err := f.ReadAt(w.buf, int64(id)*int64(size)); err != nil {
		return fmt.Errorf("read page %d: %w", id, err)
	}
	if allZero(w.buf) {
		return nil
	}
	clear(w.buf)
	if _, err := f.WriteAt(w.buf, int64(id)*int64(size)); err != nil {
		return fmt.Errorf("zero page %d: %w", id, err)
	}
	w.pages++
	return nil
}

var zeroPage [4096]byte

func allZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroPage))
		if !bytes.Equal(b[:n], zeroPage[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// Where a meta page keeps the freelist page and the transaction id (the
// layout is in damage.go).
const (
	metaFreelistAt = pageHeaderSize + 32
	metaTxidAt     = pageHeaderSize + 48
)

// freePages reads the ids the freelist of the transaction's starting
// state holds (free and pending pages), sorted.
func freePages(f *os.File, tx *bolt.Tx) ([]uint64, error) {
	size := tx.DB().Info().PageSize
	meta := make([]byte, size)
	want := uint64(tx.ID() - 1) // the last committed transaction
	freelist := noFreelist
	for pg := range 2 {
		if _, err := f.ReadAt(meta, int64(pg*size)); err != nil {
			return nil, fmt.Errorf("read meta %d: %w", pg, err)
		}
		if binary.LittleEndian.Uint32(meta[pageHeaderSize:]) != boltMagic {
			continue
		}
		if binary.LittleEndian.Uint64(meta[metaTxidAt:]) == want {
			freelist = binary.LittleEndian.Uint64(meta[metaFreelistAt:])
		}
	}
	if freelist == noFreelist {
		return nil, errors.New("no freelist page found for the last commit")
	}
	head := make([]byte, pageHeaderSize+8)
	if _, err := f.ReadAt(head, int64(freelist)*int64(size)); err != nil {
		return nil, fmt.Errorf("read freelist: %w", err)
	}
	if binary.LittleEndian.Uint16(head[8:]) != freelistPageFlag || binary.LittleEndian.Uint64(head) != freelist {
		return nil, fmt.Errorf("page %d is not a freelist page", freelist)
	}
	count, at := uint64(binary.LittleEndian.Uint16(head[10:])), int64(pageHeaderSize)
	if count == 0xFFFF {
		count, at = binary.LittleEndian.Uint64(head[pageHeaderSize:]), pageHeaderSize+8
	}
	overflow := uint64(binary.LittleEndian.Uint32(head[12:]))
	if uint64(at)+count*8 > (overflow+1)*uint64(size) {
		return nil, fmt.Errorf("freelist page %d: %d ids do not fit", freelist, count)
	}
	raw := make([]byte, count*8)
	if _, err := f.ReadAt(raw, int64(freelist)*int64(size)+at); err != nil {
		return nil, fmt.Errorf("read freelist: %w", err)
	}
	ids := make([]uint64, count)
	for i := range ids {
		ids[i] = binary.LittleEndian.Uint64(raw[i*8:])
	}
	slices.Sort(ids)
	return ids, nil
}

// scrubAfter scrubs after an erasing change has committed. The change
// stands whatever happens here: a scrub that fails or gives up leaves
// ScrubOwed set, and the next scrub (the daily retention run) does it.
func (db *DB) scrubAfter(ctx context.Context) {
	db.Scrub(context.WithoutCancel(ctx)) //nolint:errcheck // recorded in scrubOwed
}
