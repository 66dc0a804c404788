package commands_test

import (
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// The clocks the date tests run at. Each is a Copenhagen wall time; the DST
// ones sit on the days the clocks change, at hours that exist only once.
var (
	sundayNov  = time.Date(2026, 11, 22, 15, 0, 0, 0, bot.Copenhagen)   // Sunday
	fridayNov  = time.Date(2026, 11, 20, 9, 30, 0, 0, bot.Copenhagen)   // Friday
	newYear    = time.Date(2027, 1, 3, 10, 0, 0, 0, bot.Copenhagen)     // Sunday
	springDST  = time.Date(2026, 3, 29, 1, 30, 0, 0, bot.Copenhagen)    // Sunday, before 02:00 → 03:00
	springLate = time.Date(2026, 3, 29, 23, 45, 0, 0, bot.Copenhagen)   // Sunday, after the change
	autumnDST  = time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)          // Sunday 02:00 CET, the second 02:00
	autumnLate = time.Date(2026, 10, 25, 23, 59, 59, 0, bot.Copenhagen) // Sunday, last second
	leapYear   = time.Date(2028, 3, 15, 12, 0, 0, 0, bot.Copenhagen)    // Wednesday in a leap year
)

// isoDay is midnight of an ISO date in Copenhagen; "" is the zero time.
func isoDay(tb testing.TB, iso string) time.Time {
	tb.Helper()
	if iso == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation("2006-01-02", iso, bot.Copenhagen)
	if err != nil {
		tb.Fatalf("bad test date %q: %v", iso, err)
	}
	return d
}

type dateCase struct {
	now  time.Time
	in   string
	want string // ISO date, "" when the input must be refused
}

