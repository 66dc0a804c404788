package teams_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
)

// cardSchemaPath is the Adaptive Card 1.5 schema, beside the checkout.
const cardSchemaPath = "../../../shared/schemas/adaptive-card-1.5.0.json"

var (
	cardSchemaOnce sync.Once
	cardSchemaVal  *jsonschema.Schema
	cardSchemaErr  error
)

// cardSchema compiles the Adaptive Card schema once, or skips when the
// shared folder is absent (a bare clone; CI always has it).
func cardSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	if _, err := os.Stat(cardSchemaPath); os.IsNotExist(err) {
		tb.Skip("../shared/schemas is absent: cards are checked against the Adaptive Card 1.5 schema in CI")
	}
	cardSchemaOnce.Do(func() {
		f, err := os.Open(cardSchemaPath)
		if err != nil {
			cardSchemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			cardSchemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if cardSchemaErr = c.AddResource("adaptive-card.json", doc); cardSchemaErr != nil {
			return
		}
		cardSchemaVal, cardSchemaErr = c.Compile("adaptive-card.json")
	})
	if cardSchemaErr != nil {
		tb.Fatal(cardSchemaErr)
	}
	return cardSchemaVal
}

// mustValidCard fails unless card, as JSON, validates against the schema
// and fits in a Teams activity.
func mustValidCard(tb testing.TB, card map[string]any) []byte {
	tb.Helper()
	b, err := json.Marshal(card)
	if err != nil {
		tb.Fatal(err)
	}
	if len(b) > teams.MaxCardBytes {
		tb.Fatalf("card is %d bytes, over %d", len(b), teams.MaxCardBytes)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	if err := cardSchema(tb).Validate(doc); err != nil {
		tb.Fatalf("card does not validate: %v\n%s", err, b)
	}
	return b
}

func nudge() bot.Message {
	return bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: "God morgen! 2 virksomheder venter"},
		bot.Text{Text: "*L-tek* er _14 dage_ over sin kadence"},
		bot.Fields{Fields: []bot.Field{{Label: "Sidste kontakt", Value: "3. nov"}, {Label: "Kadence", Value: "30 dage"}}},
		bot.Divider{},
		bot.List{Title: "Også forfaldne", Items: []string{"Brødrene Hansen", "Sorø Tømrer"}},
		bot.Buttons{Buttons: []bot.Button{
			{Label: "Noter kontakt: L-tek", Command: "visit L-tek", Primary: true},
			{Label: "Udsæt 1 uge", Command: "snooze L-tek 1w"},
			{Label: "Planlæg", Command: "plan L-tek"},
		}},
	}}
}

func TestCardNudge(t *testing.T) {
	t.Parallel()
	card := teams.Card(nudge())
	b := mustValidCard(t, card)
	for _, want := range []string{
		`"version":"1.5"`, `"type":"AdaptiveCard"`, `"**L-tek** er _14 dage_ over sin kadence"`,
		`"type":"FactSet"`, `"separator":true`, `\n- Brødrene Hansen`,
		`"data":{"command":"snooze L-tek 1w","kontaktbot":"command"}`, `"type":"Action.Submit"`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("card lacks %s:\n%s", want, b)
		}
	}
}

// TestCardNoAccidentalLists: a line that starts like "3. nov" is text,
// not an ordered list from 3, in Teams' markdown; a date inside a line
// is left alone.
func TestCardNoAccidentalLists(t *testing.T) {
	t.Parallel()
	b := mustValidCard(t, teams.Card(bot.Message{Blocks: []bot.Block{
		bot.Fields{Fields: []bot.Field{{Label: "Seneste", Value: "3. nov: besøg\n12.11.2026 telefon"}}},
		bot.Text{Text: "Kontakt senest 22. december"},
	}}))
	for _, want := range []string{`3\\. nov: besøg`, `12.11.2026 telefon`, `senest 22. december`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("card lacks %s:\n%s", want, b)
		}
	}
}

func TestCardLongListSummarised(t *testing.T) {
	t.Parallel()
	items := make([]string, 5000)
	for i := range items {
		items[i] = strings.Repeat("virksomhed ", 8)
	}
	b := mustValidCard(t, teams.Card(bot.Message{Blocks: []bot.Block{bot.List{Items: items}}}))
	if !strings.Contains(string(b), "(+") {
		t.Errorf("long list not summarised:\n%.300s", b)
	}
}

