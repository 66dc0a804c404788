package commands

import (
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
)

// Dates are read the way a consultant types them in a chat line. Two
// readings exist: a logged contact looks back (»fredag« is the Friday that
// has been), a snooze looks ahead (»fredag« is the Friday to come). Both
// share one vocabulary, so a word means the same kind of thing everywhere.

// direction says which way an incomplete date (no year, a weekday) points.
type direction int

const (
	past   direction = iota // the most recent such day, today included
	future                  // the next such day
)

// maxSnoozeDays is the longest snooze: a year. Longer is a pause, not a snooze.
const maxSnoozeDays = 365

// noYearAhead is how many days ahead a date without a year may lie and
// still be this year's when looking back: far enough for a follow-up in the
// coming month, near enough that "28/12" typed on 3 January is last December.
const noYearAhead = 31

// relativeDays are the words for a day counted from today, with the keyboard
// spellings of æ, ø and å people use on foreign keyboards.
var relativeDays = map[string]int{
	"i dag": 0, "idag": 0, "today": 0,
	"i går": -1, "igår": -1, "i gar": -1, "igar": -1, "i gaar": -1, "igaar": -1, "yesterday": -1,
	"i forgårs": -2, "iforgårs": -2, "i forgaars": -2, "iforgaars": -2, "i forgars": -2, "iforgars": -2,
	"i morgen": 1, "imorgen": 1, "tomorrow": 1,
}

// weekdays are the Danish and English weekday names and their abbreviations.
var weekdays = map[string]time.Weekday{
	"mandag": time.Monday, "man": time.Monday,
	"tirsdag": time.Tuesday, "tir": time.Tuesday, "tirs": time.Tuesday,
	"onsdag": time.Wednesday, "ons": time.Wednesday,
	"torsdag": time.Thursday, "tor": time.Thursday, "tors": time.Thursday,
	"fredag": time.Friday, "fre": time.Friday,
	"lørdag": time.Saturday, "loerdag": time.Saturday, "lordag": time.Saturday, "lør": time.Saturday, "loer": time.Saturday,
	"søndag": time.Sunday, "soendag": time.Sunday, "sondag": time.Sunday, "søn": time.Sunday, "soen": time.Sunday,
	"monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"friday": time.Friday, "fri": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday,
	"sunday": time.Sunday, "sun": time.Sunday,
}

// ambiguousWeekdays are abbreviations that are also ordinary words at the
// start of a note (»man mangler svejsere«, »søn af ejeren«, »sat down«).
// TakeDate reads them as a day only when they stand alone or end in a dot.
var ambiguousWeekdays = map[string]bool{"man": true, "tor": true, "søn": true, "sat": true, "sun": true}

// snoozeUnits are the units of a snooze length, in days.
var snoozeUnits = map[string]int{
	"d": 1, "dag": 1, "dage": 1, "day": 1, "days": 1,
	"u": 7, "uge": 7, "uger": 7, "w": 7, "week": 7, "weeks": 7,
}

// ParseDate parses one date as a consultant types it, relative to now (Copenhagen).
// It returns midnight of that day in bot.Copenhagen.
//
// Case is ignored, surrounding spaces are trimmed and one trailing "." or ","
// is dropped. It accepts ISO dates (2026-11-20); Danish dates 20/11,
// 20/11/2026, 20/11-2026, 20.11, 20.11.2026, 20.11.26 and 20-11-2026, where
// a two-digit year means 20yy; the words i dag, i går, i forgårs, i morgen
// (also written as one word and with aa/a for å) and today, yesterday,
// tomorrow; and Danish and English weekday names and abbreviations.
//
// A weekday name means the most recent day with that weekday, today
// included: »fredag« typed on a Friday is today, typed on a Sunday it is two
// days ago. A date without a year is this year's, unless that lies more than
// 31 days ahead, when it is last year's ("28/12" typed on 3 January is last
// December). Impossible dates (31/11, 29/02 outside leap years, month 13),
// years outside 2000..2099 and plain numbers without a separator are
// refused with ok false.
func ParseDate(s string, now time.Time) (time.Time, bool) {
	return parseDate(s, now, past)
}

// TakeDate tries to read a date from the start of words (e.g. ["i","går","mødte","Lars"]) and
// returns the day and how many words it used (0 when the words do not start with a date).
//
// It reads what ParseDate reads, trying the two-word forms (i dag, i går, i
// morgen, i forgårs) before one word. The weekday abbreviations that are
// also common words (man, tor, søn, sat, sun) count only when they are the
// last word or end in a dot, so »man mangler svejsere« stays a note.
func TakeDate(words []string, now time.Time) (day time.Time, n int) {
	return takeDate(words, now, past)
}

// TakeFutureDate is TakeDate looking ahead, for days still to come such as
// a follow-up: a weekday name is the next such day after today, a date
// without a year the next such date from today on, and i går, i forgårs and
// yesterday are not read (n is 0). A date with a year is returned as typed,
// even when it has passed; the caller decides what is too early.
func TakeFutureDate(words []string, now time.Time) (day time.Time, n int) {
	return takeDate(words, now, future)
}

// TakeSnooze reads "7d", "2w", "3u" (uger), "10 dage", "2 uger", "1 week", "2 weeks" or a date
// from the start of words, returning the day the snooze ends (midnight Copenhagen). n is words
// used, 0 when the words do not start with a snooze.
//
// A length must come to 1..365 days. A date looks ahead: a weekday is the
// next such day after today, a date without a year the next such date, and
// i går or a day already past is no snooze. The end must lie 1..365 days
// after today.
func TakeSnooze(words []string, now time.Time) (until time.Time, n int) {
	if len(words) == 0 {
		return time.Time{}, 0
	}
	if days, n := snoozeLength(words); n > 0 {
		return bot.AddDays(now, days), n
	}
	day, n := TakeFutureDate(words, now)
	if n == 0 {
		return time.Time{}, 0
	}
	if ahead := bot.DaysBetween(now, day); ahead < 1 || ahead > maxSnoozeDays {
		return time.Time{}, 0
	}
	return day, n
}

