package commands_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// mapSink keeps an export's files in memory, as an fstest.MapFS reads them.
type mapSink struct{ files map[string]*bytes.Buffer }

func (m *mapSink) Create(name string) (io.Writer, error) {
	b := &bytes.Buffer{}
	m.files[name] = b
	return b, nil
}

func (m *mapSink) fs() fstest.MapFS {
	out := fstest.MapFS{}
	for name, b := range m.files {
		out[name] = &fstest.MapFile{Data: bytes.Clone(b.Bytes())}
	}
	return out
}

func exportAll(t *testing.T, b *testBot, opt commands.ExportOptions) *mapSink {
	t.Helper()
	sink := &mapSink{files: map[string]*bytes.Buffer{}}
	if err := b.svc.ExportAll(t0, sink, opt); err != nil {
		t.Fatalf("export all: %v", err)
	}
	return sink
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// richBot is a file holding every kind of thing a jobcenter owns, in
// every state: the byte-for-byte round trips start from it.
func richBot(t *testing.T) *testBot {
	t.Helper()
	b := newBot(t)
	db := b.db
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, bot.Copenhagen) }
	jc := must[bot.Jobcenter](t)
	sorø := jc(db.CreateJobcenter(t0, bot.Jobcenter{Name: "Jobcenter Sorø", ClosedDays: "grundlovsdag, juleaftensdag"}))
	ærø := jc(db.CreateJobcenter(t0, bot.Jobcenter{Name: "Jobcenter Ærø"}))
	åbenrå := jc(db.CreateJobcenter(t0, bot.Jobcenter{Name: "Jobcenter Åbenrå"}))
	jc(db.UpdateJobcenter(t0, sorø.ID, func(j *bot.Jobcenter) error {
		j.Partners = []uint64{ærø.ID}
		j.Channels = map[string]bot.Channel{bot.ChannelPositions: {Platform: "slack", Team: "T01", ID: "C01"}, bot.ChannelIntroDays: {Platform: "teams", Team: "tenant-1", ID: "19:abc@thread.tacv2"}}
		return nil
	}))
	jc(db.UpdateJobcenter(t0, ærø.ID, func(j *bot.Jobcenter) error { j.Partners = []uint64{sorø.ID}; return nil }))
	person := must[bot.Consultant](t)
	hanne := person(db.CreateConsultant(t0, bot.Consultant{Name: "Hanne Jensen", JobcenterID: sorø.ID, Role: bot.RoleLead, Lang: bot.Danish,
		Identities: []bot.Identity{{Platform: "slack", Team: "T01", User: "U01"}, {Platform: "teams", Team: "tenant-1", User: "aad-1"}}}))
	søren := person(db.CreateConsultant(t0, bot.Consultant{Name: "Søren Ærbø", JobcenterID: ærø.ID, Role: bot.RoleConsultant, Lang: bot.English}))
	åse := person(db.CreateConsultant(t0, bot.Consultant{Name: "Åse Øster", JobcenterID: åbenrå.ID, Role: bot.RoleCoordinator, Lang: bot.Danish,
		Identities: []bot.Identity{{Platform: "console", User: "aase oester"}}}))
	person(db.UpdateConsultant(t0, søren.ID, func(c *bot.Consultant) error { c.AwayUntil, c.StandInID = day(12, 4), hanne.ID; return nil }))
	co := must[bot.Company](t)
	mask := co(db.CreateCompany(t0, bot.Company{Name: "Ærø Maskinfabrik", CVR: "12345674", Aliases: []string{"ÆM", "Maskinfabrikken på Ærø"}, OwnerID: søren.ID,
		CadenceDays: 14, Tier: bot.TierIntensified, Area: "Havnen 3; Ærøskøbing", Street: "Vestergade 1", Postcode: "5970", Town: "=Ærøskøbing"}))
	træ := co(db.CreateCompany(t0, bot.Company{Name: "Bøgelund Træ & Stål", CVR: "29403473", OwnerID: hanne.ID, CadenceDays: 30, Area: `"Den gamle" savværk`}))
	formel := co(db.CreateCompany(t0, bot.Company{Name: "=Formel ApS", OwnerID: hanne.ID, CadenceDays: 60}))
	smør := co(db.CreateCompany(t0, bot.Company{Name: "Åbenrå Smørrebrød", CVR: "31415926", CadenceDays: 30}))
	co(db.CreateCompany(t0, bot.Company{Name: "Nye Ting", OwnerID: åse.ID, CadenceDays: 45}))
	contact := must[bot.Contact](t)
	at := time.Date(2026, 10, 1, 9, 30, 15, 0, bot.Copenhagen)
	contact(db.AddContact(t0, bot.Contact{CompanyID: mask.ID, ConsultantID: søren.ID, At: at, Kind: bot.KindVisit,
		Note: "Mødte Claus; \"lærlinge\" næste år\nRing igen i marts", FollowUp: day(12, 15)}))
	contact(db.AddContact(t0, bot.Contact{CompanyID: mask.ID, ConsultantID: hanne.ID, At: at, Kind: bot.KindPhone, Note: "samme sekund, anden samtale"}))
	contact(db.AddContact(t0, bot.Contact{CompanyID: mask.ID, ConsultantID: søren.ID, At: at.AddDate(0, 0, -30), Kind: bot.KindMail, Note: "=SUM(A1) er ikke en formel"}))
	contact(db.AddContact(t0, bot.Contact{CompanyID: træ.ID, ConsultantID: hanne.ID, At: time.Date(2026, 3, 29, 2, 30, 0, 0, bot.Copenhagen), Kind: bot.KindMeeting}))
	contact(db.AddContact(t0, bot.Contact{CompanyID: formel.ID, ConsultantID: hanne.ID, At: day(11, 2).Add(14 * time.Hour), Kind: bot.KindVisit}))
	if err := db.ImportContacts(t0, []bot.Contact{{CompanyID: smør.ID, At: day(6, 1).Add(12 * time.Hour), Kind: bot.KindImported}}); err != nil {
		t.Fatal(err)
	}
	co(db.UpdateCompany(t0, træ.ID, func(c *bot.Company) error { c.Status = bot.StatusPaused; return nil }))
	co(db.UpdateCompany(t0, formel.ID, func(c *bot.Company) error {
		c.SnoozedUntil, c.SnoozeCount, c.PlannedNext = day(12, 10), 2, day(12, 3)
		return nil
	}))
	co(db.UpdateCompany(t0, smør.ID, func(c *bot.Company) error { c.Status = bot.StatusEnded; return nil }))
	pos := must[bot.Position](t)
	open := pos(db.CreatePosition(t0, bot.Position{CompanyID: mask.ID, ConsultantID: søren.ID, JobcenterID: ærø.ID, Title: "Smed", Count: 2,
		Requirements: "svejsecertifikat; truckkort", Place: "Ærøskøbing", Type: "ordinær", Deadline: day(12, 20), Start: day(1, 4).AddDate(1, 0, 0),
		Announced: []bot.Receipt{{Channel: bot.Channel{Platform: "slack", Team: "T01", ID: "C01"}, MessageID: "1712345678.000100"}}}))
	for _, st := range []bot.PositionStatus{bot.PositionFilled, bot.PositionClosed, bot.PositionExpired} {
		p := pos(db.CreatePosition(t0, bot.Position{CompanyID: træ.ID, ConsultantID: hanne.ID, JobcenterID: sorø.ID, Title: "Tømrer " + string(st), Count: 1}))
		pos(db.UpdatePosition(t0, p.ID, func(p *bot.Position) error {
			p.Status = st
			if st == bot.PositionFilled {
				p.Filled = 1
			}
			p.History = append(p.History, bot.Event{At: at.Add(time.Hour), By: hanne.ID, What: "status " + string(st) + "; \"med\" citat"}, bot.Event{At: at.Add(2 * time.Hour), What: "udløbet af sig selv"})
			return nil
		}))
	}
	pos(db.UpdatePosition(t0, open.ID, func(p *bot.Position) error { p.Filled = 1; return nil }))
	return b
}

