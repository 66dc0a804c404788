package commands_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// lastContact sets a company's last contact n days before the test's
// Sunday, as if it had been logged then.
func (b *testBot) lastContact(name string, n int) {
	b.t.Helper()
	if _, err := b.db.UpdateCompany(context.Background(), b.company(name).ID, func(c *bot.Company) error {
		c.LastContact = bot.AddDays(sunday, -n)
		return nil
	}); err != nil {
		b.t.Fatal(err)
	}
}

// TestWhileYouAreOutThere: after a visit the reply names up to three
// near companies that are overdue or due within 7 days, the consultant's
// own first, then colleagues' of the same jobcenter with their name;
// another jobcenter's, later ones and far ones are left out.
func TestWhileYouAreOutThere(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // Anne is first: admin
	for _, p := range []string{"Hanne", "Bo", "Lars", "Carl"} {
		b.ok(p, "hjælp")
	}
	b.ok("Anne", "jobcenter opret Jobcenter Odense")
	b.ok("Anne", "jobcenter flyt Carl = Jobcenter Odense")
	add := func(who, name, area string, daysAgo int) {
		t.Helper()
		line := "virksomhed opret " + name + " kadence 30"
		if area != "" {
			line += " område " + area
		}
		b.ok(who, line)
		b.lastContact(name, daysAgo)
	}
	add("Hanne", "Lærkevej Smed", "Vollsmose", 40)
	contains(t, b.ok("Hanne", "virksomhed adresse Lærkevej Smed = Lærkevej 4, 5240 Odense NØ"),
		"Adressen for Lærkevej Smed er nu Lærkevej 4, 5240 Odense NØ")
	add("Hanne", "Hannes Forfaldne", "vollsmose", 40) // 10 days over
	add("Hanne", "Hannes Snart", "", 26)              // due in 4 days, by postcode
	b.ok("Hanne", "virksomhed adresse Hannes Snart = Bøgevej 2 5240 Odense NØ")
	add("Hanne", "Hannes Senere", "Vollsmose", 10) // due in 20 days
	add("Hanne", "Hannes Bolbro", "Bolbro", 90)    // far away
	add("Bo", "Bos Bageri", "", 60)                // by town, 30 days over
	b.ok("Bo", "virksomhed adresse Bos Bageri = 5240 Odense NØ")
	add("Lars", "Lars' Lager", "Vollsmose", 35)  // 5 days over: the fourth
	add("Carl", "Carls Cykler", "Vollsmose", 90) // another jobcenter

	got := b.ok("Hanne", "besøg Lærkevej Smed mødte Lars om svejsere")
	contains(t, got, "Gemt: besøg hos Lærkevej Smed", "Mens du er derude",
		"Hannes Forfaldne* (vollsmose) — 10 dage over",
		"Hannes Snart* (Bøgevej 2, 5240 Odense NØ) — forfalder torsdag 26.11.2026",
		"Bos Bageri* (5240 Odense NØ) — 30 dage over; Bos virksomhed")
	lacks(t, got, "Hannes Senere", "Hannes Bolbro", "Carls Cykler", "Lars' Lager")
	if i, j := strings.Index(got, "Hannes Snart"), strings.Index(got, "Bos Bageri"); i > j {
		t.Errorf("a colleague's company came before one's own:\n%s", got)
	}
	// The buttons log a visit through the form, or show the card.
	msg := b.say("Hanne", "besøg Hannes Forfaldne snak om lærlinge")
	var rows *bot.Rows
	for _, bl := range msg.Blocks {
		if r, ok := bl.(bot.Rows); ok {
			rows = &r
		}
	}
	// Only the area is near Hannes Forfaldne: Lærkevej Smed, visited just
	// now, is no longer due; Lars' Lager is.
	if rows == nil || len(rows.Rows) != 1 {
		t.Fatalf("near rows = %+v", rows)
	}
	if a := rows.Rows[0].Actions; len(a) != 2 || a[0].Form == nil || a[0].Form.Kind != bot.FormVisit || a[0].Form.Subject != "Lars' Lager" || a[1].Command != "virksomhed Lars' Lager" {
		t.Errorf("actions of the near row: %+v", a)
	}
	contains(t, msg.PlainText(), "Lars' Lager* (Vollsmose) — 5 dage over; Lars' virksomhed")
	lacks(t, msg.PlainText(), "Lærkevej Smed*")

	// Bo, at Hanne's company, sees his own first, without a name.
	got = b.ok("Bo", "besøg Hannes Snart kaffe med direktøren")
	contains(t, got, "Mens du er derude", "Bos Bageri* (5240 Odense NØ) — 30 dage over")
	lacks(t, got, "Bos virksomhed")
	// Carl, of another jobcenter, sees only his own.
	got = b.ok("Carl", "besøg Lærkevej Smed kort besøg")
	contains(t, got, "Carls Cykler* (Vollsmose) — 60 dage over")
	lacks(t, got, "Lars' Lager", "Bos Bageri", "Carls virksomhed")

	// A phone call, a visit logged for an earlier day and a company with
	// no place get no suggestions.
	lacks(t, b.ok("Hanne", "besøg Hannes Bolbro telefon kort snak"), "Mens du er derude")
	lacks(t, b.ok("Hanne", "besøg Hannes Snart i går kort besøg"), "Mens du er derude")
	b.ok("Hanne", "virksomhed opret Ingensteds ApS")
	lacks(t, b.ok("Hanne", "besøg Ingensteds ApS hej"), "Mens du er derude")

	// English.
	b.ok("Bo", "language en")
	contains(t, b.ok("Bo", "visit Hannes Senere coffee"), "While you are out there", "Lars' Lager* (Vollsmose) — 5 days overdue; Lars's company")
}

