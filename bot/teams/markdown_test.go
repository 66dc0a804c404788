package teams_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
)

// evilName is a company name that would be a link in markdown.
const evilName = "[Nulstil adgangskode](https://evil.example) ApS"

// unescaped returns the characters of set that s holds outside a
// backslash escape, as a CommonMark parser reads them.
func unescaped(s, set string) string {
	var out []rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch {
		case rs[i] == '\\':
			i++ // the next character is literal
		case strings.ContainsRune(set, rs[i]):
			out = append(out, rs[i])
		}
	}
	return string(out)
}

// literal is what a markdown renderer shows of escaped text: every
// backslash escape replaced by the character it escapes.
func literal(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) && rs[i+1] < 128 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", rs[i+1]) {
			i++
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// markdownTexts collects every string of card that Teams reads as
// markdown: TextBlock texts and facts' titles and values.
func markdownTexts(card map[string]any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			switch x["type"] {
			case "TextBlock":
				out = append(out, x["text"].(string))
			case "FactSet":
				for _, f := range x["facts"].([]any) {
					fact := f.(map[string]any)
					out = append(out, fact["title"].(string), fact["value"].(string))
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(card)
	return out
}

// TestCardEscapesUserMarkup: a company named like a markdown link shows as
// text wherever a card carries it (heading, text, bold text, fields, list,
// form, the short form of an oversized card): no bracket, parenthesis,
// emphasis mark or backtick of it is left for markdown to read, and the
// name reads as typed.
func TestCardEscapesUserMarkup(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	form := bot.VisitForm(evilName, now, bot.Danish).Refill(map[string]string{"note": "x"}, "Kunne ikke gemme "+evilName, bot.InputDate)
	form.Intro = "Om " + evilName
	huge := make([]string, 3000)
	for i := range huge {
		huge[i] = evilName + " " + strings.Repeat("x", 40)
	}
	cards := map[string]map[string]any{
		"blocks": teams.Card(bot.Message{Blocks: []bot.Block{
			bot.Heading{Text: evilName},
			bot.Text{Text: evilName},
			bot.Text{Text: "Noteret besøg hos " + evilName + " i dag"},
			bot.Fields{Fields: []bot.Field{{Label: evilName, Value: evilName}, {Label: "Note", Value: "*" + evilName + "*"}}},
			bot.List{Title: evilName, Items: []string{evilName, "# " + evilName, "1. " + evilName}},
		}}),
		"form":      teams.FormCard(form),
		"oversized": teams.Card(bot.Message{Blocks: []bot.Block{bot.Text{Text: strings.Join(huge, "\n")}}}),
	}
	for name, card := range cards {
		mustValidCard(t, card)
		texts := markdownTexts(card)
		if len(texts) == 0 {
			t.Fatalf("%s: no markdown texts", name)
		}
		var shown bool
		for _, s := range texts {
			if u := unescaped(s, "[]()`~<_"); u != "" {
				t.Errorf("%s: %q leaves %q to markdown", name, s, u)
			}
			// The only emphasis left is the bot's own "**" around a name.
			if u := unescaped(strings.ReplaceAll(s, "**"+escapedEvil+"**", ""), "*"); u != "" {
				t.Errorf("%s: %q leaves emphasis %q to markdown", name, s, u)
			}
			shown = shown || strings.Contains(literal(s), evilName)
		}
		if !shown {
			t.Errorf("%s: the name does not read as typed in any of %q", name, texts)
		}
	}
}

// escapedEvil is evilName as the card must carry it.
const escapedEvil = `\[Nulstil adgangskode\]\(https://evil.example\) ApS`

// TestCardKeepsBotFormatting: the bot's own bold and italic marks still
// format, also around a name that is escaped inside them; bold list titles
// stay bold.
func TestCardKeepsBotFormatting(t *testing.T) {
	t.Parallel()
	card := teams.Card(bot.Message{Blocks: []bot.Block{
		bot.Text{Text: "Din kode er *AB12*. Skriv _forbind AB12_."},
		bot.Text{Text: "*" + evilName + "* er 14 dage over sin kadence"},
		bot.List{Title: "Også forfaldne", Items: []string{"*Brødrene Hansen* (42 dage)"}},
	}})
	texts := markdownTexts(card)
	want := []string{
		"Din kode er **AB12**. Skriv _forbind AB12_.",
		"**" + escapedEvil + "** er 14 dage over sin kadence",
		"**Også forfaldne**\n- **Brødrene Hansen** \\(42 dage\\)",
	}
	if len(texts) != len(want) {
		t.Fatalf("texts %q, want %q", texts, want)
	}
	for i := range want {
		if texts[i] != want[i] {
			t.Errorf("text %d = %q, want %q", i, texts[i], want[i])
		}
	}
}

// TestCardEscapesMarkdown: each kind of markup a person might type comes
// out escaped, block markers only where they start a line, and ordinary
// text (hyphenated names, dates, placeholders) untouched.
func TestCardEscapesMarkdown(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"L-tek":                                  "L-tek",
		"2026-11-23 og 12.11.2026":               "2026-11-23 og 12.11.2026",
		"besøg <virksomhed> <note>":              "besøg <virksomhed> <note>",
		"3. nov: besøg":                          `3\. nov: besøg`,
		"1) punkt":                               `1\) punkt`,
		"# Overskrift":                           `\# Overskrift`,
		"> citat":                                `\> citat`,
		"- punkt\n+ punkt\n  - indrykket":        "\\- punkt\n\\+ punkt\n  \\- indrykket",
		"linje\n===":                             "linje\n\\===",
		"a # b - c + d > e = f | g":              "a # b - c + d > e = f | g",
		"a | b\n| --- | --- |":                   "a | b\n\\| --- | --- |",
		"`kode`":                                 "\\`kode\\`",
		"~~slet~~":                               `\~\~slet\~\~`,
		"<https://evil.example>":                 `\<https://evil.example>`,
		"<ond@evil.example>":                     `\<ond@evil.example>`,
		"![billede](https://evil.example/x.png)": `!\[billede\]\(https://evil.example/x.png\)`,
		"[a][b]\n\n[b]: https://evil.example":    "\\[a\\]\\[b\\]\n\n\\[b\\]: https://evil.example",
		`a\b \[`:                                 `a\\b \\\[`,
		"&lbrack;x&rbrack;(https://evil.example) &#91; &#x5B;": `\&lbrack;x\&rbrack;\(https://evil.example\) \&#91; \&#x5B;`,
		"A & B ApS, R&D; &amp":                                 `A & B ApS, R\&D; &amp`,
		"snake_case og 2*3":                                    `snake\_case og 2\*3`,
	} {
		card := teams.Card(bot.Message{Blocks: []bot.Block{bot.Fields{Fields: []bot.Field{{Label: in, Value: in}}}}})
		texts := markdownTexts(card)
		if len(texts) != 2 || texts[0] != want {
			t.Errorf("label %q = %q, want %q", in, texts, want)
		}
		if len(texts) == 2 && literal(texts[0]) != in {
			t.Errorf("label %q reads %q", in, literal(texts[0]))
		}
	}
}

// TestHandlerEscapesCompanyName: the company is added through the real
// handler and commands, and the card Teams gets carries its name escaped.
func TestHandlerEscapesCompanyName(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	if code := r.postText(t, r.good(), "company add "+evilName); code != 200 {
		t.Fatalf("status %d", code)
	}
	var card map[string]any
	if err := json.Unmarshal([]byte(r.last(t)), &card); err != nil {
		t.Fatal(err)
	}
	var shown bool
	for _, s := range markdownTexts(card) {
		if u := unescaped(s, "[]()"); u != "" {
			t.Errorf("reply %q leaves %q to markdown", s, u)
		}
		shown = shown || strings.Contains(literal(s), evilName)
	}
	if !shown {
		t.Errorf("the reply does not name the company as typed: %s", r.last(t))
	}
}

// TestCardOversizedEscapedFits: text that escaping and JSON blow up most
// (each "<a:b>" gains a backslash, and JSON writes "<" as six bytes) still
// gives a card within MaxCardBytes.
func TestCardOversizedEscapedFits(t *testing.T) {
	t.Parallel()
	card := teams.Card(bot.Message{Blocks: []bot.Block{bot.Text{Text: "[x] " + strings.Repeat("<a:>", 50000)}}})
	b := mustValidCard(t, card)
	if len(b) > teams.MaxCardBytes {
		t.Fatalf("card is %d bytes, over %d", len(b), teams.MaxCardBytes)
	}
	texts := markdownTexts(card)
	if len(texts) != 1 || unescaped(texts[0], "[]") != "" || strings.Count(texts[0], `\<a:>`) < 20 {
		t.Errorf("oversized card text: %.200q", texts)
	}
}

// FuzzEscape: whatever a person types reads as typed, with no markup
// character left for markdown to read.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{evilName, "# a\n1. b\n- c", "<https://x>", "&lbrack;", `\[`, "*a* _b_ `c` ~d~", "1.", "|a|\n|-|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		in = strings.TrimSpace(in)
		if !utf8.ValidString(in) || in == "" {
			return
		}
		texts := markdownTexts(teams.Card(bot.Message{Blocks: []bot.Block{bot.Fields{Fields: []bot.Field{{Label: in, Value: "x"}}}}}))
		if len(texts) != 2 {
			t.Fatalf("texts %q", texts)
		}
		if got := literal(texts[0]); got != in {
			t.Errorf("%q reads %q (escaped %q)", in, got, texts[0])
		}
		if u := unescaped(texts[0], "[]()`~*_"); u != "" {
			t.Errorf("%q leaves %q to markdown (escaped %q)", in, u, texts[0])
		}
	})
}
