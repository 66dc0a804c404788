package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// syncBuffer is a bytes.Buffer that a running console may write to while
// the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// mustRun calls run, which must succeed, and returns its stdout.
func mustRun(t *testing.T, stdin string, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, err := runCmd(t, stdin, env, args...)
	if err != nil {
		t.Fatalf("kontaktbot %q: %v\nstdout:\n%s\nstderr:\n%s", args, err, out, errOut)
	}
	return out
}

// inspect opens the database file at path, as another process would after
// kontaktbot has exited, and hands it to fn.
func inspect(t *testing.T, path string, fn func(ctx context.Context, db *storage.DB)) {
	t.Helper()
	db, err := storage.Open(path, storage.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	fn(context.Background(), db)
}

// mustCompany finds the company named name.
func mustCompany(t *testing.T, ctx context.Context, db *storage.DB, name string) bot.Company {
	t.Helper()
	exact, _, err := db.FindCompanies(ctx, bot.NormalizeName(name), 0)
	if err != nil || exact == nil {
		t.Fatalf("company %q: %v (found %v)", name, err, exact)
	}
	return *exact
}

func allCompanies(t *testing.T, ctx context.Context, db *storage.DB) []bot.Company {
	t.Helper()
	var cs []bot.Company
	if err := db.ForEachCompany(ctx, func(c bot.Company) error { cs = append(cs, c); return nil }); err != nil {
		t.Fatal(err)
	}
	return cs
}

func mustContacts(t *testing.T, ctx context.Context, db *storage.DB, companyID uint64) []bot.Contact {
	t.Helper()
	cs, err := db.Contacts(ctx, companyID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// inOrder checks that parts occur in out one after another and returns
// what follows the last one.
func inOrder(t *testing.T, out string, parts ...string) string {
	t.Helper()
	rest := out
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("output lacks %q after the previous parts:\n%s", p, out)
		}
		rest = rest[i+len(p):]
	}
	return rest
}

// today and yesterday as the bot writes them. A test that depends on them
// skips if it ran across midnight in Copenhagen.
func danishDays() (today, yesterday string) {
	now := time.Now()
	return bot.FormatDate(now, bot.Danish), bot.FormatDate(bot.AddDays(now, -1), bot.Danish)
}

func skipIfDayChanged(t *testing.T, today string) {
	if now, _ := danishDays(); now != today {
		t.Skip("the day changed in Copenhagen while the test ran")
	}
}

func TestConsoleSessionInDanish(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	today, yday := danishDays()
	now := time.Now()
	todayLong, ydayLong := bot.FormatDay(now, bot.Danish), bot.FormatDay(bot.AddDays(now, -1), bot.Danish)
	script := "company add Ærø Maskinfabrik cvr 12345674 kadence 14\n" +
		"visit aeroe i går telefon talte med Claus\n" +
		"company ærø\n" +
		"mine\n" +
		"undo\n" +
		"company ÆRØ\n"
	out := mustRun(t, script, nil, "--db", db, "--as", "Hanne Jensen")
	skipIfDayChanged(t, today)
	if strings.Contains(out, "⚠️") {
		t.Errorf("a command was refused:\n%s", out)
	}
	afterUndo := inOrder(t, out,
		"✅ Oprettet: Ærø Maskinfabrik med Hanne Jensen som fast konsulent, kadence 14 dage.",
		"✅ Gemt: telefon hos Ærø Maskinfabrik "+ydayLong+": »talte med Claus«.",
		"Ærø Maskinfabrik\nCVR: 12345674\nFast konsulent: Hanne Jensen\nKadence: 14 dage\nSeneste kontakt: "+yday+"\n",
		"  • "+yday+" telefon (Hanne Jensen): talte med Claus\n",
		"Dine virksomheder: 1, heraf 0 over kadencen\n  • Ærø Maskinfabrik — om 13 dage (sidst "+yday+")\n",
		"↩️ Fortrudt: telefon hos Ærø Maskinfabrik "+ydayLong+" er slettet.\n",
	)
	inOrder(t, afterUndo, "Ærø Maskinfabrik\nCVR: 12345674\n", "Seneste kontakt: ingen endnu\n", "  • Ingen kontakter endnu.\n")
	if strings.Contains(afterUndo, "talte med Claus") {
		t.Errorf("the card after undo still shows the contact:\n%s", afterUndo)
	}

	// Another run on the same file: the company persists, the undone
	// contact does not, and a new contact logged by CVR is kept.
	out = mustRun(t, "company aeroe maskinfabrik\nvisit 12345674 mødte Claus om lærlinge\n", nil, "--db", db, "--as", "Hanne Jensen")
	inOrder(t, out, "CVR: 12345674\n", "Kadence: 14 dage\n", "  • Ingen kontakter endnu.\n", "✅ Gemt: besøg hos Ærø Maskinfabrik "+todayLong+": »mødte Claus om lærlinge«.")
	out = mustRun(t, "company Ærø\n", nil, "--db", db, "--as", "Hanne Jensen")
	inOrder(t, out, "Seneste kontakt: "+today+"\n", "  • "+today+" besøg (Hanne Jensen): mødte Claus om lærlinge\n")
	if strings.Contains(out, "talte med Claus") {
		t.Errorf("the undone contact came back:\n%s", out)
	}
	inspect(t, db, func(ctx context.Context, s *storage.DB) {
		co := mustCompany(t, ctx, s, "Ærø Maskinfabrik")
		if co.CVR != "12345674" || co.CadenceDays != 14 {
			t.Errorf("stored company %+v", co)
		}
		cts := mustContacts(t, ctx, s, co.ID)
		if len(cts) != 1 || cts[0].Note != "mødte Claus om lærlinge" || cts[0].Kind != bot.KindVisit {
			t.Errorf("stored contacts %+v, want only the second visit", cts)
		}
	})
}

func TestDBFlagWinsOverEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envDB, flagDB := filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")
	env := map[string]string{"KONTAKTBOT_DB": envDB}
	mustRun(t, "company add L-tek cvr 12345674\n", env, "console", "--db", flagDB, "--as", "Hanne")
	out := mustRun(t, "", env, "export", "companies", "--db", flagDB)
	if !strings.Contains(out, "L-tek;12345674;Hanne;30;normal;;") {
		t.Errorf("export --db %s lacks L-tek:\n%s", flagDB, out)
	}
	if _, err := os.Stat(envDB); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("KONTAKTBOT_DB %s was touched although --db was given (stat: %v)", envDB, err)
	}
	inspect(t, flagDB, func(ctx context.Context, db *storage.DB) { mustCompany(t, ctx, db, "L-tek") })

	// Without the flag the variable names the file.
	mustRun(t, "company add Ærø Maskinfabrik\n", env, "--as", "Hanne")
	inspect(t, envDB, func(ctx context.Context, db *storage.DB) {
		if cs := allCompanies(t, ctx, db); len(cs) != 1 || cs[0].Name != "Ærø Maskinfabrik" {
			t.Errorf("KONTAKTBOT_DB file holds %+v, want only Ærø Maskinfabrik", cs)
		}
	})
}

