package bot

import (
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ContainsCPR reports whether s holds something shaped like a Danish CPR
// number: ten digits DDMMYY SSSS whose first six are a real date, not part
// of a longer run of digits. The text is folded with Unicode NFKC first,
// so full-width digits (０１０１９０) count as digits. The digits may be
// split into groups, but only where a CPR number is split when written:
// between the date's pairs (DD MM YY) and between the date and the serial.
// Between two groups stands a run of separators: dashes of any kind (-, –,
// —, ‑, −), spaces of any kind (including no-break and thin spaces), dots,
// slashes and invisible format characters. So 010190–1234, 01.01.90-1234,
// 01 01 90 1234, 010190/1234 and 010190 - 1234 are all CPR numbers.
//
// A date followed by four digits is refused even when the four digits are
// meant as a year, a time or an amount (01.01.90 2026): the guard cannot
// tell them from a serial, and a CPR number let through is worse than a
// note typed again. Plain dates (01.01.1990, 2026-12-04, 04.12.26 10.30),
// phone numbers (+45 12 34 56 78, +45 1234 5678), CVR numbers and amounts
// never hold ten digits split only at those places, so they pass.
//
// Since 2007 valid CPR numbers need not pass modulus 11, so none is
// checked. Digits of other scripts that NFKC does not fold (such as
// Arabic-Indic digits) are not read as digits.
func ContainsCPR(s string) bool {
	digits, fold := countDigits(s)
	if digits < 10 {
		return false
	}
	if fold {
		s = norm.NFKC.String(s)
	}
	return scanCPR(s)
}

// countDigits counts the digits s holds once folded with NFKC, without
// folding it, and reports whether folding changes a digit or a separator
// (so that the text must be folded before it is scanned). Text without
// such characters, which is nearly all, is scanned as it is and costs no
// allocation.
func countDigits(s string) (digits int, fold bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if isDigit(c) {
				digits++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0xC0 && r <= 0xFF {
			// Latin-1 letters (æ, ø, å, é) fold to letters at most.
			i += size
			continue
		}
		p := norm.NFKC.PropertiesString(s[i:])
		if d := p.Decomposition(); d != nil {
			n, sep := digitsIn(d)
			digits += n
			fold = fold || n > 0 || (sep && !isSeparator(r))
		}
		i += size
	}
	return digits, fold
}

// digitsIn counts the ASCII digits of a decomposition and reports whether
// it holds a separator.
func digitsIn(d []byte) (digits int, sep bool) {
	for i := 0; i < len(d); {
		r, size := utf8.DecodeRune(d[i:])
		if r < utf8.RuneSelf && isDigit(byte(r)) {
			digits++
		} else if isSeparator(r) {
			sep = true
		}
		i += size
	}
	return digits, sep
}

// group is a maximal run of ASCII digits, s[start:end].
type group struct{ start, end int }

// scanCPR looks for a CPR number in s, folded already. It keeps the last
// groups of digits joined by separator runs only: a CPR number spans at
// most four of them (DD MM YY SSSS).
func scanCPR(s string) bool {
	var chain [4]group
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if isDigit(c) {
			j := i + 1
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			if n == len(chain) {
				copy(chain[:], chain[1:])
				n--
			}
			chain[n] = group{i, j}
			n++
			if cprEndsWith(s, chain[:n]) {
				return true
			}
			i = j
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !isSeparator(r) {
			n = 0
		}
		i += size
	}
	return false
}

// cprEndsWith reports whether the last groups of chain hold exactly ten
// digits, split only after the second, fourth or sixth, the first six a
// real date.
func cprEndsWith(s string, chain []group) bool {
	total := 0
	for k := len(chain) - 1; k >= 0; k-- {
		total += chain[k].end - chain[k].start
		if total < 10 {
			continue
		}
		if total > 10 {
			return false
		}
		var d [10]byte
		m := 0
		for _, g := range chain[k:] {
			if m > 0 && (m%2 != 0 || m > 6) {
				return false
			}
			m += copy(d[m:], s[g.start:g.end])
		}
		return realDate(d[:6])
	}
	return false
}

// isSeparator reports whether r may stand between the groups of a CPR
// number: a dash, a space, a dot, a slash or an invisible format
// character (soft hyphen, zero-width space).
func isSeparator(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return asciiSeparators[r]
	case r < 0x100:
		return r == '\u00a0' || r == '\u00ad' || r == '\u0085' // no-break space, soft hyphen, next line
	}
	switch r {
	case '\u2212', // minus sign
		'\u2044', // fraction slash
		'\u2215': // division slash
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Zs, unicode.Pd, unicode.Cf)
}

// asciiSeparators are the ASCII characters that separate: white space,
// hyphen-minus, dot and slash.
var asciiSeparators = [utf8.RuneSelf]bool{' ': true, '-': true, '.': true, '/': true,
	'\t': true, '\n': true, '\r': true, '\v': true, '\f': true}

// realDate reports whether the six digits DDMMYY are a day of some
// century.
func realDate(ddmmyy []byte) bool {
	d := int(ddmmyy[0]-'0')*10 + int(ddmmyy[1]-'0')
	m := int(ddmmyy[2]-'0')*10 + int(ddmmyy[3]-'0')
	y := int(ddmmyy[4]-'0')*10 + int(ddmmyy[5]-'0')
	return RealDay(d, m, y)
}

// RealDay reports whether day d of month m exists in year y. A year below
// 100 is two digits of an unknown century: as 2000 is a leap year, 29
// February counts for any such year divisible by 4, including 00.
func RealDay(d, m, y int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	full := y
	if y < 100 {
		full = 1900 + y
		if y%4 == 0 {
			full = 2000 + y
		}
	}
	return d <= time.Date(full, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
