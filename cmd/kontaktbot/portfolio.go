package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

func (e *env) importCompanies(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("import companies")
	dbPath := e.dbFlag(fs)
	dry := fs.Bool("dry-run", false, "check the file and report, store nothing")
	create := fs.Bool("create-people", false, "register owners the bot does not know yet")
	addresses := fs.Bool("addresses", false, "fill in the addresses of companies already stored, found by CVR or name")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "companies" {
		return errors.New("usage: kontaktbot import companies FILE.csv [--dry-run] [--create-people | --addresses] [--db FILE]")
	}
	f, err := os.Open(pos[1])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	if *create && *addresses {
		return errors.New("import: --addresses fills in companies already stored; it creates no people")
	}
	opt := commands.ImportOptions{DryRun: *dry, CreatePeople: *create, Addresses: *addresses, Lang: bot.Danish}
	var db *storage.DB
	if !running(*dbPath) {
		// A batch job may trade some of the collector's work for memory:
		// a national import's heap stays near 320 MiB instead of growing
		// to twice its live data (peak RSS 550 -> 340-350 MB, 5.0 -> 6.1
		// s; at 256 MiB the collector ran all the time: 12 s for the same
		// RSS). GOMEMLIMIT, when set, says otherwise.
		if e.getenv("GOMEMLIMIT") == "" {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
		}
		// A one-off import never suggests names: it leaves the suggestion
		// index out, and with it a sixth of a national import's memory.
		db, err = storage.Open(*dbPath, storage.Options{Timeout: 2 * time.Second, Clock: e.clock, NoSuggest: true})
	}
	if running(*dbPath) || errors.Is(err, storage.ErrLocked) {
		// The bot is running: it imports, through its socket.
		return e.viaSocket(ctx, *dbPath, importLine(opt), f, func(r io.Reader) error {
			_, err := io.Copy(e.stdout, r)
			return err
		})
	}
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	return e.runImport(ctx, db, f, opt, e.stdout)
}

// importMemoryLimit is the Go runtime's soft memory limit for an import
// run as its own process (see importCompanies).
const importMemoryLimit = 320 << 20

// importLine is the socket request for an import with opt.
func importLine(opt commands.ImportOptions) string {
	line := "import companies"
	if opt.DryRun {
		line += " --dry-run"
	}
	if opt.CreatePeople {
		line += " --create-people"
	}
	if opt.Addresses {
		line += " --addresses"
	}
	return line
}

// runImport imports the CSV in r into db and writes the report to out.
func (e *env) runImport(ctx context.Context, db *storage.DB, r io.Reader, opt commands.ImportOptions, out io.Writer) error {
	res, err := e.service(db).ImportCompanies(ctx, r, opt)
	var ie *commands.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintf(out, "Intet er importeret: %d linje(r) skal rettes.\n%s\n", len(ie.Rows), ie.Error())
		return errors.New("import refused")
	}
	var be *bot.Error
	if errors.As(err, &be) {
		fmt.Fprintf(out, "Intet er importeret: %s\n", be.Message)
		return errors.New("import refused")
	}
	if err != nil {
		return err
	}
	if opt.Addresses {
		verb := "Adresser gemt"
		if opt.DryRun {
			verb = "Prøvekørsel, intet gemt. Ville gemme adresser"
		}
		fmt.Fprintf(out, "%s: %s.\n", verb, counted(res.Companies, "virksomhed", "virksomheder"))
		if len(res.IgnoredColumns) > 0 {
			fmt.Fprintf(out, "Andre kolonner blev sprunget over: %s\n", strings.Join(res.IgnoredColumns, ", "))
		}
		return nil
	}
	importReport(out, res, opt.DryRun)
	return nil
}

func importReport(out io.Writer, res commands.ImportResult, dry bool) {
	verb := "Importeret"
	if dry {
		verb = "Prøvekørsel, intet gemt. Ville importere"
	}
	fmt.Fprintf(out, "%s: %s, %d med seneste kontakt, %d uden fast konsulent.\n", verb, counted(res.Companies, "virksomhed", "virksomheder"), res.Contacts, res.WithoutOwner)
	if len(res.NewPeople) > 0 {
		// A national import names thousands: the first few say enough.
		const named = 20
		names := strings.Join(res.NewPeople[:min(len(res.NewPeople), named)], ", ")
		if more := len(res.NewPeople) - named; more > 0 {
			names += fmt.Sprintf(" og %d mere", more)
		}
		fmt.Fprintf(out, "Nye personer (%d): %s\n", len(res.NewPeople), names)
	}
	if len(res.IgnoredColumns) > 0 {
		fmt.Fprintf(out, "Ukendte kolonner blev sprunget over: %s\n", strings.Join(res.IgnoredColumns, ", "))
	}
}

func (e *env) exportCompanies(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("export companies")
	dbPath := e.dbFlag(fs)
	out := fs.String("out", "", "file to write (default: standard output)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "companies" {
		return errors.New("usage: kontaktbot export companies [--out FILE] [--db FILE]")
	}
	write := func(export func(io.Writer) error) error {
		if *out == "" {
			return export(e.stdout)
		}
		return writeFileAtomic(*out, export)
	}
	var db *storage.DB
	if !running(*dbPath) {
		db, err = e.openReadOnly(*dbPath)
	}
	if running(*dbPath) || errors.Is(err, storage.ErrLocked) {
		// The bot is running: it exports, through its socket.
		return e.viaSocket(ctx, *dbPath, "export companies", nil, func(r io.Reader) error {
			return write(func(w io.Writer) error {
				_, err := io.Copy(w, r)
				return err
			})
		})
	}
	if err != nil {
		return err
	}
	svc := e.service(db)
	if err := errors.Join(write(func(w io.Writer) error { return svc.ExportCompanies(ctx, w) }), db.Close()); err != nil {
		return err
	}
	e.recordExport(ctx, *dbPath, exportEntry(e.clock.Now(), "export companies", *out))
	return nil
}

// writeFileAtomic writes a file through a temporary file in the same
// folder, so a failed export never leaves half a file behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// running reports whether a kontaktbot holding dbPath answers on its
// socket: then it does the work, without waiting for the file's lock.
func running(dbPath string) bool {
	c, err := net.DialTimeout("unix", storage.SocketPath(dbPath), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
