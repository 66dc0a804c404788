package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
)

// A damaged file gives a clear answer, never a panic. bbolt trusts its
// file: a truncated file, a zeroed page or random bytes make it panic
// ("invalid freelist page"), fault on a page past the end of the mapping,
// or read on from garbage. So before bbolt opens a file, quickCheck reads
// its two meta pages and the pages they point at; bbolt's panics while
// opening, reading or writing become ErrDamaged; and once a transaction has
// hit a damaged page the DB says so (Damaged), which /readyz reports. The
// whole page walk is Check, behind »kontaktbot check«.

// ErrDamaged is wrapped by every error about a damaged database file.
var ErrDamaged = errors.New("the database file is damaged")

// damagedError names the file, what is wrong and what to do.
func damagedError(path string, what any) error {
	return fmt.Errorf("%w: %s: %v; restore it from a backup (kontaktbot restore --from BACKUP --db %s), or run »kontaktbot check --db %s« for the details",
		ErrDamaged, path, what, path, path)
}

// The layout of a bbolt file, as go.etcd.io/bbolt/internal/common has it
// (native byte order; little-endian on every platform we ship for).
const (
	pageHeaderSize   = 16 // id uint64, flags uint16, count uint16, overflow uint32
	metaChecksumAt   = 56 // magic, version, page size, flags, root bucket, freelist, pgid, txid
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	metaPageFlag     = 0x04
	freelistPageFlag = 0x10
	noFreelist       = ^uint64(0)
)

// boltMeta is what quickCheck reads of a meta page.
type boltMeta struct {
	pageSize       uint32
	root, freelist uint64
	pgid, txid     uint64
}

// quickCheck reads the file at path, if there is one, as bbolt will: it
// needs a valid meta page, a file as long as that page says, and a root
// and freelist page of the right kind where it points. A missing file is
// fine (Open creates it); an empty one is not: bbolt would silently make a
// fresh database of it, and the companies would seem gone.
func quickCheck(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if st.Size() == 0 {
		return damagedError(path, "it is empty (0 bytes)")
	}
	head := make([]byte, 2*4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return damagedError(path, "its first pages cannot be read: "+err.Error())
	}
	head = head[:n]
	m0, err0 := readMeta(head, 0, 0)
	var m1 boltMeta
	err1 := errors.New("no second meta page")
	if err0 == nil {
		m1, err1 = readMeta(head, 1, int(m0.pageSize))
	} else if len(head) >= 4096+pageHeaderSize+metaChecksumAt+8 {
		m1, err1 = readMeta(head, 1, 4096) // the first meta page is gone; try the usual page size
	}
	m := m0
	switch {
	case err0 != nil && err1 != nil:
		return damagedError(path, "neither meta page is valid ("+err0.Error()+"; "+err1.Error()+"): not a kontaktbot database, or its start was overwritten")
	case err0 != nil || (err1 == nil && m1.txid > m0.txid):
		m = m1
	}
	ps := int64(m.pageSize)
	if want := int64(m.pgid) * ps; st.Size() < want {
		return damagedError(path, fmt.Sprintf("it is %d bytes, but its pages reach to %d: the file was cut short", st.Size(), want))
	}
	if m.root < 2 || m.root >= m.pgid {
		return damagedError(path, fmt.Sprintf("its root page %d is outside the file", m.root))
	}
	if err := pageKind(f, m.root, ps, branchPageFlag, leafPageFlag); err != nil {
		return damagedError(path, "the root page: "+err.Error())
	}
	if m.freelist != noFreelist {
		if m.freelist < 2 || m.freelist >= m.pgid {
			return damagedError(path, fmt.Sprintf("its freelist page %d is outside the file", m.freelist))
		}
		if err := pageKind(f, m.freelist, ps, freelistPageFlag); err != nil {
			return damagedError(path, "the freelist page: "+err.Error())
		}
	}
	return nil
}

