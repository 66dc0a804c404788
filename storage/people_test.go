package storage_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

func TestEnsureConsultant(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne := bot.Identity{Platform: "slack", Team: "T01", User: "U01"}
	bo := bot.Identity{Platform: "teams", Team: "tenant", User: "bo"}
	carl := bot.Identity{Platform: "console", User: "carl"}

	// The first person ever, from Slack, is a consultant: admins are
	// named, not whoever writes first.
	first, created := mustEnsure(t, db, anne, "Anne Berg", "Jobcenter Sorø")
	if !created || first.Role != bot.RoleConsultant {
		t.Errorf("first ever: created=%v role=%s, want a created consultant", created, first.Role)
	}
	jc, err := db.JobcenterByName(ctx, "Jobcenter Sorø")
	if err != nil {
		t.Fatalf("the jobcenter was not created: %v", err)
	}
	assertSame(t, "first consultant", first, bot.Consultant{ID: first.ID, Name: "Anne Berg", JobcenterID: jc.ID,
		Role: bot.RoleConsultant, Lang: bot.Danish, Identities: []bot.Identity{anne}, Created: fixed})

	second, created := mustEnsure(t, db, bo, "Bo Holm", "jobcenter soroe")
	if !created || second.Role != bot.RoleConsultant || second.ID == first.ID {
		t.Errorf("second: #%d created=%v role=%s, want a new consultant", second.ID, created, second.Role)
	}
	if second.JobcenterID != jc.ID {
		t.Errorf("second's jobcenter = #%d, want the existing #%d (same normalized name)", second.JobcenterID, jc.ID)
	}
	// A console person is admin only on a file no one has written to.
	third, _ := mustEnsure(t, db, carl, "Carl Dam", "Jobcenter Ringsted")
	if third.Role != bot.RoleConsultant {
		t.Errorf("a console person after others wrote: role %s, want consultant", third.Role)
	}
	if third.JobcenterID == jc.ID || third.JobcenterID == 0 {
		t.Errorf("third's jobcenter = #%d, want a new one", third.JobcenterID)
	}
	if jcs, err := db.Jobcenters(ctx); err != nil || len(jcs) != 2 {
		t.Errorf("Jobcenters = %v, %v; want Sorø and Ringsted", jcs, err)
	}

	again, created := mustEnsure(t, db, anne, "Another Name", "Another Jobcenter")
	if created {
		t.Error("a known identity was created again")
	}
	assertSame(t, "known identity", again, first)
	if _, err := db.JobcenterByName(ctx, "Another Jobcenter"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a known identity created a jobcenter: %v", err)
	}
}

