package commands

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kontaktbot/bot"
)

// The columns each file of a whole export takes, with the Danish names a
// spreadsheet may give them (compared as bot.NormalizeName does).
var (
	jobcenterCols = map[string][]string{
		"name": {"name", "navn", "jobcenter"}, "partners": {"partners", "partnere"},
		"closed_days": {"closed days", "lukkedage"}, "channels": {"channels", "kanaler"}, "created": {"created", "oprettet"},
	}
	personCols = map[string][]string{
		"name": {"name", "navn"}, "jobcenter": {"jobcenter"}, "role": {"role", "rolle"}, "lang": {"lang", "sprog"},
		"identities": {"identities", "identiteter"}, "away_until": {"away until", "vaek til", "fravaer til"},
		"standin": {"standin", "stand in", "stedfortraeder"}, "created": {"created", "oprettet"},
	}
	contactCols = map[string][]string{
		"company": {"company", "virksomhed"}, "at": {"at", "tidspunkt"}, "kind": {"kind", "art"},
		"consultant": {"consultant", "konsulent"}, "note": {"note", "notat"}, "follow_up": {"follow up", "opfoelgning"},
		"logged": {"logged", "registreret"},
	}
	positionCols = map[string][]string{
		"nr": {"nr", "number", "nummer"}, "company": {"company", "virksomhed"}, "title": {"title", "titel"},
		"count": {"count", "antal"}, "filled": {"filled", "besat"}, "requirements": {"requirements", "krav"},
		"place": {"place", "sted"}, "type": {"type"}, "deadline": {"deadline", "frist"}, "start": {"start"},
		"status": {"status"}, "consultant": {"consultant", "konsulent"}, "jobcenter": {"jobcenter"},
		"created": {"created", "oprettet"}, "announced": {"announced", "opslag"}, "history": {"history", "historik"},
	}
	// companyAllCols are the companies export's columns and the owner's
	// jobcenter, which a whole export adds.
	companyAllCols = func() map[string][]string {
		m := maps.Clone(columns)
		m["jobcenter"] = []string{"jobcenter"}
		return m
	}()
)

// ArchiveResult says what a whole import stored (or, dry, would store).
type ArchiveResult struct {
	Jobcenters, People, Companies, Contacts, Positions int
	// IgnoredColumns are the unknown columns, each as "file: column".
	IgnoredColumns []string
}

// ImportAll reads a whole export (the files ArchiveFiles in fsys: a folder
// or a zip) into the store, which must hold no jobcenter, person, company
// or position yet. Every row of every file is checked, and every name a
// row refers to looked up in the files, before anything is stored; bad
// rows are reported together in an *ImportError by file, line and
// reason. virksomheder.csv is required; a missing other file holds
// nothing.
func (s *Service) ImportAll(ctx context.Context, fsys fs.FS, opt ImportOptions) (ArchiveResult, error) {
	var res ArchiveResult
	c := &call{now: s.clock.Now().In(bot.Copenhagen), lang: opt.Lang}
	if err := s.archiveEmpty(ctx, c); err != nil {
		return res, err
	}
	in, err := s.readArchive(ctx, c, fsys, &res)
	if err != nil {
		return res, err
	}
	res.Jobcenters, res.People, res.Companies = len(in.jcs), len(in.people), len(in.companies)
	res.Contacts, res.Positions = len(in.contacts), len(in.positions)
	if opt.DryRun {
		return res, nil
	}
	return res, s.storeArchive(ctx, c, in)
}

