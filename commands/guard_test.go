package commands_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// cprSpellings are spellings of one CPR number that every free-text field
// must refuse, each with the part of it that must then be nowhere in the
// database file.
var cprSpellings = []struct{ text, trace string }{
	{"010190–1234", "010190"},
	{"01.01.90-1234", "01.01.90"},
	{"01 01 90 1234", "01 01 90"},
	{"０１０１９０-１２３４", "０１０１９０"},
	{"010190\u00a0/\u00a01234", "010190"},
}

// holds reports whether the database file, as a backup writes it, holds s
// anywhere: in a record, a key or an index.
func (b *testBot) holds(s string) bool {
	b.t.Helper()
	var buf bytes.Buffer
	if _, err := b.db.Backup(t0, &buf); err != nil {
		b.t.Fatalf("backup: %v", err)
	}
	return bytes.Contains(buf.Bytes(), []byte(s))
}

// guardBot is the intro-day bot with intro day #1 planned, KS-14 on its
// list (referred by Hanne) and a position at L-tek.
func guardBot(t *testing.T) *testBot {
	t.Helper()
	b, _ := planned(t)
	b.ok("Hanne", "intromøde kandidat 1 KS-14")
	b.ok("Hanne", "stilling L-tek Svejser")
	// The check of the file can fail: what is stored is found in it.
	b.ok("Hanne", "besøg L-tek kontrolmærke i noten")
	if !b.holds("kontrolmærke") {
		t.Fatal("a stored note is not found in the backup: holds cannot see what is stored")
	}
	return b
}

// TestCPRRefusedInEveryTypedField types a CPR number into each free-text
// field of each command: each is refused, says why, does not echo it,
// and nothing of it is stored.
func TestCPRRefusedInEveryTypedField(t *testing.T) {
	t.Parallel()
	b := guardBot(t)
	for _, tc := range []struct{ field, who, line string }{
		{"note", "Hanne", "besøg L-tek mødte Lars CPR"},
		{"note after a date", "Hanne", "besøg L-tek i går telefon CPR opfølgning 10/12"},
		{"position title", "Hanne", "stilling L-tek CPR"},
		{"requirements", "Hanne", "stilling L-tek Lagermedarbejder krav CPR"},
		{"place", "Tove", "intromøde ny 10/12 CPR"},
		{"skills", "Hanne", "intromøde kandidat 1 KS-22 kompetencer truck CPR"},
		{"wishes", "Hanne", "intromøde kandidat 1 KS-23 ønsker CPR"},
		{"reference", "Hanne", "intromøde kandidat 1 CPR"},
		{"course", "Hanne", "kandidat KS-14 møde 10/12 kursus AMU CPR"},
		{"alias", "Anne", "virksomhed alias L-tek = CPR"},
		{"rename", "Anne", "virksomhed omdøb L-tek = CPR"},
		{"area", "Anne", "virksomhed opret Nyt Firma område CPR"},
		{"company name", "Anne", "virksomhed opret Firma CPR"},
		{"jobcenter name", "Anne", "jobcenter opret Jobcenter CPR"},
		{"closed days", "Anne", "jobcenter lukkedage Jobcenter Sorø = CPR"},
		{"stand-in", "Hanne", "fravær til 4/12 stedfortræder CPR"},
	} {
		for _, sp := range cprSpellings {
			line := strings.Replace(tc.line, "CPR", sp.text, 1)
			got := b.refused(tc.who, line)
			contains(t, got, "CPR-nummer")
			lacks(t, got, sp.trace)
			if b.holds(sp.trace) {
				t.Fatalf("%s: %q was refused, but the file holds %q", tc.field, line, sp.trace)
			}
		}
	}
	if n := b.countCompanies(); n != 2 {
		t.Errorf("%d companies, want the 2 set up", n)
	}
}

