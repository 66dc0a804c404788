package storage_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// mustContacts is every contact with the company, newest first.
func mustContacts(tb testing.TB, db *storage.DB, companyID uint64) []bot.Contact {
	tb.Helper()
	cs, err := db.Contacts(tb.Context(), companyID, math.MaxInt)
	if err != nil {
		tb.Fatalf("contacts of #%d: %v", companyID, err)
	}
	return cs
}

func contactIDs(cs []bot.Contact) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func mustUndo(tb testing.TB, db *storage.DB, consultantID uint64) bot.Contact {
	tb.Helper()
	c, err := db.UndoContact(tb.Context(), consultantID, time.Time{})
	if err != nil {
		tb.Fatalf("undo #%d: %v", consultantID, err)
	}
	return c
}

func TestAddContactToMissingCompany(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Findes"})
	_, err := db.AddContact(t.Context(), bot.Contact{CompanyID: co.ID + 1, ConsultantID: anne.ID, At: fixed, Kind: bot.KindVisit})
	if !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("err = %v, want bot.ErrNotFound", err)
	}
	for _, id := range []uint64{co.ID, co.ID + 1} {
		if cs := mustContacts(t, db, id); len(cs) != 0 {
			t.Errorf("contacts of #%d after a refused contact: %+v", id, cs)
		}
	}
	if _, err := db.UndoContact(t.Context(), anne.ID, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the refused contact can be undone: err = %v", err)
	}
	assertSame(t, "the company", mustGetCompany(t, db, co.ID), co)
}

