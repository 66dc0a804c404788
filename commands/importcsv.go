package commands

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	CreateJobcenter(ctx context.Context, j bot.Jobcenter, audit ...bot.AuditEntry) (bot.Jobcenter, error)
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
	// Addresses fills in the addresses of companies already stored, found
	// by CVR number or name: only those columns and the address columns
	// are read (importaddr.go).
	Addresses bool
}

// ImportResult says what an import stored (or, dry, would store).
type ImportResult struct {
	Companies, Contacts, WithoutOwner int
	NewPeople                         []string
	IgnoredColumns                    []string
}

// RowError is one bad row: its line number in the file and why; File
// names the file when an import reads several.
type RowError struct {
	Line   int
	Reason string
	File   string
}

// ImportError lists every bad row of a refused import. Nothing is stored.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	var b strings.Builder
	for i, r := range e.Rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		if r.File != "" {
			fmt.Fprintf(&b, "%s ", r.File)
		}
		fmt.Fprintf(&b, "linje %d: %s", r.Line, r.Reason)
	}
	return b.String()
}

// columns of the import and export format, with the other names Danish
// spreadsheets use for them.
var columns = map[string][]string{
	"name":    {"name", "navn", "virksomhed", "company"},
	"cvr":     {"cvr", "cvrnr", "cvrnummer"},
	"owner":   {"owner", "ejer", "konsulent", "consultant", "fast konsulent"},
	"cadence": {"cadence", "kadence"},
	"tier":    {"tier", "niveau"},
	"area":    {"area", "omraade"},
	// The address: a street column with the house number (or a separate
	// number column, as the CVR register's export has it), postcode and
	// town. A street cell that holds the whole address (»Havnegade 12,
	// 5000 Odense C«) is split when there is no postcode column.
	"street":       {"street", "adresse", "address", "gade", "vej", "vejnavn", "beliggenhedsadresse"},
	"house_no":     {"house no", "house number", "husnr", "husnummer", "nr"},
	"postcode":     {"postcode", "postal code", "zip", "postnr", "postnummer"},
	"town":         {"town", "city", "by", "postdistrikt"},
	"last_contact": {"lastcontact", "last contact", "senestekontakt", "seneste kontakt"},
	// The state columns: a paused company stays paused, a snooze and a
	// planned contact hold, across an export and an import.
	"status":        {"status", "tilstand"},
	"snoozed_until": {"snoozed until", "snoozeduntil", "udsat til", "udsattil"},
	"planned_next":  {"planned next", "plannednext", "planlagt", "naeste kontakt"},
	"aliases":       {"aliases", "alias", "aliasser", "andre navne"},
	// What a whole export (export all) adds about each company.
	"snoozes":     {"snoozes", "udsaettelser"},
	"owner_since": {"owner since", "ownersince", "ejer siden"},
	"created":     {"created", "oprettet"},
}

// exportColumns is the column order of the format.
var exportColumns = []string{"name", "cvr", "owner", "cadence", "tier", "area", "last_contact", "status", "snoozed_until", "planned_next", "aliases", "street", "postcode", "town"}

// statuses are the values the status column takes.
var statuses = []Choice[bot.Status]{
	{word("aktiv", "active"), bot.StatusActive},
	{word("pause", "paused", "sat på pause", "pauset"), bot.StatusPaused},
	{word("ophørt", "ended", "afsluttet"), bot.StatusEnded},
}

// listSep joins the values of a list in one cell (aliases, partners,
// identities): a bar, which names hardly hold, with room to read.
const listSep = " | "

