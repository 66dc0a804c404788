package commands

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kontaktbot/bot"
)

// importStore is what an import uses of the store (the contracts are in
// store.go).
type importStore interface {
	Importer
	ForEachCompany(ctx context.Context, fn func(bot.Company) error) error
	FindCompanies(ctx context.Context, key string, limit int) (exact *bot.Company, prefixed []bot.Company, err error)
	CompanyByCVR(ctx context.Context, cvr string) (bot.Company, error)
	ConsultantByName(ctx context.Context, name string) (bot.Consultant, error)
	Consultants(ctx context.Context) ([]bot.Consultant, error)
	CreateConsultant(ctx context.Context, c bot.Consultant) (bot.Consultant, error)
	CreateJobcenter(ctx context.Context, j bot.Jobcenter) (bot.Jobcenter, error)
	JobcenterByName(ctx context.Context, name string) (bot.Jobcenter, error)
}

// ImportOptions steers ImportCompanies.
type ImportOptions struct {
	// DryRun checks every row and reports, but stores nothing.
	DryRun bool
	// CreatePeople registers owners the bot does not know yet, by name, in
	// the default jobcenter (they are matched up when they first write).
	// Without it an unknown owner is an error in its row.
	CreatePeople bool
	// Lang is the language of the report and the row errors.
	Lang bot.Lang
}

// ImportResult says what an import stored (or, dry, would store).
type ImportResult struct {
	Companies, Contacts, WithoutOwner int
	NewPeople                         []string
	IgnoredColumns                    []string
}

// RowError is one bad row: its line number in the file and why.
type RowError struct {
	Line   int
	Reason string
}

// ImportError lists every bad row of a refused import. Nothing is stored.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	var b strings.Builder
	for i, r := range e.Rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "linje %d: %s", r.Line, r.Reason)
	}
	return b.String()
}

// columns of the import and export format, with the other names Danish
// spreadsheets use for them.
var columns = map[string][]string{
	"name":         {"name", "navn", "virksomhed", "company"},
	"cvr":          {"cvr", "cvrnr", "cvrnummer"},
	"owner":        {"owner", "ejer", "konsulent", "consultant", "fast konsulent"},
	"cadence":      {"cadence", "kadence"},
	"tier":         {"tier", "niveau"},
	"area":         {"area", "omraade", "adresse", "address"},
	"last_contact": {"lastcontact", "last contact", "senestekontakt", "seneste kontakt"},
}

// exportColumns is the column order of the format.
var exportColumns = []string{"name", "cvr", "owner", "cadence", "tier", "area", "last_contact"}

type importRow struct {
	line    int
	company bot.Company
	owner   string
}

// ImportCompanies reads a portfolio exported from a spreadsheet (";" or ","
// separated, UTF-8 with or without BOM, a header row) and stores every row
// in one transaction: all rows or none. Bad rows are reported together in an
// *ImportError by line number and reason.
func (s *Service) ImportCompanies(ctx context.Context, r io.Reader, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	c := &call{now: s.clock.Now().In(bot.Copenhagen), lang: opt.Lang}
	rows, ignored, bad, err := readImport(c, r)
	if err != nil {
		return res, err
	}
	res.IgnoredColumns = ignored
	bad = append(bad, s.checkImport(ctx, c, rows, opt, &res)...)
	if len(bad) > 0 {
		return res, &ImportError{Rows: bad}
	}
	if opt.DryRun {
		return res, nil
	}
	people, newOwner, err := s.newPeople(ctx, c, rows, res.NewPeople)
	if err != nil {
		return res, err
	}
	cs := make([]bot.Company, len(rows))
	for i, row := range rows {
		cs[i] = row.company
	}
	if err := s.importer.ImportPortfolio(ctx, people, cs, newOwner); err != nil {
		return res, fmt.Errorf("import companies: %w", err)
	}
	return res, nil
}