func TestAsNamesTheActingConsultant(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	out := mustRun(t, "company add L-tek\n", nil, "--db", db, "--as", "Hanne Jensen")
	if !strings.Contains(out, "med Hanne Jensen som fast konsulent") {
		t.Fatalf("the first person is not Hanne Jensen:\n%s", out)
	}
	// The second person is a consultant: refused politely, exit 0.
	out = mustRun(t, "role Hanne Jensen konsulent\n", nil, "--db", db, "--as", "Søren")
	if want := "⚠️ Det må du ikke med din rolle (konsulent): »rolle« kræver rollen admin. Spørg en administrator.\n"; out != want {
		t.Errorf("Søren giving a role got %q, want %q", out, want)
	}
	// The first person is the admin.
	out = mustRun(t, "role Søren leder\n", nil, "--db", db, "--as", "hanne jensen")
	if out != "✅ Søren er nu leder.\n" {
		t.Errorf("Hanne giving a role got %q", out)
	}
	inspect(t, db, func(ctx context.Context, s *storage.DB) {
		for name, role := range map[string]bot.Role{"Hanne Jensen": bot.RoleAdmin, "Søren": bot.RoleLead} {
			p, err := s.ConsultantByName(ctx, name)
			if err != nil || p.Role != role {
				t.Errorf("%s: %+v, %v; want role %s", name, p, err, role)
			}
		}
		if ps, _ := s.Consultants(ctx); len(ps) != 2 {
			t.Errorf("%d consultants, want 2 (\"hanne jensen\" is Hanne Jensen again)", len(ps))
		}
	})
}

