// Adaptive Card markdown: the neutral model's marks translated, and every
// other character that could start markup escaped, so that text people
// typed (company names, notes) shows as typed and never as a link.

package teams

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// markdown renders neutral text for a TextBlock or a fact's value: the
// model's *bold* and _italic_ marks become Adaptive Card markdown (**bold**,
// _italic_); everything else is escaped as escape does. The marks are
// the bot's own formatting; a name inside them is escaped all the same.
func markdown(s string) string {
	var w mdWriter
	rs := []rune(s)
	start := 0 // of the text not written yet
	for i := 0; i < len(rs); i++ {
		if rs[i] != '*' && rs[i] != '_' {
			continue
		}
		j := closing(rs, i, rs[i])
		if j < 0 {
			continue
		}
		w.text(string(rs[start:i]))
		mark := "_"
		if rs[i] == '*' {
			mark = "**"
		}
		w.raw(mark)
		w.text(string(rs[i+1 : j]))
		w.raw(mark)
		i, start = j, j+1
	}
	w.text(string(rs[start:]))
	return w.b.String()
}

// escape makes s literal in Adaptive Card markdown: backslashes before
// the characters that start inline markup anywhere (\ * _ ` ~ [ ] ( ), a
// "<" that could open an autolink and an "&" that would name a character),
// and before what starts a block at the start of a line (# > + - = | and
// the dot of "1. "). Teams' renderers, like markdown-it, which the
// Adaptive Cards JavaScript renderer uses, show an escaped character as
// itself.
func escape(s string) string {
	var w mdWriter
	w.text(s)
	return w.b.String()
}

// closing finds the mark that closes the one at i on the same line, with
// text between that neither starts nor ends with a space.
func closing(rs []rune, i int, mark rune) int {
	if i+1 >= len(rs) || rs[i+1] == ' ' || rs[i+1] == mark {
		return -1
	}
	for j := i + 1; j < len(rs); j++ {
		switch {
		case rs[j] == '\n':
			return -1
		case rs[j] == mark:
			if rs[j-1] == ' ' {
				return -1
			}
			return j
		}
	}
	return -1
}

// mdWriter writes markdown, knowing whether it is at the start of a line.
type mdWriter struct {
	b       strings.Builder
	started bool // the line holds more than indentation
}

// raw writes s as it is.
func (w *mdWriter) raw(s string) {
	w.b.WriteString(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			w.started = false
		case ' ', '\t':
		default:
			w.started = true
		}
	}
}

// lineStart reports whether what is written next starts a line, after
// any indentation.
func (w *mdWriter) lineStart() bool { return !w.started }

// text writes s escaped.
func (w *mdWriter) text(s string) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case strings.ContainsRune("\\*_`~[]()", r):
			w.raw("\\")
		case r == '<' && autolink(s[i:]), r == '&' && entity.MatchString(s[i:min(len(s), i+maxEntity)]):
			w.raw("\\")
		case strings.ContainsRune("#>+-=|", r) && w.lineStart():
			w.raw("\\")
		case r >= '0' && r <= '9' && w.lineStart():
			// "3. nov" would start an ordered list at 3: escape its dot.
			d := i
			for d < len(s) && s[d] >= '0' && s[d] <= '9' {
				d++
			}
			if d < len(s) && (s[d] == '.' || s[d] == ')') && (d+1 == len(s) || strings.ContainsRune(" \t\n", rune(s[d+1]))) {
				w.raw(s[i:d] + "\\" + s[d:d+1])
				i = d + 1
				continue
			}
		}
		w.raw(s[i : i+n])
		i += n
	}
}

// entity matches an HTML entity or character reference at the start of a
// string ("&lbrack;", "&#91;"), which markdown would show as the
// character it names; none is longer than maxEntity bytes.
var entity = regexp.MustCompile(`^&(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});`)

const maxEntity = 34

// autolink reports whether s, which starts with "<", could be read as an
// autolink (<https://…>, <name@host>): a ">" comes before any space or
// other "<", and what is between holds ":" or "@".
func autolink(s string) bool {
	end := strings.IndexAny(s[1:], " \t\n<>") + 1
	if end <= 1 || s[end] != '>' {
		return false
	}
	return strings.ContainsAny(s[1:end], ":@")
}