// TestCPRRefusedInEveryFormValue submits a CPR number in each value of the
// visit and plan forms, as Slack's modal and Teams' card send them, and in
// a value a forged submission adds.
func TestCPRRefusedInEveryFormValue(t *testing.T) {
	t.Parallel()
	b := guardBot(t)
	valid := map[string]string{"date": "2026-11-20", "kind": "phone", "note": "ringede om svejsere"}
	before := len(b.contacts("L-tek"))
	for _, sp := range cprSpellings {
		for _, field := range []string{"date", "kind", "note", "extra"} {
			values := map[string]string{}
			for k, v := range valid {
				values[k] = v
			}
			values[field] = sp.text
			if field == "note" {
				values[field] = "ringede om " + sp.text
			}
			m := b.form(bot.Request{Submit: &bot.Submission{Form: bot.FormVisit, Subject: "L-tek", Values: values}})
			if !m.Error || m.Form == nil || m.Form.ErrorField != field || !strings.Contains(m.Form.Error, "CPR-nummer") {
				t.Errorf("visit form, %s = %q: %+v", field, values[field], m)
				continue
			}
			for _, in := range m.Form.Fields {
				if strings.Contains(in.Value, sp.trace) {
					t.Errorf("visit form, %s: the form shown again holds the CPR number in %s", field, in.ID)
				}
			}
			lacks(t, m.PlainText()+m.Form.Error, sp.trace)
		}
		m := b.form(bot.Request{Submit: &bot.Submission{Form: bot.FormPlan, Subject: "L-tek", Values: map[string]string{"date": sp.text}}})
		if !m.Error || !strings.Contains(m.PlainText(), "CPR-nummer") {
			t.Errorf("plan form, date %q: %+v", sp.text, m)
		}
		m = b.form(bot.Request{Submit: &bot.Submission{Form: bot.FormVisit, Subject: "L-tek " + sp.text, Values: valid}})
		if !m.Error || !strings.Contains(m.PlainText(), "CPR-nummer") {
			t.Errorf("visit form, subject with %q: %+v", sp.text, m)
		}
		lacks(t, m.PlainText(), sp.trace)
		if b.holds(sp.trace) {
			t.Fatalf("forms with %q were refused, but the file holds it", sp.text)
		}
	}
	if n := len(b.contacts("L-tek")); n != before {
		t.Errorf("refused forms stored %d contacts", n-before)
	}
}

// TestCPRRefusedInEveryImportColumn puts a CPR number in each column of a
// CSV import, and in the header: the import is refused, says so for the
// row, and stores nothing.
func TestCPRRefusedInEveryImportColumn(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne Jensen", "hjælp")
	header := []string{"name", "cvr", "owner", "cadence", "tier", "area", "last_contact", "ekstra"}
	row := []string{"Ærø Maskinfabrik", "12345674", "Hanne Jensen", "21", "intensified", "Ærøskøbing", "2026-10-01", "x"}
	for _, sp := range cprSpellings {
		for i := range row {
			cells := append([]string(nil), row...)
			cells[i] = "Noget " + sp.text
			csv := strings.Join(header, ";") + "\n" + strings.Join(cells, ";") + "\n"
			_, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{})
			var ie *commands.ImportError
			if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Line != 2 || !strings.Contains(ie.Rows[0].Reason, "CPR-nummer") {
				t.Errorf("%s with %q: %v", header[i], sp.text, err)
			}
			if err != nil && strings.Contains(err.Error(), sp.trace) {
				t.Errorf("%s: the refusal echoes the CPR number: %v", header[i], err)
			}
		}
		csv := "name;cvr;" + sp.text + "\nÆrø Maskinfabrik;;\n"
		if _, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{}); bot.ErrorCode(err) != bot.Invalid || !strings.Contains(err.Error(), "CPR-nummer") {
			t.Errorf("header with %q: %v", sp.text, err)
		}
		if b.holds(sp.trace) || b.countCompanies() != 0 {
			t.Fatalf("imports with %q were refused, but something was stored", sp.text)
		}
	}
}