// splitList is the values of a list cell, each trimmed, empty ones left out.
func splitList(s string) []string {
	if s == "" {
		return nil // no allocation for the empty cell of most rows
	}
	var out []string
	for _, v := range strings.Split(s, "|") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// importRow is a row of an import: its company lies in the slice
// readImport returns beside the rows, so that the companies are held
// once and handed to the store as they are.
type importRow struct {
	line      int
	company   *bot.Company
	owner     string
	jobcenter string // the owner's jobcenter, as a whole export names it
}

// parsedRow is what parseImportRow makes of a record.
type parsedRow struct {
	company   bot.Company
	owner     string
	jobcenter string
}

// ImportCompanies reads a portfolio exported from a spreadsheet (";" or ","
// separated, UTF-8 with or without BOM, a header row) and stores every row
// in one transaction: all rows or none. Bad rows are reported together in an
// *ImportError by line number and reason.
func (s *Service) ImportCompanies(ctx context.Context, r io.Reader, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	c := &call{now: s.clock.Now().In(bot.Copenhagen), lang: opt.Lang}
	if opt.Addresses {
		return s.importAddresses(ctx, c, r, opt)
	}
	rows, cs, ignored, bad, err := readImport(c, r, columns)
	if err != nil {
		return res, err
	}
	res.IgnoredColumns = ignored
	more, err := s.checkImport(ctx, c, rows, opt, &res)
	if err != nil {
		return res, fmt.Errorf("import companies: %w", err)
	}
	bad = append(bad, more...)
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
	audit := importEntry(c, bot.AuditImport, "CSV", itoa(len(cs))+" companies, "+itoa(len(people))+" new people")
	if err := s.importer.ImportPortfolio(ctx, people, cs, newOwner, audit); err != nil {
		return res, fmt.Errorf("import companies: %w", err)
	}
	return res, nil
}

// readImport parses the CSV into rows, checking each field on its own,
// and returns the rows and, in the same order, their companies
// (rows[i].company is &cs[i]). The file is read whole first, so that its
// lines can be counted and the rows held in slices made once: a national
// portfolio's 250,000 companies take some 125 MB, which grown by doubling
// and copied into the slice the store takes cost a second of the import.
func readImport(c *call, r io.Reader, cols map[string][]string) ([]importRow, []bot.Company, []string, []RowError, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("read csv: %w", err)
	}
	cr := spreadsheetCSV(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, nil, nil, nil, bot.Errorf(bot.Invalid, "%s", c.tr("Filen har ingen overskriftslinje (name;cvr;owner;cadence;tier;area;last_contact).", "The file has no header row (name;cvr;owner;cadence;tier;area;last_contact)."))
	}
	// The header's unknown columns are echoed in the report: it is
	// checked as a row is.
	for _, h := range header {
		if bot.ContainsCPR(h) || strings.ContainsFunc(h, isBidiControl) {
			return nil, nil, nil, nil, bot.Errorf(bot.Invalid, "%s", c.tr(
				"Overskriftslinjen indeholder noget, der ligner et CPR-nummer, eller usynlige styretegn. Intet er gemt; ret overskrifterne til name;cvr;owner;cadence;tier;area;last_contact.",
				"The header row holds something that looks like a CPR number, or invisible control characters. Nothing was saved; make the headers name;cvr;owner;cadence;tier;area;last_contact."))
		}
	}
	idx, ignored, err := mapHeader(c, header, cols)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	// The records are read first, then parsed by a worker a core: the
	// checks of a row (its name's letters, a CPR number in any field, its
	// dates) were most of the reading.
	var recs []record
	var bad []RowError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, RowError{Line: pe.Line, Reason: c.tr("kan ikke læses som CSV: ", "cannot be read as CSV: ") + pe.Err.Error()})
				continue
			}
			return nil, nil, nil, nil, fmt.Errorf("read csv: %w", err)
		}
		if blankRecord(rec) {
			continue
		}
		line, _ := cr.FieldPos(0) // only for a record read whole: csv panics otherwise
		if recs == nil {
			// No more records than lines (a quoted field may span several).
			recs = make([]record, 0, bytes.Count(data, []byte{'\n'})+1)
		}
		recs = append(recs, record{fields: rec, line: line})
	}
	// Each row's company is parsed into its place in cs, the rows that
	// fail are left out and the rest moved up, so that the companies are
	// held once and handed to the store as they are.
	cs := make([]bot.Company, len(recs))
	rows := make([]importRow, len(recs))
	reasons := make([]string, len(recs))
	eachPart(len(recs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var row parsedRow
			row, reasons[i] = parseImportRow(c, recs[i].fields, idx)
			cs[i], rows[i] = row.company, importRow{line: recs[i].line, owner: row.owner, jobcenter: row.jobcenter}
			recs[i].fields = nil
		}
	})
	n := 0
	for i := range rows {
		if reasons[i] != "" {
			bad = append(bad, RowError{Line: rows[i].line, Reason: reasons[i]})
			continue
		}
		cs[n], rows[n] = cs[i], rows[i]
		rows[n].company = &cs[n]
		n++
	}
	clear(cs[n:])
	cs, rows = cs[:n], rows[:n]
	slices.SortStableFunc(bad, func(a, b RowError) int { return a.Line - b.Line })
	return rows, cs, ignored, bad, nil
}