func TestWhoTheConsoleActsAs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"flag over KONTAKTBOT_AS", map[string]string{"KONTAKTBOT_AS": "Søren", "USER": "root"}, []string{"--as", "Hanne"}, "Hanne"},
		{"KONTAKTBOT_AS over USER", map[string]string{"KONTAKTBOT_AS": "Søren", "USER": "root"}, nil, "Søren"},
		{"USER", map[string]string{"USER": "mette"}, nil, "mette"},
		{"USERNAME", map[string]string{"USERNAME": "Mette"}, nil, "Mette"},
		{"nothing", nil, nil, "Konsulent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := filepath.Join(t.TempDir(), "k.db")
			out := mustRun(t, "company add L-tek\n", tc.env, append([]string{"--db", db}, tc.args...)...)
			if want := "med " + tc.want + " som fast konsulent"; !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		})
	}
	t.Run("no letters", func(t *testing.T) {
		t.Parallel()
		db := filepath.Join(t.TempDir(), "k.db")
		_, _, err := runCmd(t, "mine\n", nil, "--db", db, "--as", "-- !")
		if err == nil || !strings.Contains(err.Error(), "--as") {
			t.Errorf("err %v, want one about --as", err)
		}
		if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a refused --as created the database (stat: %v)", err)
		}
	})
}

func TestBadInputIsRefusedAndNothingStored(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	// Debug logs, so that any leak of the text into the log shows.
	env := map[string]string{"KONTAKTBOT_LOG_LEVEL": "debug"}
	mustRun(t, "company add Ærø Maskinfabrik\n", env, "--db", db, "--as", "Hanne")
	longNote := strings.Repeat("ø", 10_000)
	bad := []struct{ line, reply string }{
		{"visit Ærø " + longNote, "Teksten er for lang: 10010 tegn, højst 2000."},
		{"visit Ærø mødte \x1b[31mBirthe\x1b[0m", "usynlige styretegn"},
		{"visit Ærø mødte\x00Birthe", "usynlige styretegn"},
		{"visit Ærø mødte \x7f Birthe", "usynlige styretegn"},
		{"visit Ærø mødte \xc3\x28 Birthe", "ugyldige tegn"},
		{"visit Ærø mødte 010190-1234", "CPR-nummer"},
		{"visit Ærø mødte 0101901234 om job", "CPR-nummer"},
		{"visit Ærø mødte 010190 1234", "CPR-nummer"},
		{"010190-1234", "CPR-nummer"},
	}
	var script strings.Builder
	for _, b := range bad {
		script.WriteString(b.line + "\n")
	}
	out, stderr, err := runCmd(t, script.String(), env, "--db", db, "--as", "Hanne")
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	replies := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(replies) != len(bad) {
		t.Fatalf("%d replies to %d lines:\n%s", len(replies), len(bad), out)
	}
	for i, b := range bad {
		if !strings.HasPrefix(replies[i], "⚠️ ") || !strings.Contains(replies[i], b.reply) {
			t.Errorf("line %d (%.40q): reply %q, want a refusal with %q", i+1, b.line, replies[i], b.reply)
		}
	}
	for _, leak := range []string{"010190", "0101901234", "øøøøøøøøøø", "\x1b", "\x00", "Birthe"} {
		if strings.Contains(out, leak) {
			t.Errorf("stdout echoes %q:\n%s", leak, out)
		}
		if strings.Contains(stderr, leak) {
			t.Errorf("the log holds %q:\n%s", leak, stderr)
		}
	}
	if !strings.Contains(stderr, "outcome=refused") {
		t.Errorf("debug log does not record the refusals:\n%s", stderr)
	}
	inspect(t, db, func(ctx context.Context, s *storage.DB) {
		co := mustCompany(t, ctx, s, "Ærø Maskinfabrik")
		if cts := mustContacts(t, ctx, s, co.ID); len(cts) != 0 {
			t.Errorf("refused lines stored contacts: %+v", cts)
		}
		if !co.LastContact.IsZero() {
			t.Errorf("refused lines moved LastContact to %v", co.LastContact)
		}
	})
}