func sameFiles(t *testing.T, what string, a, b *mapSink) {
	t.Helper()
	for _, name := range commands.ArchiveFiles {
		x, y := a.files[name], b.files[name]
		if x == nil || y == nil {
			t.Errorf("%s: %s missing (%v, %v)", what, name, x != nil, y != nil)
			continue
		}
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Errorf("%s: %s differs:\n%s\n--- again:\n%s", what, name, x, y)
		}
	}
}

func TestExportAllImportsBackByteForByte(t *testing.T) {
	t.Parallel()
	b := richBot(t)
	first := exportAll(t, b, commands.ExportOptions{})
	contains(t, first.files[commands.FileCompanies].String(),
		"\ufeffname;cvr;owner;cadence;tier;area;last_contact;status;snoozed_until;planned_next;aliases;street;postcode;town;snoozes;owner_since;created;jobcenter\n",
		"Ærø Maskinfabrik;12345674;Søren Ærbø;14;intensified;\"Havnen 3; Ærøskøbing\";2026-10-01;active;;2026-12-15;ÆM | Maskinfabrikken på Ærø;Vestergade 1;5970;'=Ærøskøbing;;2026-11-22;2026-11-22T10:00:00+01:00;Jobcenter Ærø\n",
		"Bøgelund Træ & Stål;29403473;Hanne Jensen;30;normal;\"\"\"Den gamle\"\" savværk\";2026-03-29;paused;",
		"'=Formel ApS;;Hanne Jensen;60;normal;;2026-11-02;active;2026-12-10;2026-12-03;;;;;2;",
		"Åbenrå Smørrebrød;31415926;;30;normal;;2026-06-01;ended;;;;;;;;;")
	contains(t, first.files[commands.FileContacts].String(),
		"Ærø Maskinfabrik;2026-09-01T09:30:15+02:00;mail;Søren Ærbø;'=SUM(A1) er ikke en formel;;",
		"Ærø Maskinfabrik;2026-10-01T09:30:15+02:00;visit;Søren Ærbø;\"Mødte Claus; \"\"lærlinge\"\" næste år\nRing igen i marts\";2026-12-15;",
		"Bøgelund Træ & Stål;2026-03-29T03:30:00+02:00;meeting;Hanne Jensen;;;",
		"Åbenrå Smørrebrød;2026-06-01T12:00:00+02:00;import;;;;")
	contains(t, first.files[commands.FilePeople].String(),
		"Hanne Jensen;Jobcenter Sorø;lead;da;slack/T01/U01 | teams/tenant-1/aad-1;;;",
		"Søren Ærbø;Jobcenter Ærø;consultant;en;;2026-12-04;Hanne Jensen;")
	contains(t, first.files[commands.FileJobcenters].String(),
		`Jobcenter Sorø;Jobcenter Ærø;grundlovsdag, juleaftensdag;"{""introdays"":{""platform"":""teams"",""team"":""tenant-1"",""id"":""19:abc@thread.tacv2""},""positions"":{""platform"":""slack"",""team"":""T01"",""id"":""C01""}}";`)
	contains(t, first.files[commands.FilePositions].String(),
		"1;Ærø Maskinfabrik;Smed;2;1;\"svejsecertifikat; truckkort\";Ærøskøbing;ordinær;2026-12-20;2027-01-04;open;Søren Ærbø;Jobcenter Ærø;", "2;Bøgelund Træ & Stål;Tømrer filled;1;1;", ";filled;Hanne Jensen;Jobcenter Sorø;",
		";closed;", ";expired;", `""by"":""Hanne Jensen""`)

	b2 := newBot(t)
	res, err := b2.svc.ImportAll(t0, first.fs(), commands.ImportOptions{})
	if err != nil {
		t.Fatalf("import all: %v", err)
	}
	if res.Jobcenters != 3 || res.People != 3 || res.Companies != 5 || res.Contacts != 6 || res.Positions != 4 || len(res.IgnoredColumns) != 0 {
		t.Errorf("import all = %+v", res)
	}
	sameFiles(t, "export, import, export", first, exportAll(t, b2, commands.ExportOptions{}))
	// The import is in the audit trail: the jobcenters and people, then
	// the companies, each with the write that stored them.
	es, n, err := b2.db.AuditPage(t0, bot.AuditFilter{}, 0, 10)
	if err != nil || n != 2 || es[1].Detail != "3 jobcenters, 3 people" || es[0].Detail != "5 companies, 6 contacts, 4 positions" ||
		es[0].Actor != "kontaktbot import" || es[1].Action != bot.AuditImport {
		t.Errorf("the trail after import all: %+v (%d), %v", es, n, err)
	}

	// What the bot does with the imported file is what it did before.
	formel := b2.company("=Formel ApS")
	if formel.SnoozeCount != 2 || !formel.SnoozedUntil.Equal(time.Date(2026, 12, 10, 0, 0, 0, 0, bot.Copenhagen)) || formel.LastKind != bot.KindVisit {
		t.Errorf("imported =Formel ApS = %+v", formel)
	}
	if cs := b2.contacts("Ærø Maskinfabrik"); len(cs) != 3 || !strings.Contains(cs[0].Note+cs[1].Note, "\"lærlinge\" næste år\nRing") {
		t.Errorf("imported contacts = %+v", cs)
	}
	contains(t, b2.ok("Hanne Jensen", "company bøgelund"), "pause")
	p, err := b2.db.Position(t0, 1)
	if err != nil || p.Title != "Smed" || p.Filled != 1 || len(p.Announced) != 1 {
		t.Errorf("position #1 = %+v, %v", p, err)
	}
	hanne, err := b2.db.ConsultantByIdentity(t0, bot.Identity{Platform: "teams", Team: "tenant-1", User: "aad-1"})
	if err != nil || hanne.Name != "Hanne Jensen" || hanne.Role != bot.RoleLead {
		t.Errorf("Hanne by her Teams identity: %+v, %v", hanne, err)
	}
}