var parseDateCases = []dateCase{
	// ISO and Danish numeric forms.
	{sundayNov, "2026-11-20", "2026-11-20"},
	{sundayNov, "2026-1-5", "2026-01-05"},
	{sundayNov, "20/11", "2026-11-20"},
	{sundayNov, "20/11/2026", "2026-11-20"},
	{sundayNov, "20/11-2026", "2026-11-20"},
	{sundayNov, "20.11", "2026-11-20"},
	{sundayNov, "20.11.", "2026-11-20"},
	{sundayNov, "20.11.2026", "2026-11-20"},
	{sundayNov, "20.11.26", "2026-11-20"},
	{sundayNov, "20-11-2026", "2026-11-20"},
	{sundayNov, "20-11-26", "2026-11-20"},
	{sundayNov, "20/11/26", "2026-11-20"},
	{sundayNov, "5/1", "2026-01-05"},
	{sundayNov, "05.01.2027", "2027-01-05"},
	{sundayNov, "1.1.00", "2000-01-01"},
	{sundayNov, "31.12.2099", "2099-12-31"},
	{sundayNov, "  20/11  ", "2026-11-20"},
	{sundayNov, "20/11,", "2026-11-20"},
	{sundayNov, "22/12", "2026-12-22"}, // 30 days ahead: still this year
	{sundayNov, "24/12", "2025-12-24"}, // 32 days ahead: last year
	{sundayNov, "23/12", "2026-12-23"}, // exactly 31 days ahead
	{newYear, "28/12", "2026-12-28"},
	{newYear, "28.12", "2026-12-28"},
	{newYear, "3/1", "2027-01-03"},
	{newYear, "3/2", "2027-02-03"},
	{newYear, "4/2", "2026-02-04"},
	{leapYear, "29/02", "2028-02-29"},
	{leapYear, "29.02.2028", "2028-02-29"},
	{springDST, "29/3", "2026-03-29"},
	{springDST, "30.03.2026", "2026-03-30"},
	{autumnDST, "25/10", "2026-10-25"},
	{autumnDST, "2026-10-26", "2026-10-26"},

	// Words, with the spellings of keyboards without æ, ø and å.
	{sundayNov, "i dag", "2026-11-22"},
	{sundayNov, "idag", "2026-11-22"},
	{sundayNov, "I DAG", "2026-11-22"},
	{sundayNov, "today", "2026-11-22"},
	{sundayNov, "i går", "2026-11-21"},
	{sundayNov, "I GÅR", "2026-11-21"},
	{sundayNov, "I Går", "2026-11-21"},
	{sundayNov, "igår", "2026-11-21"},
	{sundayNov, "IGÅR", "2026-11-21"},
	{sundayNov, "i gar", "2026-11-21"},
	{sundayNov, "i gaar", "2026-11-21"},
	{sundayNov, "igaar", "2026-11-21"},
	{sundayNov, "i  går.", "2026-11-21"},
	{sundayNov, "yesterday", "2026-11-21"},
	{sundayNov, "Yesterday", "2026-11-21"},
	{sundayNov, "i forgårs", "2026-11-20"},
	{sundayNov, "iforgårs", "2026-11-20"},
	{sundayNov, "I FORGÅRS", "2026-11-20"},
	{sundayNov, "i forgaars", "2026-11-20"},
	{sundayNov, "i morgen", "2026-11-23"},
	{sundayNov, "imorgen", "2026-11-23"},
	{sundayNov, "tomorrow", "2026-11-23"},
	{newYear, "i forgårs", "2027-01-01"},
	{newYear, "i går", "2027-01-02"},
	{springDST, "i går", "2026-03-28"},
	{springDST, "i morgen", "2026-03-30"},
	{springLate, "i dag", "2026-03-29"},
	{springLate, "i morgen", "2026-03-30"},
	{autumnDST, "i dag", "2026-10-25"},
	{autumnDST, "i går", "2026-10-24"},
	{autumnLate, "i dag", "2026-10-25"},
	{autumnLate, "i morgen", "2026-10-26"},

	// Weekdays: the most recent such day, today included.
	{sundayNov, "mandag", "2026-11-16"},
	{sundayNov, "man", "2026-11-16"},
	{sundayNov, "tirsdag", "2026-11-17"},
	{sundayNov, "tir", "2026-11-17"},
	{sundayNov, "onsdag", "2026-11-18"},
	{sundayNov, "ons", "2026-11-18"},
	{sundayNov, "torsdag", "2026-11-19"},
	{sundayNov, "tor", "2026-11-19"},
	{sundayNov, "tors", "2026-11-19"},
	{sundayNov, "fredag", "2026-11-20"},
	{sundayNov, "fre", "2026-11-20"},
	{sundayNov, "lørdag", "2026-11-21"},
	{sundayNov, "LØRDAG", "2026-11-21"},
	{sundayNov, "Lørdag", "2026-11-21"},
	{sundayNov, "loerdag", "2026-11-21"},
	{sundayNov, "lordag", "2026-11-21"},
	{sundayNov, "lør", "2026-11-21"},
	{sundayNov, "LØR", "2026-11-21"},
	{sundayNov, "søndag", "2026-11-22"},
	{sundayNov, "SØNDAG", "2026-11-22"},
	{sundayNov, "soendag", "2026-11-22"},
	{sundayNov, "sondag", "2026-11-22"},
	{sundayNov, "søn", "2026-11-22"},
	{sundayNov, "monday", "2026-11-16"},
	{sundayNov, "Mon", "2026-11-16"},
	{sundayNov, "tuesday", "2026-11-17"},
	{sundayNov, "tue", "2026-11-17"},
	{sundayNov, "wednesday", "2026-11-18"},
	{sundayNov, "wed", "2026-11-18"},
	{sundayNov, "thursday", "2026-11-19"},
	{sundayNov, "thu", "2026-11-19"},
	{sundayNov, "friday", "2026-11-20"},
	{sundayNov, "fri", "2026-11-20"},
	{sundayNov, "saturday", "2026-11-21"},
	{sundayNov, "sat", "2026-11-21"},
	{sundayNov, "sunday", "2026-11-22"},
	{sundayNov, "sun", "2026-11-22"},
	{fridayNov, "fredag", "2026-11-20"},
	{fridayNov, "torsdag", "2026-11-19"},
	{fridayNov, "lørdag", "2026-11-14"},
	{newYear, "fredag", "2027-01-01"},
	{newYear, "mandag", "2026-12-28"},
	{springDST, "lørdag", "2026-03-28"},
	{springDST, "fredag", "2026-03-27"},
	{autumnDST, "fredag", "2026-10-23"},
	{autumnLate, "lørdag", "2026-10-24"},

	// Refused.
	{sundayNov, "", ""},
	{sundayNov, "   ", ""},
	{sundayNov, "abc", ""},
	{sundayNov, "12", ""},
	{sundayNov, "2", ""},
	{sundayNov, "20112026", ""},
	{sundayNov, "31/11", ""},
	{sundayNov, "31/11/2026", ""},
	{sundayNov, "2026-02-30", ""},
	{sundayNov, "2026-13-01", ""},
	{sundayNov, "2026-00-10", ""},
	{sundayNov, "2026-11-00", ""},
	{sundayNov, "29/02", ""},
	{sundayNov, "29.02.2026", ""},
	{sundayNov, "29.02.2100", ""},
	{sundayNov, "20/13", ""},
	{sundayNov, "0/11", ""},
	{sundayNov, "32/1", ""},
	{sundayNov, "20/0", ""},
	{sundayNov, "20/11/1999", ""},
	{sundayNov, "20/11/2100", ""},
	{sundayNov, "1999-11-20", ""},
	{sundayNov, "20/11/202", ""},
	{sundayNov, "20/11/20266", ""},
	{sundayNov, "20-11", ""}, // could be a range: »3-4 svejsere«
	{sundayNov, "20/11.2026", ""},
	{sundayNov, "20.11/2026", ""},
	{sundayNov, "2026/11/20", ""},
	{sundayNov, "/11", ""},
	{sundayNov, "20/", ""},
	{sundayNov, "20//11", ""},
	{sundayNov, "20/11/", ""},
	{sundayNov, "1/2/3/4", ""},
	{sundayNov, "-20/11", ""},
	{sundayNov, "+20/11", ""},
	{sundayNov, "20 / 11", ""},
	{sundayNov, "99999999999999999999/1", ""},
	{sundayNov, "1/99999999999999999999", ""},
	{sundayNov, "1/1/99999999999999999999", ""},
	{sundayNov, "99999999999999999999-1-1", ""},
	{sundayNov, "２０/１１", ""}, // full-width digits
	{sundayNov, "i", ""},
	{sundayNov, "går", ""},
	{sundayNov, "i går i dag", ""},
	{sundayNov, "i i går", ""},
	{sundayNov, "fredag 20/11", ""},
	{sundayNov, "næste mandag", "2026-11-23"}, // a date, ahead: a visit refuses it as future
	{sundayNov, "mandagen", ""},
	{sundayNov, "i går..", ""},
	{sundayNov, "20.11..", ""},
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, tc := range parseDateCases {
		got, ok := commands.ParseDate(tc.in, tc.now)
		want := isoDay(t, tc.want)
		if ok != (tc.want != "") || !got.Equal(want) {
			t.Errorf("ParseDate(%q) at %s = %s, %v; want %s, %v",
				tc.in, tc.now.Format(time.RFC3339), got.Format(time.RFC3339), ok, tc.want, tc.want != "")
			continue
		}
		if ok && got.Location() != bot.Copenhagen {
			t.Errorf("ParseDate(%q): location %s, want Copenhagen", tc.in, got.Location())
		}
	}
}

