package slack_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
)

// jsonBlock is a block as Slack receives it, decoded generically so that
// the limits are checked on the JSON itself, not on slack-go's structs.
type jsonBlock struct {
	Type     string           `json:"type"`
	Text     *jsonText        `json:"text"`
	Fields   []jsonText       `json:"fields"`
	Elements []map[string]any `json:"elements"`
}

type jsonText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// blocksJSON marshals blocks with encoding/json and decodes them again.
func blocksJSON(tb testing.TB, blocks []slackapi.Block) []jsonBlock {
	tb.Helper()
	data, err := json.Marshal(blocks)
	if err != nil {
		tb.Fatal(err)
	}
	var out []jsonBlock
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// checkLimits fails tb for any of Slack's Block Kit limits that blocks
// break: Slack would refuse the whole message.
func checkLimits(tb testing.TB, blocks []jsonBlock) {
	tb.Helper()
	if len(blocks) > slack.MaxBlocks {
		tb.Errorf("%d blocks, at most %d", len(blocks), slack.MaxBlocks)
	}
	ids := map[string]bool{}
	text := func(i int, what string, t *jsonText, typ string, max int) {
		tb.Helper()
		switch {
		case t == nil || t.Text == "" || strings.TrimSpace(t.Text) == "":
			tb.Errorf("block %d: %s is empty", i, what)
		case t.Type != typ:
			tb.Errorf("block %d: %s is %q, want %q", i, what, t.Type, typ)
		case runes(t.Text) > max:
			tb.Errorf("block %d: %s has %d characters, at most %d", i, what, runes(t.Text), max)
		case !utf8.ValidString(t.Text):
			tb.Errorf("block %d: %s is not valid UTF-8", i, what)
		}
	}
	for i, b := range blocks {
		switch b.Type {
		case "header":
			text(i, "header", b.Text, "plain_text", slack.MaxHeader)
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				tb.Errorf("block %d: section without text or fields", i)
			}
			if b.Text != nil {
				text(i, "section text", b.Text, "mrkdwn", slack.MaxSectionText)
			}
			if len(b.Fields) > slack.MaxFields {
				tb.Errorf("block %d: %d fields, at most %d", i, len(b.Fields), slack.MaxFields)
			}
			for j := range b.Fields {
				text(i, fmt.Sprintf("field %d", j), &b.Fields[j], "mrkdwn", slack.MaxFieldText)
			}
		case "actions":
			if n := len(b.Elements); n == 0 || n > slack.MaxActions {
				tb.Errorf("block %d: %d elements, 1 to %d allowed", i, n, slack.MaxActions)
			}
			for _, el := range b.Elements {
				id, _ := el["action_id"].(string)
				if id == "" || ids[id] {
					tb.Errorf("block %d: action_id %q empty or repeated", i, id)
				}
				ids[id] = true
				value, _ := el["value"].(string)
				if runes(value) > slack.MaxButtonValue {
					tb.Errorf("block %d: value of %d characters", i, runes(value))
				}
				t, _ := el["text"].(map[string]any)
				label, _ := t["text"].(string)
				typ, _ := t["type"].(string)
				text(i, "button "+id, &jsonText{Type: typ, Text: label}, "plain_text", slack.MaxButtonText)
			}
		case "context":
			if n := len(b.Elements); n == 0 || n > 10 {
				tb.Errorf("block %d: context with %d elements", i, n)
			}
		case "divider":
		default:
			tb.Errorf("block %d: unexpected type %q", i, b.Type)
		}
	}
}

// bigMessage is larger than Slack allows in every direction.
func bigMessage() bot.Message {
	var items []string
	for i := range 200 {
		items = append(items, fmt.Sprintf("Virksomhed nr. %03d A/S & søn — ring til <kontakt> om praktik", i))
	}
	var buttons []bot.Button
	for i := range 30 {
		buttons = append(buttons, bot.Button{
			Label:   fmt.Sprintf("Log kontakt med virksomhed nummer %d, som har et meget langt navn der bliver ved", i),
			Command: fmt.Sprintf("visit %d", i), Primary: i == 0,
		})
	}
	var fields []bot.Field
	for i := range 12 {
		fields = append(fields, bot.Field{Label: fmt.Sprintf("Felt %d", i), Value: strings.Repeat("værdi ", 400)})
	}
	return bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: strings.Repeat("Overskrift ", 50)[:500]},
		bot.Text{Text: "*Dine virksomheder* & _forfaldne_ <besøg>"},
		bot.Fields{Fields: fields},
		bot.Divider{},
		bot.List{Title: "Forfaldne", Items: items},
		bot.Buttons{Buttons: buttons},
	}}
}