func TestCompanyAddress(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "virksomhed opret L-tek")
	contains(t, b.ok("Hanne", "virksomhed adresse L-tek Havnegade 12, 5000 Odense C"), "Adressen for L-tek er nu Havnegade 12, 5000 Odense C")
	co := b.company("L-tek")
	if co.Street != "Havnegade 12" || co.Postcode != "5000" || co.Town != "Odense C" {
		t.Errorf("stored %q %q %q", co.Street, co.Postcode, co.Town)
	}
	contains(t, b.ok("Hanne", "virksomhed L-tek"), "Adresse", "Havnegade 12, 5000 Odense C")
	contains(t, b.refused("Hanne", "virksomhed adresse L-tek = Havnegade 12"), "kan jeg ikke læse som en adresse", "postnummer (fire cifre)", "Intet er ændret")
	contains(t, b.refused("Hanne", "virksomhed adresse L-tek"), "Sådan skrives det")
	contains(t, b.refused("Hanne", "company address L-tek = 12 "+strings.Repeat("x", 300)+" 5000 Odense"), "200 tegn")
	contains(t, b.ok("Hanne", "company address L-tek = DK-5700 Svendborg"), "Adressen for L-tek er nu 5700 Svendborg", "før: Havnegade 12, 5000 Odense C")
	contains(t, b.ok("Hanne", "virksomhed adresse L-tek ingen"), "L-tek har ikke længere en adresse", "før: 5700 Svendborg")
	if co := b.company("L-tek"); co.Street != "" || co.Postcode != "" || co.Town != "" {
		t.Errorf("after clearing: %q %q %q", co.Street, co.Postcode, co.Town)
	}
	contains(t, b.ok("Hanne", "hjælp virksomhed adresse"), "virksomhed adresse <virksomhed> = <gade nr, postnr by>")
}

