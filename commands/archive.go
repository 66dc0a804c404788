package commands

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
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

// ExportAll writes everything (or, with opt.Jobcenter, what one
// jobcenter owns) to sink as the files ArchiveFiles, from one consistent
// view of the store. It streams: a national file's millions of contacts
// pass through one company's at a time.
func (s *Service) ExportAll(ctx context.Context, sink FileSink, opt ExportOptions) error {
	c := &call{now: s.clock.Now().In(bot.Copenhagen), lang: opt.Lang}
	err := s.archive.ReadRecords(ctx, func(r bot.Records) error {
		sc, err := exportScope(c, r, opt.Jobcenter)
		if err != nil {
			return err
		}
		return sc.write(r, sink)
	})
	var be *bot.Error
	if err != nil && !errors.As(err, &be) {
		return fmt.Errorf("export: %w", err)
	}
	return err
}

// scope is what a whole export holds, and the names its rows refer by.
type scope struct {
	jobcenters []bot.Jobcenter
	people     []bot.Consultant
	// in tells the companies of the export, when not all are (nil).
	in      map[uint64]bool
	jobName map[uint64]string
	name    map[uint64]string // person id -> name
	jobOf   map[uint64]uint64 // person id -> jobcenter id
	company map[uint64]string // company id -> name, filled as they are written
}

// exportScope is everything, or what the jobcenter named jobcenter owns:
// the companies its people are dedicated to, with their contacts and
// positions, and its people; and every person and jobcenter those rows
// name (partners, stand-ins, other jobcenters' consultants), so that the
// export imports on its own. A jobcenter that is only named keeps only
// the partners the export holds.
func exportScope(c *call, r bot.Records, jobcenter string) (*scope, error) {
	jcs, err := r.Jobcenters()
	if err != nil {
		return nil, err
	}
	people, err := r.Consultants()
	if err != nil {
		return nil, err
	}
	sc := &scope{jobcenters: jcs, people: people}
	if jobcenter != "" {
		if err := sc.limit(c, r, jobcenter); err != nil {
			return nil, err
		}
	}
	sc.jobName = make(map[uint64]string, len(sc.jobcenters))
	for _, j := range sc.jobcenters {
		sc.jobName[j.ID] = j.Name
	}
	sc.name = make(map[uint64]string, len(sc.people))
	sc.jobOf = make(map[uint64]uint64, len(sc.people))
	for _, p := range sc.people {
		sc.name[p.ID], sc.jobOf[p.ID] = p.Name, p.JobcenterID
	}
	sc.company = map[uint64]string{}
	return sc, nil
}

