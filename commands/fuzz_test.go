package commands_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"kontaktbot/bot"
)

// FuzzParseLine sends arbitrary lines through the whole command path into a
// real database: no line may panic, every reply says something, and a line
// holding a CPR number is refused without echoing it.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		"visit L-tek mødte Lars om to svejsere", "visit ærø i går telefon talte med Claus", "company add Firma cvr 12345674 kadence 14 ejer Hanne",
		"company L-tek", "company list forfaldne", "mine", "undo", "hjælp visit", "rolle Hanne leder", "jobcenter partner Sorø og Slagelse",
		"visit L-tek 20/11 mail opfølgning 01.12.2026", "company alias L-tek = LT", "company rename L-tek = Ltek", "sprog en", "/visit", "",
		"visit L-tek mødte 010190-1234",
		"virksomhed cvr L-tek 12 34 56 82", "virksomhed område L-tek = Sorø", "kontakt ret L-tek 1 i går telefon ny note", "kontakt slet L-tek 1",
		"stilling ret 1 antal 2 frist ingen", "stilling genåbn 1 1", "stilling fortryd 1", "virksomhed slet Ærø Maskinfabrik bekræft",
		"virksomhed flet L-tek = Ærø Maskinfabrik bekræft", "kandidat KS-14",
	} {
		f.Add(s)
	}
	b := newBot(f)
	b.ok("Hanne", "company add L-tek cvr 12345674")
	b.ok("Hanne", "company add Ærø Maskinfabrik")
	f.Fuzz(func(t *testing.T, line string) {
		tb := *b
		tb.t = t // f.Helper may not be called inside the fuzz target
		m := tb.say("Hanne", line)
		text := m.PlainText()
		if strings.TrimSpace(text) == "" {
			t.Fatalf("%q: empty reply", line)
		}
		if utf8.ValidString(line) && bot.ContainsCPR(line) && !m.Error {
			t.Fatalf("%q: a CPR number was accepted", line)
		}
		if bot.ContainsCPR(line) && bot.ContainsCPR(text) {
			t.Fatalf("%q: the reply echoes a CPR number: %s", line, text)
		}
	})
}