// portfolio is the file the import tests read: ';', BOM, CRLF, æøå, a
// quoted field holding ';'.
var portfolio = [][]string{
	{"name", "cvr", "owner", "cadence", "tier", "area", "last_contact"},
	{"Ærø Maskinfabrik", "12345674", "Søren Ærbø", "14", "intensified", "Havnen 3; Ærøskøbing", "2026-10-01"},
	{"Åbenrå Smørrebrød ApS", "31415926", "", "30", "normal", "", ""},
	{"Bøgelund Træ & Stål", "29403473", "Søren Ærbø", "7", "normal", "Sønderborg", "2025-12-24"},
}

func writeCSV(t *testing.T, path string, comma rune, bom, crlf bool, rows [][]string) {
	t.Helper()
	var b bytes.Buffer
	if bom {
		b.Write([]byte{0xEF, 0xBB, 0xBF})
	}
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = comma, crlf
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// parseExport checks the export's BOM and ';' and returns its records.
func parseExport(t *testing.T, out string) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(out, "\uFEFF")
	if !ok {
		t.Fatalf("export does not start with a BOM: %q", out[:min(len(out), 20)])
	}
	if first, _, _ := strings.Cut(body, "\n"); first != "name;cvr;owner;cadence;tier;area;last_contact;status;snoozed_until;planned_next;aliases;street;postcode;town" {
		t.Fatalf("export header %q", first)
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("export is not ';' CSV: %v\n%s", err, body)
	}
	return recs
}

// exported is an old portfolio file, without the state and address
// columns, as the export writes it back: active, not snoozed, nothing
// planned, no aliases, no address.
func exported(old [][]string) [][]string {
	out := [][]string{append(slices.Clone(old[0]), "status", "snoozed_until", "planned_next", "aliases", "street", "postcode", "town")}
	for _, r := range old[1:] {
		out = append(out, append(slices.Clone(r), "active", "", "", "", "", "", ""))
	}
	return out
}

func equalRecords(a, b [][]string) bool { return slices.EqualFunc(a, b, slices.Equal[[]string]) }

func TestImportExportRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	mustRun(t, "mine\n", nil, "--db", db, "--as", "Søren Ærbø") // the owner must be known
	in := filepath.Join(dir, "portefølje.csv")
	writeCSV(t, in, ';', true, true, portfolio)

	out := mustRun(t, "", nil, "import", "companies", in, "--dry-run", "--db", db)
	if want := "Prøvekørsel, intet gemt. Ville importere: 3 virksomheder, 2 med seneste kontakt, 1 uden fast konsulent.\n"; out != want {
		t.Errorf("dry run said %q, want %q", out, want)
	}
	inspect(t, db, func(ctx context.Context, s *storage.DB) {
		if cs := allCompanies(t, ctx, s); len(cs) != 0 {
			t.Errorf("the dry run stored %d companies", len(cs))
		}
	})

	out = mustRun(t, "", nil, "import", "--db", db, "companies", in)
	if want := "Importeret: 3 virksomheder, 2 med seneste kontakt, 1 uden fast konsulent.\n"; out != want {
		t.Errorf("import said %q, want %q", out, want)
	}
	inspect(t, db, func(ctx context.Context, s *storage.DB) {
		co := mustCompany(t, ctx, s, "aeroe maskinfabrik")
		owner, err := s.ConsultantByName(ctx, "Søren Ærbø")
		if err != nil || co.OwnerID != owner.ID || co.Tier != bot.TierIntensified || co.Area != "Havnen 3; Ærøskøbing" {
			t.Errorf("imported %+v (owner %+v, %v)", co, owner, err)
		}
		cts := mustContacts(t, ctx, s, co.ID)
		if len(cts) != 1 || cts[0].Kind != bot.KindImported || bot.FormatDate(cts[0].At, bot.Danish) != "01.10.2026" {
			t.Errorf("imported contacts %+v, want one imported on 01.10.2026", cts)
		}
	})

	stdout := mustRun(t, "", nil, "export", "companies", "--db", db)
	if got := parseExport(t, stdout); !equalRecords(got, exported(portfolio)) {
		t.Errorf("export gave\n%q\nwant\n%q", got, exported(portfolio))
	}
	outFile := filepath.Join(dir, "ud.csv")
	if out := mustRun(t, "", nil, "export", "companies", "--out", outFile, "--db", db); out != "" {
		t.Errorf("export --out printed %q", out)
	}
	if b, err := os.ReadFile(outFile); err != nil || string(b) != stdout {
		t.Errorf("export --out wrote %q (%v), want the same as on stdout", b, err)
	}

	// The export imports into a fresh file and exports the same again.
	db2 := filepath.Join(dir, "k2.db")
	out = mustRun(t, "", nil, "import", "companies", outFile, "--create-people", "--db", db2)
	if !strings.Contains(out, "Nye personer (1): Søren Ærbø") {
		t.Errorf("import into a fresh file: %q", out)
	}
	if again := mustRun(t, "", nil, "export", "companies", "--db", db2); again != stdout {
		t.Errorf("re-export differs:\n%s\nwant\n%s", again, stdout)
	}
}