// archiveEmpty refuses a store that holds anything an import would name.
func (s *Service) archiveEmpty(ctx context.Context, c *call) error {
	jcs, err := s.archive.Jobcenters(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	people, err := s.archive.Consultants(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	errFull := errors.New("full") // ends the walk at the first one
	companies := s.archive.ForEachCompany(ctx, func(bot.Company) error { return errFull })
	positions := s.archive.ForEachPosition(ctx, func(bot.Position) error { return errFull })
	for _, err := range []error{companies, positions} {
		if err != nil && !errors.Is(err, errFull) {
			return fmt.Errorf("import: %w", err)
		}
	}
	if len(jcs) > 0 || len(people) > 0 || companies != nil || positions != nil {
		return bot.Errorf(bot.Conflict, "%s", c.tr(
			"Filen har allerede data (jobcentre, personer, virksomheder eller stillinger). En hel import fylder en tom fil: angiv en ny med --db NY.db. Intet er importeret.",
			"The file already holds data (jobcenters, people, companies or positions). A whole import fills an empty file: name a new one with --db NEW.db. Nothing was imported."))
	}
	return nil
}

// archiveIn is a whole import, checked, its references as indexes into
// its own slices (1-based, 0 for none) until it is stored.
type archiveIn struct {
	jcs       []bot.Jobcenter  // Partners: indexes into jcs
	people    []bot.Consultant // JobcenterID: index into jcs; StandInID: into people
	companies []bot.Company    // OwnerID: index into people
	contacts  []bot.Contact    // CompanyID: index into companies; ConsultantID: into people
	positions []bot.Position   // CompanyID: into companies; ConsultantID: into people; JobcenterID: into jcs; History By: into people
}

// readArchive reads and checks every file; all bad rows come back in one
// *ImportError.
func (s *Service) readArchive(ctx context.Context, c *call, fsys fs.FS, res *ArchiveResult) (*archiveIn, error) {
	in := &archiveIn{}
	var bad []RowError
	ignore := func(file string, cols []string) {
		for _, col := range cols {
			res.IgnoredColumns = append(res.IgnoredColumns, file+": "+col)
		}
	}
	report := func(file string, rows []RowError) {
		for _, r := range rows {
			r.File = file
			bad = append(bad, r)
		}
	}
	jt, err := readTable(c, fsys, FileJobcenters, jobcenterCols, "name", false)
	if err != nil {
		return nil, err
	}
	ignore(FileJobcenters, jt.ignored)
	jobIndex, rows := readJobcenters(c, jt, in)
	report(FileJobcenters, append(jt.bad, rows...))

	pt, err := readTable(c, fsys, FilePeople, personCols, "name", false)
	if err != nil {
		return nil, err
	}
	ignore(FilePeople, pt.ignored)
	personIndex, rows := readPeople(c, pt, in, jobIndex)
	report(FilePeople, append(pt.bad, rows...))

	companyIndex, lines, rows, ignored, err := s.readArchiveCompanies(ctx, c, fsys, in, personIndex, jobIndex)
	if err != nil {
		return nil, err
	}
	ignore(FileCompanies, ignored)
	report(FileCompanies, rows)

	ct, err := readTable(c, fsys, FileContacts, contactCols, "company", false)
	if err != nil {
		return nil, err
	}
	ignore(FileContacts, ct.ignored)
	rows = readContacts(c, ct, in, companyIndex, personIndex)
	report(FileContacts, append(ct.bad, rows...))
	report(FileCompanies, checkLastContacts(c, in, lines))

	st, err := readTable(c, fsys, FilePositions, positionCols, "company", false)
	if err != nil {
		return nil, err
	}
	ignore(FilePositions, st.ignored)
	rows = readPositions(c, st, in, companyIndex, personIndex, jobIndex)
	report(FilePositions, append(st.bad, rows...))

	if len(bad) > 0 {
		order := map[string]int{}
		for i, f := range ArchiveFiles {
			order[f] = i
		}
		slices.SortStableFunc(bad, func(a, b RowError) int {
			if d := order[a.File] - order[b.File]; d != 0 {
				return d
			}
			return a.Line - b.Line
		})
		return nil, &ImportError{Rows: bad}
	}
	return in, nil
}

// table is one file of a whole import: its records by header column.
type table struct {
	idx     map[string]int
	rows    []tableRow
	ignored []string
	bad     []RowError
}

type tableRow struct {
	line int
	rec  []string
}

// get is the row's value of col, trimmed and with a spreadsheet's
// defusing apostrophe taken off; "" when the file has no such column.
func (t *table) get(r tableRow, col string) string {
	if i, ok := t.idx[col]; ok && i < len(r.rec) {
		return uncell(strings.TrimSpace(r.rec[i]))
	}
	return ""
}

// readTable reads file from fsys: a missing file is an empty table,
// unless required. need is the column the file cannot do without.
func readTable(c *call, fsys fs.FS, file string, cols map[string][]string, need string, required bool) (*table, error) {
	t := &table{}
	f, err := fsys.Open(file)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return t, nil
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, bot.Errorf(bot.Invalid, "%s", c.tr("Der er ingen "+file+" i det, der skal importeres: en hel eksport har den altid.", "There is no "+file+" in what is to be imported: a whole export always has it."))
		}
		return nil, fmt.Errorf("import %s: %w", file, err)
	}
	defer f.Close()
	cr := spreadsheetCSV(f)
	header, err := cr.Read()
	if err != nil {
		return nil, bot.Errorf(bot.Invalid, "%s", c.tr(file+" har ingen overskriftslinje.", file+" has no header row."))
	}
	t.idx = map[string]int{}
	for i, h := range header {
		key := bot.NormalizeName(strings.ReplaceAll(h, "_", " "))
		found := ""
		for col, names := range cols {
			if slices.Contains(names, key) {
				found = col
			}
		}
		if found == "" {
			t.ignored = append(t.ignored, clip(strings.TrimSpace(h)))
			continue
		}
		t.idx[found] = i
	}
	if _, ok := t.idx[need]; !ok {
		return nil, bot.Errorf(bot.Invalid, "%s", c.tr(file+": overskriftslinjen mangler kolonnen »"+need+"«.", file+": the header row lacks the column »"+need+"«."))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				t.bad = append(t.bad, RowError{Line: pe.Line, Reason: c.tr("kan ikke læses som CSV: ", "cannot be read as CSV: ") + pe.Err.Error()})
				continue
			}
			return nil, fmt.Errorf("import %s: %w", file, err)
		}
		if blankRecord(rec) {
			continue
		}
		line, _ := cr.FieldPos(0) // only for a record read whole: csv panics otherwise
		if reason := badFields(c, rec); reason != "" {
			t.bad = append(t.bad, RowError{Line: line, Reason: reason})
			continue
		}
		t.rows = append(t.rows, tableRow{line: line, rec: rec})
	}
	return t, nil
}

