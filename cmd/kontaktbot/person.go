package main

import (
	"archive/zip"
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

// exportPerson runs »kontaktbot export person <navn> --db FILE --out
// FILE.zip«: everything the file holds about one consultant, for an access
// request (GDPR art. 15): their record and identities, the companies they
// are dedicated consultant of, the contacts they logged (with notes), and
// the audit entries by or about them, as CSV files with a README in
// Danish. The export is recorded in the audit trail; with the bot running,
// the bot gathers it and records it, through its socket.
func (e *env) exportPerson(ctx context.Context, args []string) error {
	fs := e.flagSet("export person")
	dbPath := e.dbFlag(fs)
	out := fs.String("out", "", "the zip file to write")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 || pos[0] != "person" || *out == "" {
		return errors.New("usage: kontaktbot export person NAVN --out FIL.zip [--db FIL]")
	}
	name := strings.Join(pos[1:], " ")
	var sum personSummary
	if running(*dbPath) {
		sum, err = e.exportPersonViaSocket(ctx, *dbPath, name, *out)
	} else {
		sum, err = e.exportPersonHere(ctx, *dbPath, name, *out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Alt om %s er skrevet til %s: %d virksomheder, %d kontakter, %d poster i revisionssporet.\n",
		sum.name, *out, sum.owned, sum.contacts, sum.audit)
	return nil
}

// personSummary is what the operator is told of an access request's export.
type personSummary struct {
	name                   string
	owned, contacts, audit int
}

// exportPersonHere exports from the file at dbPath, opened here.
func (e *env) exportPersonHere(ctx context.Context, dbPath, name, out string) (personSummary, error) {
	db, err := e.openToRecord(dbPath)
	if errors.Is(err, storage.ErrLocked) && running(dbPath) {
		return e.exportPersonViaSocket(ctx, dbPath, name, out) // started meanwhile
	}
	if err != nil {
		return personSummary{}, err
	}
	defer db.Close()
	p, files, err := gatherPerson(ctx, db, name)
	if err != nil {
		return personSummary{}, err
	}
	now := e.clock.Now()
	if err := writeFileAtomic(out, func(w io.Writer) error { return files.zip(w, p, now) }); err != nil {
		return personSummary{}, fmt.Errorf("export person: %w", err)
	}
	return files.summary(p), db.Audit(ctx, personExportEntry(now, p, out))
}

// exportPersonViaSocket has the running bot holding dbPath gather the
// export, and record that it did; the zip comes back over the socket.
func (e *env) exportPersonViaSocket(ctx context.Context, dbPath, name, out string) (personSummary, error) {
	var sum personSummary
	err := e.viaSocket(ctx, dbPath, "export person", strings.NewReader(out+"\n"+name), func(r io.Reader) error {
		br := bufio.NewReader(r)
		head, err := br.ReadString('\n')
		f := strings.Split(strings.TrimSuffix(head, "\n"), "\t")
		if err != nil || len(f) != 4 {
			return fmt.Errorf("export person: the running kontaktbot sent no summary")
		}
		sum.name = f[3]
		for i, n := range []*int{&sum.owned, &sum.contacts, &sum.audit} {
			if *n, err = strconv.Atoi(f[i]); err != nil {
				return fmt.Errorf("export person: the running kontaktbot sent no summary: %w", err)
			}
		}
		return writeFileAtomic(out, func(w io.Writer) error {
			_, err := io.Copy(w, br)
			return err
		})
	})
	return sum, err
}

// exportPersonRequest answers »export person« on the socket: the body is
// the file the operator writes and, on the next line, the person's name;
// the answer is a line with the counts and the name, tab-separated, then
// the zip. The export is recorded once it is made.
func (e *env) exportPersonRequest(ctx context.Context, db *storage.DB, r io.Reader, out *bytes.Buffer) error {
	body, err := io.ReadAll(io.LimitReader(r, 8192))
	if err != nil {
		return fmt.Errorf("export person: %w", err)
	}
	file, name, _ := strings.Cut(string(body), "\n")
	p, files, err := gatherPerson(ctx, db, strings.TrimSpace(name))
	if err != nil {
		return err
	}
	now := e.clock.Now()
	var zipData bytes.Buffer
	if err := files.zip(&zipData, p, now); err != nil {
		return fmt.Errorf("export person: %w", err)
	}
	sum := files.summary(p)
	fmt.Fprintf(out, "%d\t%d\t%d\t%s\n", sum.owned, sum.contacts, sum.audit, strings.ReplaceAll(p.Name, "\t", " "))
	out.Write(zipData.Bytes())
	e.log.Info("person export through the socket", "person", p.ID)
	return db.Audit(ctx, personExportEntry(now, p, strings.TrimSpace(file)))
}

// gatherPerson finds the consultant called name in db and gathers what the
// file holds about them.
func gatherPerson(ctx context.Context, db *storage.DB, name string) (bot.Consultant, personFiles, error) {
	var files personFiles
	p, err := db.ConsultantByName(ctx, name)
	if errors.Is(err, bot.ErrNotFound) {
		return p, files, fmt.Errorf("ingen person hedder %q (skriv navnet, som »personer« viser det)", name)
	}
	if err != nil {
		return p, files, err
	}
	err = db.ReadRecords(ctx, func(r bot.Records) error { return files.read(r, p) })
	if err == nil {
		err = db.EachAudit(ctx, bot.AuditFilter{PersonID: p.ID}, func(a bot.AuditEntry) error {
			files.audit = append(files.audit, a)
			return nil
		})
	}
	if err != nil {
		return p, files, fmt.Errorf("export person: %w", err)
	}
	return p, files, nil
}

// personExportEntry records an access request's export of p to out.
func personExportEntry(now time.Time, p bot.Consultant, out string) bot.AuditEntry {
	return bot.AuditEntry{At: now, Actor: "kontaktbot export person", JobcenterID: p.JobcenterID, PersonID: p.ID,
		Action: bot.AuditExport, Subject: p.Name, Detail: "access request to " + out}
}

func (f *personFiles) summary(p bot.Consultant) personSummary {
	return personSummary{name: p.Name, owned: len(f.owned), contacts: len(f.contacts), audit: len(f.audit)}
}

// personFiles is what an access request gathers about one consultant.
type personFiles struct {
	jobcenters map[uint64]string
	companies  map[uint64]string
	owned      []bot.Company
	contacts   []bot.Contact
	audit      []bot.AuditEntry
}

func (f *personFiles) read(r bot.Records, p bot.Consultant) error {
	f.jobcenters, f.companies = map[uint64]string{}, map[uint64]string{}
	jcs, err := r.Jobcenters()
	if err != nil {
		return err
	}
	for _, j := range jcs {
		f.jobcenters[j.ID] = j.Name
	}
	err = r.EachCompany(func(co bot.Company) error {
		f.companies[co.ID] = co.Name
		if co.OwnerID == p.ID {
			f.owned = append(f.owned, co)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return r.EachContact(func(c bot.Contact) error {
		if c.ConsultantID == p.ID {
			f.contacts = append(f.contacts, c)
		}
		return nil
	})
}

// zip writes the files: a README and one CSV each, as the other exports
// write CSV (BOM, ';', formulas defused).
func (f *personFiles) zip(w io.Writer, p bot.Consultant, now time.Time) error {
	zw := zip.NewWriter(w)
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(bot.Copenhagen).Format(time.DateOnly)
	}
	id := func(n uint64) string { return strconv.FormatUint(n, 10) }
	tables := []struct {
		name   string
		header []string
		rows   [][]string
	}{
		{"person.csv", []string{"id", "navn", "jobcenter", "rolle", "sprog", "fraværende_til", "oprettet"},
			[][]string{{id(p.ID), p.Name, f.jobcenters[p.JobcenterID], string(p.Role), string(p.Lang), day(p.AwayUntil), day(p.Created)}}},
		{"identiteter.csv", []string{"platform", "organisation", "bruger"}, nil},
		{"virksomheder.csv", []string{"id", "navn", "cvr", "status", "fast_konsulent_siden", "seneste_kontakt"}, nil},
		{"kontakter.csv", []string{"id", "virksomhed", "dato", "type", "note", "opfølgning", "logget"}, nil},
		{"revisionsspor.csv", auditHeader, nil},
	}
	for _, i := range p.Identities {
		tables[1].rows = append(tables[1].rows, []string{i.Platform, i.Team, i.User})
	}
	for _, co := range f.owned {
		tables[2].rows = append(tables[2].rows, []string{id(co.ID), co.Name, co.CVR, string(co.Status), day(co.OwnerSince), day(co.LastContact)})
	}
	for _, c := range f.contacts {
		tables[3].rows = append(tables[3].rows, []string{id(c.ID), f.companies[c.CompanyID], day(c.At), string(c.Kind), c.Note, day(c.FollowUp), day(c.Logged)})
	}
	for _, a := range f.audit {
		tables[4].rows = append(tables[4].rows, []string{id(a.Seq), a.At.In(bot.Copenhagen).Format(time.RFC3339), id(a.ActorID), a.Actor,
			id(a.JobcenterID), id(a.PersonID), string(a.Action), a.Subject, a.Detail, a.Prev})
	}
	readme, err := zw.Create("LÆS_MIG.txt")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(readme, personReadme(p, now, len(f.owned), len(f.contacts), len(f.audit))); err != nil {
		return err
	}
	for _, t := range tables {
		fw, err := zw.Create(t.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, "\ufeff"); err != nil {
			return err
		}
		cw := csv.NewWriter(fw)
		cw.Comma = ';'
		cw.Write(t.header)
		for _, r := range t.rows {
			for i := range r {
				r[i] = commands.CSVCell(r[i])
			}
			cw.Write(r)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return zw.Close()
}

// personReadme says, in Danish, what the export holds and what it leaves
// out.
func personReadme(p bot.Consultant, now time.Time, owned, contacts, audit int) string {
	return "Indsigt: alt, kontaktbot gemmer om " + p.Name + "\n" +
		"Udtrukket " + now.In(bot.Copenhagen).Format("02.01.2006 15:04") + " med »kontaktbot export person«.\n\n" +
		"person.csv          personens post: navn, jobcenter, rolle, sprog, fravær, oprettet\n" +
		"identiteter.csv     de Slack-, Teams- og konsol-identiteter, personen kendes under\n" +
		"virksomheder.csv    de " + strconv.Itoa(owned) + " virksomheder, personen er fast konsulent for\n" +
		"kontakter.csv       de " + strconv.Itoa(contacts) + " kontakter, personen har noteret, med noterne\n" +
		"revisionsspor.csv   de " + strconv.Itoa(audit) + " poster i revisionssporet, som personen har udført, eller som handler om personen\n\n" +
		"Filerne er CSV med semikolon og UTF-8 (åbnes i Excel). Noter handler om virksomheder, men kan\n" +
		"nævne andre personer (fx en kontaktperson); gennemse dem, før udtrækket udleveres.\n" +
		"Beskeder i Slack og Teams (påmindelser, svar på kommandoer) ligger hos Slack og Microsoft under\n" +
		"deres egne opbevaringsregler og er ikke med her.\n"
}