func TestImportCommaSeparatedWithoutBOM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	mustRun(t, "mine\n", nil, "--db", db, "--as", "Søren Ærbø")
	in := filepath.Join(dir, "in.csv")
	writeCSV(t, in, ',', false, false, portfolio)
	if out := mustRun(t, "", nil, "import", "companies", in, "--db", db); !strings.HasPrefix(out, "Importeret: 3 virksomheder") {
		t.Fatalf("import: %q", out)
	}
	if got := parseExport(t, mustRun(t, "", nil, "export", "companies", "--db", db)); !equalRecords(got, exported(portfolio)) {
		t.Errorf("export gave\n%q\nwant\n%q", got, exported(portfolio))
	}
}

func TestImportWithABadRowStoresNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, row, reason string
	}{
		{"bad cvr", "Fejl ApS,12345678,,7,normal,,", "»12345678« er ikke et gyldigt CVR-nummer"},
		{"future date", "Fremtid ApS,,,7,normal,,2099-01-01", "seneste kontakt 01.01.2099 ligger i fremtiden"},
		{"cpr", "Borger ApS,,,7,normal,010190-1234,", "ligner et CPR-nummer"},
		{"unknown owner", "Ejerløs ApS,,Ukendt Person,7,normal,,", "ukendt konsulent »Ukendt Person«"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			db := filepath.Join(dir, "k.db")
			mustRun(t, "mine\n", nil, "--db", db, "--as", "Hanne")
			in := filepath.Join(dir, "in.csv")
			body := "name,cvr,owner,cadence,tier,area,last_contact\nGod ApS,12345674,,7,normal,,2026-01-02\n" + tc.row + "\nOgså God ApS,,,,,,\n"
			if err := os.WriteFile(in, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, dry := range []bool{true, false} {
				args := []string{"import", "companies", in, "--db", db}
				if dry {
					args = append(args, "--dry-run")
				}
				out, _, err := runCmd(t, "", nil, args...)
				if err == nil {
					t.Errorf("dry %v: import succeeded:\n%s", dry, out)
				}
				if !strings.Contains(out, "Intet er importeret: 1 linje(r) skal rettes.\nlinje 3: ") || !strings.Contains(out, tc.reason) {
					t.Errorf("dry %v: output %q, want linje 3 and %q", dry, out, tc.reason)
				}
				if strings.Contains(out, "010190") {
					t.Errorf("the CPR number was echoed: %q", out)
				}
			}
			inspect(t, db, func(ctx context.Context, s *storage.DB) {
				if cs := allCompanies(t, ctx, s); len(cs) != 0 {
					t.Errorf("a refused import stored %d companies", len(cs))
				}
			})
		})
	}
}

func TestImportUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	for _, args := range [][]string{
		{"import"},
		{"import", "companies"},
		{"import", "people", "x.csv"},
		{"import", "companies", filepath.Join(dir, "findes-ikke.csv")},
		{"export"},
		{"export", "people"},
		{"export", "companies", "ekstra"},
	} {
		_, _, err := runCmd(t, "", nil, append(args, "--db", db)...)
		if err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("usage errors created the database (stat: %v)", err)
	}
}

func TestBackupOfAFreeFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, backup := filepath.Join(dir, "k.db"), filepath.Join(dir, "backup.db")
	mustRun(t, "company add Ærø Maskinfabrik cvr 12345674\nvisit ærø mødte Claus\n", nil, "--db", db, "--as", "Hanne")
	out := mustRun(t, "", nil, "backup", "--db", db, "--to", backup)
	if out != "Backup skrevet til "+backup+"\n" {
		t.Errorf("backup said %q", out)
	}
	inspect(t, backup, func(ctx context.Context, s *storage.DB) {
		co := mustCompany(t, ctx, s, "Ærø Maskinfabrik")
		if cts := mustContacts(t, ctx, s, co.ID); len(cts) != 1 || cts[0].Note != "mødte Claus" {
			t.Errorf("backup contacts %+v", cts)
		}
		if err := s.Check(); err != nil {
			t.Errorf("backup check: %v", err)
		}
	})
	// The original is still usable.
	if out := mustRun(t, "company ærø\n", nil, "--db", db, "--as", "Hanne"); !strings.Contains(out, "mødte Claus") {
		t.Errorf("original after backup:\n%s", out)
	}
}

func TestBackupErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, backup := filepath.Join(dir, "k.db"), filepath.Join(dir, "backup.db")
	mustRun(t, "mine\n", nil, "--db", db, "--as", "Hanne")

	_, _, err := runCmd(t, "", nil, "backup", "--db", db)
	if err == nil || !strings.Contains(err.Error(), "--to") {
		t.Errorf("backup without --to: %v, want an error naming --to", err)
	}
	missing := filepath.Join(dir, "findes-ikke.db")
	_, _, err = runCmd(t, "", nil, "backup", "--db", missing, "--to", backup)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup of a missing file: %v, want not exist", err)
	}
	for _, p := range []string{missing, backup} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after a failed backup (stat: %v)", p, err)
		}
	}
	_, _, err = runCmd(t, "", nil, "backup", "--db", db, "--to", filepath.Join(dir, "ingen-mappe", "b.db"))
	if err == nil {
		t.Error("backup into a missing folder succeeded")
	}
}

// liveConsole is a console run on a pipe that the test keeps open, so that
// it holds the database and serves backups until the pipe is closed.
type liveConsole struct {
	in   *io.PipeWriter
	out  *syncBuffer
	done chan error
}