// record is a CSV record and the line it starts on.
type record struct {
	fields []string
	line   int
}

// eachPart calls fn on n items split into one part a core, at once, and
// returns when every part is done. fn must only touch its own part.
func eachPart(n int, fn func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), 8)
	size := (n + parts - 1) / max(parts, 1)
	if n < 2 || parts < 2 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	var once sync.Once
	var panicked any
	for lo := 0; lo < n; lo += size {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					once.Do(func() { panicked = p })
				}
			}()
			fn(lo, min(lo+size, n))
		})
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked) // on the caller's goroutine, as if fn had run there
	}
}

// spreadsheetCSV reads CSV as spreadsheets write it: a UTF-8 byte order
// mark skipped, the separator (';' or ',') sniffed from the first lines,
// rows of any length (the caller checks them).
func spreadsheetCSV(r io.Reader) *csv.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	head, _ := br.Peek(4096)
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head)
	cr.FieldsPerRecord = -1
	return cr
}

func sniffComma(head []byte) rune {
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.Count(first, []byte(";")) >= bytes.Count(first, []byte(",")) && bytes.Contains(first, []byte(";")) {
		return ';'
	}
	return ','
}

func mapHeader(c *call, header []string, cols map[string][]string) (map[string]int, []string, error) {
	idx := map[string]int{}
	var ignored []string
	for i, h := range header {
		key := bot.NormalizeName(strings.ReplaceAll(h, "_", " "))
		found := ""
		for col, names := range cols {
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

// checkRecord refuses a record holding what must never be stored: a CPR
// number, invalid UTF-8 or control characters, bidi controls.
func checkRecord(c *call, rec []string) string {
	for _, f := range rec {
		if bot.ContainsCPR(f) {
			return c.tr("indeholder noget, der ligner et CPR-nummer; fjern det", "contains something that looks like a CPR number; remove it")
		}
		if !utf8.ValidString(f) || strings.ContainsFunc(f, func(r rune) bool { return r < 0x20 && r != '\t' }) {
			return c.tr("indeholder ugyldige tegn; gem filen som UTF-8", "contains invalid characters; save the file as UTF-8")
		}
		if strings.ContainsFunc(f, isBidiControl) {
			return c.tr("indeholder usynlige tegn, der vender skriveretningen (bidi-styretegn), så andre kunne se noget andet end det, der gemmes; fjern dem",
				"contains invisible characters that change the writing direction (bidi controls), so others could see something other than what is stored; remove them")
		}
	}
	return ""
}

// parseImportRow checks one record; a non-empty reason means it is bad.
func parseImportRow(c *call, rec []string, idx map[string]int) (parsedRow, string) {
	get := func(col string) string {
		if i, ok := idx[col]; ok && i < len(rec) {
			return uncell(strings.TrimSpace(rec[i]))
		}
		return ""
	}
	if reason := checkRecord(c, rec); reason != "" {
		return parsedRow{}, reason
	}
	co := bot.Company{Name: strings.Join(strings.Fields(get("name")), " "), Area: get("area"),
		Status: bot.StatusActive, Tier: bot.TierNormal, Created: c.now, OwnerSince: c.now}
	if bot.NormalizeName(co.Name) == "" {
		return parsedRow{}, c.tr("navn mangler", "name is missing")
	}
	if err := checkNameText(c.lang, co.Name); err != nil {
		return parsedRow{}, err.Error()
	}
	if len([]rune(co.Name)) > 200 {
		return parsedRow{}, c.tr("navnet er længere end 200 tegn", "the name is longer than 200 characters")
	}
	if v := get("cvr"); v != "" {
		cvr, err := parseCVR(c, v)
		if err != nil {
			return parsedRow{}, err.Error()
		}
		co.CVR = cvr
	}
	if v := get("tier"); v != "" {
		t, err := parseTier(c, v)
		if err != nil {
			return parsedRow{}, err.Error()
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
			return parsedRow{}, err.Error()
		}
		co.CadenceDays = n
	}
	if v := get("last_contact"); v != "" {
		day, ok := parseImportDate(v)
		if !ok {
			return parsedRow{}, c.tr("»"+clip(v)+"« er ikke en dato; skriv fx 2026-11-20 eller 20-11-2026", "»"+clip(v)+"« is not a date; write e.g. 2026-11-20 or 20-11-2026")
		}
		if day.After(bot.Day(c.now)) {
			return parsedRow{}, c.tr("seneste kontakt "+bot.FormatDate(day, c.lang)+" ligger i fremtiden", "last contact "+bot.FormatDate(day, c.lang)+" is in the future")
		}
		co.LastContact = day.Add(12 * time.Hour)
	}
	co, reason := parseState(c, co, get)
	if reason != "" {
		return parsedRow{}, reason
	}
	if co, reason = parseAddressColumns(c, co, get); reason != "" {
		return parsedRow{}, reason
	}
	if _, ok := idx["owner_since"]; ok && get("owner_since") == "" {
		co.OwnerSince = time.Time{} // a whole export's company that never had an owner
	}
	return parsedRow{company: co, owner: get("owner"), jobcenter: get("jobcenter")}, ""
}

// parseState reads a row's state columns (status, snooze, plan, aliases)
// and those of a whole export (snoozes, owner since, created) into co.
// It takes and gives co by value: a pointer would move every row's
// company to the heap, a national import's 250,000 allocations.
func parseState(c *call, co bot.Company, get func(string) string) (bot.Company, string) {
	if v := get("status"); v != "" {
		st, ok := choose(statuses, v)
		if !ok {
			return co, c.tr("status »"+clip(v)+"« findes ikke; skriv active, paused eller ended", "status »"+clip(v)+"« does not exist; write active, paused or ended")
		}
		co.Status = st
	}
	var reason string
	if co.SnoozedUntil, reason = dateColumn(c, get, "snoozed_until", co.SnoozedUntil); reason != "" {
		return co, reason
	}
	if co.PlannedNext, reason = dateColumn(c, get, "planned_next", co.PlannedNext); reason != "" {
		return co, reason
	}
	if co.OwnerSince, reason = dateColumn(c, get, "owner_since", co.OwnerSince); reason != "" {
		return co, reason
	}
	if v := get("created"); v != "" {
		t, ok := parseImportTime(v)
		if !ok {
			return co, c.tr("created: »"+clip(v)+"« er ikke et tidspunkt; skriv fx 2026-11-20T09:30:00+01:00", "created: »"+clip(v)+"« is not a time; write e.g. 2026-11-20T09:30:00+01:00")
		}
		co.Created = t
	}
	if v := get("snoozes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return co, c.tr("snoozes: »"+clip(v)+"« er ikke et antal fra 0 til 1000", "snoozes: »"+clip(v)+"« is not a count from 0 to 1000")
		}
		co.SnoozeCount = n
	}
	for _, a := range splitList(get("aliases")) {
		a = strings.Join(strings.Fields(uncell(a)), " ")
		if bot.NormalizeName(a) == "" || len([]rune(a)) > 200 {
			return co, c.tr("aliasset »"+clip(a)+"« skal have bogstaver eller cifre og højst 200 tegn", "the alias »"+clip(a)+"« needs letters or digits and at most 200 characters")
		}
		if err := checkNameText(c.lang, a); err != nil {
			return co, err.Error()
		}
		co.Aliases = append(co.Aliases, a)
	}
	return co, ""
}

// dateColumn is the day in column col, or old when it is empty; a
// non-empty reason says why it is not a date.
func dateColumn(c *call, get func(string) string, col string, old time.Time) (time.Time, string) {
	v := get(col)
	if v == "" {
		return old, ""
	}
	day, ok := parseImportDate(v)
	if !ok {
		return old, c.tr(col+": »"+clip(v)+"« er ikke en dato; skriv fx 2026-11-20", col+": »"+clip(v)+"« is not a date; write e.g. 2026-11-20")
	}
	return day, ""
}

// timeLayout is how an export writes a moment: to the second, in
// Copenhagen time with its offset, so that the hour the clocks go back
// twice reads back as the one it was.
const timeLayout = time.RFC3339

// formatTime is t as an export writes it; "" for none.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(bot.Copenhagen).Format(timeLayout)
}

// formatDay is t's day as an export writes it; "" for none.
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(bot.Copenhagen).Format("2006-01-02")
}