func TestBlocksStayWithinLimits(t *testing.T) {
	t.Parallel()
	blocks := blocksJSON(t, slack.Blocks(bigMessage()))
	checkLimits(t, blocks)

	count := map[string]int{}
	var all strings.Builder
	for _, b := range blocks {
		count[b.Type]++
		if b.Text != nil {
			all.WriteString(b.Text.Text + "\n")
		}
	}
	if h := blocks[0]; h.Type != "header" || runes(h.Text.Text) != slack.MaxHeader || !strings.HasSuffix(h.Text.Text, "…") {
		t.Errorf("header = %+v, want %d characters ending in …", h.Text, slack.MaxHeader)
	}
	if got := blocks[1].Text.Text; got != "*Dine virksomheder* &amp; _forfaldne_ &lt;besøg&gt;" {
		t.Errorf("text = %q", got)
	}
	// 12 fields: 10 + 2; 30 buttons: 25 + 5; nothing summarised away.
	if n := len(blocks[2].Fields) + len(blocks[3].Fields); n != 12 || len(blocks[2].Fields) != 10 {
		t.Errorf("fields split %d + %d, want 10 + 2", len(blocks[2].Fields), len(blocks[3].Fields))
	}
	if count["actions"] != 2 || count["divider"] != 1 || count["context"] != 0 {
		t.Errorf("block types %v, want 2 actions, 1 divider, no summary", count)
	}
	if n := strings.Count(all.String(), "• "); n != 200 {
		t.Errorf("%d list items rendered, want all 200", n)
	}
	if !strings.Contains(all.String(), "*Forfaldne*\n• Virksomhed nr. 000 A/S &amp; søn — ring til &lt;kontakt&gt; om praktik") {
		t.Error("list title or first item missing or not escaped")
	}
	if count["section"] < 4 {
		t.Errorf("the 200 items (about 13,000 characters) were not split: %v", count)
	}
	last := blocks[len(blocks)-1]
	first := last.Elements[0]
	if len(last.Elements) != 5 || first["value"] != "visit 25" || first["action_id"] != "cmd-25" {
		t.Errorf("last actions block = %v", last.Elements)
	}
	if btn := blocks[len(blocks)-2].Elements[0]; btn["style"] != "primary" || btn["value"] != "visit 0" {
		t.Errorf("first button = %v, want primary with its command", btn)
	}
}

func TestBlocksSummariseBeyondFiftyBlocks(t *testing.T) {
	t.Parallel()
	var msg bot.Message
	for i := range 60 {
		msg.Blocks = append(msg.Blocks, bot.Text{Text: fmt.Sprintf("linje %d\nog en til", i)})
	}
	blocks := blocksJSON(t, slack.Blocks(msg))
	checkLimits(t, blocks)
	if len(blocks) != slack.MaxBlocks {
		t.Fatalf("%d blocks, want %d", len(blocks), slack.MaxBlocks)
	}
	if got := blocks[48].Text.Text; got != "linje 48\nog en til" {
		t.Errorf("block 48 = %q", got)
	}
	// 11 paragraphs of 2 lines each were left out.
	last := blocks[49]
	if last.Type != "context" || last.Elements[0]["text"] != "… (+22)" {
		t.Errorf("summary = %+v, want a context block saying … (+22)", last)
	}
}

func TestBlocksSplitLongText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("svejser&truckfører ", 700) // 13,300 runes, more once escaped
	noSpaces := strings.Repeat("ø&", 4000)
	blocks := blocksJSON(t, slack.Blocks(bot.Message{Blocks: []bot.Block{bot.Text{Text: long}, bot.Text{Text: noSpaces}}}))
	checkLimits(t, blocks)
	var got strings.Builder
	for _, b := range blocks {
		got.WriteString(b.Text.Text)
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	want := strings.NewReplacer("&", "&amp;").Replace(long + noSpaces)
	if squash(got.String()) != squash(want) {
		t.Error("splitting lost or changed text")
	}
	for i, b := range blocks {
		if strings.Count(b.Text.Text, "&") != strings.Count(b.Text.Text, "&amp;") {
			t.Errorf("section %d cuts an entity in two", i)
		}
	}
}

