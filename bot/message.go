package bot

import "strings"

// Message is a reply or announcement in the neutral model that every
// adapter renders natively: Block Kit in Slack, an Adaptive Card in Teams,
// plain text in the console. Commands and reminders only ever build these.
type Message struct {
	Blocks []Block
	// Public asks for the reply to be shown to the whole channel; by default
	// a reply is shown only to the person who asked (Slack's ephemeral).
	Public bool
	// Error marks a reply that reports a refusal or failure.
	Error bool
	// Key, when set, names a scheduled message uniquely ("nudge/2026-11-23/42").
	// A Notifier that can look at what it sent before uses it to send that
	// message at most once, even across a crash after the platform confirmed.
	Key string
	// Recheck says the message keyed Key was tried before and may have
	// been delivered without our knowing: look for it before sending.
	Recheck bool
	// Form, when set, is a form for the person to fill in: the answer to a
	// button that asks for one (Request.OpenForm), or a refused submission
	// coming back with what was entered and what was wrong. Adapters that
	// show forms render it in place of Blocks; Blocks says the same in
	// words for those that do not.
	Form *Form
}

// Block is one part of a Message: Heading, Text, Fields, List, Rows,
// Buttons, Divider, Verbatim or Image.
type Block interface{ block() }

// Heading is a short title line.
type Heading struct{ Text string }

// Text is a paragraph. It may hold *bold* and _italic_ marks, which
// adapters translate or strip.
type Text struct{ Text string }

// Field is one label and value, as on a card.
type Field struct{ Label, Value string }

// Fields is a set of label/value pairs.
type Fields struct{ Fields []Field }

// List is a bulleted list of lines. Title, if set, is shown above it.
type List struct {
	Title string
	Items []string
}

// Button is an action a person can take from a message. Command is the
// line it runs (a line in the command language, such as "snooze 12 7d")
// so that every platform handles it by the same handler.
type Button struct {
	Label   string
	Command string
	Primary bool
	// Form, when set, is the form a platform that shows forms asks for
	// instead of running Command (a contact needs its note, a plan its
	// day); Command stays the way to do it by typing.
	Form *FormRef
}

// Rows is a list whose lines each have actions of their own, as the
// companies of a nudge: Slack shows a line's actions in an overflow menu
// beside it (a button when there is one), Teams as a row of buttons under
// it with all but the primary one in its "…" menu. PlainText shows the
// lines only. Title, if set, is shown above.
type Rows struct {
	Title string
	Rows  []Row
}

// Row is one line of Rows and its actions; a line without actions is
// shown as in a List.
type Row struct {
	Text    string
	Actions []Button
}

// Buttons is a row of buttons.
type Buttons struct{ Buttons []Button }

// Divider is a thin separator line.
type Divider struct{}

// Verbatim is text to be copied as it stands, such as an entry for a
// jobcenter's case system: shown in a fixed-width block that keeps its
// lines, with no marks read in it.
type Verbatim struct{ Text string }

// Image is a picture, such as a chart, as PNG bytes. Slack gets it as an
// uploaded file (FileName, Title), Teams inside the card, the console as a
// file whose path it prints. Alt says in words what it shows, for screen
// readers and wherever the picture cannot be shown; the message's other
// blocks should carry its figures too.
type Image struct {
	PNG      []byte
	Title    string
	Alt      string
	FileName string // e.g. "daekning-2026-12-05.png"
}

func (Heading) block()  {}
func (Text) block()     {}
func (Fields) block()   {}
func (List) block()     {}
func (Rows) block()     {}
func (Buttons) block()  {}
func (Divider) block()  {}
func (Verbatim) block() {}
func (Image) block()    {}

// Reply returns a private message with one paragraph of text.
func Reply(text string) Message { return Message{Blocks: []Block{Text{Text: text}}} }

// PlainText renders m as plain text, one block after another, for the
// console, logs, tests and platforms' notification fallbacks. Buttons are
// shown with the command they would run, an image by its title and alt text.
func (m Message) PlainText() string {
	var b strings.Builder
	for i, blk := range m.Blocks {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch v := blk.(type) {
		case Heading:
			b.WriteString(v.Text)
		case Text:
			b.WriteString(v.Text)
		case Fields:
			for j, f := range v.Fields {
				if j > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(f.Label + ": " + f.Value)
			}
		case List:
			if v.Title != "" {
				b.WriteString(v.Title + "\n")
			}
			for j, it := range v.Items {
				if j > 0 {
					b.WriteByte('\n')
				}
				b.WriteString("  • " + it)
			}
		case Rows:
			if v.Title != "" {
				b.WriteString(v.Title + "\n")
			}
			for j, r := range v.Rows {
				if j > 0 {
					b.WriteByte('\n')
				}
				b.WriteString("  • " + r.Text)
			}
		case Buttons:
			for j, bt := range v.Buttons {
				if j > 0 {
					b.WriteString("   ")
				}
				b.WriteString("[" + bt.Label + ": " + bt.Command + "]")
			}
		case Divider:
			b.WriteString("────────")
		case Verbatim:
			b.WriteString(v.Text)
		case Image:
			b.WriteString("[" + v.Title + ": " + v.Alt + "]")
		}
	}
	return b.String()
}
