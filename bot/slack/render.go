// Package slack is kontaktbot's Slack adapter: it checks Slack's request
// signatures, turns slash commands into bot.Requests for a Handler, and
// renders the neutral message model as Block Kit within Slack's limits.
package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
)

// Block Kit limits, counted in characters (runes), as Slack counts them.
// A message that breaks one is rejected whole by Slack, so the renderer
// splits or clips rather than passing anything over.
const (
	MaxBlocks        = 50   // blocks per message
	MaxHeader        = 150  // a header's plain_text
	MaxSectionText   = 3000 // a section's text
	MaxFields        = 10   // fields per section
	MaxFieldText     = 2000 // one field's text
	MaxActions       = 25   // elements per actions block
	MaxButtonText    = 75   // a button's plain_text
	MaxButtonValue   = 2000 // a button's value
	MaxFallbackText  = 3000 // the notification text we send beside the blocks
	ellipsis         = "…"
	buttonActionBase = "cmd-"
	formActionBase   = "form-" // a button that opens a form; its value is a formButton
	menuActionBase   = "menu-" // a line's overflow menu; each option's value is a command or a formButton
	MaxOptionText    = 75      // an overflow option's plain_text
	MaxOptionValue   = 150     // an overflow option's value
	MaxOptions       = 5       // options in an overflow menu
)

// Blocks renders msg as Block Kit blocks within Slack's limits: long text
// and lists are split over several sections, more than ten fields over
// several sections, more than 25 buttons over several actions blocks, and
// over-long headings and button labels are clipped with "…". When the
// result would pass 50 blocks, the first 49 are kept and the last says how
// many lines were left out ("… (+N)"). A button whose command is longer
// than MaxButtonValue is left out, since a clipped command would run
// something else. Empty parts are skipped, since Slack refuses empty text.
func Blocks(msg bot.Message) []slackapi.Block {
	var r renderer
	for _, b := range msg.Blocks {
		switch v := b.(type) {
		case bot.Heading:
			r.heading(v)
		case bot.Text:
			r.sections(splitText(escape(v.Text), MaxSectionText), 0)
		case bot.Fields:
			r.fields(v)
		case bot.List:
			r.list(v)
		case bot.Rows:
			r.rows(v)
		case bot.Buttons:
			r.buttons(v)
		case bot.Divider:
			r.add(slackapi.NewDividerBlock(), 0)
		case bot.Verbatim:
			r.code(v)
		case bot.Image:
			// Not a block: the Notifier shares it as a file after the
			// message, a slash command's answer in the person's DM.
		}
	}
	return r.result()
}

// renderer collects blocks together with how many lines of the message each
// one carries, so that a summary of what was cut can count lines, not blocks.
type renderer struct {
	blocks  []slackapi.Block
	lines   []int
	actions int // buttons so far, for unique action ids
}

func (r *renderer) add(b slackapi.Block, lines int) {
	r.blocks = append(r.blocks, b)
	r.lines = append(r.lines, lines)
}

func (r *renderer) heading(h bot.Heading) {
	text := clip(strings.TrimSpace(h.Text), MaxHeader)
	if text == "" {
		return
	}
	r.add(slackapi.NewHeaderBlock(plain(text)), 1)
}

// sections adds one section per chunk; extra lines are counted on the first.
func (r *renderer) sections(chunks []string, extra int) {
	for i, c := range chunks {
		n := strings.Count(c, "\n") + 1
		if i == 0 {
			n += extra
		}
		r.add(slackapi.NewSectionBlock(mrkdwn(c), nil, nil), n)
	}
}

// code adds the text as mrkdwn code blocks (```), split as a paragraph is;
// a ``` inside it is broken with a zero-width space so that it cannot
// end the block.
func (r *renderer) code(c bot.Verbatim) {
	text := strings.ReplaceAll(escape(c.Text), "```", "`\u200b``")
	for _, chunk := range splitText(text, MaxSectionText-8) {
		r.add(slackapi.NewSectionBlock(mrkdwn("```\n"+chunk+"\n```"), nil, nil), strings.Count(chunk, "\n")+1)
	}
}