// TestBidiControlsRefused: invisible characters that reorder text are
// refused in typed lines, form values and every import field.
func TestBidiControlsRefused(t *testing.T) {
	t.Parallel()
	b := guardBot(t)
	for _, r := range []rune{'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'} {
		for _, line := range []string{"besøg L-tek mødte " + string(r) + "Lars", "virksomhed opret Evil" + string(r) + "Corp", "virksomhed alias L-tek = L" + string(r) + "tek2"} {
			contains(t, b.refused("Anne", line), "skriveretningen")
		}
		m := b.form(bot.Request{Submit: &bot.Submission{Form: bot.FormVisit, Subject: "L-tek",
			Values: map[string]string{"date": "2026-11-20", "kind": "visit", "note": "mødte " + string(r) + "Lars"}}})
		if !m.Error || m.Form == nil || m.Form.ErrorField != "note" || !strings.Contains(m.Form.Error, "skriveretningen") {
			t.Errorf("form note with %U: %+v", r, m)
		}
		csv := "name;area\nEvil" + string(r) + "Corp;Odense\nGood Corp;Od" + string(r) + "ense\n"
		_, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{})
		var ie *commands.ImportError
		if !errors.As(err, &ie) || len(ie.Rows) != 2 || !strings.Contains(ie.Rows[0].Reason, "skriveretningen") {
			t.Errorf("import with %U: %v", r, err)
		}
	}
	if n := b.countCompanies(); n != 2 {
		t.Errorf("%d companies, want the 2 set up", n)
	}
	if a := b.company("L-tek").Aliases; len(a) != 0 {
		t.Errorf("aliases stored: %q", a)
	}
}

// TestLookAlikeCompanyNames: a name that mixes Latin with Cyrillic or
// Greek letters is refused, and so is one whose look-alike letters spell
// another company's name; names in one other alphabet are welcome.
func TestLookAlikeCompanyNames(t *testing.T) {
	t.Parallel()
	b := guardBot(t)
	b.ok("Anne", "virksomhed opret ABB")
	b.ok("Anne", "virksomhed opret Hotel Nordby")
	for _, tc := range []struct{ line, want string }{
		{"virksomhed opret Л-tek", "blander bogstaver fra flere alfabeter"},     // Cyrillic Л
		{"virksomhed opret L-tеk", "blander bogstaver fra flere alfabeter"},     // Cyrillic е
		{"virksomhed opret Dаnish Crown Odense", "flere alfabeter"},             // Cyrillic а
		{"virksomhed opret Alfa Ωmega", "flere alfabeter"},                      // Greek Ω
		{"virksomhed opret Л-ТЕК", "kan forveksles med »L-tek«"},                // all Cyrillic
		{"virksomhed opret ΑΒΒ", "kan forveksles med »ABB«"},                    // all Greek
		{"virksomhed opret Ｌ-tek", "kan forveksles med »L-tek«"},                // full-width
		{"virksomhed opret НОТЕЛ", "kan forveksles med »Hotel Nordby«"},         // whole words of a name
		{"virksomhed omdøb Danish Crown = Л-tek Svejs", "flere alfabeter"},      // rename
		{"virksomhed omdøb Danish Crown = АВВ", "kan forveksles med »ABB«"},     // rename, Cyrillic
		{"virksomhed alias Danish Crown = DС", "flere alfabeter"},               // alias, Cyrillic С
		{"virksomhed alias Danish Crown = Л-ТЕК", "kan forveksles med »L-tek«"}, // alias
	} {
		contains(t, b.refused("Anne", tc.line), tc.want)
	}
	b.ok("Per", "sprog en")
	contains(t, b.refused("Per", "company alias Danish Crown = Л-tek"), "letters of several alphabets", "imitate another company's name")
	contains(t, b.refused("Per", "company add Л-ТЕК"), "can be mistaken for »L-tek«")
	if n := b.countCompanies(); n != 4 {
		t.Errorf("%d companies, want 4", n)
	}
	if co := b.company("Danish Crown"); co.Name != "Danish Crown" || len(co.Aliases) != 0 {
		t.Errorf("Danish Crown was changed: %+v", co)
	}
	// One alphabet, imitating nobody: stored.
	b.ok("Anne", "virksomhed opret Вета")
	b.ok("Anne", "virksomhed opret Ελληνική Γωνιά")
	b.ok("Anne", "virksomhed opret Ærø Maskinfabrik")
	// Now »Beta« exists in Cyrillic only; the Latin name is another name,
	// but a second Cyrillic spelling of L-tek still is not.
	contains(t, b.refused("Anne", "virksomhed alias Вета = Л-ТЕК"), "kan forveksles med »L-tek«")
}