// badFields is why a record's text cannot be stored ("" when it can): a
// cell that is not UTF-8, holds control characters other than tab and
// line breaks (a note may span lines), or invisible direction controls.
func badFields(c *call, rec []string) string {
	for _, f := range rec {
		if !utf8.ValidString(f) || strings.ContainsFunc(f, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' }) {
			return c.tr("indeholder ugyldige tegn; gem filen som UTF-8", "contains invalid characters; save the file as UTF-8")
		}
		if strings.ContainsFunc(f, isBidiControl) {
			return c.tr("indeholder usynlige tegn, der vender skriveretningen (bidi-styretegn); fjern dem",
				"contains invisible characters that change the writing direction (bidi controls); remove them")
		}
	}
	return ""
}

// textReason is why a free-text value cannot be stored: something shaped
// like a CPR number; "" when it can.
func textReason(c *call, col, v string) string {
	if bot.ContainsCPR(v) {
		return c.tr(col+" indeholder noget, der ligner et CPR-nummer; fjern det", col+" contains something that looks like a CPR number; remove it")
	}
	return ""
}

// nameIndex1 maps a normalized name to its 1-based row index; first
// reports a duplicate's earlier line.
type nameIndex1 struct {
	index map[string]uint64
	line  map[string]int
}

func newNameIndex1() *nameIndex1 {
	return &nameIndex1{index: map[string]uint64{}, line: map[string]int{}}
}

// add names row i (1-based) at line; it returns the line of an earlier
// row with the same name, or 0.
func (n *nameIndex1) add(name string, i uint64, line int) int {
	key := bot.NormalizeName(name)
	if first, ok := n.line[key]; ok {
		return first
	}
	n.index[key], n.line[key] = i, line
	return 0
}

// of is the 1-based index of name; ok is false when the file lacks it.
func (n *nameIndex1) of(name string) (uint64, bool) {
	i, ok := n.index[bot.NormalizeName(name)]
	return i, ok
}