func TestAddContactUpdatesCompany(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	co := mustCompany(t, db, bot.Company{Name: "Svendborg Smedie", OwnerID: anne.ID, CadenceDays: 30,
		SnoozedUntil: days(5), SnoozeCount: 2})
	want := co // the company as each step should leave it

	for _, step := range []struct {
		name   string
		before func(*bot.Company) // changed through UpdateCompany first
		add    bot.Contact
		after  func(*bot.Company)
	}{
		{
			name: "first contact ends the snooze",
			add:  bot.Contact{ConsultantID: anne.ID, At: days(-2), Kind: bot.KindPhone},
			after: func(c *bot.Company) {
				c.LastContact, c.LastKind, c.LastBy = days(-2), bot.KindPhone, anne.ID
				c.SnoozedUntil, c.SnoozeCount = time.Time{}, 0
			},
		},
		{
			name:   "a back-dated contact leaves the last contact",
			before: func(c *bot.Company) { c.SnoozedUntil, c.SnoozeCount = days(4), 1 },
			add:    bot.Contact{ConsultantID: bo.ID, At: days(-10), Kind: bot.KindVisit},
			after:  func(c *bot.Company) { c.SnoozedUntil, c.SnoozeCount = time.Time{}, 0 },
		},
		{
			name: "a follow-up plans the next contact on its day",
			add:  bot.Contact{ConsultantID: bo.ID, At: fixed, Kind: bot.KindVisit, FollowUp: days(14).Add(5 * time.Hour)},
			after: func(c *bot.Company) {
				c.LastContact, c.LastKind, c.LastBy = fixed, bot.KindVisit, bo.ID
				c.PlannedNext = bot.Day(days(14))
			},
		},
		{
			name:  "a contact before the planned day keeps the plan",
			add:   bot.Contact{ConsultantID: anne.ID, At: days(3), Kind: bot.KindMail},
			after: func(c *bot.Company) { c.LastContact, c.LastKind, c.LastBy = days(3), bot.KindMail, anne.ID },
		},
		{
			name: "a contact on the planned day meets the plan",
			add:  bot.Contact{ConsultantID: anne.ID, At: bot.Day(days(14)).Add(8 * time.Hour), Kind: bot.KindMeeting},
			after: func(c *bot.Company) {
				c.LastContact, c.LastKind, c.LastBy = bot.Day(days(14)).Add(8*time.Hour), bot.KindMeeting, anne.ID
				c.PlannedNext = time.Time{}
			},
		},
		{
			name:   "a contact after the planned day meets the plan",
			before: func(c *bot.Company) { c.PlannedNext = bot.Day(days(16)) },
			add:    bot.Contact{ConsultantID: anne.ID, At: days(20), Kind: bot.KindPhone, FollowUp: days(20).Add(2 * time.Hour)},
			after: func(c *bot.Company) {
				// A follow-up on the day of the contact itself plans nothing.
				c.LastContact, c.LastKind, c.LastBy, c.PlannedNext = days(20), bot.KindPhone, anne.ID, time.Time{}
			},
		},
	} {
		if step.before != nil {
			var err error
			if want, err = db.UpdateCompany(t.Context(), co.ID, func(c *bot.Company) error { step.before(c); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		in := step.add
		in.CompanyID, in.Note = co.ID, step.name
		got := mustContact(t, db, in)
		if got.ID == 0 || got.Logged != fixed {
			t.Errorf("%s: contact #%d logged %v, want an id and the clock's %v", step.name, got.ID, got.Logged, fixed)
		}
		in.ID, in.Logged = got.ID, fixed
		assertSame(t, step.name+": returned contact", got, in)
		stored := mustContacts(t, db, co.ID)
		if i := slices.IndexFunc(stored, func(c bot.Contact) bool { return c.ID == got.ID }); i < 0 {
			t.Errorf("%s: contact #%d not stored", step.name, got.ID)
		} else {
			assertSame(t, step.name+": stored contact", stored[i], in)
		}
		step.after(&want)
		assertSame(t, step.name+": company", mustGetCompany(t, db, co.ID), want)
	}
	if n := len(mustContacts(t, db, co.ID)); n != 6 {
		t.Errorf("%d contacts stored, want 6", n)
	}
}

func TestAddContactKeepsGivenLogged(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	co := mustCompany(t, db, bot.Company{Name: "Firma"})
	logged := days(-1).Add(7 * time.Minute)
	got := mustContact(t, db, bot.Contact{CompanyID: co.ID, At: days(-1), Kind: bot.KindPhone, Logged: logged})
	if !got.Logged.Equal(logged) {
		t.Errorf("Logged = %v, want the given %v", got.Logged, logged)
	}
	if stored := mustContacts(t, db, co.ID); len(stored) != 1 || !stored[0].Logged.Equal(logged) {
		t.Errorf("stored %+v, want one logged %v", stored, logged)
	}
}

func TestContactsNewestFirst(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	co := mustCompany(t, db, bot.Company{Name: "Gammel Købmand"})
	other := mustCompany(t, db, bot.Company{Name: "Nabo"})
	ats := []time.Time{
		time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC),
		time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0),
		time.Date(1999, 12, 31, 23, 59, 0, 0, bot.Copenhagen),
		days(-1), days(-1), // equal times
		fixed,
		time.Date(2100, 6, 1, 0, 0, 0, 0, time.UTC),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var added []bot.Contact
	for _, i := range rng.Perm(len(ats)) {
		added = append(added, mustContact(t, db, bot.Contact{CompanyID: co.ID, At: ats[i], Kind: bot.KindVisit, Note: "n"}))
		mustContact(t, db, bot.Contact{CompanyID: other.ID, At: ats[i], Kind: bot.KindPhone})
	}

	all := mustContacts(t, db, co.ID)
	if got, want := len(all), len(ats); got != want {
		t.Fatalf("%d contacts, want %d", got, want)
	}
	if !slices.IsSortedFunc(all, func(a, b bot.Contact) int { return b.At.Compare(a.At) }) {
		t.Errorf("contacts not newest first: %v", all)
	}
	wantIDs := slices.Sorted(slices.Values(contactIDs(added)))
	if got := slices.Sorted(slices.Values(contactIDs(all))); !slices.Equal(got, wantIDs) {
		t.Errorf("contact ids %v, want %v", got, wantIDs)
	}
	for _, c := range all {
		if c.CompanyID != co.ID || c.Kind != bot.KindVisit {
			t.Errorf("contact #%d of company #%d (%s) among #%d's", c.ID, c.CompanyID, c.Kind, co.ID)
		}
	}
	if got := mustGetCompany(t, db, co.ID).LastContact; !got.Equal(ats[len(ats)-1]) {
		t.Errorf("LastContact = %v, want the newest, %v", got, ats[len(ats)-1])
	}

	for _, limit := range []int{1, 3, len(ats), len(ats) + 5} {
		got, err := db.Contacts(t.Context(), co.ID, limit)
		if err != nil {
			t.Fatal(err)
		}
		want := all[:min(limit, len(all))]
		if !slices.Equal(contactIDs(got), contactIDs(want)) {
			t.Errorf("Contacts(limit %d) = %v, want %v", limit, contactIDs(got), contactIDs(want))
		}
	}
	if got := mustContacts(t, db, other.ID+1); len(got) != 0 {
		t.Errorf("a company without contacts has %d", len(got))
	}
}

// TestContactsLimitZero asks for no contacts: "up to limit" must give
// none, as FindCompanies and SuggestCompanies do.
func TestContactsLimitZero(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	co := mustCompany(t, db, bot.Company{Name: "Firma"})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, At: days(-2), Kind: bot.KindPhone})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, At: days(-1), Kind: bot.KindPhone})
	for _, limit := range []int{0, -1} {
		got, err := db.Contacts(t.Context(), co.ID, limit)
		if err != nil || len(got) != 0 {
			t.Errorf("Contacts(limit %d) = %d contacts %v, %v; want none", limit, len(got), contactIDs(got), err)
		}
	}
}