// startConsole starts a console on db and waits until its backup socket
// answers. The test's end stops it.
func startConsole(t *testing.T, db, as string) *liveConsole {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	c := &liveConsole{in: pw, out: &syncBuffer{}, done: make(chan error, 1)}
	go func() {
		c.done <- run(ctx, []string{"--db", db, "--as", as}, func(string) string { return "" }, pr, c.out, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		pw.Close()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Error("the console did not stop")
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(storage.SocketPath(db)); err == nil {
			return c
		}
		select {
		case err := <-c.done:
			t.Fatalf("the console ended before it was ready: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the console's backup socket did not appear")
		}
	}
}

// say writes a line to the console and waits for a reply containing want.
func (c *liveConsole) say(t *testing.T, line, want string) {
	t.Helper()
	go io.WriteString(c.in, line+"\n")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(c.out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no reply with %q to %q:\n%s", want, line, c.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop closes the console's input and returns what its run returned.
func (c *liveConsole) stop(t *testing.T) error {
	t.Helper()
	c.in.Close()
	select {
	case err := <-c.done:
		c.done <- err // for the cleanup
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("the console did not end at end of input")
		return nil
	}
}

func TestBackupWhileConsoleRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, backup := filepath.Join(dir, "k.db"), filepath.Join(dir, "b.db")
	mustRun(t, "company add Ærø Maskinfabrik cvr 12345674\n", nil, "--db", db, "--as", "Hanne")

	c := startConsole(t, db, "Hanne")
	c.say(t, "visit ærø mødte Claus om lærlinge", "✅ Gemt: besøg hos Ærø Maskinfabrik")
	start := time.Now()
	out, stderr, err := runCmd(t, "", nil, "backup", "--db", db, "--to", backup)
	if err != nil {
		t.Fatalf("backup while the console runs: %v\n%s", err, stderr)
	}
	if out != "Backup skrevet til "+backup+"\n" {
		t.Errorf("backup said %q", out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("backup took %s", d)
	}
	// The console still answers after serving the backup.
	c.say(t, "company ærø", "CVR: 12345674")
	if err := c.stop(t); err != nil {
		t.Errorf("console at end of input: %v, want nil", err)
	}
	if _, err := os.Stat(storage.SocketPath(db)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the backup socket is left behind (stat: %v)", err)
	}
	inspect(t, backup, func(ctx context.Context, s *storage.DB) {
		co := mustCompany(t, ctx, s, "Ærø Maskinfabrik")
		if cts := mustContacts(t, ctx, s, co.ID); len(cts) != 1 || cts[0].Note != "mødte Claus om lærlinge" {
			t.Errorf("backup holds contacts %+v, want the one the console logged", cts)
		}
		if err := s.Check(); err != nil {
			t.Errorf("backup check: %v", err)
		}
	})
}

// TestSecondProcessOnAHeldFile: a second console on a held file is refused
// at once, saying the file is in use; import and export are done by the
// running console, through its socket, so a portfolio is added with no
// downtime (before, they were refused too).
func TestSecondProcessOnAHeldFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	c := startConsole(t, db, "Hanne")
	csvPath := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(csvPath, []byte("name;cvr\nL-tek;12345674\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, _, err := runCmd(t, "company add Ikke Gemt\n", nil, "--db", db, "--as", "Søren")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a second console took %s", d)
	}
	if !errors.Is(err, storage.ErrLocked) || !strings.Contains(err.Error(), "in use") || out != "" {
		t.Errorf("a second console: err %v, printed %q; want ErrLocked saying the database is in use", err, out)
	}
	if out, _, err := runCmd(t, "", nil, "import", "companies", csvPath, "--db", db, "--dry-run"); err != nil || !strings.Contains(out, "Prøvekørsel, intet gemt") {
		t.Errorf("dry run through the console: %q %v", out, err)
	}
	if out, _, err := runCmd(t, "", nil, "import", "companies", csvPath, "--db", db); err != nil || !strings.Contains(out, "Importeret: 1 virksomhed") {
		t.Errorf("import through the console: %q %v", out, err)
	}
	if out, _, err := runCmd(t, "", nil, "import", "companies", csvPath, "--db", db); err == nil || !strings.Contains(out, "findes allerede") {
		t.Errorf("the same import again: %q %v, want it refused with the row", out, err)
	}
	exported := filepath.Join(dir, "out.csv")
	if _, _, err := runCmd(t, "", nil, "export", "companies", "--db", db, "--out", exported); err != nil {
		t.Errorf("export through the console: %v", err)
	}
	if b, _ := os.ReadFile(exported); !strings.Contains(string(b), "L-tek;12345674") {
		t.Errorf("export: %q", b)
	}
	c.say(t, "company L-tek", "CVR: 12345674") // the running console sees the import
	if err := c.stop(t); err != nil {
		t.Errorf("first console: %v", err)
	}
	inspect(t, db, func(ctx context.Context, s *storage.DB) {
		if cs := allCompanies(t, ctx, s); len(cs) != 1 || cs[0].Name != "L-tek" {
			t.Errorf("stored %+v, want L-tek once", cs)
		}
	})
}

func TestHelpSubcommand(t *testing.T) {
	t.Parallel()
	out, stderr, err := runCmd(t, "", nil, "help")
	if err != nil || out != usageText || stderr != "" {
		t.Errorf("help: err %v, stdout %q, stderr %q", err, out, stderr)
	}
	for _, w := range []string{"kontaktbot backup --db FIL --to FIL", "import companies", "export companies", "KONTAKTBOT_DB"} {
		if !strings.Contains(out, w) {
			t.Errorf("usage lacks %q", w)
		}
	}
}

func TestUnknownSubcommandNamesIt(t *testing.T) {
	t.Parallel()
	// Danish "hjælp" is a chat command, not a subcommand.
	out, stderr, err := runCmd(t, "", nil, "hjælp")
	if err == nil || !strings.Contains(err.Error(), `"hjælp"`) {
		t.Errorf("err %v, want one naming \"hjælp\"", err)
	}
	if out != "" || stderr != usageText {
		t.Errorf("stdout %q, stderr %q; want the usage on stderr only", out, stderr)
	}
}

func TestUnknownFlagIsAnError(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	for _, args := range [][]string{{"--nope"}, {"console", "--db", db, "--nope"}, {"backup", "--db", db, "--nope"}, {"export", "companies", "--db", db, "--nope"}} {
		if out, _, err := runCmd(t, "company add L-tek\n", nil, args...); err == nil || out != "" {
			t.Errorf("%q: err %v, stdout %q; want an error and no chat", args, err, out)
		}
	}
}

// BUG (run.go, run): "-h" and "--help" start with "-", so run treats them
// as console flags; the `case "help", "-h", "--help"` branch is never
// reached for them, and the flag package returns flag.ErrHelp.
func TestHelpFlagPrintsUsage(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help"} {
		out, _, err := runCmd(t, "", nil, arg)
		if err != nil || out != usageText {
			t.Errorf("kontaktbot %s: err %v, stdout %q; want the usage on stdout and nil", arg, err, out)
		}
	}
}

// BUG (run.go, env.console): the console drops positional arguments, so a
// subcommand after a flag ("kontaktbot --db k.db export companies", as in
// a cron job) silently runs a chat on stdin and exits 0 instead of
// exporting or failing.
func TestConsoleRejectsStrayArguments(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	mustRun(t, "company add L-tek\n", nil, "--db", db, "--as", "Hanne")
	out, _, err := runCmd(t, "", nil, "--db", db, "export", "companies")
	if err == nil && !strings.Contains(out, "L-tek") {
		t.Errorf("kontaktbot --db FILE export companies: err nil and stdout %q; want the export or an error", out)
	}
}

// BUG (run.go, isTerminal): /dev/null is a character device, so a console
// whose stdin is /dev/null (cron, systemd, `docker run` without -it) is
// taken for a terminal and prints the greeting and a prompt.
func TestConsoleOnDevNullIsNotInteractive(t *testing.T) {
	t.Parallel()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer devNull.Close()
	db := filepath.Join(t.TempDir(), "k.db")
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"--db", db, "--as", "Hanne"}, func(string) string { return "" }, devNull, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("stdin %s printed %q; want nothing, as for any non-terminal input", os.DevNull, out.String())
	}
}