func TestCardEdgeCases(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("æøå *x* _y_ ", 20000)
	for name, msg := range map[string]bot.Message{
		"empty":          {},
		"blank blocks":   {Blocks: []bot.Block{bot.Heading{}, bot.Text{Text: "  "}, bot.Fields{}, bot.List{}, bot.Buttons{}, bot.Divider{}}},
		"huge text":      {Blocks: []bot.Block{bot.Text{Text: huge}}},
		"huge field":     {Blocks: []bot.Block{bot.Fields{Fields: []bot.Field{{Label: huge, Value: huge}}}}},
		"marks":          {Blocks: []bot.Block{bot.Text{Text: "* *a * b* *** _ __ \\ \" <at>x</at>"}}},
		"many buttons":   {Blocks: []bot.Block{bot.Buttons{Buttons: make([]bot.Button, 40)}}},
		"long label":     {Blocks: []bot.Block{bot.Buttons{Buttons: []bot.Button{{Label: huge[:300], Command: "help"}}}}},
		"verbatim":       {Blocks: []bot.Block{bot.Verbatim{Text: "Dato: 22.11.2026\n\nNote: <b>&amp; *x* _y_ [l](http://x) ```\n"}}},
		"huge verbatim":  {Blocks: []bot.Block{bot.Verbatim{Text: strings.Repeat("Note: æøå *x*\n", 5000)}}},
		"blank verbatim": {Blocks: []bot.Block{bot.Verbatim{Text: ""}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mustValidCard(t, teams.Card(msg))
		})
	}
}

// TestCardFuzzed validates cards for many random messages: every card the
// renderer can produce must be one Teams accepts.
func TestCardFuzzed(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", " ", "*", "_", "L-tek", "æøå", "\n", "**", "<at>bot</at>", "\"", "\\", "visit", "1.", "- ", "#", strings.Repeat("x", 3000)}
	text := func() string {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	for range 300 {
		var msg bot.Message
		for range r.IntN(12) {
			switch r.IntN(6) {
			case 0:
				msg.Blocks = append(msg.Blocks, bot.Heading{Text: text()})
			case 1:
				msg.Blocks = append(msg.Blocks, bot.Text{Text: text()})
			case 2:
				msg.Blocks = append(msg.Blocks, bot.Fields{Fields: []bot.Field{{Label: text(), Value: text()}, {Label: text()}}})
			case 3:
				msg.Blocks = append(msg.Blocks, bot.List{Title: text(), Items: []string{text(), text(), text()}})
			case 4:
				msg.Blocks = append(msg.Blocks, bot.Buttons{Buttons: []bot.Button{{Label: text(), Command: text(), Primary: r.IntN(2) == 0}}})
			default:
				msg.Blocks = append(msg.Blocks, bot.Divider{})
			}
		}
		mustValidCard(t, teams.Card(msg))
	}
}