func TestUndoContactRestoresCompany(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	co := mustCompany(t, db, bot.Company{Name: "Kerteminde Kro", OwnerID: anne.ID, CadenceDays: 30, PlannedNext: bot.Day(days(10))})
	b := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: bo.ID, At: days(-20), Kind: bot.KindPhone})
	before, err := db.UpdateCompany(ctx, co.ID, func(c *bot.Company) error {
		c.SnoozedUntil, c.SnoozeCount = days(5), 2
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	a := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: fixed, Kind: bot.KindVisit, FollowUp: days(30)})
	if got := mustGetCompany(t, db, co.ID); got.SnoozeCount != 0 || !got.PlannedNext.Equal(bot.Day(days(30))) {
		t.Fatalf("the contact did not reset the company: %+v", got)
	}
	undone, err := db.UndoContact(ctx, anne.ID, fixed)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, "undone contact", undone, a)
	assertSame(t, "company after undo", mustGetCompany(t, db, co.ID), before)
	assertSame(t, "contacts after undo", mustContacts(t, db, co.ID), []bot.Contact{b})

	// The nudge index follows: snoozed until days(5) again.
	var nudged []bot.Company
	if err := db.NudgeDue(ctx, days(1000), func(c bot.Company) error { nudged = append(nudged, c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(nudged) != 1 || !nudged[0].SnoozedUntil.Equal(days(5)) || !nudged[0].LastContact.Equal(days(-20)) {
		t.Errorf("NudgeDue after undo = %+v, want the restored company", nudged)
	}

	bUndone := mustUndo(t, db, bo.ID)
	assertSame(t, "bo's undone contact", bUndone, b)
	got := mustGetCompany(t, db, co.ID)
	if !got.LastContact.IsZero() || got.LastKind != "" || got.LastBy != 0 {
		t.Errorf("after undoing every contact: last contact %v %q by #%d, want none", got.LastContact, got.LastKind, got.LastBy)
	}
	if !got.PlannedNext.Equal(bot.Day(days(10))) {
		t.Errorf("after undoing every contact: planned %v, want the original %v", got.PlannedNext, bot.Day(days(10)))
	}
}

func TestUndoContactSince(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Firma"})
	c := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-1), Kind: bot.KindPhone})

	if _, err := db.UndoContact(t.Context(), anne.ID, fixed.Add(time.Nanosecond)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("undo of a contact logged before since: err = %v, want bot.ErrNotFound", err)
	}
	if got := mustContacts(t, db, co.ID); len(got) != 1 {
		t.Fatalf("a refused undo removed the contact: %v", got)
	}
	undone, err := db.UndoContact(t.Context(), anne.ID, fixed)
	if err != nil || undone.ID != c.ID {
		t.Errorf("undo of a contact logged at since = #%d, %v; want #%d", undone.ID, err, c.ID)
	}
}