// TestEnsureConsultantRecordsItsJobcenter: a jobcenter that comes into
// being because a new person names it is in the audit trail, by that
// person, in the same write; one that exists already is not recorded again.
func TestEnsureConsultantRecordsItsJobcenter(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	anne, _ := mustEnsure(t, db, bot.Identity{Platform: "slack", Team: "T01", User: "U01"}, "Anne Berg", "Jobcenter Sorø")
	mustEnsure(t, db, bot.Identity{Platform: "slack", Team: "T01", User: "U02"}, "Bo Holm", "jobcenter soroe")
	page, total, err := db.AuditPage(ctx, bot.AuditFilter{}, 0, 10)
	if err != nil || total != 1 {
		t.Fatalf("the trail holds %d entries (%v): %+v; want the jobcenter's creation only", total, err, page)
	}
	want := bot.AuditEntry{ActorID: anne.ID, Actor: "Anne Berg", JobcenterID: anne.JobcenterID, PersonID: anne.ID,
		Action: bot.AuditJobcenter, Subject: "Jobcenter Sorø", Detail: "created for a new person"}
	got := page[0]
	got.Seq, got.At, got.Prev = 0, time.Time{}, ""
	if got != want {
		t.Errorf("entry = %+v, want %+v", got, want)
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n != 1 {
		t.Errorf("VerifyAudit = %d, %v", n, err)
	}
}

// TestFirstAdmin: on a fresh file the first console person becomes admin,
// also when an import registered people by name before; a Slack or Teams
// person never does, and a name-registered admin's record is not claimed
// by a platform person who merely has the same display name.
func TestFirstAdmin(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := newDB(t)
	imported, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Anne Berg", Role: bot.RoleConsultant, Lang: bot.Danish})
	if err != nil {
		t.Fatal(err)
	}
	slackAnne, _ := mustEnsure(t, db, bot.Identity{Platform: "slack", Team: "T01", User: "U01"}, "Anne Berg", "Jobcenter Sorø")
	if slackAnne.ID != imported.ID || slackAnne.Role != bot.RoleConsultant {
		t.Errorf("Slack person claiming an imported record: #%d %s, want #%d consultant", slackAnne.ID, slackAnne.Role, imported.ID)
	}
	op, _ := mustEnsure(t, db, bot.Identity{Platform: "console", User: "ole"}, "Ole", "Jobcenter Sorø")
	if op.Role != bot.RoleConsultant {
		t.Errorf("console person after a Slack person wrote: %s, want consultant", op.Role)
	}

	db2, _ := newDB(t)
	if _, err := db2.CreateConsultant(ctx, bot.Consultant{Name: "Ole", Role: bot.RoleConsultant, Lang: bot.Danish}); err != nil {
		t.Fatal(err)
	}
	op, _ = mustEnsure(t, db2, bot.Identity{Platform: "console", User: "ole"}, "Ole", "Jobcenter Sorø")
	if op.Role != bot.RoleAdmin {
		t.Errorf("first console person on an imported file: %s, want admin", op.Role)
	}
	// An admin named before writing (kontaktbot admin add) is not claimed
	// by a Slack display name: that person gets a record of their own.
	named, err := db2.CreateConsultant(ctx, bot.Consultant{Name: "Mette", Role: bot.RoleAdmin, Lang: bot.Danish})
	if err != nil {
		t.Fatal(err)
	}
	impostor, _ := mustEnsure(t, db2, bot.Identity{Platform: "slack", Team: "T01", User: "U66"}, "Mette", "Jobcenter Sorø")
	if impostor.ID == named.ID || impostor.Role == bot.RoleAdmin {
		t.Errorf("a Slack display name claimed a named admin: #%d %s", impostor.ID, impostor.Role)
	}
}

func TestEnsureConsultantKnownDoesNotWrite(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	id := bot.Identity{Platform: "console", User: "anne"}
	mustEnsure(t, db, id, "Anne", "Jobcenter Sorø")
	mustClose(t, db)

	// Open itself commits a transaction (the schema check); measure it
	// with an Open and Close that do nothing else.
	base := txID(t, path)
	mustClose(t, mustOpen(t, path))
	openOnly := txID(t, path) - base

	db = mustOpen(t, path)
	for range 3 {
		if _, created := mustEnsure(t, db, id, "Anne", "Jobcenter Sorø"); created {
			t.Fatal("a known identity was created again")
		}
	}
	mustClose(t, db)
	if writes := txID(t, path) - base - 2*openOnly; writes != 0 {
		t.Errorf("EnsureConsultant of a known identity committed %d transactions, want 0", writes)
	}
}

func TestEnsureConsultantClaimsNamedConsultant(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	mustEnsure(t, db, bot.Identity{Platform: "console", User: "admin"}, "Admin", "Jobcenter Sorø")
	hanne := mustConsultant(t, db, "Hanne Hansen")
	hannesSlack := bot.Identity{Platform: "slack", Team: "T01", User: "UHANNE"}

	claimed, created := mustEnsure(t, db, hannesSlack, "HANNE  hansen", "Jobcenter Sorø")
	if created || claimed.ID != hanne.ID {
		t.Fatalf("claim: #%d created=%v, want the named #%d, not created", claimed.ID, created, hanne.ID)
	}
	want := hanne
	want.Identities = []bot.Identity{hannesSlack}
	assertSame(t, "claimed consultant", claimed, want)
	if stored, err := db.Consultant(t.Context(), hanne.ID); err != nil {
		t.Fatal(err)
	} else {
		assertSame(t, "stored claimed consultant", stored, want)
	}
	if again, created := mustEnsure(t, db, hannesSlack, "Hanne Hansen", ""); created || again.ID != hanne.ID {
		t.Errorf("the claiming identity again: #%d created=%v, want #%d", again.ID, created, hanne.ID)
	}

	// Another person of the same name gets in under a numbered name.
	for i, wantName := range []string{"Hanne Hansen 2", "Hanne Hansen 3"} {
		other := bot.Identity{Platform: "teams", Team: "tenant", User: fmt.Sprintf("namesake%d", i)}
		c, created := mustEnsure(t, db, other, "Hanne Hansen", "Jobcenter Sorø")
		if !created || c.ID == hanne.ID || c.Name != wantName {
			t.Errorf("namesake %d: #%d %q created=%v, want a new %q", i+1, c.ID, c.Name, created, wantName)
		}
	}
	if all, err := db.Consultants(t.Context()); err != nil || len(all) != 4 {
		t.Errorf("Consultants: %d, %v; want 4", len(all), err)
	}
}

func TestEnsureConsultantFirstClaimIsAdmin(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	// An import names owners before anyone has written to the bot.
	hanne, bo := mustConsultant(t, db, "Hanne Hansen"), mustConsultant(t, db, "Bo Holm")

	c, created := mustEnsure(t, db, bot.Identity{Platform: "console", User: "bo"}, "Bo Holm", "Jobcenter Sorø")
	if created || c.ID != bo.ID || c.Role != bot.RoleAdmin {
		t.Errorf("first to write: #%d %s created=%v, want the named #%d made admin", c.ID, c.Role, created, bo.ID)
	}
	c, created = mustEnsure(t, db, bot.Identity{Platform: "console", User: "hanne"}, "Hanne Hansen", "Jobcenter Sorø")
	if created || c.ID != hanne.ID || c.Role != bot.RoleConsultant {
		t.Errorf("second to write: #%d %s created=%v, want the named #%d as consultant", c.ID, c.Role, created, hanne.ID)
	}
	c, _ = mustEnsure(t, db, bot.Identity{Platform: "console", User: "ea"}, "Ea Lund", "Jobcenter Sorø")
	if c.Role != bot.RoleConsultant {
		t.Errorf("a newcomer after the admin: role %s, want %s", c.Role, bot.RoleConsultant)
	}
}

func TestEnsureConsultantConcurrent(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	id := bot.Identity{Platform: "slack", Team: "T01", User: "U01"}
	const n = 8
	var (
		wg      sync.WaitGroup
		ids     [n]uint64
		created [n]bool
		errs    [n]error
	)
	for i := range n {
		wg.Go(func() {
			var c bot.Consultant
			c, created[i], errs[i] = db.EnsureConsultant(t.Context(), id, "Anne Berg", "Jobcenter Sorø")
			ids[i] = c.ID
		})
	}
	wg.Wait()
	nCreated := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("goroutine %d got #%d, goroutine 0 #%d", i, ids[i], ids[0])
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Errorf("%d calls reported created, want 1", nCreated)
	}
	if all, err := db.Consultants(t.Context()); err != nil || len(all) != 1 {
		t.Errorf("Consultants = %d, %v; want 1", len(all), err)
	}
	if jcs, err := db.Jobcenters(t.Context()); err != nil || len(jcs) != 1 {
		t.Errorf("Jobcenters = %d, %v; want 1", len(jcs), err)
	}
}