func TestCardForms(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on 23 November is already the 24th in Copenhagen.
	now := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	visit := mustValidCard(t, teams.Card(bot.Message{Form: ptr(bot.VisitForm("L-tek", now, bot.Danish))}))
	for _, want := range []string{`"id":"date"`, `"value":"2026-11-24"`, `"max":"2026-11-24"`, `"id":"kind"`, `"value":"visit"`,
		`"id":"note"`, `"isMultiline":true`, `"isRequired":true`, `"subject":"L-tek"`, `"kontaktbot":"form"`, `"form":"visit"`, "Noter kontakt: L-tek"} {
		if !strings.Contains(string(visit), want) {
			t.Errorf("visit form lacks %s:\n%s", want, visit)
		}
	}
	back := bot.VisitForm("L-tek", now, bot.Danish).Refill(map[string]string{"date": "2027-01-01", "kind": "phone", "note": "mødte Lars"},
		"Datoen ligger i fremtiden", bot.InputDate)
	backCard := mustValidCard(t, teams.FormCard(back))
	for _, want := range []string{`"color":"attention"`, "Datoen ligger i fremtiden", `"value":"2027-01-01"`, `"value":"phone"`, `"value":"mødte Lars"`} {
		if !strings.Contains(string(backCard), want) {
			t.Errorf("returned form lacks %s:\n%s", want, backCard)
		}
	}
	plan := mustValidCard(t, teams.FormCard(bot.PlanForm("L-tek", now, bot.English)))
	for _, want := range []string{`"type":"Input.Date"`, `"min":"2026-11-24"`, `"form":"plan"`, "Plan contact: L-tek", "waits until that day"} {
		if !strings.Contains(string(plan), want) {
			t.Errorf("plan form lacks %s:\n%s", want, plan)
		}
	}
	// A button that names its form asks for it when clicked.
	card := mustValidCard(t, teams.Card(bot.Message{Blocks: []bot.Block{bot.Buttons{Buttons: []bot.Button{
		{Label: "Planlæg", Command: "planlæg L-tek", Form: &bot.FormRef{Kind: bot.FormPlan, Subject: "L-tek"}}}}}}))
	if !strings.Contains(string(card), `"data":{"form":"plan","kontaktbot":"open","subject":"L-tek"}`) {
		t.Errorf("form button: %s", card)
	}
}

func ptr[T any](v T) *T { return &v }

// TestCardSchemaBites proves the schema check can fail, so the tests above
// that pass through it mean something.
func TestCardSchemaBites(t *testing.T) {
	t.Parallel()
	s := cardSchema(t)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","wrap":"yes"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Validate(doc) == nil {
		t.Fatal("a TextBlock without text and with wrap \"yes\" validated")
	}
}

// A Verbatim block is one fixed-width TextBlock a line, each escaped, so
// that what people typed shows as typed and the lines stay lines.
func TestCardVerbatim(t *testing.T) {
	t.Parallel()
	card := teams.Card(bot.Message{Blocks: []bot.Block{bot.Heading{Text: "Journal"}, bot.Verbatim{Text: "Dato: 22.11.2026\n\nNote: *tilbud* [x](y)"}}})
	b := mustValidCard(t, card)
	var got struct {
		Body []struct {
			Type  string `json:"type"`
			Items []struct {
				Text     string `json:"text"`
				FontType string `json:"fontType"`
			} `json:"items"`
		} `json:"body"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	c := got.Body[len(got.Body)-1]
	if c.Type != "Container" || len(c.Items) != 3 {
		t.Fatalf("verbatim rendered as %s", b)
	}
	for i, want := range []string{"Dato: 22.11.2026", "\u00a0", `Note: \*tilbud\* \[x\]\(y\)`} {
		if c.Items[i].Text != want || c.Items[i].FontType != "Monospace" {
			t.Errorf("line %d = %q (%s), want %q in Monospace", i, c.Items[i].Text, c.Items[i].FontType, want)
		}
	}
}

// TestCardRows: each line of a nudge carries its own actions right under
// it, the primary one shown and the rest in the line's "…" menu; a done
// line has none; the card holds to Adaptive Cards 1.5, and a nudge of the
// most companies a nudge lists (40) stays within Teams' size.
func TestCardRows(t *testing.T) {
	t.Parallel()
	row := func(name string) bot.Row {
		return bot.Row{Text: "*" + name + "* — 3 dage over; kadence 30 dage; sidste kontakt 03.11.2026 (32 dage siden, besøg ved Hanne)", Actions: []bot.Button{
			{Label: "Noter kontakt", Command: "besøg " + name, Primary: true, Form: &bot.FormRef{Kind: bot.FormVisit, Subject: name}},
			{Label: "Udsæt 1 uge", Command: "udsæt " + name + " 1u"},
			{Label: "Planlæg", Command: "planlæg " + name, Form: &bot.FormRef{Kind: bot.FormPlan, Subject: name}},
			{Label: "Vis kort", Command: "virksomhed " + name}}}
	}
	msg := bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: "God morgen! 2 virksomheder venter på kontakt (1 klaret)"},
		bot.Rows{Rows: []bot.Row{row("L-tek"), {Text: "✅ *Ærø Smedie* — kontakt noteret 05.12.2026 10:42 (besøg, Bo)"}}},
		bot.Rows{Title: "Planlagt i dag", Rows: []bot.Row{row("Bager & Søn")}},
	}}
	b := mustValidCard(t, teams.Card(msg))
	var card struct {
		Body []map[string]any `json:"body"`
	}
	if err := json.Unmarshal(b, &card); err != nil {
		t.Fatal(err)
	}
	if len(card.Body) != 5 {
		t.Fatalf("body of %d elements, want heading, 2 lines, title, line:\n%s", len(card.Body), b)
	}
	first, _ := json.Marshal(card.Body[1])
	for _, want := range []string{`"type":"Container"`, `"text":"- **L-tek** — 3 dage over`, `"type":"ActionSet"`,
		`{"data":{"form":"visit","kontaktbot":"open","subject":"L-tek"},"style":"positive","title":"Noter kontakt","type":"Action.Submit"}`,
		`{"data":{"command":"udsæt L-tek 1u","kontaktbot":"command"},"mode":"secondary","title":"Udsæt 1 uge","type":"Action.Submit"}`,
		`"mode":"secondary","title":"Vis kort"`} {
		if !strings.Contains(string(first), want) {
			t.Errorf("first line lacks %s:\n%s", want, first)
		}
	}
	done, _ := json.Marshal(card.Body[2])
	if strings.Contains(string(done), "ActionSet") || !strings.Contains(string(done), "✅ **Ærø Smedie**") {
		t.Errorf("done line %s", done)
	}
	if title, _ := json.Marshal(card.Body[3]); !strings.Contains(string(title), `"text":"**Planlagt i dag**"`) {
		t.Errorf("title %s", title)
	}
	var rows []bot.Row
	for i := range 40 {
		rows = append(rows, row(fmt.Sprintf("Østergårds Maskinfabrik og Søn %02d", i)))
	}
	b = mustValidCard(t, teams.Card(bot.Message{Blocks: []bot.Block{bot.Rows{Rows: rows}}}))
	if n := strings.Count(string(b), `"type":"ActionSet"`); n < 20 {
		t.Errorf("a nudge of 40 lines keeps the actions of %d", n)
	}
}