// On a fresh file, "import companies --create-people" registers the first
// consultants by name; the first console person to write must still
// become admin, or no one could ever give roles (README: "The first
// console person on a fresh database ... is its admin").
func TestFirstUserAfterImportIsAdmin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("name;owner\nL-tek;Hanne Jensen\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", nil, "import", "companies", in, "--create-people", "--db", db)
	out := mustRun(t, "jobcenter add Jobcenter Sorø\n", nil, "--db", db, "--as", "Hanne Jensen")
	if out != "✅ Oprettet: Jobcenter Sorø.\n" {
		t.Errorf("the first person to write after the import got %q; want to be admin", out)
	}
	inspect(t, db, func(ctx context.Context, s *storage.DB) {
		ps, err := s.Consultants(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Role == bot.RoleAdmin {
				return
			}
		}
		t.Errorf("no admin among %+v", ps)
	})
}

// TestImportAddresses fills in the addresses of a stored portfolio from a
// CVR register extract, as an operator does.
func TestImportAddresses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	mustRun(t, "mine\n", nil, "--db", db, "--as", "Søren Ærbø")
	in := filepath.Join(dir, "in.csv")
	writeCSV(t, in, ';', true, false, portfolio)
	mustRun(t, "", nil, "import", "companies", in, "--db", db)
	addr := filepath.Join(dir, "cvr.csv")
	writeCSV(t, addr, ';', true, false, [][]string{
		{"CVR-nummer", "Adresse", "Postnr", "By", "Branche"},
		{"12345674", "Vestergade 12", "5970", "Ærøskøbing", "Maskinfabrik"},
		{"29403473", "Nørregade 4", "6400", "Sønderborg", "Træ"},
	})
	if out := mustRun(t, "", nil, "import", "companies", addr, "--addresses", "--dry-run", "--db", db); out != "Prøvekørsel, intet gemt. Ville gemme adresser: 2 virksomheder.\nAndre kolonner blev sprunget over: Branche\n" {
		t.Errorf("dry run: %q", out)
	}
	if out := mustRun(t, "", nil, "import", "companies", addr, "--addresses", "--db", db); !strings.HasPrefix(out, "Adresser gemt: 2 virksomheder.\n") {
		t.Errorf("import: %q", out)
	}
	stdout := mustRun(t, "", nil, "export", "companies", "--db", db)
	contains(t, stdout, ";Vestergade 12;5970;Ærøskøbing\n", ";Nørregade 4;6400;Sønderborg\n")
	if _, _, err := runCmd(t, "", nil, "import", "companies", addr, "--addresses", "--create-people", "--db", db); err == nil {
		t.Error("--addresses with --create-people was accepted")
	}
}