// TestParseDateRoundTrip reads back every day of the years around now as
// the bot writes it, so no date the bot prints is one it cannot read.
func TestParseDateRoundTrip(t *testing.T) {
	t.Parallel()
	for d := isoDay(t, "2024-01-01"); d.Year() < 2029; d = bot.AddDays(d, 1) {
		for _, s := range []string{bot.FormatDate(d, bot.Danish), d.Format("2006-01-02"), d.Format("2/1/2006"), d.Format("02-01-06")} {
			got, ok := commands.ParseDate(s, sundayNov)
			if !ok || !got.Equal(d) {
				t.Fatalf("ParseDate(%q) = %s, %v; want %s", s, got, ok, d.Format("2006-01-02"))
			}
		}
	}
}

// takeDate and takeFutureDate read a date at the start of words as a
// visit and a plan do: the day and the words it took, or zero and 0.
func takeDate(words []string, now time.Time) (time.Time, int) {
	return taken(commands.ReadDate(words, now, commands.Past))
}

func takeFutureDate(words []string, now time.Time) (time.Time, int) {
	return taken(commands.ReadDate(words, now, commands.Ahead))
}

func taken(r commands.DateRead) (time.Time, int) {
	if !r.OK {
		return time.Time{}, 0
	}
	return r.Day, r.N
}

func TestTakeDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		now   time.Time
		words string
		want  string
		n     int
	}{
		{sundayNov, "i går mødte Lars", "2026-11-21", 2},
		{sundayNov, "I GÅR mødte Lars", "2026-11-21", 2},
		{sundayNov, "i går, mødte Lars", "2026-11-21", 2},
		{sundayNov, "i dag", "2026-11-22", 2},
		{sundayNov, "i morgen kl 10", "2026-11-23", 2},
		{sundayNov, "i forgårs telefon", "2026-11-20", 2},
		{sundayNov, "i gaar telefon", "2026-11-21", 2},
		{sundayNov, "igår telefon", "2026-11-21", 1},
		{sundayNov, "iforgårs telefon", "2026-11-20", 1},
		{sundayNov, "20/11 mail opfølgning", "2026-11-20", 1},
		{sundayNov, "20.11.2026 besøg", "2026-11-20", 1},
		{sundayNov, "2026-11-20", "2026-11-20", 1},
		{sundayNov, "fredag telefon", "2026-11-20", 1},
		{sundayNov, "LØRDAG besøg", "2026-11-21", 1},
		{sundayNov, "ons mødte Lars", "2026-11-18", 1},
		{springDST, "i går besøg", "2026-03-28", 2},
		{autumnDST, "fredag besøg", "2026-10-23", 1},

		// Abbreviations that are also words count only alone or with a dot.
		{sundayNov, "man mangler svejsere", "", 0},
		{sundayNov, "man. mødte Lars", "2026-11-16", 1},
		{sundayNov, "man", "2026-11-16", 1},
		{sundayNov, "søn af ejeren", "", 0},
		{sundayNov, "tor ikke ansætte", "", 0},
		{sundayNov, "sat down with Lars", "", 0},
		{sundayNov, "sun", "2026-11-22", 1},

		// Not dates.
		{sundayNov, "", "", 0},
		{sundayNov, "mødte Lars i går", "", 0},
		{sundayNov, "i samtale med Lars", "", 0},
		{sundayNov, "i", "", 0},
		{sundayNov, "12 svejsere", "", 0},
		{sundayNov, "2 elever", "", 0},
		{sundayNov, "3-4 svejsere", "", 0},
		{sundayNov, "31/11 besøg", "", 0},
		{sundayNov, "20/13", "", 0},
		{sundayNov, "99999999999999999999/1", "", 0},
	} {
		words := strings.Fields(tc.words)
		got, n := takeDate(words, tc.now)
		if n != tc.n || !got.Equal(isoDay(t, tc.want)) {
			t.Errorf("TakeDate(%q) = %s, %d; want %s, %d", tc.words, got.Format(time.RFC3339), n, tc.want, tc.n)
		}
	}
	if got, n := takeDate(nil, sundayNov); n != 0 || !got.IsZero() {
		t.Errorf("TakeDate(nil) = %s, %d; want zero, 0", got, n)
	}
}

func TestTakeFutureDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		now   time.Time
		words string
		want  string
		n     int
	}{
		{sundayNov, "fredag", "2026-11-27", 1},
		{sundayNov, "søndag", "2026-11-29", 1}, // today's weekday is next week
		{sundayNov, "mandag ring til Lars", "2026-11-23", 1},
		{fridayNov, "fredag", "2026-11-27", 1},
		{fridayNov, "lørdag", "2026-11-21", 1},
		{sundayNov, "i dag", "2026-11-22", 2},
		{sundayNov, "i morgen", "2026-11-23", 2},
		{sundayNov, "22/11", "2026-11-22", 1}, // today
		{sundayNov, "21/11", "2026-11-21", 1}, // passed yesterday: this year's, refused as passed by the caller
		{sundayNov, "25/10", "2026-10-25", 1}, // 28 days ago: still this year's
		{sundayNov, "20/9", "2027-09-20", 1},  // long gone: next year's
		{sundayNov, "5/1", "2027-01-05", 1},
		{sundayNov, "20.11.2026", "2026-11-20", 1}, // a year: as typed
		{springDST, "mandag", "2026-03-30", 1},
		{autumnDST, "i morgen", "2026-10-26", 2},
		{leapYear, "29/2", "2028-02-29", 1},       // 15 days ago: this year's, refused as passed
		{sundayNov, "i går", "2026-11-21", 2},     // read, and refused as passed by the caller
		{sundayNov, "yesterday", "2026-11-21", 1}, // likewise
		{sundayNov, "man mangler svejsere", "", 0},
		{sundayNov, "12", "", 0},
	} {
		if tc.n == 0 {
			tc.want = ""
		}
		got, n := takeFutureDate(strings.Fields(tc.words), tc.now)
		if n != tc.n || !got.Equal(isoDay(t, tc.want)) {
			t.Errorf("TakeFutureDate(%q) at %s = %s, %d; want %s, %d",
				tc.words, tc.now.Format(time.RFC3339), got.Format(time.RFC3339), n, tc.want, tc.n)
		}
	}
}