func TestCreateConsultantConflict(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	aase := mustConsultant(t, db, "Åse Ørsted")
	for _, name := range []string{"Åse Ørsted", "aase oersted", "ÅSE  ØRSTED."} {
		_, err := db.CreateConsultant(t.Context(), bot.Consultant{Name: name})
		assertConflict(t, err, "name", aase.ID)
	}
	if _, err := db.CreateConsultant(t.Context(), bot.Consultant{Name: " -- "}); bot.ErrorCode(err) != bot.Invalid {
		t.Errorf("a name without letters: err = %v, want code %s", err, bot.Invalid)
	}
	if all, err := db.Consultants(t.Context()); err != nil || len(all) != 1 {
		t.Errorf("Consultants = %d, %v; want only Åse", len(all), err)
	}
}

func TestUpdateConsultant(t *testing.T) {
	t.Parallel()

	t.Run("rename", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		c := mustConsultant(t, db, "Bo Holm")
		got, err := db.UpdateConsultant(ctx, c.ID, func(c *bot.Consultant) error {
			c.Name, c.Role = "Bo Holm Ærø", bot.RoleLead
			c.ID, c.Identities = 77, []bot.Identity{{Platform: "console", User: "x"}} // ignored
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := c
		want.Name, want.Role = "Bo Holm Ærø", bot.RoleLead
		assertSame(t, "renamed", got, want)
		if byName, err := db.ConsultantByName(ctx, "bo holm aeroe"); err != nil || byName.ID != c.ID {
			t.Errorf("new name: #%d, %v; want #%d", byName.ID, err, c.ID)
		}
		if _, err := db.ConsultantByName(ctx, "Bo Holm"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("old name: err = %v, want bot.ErrNotFound", err)
		}
		if _, err := db.Consultant(ctx, 77); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("fn moved the consultant to #77: %v", err)
		}
		if _, created := mustEnsure(t, db, bot.Identity{Platform: "console", User: "x"}, "X", "J"); !created {
			t.Error("fn attached an identity")
		}
	})
	t.Run("taken name", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		bo, ea := mustConsultant(t, db, "Bo Holm"), mustConsultant(t, db, "Ea Lund")
		_, err := db.UpdateConsultant(ctx, bo.ID, func(c *bot.Consultant) error { c.Name, c.Role = "EA LUND", bot.RoleAdmin; return nil })
		assertConflict(t, err, "name", ea.ID)
		assertUnchangedConsultants(t, db, bo, ea)
	})
	t.Run("fn error", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		bo := mustConsultant(t, db, "Bo Holm")
		stop := errors.New("stop")
		_, err := db.UpdateConsultant(ctx, bo.ID, func(c *bot.Consultant) error { c.Name, c.Lang = "Bo Ny", bot.English; return stop })
		if !errors.Is(err, stop) {
			t.Errorf("err = %v, want fn's error", err)
		}
		assertUnchangedConsultants(t, db, bo)
	})
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		db, _ := newDB(t)
		called := false
		_, err := db.UpdateConsultant(ctx, 999, func(*bot.Consultant) error { called = true; return nil })
		if !errors.Is(err, bot.ErrNotFound) || called {
			t.Errorf("err = %v, fn called = %v; want bot.ErrNotFound without calling fn", err, called)
		}
	})
}