// parseImportTime reads a moment as an export writes it, or as a
// spreadsheet shows one ("2026-11-20 09:30", Copenhagen time); a date
// alone is noon that day.
func parseImportTime(s string) (time.Time, bool) {
	if t, err := time.Parse(timeLayout, s); err == nil {
		return t.In(bot.Copenhagen), true
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "02-01-2006 15:04"} {
		if t, err := time.ParseInLocation(layout, s, bot.Copenhagen); err == nil {
			return t, true
		}
	}
	if day, ok := parseImportDate(s); ok {
		return day.Add(12 * time.Hour), true
	}
	return time.Time{}, false
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
func (s *Service) checkImport(ctx context.Context, c *call, rows []importRow, opt ImportOptions, res *ImportResult) ([]RowError, error) {
	newPeople := map[string]bool{}
	known := map[string]uint64{} // owner as written -> consultant id, 0 when unknown
	bad, err := s.checkCompanies(ctx, c, rows, func(row *importRow) string {
		return s.resolveOwner(ctx, c, row, opt, known, newPeople, res)
	})
	res.Companies = len(rows)
	return bad, err
}

// checkCompanies checks the rows against each other and the store:
// unique names, aliases and CVR numbers, no look-alikes; owner checks
// each row's owner (filling in its id), "" when it is right. The error
// is the store's, when it cannot be asked.
func (s *Service) checkCompanies(ctx context.Context, c *call, rows []importRow, owner func(*importRow) string) ([]RowError, error) {
	var bad []RowError
	// Sized for the file at once: grown by doubling, these maps were a
	// fifth of a national import's checks.
	names, cvrs := make(map[string]int, len(rows)), make(map[string]int, len(rows)/2)
	inFile := make(map[string]string, len(rows)) // the key of each name in the file -> the name
	keys, skels := make([]string, len(rows)), make([]string, len(rows))
	eachPart(len(rows), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			keys[i], skels[i] = bot.NormalizeName(rows[i].company.Name), skeleton(rows[i].company.Name)
		}
	})
	lookups := make([]string, 0, len(rows))
	var cvrList []string
	for i, row := range rows {
		inFile[keys[i]] = row.company.Name
		lookups = append(lookups, keys[i])
		for _, a := range row.company.Aliases {
			lookups = append(lookups, bot.NormalizeName(a))
		}
		if row.company.CVR != "" {
			cvrList = append(cvrList, row.company.CVR)
		}
	}
	// Whether the file already holds them: one read transaction for all.
	takenName, takenCVR, err := s.importer.TakenKeys(ctx, lookups, cvrList)
	if err != nil {
		return nil, fmt.Errorf("look up the names: %w", err)
	}
	for i := range rows {
		row := &rows[i]
		key := keys[i]
		if first, ok := names[key]; ok {
			bad = append(bad, RowError{Line: row.line, Reason: c.tr("samme navn som linje "+itoa(first), "same name as line "+itoa(first))})
		} else if _, ok := takenName[key]; ok {
			bad = append(bad, RowError{Line: row.line, Reason: c.tr("»"+row.company.Name+"« findes allerede", "»"+row.company.Name+"« already exists")})
		} else if reason := s.importImitation(ctx, c, row.company.Name, key, skels[i], inFile); reason != "" {
			bad = append(bad, RowError{Line: row.line, Reason: reason})
		}
		names[key] = row.line
		for _, a := range row.company.Aliases {
			ak := bot.NormalizeName(a)
			if first, ok := names[ak]; ok {
				bad = append(bad, RowError{Line: row.line, Reason: c.tr("aliasset »"+a+"« er samme navn som linje "+itoa(first), "the alias »"+a+"« is the same name as line "+itoa(first))})
			} else if _, ok := takenName[ak]; ok {
				bad = append(bad, RowError{Line: row.line, Reason: c.tr("aliasset »"+a+"« findes allerede", "the alias »"+a+"« already exists")})
			}
			names[ak] = row.line
		}
		if cvr := row.company.CVR; cvr != "" {
			if first, ok := cvrs[cvr]; ok {
				bad = append(bad, RowError{Line: row.line, Reason: c.tr("samme CVR som linje "+itoa(first), "same CVR as line "+itoa(first))})
			} else if other, ok := takenCVR[cvr]; ok {
				bad = append(bad, RowError{Line: row.line, Reason: c.tr("CVR "+cvr+" hører allerede til "+other, "CVR "+cvr+" already belongs to "+other)})
			}
			cvrs[cvr] = row.line
		}
		if reason := owner(row); reason != "" {
			bad = append(bad, RowError{Line: row.line, Reason: reason})
		}
	}
	return bad, nil
}