func TestExportAllOneJobcenter(t *testing.T) {
	t.Parallel()
	b := richBot(t)
	first := exportAll(t, b, commands.ExportOptions{Jobcenter: "jobcenter sorø"})
	companies := first.files[commands.FileCompanies].String()
	contains(t, companies, "Bøgelund Træ & Stål;", "'=Formel ApS;")
	lacks(t, companies, "Ærø Maskinfabrik", "Åbenrå Smørrebrød", "Nye Ting")
	// Its partner is named, and so is the person it names as a stand-in
	// (none here), but not a jobcenter it has nothing to do with.
	contains(t, first.files[commands.FileJobcenters].String(), "Jobcenter Sorø;Jobcenter Ærø;", "\nJobcenter Ærø;Jobcenter Sorø;;;")
	lacks(t, first.files[commands.FileJobcenters].String(), "Åbenrå")
	lacks(t, first.files[commands.FileContacts].String(), "Ærø Maskinfabrik")
	b2 := newBot(t)
	if _, err := b2.svc.ImportAll(t0, first.fs(), commands.ImportOptions{}); err != nil {
		t.Fatalf("import one jobcenter: %v", err)
	}
	sameFiles(t, "one jobcenter", first, exportAll(t, b2, commands.ExportOptions{Jobcenter: "Jobcenter Sorø"}))

	var be *bot.Error
	if err := b.svc.ExportAll(t0, &mapSink{files: map[string]*bytes.Buffer{}}, commands.ExportOptions{Jobcenter: "Jobcenter Ingen"}); !errors.As(err, &be) || !strings.Contains(be.Message, "Jobcenter Sorø") {
		t.Errorf("export of an unknown jobcenter: %v, want a refusal naming the known ones", err)
	}
}

