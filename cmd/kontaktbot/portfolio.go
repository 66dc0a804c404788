package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

func (e *env) importCompanies(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("import companies")
	dbPath := e.dbFlag(fs)
	dry := fs.Bool("dry-run", false, "check the file and report, store nothing")
	create := fs.Bool("create-people", false, "register owners the bot does not know yet")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "companies" {
		return errors.New("usage: kontaktbot import companies FILE.csv [--dry-run] [--create-people] [--db FILE]")
	}
	f, err := os.Open(pos[1])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	db, err := e.open(*dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	res, err := e.service(db).ImportCompanies(ctx, f, commands.ImportOptions{DryRun: *dry, CreatePeople: *create, Lang: bot.Danish})
	var ie *commands.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintf(e.stdout, "Intet er importeret: %d linje(r) skal rettes.\n%s\n", len(ie.Rows), ie.Error())
		return errors.New("import refused")
	}
	var be *bot.Error
	if errors.As(err, &be) {
		fmt.Fprintf(e.stdout, "Intet er importeret: %s\n", be.Message)
		return errors.New("import refused")
	}
	if err != nil {
		return err
	}
	e.importReport(res, *dry)
	return nil
}

func (e *env) importReport(res commands.ImportResult, dry bool) {
	verb := "Importeret"
	if dry {
		verb = "Prøvekørsel, intet gemt. Ville importere"
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d med seneste kontakt, %d uden fast konsulent.\n", verb, counted(res.Companies, "virksomhed", "virksomheder"), res.Contacts, res.WithoutOwner)
	if len(res.NewPeople) > 0 {
		fmt.Fprintf(e.stdout, "Nye personer: %s\n", strings.Join(res.NewPeople, ", "))
	}
	if len(res.IgnoredColumns) > 0 {
		fmt.Fprintf(e.stdout, "Ukendte kolonner blev sprunget over: %s\n", strings.Join(res.IgnoredColumns, ", "))
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
	db, err := e.openReadOnly(*dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	svc := e.service(db)
	if *out == "" {
		return svc.ExportCompanies(ctx, e.stdout)
	}
	return writeFileAtomic(*out, func(w io.Writer) error { return svc.ExportCompanies(ctx, w) })
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