// importImitation is why name (normalized: key; as skeleton reads it:
// skel) may not be imported when, read as the Latin letters its
// look-alikes resemble, it spells a stored company's
// name (or whole words of it) or another name in the file (inFile, by
// key); "" when it may.
func (s *Service) importImitation(ctx context.Context, c *call, name, key, skel string, inFile map[string]string) string {
	if skel == key || skel == "" {
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
		if jc, err = s.importer.CreateJobcenter(ctx, bot.Jobcenter{Name: s.newcomers, Created: c.now}, importEntry(c, bot.AuditJobcenter, s.newcomers, "created for imported people")); err != nil {
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
		return cw.Write(companyRecord(co, names))
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

// companyRecord is co in the export format's columns (exportColumns).
func companyRecord(co bot.Company, names map[uint64]string) []string {
	aliases := make([]string, len(co.Aliases))
	for i, a := range co.Aliases {
		aliases[i] = cell(a)
	}
	return []string{cell(co.Name), co.CVR, cell(names[co.OwnerID]), itoa(co.CadenceDays), string(co.Tier), cell(co.Area),
		formatDay(co.LastContact), string(co.Status), formatDay(co.SnoozedUntil), formatDay(co.PlannedNext), strings.Join(aliases, listSep),
		cell(co.Street), co.Postcode, cell(co.Town)}
}

// parseAddressColumns reads a row's address: street (with the house
// number column, if any), postcode and town. A postcode must be four
// digits; a street cell holding the whole address is split when there is
// no postcode column.
func parseAddressColumns(c *call, co bot.Company, get func(string) string) (bot.Company, string) {
	street, postcode, town := get("street"), get("postcode"), get("town")
	if no := get("house_no"); no != "" && street != "" {
		street += " " + no
	}
	if postcode == "" && town == "" && street != "" {
		if s, p, t, ok := bot.ParseAddress(street); ok {
			street, postcode, town = s, p, t
		}
	}
	if postcode != "" {
		postcode = strings.TrimPrefix(strings.TrimPrefix(postcode, "DK-"), "DK")
		if len(postcode) != 4 || strings.Trim(postcode, "0123456789") != "" {
			return co, c.tr("postnummer »"+clip(postcode)+"« er ikke fire cifre", "postcode »"+clip(postcode)+"« is not four digits")
		}
	}
	if len([]rune(street)) > maxAreaRunes || len([]rune(town)) > maxAreaRunes {
		return co, c.tr("gade eller by er længere end "+itoa(maxAreaRunes)+" tegn", "street or town is longer than "+itoa(maxAreaRunes)+" characters")
	}
	co.Street, co.Postcode, co.Town = strings.Join(strings.Fields(street), " "), postcode, strings.Join(strings.Fields(town), " ")
	return co, ""
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

// CSVCell is cell for the operator's own CSV exports outside this
// package (the audit trail, an access request).
func CSVCell(s string) string { return cell(s) }

func uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		return s[1:]
	}
	return s
}
