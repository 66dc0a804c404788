package storage_test

import (
	"slices"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// nearNames is what NearDue finds near c by the day until, ranking the
// consultant me first, then colleagues, leaving out strangers.
func nearNames(t *testing.T, db *storage.DB, c bot.Company, me uint64, colleagues []uint64) []string {
	t.Helper()
	rank := func(owner uint64) int {
		switch {
		case owner == me:
			return 0
		case slices.Contains(colleagues, owner):
			return 1
		}
		return -1
	}
	cs, err := db.NearDue(t.Context(), c, days(7), rank, 10)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestNearDue(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	var ids []uint64
	for _, name := range []string{"Anne", "Bo", "Carl"} {
		p, err := db.CreateConsultant(ctx, bot.Consultant{Name: name, Role: bot.RoleConsultant})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	anne, bo, carl := ids[0], ids[1], ids[2]
	add := func(c bot.Company) bot.Company {
		t.Helper()
		if c.CadenceDays == 0 {
			c.CadenceDays = 30
		}
		out, err := db.CreateCompany(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	visited := add(bot.Company{Name: "Lærkevej Smed", OwnerID: anne, Area: "Vollsmose", Postcode: "5240", Town: "Odense NØ", LastContact: days(-40)})
	// Due on the day the cadence runs out: 30 days after the last contact.
	add(bot.Company{Name: "Anne forfalden", OwnerID: anne, Area: "vollsmose", LastContact: days(-35)})
	add(bot.Company{Name: "Anne om fem", OwnerID: anne, Postcode: "5240", LastContact: days(-25)})
	add(bot.Company{Name: "Anne om tyve", OwnerID: anne, Area: "Vollsmose", LastContact: days(-10)})
	add(bot.Company{Name: "Anne pause", OwnerID: anne, Area: "Vollsmose", LastContact: days(-90), Status: bot.StatusPaused})
	add(bot.Company{Name: "Anne andetsteds", OwnerID: anne, Area: "Bolbro", Postcode: "5200", Town: "Odense V", LastContact: days(-90)})
	add(bot.Company{Name: "Bo by", OwnerID: bo, Town: "odense nø", LastContact: days(-60)})
	add(bot.Company{Name: "Bo postnummer", OwnerID: bo, Area: "Vollsmose", Postcode: "5240", LastContact: days(-31)})
	add(bot.Company{Name: "Carl fremmed", OwnerID: carl, Area: "Vollsmose", LastContact: days(-90)})
	add(bot.Company{Name: "Uden konsulent", Area: "Vollsmose", LastContact: days(-90)})

	want := []string{"Anne forfalden", "Anne om fem", "Bo by", "Bo postnummer"}
	if got := nearNames(t, db, visited, anne, []uint64{bo}); !slices.Equal(got, want) {
		t.Errorf("near = %q, want %q", got, want)
	}
	// Bo's view: his own first.
	if got := nearNames(t, db, visited, bo, []uint64{anne}); !slices.Equal(got, []string{"Bo by", "Bo postnummer", "Anne forfalden", "Anne om fem"}) {
		t.Errorf("Bo's near = %q", got)
	}
	// A company without a place has nothing near.
	if got := nearNames(t, db, bot.Company{ID: 999, Name: "Ingensteds"}, anne, nil); len(got) != 0 {
		t.Errorf("near nowhere = %q", got)
	}

	// A contact moves a company out; a new area moves one in; a deleted
	// company and a new owner outside the team leave.
	find := func(name string) bot.Company {
		t.Helper()
		c, _, err := db.FindCompanies(ctx, bot.NormalizeName(name), 1)
		if err != nil || c == nil {
			t.Fatalf("find %s: %v", name, err)
		}
		return *c
	}
	if _, err := db.AddContact(ctx, bot.Contact{CompanyID: find("Anne forfalden").ID, ConsultantID: anne, At: fixed, Kind: bot.KindVisit, Logged: fixed}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCompany(ctx, find("Anne andetsteds").ID, func(c *bot.Company) error {
		c.Area, c.Town = "Vollsmose", ""
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.DeleteCompany(ctx, find("Bo by").ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCompany(ctx, find("Bo postnummer").ID, func(c *bot.Company) error {
		c.OwnerID = carl
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want = []string{"Anne andetsteds", "Anne om fem"}
	if got := nearNames(t, db, visited, anne, []uint64{bo}); !slices.Equal(got, want) {
		t.Errorf("after changes near = %q, want %q", got, want)
	}

	// The same after reopening: the index is on disk.
	mustClose(t, db)
	db = mustOpen(t, path)
	if got := nearNames(t, db, visited, anne, []uint64{bo}); !slices.Equal(got, want) {
		t.Errorf("after reopening near = %q, want %q", got, want)
	}
	// The limit holds, the nearest in rank first.
	cs, err := db.NearDue(ctx, visited, days(7), func(uint64) int { return 0 }, 1)
	if err != nil || len(cs) != 1 || cs[0].Name != "Anne andetsteds" {
		t.Errorf("limit 1 = %v, %v", cs, err)
	}
	if cs[0].Area != "Vollsmose" || cs[0].OwnerID != anne {
		t.Errorf("the summary came back as %+v", cs[0])
	}
}