// assertUnchangedConsultants checks that each consultant is stored as
// given and found by its name.
func assertUnchangedConsultants(tb testing.TB, db *storage.DB, cs ...bot.Consultant) {
	tb.Helper()
	for _, c := range cs {
		got, err := db.Consultant(tb.Context(), c.ID)
		if err != nil {
			tb.Fatal(err)
		}
		assertSame(tb, "consultant after a refused update", got, c)
		if byName, err := db.ConsultantByName(tb.Context(), c.Name); err != nil || byName.ID != c.ID {
			tb.Errorf("ConsultantByName(%q) = #%d, %v; want #%d", c.Name, byName.ID, err, c.ID)
		}
	}
}

func TestConsultantByName(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	soeren := mustConsultant(t, db, "Søren ÆRØ")
	for _, tc := range []struct {
		name  string
		found bool
	}{
		{"Søren ÆRØ", true},
		{"søren ærø", true},
		{"soeren aeroe", true},
		{"  SOEREN   Aeroe. ", true},
		{"Søren", false},
		{"soren aro", false},
		{"", false},
	} {
		c, err := db.ConsultantByName(t.Context(), tc.name)
		switch {
		case tc.found && (err != nil || c.ID != soeren.ID):
			t.Errorf("ConsultantByName(%q) = #%d, %v; want #%d", tc.name, c.ID, err, soeren.ID)
		case !tc.found && !errors.Is(err, bot.ErrNotFound):
			t.Errorf("ConsultantByName(%q) = #%d, %v; want bot.ErrNotFound", tc.name, c.ID, err)
		}
	}
}

