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
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // each invalid byte becomes U+FFFD, as always
	}
	var w mdWriter
	w.b.Grow(len(s) + 16)
	start := 0 // of the text not written yet
	// The marks are ASCII, which no byte of a longer UTF-8 sequence is,
	// so the text is walked by bytes.
	for i := 0; i < len(s); i++ {
		if s[i] != '*' && s[i] != '_' {
			continue
		}
		j := closing(s, i, s[i])
		if j < 0 {
			continue
		}
		w.text(s[start:i])
		mark := "_"
		if s[i] == '*' {
			mark = "**"
		}
		w.raw(mark)
		w.text(s[i+1 : j])
		w.raw(mark)
		i, start = j, j+1
	}
	w.text(s[start:])
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
	w.b.Grow(len(s) + 16)
	w.text(s)
	return w.b.String()
}

// closing finds the mark that closes the one at i on the same line, with
// text between that neither starts nor ends with a space.
func closing(s string, i int, mark byte) int {
	if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == mark {
		return -1
	}
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\n':
			return -1
		case s[j] == mark:
			if s[j-1] == ' ' {
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

// plain are the bytes text writes as they are wherever they stand: all
// but the ASCII that may start markup and the digits, which may start an
// ordered list. Bytes of longer UTF-8 sequences are plain.
var plain = func() (p [256]bool) {
	for i := range p {
		p[i] = !strings.ContainsRune("\\*_`~[]()<&#>+-=|0123456789", rune(i))
	}
	return p
}()

// text writes s escaped.
func (w *mdWriter) text(s string) {
	for i := 0; i < len(s); {
		if plain[s[i]] {
			j := i + 1
			for j < len(s) && plain[s[j]] {
				j++
			}
			w.raw(s[i:j])
			i = j
			continue
		}
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