func TestUndoContactOrder(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	co := mustCompany(t, db, bot.Company{Name: "Firma"})
	add := func(by bot.Consultant, at time.Time, logged time.Time) bot.Contact {
		return mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: by.ID, At: at, Kind: bot.KindVisit, Logged: logged})
	}
	a1 := add(anne, days(-3), fixed)
	a2 := add(anne, days(-5), fixed.Add(time.Minute)) // logged last, though older
	b1 := add(bo, days(-1), fixed.Add(2*time.Minute))
	a3 := add(anne, days(-2), fixed.Add(-time.Minute)) // added last, but logged first

	for _, want := range []bot.Contact{a2, a1, a3} {
		if got := mustUndo(t, db, anne.ID); got.ID != want.ID {
			t.Errorf("undo gave #%d, want #%d", got.ID, want.ID)
		}
		if last := mustGetCompany(t, db, co.ID); !last.LastContact.Equal(days(-1)) || last.LastBy != bo.ID {
			t.Errorf("undoing anne's contacts moved bo's last contact: %v by #%d", last.LastContact, last.LastBy)
		}
	}
	if _, err := db.UndoContact(t.Context(), anne.ID, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a fourth undo: err = %v, want bot.ErrNotFound", err)
	}
	assertSame(t, "contacts left", mustContacts(t, db, co.ID), []bot.Contact{b1})
	if _, err := db.UndoContact(t.Context(), 0, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("undo by nobody: err = %v, want bot.ErrNotFound", err)
	}
}

func TestUndoContactRestoresNewestRemaining(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	co := mustCompany(t, db, bot.Company{Name: "Firma"})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: bo.ID, At: days(-30), Kind: bot.KindMail})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: bo.ID, At: days(-4), Kind: bot.KindPhone})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: bo.ID, At: days(-9), Kind: bot.KindMeeting})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: fixed, Kind: bot.KindVisit})
	mustUndo(t, db, anne.ID)
	got := mustGetCompany(t, db, co.ID)
	if !got.LastContact.Equal(days(-4)) || got.LastKind != bot.KindPhone || got.LastBy != bo.ID {
		t.Errorf("after undo: last contact %v %s by #%d, want %v phone by #%d", got.LastContact, got.LastKind, got.LastBy, days(-4), bo.ID)
	}
}

// TestUndoBackdatedContactLeavesCompany undoes a contact that changed
// nothing but the snooze: the company must be as it was before, even when
// two contacts share its newest time.
func TestUndoBackdatedContactLeavesCompany(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne, bo := mustConsultant(t, db, "Anne"), mustConsultant(t, db, "Bo")
	co := mustCompany(t, db, bot.Company{Name: "Firma", OwnerID: anne.ID, CadenceDays: 14})
	at := days(-1).Truncate(time.Hour)
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: at, Kind: bot.KindPhone})
	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: bo.ID, At: at, Kind: bot.KindVisit})
	before := mustGetCompany(t, db, co.ID)
	if before.LastBy != bo.ID || before.LastKind != bot.KindVisit {
		t.Fatalf("two contacts at one time: the company describes %s by #%d, want the later one, visit by #%d", before.LastKind, before.LastBy, bo.ID)
	}

	mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: days(-10), Kind: bot.KindMail})
	mustUndo(t, db, anne.ID)
	assertSame(t, "company after adding and undoing a back-dated contact", mustGetCompany(t, db, co.ID), before)
}

func TestImportedContactsAreNotUndoable(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	anne := mustConsultant(t, db, "Anne")
	if err := db.ImportCompanies(t.Context(), []bot.Company{{Name: "Importeret", OwnerID: anne.ID, CadenceDays: 30, LastContact: days(-50)}}); err != nil {
		t.Fatal(err)
	}
	co := allCompanies(t, db)[0]
	if _, err := db.UndoContact(t.Context(), anne.ID, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("undo of an imported contact: err = %v, want bot.ErrNotFound", err)
	}
	imported := mustContacts(t, db, co.ID)
	if len(imported) != 1 || imported[0].Kind != bot.KindImported {
		t.Fatalf("contacts after import: %+v, want one imported", imported)
	}

	typed := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: fixed, Kind: bot.KindVisit})
	if got := mustUndo(t, db, anne.ID); got.ID != typed.ID {
		t.Errorf("undo gave #%d, want the typed #%d", got.ID, typed.ID)
	}
	if _, err := db.UndoContact(t.Context(), anne.ID, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a second undo reached the imported contact: err = %v", err)
	}
	assertSame(t, "contacts", mustContacts(t, db, co.ID), imported)
	got := mustGetCompany(t, db, co.ID)
	if !got.LastContact.Equal(days(-50)) || got.LastKind != bot.KindImported || got.LastBy != anne.ID {
		t.Errorf("after undo: last contact %v %s by #%d, want the imported %v by #%d", got.LastContact, got.LastKind, got.LastBy, days(-50), anne.ID)
	}
}