func TestImportAllChecksEverythingFirst(t *testing.T) {
	t.Parallel()
	b := richBot(t)
	files := exportAll(t, b, commands.ExportOptions{}).fs()
	files[commands.FilePeople].Data = append(files[commands.FilePeople].Data, "Ny Person;Jobcenter Ingen;consultant;da;;;;\n"...)
	files[commands.FileContacts].Data = append(files[commands.FileContacts].Data, "Findes Ikke A/S;2026-10-01T10:00:00+02:00;visit;;;;\n"+
		"Nye Ting;i går;visit;;;;\n"+
		"Nye Ting;2026-10-01 10:00;besøg;Hanne Jensen;CPR 010190-1234;;\n"...)
	files[commands.FilePositions].Data = append(files[commands.FilePositions].Data, "1;Nye Ting;Dobbelt;1;;;;;;;open;;;;;\n"...)
	for _, dry := range []bool{true, false} {
		b2 := newBot(t)
		_, err := b2.svc.ImportAll(t0, files, commands.ImportOptions{DryRun: dry})
		var ie *commands.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("dry %v: err = %v, want an *ImportError", dry, err)
		}
		contains(t, ie.Error(), "personer.csv linje 5: jobcenteret »Jobcenter Ingen« står ikke i jobcentre.csv",
			// The note of line 3 spans two lines of the file.
			"kontakter.csv linje 9: virksomheden »Findes Ikke A/S« står ikke i virksomheder.csv",
			"kontakter.csv linje 10: at: »i går« er ikke et tidspunkt",
			"kontakter.csv linje 11: note indeholder noget, der ligner et CPR-nummer",
			"stillinger.csv linje 6: nummeret 1 står også i linje 2")
		if len(ie.Rows) != 5 {
			t.Errorf("dry %v: %d bad rows, want 5:\n%s", dry, len(ie.Rows), ie.Error())
		}
		if n := b2.countCompanies(); n != 0 {
			t.Errorf("dry %v: a refused import stored %d companies", dry, n)
		}
		if ps, _ := b2.db.Consultants(t0); len(ps) != 0 {
			t.Errorf("dry %v: a refused import stored people %+v", dry, ps)
		}
	}
	// A dry run of a good one stores nothing and says what it would.
	good := exportAll(t, b, commands.ExportOptions{}).fs()
	b3 := newBot(t)
	res, err := b3.svc.ImportAll(t0, good, commands.ImportOptions{DryRun: true})
	if err != nil || res.Companies != 5 || res.Contacts != 6 {
		t.Errorf("dry run: %+v, %v", res, err)
	}
	if n := b3.countCompanies(); n != 0 {
		t.Errorf("a dry run stored %d companies", n)
	}
	// A file with data already is refused whole.
	var be *bot.Error
	if _, err := b.svc.ImportAll(t0, good, commands.ImportOptions{}); !errors.As(err, &be) || be.Code != bot.Conflict {
		t.Errorf("import all into a full file: %v, want a conflict", err)
	}
}