func TestJobcenters(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	var made []bot.Jobcenter
	for _, name := range []string{"Jobcenter Vordingborg", "Jobcenter Slagelse", "Jobcenter Næstved"} {
		made = append(made, mustJobcenter(t, db, bot.Jobcenter{Name: name}))
	}
	all, err := db.Jobcenters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, "Jobcenters", all, made)
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Errorf("Jobcenters not in id order: #%d before #%d", all[i-1].ID, all[i].ID)
		}
	}

	_, err = db.CreateJobcenter(ctx, bot.Jobcenter{Name: "jobcenter naestved"})
	assertConflict(t, err, "name", made[2].ID)

	got, err := db.UpdateJobcenter(ctx, made[0].ID, func(j *bot.Jobcenter) error {
		j.Partners = append(j.Partners, made[1].ID, made[2].ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored, err := db.Jobcenter(ctx, made[0].ID); err != nil {
		t.Fatal(err)
	} else {
		assertSame(t, "jobcenter with partners", stored, got)
		assertSame(t, "partners", stored.Partners, []uint64{made[1].ID, made[2].ID})
	}

	stop := errors.New("stop")
	_, err = db.UpdateJobcenter(ctx, made[0].ID, func(j *bot.Jobcenter) error {
		j.Partners[0], j.Name = 999, "Jobcenter Andet"
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("err = %v, want fn's error", err)
	}
	if stored, err := db.Jobcenter(ctx, made[0].ID); err != nil {
		t.Fatal(err)
	} else {
		assertSame(t, "jobcenter after an aborted update", stored, got)
	}

	_, err = db.UpdateJobcenter(ctx, made[0].ID, func(j *bot.Jobcenter) error { j.Name = "Jobcenter Slagelse"; return nil })
	assertConflict(t, err, "name", made[1].ID)
	if j, err := db.JobcenterByName(ctx, "JOBCENTER VORDINGBORG"); err != nil || j.ID != made[0].ID {
		t.Errorf("after a refused rename, JobcenterByName = #%d, %v; want #%d", j.ID, err, made[0].ID)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := t.Context()
	mustConsultant(t, db, "Anne")
	mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Sorø"})
	mustCompany(t, db, bot.Company{Name: "Firma"})
	for name, get := range map[string]func() error{
		"Consultant":       func() error { _, err := db.Consultant(ctx, 999); return err },
		"Jobcenter":        func() error { _, err := db.Jobcenter(ctx, 999); return err },
		"Company":          func() error { _, err := db.Company(ctx, 999); return err },
		"CompanyByCVR":     func() error { _, err := db.CompanyByCVR(ctx, "13703701"); return err },
		"ConsultantByName": func() error { _, err := db.ConsultantByName(ctx, "Bent"); return err },
		"JobcenterByName":  func() error { _, err := db.JobcenterByName(ctx, "Jobcenter Ringsted"); return err },
		"UpdateCompany": func() error {
			_, err := db.UpdateCompany(ctx, 999, func(*bot.Company) error { return nil })
			return err
		},
		"UpdateJobcenter": func() error {
			_, err := db.UpdateJobcenter(ctx, 999, func(*bot.Jobcenter) error { return nil })
			return err
		},
		"Consultant(0)": func() error { _, err := db.Consultant(ctx, 0); return err },
	} {
		if err := get(); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%s: err = %v, want bot.ErrNotFound", name, err)
		}
	}
}
