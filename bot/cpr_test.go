package bot_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"kontaktbot/bot"
)

func TestContainsCPR(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"010190-1234", true},
		{"0101901234", true},
		{"010190 1234", true},
		{"mødte 010190-1234 i dag", true},
		{"x0101901234x", true},
		{"cpr: 010190-1234.", true},
		{"(0101901234)", true},
		{"290200-1234", true}, // 2000 was a leap year
		{"290296-1234", true}, // 1996 and 2096: leap
		{"311299-0000", true}, // last day of a year
		{"010190-1234 og 020290-4321", true},
		{"0101901234 ", true},
		// Any run of dashes, spaces, dots and slashes separates.
		{"010190–1234", true},        // en dash
		{"010190—1234", true},        // em dash
		{"010190\u20111234", true},   // non-breaking hyphen
		{"010190\u22121234", true},   // minus sign
		{"010190\u00a01234", true},   // no-break space
		{"010190\u202f1234", true},   // narrow no-break space
		{"010190\u20091234", true},   // thin space
		{"010190\u00ad1234", true},   // soft hyphen
		{"010190\u200b1234", true},   // zero-width space
		{"010190/1234", true},        // slash
		{"010190 - 1234", true},      // a run
		{"010190--1234", true},       // a run
		{"01.01.90-1234", true},      // between the date's pairs too
		{"01 01 90 1234", true},      // spaced out
		{"01-01-90-1234", true},      // dashed out
		{"01/01/90 1234", true},      // as a date, then the serial
		{"01.01.90 1234", true},      // the same
		{"01.01.90 2026", true},      // date and four digits: refused, see the doc
		{"0101 901234", true},        // split after the fourth digit
		{"01 01901234", true},        // split after the second digit
		{"０１０１９０-１２３４", true},        // full-width digits
		{"０１０１９０－１２３４", true},        // full-width hyphen too
		{"cpr ０１.０１.９０ １２３４", true},  // full-width with dots
		{"tlf 12 010190 1234", true}, // a number before does not hide it
		{"310290-1234", false},       // no 31 February
		{"300290-1234", false},       // no 30 February
		{"2902011234", false},        // 1901 and 2001: not leap
		{"310490-1234", false},       // April has 30 days
		{"000190-1234", false},       // day 0
		{"011390-1234", false},       // month 13
		{"010090-1234", false},       // month 0
		{"12345678", false},          // phone or CVR
		{"tlf 22334455", false},
		{"+45 22 33 44 55", false},
		{"+45 2233 4455", false},
		{"+45 12 34 56 78", false},
		{"+45 1234 5678", false},
		{"CVR 12345678", false},
		{"DK12345678", false},
		{"20.11.2026", false},
		{"01.01.1990", false},
		{"1/12", false},
		{"2026-12-04", false},
		{"2026-12-04 1234", false}, // an ISO date splits at the wrong places
		{"04.12.26 10.30", false},  // date and time
		{"4. december 2026 kl. 10.30", false},
		{"1.234.567 kr", false},
		{"1.234.567.890 kr", false}, // ten digits, split at the wrong places
		{"01019012345", false},      // 11 digits
		{"10101901234", false},      // 11 digits, the date inside
		{"010190-12345", false},     // five digits after the dash
		{"010190-123", false},       // three digits after the dash
		{"010190 12 34", false},     // the serial is not split
		{"010190 kl 1234", false},   // a word between
		{"0101901", false},
		{"", false},
		{"mødte Lars om to svejsere", false},
	} {
		if got := bot.ContainsCPR(tc.in); got != tc.want {
			t.Errorf("ContainsCPR(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// danishNote is a realistic note of about 2,000 characters: dates, times,
// phone and CVR numbers, amounts, and no CPR number.
func danishNote() string {
	const para = "Mødte Lars Østergård og Søren på lageret i Ærøskøbing d. 4. december 2026 kl. 10.30. " +
		"De mangler to svejsere og en truckfører fra 1/12, gerne med certifikat; løn 185.000 kr. om året. " +
		"Ring på +45 12 34 56 78 eller 87654321, CVR 12345678. Næste møde 2026-12-11 kl. 9.15–10.00, " +
		"og åbent hus 15.01.2027. Tre ledige på sigt, måske fire i foråret. "
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < 2000 {
		b.WriteString(para)
	}
	r := []rune(b.String())
	return string(r[:2000])
}

func TestContainsCPRAllocates(t *testing.T) {
	note := danishNote()
	if bot.ContainsCPR(note) {
		t.Fatal("the note holds no CPR number, but ContainsCPR says it does")
	}
	for _, s := range []string{note, strings.Repeat("tlf 12345678 og 87654321 ", 40), "010190-1234 ærlig talt"} {
		if n := testing.AllocsPerRun(20, func() { bot.ContainsCPR(s) }); n != 0 {
			t.Errorf("ContainsCPR(%.30q…) allocates %v times, want 0", s, n)
		}
	}
}

// BenchmarkContainsCPR runs the guard over a 2,000-character Danish note;
// the target is under 20 µs.
func BenchmarkContainsCPR(b *testing.B) {
	note := danishNote()
	b.SetBytes(int64(len(note)))
	for b.Loop() {
		if bot.ContainsCPR(note) {
			b.Fatal("false positive")
		}
	}
}

// BenchmarkContainsCPRFolded is the slow path: text NFKC must fold.
func BenchmarkContainsCPRFolded(b *testing.B) {
	note := danishNote()[:1990] + " ０１２３４５６７８９"
	for b.Loop() {
		bot.ContainsCPR(note)
	}
}

// FuzzContainsCPR feeds ContainsCPR any bytes: it must not panic, and a CPR
// number it finds must still be found with text around it.
func FuzzContainsCPR(f *testing.F) {
	for _, s := range []string{"010190-1234", "0101901234", "010190 1234", "mødte 010190-1234 i dag", "x0101901234x",
		"290200-1234", "2902011234", "12345678", "20.11.2026", "01019012345", "010190-", "010190 ", "0101901", "",
		"01.01.90–1234", "０１０１９０-１２３４", "01 01 90 1234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if bot.ContainsCPR(s) && !bot.ContainsCPR("note: "+s+" slut") {
			t.Fatalf("ContainsCPR(%q) but not with words around it", s)
		}
	})
}

// cprSeparators are the separator runs a CPR number may be spelt with.
var cprSeparators = []string{
	"", "-", " ", ".", "/", "–", "—", "\u2011", "\u2212", "\u00a0", "\u202f", "\u2009", "\u2007",
	"\u00ad", "\u200b", "－", "．", "／", "\u3000", " - ", "--", ". ", " / ", "\u00a0–\u00a0", "  ",
}

// FuzzCPRSpellings builds a CPR number from the fuzzer's input (a real
// date, a serial, separator runs between the date's pairs and before the
// serial, perhaps full-width digits) inside text, and holds the guard to
// refusing it.
func FuzzCPRSpellings(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(90), uint16(1234), uint32(0), false, "mødte", "i dag")
	f.Add(uint8(29), uint8(2), uint8(0), uint16(0), uint32(0x01020304), true, "", "")
	f.Add(uint8(31), uint8(12), uint8(99), uint16(9999), uint32(0x05050505), false, "tlf 12", "34")
	f.Fuzz(func(t *testing.T, day, month, year uint8, serial uint16, seps uint32, wide bool, before, after string) {
		m, y := 1+int(month)%12, int(year)%100
		d := 1 + int(day)%31
		for !bot.RealDay(d, m, y) {
			d--
		}
		digits := fmt.Sprintf("%02d%02d%02d%04d", d, m, y, int(serial)%10000)
		if wide {
			digits = strings.Map(func(r rune) rune { return r - '0' + '０' }, digits)
		}
		w := len(digits) / 10 // bytes per digit
		sep := func(i int) string { return cprSeparators[int(seps>>(8*i)&0xff)%len(cprSeparators)] }
		cpr := digits[:2*w] + sep(0) + digits[2*w:4*w] + sep(1) + digits[4*w:6*w] + sep(2) + digits[6*w:]
		s := before + " " + cpr + " " + after
		if !bot.ContainsCPR(s) {
			t.Fatalf("ContainsCPR(%q) = false; the CPR number %q is in it", s, cpr)
		}
	})
}