func TestExportCompaniesKeepsState(t *testing.T) {
	t.Parallel()
	b := richBot(t)
	var out bytes.Buffer
	if err := b.svc.ExportCompanies(t0, &out); err != nil {
		t.Fatal(err)
	}
	contains(t, out.String(), "'=Formel ApS;;Hanne Jensen;60;normal;;2026-11-02;active;2026-12-10;2026-12-03;;;;\n",
		"Bøgelund Træ & Stål;29403473;Hanne Jensen;30;normal;\"\"\"Den gamle\"\" savværk\";2026-03-29;paused;;;;;;\n",
		"Ærø Maskinfabrik;12345674;Søren Ærbø;14;intensified;\"Havnen 3; Ærøskøbing\";2026-10-01;active;;2026-12-15;ÆM | Maskinfabrikken på Ærø;Vestergade 1;5970;'=Ærøskøbing\n")
	b2 := newBot(t)
	if _, err := b2.svc.ImportCompanies(t0, bytes.NewReader(out.Bytes()), commands.ImportOptions{CreatePeople: true}); err != nil {
		t.Fatalf("re-import: %v", err)
	}
	var again bytes.Buffer
	if err := b2.svc.ExportCompanies(t0, &again); err != nil {
		t.Fatal(err)
	}
	if out.String() != again.String() {
		t.Errorf("companies round trip differs:\n%s\n---\n%s", out.String(), again.String())
	}
	if co := b2.company("Maskinfabrikken på Ærø"); co.Name != "Ærø Maskinfabrik" {
		t.Errorf("the alias finds %+v", co)
	}
	// A state the format does not know is refused with its line.
	_, err := b2.svc.ImportCompanies(t0, strings.NewReader("name;status;planned_next\nNy;sovende;\nNyere;;i morgen\n"), commands.ImportOptions{})
	var ie *commands.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 2 {
		t.Fatalf("bad states: %v", err)
	}
	contains(t, ie.Error(), "linje 2: status »sovende« findes ikke", "linje 3: planned_next: »i morgen« er ikke en dato")
}