// TestConcurrentContactsAllCommitted sends 64 contacts at once, as a
// morning rush does: they are committed together (group commit), each
// with its own id, each caller told only after its commit, and all are
// there after reopening, alongside a refused one that left no trace.
func TestConcurrentContactsAllCommitted(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	anne := mustConsultant(t, db, "Anne")
	co := mustCompany(t, db, bot.Company{Name: "Ærø Maskinfabrik"})
	const n = 64
	ids := make([]uint64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			company := co.ID
			if i == 10 {
				company = co.ID + 99 // refused: no such company
			}
			c, err := db.AddContact(t.Context(), bot.Contact{CompanyID: company, ConsultantID: anne.ID, At: fixed,
				Kind: bot.KindVisit, Note: fmt.Sprintf("besøg %d", i)})
			if (err != nil) != (i == 10) {
				t.Errorf("contact %d: %v", i, err)
			}
			ids[i] = c.ID
		}()
	}
	wg.Wait()
	mustClose(t, db)
	db = mustOpen(t, path)
	cs, err := db.Contacts(t.Context(), co.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != n-1 {
		t.Fatalf("%d contacts stored, want %d", len(cs), n-1)
	}
	seen := map[uint64]bool{}
	for _, c := range cs {
		if seen[c.ID] || c.ID == 0 {
			t.Errorf("id %d twice or zero", c.ID)
		}
		seen[c.ID] = true
	}
	for i, id := range ids {
		if i != 10 && !seen[id] {
			t.Errorf("contact %d (id %d) was acknowledged but is not stored", i, id)
		}
	}
}

// ContactsBetween gives the contacts in [from, to), newest first, and
// none of another company's.
func TestContactsBetween(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := newDB(t)
	anne := mustConsultant(t, db, "Anne")
	a := mustCompany(t, db, bot.Company{Name: "Alfa", OwnerID: anne.ID})
	b := mustCompany(t, db, bot.Company{Name: "Beta", OwnerID: anne.ID})
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, bot.Copenhagen)
	for _, at := range []time.Time{day.Add(-time.Second), day, day.Add(12 * time.Hour), day.Add(24*time.Hour - time.Second), day.Add(24 * time.Hour)} {
		mustContact(t, db, bot.Contact{CompanyID: a.ID, ConsultantID: anne.ID, At: at, Kind: bot.KindPhone})
		mustContact(t, db, bot.Contact{CompanyID: b.ID, ConsultantID: anne.ID, At: at, Kind: bot.KindVisit})
	}
	got, err := db.ContactsBetween(ctx, a.ID, day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var ats []time.Time
	for _, c := range got {
		if c.CompanyID != a.ID {
			t.Errorf("a contact of #%d", c.CompanyID)
		}
		ats = append(ats, c.At)
	}
	want := []time.Time{day.Add(24*time.Hour - time.Second), day.Add(12 * time.Hour), day}
	if len(ats) != len(want) {
		t.Fatalf("got %v, want %v", ats, want)
	}
	for i := range want {
		if !ats[i].Equal(want[i]) {
			t.Errorf("contact %d at %v, want %v", i, ats[i], want[i])
		}
	}
	if got, err := db.ContactsBetween(ctx, a.ID, day.AddDate(0, 0, 5), day.AddDate(0, 0, 6)); err != nil || len(got) != 0 {
		t.Errorf("an empty day: %v, %v", got, err)
	}
}
