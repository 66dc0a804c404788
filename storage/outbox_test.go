package storage_test

import (
	"errors"
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestPlanDeliveriesOncePerDay(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	day := bot.Day(fixed)
	ds := []bot.Delivery{
		{To: 2, Items: []bot.NudgeItem{{CompanyID: 7, Name: "Ærø Maskinfabrik", CadenceDays: 30, OverdueDays: 4}}},
		{To: 1, Items: []bot.NudgeItem{{CompanyID: 8, Name: "L-tek", CadenceDays: 14}}},
	}
	if planned, err := db.Planned(ctx, bot.JobNudge, day); err != nil || planned {
		t.Fatalf("planned before planning: %v %v", planned, err)
	}
	if planned, err := db.PlanDeliveries(ctx, bot.JobNudge, day, ds); err != nil || !planned {
		t.Fatalf("first plan: %v %v", planned, err)
	}
	// A second plan the same day stores nothing, even with other content.
	if planned, err := db.PlanDeliveries(ctx, bot.JobNudge, day, ds[:1]); err != nil || planned {
		t.Fatalf("second plan: %v %v", planned, err)
	}
	// The digest of the same day and the nudge of the next are their own.
	if planned, _ := db.Planned(ctx, bot.JobDigest, day); planned {
		t.Error("the digest counts as planned")
	}
	if planned, _ := db.Planned(ctx, bot.JobNudge, bot.AddDays(day, 1)); planned {
		t.Error("tomorrow counts as planned")
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	got, err := db.Deliveries(ctx, bot.JobNudge, day)
	if err != nil || len(got) != 2 {
		t.Fatalf("deliveries after reopen: %d, %v", len(got), err)
	}
	if got[0].To != 1 || got[1].To != 2 || got[1].Items[0].Name != "Ærø Maskinfabrik" || got[1].Kind != bot.JobNudge || !got[1].Day.Equal(day) {
		t.Errorf("deliveries: %+v", got)
	}
}

func TestSaveDeliveryFirstConfirmationWins(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	day := bot.Day(fixed)
	if _, err := db.PlanDeliveries(ctx, bot.JobNudge, day, []bot.Delivery{{To: 1}}); err != nil {
		t.Fatal(err)
	}
	d := bot.Delivery{Kind: bot.JobNudge, Day: day, To: 1, Attempts: 1, LastError: "timeout", NextTry: fixed.Add(time.Minute)}
	if err := db.SaveDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.Attempts, d.LastError, d.Delivered, d.Receipt = 2, "", fixed.Add(2*time.Minute), bot.Receipt{MessageID: "m1"}
	if err := db.SaveDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	// A late save of a failed try cannot undo the confirmation.
	stale := bot.Delivery{Kind: bot.JobNudge, Day: day, To: 1, Attempts: 3, LastError: "late"}
	if err := db.SaveDelivery(ctx, stale); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Deliveries(ctx, bot.JobNudge, day)
	if len(got) != 1 || got[0].Delivered.IsZero() || got[0].Receipt.MessageID != "m1" || got[0].Attempts != 2 {
		t.Errorf("after confirmation: %+v", got)
	}
	if err := db.SaveDelivery(ctx, bot.Delivery{Kind: bot.JobNudge, Day: day, To: 99}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("saving an unplanned delivery: %v, want ErrNotFound", err)
	}
}

func TestPruneOutbox(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	for i := range 5 {
		day := bot.AddDays(fixed, -i)
		if _, err := db.PlanDeliveries(ctx, bot.JobNudge, day, []bot.Delivery{{To: 1}, {To: 2}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PlanDeliveries(ctx, bot.JobDigest, day, []bot.Delivery{{To: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.PruneOutbox(ctx, bot.JobNudge, bot.AddDays(fixed, -2))
	if err != nil || n != 6 { // two days, each two deliveries and a mark
		t.Fatalf("pruned %d, %v; want 6", n, err)
	}
	for i := range 5 {
		day := bot.AddDays(fixed, -i)
		planned, _ := db.Planned(ctx, bot.JobNudge, day)
		if planned != (i <= 2) {
			t.Errorf("day -%d nudges planned %v after pruning", i, planned)
		}
		if planned, _ := db.Planned(ctx, bot.JobDigest, day); !planned {
			t.Errorf("day -%d digest pruned with the nudges", i)
		}
	}
}

func TestPlannedOnAndImportContacts(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne := mustConsultant(t, db, "Anne")
	a := mustCompany(t, db, bot.Company{Name: "Alfa", OwnerID: anne.ID, CadenceDays: 30, PlannedNext: bot.Day(days(3))})
	b := mustCompany(t, db, bot.Company{Name: "Beta", OwnerID: anne.ID, CadenceDays: 30})
	mustCompany(t, db, bot.Company{Name: "Gamma", OwnerID: anne.ID, CadenceDays: 30, PlannedNext: bot.Day(days(3)), Status: bot.StatusPaused})

	var planned []string
	db.PlannedOn(ctx, days(3), func(c bot.Company) error { planned = append(planned, c.Name); return nil })
	if len(planned) != 1 || planned[0] != "Alfa" {
		t.Errorf("planned on day 3: %v, want [Alfa] (a paused company is not nudged)", planned)
	}

	history := []bot.Contact{
		{CompanyID: b.ID, ConsultantID: anne.ID, At: days(-90), Kind: bot.KindMeeting, Note: "første møde"},
		{CompanyID: b.ID, ConsultantID: anne.ID, At: days(-10), Kind: bot.KindPhone},
		{CompanyID: a.ID, ConsultantID: anne.ID, At: days(-40), Kind: bot.KindVisit},
	}
	if err := db.ImportContacts(ctx, history); err != nil {
		t.Fatal(err)
	}
	if got := mustGetCompany(t, db, b.ID); !got.LastContact.Equal(days(-10)) || got.LastKind != bot.KindPhone || got.LastBy != anne.ID {
		t.Errorf("Beta after import: last %v %s by %d", got.LastContact, got.LastKind, got.LastBy)
	}
	if got := mustGetCompany(t, db, a.ID); !got.PlannedNext.Equal(bot.Day(days(3))) {
		t.Errorf("an imported contact ended Alfa's plan: %v", got.PlannedNext)
	}
	if cs, _ := db.Contacts(ctx, b.ID, 10); len(cs) != 2 || cs[1].Note != "første møde" {
		t.Errorf("Beta's contacts: %+v", cs)
	}
	// Imported history is not the consultant's last typed contact.
	if _, err := db.UndoContact(ctx, anne.ID, days(-365)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("undo after import: %v, want ErrNotFound", err)
	}
	// All or none: one unknown company and nothing is stored.
	bad := []bot.Contact{{CompanyID: b.ID, ConsultantID: anne.ID, At: days(-1), Kind: bot.KindVisit}, {CompanyID: 999, At: days(-1)}}
	if err := db.ImportContacts(ctx, bad); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("import with an unknown company: %v", err)
	}
	if got := mustGetCompany(t, db, b.ID); !got.LastContact.Equal(days(-10)) {
		t.Errorf("a refused import moved Beta's last contact to %v", got.LastContact)
	}
	if cs, _ := db.Contacts(ctx, b.ID, 10); len(cs) != 2 {
		t.Errorf("a refused import left %d contacts, want 2", len(cs))
	}
}

// Every field of a delivery survives the compact encoding and a reopen.
func TestDeliveryKeepsEveryField(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	day := bot.Day(fixed)
	item := bot.NudgeItem{CompanyID: 42, Name: `Ærø "Maskin" Fabrik`, Tier: bot.TierIntensified, CadenceDays: 14,
		LastContact: days(-40), LastKind: bot.KindPhone, LastBy: "Søren Ø", OverdueDays: -2, Planned: day,
		SnoozeCount: 3, Owner: "Åse", OwnerAway: bot.Day(days(7)),
		Done: fixed.Add(3 * time.Hour), DoneKind: bot.KindMail, DoneBy: "Bo Ærbø", DoneContact: 9001}
	if _, err := db.PlanDeliveries(ctx, bot.JobDigest, day, []bot.Delivery{{To: 5, Items: []bot.NudgeItem{item, {Name: "B"}}}}); err != nil {
		t.Fatal(err)
	}
	want := bot.Delivery{Kind: bot.JobDigest, Day: day, To: 5, Items: []bot.NudgeItem{item, {Name: "B"}}, Attempts: 2,
		NextTry: fixed.Add(time.Minute), LastError: "slack: 500", Delivered: fixed.Add(2 * time.Minute),
		Receipt: bot.Receipt{Channel: bot.Channel{Platform: "slack", Team: "T1", ID: "D42"}, MessageID: "1700000000.000100"},
		Heading: "Intromøde i morgen", Lines: []string{"Sted: Sorø Bibliotek", "12 kandidater, 4 virksomheder"}}
	if err := db.SaveDelivery(ctx, want); err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	got, err := db.Deliveries(ctx, bot.JobDigest, day)
	if err != nil || len(got) != 1 {
		t.Fatalf("deliveries: %d, %v", len(got), err)
	}
	assertSame(t, "delivery", got[0], want)
}

// TestNudgeWithAndUpdateNudge: a contact finds the delivered nudge that
// lists its company among the recipients it names, in their order, and
// marks it; a nudge not yet delivered is the sweep's and is left alone.
func TestNudgeWithAndUpdateNudge(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	day := bot.Day(fixed)
	ds := []bot.Delivery{
		{To: 1, Items: []bot.NudgeItem{{CompanyID: 7, Name: "Ærø Maskinfabrik"}, {CompanyID: 8, Name: "L-tek"}}},
		{To: 2, Items: []bot.NudgeItem{{CompanyID: 9, Name: "Bager & Søn"}}},
		{To: 3, Items: []bot.NudgeItem{{CompanyID: 7, Name: "Ærø Maskinfabrik"}}},
	}
	if _, err := db.PlanDeliveries(ctx, bot.JobNudge, day, ds); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.NudgeWith(ctx, day, []uint64{1, 2, 3}, 7); err != nil || ok {
		t.Fatalf("before delivery: found %v, %v", ok, err)
	}
	if _, err := db.UpdateNudge(ctx, day, 1, func(*bot.Delivery) bool { return true }); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("UpdateNudge before delivery = %v, want not found", err)
	}
	for i, d := range ds[:2] {
		d.Kind, d.Day, d.Delivered = bot.JobNudge, day, fixed
		d.Receipt = bot.Receipt{Channel: bot.Channel{Platform: "slack", ID: "D" + string(rune('1'+i))}, MessageID: "17000.000" + string(rune('1'+i))}
		if err := db.SaveDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	d, ok, err := db.NudgeWith(ctx, day, []uint64{3, 2, 1}, 7)
	if err != nil || !ok || d.To != 1 || d.Receipt.MessageID != "17000.0001" {
		t.Fatalf("NudgeWith(3, 2, 1) = #%d %v %v; want #1's, #3's not being delivered", d.To, ok, err)
	}
	if _, ok, _ := db.NudgeWith(ctx, day, []uint64{2}, 7); ok {
		t.Error("found company 7 in #2's nudge")
	}
	if _, ok, _ := db.NudgeWith(ctx, bot.AddDays(day, 1), []uint64{1}, 7); ok {
		t.Error("found company 7 in tomorrow's nudge")
	}
	got, err := db.UpdateNudge(ctx, day, 1, func(d *bot.Delivery) bool {
		d.Items[0].Done, d.Items[0].DoneBy, d.Items[0].DoneContact = fixed.Add(time.Hour), "Bo", 12
		return true
	})
	if err != nil || got.Items[0].DoneBy != "Bo" {
		t.Fatalf("UpdateNudge = %+v, %v", got, err)
	}
	unchanged, err := db.UpdateNudge(ctx, day, 1, func(d *bot.Delivery) bool { d.Items[1].DoneBy = "not stored"; return false })
	if err != nil || unchanged.Items[1].DoneBy != "not stored" {
		t.Fatalf("UpdateNudge without a change = %+v, %v", unchanged, err)
	}
	mustClose(t, db)
	db = mustOpen(t, path)
	all, err := db.Deliveries(ctx, bot.JobNudge, day)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		if d.To != 1 {
			continue
		}
		if !d.Items[0].Done.Equal(fixed.Add(time.Hour)) || d.Items[0].DoneBy != "Bo" || d.Items[0].DoneContact != 12 || d.Items[1].DoneBy != "" || d.Receipt.MessageID != "17000.0001" {
			t.Errorf("after reopening: %+v", d)
		}
	}
}