// TestLookAlikeNamesImported: an import refuses a name that mixes
// alphabets or imitates a stored company or another row.
func TestLookAlikeNamesImported(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "virksomhed opret L-tek")
	b.ok("Anne", "virksomhed opret Hotel Nordby")
	csv := "name;area\n" +
		"Л-tek;Odense\n" + // line 2: mixed
		"Л-ТЕК;Odense\n" + // line 3: imitates the stored L-tek
		"ВЕТА;Odense\n" + // line 4: imitates line 5
		"Beta;Odense\n" + // line 5: fine
		"Ελληνική Γωνιά;Odense\n" + // line 6: fine
		"НОТЕЛ;Odense\n" // line 7: imitates words of the stored Hotel Nordby
	_, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{})
	var ie *commands.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("import: %v", err)
	}
	want := map[int]string{2: "flere alfabeter", 3: "kan forveksles med »L-tek«", 4: "kan forveksles med »Beta«", 7: "kan forveksles med »Hotel Nordby«"}
	if len(ie.Rows) != len(want) {
		t.Errorf("rows refused: %+v", ie.Rows)
	}
	for _, r := range ie.Rows {
		if !strings.Contains(r.Reason, want[r.Line]) {
			t.Errorf("line %d: %q, want %q", r.Line, r.Reason, want[r.Line])
		}
	}
	if n := b.countCompanies(); n != 2 {
		t.Errorf("%d companies stored, want the 2 from before", n)
	}
}

// TestCandidateFieldsRefuseDatesOfBirth: skills, wishes and course refuse
// any full date with a year, say why, and keep dates without a year.
func TestCandidateFieldsRefuseDatesOfBirth(t *testing.T) {
	t.Parallel()
	b := guardBot(t)
	refs := 30
	ref := func() string { refs++; return "KS-" + strconv.Itoa(refs) }
	for _, date := range []string{"01.01.1990", "1/1-90", "1. januar 1990", "1990-01-01", "1.1.90", "01-01-1990",
		"1 jan. 1990", "3. marts '91", "January 1, 1990", "010190", "01011990", "01 01 1990", "２９.０２.２０００", "1/1–90"} {
		for _, field := range []string{"kompetencer truck født ", "ønsker job, født "} {
			got := b.refused("Hanne", "intromøde kandidat 1 "+ref()+" "+field+date)
			contains(t, got, "dato med årstal", "fødselsdato", "deles på tværs af jobcentre", "navne")
		}
		contains(t, b.refused("Hanne", "kandidat KS-14 møde 10/12 kursus AMU "+date), "Kurset indeholder en dato med årstal")
	}
	if b.holds("1990") || b.holds("januar 1") {
		t.Fatal("a refused date of birth was stored")
	}
	for _, text := range []string{"truckkort fra 2019", "start 10/12", "kl. 9-12 hver dag", "B-kørekort, 37 timer", "fra 1. maj 37 timer",
		"2,5-10 tons truck", "uge 50", "1.-3. december", "12345678"} {
		r := ref()
		b.ok("Hanne", "intromøde kandidat 1 "+r+" kompetencer "+text)
		if !b.holds(text) {
			t.Errorf("%s: skills %q were not stored", r, text)
		}
	}
	b.ok("Hanne", "kandidat KS-14 møde 10/12 kursus AMU 3/1")
	contains(t, b.ok("Hanne", "hjælp intromøde kandidat"), "fødselsdato")
	contains(t, b.ok("Hanne", "hjælp kandidat"), "aldrig borgerens navn, fødselsdato eller CPR-nummer")
}
