package commands_test

import (
	"context"
	"strings"
	"testing"

	"kontaktbot/bot"
)

// FuzzVisitLine holds the promise of the command language for the line
// consultants type most: a refused visit stores nothing, and an accepted
// one stores exactly one contact whose every field the reply names (the
// kind, the day with its weekday, the note, the follow-up), so a "✅ Gemt"
// never hides a date read as a note or a note read as a date.
func FuzzVisitLine(f *testing.F) {
	for _, s := range []string{
		"mødte Lars om to svejsere", "3. december telefon fulgte op", "i går telefon talte med Claus", "d. 1/12 mail tilbud",
		"31/11 telefon", "sidste fredag ringede", "last monday phone talked", "uge 48 besøg", "2-3 svejsere", "december var travl",
		"mødte Claus opfølgning uge 50", "mødte Claus opfølgning 10. december", "mødte Claus opfølgning mandag", "aftalte opfølgning med Lars",
		"telefon i går aftalte", "for 2 uger siden møde om lærlinge", "mødte Claus opfølgning 10/12 om kontrakten", "man mangler svejsere",
	} {
		f.Add(s)
	}
	b := newBot(f)
	b.clock.now = friday4Dec
	b.ok("Hanne", "company add L-tek kadence 30")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, tail string) {
		tb := *b
		tb.t = t
		co := tb.company("L-tek")
		before, err := tb.db.Contacts(ctx, co.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		tb.clock.Add(1e9) // one second: each contact has a logged time of its own
		m := tb.say("Hanne", "visit L-tek "+tail)
		after, err := tb.db.Contacts(ctx, co.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		text := m.PlainText()
		if m.Error {
			if len(after) != len(before) {
				t.Fatalf("%q was refused (%s) but stored a contact", tail, text)
			}
			return
		}
		if len(after) != len(before)+1 {
			t.Fatalf("%q was accepted (%s) but stored %d contacts", tail, text, len(after)-len(before))
		}
		ct := after[0]
		for _, c := range after {
			if c.Logged.After(ct.Logged) {
				ct = c
			}
		}
		wants := []string{ct.Kind.Label(bot.Danish), bot.FormatDay(ct.At, bot.Danish), "»" + clipped(ct.Note) + "«"}
		if !ct.FollowUp.IsZero() {
			wants = append(wants, "Opfølgning: "+bot.FormatDay(ct.FollowUp, bot.Danish))
		}
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Fatalf("%q stored %+v but the reply does not name %q:\n%s", tail, ct, w, text)
			}
		}
		if ct.At.After(tb.clock.Now()) || strings.TrimSpace(ct.Note) == "" {
			t.Fatalf("%q stored a contact in the future or without a note: %+v", tail, ct)
		}
		// Undo it, so the store stays small and each run reads little.
		if m := tb.say("Hanne", "fortryd"); m.Error {
			t.Fatalf("undo after %q: %s", tail, m.PlainText())
		}
	})
}

// clipped is the note as a reply echoes it.
func clipped(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
