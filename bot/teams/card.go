package teams

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"kontaktbot/bot"
)

// Card limits. Teams refuses an activity over about 28 KB, so the renderer
// keeps a card's JSON under MaxCardBytes by summarising long lists rather
// than letting Teams reject the whole reply.
const (
	MaxCardBytes   = 24 * 1024 // leaves room for the activity around the card
	MaxButtonTitle = 40        // Teams clips longer titles on narrow screens anyway
	MaxListItems   = 50
	cardSchema     = "http://adaptivecards.io/schemas/adaptive-card.json"
	ellipsis       = "…"
)

// Submit kinds carried in Action.Submit data under the "kontaktbot" key.
const (
	SubmitCommand = "command" // data.command is a command line to run
	SubmitOpen    = "open"    // a button asks for the form data.form about data.subject
	SubmitForm    = "form"    // a filled-in form: data.form, data.subject and the inputs by id
	// SubmitVisit and SubmitPlan are the forms of cards posted before
	// forms were neutral (company, date, kind, note): read still, since
	// cards stay in chats for weeks.
	SubmitVisit = "visit"
	SubmitPlan  = "plan"
)

// Card renders msg as an Adaptive Card 1.5, as a JSON-ready map. Buttons
// become Action.Submit actions whose data is {"kontaktbot":"command",
// "command":line}, so a click runs the same command line in the same handler
// as typing it. A card never exceeds MaxCardBytes: long lists are cut and
// summarised ("… (+N)"). Every text Teams reads as markdown (TextBlocks,
// facts) is escaped, so that a name or note shows as typed, never as a
// link or a heading; only the model's own *bold* and _italic_ marks
// format. Button titles, input labels and choices are plain text to Teams.
//
// A message with a form (msg.Form) is rendered as that form.
func Card(msg bot.Message) map[string]any {
	if msg.Form != nil {
		return FormCard(*msg.Form)
	}
	body, actions := renderBlocks(msg.Blocks, MaxListItems)
	card := newCard(body, actions)
	if size(card) > MaxCardBytes && hasImage(msg.Blocks) {
		// A picture too big to travel inside the card is told in words.
		msg.Blocks = imagesAsText(msg.Blocks)
		body, actions = renderBlocks(msg.Blocks, MaxListItems)
		card = newCard(body, actions)
	}
	for limit := MaxListItems / 2; size(card) > MaxCardBytes && limit >= 1; limit /= 2 {
		body, actions = renderBlocks(msg.Blocks, limit)
		card = newCard(body, actions)
	}
	// Even summarised, the text is too long: send its start rather than
	// fail, shorter until it fits, since escaping and JSON may make one
	// character of it up to eight bytes.
	text := ""
	for n := MaxCardBytes / 4; size(card) > MaxCardBytes && n >= 64; n /= 2 {
		if text == "" {
			text = msg.PlainText()
		}
		card = newCard([]any{textBlock(escape(clip(text, n)), false)}, nil)
	}
	return card
}

func newCard(body, actions []any) map[string]any {
	if len(body) == 0 {
		body = []any{textBlock(" ", false)}
	}
	c := map[string]any{"$schema": cardSchema, "type": "AdaptiveCard", "version": "1.5", "body": body}
	if len(actions) > 0 {
		c["actions"] = actions
	}
	return c
}