func (r *renderer) fields(f bot.Fields) {
	var objs []*slackapi.TextBlockObject
	for _, fd := range f.Fields {
		label, value := strings.TrimSpace(fd.Label), strings.TrimSpace(fd.Value)
		var text string
		switch {
		case label == "" && value == "":
			continue
		case label == "":
			text = clipEscaped(value, MaxFieldText)
		default:
			head := "*" + escape(label) + "*"
			if value == "" {
				text = clipMarked(head, MaxFieldText)
			} else {
				text = clipMarked(head+"\n"+escape(value[:prefixLen(value, MaxFieldText)]), MaxFieldText)
			}
		}
		objs = append(objs, mrkdwn(text))
	}
	for len(objs) > 0 {
		n := min(len(objs), MaxFields)
		r.add(slackapi.NewSectionBlock(nil, objs[:n], nil), n)
		objs = objs[n:]
	}
}

func (r *renderer) list(l bot.List) {
	lines := make([]string, 0, len(l.Items)+1)
	if t := strings.TrimSpace(l.Title); t != "" {
		lines = append(lines, "*"+escape(t)+"*")
	}
	for _, it := range l.Items {
		lines = append(lines, "• "+escape(strings.ReplaceAll(it, "\n", " ")))
	}
	if len(lines) == 0 {
		return
	}
	r.sections(pack(lines, MaxSectionText), 0)
}

func (r *renderer) buttons(bs bot.Buttons) {
	var els []slackapi.BlockElement
	for _, b := range bs.Buttons {
		label := strings.TrimSpace(b.Label)
		if label == "" {
			label = strings.TrimSpace(b.Command)
		}
		action, value := buttonActionBase+strconv.Itoa(r.actions), b.Command
		if b.Form != nil {
			action, value = formActionBase+strconv.Itoa(r.actions), encodeFormButton(*b.Form, b.Command)
		}
		if label == "" || utf8.RuneCountInString(value) > MaxButtonValue {
			continue
		}
		btn := slackapi.NewButtonBlockElement(action, value, plain(clip(label, MaxButtonText)))
		if b.Primary {
			btn.WithStyle(slackapi.StylePrimary)
		}
		r.actions++
		els = append(els, btn)
	}
	for len(els) > 0 {
		n := min(len(els), MaxActions)
		r.add(slackapi.NewActionBlock("", els[:n]...), n)
		els = els[n:]
	}
}

// rows adds a section per line, its actions in an overflow menu beside
// it (a button when there is one). An option whose value would pass
// Slack's 150 characters keeps a form's subject only ("visit <company>",
// which a click still turns into the form), or is left out.
func (r *renderer) rows(rs bot.Rows) {
	if t := strings.TrimSpace(rs.Title); t != "" {
		r.add(slackapi.NewSectionBlock(mrkdwn("*"+clipEscaped(t, MaxSectionText-2)+"*"), nil, nil), 1)
	}
	for _, row := range rs.Rows {
		text := strings.TrimSpace(strings.ReplaceAll(row.Text, "\n", " "))
		if text == "" {
			continue
		}
		var options []*slackapi.OptionBlockObject
		var only bot.Button
		for _, a := range row.Actions {
			label := strings.TrimSpace(a.Label)
			value := strings.TrimSpace(a.Command)
			if a.Form != nil {
				value = encodeFormButton(*a.Form, a.Command)
				if utf8.RuneCountInString(value) > MaxOptionValue {
					value = a.Form.Kind + " " + a.Form.Subject
				}
			}
			if label == "" || value == "" || utf8.RuneCountInString(value) > MaxOptionValue || len(options) == MaxOptions {
				continue
			}
			only = a
			options = append(options, slackapi.NewOptionBlockObject(value, plain(clip(label, MaxOptionText)), nil))
		}
		var acc *slackapi.Accessory
		switch len(options) {
		case 0:
		case 1:
			action, value := buttonActionBase+strconv.Itoa(r.actions), only.Command
			if only.Form != nil {
				action, value = formActionBase+strconv.Itoa(r.actions), encodeFormButton(*only.Form, only.Command)
			}
			if utf8.RuneCountInString(value) <= MaxButtonValue {
				acc = slackapi.NewAccessory(slackapi.NewButtonBlockElement(action, value, plain(clip(strings.TrimSpace(only.Label), MaxButtonText))))
			}
		default:
			acc = slackapi.NewAccessory(slackapi.NewOverflowBlockElement(menuActionBase+strconv.Itoa(r.actions), options...))
		}
		if acc != nil {
			r.actions++
		}
		r.add(slackapi.NewSectionBlock(mrkdwn("• "+clipMarked(escape(text), MaxSectionText-2)), nil, acc), 1)
	}
}