// readImport parses the CSV into rows, checking each field on its own.
func readImport(c *call, r io.Reader) ([]importRow, []string, []RowError, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	head, _ := br.Peek(4096)
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, nil, bot.Errorf(bot.Invalid, "%s", c.tr("Filen har ingen overskriftslinje (name;cvr;owner;cadence;tier;area;last_contact).", "The file has no header row (name;cvr;owner;cadence;tier;area;last_contact)."))
	}
	// The header's unknown columns are echoed in the report: it is
	// checked as a row is.
	for _, h := range header {
		if bot.ContainsCPR(h) || strings.ContainsFunc(h, isBidiControl) {
			return nil, nil, nil, bot.Errorf(bot.Invalid, "%s", c.tr(
				"Overskriftslinjen indeholder noget, der ligner et CPR-nummer, eller usynlige styretegn. Intet er gemt; ret overskrifterne til name;cvr;owner;cadence;tier;area;last_contact.",
				"The header row holds something that looks like a CPR number, or invisible control characters. Nothing was saved; make the headers name;cvr;owner;cadence;tier;area;last_contact."))
		}
	}
	idx, ignored, err := mapHeader(c, header)
	if err != nil {
		return nil, nil, nil, err
	}
	// Rows are gathered in blocks and joined once at the end: a slice of
	// 250,000 rows doubled as it grew spent a second of a national import
	// copying them into fresh memory.
	var blocks [][]importRow
	block := make([]importRow, 0, 1024)
	var bad []RowError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, RowError{Line: pe.Line, Reason: c.tr("kan ikke læses som CSV: ", "cannot be read as CSV: ") + pe.Err.Error()})
				continue
			}
			return nil, nil, nil, fmt.Errorf("read csv: %w", err)
		}
		if blankRecord(rec) {
			continue
		}
		row, reason := parseImportRow(c, rec, idx)
		if reason != "" {
			bad = append(bad, RowError{Line: line, Reason: reason})
			continue
		}
		row.line = line
		if len(block) == cap(block) {
			blocks = append(blocks, block)
			block = make([]importRow, 0, 2*cap(block))
		}
		block = append(block, row)
	}
	return slices.Concat(append(blocks, block)...), ignored, bad, nil
}

func sniffComma(head []byte) rune {
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.Count(first, []byte(";")) >= bytes.Count(first, []byte(",")) && bytes.Contains(first, []byte(";")) {
		return ';'
	}
	return ','
}

func mapHeader(c *call, header []string) (map[string]int, []string, error) {
	idx := map[string]int{}
	var ignored []string
	for i, h := range header {
		key := bot.NormalizeName(strings.ReplaceAll(h, "_", " "))
		found := ""
		for col, names := range columns {
			for _, n := range names {
				if key == n {
					found = col
				}
			}
		}
		if found == "" {
			ignored = append(ignored, strings.TrimSpace(h))
			continue
		}
		idx[found] = i
	}
	if _, ok := idx["name"]; !ok {
		return nil, nil, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Overskriftslinjen mangler kolonnen »name« (eller »navn«). Forventet: name;cvr;owner;cadence;tier;area;last_contact.",
			"The header row lacks the column »name«. Expected: name;cvr;owner;cadence;tier;area;last_contact."))
	}
	return idx, ignored, nil
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// parseImportRow checks one record; a non-empty reason means it is bad.
func parseImportRow(c *call, rec []string, idx map[string]int) (importRow, string) {
	get := func(col string) string {
		if i, ok := idx[col]; ok && i < len(rec) {
			return uncell(strings.TrimSpace(rec[i]))
		}
		return ""
	}
	for _, f := range rec {
		if bot.ContainsCPR(f) {
			return importRow{}, c.tr("indeholder noget, der ligner et CPR-nummer; fjern det", "contains something that looks like a CPR number; remove it")
		}
		if !utf8.ValidString(f) || strings.ContainsFunc(f, func(r rune) bool { return r < 0x20 && r != '\t' }) {
			return importRow{}, c.tr("indeholder ugyldige tegn; gem filen som UTF-8", "contains invalid characters; save the file as UTF-8")
		}
		if strings.ContainsFunc(f, isBidiControl) {
			return importRow{}, c.tr("indeholder usynlige tegn, der vender skriveretningen (bidi-styretegn), så andre kunne se noget andet end det, der gemmes; fjern dem",
				"contains invisible characters that change the writing direction (bidi controls), so others could see something other than what is stored; remove them")
		}
	}
	co := bot.Company{Name: strings.Join(strings.Fields(get("name")), " "), Area: get("area"),
		Status: bot.StatusActive, Tier: bot.TierNormal, Created: c.now, OwnerSince: c.now}
	if bot.NormalizeName(co.Name) == "" {
		return importRow{}, c.tr("navn mangler", "name is missing")
	}
	if err := checkNameText(c.lang, co.Name); err != nil {
		return importRow{}, err.Error()
	}
	if len([]rune(co.Name)) > 200 {
		return importRow{}, c.tr("navnet er længere end 200 tegn", "the name is longer than 200 characters")
	}
	if v := get("cvr"); v != "" {
		cvr, err := parseCVR(c, v)
		if err != nil {
			return importRow{}, err.Error()
		}
		co.CVR = cvr
	}
	if v := get("tier"); v != "" {
		t, err := parseTier(c, v)
		if err != nil {
			return importRow{}, err.Error()
		}
		co.Tier = t
	}
	co.CadenceDays = DefaultCadence
	if co.Tier == bot.TierIntensified {
		co.CadenceDays = DefaultIntensifiedCadence
	}
	if v := get("cadence"); v != "" {
		n, err := parseCadence(c, v)
		if err != nil {
			return importRow{}, err.Error()
		}
		co.CadenceDays = n
	}
	if v := get("last_contact"); v != "" {
		day, ok := parseImportDate(v)
		if !ok {
			return importRow{}, c.tr("»"+clip(v)+"« er ikke en dato; skriv fx 2026-11-20 eller 20-11-2026", "»"+clip(v)+"« is not a date; write e.g. 2026-11-20 or 20-11-2026")
		}
		if day.After(bot.Day(c.now)) {
			return importRow{}, c.tr("seneste kontakt "+bot.FormatDate(day, c.lang)+" ligger i fremtiden", "last contact "+bot.FormatDate(day, c.lang)+" is in the future")
		}
		co.LastContact = day.Add(12 * time.Hour)
	}
	return importRow{company: co, owner: get("owner")}, ""
}