// size is the length of v as JSON, or at most a bound on it when that
// bound is within MaxCardBytes already: most cards are far below the
// limit, and proving so costs a walk rather than an encoding.
func size(v any) int {
	if n, ok := sizeBound(v); ok && n <= MaxCardBytes {
		return n
	}
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// sizeBound is an upper bound on the length of v as JSON, for the values
// cards are built of; ok is false for any other value. A string's byte
// may become at most six (\u00XX), and a rune's bytes no more than that.
func sizeBound(v any) (n int, ok bool) {
	switch v := v.(type) {
	case string:
		return 2 + 6*len(v), true
	case bool:
		return 5, true
	case nil:
		return 4, true
	case int:
		return 20, true
	case map[string]any:
		n = 2
		for k, e := range v {
			m, ok := sizeBound(e)
			if !ok {
				return 0, false
			}
			n += 2 + 6*len(k) + 2 + m
		}
		return n, true
	case map[string]string:
		n = 2
		for k, e := range v {
			n += 2 + 6*len(k) + 2 + 2 + 6*len(e)
		}
		return n, true
	case []any:
		return sliceBound(v)
	case []map[string]any:
		return sliceBound(v)
	}
	return 0, false
}

// sliceBound is sizeBound of a JSON array.
func sliceBound[E any](v []E) (n int, ok bool) {
	n = 2
	for _, e := range v {
		m, ok := sizeBound(e)
		if !ok {
			return 0, false
		}
		n += m + 1
	}
	return n, true
}

// renderBlocks turns blocks into card elements; list items past limit are
// summarised by a count.
func renderBlocks(blocks []bot.Block, limit int) (body, actions []any) {
	sep := false
	for _, b := range blocks {
		switch v := b.(type) {
		case bot.Heading:
			if t := strings.TrimSpace(v.Text); t != "" {
				tb := textBlock(markdown(t), sep)
				tb["weight"], tb["size"] = "bolder", "medium"
				body, sep = append(body, tb), false
			}
		case bot.Text:
			if t := strings.TrimSpace(v.Text); t != "" {
				body, sep = append(body, textBlock(markdown(t), sep)), false
			}
		case bot.Fields:
			if fs := factSet(v, sep); fs != nil {
				body, sep = append(body, fs), false
			}
		case bot.List:
			if tb := listBlock(v, limit, sep); tb != nil {
				body, sep = append(body, tb), false
			}
		case bot.Rows:
			if rs := rowBlocks(v, limit, sep); len(rs) > 0 {
				body, sep = append(body, rs...), false
			}
		case bot.Buttons:
			actions = append(actions, submitActions(v)...)
		case bot.Divider:
			sep = true
		case bot.Verbatim:
			if cb := codeBlock(v, sep); cb != nil {
				body, sep = append(body, cb), false
			}
		case bot.Image:
			if len(v.PNG) > 0 {
				body, sep = append(body, imageBlock(v, sep)), false
			}
		}
	}
	return body, actions
}

// imageBlock carries the picture inside the card as a data URI, which
// Teams shows for Image.url (Adaptive Cards 1.2 and later), so nothing is
// hosted anywhere; altText says what it shows.
func imageBlock(im bot.Image, sep bool) map[string]any {
	ib := map[string]any{"type": "Image", "url": "data:image/png;base64," + base64.StdEncoding.EncodeToString(im.PNG),
		"altText": strings.TrimSpace(im.Title + ": " + im.Alt), "size": "Stretch"}
	if sep {
		ib["separator"] = true
	}
	return ib
}

func hasImage(blocks []bot.Block) bool {
	for _, b := range blocks {
		if _, ok := b.(bot.Image); ok {
			return true
		}
	}
	return false
}

// imagesAsText is blocks with each image replaced by its title and alt text.
func imagesAsText(blocks []bot.Block) []bot.Block {
	out := make([]bot.Block, len(blocks))
	for i, b := range blocks {
		if im, ok := b.(bot.Image); ok {
			b = bot.Text{Text: "_" + im.Title + ": " + im.Alt + "_"}
		}
		out[i] = b
	}
	return out
}

// codeBlock shows the text in a fixed-width font, a TextBlock a line (a
// single line break inside one is read as a space), every character
// escaped so that it shows as typed.
func codeBlock(c bot.Verbatim, sep bool) map[string]any {
	var items []any
	for _, line := range strings.Split(strings.TrimRight(c.Text, "\n"), "\n") {
		tb := map[string]any{"type": "TextBlock", "text": escape(line), "wrap": true, "fontType": "Monospace", "spacing": "None"}
		if strings.TrimSpace(line) == "" {
			tb["text"] = "\u00a0" // an empty TextBlock is not shown at all
		}
		items = append(items, tb)
	}
	if len(items) == 0 {
		return nil
	}
	cb := map[string]any{"type": "Container", "style": "emphasis", "items": items}
	if sep {
		cb["separator"] = true
	}
	return cb
}

func textBlock(text string, separator bool) map[string]any {
	tb := map[string]any{"type": "TextBlock", "text": text, "wrap": true}
	if separator {
		tb["separator"] = true
	}
	return tb
}

func factSet(f bot.Fields, sep bool) map[string]any {
	var facts []any
	for _, fd := range f.Fields {
		l, v := strings.TrimSpace(fd.Label), strings.TrimSpace(fd.Value)
		if l == "" && v == "" {
			continue
		}
		facts = append(facts, map[string]any{"title": escape(l), "value": markdown(v)})
	}
	if len(facts) == 0 {
		return nil
	}
	fs := map[string]any{"type": "FactSet", "facts": facts}
	if sep {
		fs["separator"] = true
	}
	return fs
}

func listBlock(l bot.List, limit int, sep bool) map[string]any {
	var lines []string
	if t := strings.TrimSpace(l.Title); t != "" {
		lines = append(lines, "**"+escape(t)+"**")
	}
	items := l.Items
	if len(items) > limit {
		items = items[:limit]
	}
	for _, it := range items {
		it = strings.TrimSpace(strings.ReplaceAll(it, "\n", " "))
		lines = append(lines, "- "+markdown(it))
	}
	if n := len(l.Items) - len(items); n > 0 {
		lines = append(lines, "- "+ellipsis+" (+"+strconv.Itoa(n)+")")
	}
	if len(lines) == 0 {
		return nil
	}
	return textBlock(strings.Join(lines, "\n"), sep)
}

// rowBlocks shows each line of rs with its actions right under it: the
// primary one as a button, the others in the "…" menu of the line
// (Adaptive Cards 1.5's secondary mode). Lines past limit are counted.
func rowBlocks(rs bot.Rows, limit int, sep bool) []any {
	var out []any
	if t := strings.TrimSpace(rs.Title); t != "" {
		out = append(out, textBlock("**"+escape(t)+"**", sep))
		sep = false
	}
	rows := rs.Rows
	if len(rows) > limit {
		rows = rows[:limit]
	}
	for _, r := range rows {
		text := strings.TrimSpace(strings.ReplaceAll(r.Text, "\n", " "))
		if text == "" {
			continue
		}
		items := []any{textBlock("- "+markdown(text), false)}
		if as := submitActions(bot.Buttons{Buttons: r.Actions}); len(as) > 0 {
			for _, a := range as[1:] {
				a.(map[string]any)["mode"] = "secondary"
			}
			items = append(items, map[string]any{"type": "ActionSet", "actions": as})
		}
		c := map[string]any{"type": "Container", "items": items}
		if sep {
			c["separator"] = true
			sep = false
		}
		out = append(out, c)
	}
	if n := len(rs.Rows) - len(rows); n > 0 {
		out = append(out, textBlock("- "+ellipsis+" (+"+strconv.Itoa(n)+")", false))
	}
	return out
}

func submitActions(bs bot.Buttons) []any {
	var out []any
	for _, b := range bs.Buttons {
		label := strings.TrimSpace(b.Label)
		if label == "" {
			label = strings.TrimSpace(b.Command)
		}
		if label == "" || strings.TrimSpace(b.Command) == "" {
			continue
		}
		data := map[string]any{"kontaktbot": SubmitCommand, "command": b.Command}
		if b.Form != nil {
			data = map[string]any{"kontaktbot": SubmitOpen, "form": b.Form.Kind, "subject": b.Form.Subject}
		}
		a := map[string]any{"type": "Action.Submit", "title": clip(label, MaxButtonTitle), "data": data}
		if b.Primary {
			a["style"] = "positive"
		}
		out = append(out, a)
	}
	return out
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + ellipsis
}

// FormCard renders a form as an Adaptive Card: its title and subject, the
// refusal of the last submission in attention colour, an input per input
// (ids as the form names them) and a submit whose data carries
// {"kontaktbot":"form","form":kind,"subject":subject}; Teams adds the
// inputs' values to it.
func FormCard(f bot.Form) map[string]any {
	body := formHead(f.Title+": "+f.Subject, f.Error)
	if f.Intro != "" {
		body = append(body, textBlock(escape(f.Intro), false))
	}
	for _, in := range f.Fields {
		el := map[string]any{"id": in.ID, "label": in.Label}
		switch in.Type {
		case bot.InputDateType:
			el["type"] = "Input.Date"
			for k, v := range map[string]string{"min": in.Min, "max": in.Max} {
				if v != "" {
					el[k] = v
				}
			}
		case bot.InputChoice:
			el["type"] = "Input.ChoiceSet"
			choices := make([]any, 0, len(in.Options))
			for _, o := range in.Options {
				choices = append(choices, map[string]any{"title": o.Label, "value": o.Value})
			}
			el["choices"] = choices
		default:
			el["type"], el["isMultiline"] = "Input.Text", in.Multiline
			if in.MaxLength > 0 {
				el["maxLength"] = in.MaxLength
			}
			if in.Placeholder != "" {
				el["placeholder"] = in.Placeholder
			}
		}
		if in.Value != "" {
			el["value"] = in.Value
		}
		if in.Required {
			el["isRequired"], el["errorMessage"] = true, in.Missing
		}
		body = append(body, el)
	}
	return newCard(body, []any{map[string]any{"type": "Action.Submit", "title": f.Submit, "style": "positive",
		"data": map[string]any{"kontaktbot": SubmitForm, "form": f.Kind, "subject": f.Subject}}})
}

func formHead(title, errText string) []any {
	h := textBlock(escape(clip(title, 200)), false)
	h["weight"], h["size"] = "bolder", "medium"
	body := []any{h}
	if errText != "" {
		e := textBlock(escape(clip(errText, 2000)), false)
		e["color"] = "attention"
		body = append(body, e)
	}
	return body
}