// readMeta reads meta page i of a file whose pages are pageSize bytes (0:
// the first page, whose size is not known yet).
func readMeta(head []byte, i, pageSize int) (boltMeta, error) {
	at := i * pageSize
	if len(head) < at+pageHeaderSize+metaChecksumAt+8 {
		return boltMeta{}, errors.New("the page is cut short")
	}
	p := head[at:]
	if flags := binary.LittleEndian.Uint16(p[8:]); flags != metaPageFlag {
		return boltMeta{}, fmt.Errorf("meta page %d is not a meta page", i)
	}
	b := p[pageHeaderSize:]
	if binary.LittleEndian.Uint32(b[0:]) != boltMagic {
		return boltMeta{}, fmt.Errorf("meta page %d has no bbolt marker", i)
	}
	if v := binary.LittleEndian.Uint32(b[4:]); v != boltVersion {
		return boltMeta{}, fmt.Errorf("meta page %d has bbolt version %d", i, v)
	}
	h := fnv.New64a()
	h.Write(b[:metaChecksumAt])
	if h.Sum64() != binary.LittleEndian.Uint64(b[metaChecksumAt:]) {
		return boltMeta{}, fmt.Errorf("meta page %d fails its checksum", i)
	}
	m := boltMeta{pageSize: binary.LittleEndian.Uint32(b[8:]), root: binary.LittleEndian.Uint64(b[16:]),
		freelist: binary.LittleEndian.Uint64(b[32:]), pgid: binary.LittleEndian.Uint64(b[40:]), txid: binary.LittleEndian.Uint64(b[48:])}
	if m.pageSize < 512 || m.pageSize > 1<<16 || m.pageSize&(m.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("meta page %d names a page size of %d", i, m.pageSize)
	}
	if pageSize != 0 && int(m.pageSize) != pageSize {
		return boltMeta{}, fmt.Errorf("meta page %d names another page size", i)
	}
	return m, nil
}

// pageKind checks that page id of f carries its own id and one of flags.
func pageKind(f *os.File, id uint64, pageSize int64, flags ...uint16) error {
	var h [pageHeaderSize]byte
	if _, err := f.ReadAt(h[:], int64(id)*pageSize); err != nil {
		return fmt.Errorf("page %d cannot be read: %v", id, err)
	}
	if got := binary.LittleEndian.Uint64(h[0:]); got != id {
		return fmt.Errorf("page %d says it is page %d", id, got)
	}
	got := binary.LittleEndian.Uint16(h[8:])
	for _, fl := range flags {
		if got == fl {
			return nil
		}
	}
	return fmt.Errorf("page %d has the wrong kind (%#x)", id, got)
}

// guarded runs fn, turning a panic, and a fault on the file's memory map,
// into an error about the damaged file. bbolt panics on pages it cannot
// read; the fault is a page beyond the end of a file cut short.
func guarded(path string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if p := recover(); p != nil {
			err = damagedError(path, p)
		}
	}()
	return fn()
}

// damage remembers the first damage a transaction met, for Damaged.
type damage struct{ err atomic.Pointer[error] }

func (d *damage) set(err error) {
	if errors.Is(err, ErrDamaged) {
		d.err.CompareAndSwap(nil, &err)
	}
}

// Damaged is nil while no read or write has met a damaged page since the
// file was opened, else the error of the first that did. A damaged file
// does not heal: /readyz fails from then on, and the operator restores.
func (db *DB) Damaged() error {
	if p := db.damage.err.Load(); p != nil {
		return *p
	}
	return nil
}

// panickedInBolt reports whether the panic whose stack this is (as
// debug.Stack gives it inside the deferred recover) was raised in bbolt's
// own code: the first frame below the panic that is not the runtime's.
func panickedInBolt(stack []byte) bool {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "panic(") {
			continue
		}
		for _, f := range lines[i+1:] {
			if strings.HasPrefix(f, "\t") || strings.HasPrefix(f, "runtime.") {
				continue // a file:line, or the runtime raising an index or nil fault
			}
			return strings.HasPrefix(f, "go.etcd.io/bbolt")
		}
	}
	return false
}
