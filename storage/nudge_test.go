package storage_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage/storagetest"
)

func TestNudgeDue(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	due := func(day time.Time) []string {
		t.Helper()
		var out []string
		if err := db.NudgeDue(ctx, day, func(c bot.Company) error { out = append(out, c.Name); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	co := func(name string, cadence int, last time.Time) bot.Company {
		return mustCompany(t, db, bot.Company{Name: name, OwnerID: anne.ID, CadenceDays: cadence, LastContact: last})
	}
	a := co("A", 14, days(-20)) // due days(-6)
	b := co("B", 30, days(-10)) // due days(20)
	c := co("C", 7, days(-30))  // due days(-23)
	co("D", 30, time.Time{})    // no contact: due 30 days after it got its owner, days(30)
	for _, never := range []bot.Company{
		{Name: "Paused", OwnerID: anne.ID, CadenceDays: 7, LastContact: days(-100), Status: bot.StatusPaused},
		{Name: "Ended", OwnerID: anne.ID, CadenceDays: 7, LastContact: days(-100), Status: bot.StatusEnded},
		{Name: "Ownerless", CadenceDays: 7, LastContact: days(-100)},
		{Name: "No cadence", OwnerID: anne.ID, LastContact: days(-100)},
	} {
		mustCompany(t, db, never)
	}

	for _, tc := range []struct {
		day  time.Time
		want []string
	}{
		{days(-24), nil},
		{days(-23), []string{"C"}},
		{fixed, []string{"C", "A"}},
		{days(19), []string{"C", "A"}},
		{days(20).Add(-9 * time.Hour), []string{"C", "A", "B"}}, // any time of the due day
		{days(1000), []string{"C", "A", "B", "D"}},
	} {
		if got := due(tc.day); !slices.Equal(got, tc.want) {
			t.Errorf("NudgeDue(%s) = %q, want %q", tc.day.Format(time.DateOnly), got, tc.want)
		}
	}

	mustContact(t, db, bot.Contact{CompanyID: c.ID, ConsultantID: anne.ID, At: fixed, Kind: bot.KindPhone})
	if got := due(fixed); !slices.Equal(got, []string{"A"}) {
		t.Errorf("after a contact with C, NudgeDue = %q, want [A]", got)
	}
	if got := due(days(7)); !slices.Equal(got, []string{"A", "C"}) {
		t.Errorf("a week later, NudgeDue = %q, want [A C]", got)
	}

	update := func(co bot.Company, fn func(*bot.Company)) {
		t.Helper()
		if _, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error { fn(c); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	update(a, func(c *bot.Company) { c.SnoozedUntil, c.SnoozeCount = days(3), 1 })
	if got := due(fixed); len(got) != 0 {
		t.Errorf("with A snoozed, NudgeDue(today) = %q, want none", got)
	}
	if got := due(days(3)); !slices.Equal(got, []string{"A"}) {
		t.Errorf("when A's snooze ends, NudgeDue = %q, want [A]", got)
	}
	update(a, func(c *bot.Company) { c.SnoozedUntil, c.PlannedNext = time.Time{}, bot.Day(days(5)) })
	if got := due(days(5)); len(got) != 0 {
		t.Errorf("on A's planned day, NudgeDue = %q, want none", got)
	}
	if got := due(days(6)); !slices.Equal(got, []string{"A"}) {
		t.Errorf("the day after A's planned day, NudgeDue = %q, want [A]", got)
	}
	update(b, func(c *bot.Company) { c.Status = bot.StatusPaused })
	if got := due(days(1000)); !slices.Equal(got, []string{"A", "C", "D"}) {
		t.Errorf("with B paused, NudgeDue = %q, want [A C D]", got)
	}

	stop := errors.New("stop")
	calls := 0
	err := db.NudgeDue(ctx, days(1000), func(bot.Company) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn's error: NudgeDue = %v after %d calls, want it after 1", err, calls)
	}
}

// TestNudgeDueMatchesScan checks the nudge index against the rule itself,
// bot.Company.NudgeDay applied to every company, over a random portfolio
// that is changed through every write that moves a nudge day.
func TestNudgeDueMatchesScan(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(2026, 11))
	var owners []uint64
	for i := range 3 {
		owners = append(owners, mustConsultant(t, db, fmt.Sprintf("Konsulent %d", i)).ID)
	}
	pick := func(p float64, t time.Time) time.Time {
		if rng.Float64() < p {
			return t
		}
		return time.Time{}
	}
	someday := func(lo, hi int) time.Time {
		return days(lo + rng.IntN(hi-lo)).Add(time.Duration(rng.IntN(24*60)-9*60) * time.Minute)
	}
	cs := make([]bot.Company, 300)
	for i := range cs {
		cs[i] = bot.Company{
			Name:         fmt.Sprintf("Virksomhed %03d", i),
			OwnerID:      []uint64{0, owners[0], owners[1], owners[2]}[rng.IntN(4)],
			OwnerSince:   someday(-400, 0),
			CadenceDays:  []int{0, 7, 14, 30, 60, 90}[rng.IntN(6)],
			Status:       []bot.Status{bot.StatusActive, bot.StatusActive, bot.StatusActive, bot.StatusPaused, bot.StatusEnded}[rng.IntN(5)],
			LastContact:  pick(0.8, someday(-200, 0)),
			SnoozedUntil: pick(0.2, someday(-10, 30)),
			PlannedNext:  pick(0.2, bot.Day(someday(-30, 60))),
			Area:         []string{"", "Sorø", "Ærø"}[rng.IntN(3)],
			CVR:          []string{"", storagetest.CVR(10000000 + 1000*i)}[rng.IntN(2)],
			Tier:         []bot.Tier{bot.TierNormal, bot.TierIntensified}[rng.IntN(2)],
		}
		if rng.IntN(4) == 0 {
			cs[i].Aliases = []string{fmt.Sprintf("VH%03d", i)}
		}
	}
	if err := db.ImportCompanies(ctx, cs); err != nil {
		t.Fatal(err)
	}

	check := func(step string) {
		t.Helper()
		byID := map[uint64]bot.Company{}
		for _, c := range allCompanies(t, db) {
			byID[c.ID] = c
		}
		for day := days(-60); day.Before(days(240)); day = day.AddDate(0, 0, 9) {
			var want []uint64
			for _, c := range byID {
				if nd, ok := c.NudgeDay(); ok && !nd.After(bot.Day(day)) {
					want = append(want, c.ID)
				}
			}
			var got []uint64
			var last time.Time
			err := db.NudgeDue(ctx, day, func(c bot.Company) error {
				nd, _ := c.NudgeDay()
				if nd.Before(last) {
					t.Errorf("%s, %s: #%d (nudge %s) after one of %s", step, day.Format(time.DateOnly), c.ID, nd.Format(time.DateOnly), last.Format(time.DateOnly))
				}
				last = nd
				want := byID[c.ID]
				assertSame(t, "company given by NudgeDue", c, want)
				got = append(got, c.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s, %s: NudgeDue gave %d companies %v, the scan %d %v", step, day.Format(time.DateOnly), len(got), got, len(want), want)
			}
		}
	}
	check("after import")

	for round := range 3 {
		for range 20 {
			id := uint64(1 + rng.IntN(len(cs)))
			switch rng.IntN(3) {
			case 0:
				mustContact(t, db, bot.Contact{CompanyID: id, ConsultantID: owners[0], At: someday(-100, 10), Kind: bot.KindVisit,
					FollowUp: pick(0.3, someday(0, 60))})
			case 1:
				_, err := db.UpdateCompany(ctx, id, func(c *bot.Company) error {
					c.SnoozedUntil, c.SnoozeCount = someday(0, 40), c.SnoozeCount+1
					c.PlannedNext = pick(0.5, bot.Day(someday(0, 60)))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			case 2:
				_, err := db.UpdateCompany(ctx, id, func(c *bot.Company) error {
					c.CadenceDays = []int{0, 7, 30}[rng.IntN(3)]
					c.Status = []bot.Status{bot.StatusActive, bot.StatusPaused}[rng.IntN(2)]
					c.OwnerID = owners[rng.IntN(len(owners))]
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := db.UndoContact(ctx, owners[0], time.Time{}); err != nil && !errors.Is(err, bot.ErrNotFound) {
			t.Fatal(err)
		}
		check(fmt.Sprintf("after round %d", round+1))
	}
}