// parseImportDate reads the full dates spreadsheets write: 2026-11-20,
// 20-11-2026, 20.11.2026, 20/11/2026.
func parseImportDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02.01.2006", "2.1.2006", "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, s, bot.Copenhagen); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// checkImport checks the rows against each other and the store: unique
// names and CVR numbers, known owners. It fills in owner ids and counts.
func (s *Service) checkImport(ctx context.Context, c *call, rows []importRow, opt ImportOptions, res *ImportResult) []RowError {
	var bad []RowError
	names, cvrs, newPeople := map[string]int{}, map[string]int{}, map[string]bool{}
	known := map[string]uint64{}  // owner as written -> consultant id, 0 when unknown
	inFile := map[string]string{} // the key of each name in the file -> the name
	for _, row := range rows {
		inFile[bot.NormalizeName(row.company.Name)] = row.company.Name
	}
	for i := range rows {
		row := &rows[i]
		key := bot.NormalizeName(row.company.Name)
		if first, ok := names[key]; ok {
			bad = append(bad, RowError{row.line, c.tr("samme navn som linje "+itoa(first), "same name as line "+itoa(first))})
		} else if exact, _, err := s.importer.FindCompanies(ctx, key, 0); err == nil && exact != nil {
			bad = append(bad, RowError{row.line, c.tr("»"+row.company.Name+"« findes allerede", "»"+row.company.Name+"« already exists")})
		} else if reason := s.importImitation(ctx, c, row.company.Name, inFile); reason != "" {
			bad = append(bad, RowError{row.line, reason})
		}
		names[key] = row.line
		if cvr := row.company.CVR; cvr != "" {
			if first, ok := cvrs[cvr]; ok {
				bad = append(bad, RowError{row.line, c.tr("samme CVR som linje "+itoa(first), "same CVR as line "+itoa(first))})
			} else if other, err := s.importer.CompanyByCVR(ctx, cvr); err == nil {
				bad = append(bad, RowError{row.line, c.tr("CVR "+cvr+" hører allerede til "+other.Name, "CVR "+cvr+" already belongs to "+other.Name)})
			}
			cvrs[cvr] = row.line
		}
		if reason := s.resolveOwner(ctx, c, row, opt, known, newPeople, res); reason != "" {
			bad = append(bad, RowError{row.line, reason})
		}
	}
	res.Companies = len(rows)
	return bad
}

