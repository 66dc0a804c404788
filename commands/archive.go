package commands

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"kontaktbot/bot"
)

// A whole export (kontaktbot export all) is one CSV file per kind of
// thing, in the dialect of the companies export (UTF-8 with a BOM, ";"
// separated, a header row), so a spreadsheet opens each one. Things refer
// to each other by what people know them by and the bot keeps unique:
// companies, people and jobcenters by name, contacts by company name.
// Internal ids never appear: a file imported elsewhere gets new ones, and
// a hand-edited row needs no number to look up. Positions are the one
// exception: their number (#N) is what people quote in chat, so it is
// kept, and an import restores it.
//
// Every file comes in a set order (ids, which an import keeps in order;
// a company's contacts oldest first), and every value has one written
// form, so an export imported into an empty file exports again byte for
// byte.

// The files of a whole export, in the order they are written and read.
const (
	FileJobcenters = "jobcentre.csv"
	FilePeople     = "personer.csv"
	FileCompanies  = "virksomheder.csv"
	FileContacts   = "kontakter.csv"
	FilePositions  = "stillinger.csv"
)

// ArchiveFiles lists the files of a whole export in order.
var ArchiveFiles = []string{FileJobcenters, FilePeople, FileCompanies, FileContacts, FilePositions}

// The column order of each file; virksomheder.csv is the companies export
// with what only a whole export can say.
var (
	jobcenterColumns  = []string{"name", "partners", "closed_days", "channels", "created"}
	personColumns     = []string{"name", "jobcenter", "role", "lang", "identities", "away_until", "standin", "created"}
	companyAllColumns = append(slices.Clone(exportColumns), "snoozes", "owner_since", "created", "jobcenter")
	contactColumns    = []string{"company", "at", "kind", "consultant", "note", "follow_up", "logged"}
	positionColumns   = []string{"nr", "company", "title", "count", "filled", "requirements", "place", "type", "deadline", "start", "status", "consultant", "jobcenter", "created", "announced", "history"}
)

// archiveStore is what a whole export and import use of the store.
type archiveStore interface {
	Importer
	Archiver
	Jobcenters(ctx context.Context) ([]bot.Jobcenter, error)
	Consultants(ctx context.Context) ([]bot.Consultant, error)
	ForEachCompany(ctx context.Context, fn func(bot.Company) error) error
	ForEachPosition(ctx context.Context, fn func(bot.Position) error) error
}

// FileSink takes the files of a whole export one after another, each
// written in full before the next is created: a *zip.Writer is one.
type FileSink interface {
	Create(name string) (io.Writer, error)
}

// ExportOptions steers ExportAll.
type ExportOptions struct {
	// Jobcenter, when not empty, limits the export to what the jobcenter
	// of that name owns: the companies its people are dedicated to, their
	// contacts and positions, and its people; besides, the people and
	// jobcenters those rows name, so that the export imports on its own.
	Jobcenter string
	// Lang is the language of a refusal.
	Lang bot.Lang
}

// archive is what one whole export holds, each kind in its file's order.
type archive struct {
	jobcenters []bot.Jobcenter
	people     []bot.Consultant
	companies  []bot.Company
	contacts   []bot.Contact
	positions  []bot.Position
}