func readJobcenters(c *call, t *table, in *archiveIn) (*nameIndex1, []RowError) {
	var bad []RowError
	index := newNameIndex1()
	partners := make([][]string, 0, len(t.rows))
	lines := make([]int, 0, len(t.rows))
	for _, r := range t.rows {
		j := bot.Jobcenter{Name: strings.Join(strings.Fields(t.get(r, "name")), " "), ClosedDays: t.get(r, "closed_days")}
		reason := ""
		switch {
		case bot.NormalizeName(j.Name) == "":
			reason = c.tr("navn mangler", "name is missing")
		case textReason(c, "name", j.Name+" "+j.ClosedDays) != "":
			reason = textReason(c, "name", j.Name+" "+j.ClosedDays)
		}
		if reason == "" {
			if first := index.add(j.Name, uint64(len(in.jcs)+1), r.line); first != 0 {
				reason = c.tr("samme navn som linje "+itoa(first), "same name as line "+itoa(first))
			}
		}
		if v := t.get(r, "channels"); reason == "" && v != "" {
			if err := json.Unmarshal([]byte(v), &j.Channels); err != nil {
				reason = c.tr("channels er ikke som en eksport skriver dem (JSON): ", "channels are not as an export writes them (JSON): ") + err.Error()
			}
		}
		if v := t.get(r, "created"); reason == "" && v != "" {
			var ok bool
			if j.Created, ok = parseImportTime(v); !ok {
				reason = c.tr("created: »"+clip(v)+"« er ikke et tidspunkt", "created: »"+clip(v)+"« is not a time")
			}
		}
		if reason != "" {
			bad = append(bad, RowError{Line: r.line, Reason: reason})
			continue
		}
		in.jcs = append(in.jcs, j)
		partners = append(partners, splitList(t.get(r, "partners")))
		lines = append(lines, r.line)
	}
	for i := range in.jcs {
		for _, p := range partners[i] {
			id, ok := index.of(p)
			if !ok || id == uint64(i+1) {
				bad = append(bad, RowError{Line: lines[i], Reason: c.tr("partneren »"+clip(p)+"« står ikke som et andet jobcenter i "+FileJobcenters, "the partner »"+clip(p)+"« is not another jobcenter in "+FileJobcenters)})
				continue
			}
			in.jcs[i].Partners = append(in.jcs[i].Partners, id)
		}
	}
	return index, bad
}

func readPeople(c *call, t *table, in *archiveIn, jobs *nameIndex1) (*nameIndex1, []RowError) {
	var bad []RowError
	index := newNameIndex1()
	identities := map[string]int{}
	standIns := make([]string, 0, len(t.rows))
	lines := make([]int, 0, len(t.rows))
	for _, r := range t.rows {
		p, standIn, reason := readPerson(c, t, r, jobs, identities)
		if reason == "" {
			if first := index.add(p.Name, uint64(len(in.people)+1), r.line); first != 0 {
				reason = c.tr("samme navn som linje "+itoa(first), "same name as line "+itoa(first))
			}
		}
		if reason != "" {
			bad = append(bad, RowError{Line: r.line, Reason: reason})
			continue
		}
		in.people = append(in.people, p)
		standIns = append(standIns, standIn)
		lines = append(lines, r.line)
	}
	for i, name := range standIns {
		if name == "" {
			continue
		}
		id, ok := index.of(name)
		if !ok || id == uint64(i+1) {
			bad = append(bad, RowError{Line: lines[i], Reason: c.tr("stedfortræderen »"+clip(name)+"« står ikke som en anden person i "+FilePeople, "the stand-in »"+clip(name)+"« is not another person in "+FilePeople)})
			continue
		}
		in.people[i].StandInID = id
	}
	return index, bad
}