// A chart goes inside the card as a data URI with its alt text, and the
// card still validates and fits; a picture too big to fit is told in words.
func TestCardImage(t *testing.T) {
	t.Parallel()
	pic := image.NewPaletted(image.Rect(0, 0, 800, 400), color.Palette{color.White, color.Black})
	for x := range 800 {
		pic.SetColorIndex(x, 200+x/8, 1)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, pic); err != nil {
		t.Fatal(err)
	}
	img := bot.Image{PNG: buf.Bytes(), Title: "Dækning uge for uge: Jobcenter Sorø", Alt: "uge 22–47: uge 47 65 % (mål 85 %)", FileName: "daekning-2026-12-04.png"}
	msg := bot.Message{Blocks: []bot.Block{bot.Heading{Text: "Dækning uge for uge"}, bot.Text{Text: "*Uge 47: 65 %*"}, img}}
	b := mustValidCard(t, teams.Card(msg))
	var card struct {
		Body []struct{ Type, URL, AltText string }
	}
	if err := json.Unmarshal(b, &card); err != nil {
		t.Fatal(err)
	}
	last := card.Body[len(card.Body)-1]
	data, ok := strings.CutPrefix(last.URL, "data:image/png;base64,")
	if last.Type != "Image" || !ok || !strings.Contains(last.AltText, "uge 47 65 %") {
		t.Fatalf("last element: %s %.40s %q", last.Type, last.URL, last.AltText)
	}
	if raw, err := base64.StdEncoding.DecodeString(data); err != nil || !bytes.Equal(raw, img.PNG) {
		t.Fatalf("the card's picture is not the PNG (%v)", err)
	}

	big := img
	big.PNG = bytes.Repeat([]byte{0x89}, teams.MaxCardBytes)
	b = mustValidCard(t, teams.Card(bot.Message{Blocks: []bot.Block{bot.Heading{Text: "x"}, big}}))
	if bytes.Contains(b, []byte("data:image")) || !bytes.Contains(b, []byte("uge 47 65 %")) {
		t.Fatalf("an oversized picture: %.300s", b)
	}
}
