package storage_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// A file grown by scattered writes comes out of Compact smaller, sound,
// with every record as it was, the old file kept beside it; a file in use
// is refused and left alone.
func TestCompact(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "k.db")
	opt := options()
	opt.NoSync = true // the fill only: nothing here needs to survive a power cut
	db := mustOpenWith(t, path, opt)
	anne := mustConsultant(t, db, "Anne")
	// Companies created one by one in an order that scatters their names,
	// each with contacts logged later, fills pages half: the layout of a
	// file that grew in use.
	for i := range 600 {
		c := mustCompany(t, db, bot.Company{Name: fmt.Sprintf("%c%c Ærø Smedie %d", 'A'+i*7%26, 'a'+i*11%26, i), OwnerID: anne.ID, CadenceDays: 30})
		for k := range 3 {
			mustContact(t, db, bot.Contact{CompanyID: c.ID, ConsultantID: anne.ID, Kind: bot.KindVisit, At: days(-10 * (k + i%9)), Note: strings.Repeat("mødte Lars ", 5)})
		}
	}
	before := snapshot(t, db)
	mustClose(t, db)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	res, err := storage.Compact(ctx, path, fixed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Before != st.Size() || res.After >= res.Before*3/4 {
		t.Errorf("compacted %d bytes to %d, want the %d bytes of the file to shrink by a quarter at least", res.Before, res.After, st.Size())
	}
	if st, err := os.Stat(res.Kept); err != nil || st.Size() != res.Before {
		t.Errorf("the file as it was is not kept at %q: %v", res.Kept, err)
	}
	kept := mustOpen(t, res.Kept)
	assertSame(t, "the kept file", snapshot(t, kept), before)
	mustClose(t, kept)
	db = mustOpen(t, path)
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	assertSame(t, "after compacting", snapshot(t, db), before)
	if exact, _, err := db.FindCompanies(ctx, bot.NormalizeName("Hl Ærø Smedie 1"), 1); err != nil || exact == nil {
		t.Errorf("FindCompanies after compacting = %v, %v", exact, err)
	}
	mustContact(t, db, bot.Contact{CompanyID: 1, ConsultantID: anne.ID, Kind: bot.KindPhone, At: days(0)})

	// In use: refused, and nothing changes.
	inUse, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Compact(ctx, path, fixed.Add(1e9)); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("compacting a file in use: err = %v, want ErrLocked", err)
	}
	if now, _ := os.ReadFile(path); string(now) != string(inUse) {
		t.Error("a refused compaction changed the file")
	}
	mustClose(t, db)
	if _, err := storage.Compact(ctx, path+".nope", fixed); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("compacting a missing file: err = %v, want os.ErrNotExist", err)
	}
}