// readPerson reads one row of personer.csv; identities holds the line of
// each identity seen so far.
func readPerson(c *call, t *table, r tableRow, jobs *nameIndex1, identities map[string]int) (bot.Consultant, string, string) {
	p := bot.Consultant{Name: strings.Join(strings.Fields(t.get(r, "name")), " "), Role: bot.RoleConsultant, Lang: bot.Danish}
	if bot.NormalizeName(p.Name) == "" {
		return p, "", c.tr("navn mangler", "name is missing")
	}
	if reason := textReason(c, "name", p.Name); reason != "" {
		return p, "", reason
	}
	job := t.get(r, "jobcenter")
	id, ok := jobs.of(job)
	if !ok {
		return p, "", c.tr("jobcenteret »"+clip(job)+"« står ikke i "+FileJobcenters, "the jobcenter »"+clip(job)+"« is not in "+FileJobcenters)
	}
	p.JobcenterID = id
	if v := t.get(r, "role"); v != "" {
		p.Role = bot.Role(v)
		if p.Role.Rank() == 0 {
			return p, "", c.tr("rollen »"+clip(v)+"« findes ikke; skriv consultant, coordinator, lead eller admin", "the role »"+clip(v)+"« does not exist; write consultant, coordinator, lead or admin")
		}
	}
	switch v := t.get(r, "lang"); v {
	case "", "da":
	case "en":
		p.Lang = bot.English
	default:
		return p, "", c.tr("sproget »"+clip(v)+"« findes ikke; skriv da eller en", "the language »"+clip(v)+"« does not exist; write da or en")
	}
	for _, key := range splitList(t.get(r, "identities")) {
		parts := strings.SplitN(key, "/", 3)
		if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
			return p, "", c.tr("identiteten »"+clip(key)+"« skal skrives platform/team/bruger, fx slack/T0123/U0456", "the identity »"+clip(key)+"« must be written platform/team/user, e.g. slack/T0123/U0456")
		}
		if first, ok := identities[key]; ok {
			return p, "", c.tr("identiteten »"+clip(key)+"« står også i linje "+itoa(first), "the identity »"+clip(key)+"« is on line "+itoa(first)+" too")
		}
		identities[key] = r.line
		p.Identities = append(p.Identities, bot.Identity{Platform: parts[0], Team: parts[1], User: parts[2]})
	}
	if v := t.get(r, "away_until"); v != "" {
		day, ok := parseImportDate(v)
		if !ok {
			return p, "", c.tr("away_until: »"+clip(v)+"« er ikke en dato; skriv fx 2026-11-20", "away_until: »"+clip(v)+"« is not a date; write e.g. 2026-11-20")
		}
		p.AwayUntil = day
	}
	if v := t.get(r, "created"); v != "" {
		var ok bool
		if p.Created, ok = parseImportTime(v); !ok {
			return p, "", c.tr("created: »"+clip(v)+"« er ikke et tidspunkt", "created: »"+clip(v)+"« is not a time")
		}
	}
	return p, t.get(r, "standin"), ""
}