// ExportAll writes everything (or, with opt.Jobcenter, what one
// jobcenter owns) to sink as the files ArchiveFiles.
func (s *Service) ExportAll(ctx context.Context, sink FileSink, opt ExportOptions) error {
	c := &call{now: s.clock.Now().In(bot.Copenhagen), lang: opt.Lang}
	a, err := s.gather(ctx, c, opt.Jobcenter)
	if err != nil {
		return err
	}
	jobName := make(map[uint64]string, len(a.jobcenters))
	for _, j := range a.jobcenters {
		jobName[j.ID] = j.Name
	}
	person := make(map[uint64]bot.Consultant, len(a.people))
	name := make(map[uint64]string, len(a.people))
	for _, p := range a.people {
		person[p.ID], name[p.ID] = p, p.Name
	}
	company := make(map[uint64]string, len(a.companies))
	for _, co := range a.companies {
		company[co.ID] = co.Name
	}
	files := []struct {
		name   string
		header []string
		rows   func(write func([]string) error) error
	}{
		{FileJobcenters, jobcenterColumns, func(write func([]string) error) error {
			for _, j := range a.jobcenters {
				if err := write(jobcenterRecord(j, jobName)); err != nil {
					return err
				}
			}
			return nil
		}},
		{FilePeople, personColumns, func(write func([]string) error) error {
			for _, p := range a.people {
				if err := write(personRecord(p, jobName, name)); err != nil {
					return err
				}
			}
			return nil
		}},
		{FileCompanies, companyAllColumns, func(write func([]string) error) error {
			for _, co := range a.companies {
				snoozes := ""
				if co.SnoozeCount != 0 {
					snoozes = itoa(co.SnoozeCount)
				}
				rec := append(companyRecord(co, name), snoozes, formatDay(co.OwnerSince), formatTime(co.Created), cell(jobName[person[co.OwnerID].JobcenterID]))
				if err := write(rec); err != nil {
					return err
				}
			}
			return nil
		}},
		{FileContacts, contactColumns, func(write func([]string) error) error {
			for _, ct := range a.contacts {
				if err := write([]string{cell(company[ct.CompanyID]), formatTime(ct.At), string(ct.Kind), cell(name[ct.ConsultantID]), cell(ct.Note), formatDay(ct.FollowUp), formatTime(ct.Logged)}); err != nil {
					return err
				}
			}
			return nil
		}},
		{FilePositions, positionColumns, func(write func([]string) error) error {
			for _, p := range a.positions {
				if err := write(positionRecord(p, company, name, jobName)); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, f := range files {
		w, err := sink.Create(f.name)
		if err != nil {
			return fmt.Errorf("export %s: %w", f.name, err)
		}
		if err := writeTable(w, f.header, f.rows); err != nil {
			return fmt.Errorf("export %s: %w", f.name, err)
		}
	}
	return nil
}

// writeTable writes one file of the export: BOM, header, rows.
func writeTable(w io.Writer, header []string, rows func(write func([]string) error) error) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := rows(cw.Write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// gather reads what the export holds: everything, or what the jobcenter
// named jobcenter owns and what that names.
func (s *Service) gather(ctx context.Context, c *call, jobcenter string) (archive, error) {
	var a archive
	jcs, err := s.archive.Jobcenters(ctx)
	if err != nil {
		return a, fmt.Errorf("export: %w", err)
	}
	people, err := s.archive.Consultants(ctx)
	if err != nil {
		return a, fmt.Errorf("export: %w", err)
	}
	var home *bot.Jobcenter
	if jobcenter != "" {
		known := make([]string, len(jcs))
		for i := range jcs {
			known[i] = "»" + jcs[i].Name + "«"
			if bot.NormalizeName(jcs[i].Name) == bot.NormalizeName(jobcenter) {
				home = &jcs[i]
			}
		}
		if home == nil {
			return a, bot.Errorf(bot.NotFound, "%s", c.tr("Jobcenteret »"+clip(jobcenter)+"« findes ikke. Kendte jobcentre: "+strings.Join(known, ", ")+".",
				"The jobcenter »"+clip(jobcenter)+"« does not exist. Known jobcenters: "+strings.Join(known, ", ")+"."))
		}
	}
	ownedBy := map[uint64]bool{} // people whose companies are exported
	for _, p := range people {
		if home == nil || p.JobcenterID == home.ID {
			ownedBy[p.ID] = true
		}
	}
	inScope := map[uint64]bool{}
	err = s.archive.ForEachCompany(ctx, func(co bot.Company) error {
		if home == nil || ownedBy[co.OwnerID] {
			a.companies = append(a.companies, co)
			inScope[co.ID] = true
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("export: %w", err)
	}
	err = s.archive.ForEachContact(ctx, func(ct bot.Contact) error {
		if inScope[ct.CompanyID] {
			a.contacts = append(a.contacts, ct)
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("export: %w", err)
	}
	// A company's contacts oldest first, as a spreadsheet reads a history;
	// companies in id order, which an import keeps.
	slices.SortStableFunc(a.contacts, func(x, y bot.Contact) int {
		return cmp.Or(cmp.Compare(x.CompanyID, y.CompanyID), x.At.Compare(y.At), cmp.Compare(x.ID, y.ID))
	})
	err = s.archive.ForEachPosition(ctx, func(p bot.Position) error {
		if inScope[p.CompanyID] {
			a.positions = append(a.positions, p)
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("export: %w", err)
	}
	slices.SortFunc(a.positions, func(x, y bot.Position) int { return cmp.Compare(x.ID, y.ID) })
	if home == nil {
		a.jobcenters, a.people = jcs, people
		return a, nil
	}
	a.people, a.jobcenters = referenced(&a, people, jcs, ownedBy, home)
	return a, nil
}

// referenced are the people and jobcenters a jobcenter's export holds:
// its own, and every one its rows name, so that it imports on its own.
// A jobcenter that is only named keeps only the partners the export
// holds.
func referenced(a *archive, people []bot.Consultant, jcs []bot.Jobcenter, own map[uint64]bool, home *bot.Jobcenter) ([]bot.Consultant, []bot.Jobcenter) {
	byID := make(map[uint64]bot.Consultant, len(people))
	for _, p := range people {
		byID[p.ID] = p
	}
	want := map[uint64]bool{}
	for id := range own {
		want[id] = true
	}
	for _, ct := range a.contacts {
		want[ct.ConsultantID] = true
	}
	wantJob := map[uint64]bool{home.ID: true}
	for _, id := range home.Partners {
		wantJob[id] = true
	}
	for _, p := range a.positions {
		want[p.ConsultantID] = true
		wantJob[p.JobcenterID] = true
		for _, e := range p.History {
			want[e.By] = true
		}
	}
	// A stand-in's stand-in is named too: follow the chain.
	for grew := true; grew; {
		grew = false
		for id := range want {
			if s := byID[id].StandInID; s != 0 && !want[s] {
				want[s], grew = true, true
			}
		}
	}
	var outP []bot.Consultant
	for _, p := range people {
		if want[p.ID] {
			outP = append(outP, p)
			wantJob[p.JobcenterID] = true
		}
	}
	var outJ []bot.Jobcenter
	for _, j := range jcs {
		if !wantJob[j.ID] {
			continue
		}
		if j.ID != home.ID {
			j.Partners = slices.DeleteFunc(slices.Clone(j.Partners), func(id uint64) bool { return !wantJob[id] })
		}
		outJ = append(outJ, j)
	}
	return outP, outJ
}

func jobcenterRecord(j bot.Jobcenter, jobName map[uint64]string) []string {
	partners := make([]string, len(j.Partners))
	for i, id := range j.Partners {
		partners[i] = jobName[id]
	}
	channels := ""
	if len(j.Channels) > 0 {
		channels = jsonText(j.Channels)
	}
	return []string{cell(j.Name), cell(strings.Join(partners, listSep)), cell(j.ClosedDays), channels, formatTime(j.Created)}
}

func personRecord(p bot.Consultant, jobName, name map[uint64]string) []string {
	ids := make([]string, len(p.Identities))
	for i, id := range p.Identities {
		ids[i] = id.Key()
	}
	return []string{cell(p.Name), cell(jobName[p.JobcenterID]), string(p.Role), string(p.Lang), cell(strings.Join(ids, listSep)),
		formatDay(p.AwayUntil), cell(name[p.StandInID]), formatTime(p.Created)}
}

// archiveEvent is a position's history event as exported: by whom by
// name, when in Copenhagen time.
type archiveEvent struct {
	At   time.Time `json:"at"`
	By   string    `json:"by,omitempty"`
	What string    `json:"what"`
}

func positionRecord(p bot.Position, company, name, jobName map[uint64]string) []string {
	announced, history := "", ""
	if len(p.Announced) > 0 {
		announced = jsonText(p.Announced)
	}
	if len(p.History) > 0 {
		evs := make([]archiveEvent, len(p.History))
		for i, e := range p.History {
			evs[i] = archiveEvent{At: e.At.In(bot.Copenhagen), By: name[e.By], What: e.What}
		}
		history = jsonText(evs)
	}
	count, filled := itoa(p.Count), ""
	if p.Filled != 0 {
		filled = itoa(p.Filled)
	}
	return []string{itoa(int(p.ID)), cell(company[p.CompanyID]), cell(p.Title), count, filled, cell(p.Requirements), cell(p.Place), cell(p.Type),
		formatDay(p.Deadline), formatDay(p.Start), string(p.Status), cell(name[p.ConsultantID]), cell(jobName[p.JobcenterID]), formatTime(p.Created), announced, history}
}

// jsonText is v as compact JSON with <, > and & left as they are: a cell
// a person may read.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "" // the domain's types always encode
	}
	return strings.TrimSuffix(b.String(), "\n")
}
