package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// A whole export (export all) goes to a folder of CSV files or to a zip
// of them; a whole import (import all) reads either. Through a running
// bot's socket both travel as a zip.

func (e *env) exportAll(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("export all")
	dbPath := e.dbFlag(fs)
	out := fs.String("out", "", "folder to write the CSV files to, or FILE.zip")
	jobcenter := fs.String("jobcenter", "", "only what this jobcenter owns")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "all" || *out == "" {
		return errors.New("usage: kontaktbot export all --out FOLDER|FILE.zip [--jobcenter NAME] [--db FILE]")
	}
	opt := commands.ExportOptions{Jobcenter: *jobcenter, Lang: bot.Danish}
	var db *storage.DB
	if !running(*dbPath) {
		db, err = e.openReadOnly(*dbPath)
	}
	if running(*dbPath) || errors.Is(err, storage.ErrLocked) {
		// The bot is running: it exports, through its socket, as a zip.
		return e.viaSocket(ctx, *dbPath, exportAllLine(opt), nil, func(r io.Reader) error {
			data, err := io.ReadAll(r)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return fmt.Errorf("export: the running kontaktbot sent no zip: %w", err)
			}
			return writeExport(*out, func(sink commands.FileSink) error { return copyFiles(sink, zr) })
		})
	}
	if err != nil {
		return err
	}
	svc := e.service(db)
	if err := errors.Join(writeExport(*out, func(sink commands.FileSink) error { return svc.ExportAll(ctx, sink, opt) }), db.Close()); err != nil {
		return refusal(err)
	}
	e.recordExport(ctx, *dbPath, exportEntry(e.clock.Now(), exportAllLine(opt), *out))
	return nil
}

// refusal is err, or a refusal's message alone.
func refusal(err error) error {
	var be *bot.Error
	if errors.As(err, &be) {
		return errors.New(be.Message)
	}
	return err
}

// exportAllLine is the socket request for a whole export.
func exportAllLine(opt commands.ExportOptions) string {
	if opt.Jobcenter == "" {
		return "export all"
	}
	return "export all --jobcenter " + strings.Join(strings.Fields(opt.Jobcenter), " ")
}

// writeExport lets export write its files to out: a zip when out ends in
// .zip, else a folder (made if need be). Nothing is left half written: the
// zip is renamed into place once whole, and each CSV file too.
func writeExport(out string, export func(commands.FileSink) error) error {
	if strings.EqualFold(filepath.Ext(out), ".zip") {
		return writeFileAtomic(out, func(w io.Writer) error {
			zw := zip.NewWriter(w)
			if err := export(zipSink{zw}); err != nil {
				return err
			}
			return zw.Close()
		})
	}
	if err := os.MkdirAll(out, 0o750); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	sink := &dirSink{dir: out}
	err := export(sink)
	return errors.Join(err, sink.finish(err == nil))
}

// zipEpoch is the time every file of an exported zip carries: the same
// data makes the same bytes, whenever it is exported.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// zipSink writes an export's files into a zip.
type zipSink struct{ zw *zip.Writer }

func (z zipSink) Create(name string) (io.Writer, error) {
	return z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipEpoch})
}

// dirSink writes an export's files into a folder, each through a
// temporary file renamed into place when the next one starts (or at the
// end), so a reader never sees half a file.
type dirSink struct {
	dir  string
	tmp  *os.File
	name string
}

func (d *dirSink) Create(name string) (io.Writer, error) {
	if err := d.finish(true); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(d.dir, ".export-*")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	d.tmp, d.name = tmp, name
	return tmp, nil
}