func TestBlocksSkipWhatSlackRefuses(t *testing.T) {
	t.Parallel()
	msg := bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: "  "},
		bot.Text{Text: "\n \n"},
		bot.List{},
		bot.Fields{Fields: []bot.Field{{}, {Label: "Kun etiket"}, {Value: "kun værdi"}}},
		bot.Buttons{Buttons: []bot.Button{
			{Label: "For lang", Command: strings.Repeat("x", slack.MaxButtonValue+1)},
			{Command: "mine"},
		}},
	}}
	blocks := blocksJSON(t, slack.Blocks(msg))
	checkLimits(t, blocks)
	if len(blocks) != 2 {
		t.Fatalf("blocks = %+v, want fields and one actions block", blocks)
	}
	if f := blocks[0].Fields; len(f) != 2 || f[0].Text != "*Kun etiket*" || f[1].Text != "kun værdi" {
		t.Errorf("fields = %+v", f)
	}
	if els := blocks[1].Elements; len(els) != 1 || els[0]["value"] != "mine" {
		t.Errorf("buttons = %v, want only the one whose command fits, labelled by it", els)
	}
}

func TestResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		msg  bot.Message
		want string
	}{
		{"private by default", bot.Reply("Gemt."), slackapi.ResponseTypeEphemeral},
		{"public", bot.Message{Public: true, Blocks: []bot.Block{bot.Text{Text: "Ny stilling"}}}, slackapi.ResponseTypeInChannel},
		{"error", bot.Message{Error: true, Blocks: []bot.Block{bot.Text{Text: "⚠️ Kender ikke »L-tak«. Mente du *L-tek*?"}}}, slackapi.ResponseTypeEphemeral},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				ResponseType string      `json:"response_type"`
				Text         string      `json:"text"`
				Blocks       []jsonBlock `json:"blocks"`
			}
			data, err := json.Marshal(slack.Response(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			plain := tc.msg.PlainText()
			if got.ResponseType != tc.want || got.Text != plain || len(got.Blocks) != 1 || got.Blocks[0].Text.Text != plain {
				t.Errorf("Response = %s, want %s with text %q", data, tc.want, plain)
			}
		})
	}
	long := slack.Response(bigMessage())
	if n := runes(long.Text); n > slack.MaxFallbackText {
		t.Errorf("fallback text has %d characters, at most %d", n, slack.MaxFallbackText)
	}
}

func FuzzBlocks(f *testing.F) {
	f.Add("Overskrift", "*fed* & _kursiv_ <x>", "L-tek", "visit 1", 3, 2)
	f.Add(strings.Repeat("å", 200), strings.Repeat("&<>", 1100), strings.Repeat("x ", 1500), "", 120, 40)
	f.Fuzz(func(t *testing.T, heading, text, item, command string, items, buttons int) {
		items, buttons = clamp(items, 300), clamp(buttons, 60)
		l := bot.List{Title: heading}
		var bs bot.Buttons
		var fs bot.Fields
		for i := range items {
			l.Items = append(l.Items, item+text[:min(i, len(text))])
			fs.Fields = append(fs.Fields, bot.Field{Label: item, Value: text})
		}
		for range buttons {
			bs.Buttons = append(bs.Buttons, bot.Button{Label: text, Command: command})
		}
		msg := bot.Message{Blocks: []bot.Block{bot.Heading{Text: heading}, bot.Text{Text: text}, fs, l, bs, bot.Divider{}}}
		if !utf8.ValidString(heading + text + item + command) {
			t.Skip("Slack sends valid UTF-8")
		}
		checkLimits(t, blocksJSON(t, slack.Blocks(msg)))
	})
}

func clamp(n, max int) int {
	if n < 0 {
		n = -n
	}
	if n < 0 {
		return 0
	}
	return n % (max + 1)
}

// A Verbatim block is mrkdwn code blocks: escaped, a ``` inside broken so
// that it cannot close the block, long text split into whole blocks.
func TestBlocksVerbatim(t *testing.T) {
	t.Parallel()
	blocks := blocksJSON(t, slack.Blocks(bot.Message{Blocks: []bot.Block{bot.Verbatim{Text: "Dato: 22.11.2026\nNote: <to> & ```x``` *y*"}}}))
	if len(blocks) != 1 || blocks[0].Type != "section" {
		t.Fatalf("verbatim rendered as %+v", blocks)
	}
	want := "```\nDato: 22.11.2026\nNote: &lt;to&gt; &amp; `\u200b``x`\u200b`` *y*\n```"
	if got := blocks[0].Text.Text; got != want {
		t.Errorf("verbatim = %q, want %q", got, want)
	}
	long := blocksJSON(t, slack.Blocks(bot.Message{Blocks: []bot.Block{bot.Verbatim{Text: strings.Repeat("Note: svejser & truckfører\n", 400)}}}))
	checkLimits(t, long)
	if len(long) < 2 {
		t.Fatalf("10,800 characters in %d section(s)", len(long))
	}
	for i, b := range long {
		if !strings.HasPrefix(b.Text.Text, "```\n") || !strings.HasSuffix(b.Text.Text, "\n```") {
			t.Errorf("section %d is not a whole code block: %.40q…", i, b.Text.Text)
		}
	}
}