// notCPR returns one of the numbers a note may hold that are no CPR
// number: plain dates, phone numbers, CVR numbers, ISO dates, times and
// amounts, drawn with r.
func notCPR(kind byte, r *rand.Rand) string {
	day, month, year := 1+r.IntN(28), 1+r.IntN(12), 1900+r.IntN(200)
	n := func(digits int) string { return fmt.Sprintf("%0*d", digits, r.IntN(pow10(digits))) }
	switch kind % 14 {
	case 0:
		return fmt.Sprintf("%02d.%02d.%d", day, month, year)
	case 1:
		return fmt.Sprintf("%d/%d", day, month)
	case 2:
		return fmt.Sprintf("%d-%02d-%02d", year, month, day)
	case 3:
		return fmt.Sprintf("%d. december %d kl. %d.%02d", day, year, r.IntN(24), r.IntN(60))
	case 4:
		return "+45 " + n(2) + " " + n(2) + " " + n(2) + " " + n(2)
	case 5:
		return "+45 " + n(4) + " " + n(4)
	case 6:
		return n(8)
	case 7:
		return "CVR " + n(8)
	case 8:
		return "DK" + n(8)
	case 9:
		return fmt.Sprintf("kl. %d.%02d–%d.%02d", r.IntN(24), r.IntN(60), r.IntN(24), r.IntN(60))
	case 10:
		return fmt.Sprintf("%d.%03d.%03d kr", r.IntN(1000), r.IntN(1000), r.IntN(1000))
	case 11:
		return fmt.Sprintf("%02d.%02d.%02d kl. %02d.%02d", day, month, year%100, r.IntN(24), r.IntN(60))
	case 12:
		return fmt.Sprintf("%d-%02d-%02d %02d:%02d", year, month, day, r.IntN(24), r.IntN(60))
	default:
		return fmt.Sprintf("%d/%d-%d", day, month, year)
	}
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

var noteWords = []string{"mødte", "Lars", "om", "to", "svejsere", "ring", "på", "og", "næste", "møde", "ærligt", "CVR-nr.", "tlf.", "fra"}

// FuzzNotCPR builds a note of words and numbers that are no CPR numbers
// (dates, phone and CVR numbers, ISO dates, times, amounts) from the
// fuzzer's input and holds the guard to letting it through.
func FuzzNotCPR(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, uint64(1))
	f.Add([]byte{4, 4, 5, 5}, uint64(42))
	f.Fuzz(func(t *testing.T, plan []byte, seed uint64) {
		r := rand.New(rand.NewPCG(seed, uint64(len(plan))))
		var b strings.Builder
		for i, k := range plan {
			if i > 0 {
				// A word between two numbers, so that they are not read as one.
				b.WriteString(" " + noteWords[int(k/14)%len(noteWords)] + " ")
			}
			b.WriteString(notCPR(k, r))
		}
		if s := b.String(); bot.ContainsCPR(s) {
			t.Fatalf("ContainsCPR(%q) = true; it holds no CPR number", s)
		}
	})
}
