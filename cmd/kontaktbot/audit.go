package main

import (
	"bufio"
	"bytes"
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
// export is itself recorded in the trail; with the bot running, the bot
// writes the CSV and records it, through its socket.
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
	var n int
	if running(*dbPath) {
		n, err = e.auditTrailViaSocket(ctx, *dbPath, *out)
	} else {
		n, err = e.auditTrailHere(ctx, *dbPath, *out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Revisionssporet (%d poster) er skrevet til %s.\n", n, *out)
	return nil
}

// auditTrailHere exports the trail of the file at dbPath, opened here.
func (e *env) auditTrailHere(ctx context.Context, dbPath, out string) (int, error) {
	db, err := e.openToRecord(dbPath)
	if errors.Is(err, storage.ErrLocked) && running(dbPath) {
		return e.auditTrailViaSocket(ctx, dbPath, out) // started meanwhile
	}
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	var broken error
	err = writeFileAtomic(out, func(w io.Writer) (err error) {
		n, broken, err = writeAuditTrail(ctx, db, w)
		return err
	})
	if broken != nil {
		fmt.Fprintf(e.stderr, "Advarsel: %v. Eksporten er taget alligevel.\n", broken)
	}
	if err != nil {
		return 0, fmt.Errorf("audit export: %w", err)
	}
	return n, db.Audit(ctx, auditExportEntry(e.clock.Now(), n, out))
}

// auditTrailViaSocket has the running bot holding dbPath write the trail,
// and record that it did; the CSV comes back over the socket.
func (e *env) auditTrailViaSocket(ctx context.Context, dbPath, out string) (int, error) {
	var n int
	err := e.viaSocket(ctx, dbPath, "audit export", strings.NewReader(out), func(r io.Reader) error {
		br := bufio.NewReader(r)
		head, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("audit export: the running kontaktbot sent no count: %w", err)
		}
		count, warning, _ := strings.Cut(strings.TrimSuffix(head, "\n"), "\t")
		if n, err = strconv.Atoi(count); err != nil {
			return fmt.Errorf("audit export: the running kontaktbot sent no count: %w", err)
		}
		if warning != "" {
			fmt.Fprintf(e.stderr, "Advarsel: %s. Eksporten er taget alligevel.\n", warning)
		}
		return writeFileAtomic(out, func(w io.Writer) error {
			_, err := io.Copy(w, br)
			return err
		})
	})
	return n, err
}

// auditTrailRequest answers »audit export« on the socket: the body names
// the file the operator writes; the answer is a line with the count of
// entries and, after a tab, a broken chain's warning, then the CSV. The
// export is recorded once it is sent.
func (e *env) auditTrailRequest(ctx context.Context, db *storage.DB, r io.Reader, out *bytes.Buffer) error {
	name, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return fmt.Errorf("audit export: %w", err)
	}
	var csvData bytes.Buffer
	n, broken, err := writeAuditTrail(ctx, db, &csvData)
	if err != nil {
		return fmt.Errorf("audit export: %w", err)
	}
	fmt.Fprintf(out, "%d", n)
	if broken != nil {
		fmt.Fprintf(out, "\t%s", strings.ReplaceAll(broken.Error(), "\n", " "))
	}
	out.WriteString("\n")
	out.Write(csvData.Bytes())
	e.log.Info("audit export through the socket", "entries", n)
	return db.Audit(ctx, auditExportEntry(e.clock.Now(), n, strings.TrimSpace(string(name))))
}

// writeAuditTrail writes db's whole trail as CSV to w and returns how many
// entries it wrote and, when the chain does not verify, why: the export is
// made all the same, for the data protection officer to see.
func writeAuditTrail(ctx context.Context, db *storage.DB, w io.Writer) (n int, broken, err error) {
	_, broken = db.VerifyAudit(ctx)
	cw, err := auditCSV(w)
	if err != nil {
		return 0, broken, err
	}
	err = db.EachAudit(ctx, bot.AuditFilter{}, func(a bot.AuditEntry) error {
		n++
		return writeAuditRow(cw, a)
	})
	cw.Flush()
	return n, broken, errors.Join(err, cw.Error())
}

// auditExportEntry records an export of the trail of n entries to out.
func auditExportEntry(now time.Time, n int, out string) bot.AuditEntry {
	return bot.AuditEntry{At: now, Actor: "kontaktbot audit export", Action: bot.AuditExport,
		Subject: "audit", Detail: strconv.Itoa(n) + " entries to " + out}
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
