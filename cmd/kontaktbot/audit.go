package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// auditTrail runs »kontaktbot audit export --db FILE --out FILE.csv«: the
// whole audit trail, oldest first, for the data protection officer. The
// export is itself recorded, so the file is opened for writing: with the
// bot running, stop it or export from a fresh backup.
func (e *env) auditTrail(ctx context.Context, args []string) error {
	fs := e.flagSet("audit")
	dbPath := e.dbFlag(fs)
	out := fs.String("out", "", "the CSV file to write")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "export" || *out == "" {
		return errors.New("usage: kontaktbot audit export --out FILE.csv [--db FILE]")
	}
	db, err := e.openToRecord(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.VerifyAudit(ctx); err != nil {
		fmt.Fprintf(e.stderr, "Advarsel: %v. Eksporten tages alligevel.\n", err)
	}
	n := 0
	err = writeFileAtomic(*out, func(w io.Writer) error {
		cw, err := auditCSV(w)
		if err != nil {
			return err
		}
		err = db.EachAudit(ctx, bot.AuditFilter{}, func(a bot.AuditEntry) error {
			n++
			return writeAuditRow(cw, a)
		})
		cw.Flush()
		return errors.Join(err, cw.Error())
	})
	if err != nil {
		return fmt.Errorf("audit export: %w", err)
	}
	if err := db.Audit(ctx, bot.AuditEntry{At: e.clock.Now(), Actor: "kontaktbot audit export", Action: bot.AuditExport,
		Subject: "audit", Detail: strconv.Itoa(n) + " entries to " + *out}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Revisionssporet (%d poster) er skrevet til %s.\n", n, *out)
	return nil
}

// openToRecord opens a file for an operator's act that must be recorded
// in its audit trail: writable, and an existing file only.
func (e *env) openToRecord(path string) (*storage.DB, error) {
	ro, err := e.openReadOnly(path) // a mistyped --db is an error, not a new file
	if err == nil {
		err = ro.Close()
	}
	if err != nil {
		if errors.Is(err, storage.ErrLocked) {
			return nil, fmt.Errorf("%w: this is recorded in the file's audit trail, so it needs the file to itself; stop the bot for a moment", err)
		}
		return nil, err
	}
	return e.open(path)
}

// auditHeader are the columns of the audit CSV.
var auditHeader = []string{"nr", "tidspunkt", "udført_af_id", "udført_af", "jobcenter_id", "person_id", "handling", "emne", "detaljer", "forrige_hash"}

// auditCSV starts a CSV as the other exports write them: a BOM, so that
// Excel reads UTF-8, and ';'.
func auditCSV(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return cw, cw.Write(auditHeader)
}

func writeAuditRow(cw *csv.Writer, a bot.AuditEntry) error {
	return cw.Write([]string{strconv.FormatUint(a.Seq, 10), a.At.In(bot.Copenhagen).Format(time.RFC3339),
		strconv.FormatUint(a.ActorID, 10), commands.CSVCell(a.Actor), strconv.FormatUint(a.JobcenterID, 10), strconv.FormatUint(a.PersonID, 10),
		string(a.Action), commands.CSVCell(a.Subject), commands.CSVCell(a.Detail), a.Prev})
}

// defaultAuditKeepYears is how long audit entries are kept unless
// KONTAKTBOT_AUDIT_KEEP_YEARS says otherwise.
const defaultAuditKeepYears = 5

// auditKeepYears reads KONTAKTBOT_AUDIT_KEEP_YEARS: whole years, 1 to 50.
func auditKeepYears(s string) (int, error) {
	if s == "" {
		return defaultAuditKeepYears, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 50 {
		return 0, fmt.Errorf("KONTAKTBOT_AUDIT_KEEP_YEARS=%q: write a whole number of years from 1 to 50, e.g. 5", s)
	}
	return n, nil
}

// auditPrune is the scheduler task that removes the audit entries older
// than KONTAKTBOT_AUDIT_KEEP_YEARS, once a day (the scheduler checks every
// minute; PruneAudit is idempotent, so a restart repeats it harmlessly).
func (e *env) auditPrune(db *storage.DB) (func(ctx context.Context, now time.Time) error, error) {
	years, err := auditKeepYears(e.getenv("KONTAKTBOT_AUDIT_KEEP_YEARS"))
	if err != nil {
		return nil, err
	}
	var done time.Time
	return func(ctx context.Context, now time.Time) error {
		day := bot.Day(now)
		if day.Equal(done) {
			return nil
		}
		n, err := db.PruneAudit(ctx, now.AddDate(-years, 0, 0))
		if err != nil {
			return err
		}
		if n > 0 {
			e.log.Info("pruned the audit trail", "entries", n, "keep_years", years)
		}
		done = day
		return nil
	}, nil
}

// exportEntry is the audit entry of an export (»export all«, »export
// companies«) written to out.
func exportEntry(now time.Time, what, out string) bot.AuditEntry {
	if out == "" {
		out = "stdout"
	}
	return bot.AuditEntry{At: now, Actor: "kontaktbot " + what, Action: bot.AuditExport, Subject: what, Detail: "to " + out}
}

// recordExport records an export made from a file opened read-only, once
// that is closed. A file that cannot be opened for writing (a copy on a
// read-only disk, or the bot started meanwhile) keeps the export
// unrecorded, and the operator is told so.
func (e *env) recordExport(ctx context.Context, dbPath string, entry bot.AuditEntry) {
	e.record(ctx, dbPath, "eksporten", entry)
}

// record appends entry to the trail of the file at dbPath, for an act
// (what, in Danish: »eksporten«, »backuppen«) done on the file opened
// read-only, once that is closed; the operator is told when it cannot be.
func (e *env) record(ctx context.Context, dbPath, what string, entry bot.AuditEntry) {
	db, err := e.open(dbPath)
	if err == nil {
		err = errors.Join(db.Audit(ctx, entry), db.Close())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "Advarsel: %s er ikke registreret i revisionssporet: %v\n", what, err)
		e.log.Warn("not recorded in the audit trail", "action", entry.Action, "err", err)
	}
}
