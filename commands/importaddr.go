package commands

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"kontaktbot/bot"
)

// addressColumns are the columns an address import reads.
var addressColumns = map[string][]string{
	"name": columns["name"], "cvr": columns["cvr"], "street": columns["street"],
	"house_no": columns["house_no"], "postcode": columns["postcode"], "town": columns["town"],
}

// importAddresses fills in the addresses of companies already stored, as
// a jobcenter does from the CVR register's extract of its companies: each
// row names a company by CVR number (or, without one, by its exact name
// or alias) and gives street, postcode and town. Every row is checked
// before anything is stored: a company not found, named twice, or a row
// without a postcode refuses the file with each line's reason. Companies
// not in the file keep their address.
func (s *Service) importAddresses(ctx context.Context, c *call, r io.Reader, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	cr := spreadsheetCSV(r)
	header, err := cr.Read()
	if err != nil || checkRecord(c, header) != "" {
		return res, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Filen skal have en overskriftslinje med cvr (eller name) og street;postcode;town (adresse, postnr, by).",
			"The file needs a header row with cvr (or name) and street;postcode;town."))
	}
	idx := map[string]int{}
	for i, h := range header {
		key := bot.NormalizeName(strings.ReplaceAll(h, "_", " "))
		for col, names := range addressColumns {
			for _, n := range names {
				if key == n {
					idx[col] = i
				}
			}
		}
	}
	for i, h := range header {
		if !mapped(idx, i) {
			res.IgnoredColumns = append(res.IgnoredColumns, strings.TrimSpace(h))
		}
	}
	_, byCVR := idx["cvr"]
	_, byName := idx["name"]
	_, hasPostcode := idx["postcode"]
	_, hasStreet := idx["street"]
	if (!byCVR && !byName) || (!hasPostcode && !hasStreet) {
		return res, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Overskriftslinjen skal have kolonnen cvr eller name og kolonnerne street;postcode;town (adresse, postnr, by).",
			"The header row needs the column cvr or name and the columns street;postcode;town."))
	}
	var as []bot.Company
	var bad []RowError
	seen := map[uint64]int{}
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
			return res, fmt.Errorf("read csv: %w", err)
		}
		if blankRecord(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		get := func(col string) string {
			if i, ok := idx[col]; ok && i < len(rec) {
				return uncell(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		co, reason := s.addressRow(ctx, c, rec, get)
		if reason == "" {
			if first, dup := seen[co.ID]; dup {
				reason = c.tr(co.Name+" står også i linje "+itoa(first), co.Name+" is also on line "+itoa(first))
			}
		}
		if reason != "" {
			bad = append(bad, RowError{Line: line, Reason: reason})
			continue
		}
		seen[co.ID] = line
		as = append(as, bot.Company{ID: co.ID, Street: co.Street, Postcode: co.Postcode, Town: co.Town})
	}
	if len(bad) > 0 {
		return res, &ImportError{Rows: bad}
	}
	res.Companies = len(as)
	if opt.DryRun {
		return res, nil
	}
	n, err := s.importer.SetAddresses(ctx, as, importEntry(c, bot.AuditImport, "addresses", itoa(len(as))+" companies"))
	res.Companies = n
	if err != nil {
		return res, fmt.Errorf("import addresses: %w", err)
	}
	return res, nil
}

func mapped(idx map[string]int, i int) bool {
	for _, j := range idx {
		if j == i {
			return true
		}
	}
	return false
}

// addressRow finds the company a row names and reads its address.
func (s *Service) addressRow(ctx context.Context, c *call, rec []string, get func(string) string) (bot.Company, string) {
	if reason := checkRecord(c, rec); reason != "" {
		return bot.Company{}, reason
	}
	var co bot.Company
	switch cvr, name := get("cvr"), get("name"); {
	case cvr != "":
		clean, err := parseCVR(c, cvr)
		if err != nil {
			return co, err.Error()
		}
		co, err = s.importer.CompanyByCVR(ctx, clean)
		if err != nil {
			return co, c.tr("ingen virksomhed har CVR "+clean, "no company has CVR "+clean)
		}
	case name != "":
		exact, _, err := s.importer.FindCompanies(ctx, bot.NormalizeName(name), 0)
		if err != nil || exact == nil {
			return co, c.tr("ingen virksomhed hedder »"+clip(name)+"«", "no company is called »"+clip(name)+"«")
		}
		co = *exact
	default:
		return co, c.tr("hverken CVR eller navn", "neither CVR nor name")
	}
	co, reason := parseAddressColumns(c, co, get)
	if reason == "" && co.Postcode == "" {
		reason = c.tr("adressen til "+co.Name+" mangler postnummer", "the address of "+co.Name+" lacks a postcode")
	}
	return co, reason
}
