package commands_test

import (
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// friday4Dec is the moment of the walk: Friday 4 December 2026, in
// ISO week 49.
var friday4Dec = time.Date(2026, 12, 4, 10, 0, 0, 0, bot.Copenhagen)

// TestReadDate holds every form of rule 1 of the command language, in both
// languages and each slot: the day read, the words it took, and the
// attempts that must be refused (ok false) rather than read as a note.
func TestReadDate(t *testing.T) {
	t.Parallel()
	const (
		past     = commands.Past
		ahead    = commands.Ahead
		deadline = commands.Deadline
	)
	for _, tc := range []struct {
		slot  commands.Slot
		words string
		want  string // ISO day; "" with n > 0 is a refused attempt
		n     int
	}{
		// Numeric forms.
		{past, "2026-11-20 mødte Lars", "2026-11-20", 1},
		{past, "20/11", "2026-11-20", 1},
		{past, "20.11", "2026-11-20", 1},
		{past, "20-11-2026", "2026-11-20", 1},
		{past, "d. 20/11 ringede", "2026-11-20", 2},
		{past, "D. 1/12", "2026-12-01", 2},
		{past, "den 1/12", "2026-12-01", 2},
		{past, "31/11", "", 1},
		{past, "d. 31/11", "", 2},
		{past, "1/13", "", 1},
		{past, "20-11", "", 1},
		{past, "3. gang", "", 1},
		{past, "d. fulgte op", "", 1},
		{past, "den nye mester", "", 0},
		// Day and month names, Danish and English.
		{past, "3. december telefon fulgte op", "2026-12-03", 2},
		{past, "1. december", "2026-12-01", 2},
		{past, "3 Dec", "2026-12-03", 2},
		{past, "December 3", "2026-12-03", 2},
		{past, "Nov 20th", "2026-11-20", 2},
		{past, "20th November", "2026-11-20", 2},
		{past, "20. nov. 2026", "2026-11-20", 3},
		{past, "20 nov 2025", "2025-11-20", 3},
		{past, "20 nov 1999", "", 3},
		{past, "3. december 1000 kr", "2026-12-03", 2},
		{past, "November 20, 2026", "2026-11-20", 3},
		{past, "d. 3. december", "2026-12-03", 3},
		{past, "31. november", "", 2},
		{past, "december", "", 1},
		{past, "december var travl", "", 1},
		{past, "28. december", "2026-12-28", 2}, // 24 days ahead: this year's, refused as future by the caller
		{ahead, "29. december", "2026-12-29", 2},
		{ahead, "6. januar 2027", "2027-01-06", 3},
		{ahead, "6. januar", "2027-01-06", 2},
		{ahead, "1. december", "2026-12-01", 2}, // passed three days ago: refused by the caller, not next year's
		{ahead, "3 marts", "2027-03-03", 2},
		// Relative days.
		{past, "i dag", "2026-12-04", 2},
		{past, "i går", "2026-12-03", 2},
		{past, "igår", "2026-12-03", 1},
		{past, "i forgårs", "2026-12-02", 2},
		{past, "yesterday", "2026-12-03", 1},
		{ahead, "i morgen", "2026-12-05", 2},
		{ahead, "i overmorgen", "2026-12-06", 2},
		{ahead, "tomorrow", "2026-12-05", 1},
		// Weekdays: bare, pointed, »i fredags«.
		{past, "fredag", "2026-12-04", 1},
		{past, "mandag", "2026-11-30", 1},
		{ahead, "mandag", "2026-12-07", 1},
		{ahead, "fredag", "2026-12-11", 1},
		{past, "sidste fredag", "2026-11-27", 2},
		{past, "forrige mandag", "2026-11-30", 2},
		{past, "last monday", "2026-11-30", 2},
		{past, "i fredags", "2026-11-27", 2},
		{past, "i mandags", "2026-11-30", 2},
		{ahead, "på fredag", "2026-12-11", 2},
		{ahead, "næste tirsdag", "2026-12-08", 2},
		{ahead, "next wednesday", "2026-12-09", 2},
		{past, "sidste gang talte vi", "", 0},
		{past, "man mangler svejsere", "", 0},
		// Weeks: first working day ahead, last for a deadline, none for a contact.
		{ahead, "uge 50", "2026-12-07", 2},
		{ahead, "week 50", "2026-12-07", 2},
		{deadline, "uge 50", "2026-12-11", 2},
		{ahead, "uge 51", "2026-12-14", 2},
		{ahead, "uge 53", "2026-12-28", 2},    // 2026 has a week 53
		{deadline, "uge 52", "2026-12-24", 2}, // juledag and 2. juledag are holidays
		{ahead, "uge 49", "2026-12-04", 2},    // this week: from today on
		{ahead, "uge 2", "2027-01-11", 2},     // a week passed this year: next year's
		{ahead, "uge 10 2027", "2027-03-08", 3},
		{deadline, "week 1 2027", "2027-01-08", 3},
		{ahead, "uge 54", "", 2},
		{ahead, "uge 53 2027", "", 3},
		{past, "uge 48", "", 2},
		{ahead, "uge næste", "", 1},
		// Lengths of time.
		{ahead, "om 2 uger", "2026-12-18", 3},
		{ahead, "om to uger", "2026-12-18", 3},
		{ahead, "in 3 days", "2026-12-07", 3},
		{ahead, "om en måned", "2027-01-04", 3},
		{past, "3 dage siden", "2026-12-01", 3},
		{past, "for 2 uger siden", "2026-11-20", 4},
		{past, "2 weeks ago", "2026-11-20", 3},
		{past, "om to svejsere", "", 0},
		{past, "2 svejsere", "", 0},
		// Years outside 2000..2099.
		{past, "20/11/1999", "", 1},
	} {
		r := commands.ReadDate(strings.Fields(tc.words), friday4Dec, tc.slot)
		if r.N != tc.n || r.OK != (tc.want != "") || !r.Day.Equal(isoDay(t, tc.want)) {
			t.Errorf("ReadDate(%q, slot %d) = %s, %d, %v; want %q, %d",
				tc.words, tc.slot, r.Day.Format("2006-01-02"), r.N, r.OK, tc.want, tc.n)
		}
	}
}