// importImitation is why name may not be imported when, read as the
// Latin letters its look-alikes resemble, it spells a stored company's
// name (or whole words of it) or another name in the file (inFile, by
// key); "" when it may.
func (s *Service) importImitation(ctx context.Context, c *call, name string, inFile map[string]string) string {
	skel := skeleton(name)
	if skel == bot.NormalizeName(name) || skel == "" {
		return ""
	}
	other, ok := inFile[skel]
	if !ok {
		exact, partial, err := s.importer.FindCompanies(ctx, skel, 1)
		switch {
		case err != nil:
			return ""
		case exact != nil:
			other = exact.Name
		case len(partial) > 0:
			other = partial[0].Name
		default:
			return ""
		}
	}
	return imitationError(c.lang, name, other).Error()
}

func (s *Service) resolveOwner(ctx context.Context, c *call, row *importRow, opt ImportOptions, known map[string]uint64, newPeople map[string]bool, res *ImportResult) string {
	if !row.company.LastContact.IsZero() {
		res.Contacts++
	}
	if row.owner == "" {
		res.WithoutOwner++
		return ""
	}
	id, ok := known[row.owner]
	if !ok {
		if p, err := s.importer.ConsultantByName(ctx, row.owner); err == nil {
			id = p.ID
		}
		known[row.owner] = id // a national file names each of 5,000 owners 50 times
	}
	if id != 0 {
		row.company.OwnerID = id
		return ""
	}
	if !opt.CreatePeople {
		return c.tr("ukendt konsulent »"+clip(row.owner)+"«; personen skal have skrevet til kontaktbot, eller brug --create-people",
			"unknown consultant »"+clip(row.owner)+"«; they must have written to kontaktbot, or use --create-people")
	}
	if key := bot.NormalizeName(row.owner); !newPeople[key] {
		newPeople[key] = true
		res.NewPeople = append(res.NewPeople, row.owner)
	}
	return ""
}

// newPeople makes the owners named in the file that the bot does not know
// yet, for ImportPortfolio to create with the companies, and says which
// rows they own (newOwner[i]-1 indexes people). Their jobcenter, the one
// newcomers join, is made first if need be: an empty jobcenter left by a
// refused import does no harm.
func (s *Service) newPeople(ctx context.Context, c *call, rows []importRow, names []string) ([]bot.Consultant, []int, error) {
	if len(names) == 0 {
		return nil, nil, nil
	}
	jc, err := s.importer.JobcenterByName(ctx, s.newcomers)
	if err != nil && !isNotFound(err) {
		return nil, nil, fmt.Errorf("import: jobcenter: %w", err)
	}
	if isNotFound(err) {
		if jc, err = s.importer.CreateJobcenter(ctx, bot.Jobcenter{Name: s.newcomers, Created: c.now}); err != nil {
			return nil, nil, fmt.Errorf("import: create jobcenter: %w", err)
		}
	}
	people := make([]bot.Consultant, len(names))
	index := map[string]int{}
	for i, n := range names {
		people[i] = bot.Consultant{Name: n, JobcenterID: jc.ID, Role: bot.RoleConsultant, Lang: bot.Danish, Created: c.now}
		index[bot.NormalizeName(n)] = i + 1
	}
	newOwner := make([]int, len(rows))
	for i := range rows {
		if rows[i].company.OwnerID == 0 {
			newOwner[i] = index[bot.NormalizeName(rows[i].owner)]
		}
	}
	return people, newOwner, nil
}

// ExportCompanies writes every company in the import format: ";"
// separated, UTF-8 with a BOM so that Excel shows æ, ø and å.
func (s *Service) ExportCompanies(ctx context.Context, w io.Writer) error {
	people, err := s.importer.Consultants(ctx)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	names := make(map[uint64]string, len(people))
	for _, p := range people {
		names[p.ID] = p.Name
	}
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(exportColumns); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	err = s.importer.ForEachCompany(ctx, func(co bot.Company) error {
		last := ""
		if !co.LastContact.IsZero() {
			last = co.LastContact.In(bot.Copenhagen).Format("2006-01-02")
		}
		return cw.Write([]string{cell(co.Name), co.CVR, cell(names[co.OwnerID]), itoa(co.CadenceDays), string(co.Tier), cell(co.Area), last})
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// cell defuses a text that a spreadsheet would run as a formula (a name
// such as "=HYPERLINK(...)" or "+45 Byg") by a leading apostrophe, which
// Excel and LibreOffice show as text and hide; uncell takes it off again
// on import, so an export imports back unchanged.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		return s[1:]
	}
	return s
}