// limit narrows sc to the jobcenter named jobcenter (see exportScope).
func (sc *scope) limit(c *call, r bot.Records, jobcenter string) error {
	var home *bot.Jobcenter
	known := make([]string, len(sc.jobcenters))
	for i := range sc.jobcenters {
		known[i] = "»" + sc.jobcenters[i].Name + "«"
		if bot.NormalizeName(sc.jobcenters[i].Name) == bot.NormalizeName(jobcenter) {
			home = &sc.jobcenters[i]
		}
	}
	if home == nil {
		return bot.Errorf(bot.NotFound, "%s", c.tr("Jobcenteret »"+clip(jobcenter)+"« findes ikke. Kendte jobcentre: "+strings.Join(known, ", ")+".",
			"The jobcenter »"+clip(jobcenter)+"« does not exist. Known jobcenters: "+strings.Join(known, ", ")+"."))
	}
	want, wantJob := map[uint64]bool{}, map[uint64]bool{home.ID: true}
	for _, p := range sc.people {
		want[p.ID] = p.JobcenterID == home.ID
	}
	for _, id := range home.Partners {
		wantJob[id] = true
	}
	sc.in = map[uint64]bool{}
	err := r.EachCompany(func(co bot.Company) error {
		if co.OwnerID != 0 && want[co.OwnerID] {
			sc.in[co.ID] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	named := map[uint64]bool{}
	err = r.EachContact(func(ct bot.Contact) error {
		if sc.in[ct.CompanyID] {
			named[ct.ConsultantID] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = r.EachPosition(func(p bot.Position) error {
		if sc.in[p.CompanyID] {
			named[p.ConsultantID], wantJob[p.JobcenterID] = true, true
			for _, e := range p.History {
				named[e.By] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for id := range named {
		want[id] = true
	}
	byID := make(map[uint64]bot.Consultant, len(sc.people))
	for _, p := range sc.people {
		byID[p.ID] = p
	}
	// A stand-in's stand-in is named too: follow the chain.
	for grew := true; grew; {
		grew = false
		for id, w := range want {
			if s := byID[id].StandInID; w && s != 0 && !want[s] {
				want[s], grew = true, true
			}
		}
	}
	sc.people = slices.DeleteFunc(sc.people, func(p bot.Consultant) bool { return !want[p.ID] })
	for _, p := range sc.people {
		wantJob[p.JobcenterID] = true
	}
	sc.jobcenters = slices.DeleteFunc(sc.jobcenters, func(j bot.Jobcenter) bool { return !wantJob[j.ID] })
	for i := range sc.jobcenters {
		if j := &sc.jobcenters[i]; j.ID != home.ID {
			j.Partners = slices.DeleteFunc(slices.Clone(j.Partners), func(id uint64) bool { return !wantJob[id] })
		}
	}
	return nil
}

// write writes the export's files to sink in order.
func (sc *scope) write(r bot.Records, sink FileSink) error {
	files := []struct {
		name   string
		header []string
		rows   func(write func([]string) error) error
	}{
		{FileJobcenters, jobcenterColumns, func(write func([]string) error) error {
			for _, j := range sc.jobcenters {
				if err := write(jobcenterRecord(j, sc.jobName)); err != nil {
					return err
				}
			}
			return nil
		}},
		{FilePeople, personColumns, func(write func([]string) error) error {
			for _, p := range sc.people {
				if err := write(personRecord(p, sc.jobName, sc.name)); err != nil {
					return err
				}
			}
			return nil
		}},
		{FileCompanies, companyAllColumns, func(write func([]string) error) error {
			return r.EachCompany(func(co bot.Company) error {
				if sc.in != nil && !sc.in[co.ID] {
					return nil
				}
				sc.company[co.ID] = co.Name
				snoozes := ""
				if co.SnoozeCount != 0 {
					snoozes = itoa(co.SnoozeCount)
				}
				return write(append(companyRecord(co, sc.name), snoozes, formatDay(co.OwnerSince), formatTime(co.Created), cell(sc.jobName[sc.jobOf[co.OwnerID]])))
			})
		}},
		{FileContacts, contactColumns, sc.contactRows(r)},
		{FilePositions, positionColumns, func(write func([]string) error) error {
			return r.EachPosition(func(p bot.Position) error {
				if _, ok := sc.company[p.CompanyID]; !ok {
					return nil
				}
				return write(positionRecord(p, sc.company, sc.name, sc.jobName))
			})
		}},
	}
	for _, f := range files {
		w, err := sink.Create(f.name)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if err := writeTable(w, f.header, f.rows); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// contactRows writes the contacts of the exported companies, each
// company's oldest first, as a spreadsheet reads a history: the store
// gives them newest first, one company after another, so one company's
// are held at a time.
func (sc *scope) contactRows(r bot.Records) func(write func([]string) error) error {
	return func(write func([]string) error) error {
		var one []bot.Contact
		flush := func() error {
			slices.SortStableFunc(one, func(x, y bot.Contact) int { return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.ID, y.ID)) })
			for _, ct := range one {
				if err := write([]string{cell(sc.company[ct.CompanyID]), formatTime(ct.At), string(ct.Kind), cell(sc.name[ct.ConsultantID]),
					cell(ct.Note), formatDay(ct.FollowUp), formatTime(ct.Logged)}); err != nil {
					return err
				}
			}
			one = one[:0]
			return nil
		}
		err := r.EachContact(func(ct bot.Contact) error {
			if _, ok := sc.company[ct.CompanyID]; !ok {
				return nil
			}
			if len(one) > 0 && one[0].CompanyID != ct.CompanyID {
				if err := flush(); err != nil {
					return err
				}
			}
			one = append(one, ct)
			return nil
		})
		if err != nil {
			return err
		}
		return flush()
	}
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
