package commands_test

import (
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
)

// TestNudgeKeepsUp: a contact logged for a company in this morning's
// nudge marks its line done in the very message the consultant got, by a
// typed visit, the visit form, or a colleague; undoing the contact opens
// the line again; a contact with a company the nudge does not list
// changes nothing. The marks survive in the outbox, so a second contact
// later that day keeps the first one's line done.
func TestNudgeKeepsUp(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	b := newBot(t, withNotifier(rec))
	b.ok("Hanne", "virksomhed opret Ærø Maskinfabrik kadence 14")
	b.ok("Hanne", "virksomhed opret Bager & Søn kadence 14")
	b.ok("Hanne", "virksomhed opret Dalum Papir kadence 14")
	b.ok("Iben", "hjælp")
	// Three weeks later, a Monday morning: all three are overdue.
	monday := time.Date(2026, 12, 14, 7, 0, 0, 0, bot.Copenhagen)
	b.clock.Add(monday.Sub(b.clock.Now()))
	b.ok("Hanne", "virksomhed opret Nyt Firma kadence 14") // not due: not in the nudge
	sw := reminders.NewSweeper(reminders.Config{Portfolio: b.db, People: b.db, Outbox: b.db, Notifier: rec, Clock: b.clock})
	if _, err := sw.Sweep(t.Context(), monday); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	if len(rec.dms) != 1 || !strings.Contains(rec.dms[0].msg.PlainText(), "3 virksomheder venter") {
		t.Fatalf("nudges sent: %+v", rec.dms)
	}
	receipt := rec.dms[0].r
	rec.mu.Unlock()
	last := func(n int) string {
		t.Helper()
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if len(rec.updates) != n {
			t.Fatalf("%d updates of the nudge, want %d", len(rec.updates), n)
		}
		u := rec.updates[n-1]
		if u.r != receipt {
			t.Fatalf("updated %+v, want the nudge %+v", u.r, receipt)
		}
		return u.msg.PlainText()
	}

	b.clock.Add(3*time.Hour + 42*time.Minute) // 10:42
	b.ok("Hanne", "besøg Ærø Maskinfabrik mødte Lars om to svejsere")
	got := last(1)
	contains(t, got, "3 virksomheder venter på kontakt (1 klaret)", "✅ *Ærø Maskinfabrik* — kontakt noteret 14.12.2026 10:42 (besøg, Hanne)")
	lacks(t, got, "  • *Ærø Maskinfabrik* —")
	contains(t, got, "*Bager & Søn* — ")

	// Undo opens the line again.
	b.ok("Hanne", "fortryd")
	got = last(2)
	lacks(t, got, "✅", "klaret")
	contains(t, got, "  • *Ærø Maskinfabrik* — ")

	// A company the nudge does not list: nothing to update, nor when
	// that contact is undone.
	b.ok("Hanne", "besøg Nyt Firma ringede")
	b.ok("Hanne", "fortryd")
	last(2)

	// Through the visit form, as the nudge's own button opens it.
	b.ok("Hanne", "besøg Ærø Maskinfabrik telefon fulgte op")
	m := b.svc.Handle(t.Context(), bot.Request{From: bot.Identity{Platform: "console", User: bot.NormalizeName("Hanne")}, Name: "Hanne",
		Submit: &bot.Submission{Form: bot.FormVisit, Subject: "Bager & Søn", Values: map[string]string{"date": "2026-12-14", "kind": "mail", "note": "sendte tilbud"}}})
	if m.Error {
		t.Fatal(m.PlainText())
	}
	got = last(4)
	contains(t, got, "(2 klaret)", "✅ *Ærø Maskinfabrik* — kontakt noteret 14.12.2026 10:42 (telefon, Hanne)", "✅ *Bager & Søn* — kontakt noteret 14.12.2026 10:42 (mail, Hanne)")

	// A colleague's contact marks it too, with their name.
	b.clock.Add(time.Hour)
	b.ok("Iben", "besøg Dalum Papir kom forbi")
	got = last(5)
	contains(t, got, "Godt klaret: alle 3 virksomheder i dagens påmindelse har fået kontakt", "✅ *Dalum Papir* — kontakt noteret 14.12.2026 11:42 (besøg, Iben)")

	// A second contact the same day leaves the line as the first left it.
	b.ok("Hanne", "besøg Dalum Papir ringede igen")
	last(5)

	// The next day's contacts touch nothing of Monday's nudge.
	b.clock.Add(24 * time.Hour)
	b.ok("Hanne", "besøg Bager & Søn igen")
	last(5)
}

// TestNudgeKeepsUpWhenThePlatformFails: a failing update is logged; the
// contact is saved and confirmed all the same.
func TestNudgeKeepsUpWhenThePlatformFails(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	b := newBot(t, withNotifier(rec))
	b.ok("Hanne", "virksomhed opret Ærø Maskinfabrik kadence 14")
	monday := time.Date(2026, 12, 14, 7, 0, 0, 0, bot.Copenhagen)
	b.clock.Add(monday.Sub(b.clock.Now()))
	sw := reminders.NewSweeper(reminders.Config{Portfolio: b.db, People: b.db, Outbox: b.db, Notifier: rec, Clock: b.clock})
	if _, err := sw.Sweep(t.Context(), monday); err != nil {
		t.Fatal(err)
	}
	rec.set(func(r *recorder) { r.fail = true })
	contains(t, b.ok("Hanne", "besøg Ærø Maskinfabrik mødte Lars"), "✅ Gemt")
	if got := len(b.contacts("Ærø Maskinfabrik")); got != 1 {
		t.Errorf("%d contacts stored, want 1", got)
	}
	rec.set(func(r *recorder) { r.fail, r.panics = false, true })
	contains(t, b.ok("Hanne", "besøg Ærø Maskinfabrik ringede"), "✅ Gemt")
}