func TestTakeSnooze(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		now   time.Time
		words string
		want  string
		n     int
	}{
		{sundayNov, "7d", "2026-11-29", 1},
		{sundayNov, "7D", "2026-11-29", 1},
		{sundayNov, "1d", "2026-11-23", 1},
		{sundayNov, "2w", "2026-12-06", 1},
		{sundayNov, "3u", "2026-12-13", 1},
		{sundayNov, "10 dage", "2026-12-02", 2},
		{sundayNov, "1 dag", "2026-11-23", 2},
		{sundayNov, "2 uger", "2026-12-06", 2},
		{sundayNov, "1 uge", "2026-11-29", 2},
		{sundayNov, "1 week", "2026-11-29", 2},
		{sundayNov, "2 weeks", "2026-12-06", 2},
		{sundayNov, "3 days", "2026-11-25", 2},
		{sundayNov, "2 uger, ferie", "2026-12-06", 2},
		{sundayNov, "10dage", "2026-12-02", 1},
		{sundayNov, "365d", "2027-11-22", 1},
		{sundayNov, "52w", "2027-11-21", 1},
		{sundayNov, "7d de har travlt", "2026-11-29", 1},
		{springDST, "1d", "2026-03-30", 1},
		{springLate, "7d", "2026-04-05", 1},
		{time.Date(2026, 3, 28, 12, 0, 0, 0, bot.Copenhagen), "2d", "2026-03-30", 1},
		{time.Date(2026, 10, 24, 23, 30, 0, 0, bot.Copenhagen), "2d", "2026-10-26", 1},
		{autumnDST, "1w", "2026-11-01", 1},

		// Dates look ahead.
		{sundayNov, "i morgen", "2026-11-23", 2},
		{sundayNov, "fredag", "2026-11-27", 1},
		{sundayNov, "søndag", "2026-11-29", 1},
		{fridayNov, "fredag", "2026-11-27", 1},
		{sundayNov, "5/1", "2027-01-05", 1},
		{sundayNov, "23/11", "2026-11-23", 1},
		{sundayNov, "22/11", "", 0}, // today
		{sundayNov, "20/11", "", 0}, // two days ago: this year's, so no snooze
		{sundayNov, "2027-01-05", "2027-01-05", 1},
		{sundayNov, "05.01.2027 så har de budget", "2027-01-05", 1},
		{newYear, "28/12", "2027-12-28", 1},

		// Refused.
		{sundayNov, "", "", 0},
		{sundayNov, "7", "", 0},
		{sundayNov, "7 svejsere", "", 0},
		{sundayNov, "0d", "", 0},
		{sundayNov, "366d", "", 0},
		{sundayNov, "53w", "", 0},
		{sundayNov, "1000 dage", "", 0},
		{sundayNov, "99999999999999999999d", "", 0},
		{sundayNov, "99999999999999999999 uger", "", 0},
		{sundayNov, "-7d", "", 0},
		{sundayNov, "7x", "", 0},
		{sundayNov, "d", "", 0},
		{sundayNov, "i dag", "", 0},
		{sundayNov, "i går", "", 0},
		{sundayNov, "2026-11-20", "", 0},
		{sundayNov, "2027-11-23", "", 0}, // 366 days ahead
		{sundayNov, "2030-01-01", "", 0},
		{sundayNov, "31/11", "", 0},
		{sundayNov, "abc", "", 0},
	} {
		words := strings.Fields(tc.words)
		got, n := commands.TakeSnooze(words, tc.now)
		if n != tc.n || !got.Equal(isoDay(t, tc.want)) {
			t.Errorf("TakeSnooze(%q) at %s = %s, %d; want %s, %d",
				tc.words, tc.now.Format(time.RFC3339), got.Format(time.RFC3339), n, tc.want, tc.n)
		}
	}
}

func BenchmarkParseDate(b *testing.B) {
	inputs := []string{"20.11.2026", "i går", "lørdag", "2026-11-20", "abc"}
	for i := 0; b.Loop(); i++ {
		commands.ParseDate(inputs[i%len(inputs)], sundayNov)
	}
}