// TestImportAddresses: the address columns as a CVR register extract
// names them (street, house number, postcode, town), or a whole address
// in one column, are stored; a bad postcode refuses the file.
func TestImportAddresses(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "hjælp")
	csv := "navn;vejnavn;husnr;postnr;postdistrikt;ejer\n" +
		"Ærø Maskinfabrik;Vestergade;12;5970;Ærøskøbing;Hanne\n" +
		"L-tek;;;;;Hanne\n"
	if _, err := b.svc.ImportCompanies(context.Background(), strings.NewReader(csv), commands.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if co := b.company("Ærø Maskinfabrik"); co.Street != "Vestergade 12" || co.Postcode != "5970" || co.Town != "Ærøskøbing" {
		t.Errorf("Ærø Maskinfabrik: %q %q %q", co.Street, co.Postcode, co.Town)
	}
	csv = "name;adresse\nSvendborg Værft;\"Havnepladsen 1, 5700 Svendborg\"\nUden Postnr;Bøgevej 3\n"
	if _, err := b.svc.ImportCompanies(context.Background(), strings.NewReader(csv), commands.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if co := b.company("Svendborg Værft"); co.Street != "Havnepladsen 1" || co.Postcode != "5700" || co.Town != "Svendborg" {
		t.Errorf("Svendborg Værft: %q %q %q", co.Street, co.Postcode, co.Town)
	}
	if co := b.company("Uden Postnr"); co.Street != "Bøgevej 3" || co.Postcode != "" {
		t.Errorf("Uden Postnr: %q %q", co.Street, co.Postcode)
	}
	_, err := b.svc.ImportCompanies(context.Background(), strings.NewReader("name;postnr\nNy ApS;50000\n"), commands.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "postnummer »50000« er ikke fire cifre") {
		t.Errorf("bad postcode: %v", err)
	}
	// The export carries the address, and an import of it gives it back.
	var out bytes.Buffer
	if err := b.svc.ExportCompanies(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	contains(t, out.String(), "Ærø Maskinfabrik;;Hanne;30;normal;;;active;;;;Vestergade 12;5970;Ærøskøbing\n")
	b2 := newBot(t)
	if _, err := b2.svc.ImportCompanies(context.Background(), bytes.NewReader(out.Bytes()), commands.ImportOptions{CreatePeople: true}); err != nil {
		t.Fatal(err)
	}
	if co := b2.company("Ærø Maskinfabrik"); co.Street != "Vestergade 12" || co.Postcode != "5970" || co.Town != "Ærøskøbing" {
		t.Errorf("re-imported: %q %q %q", co.Street, co.Postcode, co.Town)
	}
}

// TestListsByAddress: »mine område« takes a postcode or a town too, and
// »mine søg« finds a street.
func TestListsByAddress(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "virksomhed opret L-tek område Vollsmose")
	b.ok("Hanne", "virksomhed opret Bøgevej Bageri")
	b.ok("Hanne", "virksomhed adresse Bøgevej Bageri = Bøgevej 2, 5240 Odense NØ")
	b.ok("Hanne", "virksomhed opret Havnens Is")
	b.ok("Hanne", "virksomhed adresse Havnens Is = Havnegade 1, 5000 Odense C")
	got := b.ok("Hanne", "mine område 5240")
	contains(t, got, "Bøgevej Bageri")
	lacks(t, got, "L-tek", "Havnens Is")
	got = b.ok("Hanne", "mine område odense c")
	contains(t, got, "Havnens Is")
	lacks(t, got, "Bøgevej Bageri", "L-tek")
	got = b.ok("Hanne", "mine søg havnegade")
	contains(t, got, "Havnens Is")
	lacks(t, got, "Bøgevej Bageri")
}

// TestImportAddressesOfStoredCompanies: --addresses fills in the address
// of companies already stored, by CVR or name, checking every row first.
func TestImportAddressesOfStoredCompanies(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Hanne", "virksomhed opret Ærø Maskinfabrik cvr 12345674")
	b.ok("Hanne", "virksomhed opret L-tek")
	b.ok("Hanne", "virksomhed adresse L-tek = Gammelvej 1, 5000 Odense C")
	b.ok("Hanne", "virksomhed opret Bøgelund Træ")
	b.ok("Hanne", "virksomhed adresse Bøgelund Træ = Skovvej 9, 4180 Sorø")
	ctx := context.Background()
	imp := func(csv string, dry bool) (commands.ImportResult, error) {
		return b.svc.ImportCompanies(ctx, strings.NewReader(csv), commands.ImportOptions{Addresses: true, DryRun: dry})
	}
	// Every bad row is reported; nothing is stored.
	_, err := imp("\ufeffCVR;Navn;Adresse;Postnr.;By;Telefon\n"+
		"12345674;;Vestergade 12;5970;Ærøskøbing;62521234\n"+
		"29403473;;Torvet 1;4180;Sorø;\n"+
		";Findes Ikke;Torvet 2;4180;Sorø;\n"+
		";L-tek;Havnegade 3;;;\n"+
		";l-tek;Havnegade 3;5000;Odense C;\n"+
		";ærø maskinfabrik;Vestergade 12;5970;Ærøskøbing;\n", false)
	var ie *commands.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 4 {
		t.Fatalf("import of bad rows: %v", err)
	}
	contains(t, ie.Error(), "linje 3: ingen virksomhed har CVR 29403473", "linje 4: ingen virksomhed hedder »Findes Ikke«",
		"linje 5: adressen til L-tek mangler postnummer", "linje 7: Ærø Maskinfabrik står også i linje 2")
	if co := b.company("Ærø Maskinfabrik"); co.Postcode != "" {
		t.Errorf("a refused import stored %q", co.Postcode)
	}
	good := "cvr,name,street,postcode,town\n12345674,,Vestergade 12,5970,Ærøskøbing\n,L-tek,Havnegade 3,5000,Odense C\n"
	if res, err := imp(good, true); err != nil || res.Companies != 2 {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if co := b.company("L-tek"); co.Street != "Gammelvej 1" {
		t.Errorf("a dry run stored %q", co.Street)
	}
	if res, err := imp(good, false); err != nil || res.Companies != 2 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	// The import, not the dry run nor the refused one, is in the audit trail.
	es, _, err := b.db.AuditPage(ctx, bot.AuditFilter{}, 0, 10)
	imports := 0
	for _, e := range es {
		if e.Action == bot.AuditImport {
			imports++
		}
	}
	if err != nil || imports != 1 || es[0].Action != bot.AuditImport || es[0].Subject != "addresses" || es[0].Detail != "2 companies" || es[0].Actor != "kontaktbot import" {
		t.Errorf("the trail after the address import: %+v, %v", es, err)
	}
	if co := b.company("Ærø Maskinfabrik"); co.Street != "Vestergade 12" || co.Postcode != "5970" || co.Town != "Ærøskøbing" || co.CVR != "12345674" {
		t.Errorf("Ærø Maskinfabrik: %+v", co)
	}
	if co := b.company("L-tek"); co.Street != "Havnegade 3" || co.Town != "Odense C" {
		t.Errorf("L-tek: %+v", co)
	}
	if co := b.company("Bøgelund Træ"); co.Street != "Skovvej 9" {
		t.Errorf("a company not in the file lost its address: %+v", co)
	}
	// The near index follows: L-tek is found from Odense C.
	if _, err := imp("name;postcode;town;street\nBøgelund Træ;5000;Odense C;Havnegade 5\n", false); err != nil {
		t.Fatal(err)
	}
	near, err := b.db.NearDue(ctx, b.company("L-tek"), sunday.AddDate(0, 2, 0), func(uint64) int { return 0 }, 3)
	if err != nil || len(near) != 1 || near[0].Name != "Bøgelund Træ" {
		t.Errorf("near L-tek after the import: %v, %v", near, err)
	}
	// A header without a company column or an address is refused.
	_, err = imp("telefon;email\n1;2\n", false)
	if err == nil || !strings.Contains(err.Error(), "cvr eller name") {
		t.Errorf("bad header: %v", err)
	}
}