// snoozeLength reads "7d", "7 dage" and the like into days. n is 0 when
// words do not start with a length of 1..365 days.
func snoozeLength(words []string) (days, n int) {
	w := dateKey(words[0])
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	// More than three digits is more than 365 days in any unit; checking
	// the length first also keeps Atoi from overflowing.
	if i == 0 || i > 3 {
		return 0, 0
	}
	count, _ := strconv.Atoi(w[:i])
	unit, n := w[i:], 1
	if unit == "" && len(words) > 1 {
		unit, n = dateKey(words[1]), 2
	}
	per, ok := snoozeUnits[unit]
	if !ok || count*per < 1 || count*per > maxSnoozeDays {
		return 0, 0
	}
	return count * per, n
}

func takeDate(words []string, now time.Time, dir direction) (time.Time, int) {
	if len(words) >= 2 && dateKey(words[0]) == "i" {
		if day, ok := parseDate(words[0]+" "+words[1], now, dir); ok {
			return day, 2
		}
	}
	if len(words) == 0 {
		return time.Time{}, 0
	}
	if ambiguousWeekdays[dateKey(words[0])] && len(words) > 1 && !strings.HasSuffix(words[0], ".") {
		return time.Time{}, 0
	}
	if day, ok := parseDate(words[0], now, dir); ok {
		return day, 1
	}
	return time.Time{}, 0
}

// dateKey folds s for lookup: trimmed, lower case, single spaces, without
// one trailing dot or comma.
func dateKey(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, ",") {
		s = s[:len(s)-1]
	}
	return s
}

func parseDate(s string, now time.Time, dir direction) (time.Time, bool) {
	key := dateKey(s)
	today := bot.Day(now)
	var day time.Time
	if k, ok := relativeDays[key]; ok {
		if dir == future && k < 0 {
			return time.Time{}, false
		}
		day = bot.AddDays(today, k)
	} else if wd, ok := weekdays[key]; ok {
		day = weekdayFrom(today, wd, dir)
	} else if d, ok := parseNumeric(key, today, dir); ok {
		day = d
	} else {
		return time.Time{}, false
	}
	if y := day.Year(); y < 2000 || y > 2099 {
		return time.Time{}, false
	}
	return day, true
}

// weekdayFrom returns the most recent day with weekday wd, today included,
// or looking ahead the next one after today.
func weekdayFrom(today time.Time, wd time.Weekday, dir direction) time.Time {
	if dir == future {
		ahead := (int(wd) - int(today.Weekday()) + 7) % 7
		if ahead == 0 {
			ahead = 7
		}
		return bot.AddDays(today, ahead)
	}
	back := (int(today.Weekday()) - int(wd) + 7) % 7
	return bot.AddDays(today, -back)
}

// parseNumeric reads the numeric forms: ISO y-m-d, and d/m, d.m, d/m/y,
// d/m-y, d.m.y and d-m-y with a two- or four-digit year.
func parseNumeric(s string, today time.Time, dir direction) (time.Time, bool) {
	groups, seps, ok := splitNumeric(s)
	if !ok {
		return time.Time{}, false
	}
	num := func(i int) int { n, _ := strconv.Atoi(groups[i]); return n }
	switch {
	case len(groups) == 3 && seps == "--" && len(groups[0]) == 4 && len(groups[1]) <= 2 && len(groups[2]) <= 2:
		return validDate(num(0), num(1), num(2))
	case len(groups[0]) > 2 || len(groups[1]) > 2:
		return time.Time{}, false
	case len(groups) == 2 && (seps == "/" || seps == "."):
		return dateWithoutYear(num(1), num(0), today, dir)
	case len(groups) == 3 && (seps == "//" || seps == "/-" || seps == ".." || seps == "--"):
		y := num(2)
		switch len(groups[2]) {
		case 2:
			y += 2000
		case 4:
		default:
			return time.Time{}, false
		}
		return validDate(y, num(1), num(0))
	}
	return time.Time{}, false
}

// splitNumeric splits s into two or three groups of one to four digits and
// the single separators between them. Longer groups are refused here, so
// that no number overflows.
func splitNumeric(s string) (groups []string, seps string, ok bool) {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if i-start >= 4 {
				return nil, "", false
			}
			continue
		}
		if i == start || len(groups) == 3 {
			return nil, "", false
		}
		groups = append(groups, s[start:i])
		if i < len(s) {
			if c := s[i]; c != '/' && c != '.' && c != '-' {
				return nil, "", false
			}
			seps += s[i : i+1]
		}
		start = i + 1
	}
	return groups, seps, len(groups) >= 2
}

// dateWithoutYear places day d of month m in a year: looking back, this
// year's unless that is more than noYearAhead days ahead; looking
// ahead, the next such date from today on.
func dateWithoutYear(m, d int, today time.Time, dir direction) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	y := today.Year()
	// time.Date rolls 29/02 of a common year over to 1 March, which is
	// near enough to choose the year; validDate then refuses it.
	guess := time.Date(y, time.Month(m), d, 0, 0, 0, 0, bot.Copenhagen)
	switch {
	case dir == past && bot.DaysBetween(today, guess) > noYearAhead:
		y--
	case dir == future && guess.Before(today):
		y++
	}
	return validDate(y, m, d)
}

// validDate returns midnight of y-m-d in Copenhagen when that day exists
// and y is in 2000..2099.
func validDate(y, m, d int) (time.Time, bool) {
	if y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, bot.Copenhagen)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}
