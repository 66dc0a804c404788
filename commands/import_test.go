package commands_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

func TestImportCompanies(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne Jensen", "hjælp")
	csv := "\ufeffname;cvr;owner;cadence;tier;area;last_contact;ekstra\n" +
		"Ærø Maskinfabrik;12345674;Hanne Jensen;21;intensified;Ærøskøbing;2026-10-01;x\n" +
		"\"L-tek; Svejs\";;Hanne Jensen;;;Odense;15-11-2026;\n" +
		"\n" +
		"Vestas;;;;;;;\n"
	res, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Companies != 3 || res.Contacts != 2 || res.WithoutOwner != 1 || len(res.IgnoredColumns) != 1 {
		t.Errorf("result = %+v", res)
	}
	aero := b.company("Ærø Maskinfabrik")
	if aero.CadenceDays != 21 || aero.Tier != bot.TierIntensified || aero.OwnerID != b.person("Hanne Jensen").ID {
		t.Errorf("stored %+v", aero)
	}
	if cs := b.contacts("Ærø Maskinfabrik"); len(cs) != 1 || cs[0].Kind != bot.KindImported {
		t.Errorf("imported last contact = %+v", cs)
	}
	contains(t, b.ok("Hanne Jensen", "company ltek svejs"), "Seneste kontakt: 15.11.2026")

	var out bytes.Buffer
	if err := b.svc.ExportCompanies(t0, &out); err != nil {
		t.Fatal(err)
	}
	contains(t, out.String(), "\ufeffname;cvr;owner;cadence;tier;area;last_contact;status;snoozed_until;planned_next;aliases;street;postcode;town\n",
		"Ærø Maskinfabrik;12345674;Hanne Jensen;21;intensified;Ærøskøbing;2026-10-01;active;;;;;;\n", "\"L-tek; Svejs\";;Hanne Jensen;30;normal;Odense;2026-11-15;active;;;;;;\n")

	// The export imports again into a fresh database unchanged.
	b2 := newBot(t)
	b2.ok("Hanne Jensen", "hjælp")
	if _, err := b2.svc.ImportCompanies(t0, bytes.NewReader(out.Bytes()), commands.ImportOptions{}); err != nil {
		t.Fatalf("re-import: %v", err)
	}
	var out2 bytes.Buffer
	b2.svc.ExportCompanies(t0, &out2)
	if out.String() != out2.String() {
		t.Errorf("round trip differs:\n%s\n---\n%s", out.String(), out2.String())
	}
}

func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "company add Vestas cvr 12345674")
	csv := "name,cvr,owner,cadence,tier,area,last_contact\n" +
		"Alfa,,Hanne,30,,,\n" +
		"Beta,12345678,Hanne,,,,\n" + // line 3: bad CVR
		"Gamma,,Hanne,0,,,\n" + // line 4: bad cadence
		"Alfa,,Hanne,,,,\n" + // line 5: duplicate of line 2
		"Delta,,Ukendt,,,,\n" + // line 6: unknown owner
		"Epsilon,,Hanne,,,,2099-01-01\n" + // line 7: future
		"Zeta,,,,,,010190-1234\n" + // line 8: CPR
		"vestas,,,,,,\n" + // line 9: exists
		"Eta,12345674,,,,,\n" + // line 10: CVR taken
		"Theta,,,,høj,,\n" // line 11: bad tier
	_, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{})
	var ie *commands.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *ImportError", err)
	}
	want := map[int]string{3: "CVR", 4: "Kadencen", 5: "linje 2", 6: "ukendt konsulent", 7: "fremtiden", 8: "CPR", 9: "findes allerede", 10: "Vestas", 11: "Niveau"}
	got := map[int]string{}
	for _, r := range ie.Rows {
		got[r.Line] = r.Reason
	}
	for line, w := range want {
		if !strings.Contains(got[line], w) {
			t.Errorf("line %d: reason %q, want it to mention %q", line, got[line], w)
		}
	}
	if len(ie.Rows) != len(want) {
		t.Errorf("%d bad rows reported, want %d: %v", len(ie.Rows), len(want), ie.Rows)
	}
	lacks(t, ie.Error(), "010190")
	if n := b.countCompanies(); n != 1 {
		t.Errorf("%d companies after a refused import, want 1", n)
	}
}

func TestImportDryRunAndCreatePeople(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	csv := "navn;ejer;kadence\nAlfa;Ny Person;10\nBeta;Ny Person;\n"
	res, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{DryRun: true, CreatePeople: true})
	if err != nil || res.Companies != 2 || len(res.NewPeople) != 1 {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if n := b.countCompanies(); n != 0 {
		t.Fatalf("dry run stored %d companies", n)
	}
	if _, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{CreatePeople: true}); err != nil {
		t.Fatal(err)
	}
	p := b.person("Ny Person")
	if a := b.company("Alfa"); a.OwnerID != p.ID || a.CadenceDays != 10 {
		t.Errorf("Alfa = %+v", a)
	}
	// When Ny Person writes for the first time, they are the same person.
	contains(t, b.ok("Ny Person", "mine"), "Alfa", "Beta")
	if _, err := b.svc.ImportCompanies(t0, strings.NewReader("cvr;owner\n12345674;x\n"), commands.ImportOptions{}); bot.ErrorCode(err) != bot.Invalid {
		t.Errorf("missing name column: err %v", err)
	}
}

// A name a spreadsheet would run as a formula is exported defused and
// imports back as it was.
func TestExportDefusesFormulas(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	csv := "name;area\n+45 Byg ApS;\"=HYPERLINK(\"\"http://x\"\")\"\n@Ærø Smedie;Ærø\n"
	if _, err := b.svc.ImportCompanies(t0, strings.NewReader(csv), commands.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.svc.ExportCompanies(t0, &out); err != nil {
		t.Fatal(err)
	}
	contains(t, out.String(), "'+45 Byg ApS;", "'@Ærø Smedie;", `"'=HYPERLINK(""http://x"")"`)
	b2 := newBot(t)
	if _, err := b2.svc.ImportCompanies(t0, bytes.NewReader(out.Bytes()), commands.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if co := b2.company("+45 Byg ApS"); co.Name != "+45 Byg ApS" || co.Area != `=HYPERLINK("http://x")` {
		t.Errorf("round trip gave %q / %q", co.Name, co.Area)
	}
	b2.company("@Ærø Smedie")
}

// TestImportUnterminatedQuote: a file ending inside a quoted field is
// refused by its line; it used to panic (csv.Reader.FieldPos after a
// failed read), taking a running bot down with it.
func TestImportUnterminatedQuote(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	_, err := b.svc.ImportCompanies(t0, strings.NewReader("name;cvr\nAlfa;\n\"Beta;\n"), commands.ImportOptions{})
	var ie *commands.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Line != 3 || !strings.Contains(ie.Rows[0].Reason, "CSV") {
		t.Fatalf("err = %v, want line 3 refused as CSV", err)
	}
	if n := b.countCompanies(); n != 0 {
		t.Errorf("a refused import stored %d companies", n)
	}
}
