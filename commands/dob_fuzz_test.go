package commands

import (
	"fmt"
	"testing"

	"kontaktbot/bot"
)

// dobMonths are month names a date of birth may be written with, January
// first, in Danish and English, whole and abbreviated.
var dobMonths = []string{"januar", "feb.", "marts", "April", "maj", "juni", "July", "aug.", "sept.", "oktober", "November", "Dec"}

// FuzzDateOfBirth builds a date of birth from the fuzzer's input, in one
// of the spellings people use, inside text about a candidate, and holds
// the candidate fields to refusing it: containsFullDate must find it
// whatever stands around it.
func FuzzDateOfBirth(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint16(1990), uint8(0), "truckkort", "lager")
	f.Add(uint8(29), uint8(2), uint16(2000), uint8(5), "99.", "")
	f.Add(uint8(31), uint8(12), uint16(1975), uint8(9), "", "12")
	f.Fuzz(func(t *testing.T, day, month uint8, year uint16, style uint8, before, after string) {
		m, y := 1+int(month)%12, 1900+int(year)%130
		d := 1 + int(day)%31
		for !bot.RealDay(d, m, y) {
			d--
		}
		var date string
		switch style % 10 {
		case 0:
			date = fmt.Sprintf("%02d.%02d.%d", d, m, y)
		case 1:
			date = fmt.Sprintf("%d/%d-%02d", d, m, y%100)
		case 2:
			date = fmt.Sprintf("%d-%02d-%02d", y, m, d)
		case 3:
			date = fmt.Sprintf("%d. %s %d", d, dobMonths[m-1], y)
		case 4:
			date = fmt.Sprintf("%02d%02d%02d", d, m, y%100)
		case 5:
			date = fmt.Sprintf("%02d %02d %d", d, m, y)
		case 6:
			date = fmt.Sprintf("%d.%d.%02d", d, m, y%100)
		case 7:
			date = fmt.Sprintf("%s %d, %d", dobMonths[m-1], d, y)
		case 8:
			date = fmt.Sprintf("%02d%02d%d", d, m, y)
		default:
			date = fmt.Sprintf("%d/%d–%d", d, m, y)
		}
		// A space and a word keep the text around from running into the
		// date (»12« then »01.01.1990« would be another number).
		s := before + " født " + date + " og " + after
		if !containsFullDate(s) {
			t.Fatalf("containsFullDate(%q) = false; the date of birth %q is in it", s, date)
		}
	})
}
