package commands_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

func TestPositionEditReopenUndo(t *testing.T) {
	t.Parallel()
	b, rec := region(t)
	contains(t, b.ok("Hanne", "stilling L-tek Svejser antal 2 frist 10/12"), "Stilling #1 oprettet")
	posts := len(rec.sentPosts())
	if posts != 2 {
		t.Fatalf("%d announcements, want 2 (Sorø and Slagelse)", posts)
	}

	// Edit: only what is written changes; the posts follow in place.
	contains(t, b.ok("Hanne", "stilling ret 1 Svejser og smed antal 3 frist ingen krav svejsecertifikat"),
		"Rettet: stilling #1 Svejser og smed hos L-tek, antal 3", "krav »svejsecertifikat«")
	p := b.pos(1)
	if p.Title != "Svejser og smed" || p.Count != 3 || !p.Deadline.IsZero() || p.Requirements != "svejsecertifikat" || p.Type != "ordinær" {
		t.Errorf("after the edit: %+v", p)
	}
	if last := p.History[len(p.History)-1]; last.What != "rettet titel antal frist krav" {
		t.Errorf("history: %q", last.What)
	}
	ups := rec.sentUpdates()
	if len(ups) != 2 || !strings.Contains(ups[0].msg.PlainText(), "Svejser og smed") {
		t.Errorf("updates after the edit: %d", len(ups))
	}
	if len(rec.sentPosts()) != posts {
		t.Error("the edit posted anew instead of updating")
	}
	contains(t, b.ok("Hanne", "stilling ret 1 antal 3"), "allerede sådan")
	contains(t, b.refused("Hanne", "stilling ret 1"), "Skriv, hvad der skal rettes")
	contains(t, b.refused("Hanne", "stilling ret 1 type vikar"), "Typen »vikar«")
	contains(t, b.refused("Rita", "stilling ret 1 antal 4"), "Kun")
	contains(t, b.refused("Hanne", "stilling ret 9 antal 4"), "ingen stilling #9")

	// Fill 2, undo it within 10 minutes; not someone else's, not twice.
	contains(t, b.ok("Hanne", "stilling besat 1 2"), "2/3 besat", "stilling fortryd 1")
	contains(t, b.refused("Lis", "stilling fortryd 1"), "intet »besat« at fortryde")
	b.clock.Add(5 * time.Minute)
	contains(t, b.ok("Hanne", "stilling fortryd 1"), "Fortrudt", "åben igen, 0/3 besat")
	contains(t, b.refused("Hanne", "stilling fortryd 1"), "intet »besat«")
	b.ok("Hanne", "stilling besat 1")
	if p := b.pos(1); p.Status != bot.PositionFilled || p.Filled != 3 {
		t.Fatalf("after filling all: %+v", p)
	}
	b.clock.Add(11 * time.Minute)
	contains(t, b.refused("Hanne", "stilling fortryd 1"), "10 minutter")
	contains(t, b.refused("Hanne", "stilling ret 1 antal 4"), "besat og kan ikke ændres")

	// Reopen a filled position: one place by default, or a count.
	contains(t, b.refused("Hanne", "stilling genåbn 1 antal 4"), "kun 3 besat")
	contains(t, b.ok("Hanne", "stilling genåbn 1"), "Genåbnet", "antal 3 (2/3 besat)", "åben")
	contains(t, b.refused("Hanne", "stilling genåbn 1"), "allerede åben")
	b.ok("Hanne", "stilling luk 1")
	contains(t, b.refused("Hanne", "stilling genåbn 1 antal 1"), "ikke besat")
	contains(t, b.ok("Hanne", "stilling genåbn 1"), "antal 3 (2/3 besat)")

	// An expired position needs a new deadline.
	b.ok("Hanne", "stilling Danfoss Lagermedarbejder frist 24/11")
	b.clock.Add(3 * 24 * time.Hour)
	if n, err := b.svc.ExpirePositions(context.Background(), b.clock.Now()); err != nil || n != 1 {
		t.Fatalf("expired %d, %v", n, err)
	}
	contains(t, b.refused("Hanne", "stilling genåbn 2"), "Fristen", "er gået")
	contains(t, b.ok("Hanne", "stilling genåbn 2 frist 15/12"), "frist tirsdag 15.12.2026")
	// A reopened title that another open position now has is refused.
	b.ok("Hanne", "stilling luk 2")
	b.ok("Hanne", "stilling Danfoss Lagermedarbejder")
	contains(t, b.refused("Hanne", "stilling genåbn 2"), "allerede slået op som stilling #3")

	got := b.ok("Hanne", "stilling 1")
	contains(t, got, "rettet titel antal frist krav", "fortrudt besat 2 (0/3)", "genåbnet 1 (2/3)")
	b.ok("Hanne", "sprog en")
	contains(t, b.ok("Hanne", "position 1"), "edited title count deadline requirements", "undone filled 2 (0/3)", "reopened 1 (2/3)")

	// Reopening the file gives the same, open index included: the open
	// Lagermedarbejder is #3, so a new one is refused naming it.
	ltek, danfoss := b.company("L-tek").ID, b.company("Danfoss").ID
	db := b.reopened()
	ps, err := db.PositionsOf(context.Background(), ltek)
	if err != nil || len(ps) != 1 || ps[0].Status != bot.PositionOpen || ps[0].Filled != 2 {
		t.Errorf("L-tek's positions after reopening: %+v, %v", ps, err)
	}
	_, err = db.CreatePosition(context.Background(), bot.Position{CompanyID: danfoss, Title: "Lagermedarbejder", Count: 1})
	var ce *bot.ConflictError
	if !errors.As(err, &ce) || ce.ID != 3 {
		t.Errorf("a second open Lagermedarbejder after reopening: %v, want a conflict with #3", err)
	}
}