// finish puts the file being written in place (keep) or removes it.
func (d *dirSink) finish(keep bool) error {
	if d.tmp == nil {
		return nil
	}
	tmp := d.tmp
	d.tmp = nil
	err := tmp.Close()
	if keep && err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(d.dir, d.name))
	}
	if err != nil || !keep {
		os.Remove(tmp.Name())
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// copyFiles writes the export's files found in src to sink, in order.
func copyFiles(sink commands.FileSink, src fs.FS) error {
	for _, name := range commands.ArchiveFiles {
		f, err := src.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		w, err := sink.Create(name)
		if err == nil {
			_, err = io.Copy(w, f)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (e *env) importAll(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("import all")
	dbPath := e.dbFlag(fs)
	dry := fs.Bool("dry-run", false, "check everything and report, store nothing")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "all" {
		return errors.New("usage: kontaktbot import all FOLDER|FILE.zip [--dry-run] [--db FILE]")
	}
	src, closeSrc, err := openArchive(pos[1])
	if err != nil {
		return err
	}
	defer closeSrc()
	opt := commands.ImportOptions{DryRun: *dry, Lang: bot.Danish}
	if running(*dbPath) {
		return e.importAllViaSocket(ctx, *dbPath, src, opt)
	}
	if e.getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	if _, err := os.Stat(*dbPath); errors.Is(err, os.ErrNotExist) && !*dry {
		// A new file is built aside and renamed into place when whole: a
		// failure anywhere leaves nothing behind.
		return e.importAllNew(ctx, *dbPath, src, opt)
	}
	path, cleanup := *dbPath, func() {}
	if _, err := os.Stat(*dbPath); errors.Is(err, os.ErrNotExist) {
		// A dry run into a file that does not exist checks against an
		// empty one, and makes none.
		dir, err := os.MkdirTemp(filepath.Dir(*dbPath), ".import-dry-*")
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		path, cleanup = filepath.Join(dir, "dry.db"), func() { os.RemoveAll(dir) }
	}
	defer cleanup()
	db, err := storage.Open(path, storage.Options{Timeout: 2 * time.Second, Clock: e.clock, NoSuggest: true})
	if errors.Is(err, storage.ErrLocked) {
		return e.importAllViaSocket(ctx, *dbPath, src, opt)
	}
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	return e.runImportAll(ctx, db, src, opt, e.stdout)
}

// importAllNew builds the new file dbPath from src.
func (e *env) importAllNew(ctx context.Context, dbPath string, src fs.FS, opt commands.ImportOptions) error {
	dir, err := os.MkdirTemp(filepath.Dir(dbPath), ".import-*")
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, filepath.Base(dbPath))
	db, err := storage.Open(tmp, storage.Options{Timeout: 2 * time.Second, Clock: e.clock, NoSuggest: true})
	if err != nil {
		return err
	}
	err = e.runImportAll(ctx, db, src, opt, e.stdout)
	if err = errors.Join(err, db.Close()); err != nil {
		return err
	}
	if _, err := os.Stat(dbPath); err == nil {
		return fmt.Errorf("import: %s appeared while importing; nothing was imported", dbPath)
	}
	return os.Rename(tmp, dbPath)
}

// importAllViaSocket sends src as a zip to the bot running on dbPath.
func (e *env) importAllViaSocket(ctx context.Context, dbPath string, src fs.FS, opt commands.ImportOptions) error {
	var body bytes.Buffer
	zw := zip.NewWriter(&body)
	if err := copyFiles(zipSink{zw}, src); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	line := "import all"
	if opt.DryRun {
		line += " --dry-run"
	}
	return e.viaSocket(ctx, dbPath, line, &body, func(r io.Reader) error {
		_, err := io.Copy(e.stdout, r)
		return err
	})
}

// openArchive opens a folder or a zip of an export for reading.
func openArchive(path string) (fs.FS, func(), error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("import: %w", err)
	}
	if info.IsDir() {
		return os.DirFS(path), func() {}, nil
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, fmt.Errorf("import: %s is neither a folder nor a zip: %w", path, err)
	}
	return zr, func() { zr.Close() }, nil
}

// runImportAll imports the export in src into db and writes the report
// to out.
func (e *env) runImportAll(ctx context.Context, db *storage.DB, src fs.FS, opt commands.ImportOptions, out io.Writer) error {
	res, err := e.service(db).ImportAll(ctx, src, opt)
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
	verb := "Importeret"
	if opt.DryRun {
		verb = "Prøvekørsel, intet gemt. Ville importere"
	}
	fmt.Fprintf(out, "%s: %s, %s, %s, %s, %s.\n", verb, counted(res.Jobcenters, "jobcenter", "jobcentre"), counted(res.People, "person", "personer"),
		counted(res.Companies, "virksomhed", "virksomheder"), counted(res.Contacts, "kontakt", "kontakter"), counted(res.Positions, "stilling", "stillinger"))
	if len(res.IgnoredColumns) > 0 {
		fmt.Fprintf(out, "Ukendte kolonner blev sprunget over: %s\n", strings.Join(res.IgnoredColumns, ", "))
	}
	return nil
}