// result applies the 50-block limit.
func (r *renderer) result() []slackapi.Block {
	if len(r.blocks) <= MaxBlocks {
		return r.blocks
	}
	cut := 0
	for _, n := range r.lines[MaxBlocks-1:] {
		cut += n
	}
	summary := ellipsis + " (+" + strconv.Itoa(cut) + ")"
	return append(r.blocks[:MaxBlocks-1:MaxBlocks-1], slackapi.NewContextBlock("", mrkdwn(summary)))
}

// Reply is the JSON answer to a slash command, and the body of a message
// sent later to its response_url: slack-go's WebhookMessage, so the same
// value serves both.
type Reply = slackapi.WebhookMessage

// Response renders msg as the answer to a slash command: in the channel
// when msg.Public, otherwise only to the person who asked (ephemeral). Text
// is the plain-text fallback Slack shows in notifications, clipped.
func Response(msg bot.Message) *Reply {
	rt := slackapi.ResponseTypeEphemeral
	if msg.Public {
		rt = slackapi.ResponseTypeInChannel
	}
	reply := &Reply{ResponseType: rt, Text: clipEscaped(msg.PlainText(), MaxFallbackText)}
	if blocks := Blocks(msg); len(blocks) > 0 {
		reply.Blocks = &slackapi.Blocks{BlockSet: blocks}
	}
	return reply
}

func plain(text string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, text, true, false)
}

func mrkdwn(text string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, text, false, false)
}

// escape escapes the three characters Slack's mrkdwn gives a meaning to.
// Our *bold* and _italic_ marks are Slack's own, so they pass unchanged.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// clip shortens s to at most max runes, ending in "…" when it was cut.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	return strings.TrimRight(string(runes[:max-1]), " ") + ellipsis
}

// clipEscaped escapes s and clips the result to max runes without cutting
// an entity such as "&amp;" in two.
func clipEscaped(s string, max int) string {
	// Escaping only lengthens, so what lies beyond max runes can go first.
	return clipMarked(escape(s[:prefixLen(s, max+1)]), max)
}

// clipMarked clips already escaped mrkdwn to max runes, backing off to
// before an entity that the cut would split.
func clipMarked(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := string([]rune(s)[:max-1])
	if i := strings.LastIndexByte(cut, '&'); i >= 0 && !strings.Contains(cut[i:], ";") {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + ellipsis
}

// splitText splits escaped text into chunks of at most max runes, at line
// breaks where it can, else between words. Blank text gives no chunks.
func splitText(text string, max int) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	return pack(strings.Split(strings.TrimSpace(text), "\n"), max)
}

// pack joins lines with line breaks into chunks of at most max runes; a
// line longer than max is first broken between words (or, lacking spaces,
// anywhere but inside an entity). Chunks that would be blank are dropped.
func pack(lines []string, max int) []string {
	var chunks []string
	var cur strings.Builder
	n := 0 // runes in cur
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n "); strings.TrimSpace(s) != "" {
			chunks = append(chunks, s)
		}
		cur.Reset()
		n = 0
	}
	for _, line := range lines {
		for _, piece := range breakLine(line, max) {
			m := utf8.RuneCountInString(piece)
			if n > 0 && n+1+m > max {
				flush()
			}
			if n > 0 {
				cur.WriteByte('\n')
				n++
			}
			cur.WriteString(piece)
			n += m
		}
	}
	flush()
	return chunks
}

// breakLine breaks one escaped line into pieces of at most max runes. It
// works on byte offsets so that a very long line costs linear time.
func breakLine(line string, max int) []string {
	var pieces []string
	for {
		end := prefixLen(line, max)
		if end == len(line) {
			return append(pieces, line)
		}
		head := line[:end]
		cut := strings.LastIndexByte(head, ' ')
		if cut <= 0 {
			cut = end
			if i := strings.LastIndexByte(head, '&'); i > 0 && !strings.Contains(head[i:], ";") {
				cut = i
			}
		}
		pieces = append(pieces, head[:cut])
		line = strings.TrimLeft(line[cut:], " ")
	}
}

// prefixLen is the length in bytes of the first n runes of s (all of s
// when it has no more).
func prefixLen(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
