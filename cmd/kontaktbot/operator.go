package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// The operator's subcommands while the bot runs. bbolt lets one process
// open the file, so `import` and `export` against a running console or
// server ask it over its socket (storage.ServeSocket) to do the work: a
// jobcenter's portfolio is added with no downtime. The answer's first line
// is "ok" or "error"; the rest is the report, or the export itself.

// operatorRequests answers import and export requests on db's socket,
// and the exports of the audit trail and of a person's data.
func (e *env) operatorRequests(db *storage.DB) storage.SocketHandler {
	return func(ctx context.Context, line string, r io.Reader, w io.Writer) {
		var out bytes.Buffer
		var err error
		words := strings.Fields(line)
		switch {
		case len(words) >= 2 && words[0] == "import" && words[1] == "companies":
			opt := commands.ImportOptions{Lang: bot.Danish}
			for _, f := range words[2:] {
				switch f {
				case "--dry-run":
					opt.DryRun = true
				case "--create-people":
					opt.CreatePeople = true
				case "--addresses":
					opt.Addresses = true
				default:
					err = fmt.Errorf("unknown import option %q", f)
				}
			}
			if err == nil {
				err = e.runImport(ctx, db, r, opt, &out)
				e.log.Info("import through the socket", "dry_run", opt.DryRun, "create_people", opt.CreatePeople, "addresses", opt.Addresses, "ok", err == nil)
			}
		case len(words) >= 2 && words[0] == "import" && words[1] == "all":
			err = e.importAllRequest(ctx, db, words[2:], r, &out)
		case len(words) >= 2 && words[0] == "export" && words[1] == "all":
			opt := commands.ExportOptions{Lang: bot.Danish}
			if len(words) > 3 && words[2] == "--jobcenter" {
				opt.Jobcenter = strings.Join(words[3:], " ")
			} else if len(words) != 2 {
				err = fmt.Errorf("unknown export option %q", strings.Join(words[2:], " "))
			}
			if err == nil {
				zw := zip.NewWriter(&out)
				err = errors.Join(refusal(e.service(db).ExportAll(ctx, zipSink{zw}, opt)), zw.Close())
				e.log.Info("whole export through the socket", "jobcenter", opt.Jobcenter, "ok", err == nil)
				if err != nil {
					out.Reset()
				} else {
					err = db.Audit(ctx, exportEntry(e.clock.Now(), line, "socket"))
				}
			}
		case line == "audit export":
			err = e.auditTrailRequest(ctx, db, r, &out)
		case line == "export person":
			err = e.exportPersonRequest(ctx, db, r, &out)
		case line == "export companies":
			err = e.service(db).ExportCompanies(ctx, &out)
			e.log.Info("export through the socket", "ok", err == nil)
			if err == nil {
				err = db.Audit(ctx, exportEntry(e.clock.Now(), line, "socket"))
			}
		default:
			err = fmt.Errorf("unknown request %q", line)
		}
		if err != nil {
			fmt.Fprintf(w, "error\n%s%v\n", out.String(), err)
			return
		}
		io.WriteString(w, "ok\n")
		w.Write(out.Bytes())
	}
}

// importAllRequest imports the zip in r, a whole export, into db.
func (e *env) importAllRequest(ctx context.Context, db *storage.DB, flags []string, r io.Reader, out *bytes.Buffer) error {
	opt := commands.ImportOptions{Lang: bot.Danish}
	for _, f := range flags {
		if f != "--dry-run" {
			return fmt.Errorf("unknown import option %q", f)
		}
		opt.DryRun = true
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("import: not a zip: %w", err)
	}
	err = e.runImportAll(ctx, db, zr, opt, out)
	e.log.Info("whole import through the socket", "dry_run", opt.DryRun, "ok", err == nil)
	return err
}

// viaSocket sends a request and its body to the process holding dbPath
// and hands a successful answer to read; an error answer is printed and
// returned.
func (e *env) viaSocket(ctx context.Context, dbPath, line string, body io.Reader, read func(io.Reader) error) error {
	conn, err := storage.DialSocket(ctx, dbPath, line)
	if err != nil {
		return fmt.Errorf("%s is in use by a running kontaktbot, and its socket does not answer (%v): stop it, or upgrade it", dbPath, err)
	}
	defer conn.Close()
	if body != nil {
		if _, err := io.Copy(conn, body); err != nil {
			return fmt.Errorf("sending to the running kontaktbot: %w", err)
		}
	}
	conn.CloseWrite()
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil {
		return fmt.Errorf("the running kontaktbot did not answer: %w", err)
	}
	if strings.TrimSpace(status) == "ok" {
		return read(br)
	}
	msg, _ := io.ReadAll(br)
	text := strings.TrimSpace(string(msg))
	lines := strings.Split(text, "\n")
	// The last line is the error; the lines before it, a report.
	if len(lines) > 1 {
		fmt.Fprintln(e.stdout, strings.Join(lines[:len(lines)-1], "\n"))
	}
	return errors.New(lines[len(lines)-1])
}
