package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"kontaktbot/bot"
)

var (
	slackHanne = bot.Identity{Platform: "slack", Team: "T1", User: "U1"}
	teamsHanne = bot.Identity{Platform: "teams", Team: "tenant-1", User: "aad-1"}
)

// TestLinkConsultants: the empty record of a person (met again in Teams)
// joins the one with their work, whichever of the two asked; the result
// persists and the empty record, its identity index and its name are gone.
func TestLinkConsultants(t *testing.T) {
	t.Parallel()
	for _, teamsAsks := range []bool{false, true} {
		ctx := context.Background()
		db, path := newDB(t)
		old, _ := mustEnsure(t, db, slackHanne, "Hanne Jensen", "Jobcenter Odense")
		co := mustCompany(t, db, bot.Company{Name: "Ærø Maskinfabrik", OwnerID: old.ID, CadenceDays: 30})
		mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: old.ID, At: fixed, Kind: bot.KindVisit, Note: "mødte Lars"})
		fresh, created := mustEnsure(t, db, teamsHanne, "Hanne Jensen", "Jobcenter Svendborg")
		if !created || fresh.ID == old.ID || fresh.Name == old.Name {
			t.Fatalf("the Teams identity made %+v (created %v), want a second record", fresh, created)
		}
		a, b := old.ID, fresh.ID
		if teamsAsks {
			a, b = b, a
		}
		got, err := db.LinkConsultants(ctx, a, b)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != old.ID || got.Name != "Hanne Jensen" || !slices.Equal(got.Identities, []bot.Identity{slackHanne, teamsHanne}) {
			t.Fatalf("linked: %+v", got)
		}
		mustClose(t, db)
		db = mustOpen(t, path) // persisted, and the memory rebuilt from the file agrees
		for _, id := range []bot.Identity{slackHanne, teamsHanne} {
			if c, err := db.ConsultantByIdentity(ctx, id); err != nil || c.ID != old.ID {
				t.Errorf("%v: %+v %v", id, c, err)
			}
		}
		if _, err := db.Consultant(ctx, fresh.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("the empty record is still there: %v", err)
		}
		if _, err := db.ConsultantByName(ctx, fresh.Name); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("its name %q is still taken: %v", fresh.Name, err)
		}
		if all, _ := db.Consultants(ctx); len(all) != 1 {
			t.Errorf("%d consultants, want 1", len(all))
		}
	}
}

// TestLinkConsultantsRefusesTwoWithWork: when both records have work,
// nothing changes.
func TestLinkConsultantsRefusesTwoWithWork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	a, _ := mustEnsure(t, db, slackHanne, "Hanne Jensen", "Jobcenter Odense")
	b, _ := mustEnsure(t, db, teamsHanne, "Hanne J", "Jobcenter Odense")
	mustCompany(t, db, bot.Company{Name: "L-tek", OwnerID: a.ID, CadenceDays: 30})
	mustCompany(t, db, bot.Company{Name: "Sorø Tømrer", OwnerID: b.ID, CadenceDays: 30})
	if _, err := db.LinkConsultants(ctx, a.ID, b.ID); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	if c, err := db.ConsultantByIdentity(ctx, teamsHanne); err != nil || c.ID != b.ID {
		t.Fatalf("after a refused link: %+v %v", c, err)
	}
	if _, err := db.LinkConsultants(ctx, a.ID, 999); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

// TestLinkConsultantsKeepsTheHigherRole and counts a stand-in as work.
func TestLinkConsultantsKeepsTheHigherRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	admin, _ := mustEnsure(t, db, teamsHanne, "Hanne Jensen", "Jobcenter Odense")
	admin, err := db.UpdateConsultant(ctx, admin.ID, func(c *bot.Consultant) error { c.Role = bot.RoleAdmin; return nil })
	if err != nil {
		t.Fatal(err)
	}
	worker, _ := mustEnsure(t, db, slackHanne, "Hanne Slack", "Jobcenter Odense")
	mustCompany(t, db, bot.Company{Name: "L-tek", OwnerID: worker.ID, CadenceDays: 30})
	got, err := db.LinkConsultants(ctx, admin.ID, worker.ID)
	if err != nil || got.ID != worker.ID || got.Role != bot.RoleAdmin {
		t.Fatalf("linked %+v %v, want the worker's record with the admin role", got, err)
	}
	// A record someone has as their stand-in is not empty.
	other, _ := mustEnsure(t, db, bot.Identity{Platform: "slack", Team: "T1", User: "U9"}, "Lars", "Jobcenter Odense")
	standIn, _ := mustEnsure(t, db, bot.Identity{Platform: "teams", Team: "tenant-1", User: "aad-9"}, "Lars T", "Jobcenter Odense")
	if _, err := db.UpdateConsultant(ctx, got.ID, func(c *bot.Consultant) error { c.StandInID = standIn.ID; return nil }); err != nil {
		t.Fatal(err)
	}
	mustCompany(t, db, bot.Company{Name: "Brødrene Hansen", OwnerID: other.ID, CadenceDays: 30})
	if _, err := db.LinkConsultants(ctx, other.ID, standIn.ID); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("a stand-in record was dropped: %v", err)
	}
}
