package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// check runs the quick check of Open and then the full page walk on a
// database file: »kontaktbot check --db FILE«. It changes nothing.
func (e *env) check(ctx context.Context, args []string) error {
	fs := e.flagSet("check")
	dbPath := e.dbFlag(fs)
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		return errors.New("usage: kontaktbot check [--db FILE]")
	}
	db, err := e.openReadOnly(*dbPath)
	if errors.Is(err, storage.ErrLocked) {
		return fmt.Errorf("%w: check a fresh backup instead (kontaktbot backup --db %s --to kopi.db, then kontaktbot check --db kopi.db)", err, *dbPath)
	}
	if err != nil {
		return err
	}
	cerr := db.Check()
	var entries int
	if cerr == nil {
		// Each audit entry carries the hash of the one before: a changed
		// or removed entry breaks the chain.
		entries, cerr = db.VerifyAudit(ctx)
		if errors.Is(cerr, storage.ErrAuditBroken) {
			cerr = fmt.Errorf("revisionssporet i %s er ændret uden om kontaktbot: %w", *dbPath, cerr)
		}
	}
	if err := errors.Join(cerr, db.Close()); err != nil {
		return err
	}
	st, err := os.Stat(*dbPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "OK: %s (%d bytes): hver side er kontrolleret, og skemaet er version %d. Revisionssporets kæde holder (%d poster).\n",
		*dbPath, st.Size(), storage.SchemaVersion, entries)
	return nil
}

// restore replaces a database file with a checked backup: »kontaktbot
// restore --from BACKUP --db FILE«, with the bot stopped.
func (e *env) restore(ctx context.Context, args []string) error {
	fs := e.flagSet("restore")
	dbPath := e.dbFlag(fs)
	from := fs.String("from", "", "the backup file to restore")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) != 0 || *from == "" {
		return errors.New("usage: kontaktbot restore --from BACKUP --db FILE")
	}
	kept, err := storage.Restore(ctx, *from, *dbPath, time.Now())
	if err != nil {
		return err
	}
	// The restored file records that it was restored, and from what.
	db, err := e.open(*dbPath)
	if err == nil {
		err = errors.Join(db.Audit(ctx, bot.AuditEntry{At: e.clock.Now(), Actor: "kontaktbot restore", Action: bot.AuditRestore,
			Subject: *from, Detail: "replaced file kept as " + kept}), db.Close())
	}
	if err != nil {
		return fmt.Errorf("restored %s, but could not record it in its audit trail: %w", *dbPath, err)
	}
	if kept != "" {
		fmt.Fprintf(e.stdout, "Den tidligere fil er gemt som %s.\n", kept)
	}
	fmt.Fprintf(e.stdout, "Gendannet: %s fra %s (kontrolleret først).\n", *dbPath, *from)
	return nil
}

// compact rewrites a database file with full pages: »kontaktbot compact
// --db FILE«, with the bot stopped.
func (e *env) compact(ctx context.Context, args []string) error {
	fs := e.flagSet("compact")
	dbPath := e.dbFlag(fs)
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		return errors.New("usage: kontaktbot compact [--db FILE]")
	}
	res, err := storage.Compact(ctx, *dbPath, time.Now())
	if errors.Is(err, storage.ErrLocked) {
		return fmt.Errorf("%w: stop the bot first; compacting needs the file to itself", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Komprimeret: %s fra %s til %s (kontrolleret). Den tidligere fil er gemt som %s; slet den, når du har set, at botten kører.\n",
		*dbPath, megabytes(res.Before), megabytes(res.After), res.Kept)
	return nil
}

// megabytes writes n bytes as MB with one decimal, Danish style.
func megabytes(n int64) string {
	return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/1e6), ".", ",", 1)
}