// readArchiveCompanies reads virksomheder.csv as an import of companies
// reads a portfolio, with its owners looked up in personer.csv. lines[i]
// is the line of in.companies[i].
func (s *Service) readArchiveCompanies(ctx context.Context, c *call, fsys fs.FS, in *archiveIn, people, jobs *nameIndex1) (index *nameIndex1, lines []int, bad []RowError, ignored []string, err error) {
	f, err := fsys.Open(FileCompanies)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, nil, bot.Errorf(bot.Invalid, "%s", c.tr("Der er ingen "+FileCompanies+" i det, der skal importeres: en hel eksport har den altid.", "There is no "+FileCompanies+" in what is to be imported: a whole export always has it."))
	}
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("import %s: %w", FileCompanies, err)
	}
	defer f.Close()
	rows, _, ignored, bad, err := readImport(c, f, companyAllCols)
	if err != nil {
		var be *bot.Error
		if errors.As(err, &be) {
			be.Message = FileCompanies + ": " + be.Message
		}
		return nil, nil, nil, nil, err
	}
	checked, err := s.checkCompanies(ctx, c, rows, func(row *importRow) string {
		if row.owner == "" {
			if row.jobcenter != "" {
				return c.tr("en virksomhed uden fast konsulent hører ikke til et jobcenter; tøm jobcenter eller angiv en konsulent", "a company without a dedicated consultant belongs to no jobcenter; empty jobcenter or name a consultant")
			}
			return ""
		}
		id, ok := people.of(row.owner)
		if !ok {
			return c.tr("konsulenten »"+clip(row.owner)+"« står ikke i "+FilePeople, "the consultant »"+clip(row.owner)+"« is not in "+FilePeople)
		}
		if row.jobcenter != "" {
			if j, _ := jobs.of(row.jobcenter); j != in.people[id-1].JobcenterID {
				return c.tr("jobcenter »"+clip(row.jobcenter)+"« er ikke konsulentens; en virksomhed hører til sin faste konsulents jobcenter", "jobcenter »"+clip(row.jobcenter)+"« is not the consultant's; a company belongs to its dedicated consultant's jobcenter")
			}
		}
		row.company.OwnerID = id
		return ""
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	bad = append(bad, checked...)
	index = newNameIndex1()
	for _, row := range rows {
		in.companies = append(in.companies, *row.company)
		index.add(row.company.Name, uint64(len(in.companies)), row.line)
		lines = append(lines, row.line)
	}
	return index, lines, bad, ignored, nil
}

func readContacts(c *call, t *table, in *archiveIn, companies, people *nameIndex1) []RowError {
	var bad []RowError
	for _, r := range t.rows {
		ct, reason := readContact(c, t, r, companies, people)
		if reason != "" {
			bad = append(bad, RowError{Line: r.line, Reason: reason})
			continue
		}
		in.contacts = append(in.contacts, ct)
	}
	return bad
}

// contactKindsAll are the kinds a contact in an export may have: the
// typed ones and the last contact an import of companies brought.
var contactKindsAll = append(slices.Clone(contactKinds), Choice[bot.ContactKind]{word("importeret", "import", "imported"), bot.KindImported})

func readContact(c *call, t *table, r tableRow, companies, people *nameIndex1) (bot.Contact, string) {
	var ct bot.Contact
	name := t.get(r, "company")
	id, ok := companies.of(name)
	if !ok {
		return ct, c.tr("virksomheden »"+clip(name)+"« står ikke i "+FileCompanies, "the company »"+clip(name)+"« is not in "+FileCompanies)
	}
	ct.CompanyID = id
	if v := t.get(r, "consultant"); v != "" {
		if ct.ConsultantID, ok = people.of(v); !ok {
			return ct, c.tr("konsulenten »"+clip(v)+"« står ikke i "+FilePeople, "the consultant »"+clip(v)+"« is not in "+FilePeople)
		}
	}
	v := t.get(r, "at")
	if ct.At, ok = parseImportTime(v); !ok {
		return ct, c.tr("at: »"+clip(v)+"« er ikke et tidspunkt; skriv fx 2026-11-20T09:30:00+01:00 eller 2026-11-20 09:30", "at: »"+clip(v)+"« is not a time; write e.g. 2026-11-20T09:30:00+01:00 or 2026-11-20 09:30")
	}
	ct.Kind = bot.KindVisit
	if v := t.get(r, "kind"); v != "" {
		if ct.Kind, ok = choose(contactKindsAll, v); !ok {
			return ct, c.tr("arten »"+clip(v)+"« findes ikke; skriv visit, phone, mail, meeting eller import", "the kind »"+clip(v)+"« does not exist; write visit, phone, mail, meeting or import")
		}
	}
	// A note keeps its own spaces and lines: only the cell's defusing
	// apostrophe comes off.
	if i, ok := t.idx["note"]; ok && i < len(r.rec) {
		ct.Note = uncell(r.rec[i])
	}
	if reason := textReason(c, "note", ct.Note); reason != "" {
		return ct, reason
	}
	if v := t.get(r, "follow_up"); v != "" {
		if ct.FollowUp, ok = parseImportDate(v); !ok {
			return ct, c.tr("follow_up: »"+clip(v)+"« er ikke en dato; skriv fx 2026-11-20", "follow_up: »"+clip(v)+"« is not a date; write e.g. 2026-11-20")
		}
	}
	ct.Logged = ct.At
	if v := t.get(r, "logged"); v != "" {
		if ct.Logged, ok = parseImportTime(v); !ok {
			return ct, c.tr("logged: »"+clip(v)+"« er ikke et tidspunkt", "logged: »"+clip(v)+"« is not a time")
		}
	}
	return ct, ""
}

// checkLastContacts holds a company's last_contact to its newest contact
// in kontakter.csv when it has any: the two cannot both be right. A
// company with a last contact and no contacts gets an imported one, as an
// import of companies gives it; one with contacts takes its last contact
// from them.
func checkLastContacts(c *call, in *archiveIn, lines []int) []RowError {
	newest := make([]time.Time, len(in.companies))
	for _, ct := range in.contacts {
		if i := ct.CompanyID - 1; ct.At.After(newest[i]) {
			newest[i] = ct.At
		}
	}
	var bad []RowError
	for i := range in.companies {
		co := &in.companies[i]
		if newest[i].IsZero() {
			continue
		}
		if !co.LastContact.IsZero() && !bot.Day(co.LastContact).Equal(bot.Day(newest[i])) {
			bad = append(bad, RowError{Line: lines[i], Reason: c.tr(
				"seneste kontakt "+formatDay(co.LastContact)+" passer ikke med den nyeste i "+FileContacts+" ("+formatDay(newest[i])+"); ret den eller tøm cellen",
				"last contact "+formatDay(co.LastContact)+" does not match the newest in "+FileContacts+" ("+formatDay(newest[i])+"); correct it or empty the cell")})
		}
		co.LastContact = time.Time{}
	}
	return bad
}

// positionStatuses are the statuses a position in an export may have.
var positionStatuses = []bot.PositionStatus{bot.PositionOpen, bot.PositionFilled, bot.PositionClosed, bot.PositionExpired}

func readPositions(c *call, t *table, in *archiveIn, companies, people, jobs *nameIndex1) []RowError {
	var bad []RowError
	numbers := map[uint64]int{}
	open := map[string]int{}
	next := uint64(0)
	for _, r := range t.rows {
		if n, err := strconv.ParseUint(t.get(r, "nr"), 10, 64); err == nil {
			next = max(next, n)
		}
	}
	for _, r := range t.rows {
		p, reason := readArchivedPosition(c, t, r, companies, people, jobs)
		if reason == "" && p.ID == 0 {
			next++ // a row added by hand without a number gets the next free one
			p.ID = next
		}
		if first, ok := numbers[p.ID]; reason == "" && ok {
			reason = c.tr("nummeret "+itoa(int(p.ID))+" står også i linje "+itoa(first), "the number "+itoa(int(p.ID))+" is on line "+itoa(first)+" too")
		}
		if reason == "" && p.Status == bot.PositionOpen {
			key := itoa(int(p.CompanyID)) + "\x00" + bot.NormalizeName(p.Title)
			if first, ok := open[key]; ok {
				reason = c.tr("samme åbne stilling som linje "+itoa(first), "the same open position as line "+itoa(first))
			}
			open[key] = r.line
		}
		if reason != "" {
			bad = append(bad, RowError{Line: r.line, Reason: reason})
			continue
		}
		numbers[p.ID] = r.line
		in.positions = append(in.positions, p)
	}
	return bad
}

func readArchivedPosition(c *call, t *table, r tableRow, companies, people, jobs *nameIndex1) (bot.Position, string) {
	p := bot.Position{Title: strings.Join(strings.Fields(t.get(r, "title")), " "), Requirements: t.get(r, "requirements"),
		Place: t.get(r, "place"), Type: t.get(r, "type"), Count: 1, Status: bot.PositionOpen}
	var ok bool
	if v := t.get(r, "nr"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 || n > 1<<40 {
			return p, c.tr("nr: »"+clip(v)+"« er ikke et stillingsnummer", "nr: »"+clip(v)+"« is not a position number")
		}
		p.ID = n
	}
	name := t.get(r, "company")
	if p.CompanyID, ok = companies.of(name); !ok {
		return p, c.tr("virksomheden »"+clip(name)+"« står ikke i "+FileCompanies, "the company »"+clip(name)+"« is not in "+FileCompanies)
	}
	if bot.NormalizeName(p.Title) == "" {
		return p, c.tr("titel mangler", "title is missing")
	}
	if reason := textReason(c, "title", p.Title+" "+p.Requirements+" "+p.Place+" "+p.Type); reason != "" {
		return p, reason
	}
	for _, n := range []struct {
		col string
		to  *int
		min int
	}{{"count", &p.Count, 1}, {"filled", &p.Filled, 0}} {
		if v := t.get(r, n.col); v != "" {
			k, err := strconv.Atoi(v)
			if err != nil || k < n.min || k > 10000 {
				return p, c.tr(n.col+": »"+clip(v)+"« er ikke et antal fra "+itoa(n.min)+" til 10000", n.col+": »"+clip(v)+"« is not a count from "+itoa(n.min)+" to 10000")
			}
			*n.to = k
		}
	}
	for _, d := range []struct {
		col string
		to  *time.Time
	}{{"deadline", &p.Deadline}, {"start", &p.Start}} {
		if v := t.get(r, d.col); v != "" {
			if *d.to, ok = parseImportDate(v); !ok {
				return p, c.tr(d.col+": »"+clip(v)+"« er ikke en dato; skriv fx 2026-11-20", d.col+": »"+clip(v)+"« is not a date; write e.g. 2026-11-20")
			}
		}
	}
	if v := t.get(r, "status"); v != "" {
		p.Status = bot.PositionStatus(v)
		if !slices.Contains(positionStatuses, p.Status) {
			return p, c.tr("status »"+clip(v)+"« findes ikke; skriv open, filled, closed eller expired", "status »"+clip(v)+"« does not exist; write open, filled, closed or expired")
		}
	}
	if v := t.get(r, "consultant"); v != "" {
		if p.ConsultantID, ok = people.of(v); !ok {
			return p, c.tr("konsulenten »"+clip(v)+"« står ikke i "+FilePeople, "the consultant »"+clip(v)+"« is not in "+FilePeople)
		}
	}
	if v := t.get(r, "jobcenter"); v != "" {
		if p.JobcenterID, ok = jobs.of(v); !ok {
			return p, c.tr("jobcenteret »"+clip(v)+"« står ikke i "+FileJobcenters, "the jobcenter »"+clip(v)+"« is not in "+FileJobcenters)
		}
	}
	if v := t.get(r, "created"); v != "" {
		if p.Created, ok = parseImportTime(v); !ok {
			return p, c.tr("created: »"+clip(v)+"« er ikke et tidspunkt", "created: »"+clip(v)+"« is not a time")
		}
	}
	if v := t.get(r, "announced"); v != "" {
		if err := json.Unmarshal([]byte(v), &p.Announced); err != nil {
			return p, c.tr("announced er ikke som en eksport skriver det (JSON): ", "announced is not as an export writes it (JSON): ") + err.Error()
		}
	}
	if v := t.get(r, "history"); v != "" {
		var evs []archiveEvent
		if err := json.Unmarshal([]byte(v), &evs); err != nil {
			return p, c.tr("history er ikke som en eksport skriver den (JSON): ", "history is not as an export writes it (JSON): ") + err.Error()
		}
		for _, e := range evs {
			ev := bot.Event{At: e.At.In(bot.Copenhagen), What: e.What}
			if reason := textReason(c, "history", e.What); reason != "" {
				return p, reason
			}
			if e.By != "" {
				if ev.By, ok = people.of(e.By); !ok {
					return p, c.tr("history nævner »"+clip(e.By)+"«, som ikke står i "+FilePeople, "history names »"+clip(e.By)+"«, who is not in "+FilePeople)
				}
			}
			p.History = append(p.History, ev)
		}
	}
	return p, ""
}

// storeArchive writes a checked import: jobcenters and people in one
// transaction, then the companies as an import of companies stores them,
// then contacts and positions, each with the ids the ones before got.
// The jobcenters and people, and the companies, are each recorded in the
// audit trail with the write that stores them.
func (s *Service) storeArchive(ctx context.Context, c *call, in *archiveIn) error {
	jcs, people, err := s.archive.ImportDirectory(ctx, in.jcs, in.people,
		importEntry(c, bot.AuditImport, "archive", itoa(len(in.jcs))+" jobcenters, "+itoa(len(in.people))+" people"))
	if err != nil {
		return fmt.Errorf("import people: %w", err)
	}
	person := func(i uint64) uint64 {
		if i == 0 {
			return 0
		}
		return people[i-1].ID
	}
	cs := slices.Clone(in.companies)
	for i := range cs {
		cs[i].OwnerID = person(cs[i].OwnerID)
	}
	audit := importEntry(c, bot.AuditImport, "archive",
		itoa(len(cs))+" companies, "+itoa(len(in.contacts))+" contacts, "+itoa(len(in.positions))+" positions")
	if err := s.archive.ImportPortfolio(ctx, nil, cs, nil, audit); err != nil {
		return fmt.Errorf("import companies: %w", err)
	}
	// The store was empty: its companies are these, in this order.
	companyIDs := make([]uint64, 0, len(cs))
	if err := s.archive.ForEachCompany(ctx, func(co bot.Company) error {
		companyIDs = append(companyIDs, co.ID)
		return nil
	}); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if len(companyIDs) != len(cs) {
		return fmt.Errorf("import: %d companies stored, %d imported: another write came between", len(companyIDs), len(cs))
	}
	contacts := slices.Clone(in.contacts)
	for i := range contacts {
		contacts[i].CompanyID = companyIDs[contacts[i].CompanyID-1]
		contacts[i].ConsultantID = person(contacts[i].ConsultantID)
	}
	if err := s.archive.ImportContacts(ctx, contacts); err != nil {
		return fmt.Errorf("import contacts: %w", err)
	}
	positions := slices.Clone(in.positions)
	for i := range positions {
		p := &positions[i]
		p.CompanyID = companyIDs[p.CompanyID-1]
		p.ConsultantID = person(p.ConsultantID)
		if p.JobcenterID != 0 {
			p.JobcenterID = jcs[p.JobcenterID-1].ID
		}
		p.History = slices.Clone(p.History)
		for k := range p.History {
			p.History[k].By = person(p.History[k].By)
		}
	}
	if err := s.archive.ImportPositions(ctx, positions); err != nil {
		return fmt.Errorf("import positions: %w", err)
	}
	return nil
}
