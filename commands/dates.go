package commands

import (
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
)

// Dates are read the way a consultant types them in a chat line, by one
// reader for every command. What a date is for (its Slot) decides how an
// incomplete date is read: a logged contact looks back (»fredag« is the
// Friday that has been), a plan looks ahead (»fredag« is the Friday to
// come). Words that look like an attempt at a date but cannot be read are
// reported as such, so that no command saves a line whose date it did not
// understand.

// Slot is what a date is for, which decides how an incomplete one (no
// year, a bare weekday, a week number) is read.
type Slot int

const (
	// Past is a day that has been, such as a logged contact: a bare
	// weekday is the most recent such day, today included; a date without
	// a year is this year's unless that lies more than a month ahead.
	Past Slot = iota
	// Ahead is a day to come, such as a plan, a follow-up, a snooze or a
	// start: a bare weekday is the next such day after today; a date
	// without a year is the next such date, unless it passed less than a
	// month ago (then it is this year's, and refused as passed); a week
	// is its first working day from today on.
	Ahead
	// Deadline is Ahead for a last day: a week is its last working day.
	Deadline
)

// maxSnoozeDays is the longest snooze: a year. Longer is a pause, not a snooze.
const maxSnoozeDays = 365

// noYearSlack is how many days a date without a year may lie against the
// slot's direction and still be this year's: "22/12" typed on 3 December
// for a contact is a future day to refuse, not last year's; "1/12" typed on
// 4 December for a plan is a day that has passed, not next year's.
const noYearSlack = 31

// maxDateWords is the most words a date is written with ("for 2 uger
// siden", "d. 20. november 2026").
const maxDateWords = 4

// relativeDays are the words for a day counted from today, with the keyboard
// spellings of æ, ø and å people use on foreign keyboards.
var relativeDays = map[string]int{
	"i dag": 0, "idag": 0, "today": 0,
	"i går": -1, "igår": -1, "i gar": -1, "igar": -1, "i gaar": -1, "igaar": -1, "yesterday": -1,
	"i forgårs": -2, "iforgårs": -2, "i forgaars": -2, "iforgaars": -2, "i forgars": -2, "iforgars": -2,
	"i morgen": 1, "imorgen": 1, "tomorrow": 1,
	"i overmorgen": 2, "iovermorgen": 2, "overmorgen": 2,
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
// They are read as a day only when they stand alone or end in a dot.
var ambiguousWeekdays = map[string]bool{"man": true, "tor": true, "søn": true, "sat": true, "sun": true}

// Words that point a weekday back or ahead: »sidste fredag«, »på fredag«.
var (
	lastWords = map[string]bool{"sidste": true, "forrige": true, "last": true, "previous": true}
	nextWords = map[string]bool{"næste": true, "naeste": true, "naste": true, "next": true, "på": true, "paa": true, "kommende": true, "coming": true, "this": true}
)

// months are the Danish and English month names and abbreviations.
var months = map[string]time.Month{
	"januar": 1, "january": 1, "jan": 1,
	"februar": 2, "february": 2, "feb": 2,
	"marts": 3, "march": 3, "mar": 3,
	"april": 4, "apr": 4,
	"maj": 5, "may": 5,
	"juni": 6, "june": 6, "jun": 6,
	"juli": 7, "july": 7, "jul": 7,
	"august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "october": 10, "okt": 10, "oct": 10,
	"november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

// weekWords begin a week number: »uge 50«, »week 50«.
var weekWords = map[string]bool{"uge": true, "week": true, "wk": true, "u": true}

// counts are the small numbers people write as words: »om to uger«.
var counts = map[string]int{
	"en": 1, "et": 1, "én": 1, "a": 1, "an": 1, "one": 1,
	"to": 2, "two": 2, "tre": 3, "three": 3, "fire": 4, "four": 4, "fem": 5, "five": 5,
	"seks": 6, "six": 6, "syv": 7, "seven": 7, "otte": 8, "eight": 8, "ni": 9, "nine": 9, "ti": 10, "ten": 10,
}

// units are the units of a length of time, in days; a month is -1 and
// counted by the calendar.
var units = map[string]int{
	"d": 1, "dag": 1, "dage": 1, "day": 1, "days": 1,
	"u": 7, "uge": 7, "uger": 7, "w": 7, "week": 7, "weeks": 7,
	"måned": -1, "måneder": -1, "maaned": -1, "maaneder": -1, "maned": -1, "maneder": -1, "md": -1, "mdr": -1, "month": -1, "months": -1,
}

// workdays is the national calendar: a week number means its first or
// last working day, whatever the jobcenter's own closed days.
var workdays = bot.NewCalendar()

// DateRead is what ReadDate found at the start of some words.
type DateRead struct {
	// Day is the day read, midnight in Copenhagen; zero unless OK.
	Day time.Time
	// N is how many words the date (or the failed attempt at one) took;
	// 0 when the words do not begin with anything like a date.
	N int
	// OK is false when the words begin with what looks like a date (digits
	// with a dot, slash or dash, a month name, »uge«) that cannot be read:
	// a day that does not exist, a week where a day is needed, a year
	// outside 2000..2099. Such a line must be refused, never saved.
	OK bool
}

// Attempted reports whether the words began with a date or an attempt at one.
func (r DateRead) Attempted() bool { return r.N > 0 }

// ReadDate reads a date from the start of words, as a consultant writes it,
// for slot, relative to now (any zone; days are Copenhagen's).
//
// It reads ISO dates (2026-11-20); 20/11, 20.11, 20/11/2026, 20/11-2026,
// 20.11.26, 20-11-2026, with »d.« or »den« before; 20. november, 20. nov.,
// 20 nov 2026, November 20, Nov 20th, 20th November; i dag, i går, i
// forgårs, i morgen, i overmorgen, today, yesterday, tomorrow; weekdays,
// bare or with sidste/forrige/last (the one before today) or
// næste/på/next (the one after today), and i mandags ... i søndags; uge 50
// and week 50, with an optional year; om 2 uger, in 3 days, om en måned,
// and 3 dage siden, for 2 uger siden, 2 weeks ago. Case is ignored and one
// trailing dot or comma on a word is dropped.
func ReadDate(words []string, now time.Time, slot Slot) DateRead {
	if len(words) > maxDateWords {
		words = words[:maxDateWords]
	}
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = dateKey(w)
	}
	today := bot.Day(now)
	r := readDate(words, keys, today, slot)
	if r.OK {
		if y := r.Day.Year(); y < 2000 || y > 2099 {
			r.OK, r.Day = false, time.Time{}
		}
	}
	return r
}

func readDate(words, keys []string, today time.Time, slot Slot) DateRead {
	if len(keys) == 0 || keys[0] == "" {
		return DateRead{}
	}
	// »d. 20/11«, »den 3. december«: »d.« promises a date, »den« may
	// begin a note (»den nye mester«).
	if keys[0] == "d" || keys[0] == "den" {
		if r := readDate(words[1:], keys[1:], today, slot); r.N > 0 {
			r.N++
			return r
		}
		if words[0] == "d." || words[0] == "D." {
			return DateRead{N: 1}
		}
		return DateRead{}
	}
	for _, read := range []func([]string, []string, time.Time, Slot) DateRead{readWords, readWeekday, readWeek, readOffset, readDayMonth} {
		if r := read(words, keys, today, slot); r.N > 0 {
			return r
		}
	}
	if d, ok := parseNumeric(keys[0], today, slot); ok {
		return DateRead{Day: d, N: 1, OK: true}
	}
	if looksLikeDate(words[0]) {
		return DateRead{N: 1}
	}
	return DateRead{}
}

// readWords reads i dag, i går, i morgen and the like, and i mandags.
func readWords(_, keys []string, today time.Time, _ Slot) DateRead {
	if len(keys) >= 2 {
		if k, ok := relativeDays[keys[0]+" "+keys[1]]; ok {
			return DateRead{Day: bot.AddDays(today, k), N: 2, OK: true}
		}
		// »i fredags« is the Friday before today.
		if keys[0] == "i" && strings.HasSuffix(keys[1], "s") {
			if wd, ok := weekdays[strings.TrimSuffix(keys[1], "s")]; ok && len(keys[1]) > 5 {
				return DateRead{Day: weekdayFrom(bot.AddDays(today, -1), wd, Past), N: 2, OK: true}
			}
		}
	}
	if k, ok := relativeDays[keys[0]]; ok {
		return DateRead{Day: bot.AddDays(today, k), N: 1, OK: true}
	}
	return DateRead{}
}

// readWeekday reads a weekday, bare or with a word that points it back or
// ahead.
func readWeekday(words, keys []string, today time.Time, slot Slot) DateRead {
	if len(keys) >= 2 && (lastWords[keys[0]] || nextWords[keys[0]]) {
		if wd, ok := weekdays[keys[1]]; ok {
			if lastWords[keys[0]] {
				return DateRead{Day: weekdayFrom(bot.AddDays(today, -1), wd, Past), N: 2, OK: true}
			}
			return DateRead{Day: weekdayFrom(today, wd, Ahead), N: 2, OK: true}
		}
		return DateRead{}
	}
	wd, ok := weekdays[keys[0]]
	if !ok || (ambiguousWeekdays[keys[0]] && len(keys) > 1 && !strings.HasSuffix(words[0], ".")) {
		return DateRead{}
	}
	return DateRead{Day: weekdayFrom(today, wd, slot), N: 1, OK: true}
}

// readWeek reads »uge 50« or »week 50 2027«: for a deadline the week's
// last working day, else its first from today on. A contact needs its day,
// so in the Past slot a week is an attempt that cannot be read.
func readWeek(_, keys []string, today time.Time, slot Slot) DateRead {
	if !weekWords[keys[0]] {
		return DateRead{}
	}
	if len(keys) < 2 || !isDigits(keys[1]) || len(keys[1]) > 2 {
		if keys[0] == "uge" || keys[0] == "week" {
			return DateRead{N: 1}
		}
		return DateRead{}
	}
	week, _ := strconv.Atoi(keys[1])
	n := 2
	year, explicit := today.Year(), false
	if len(keys) > 2 && isDigits(keys[2]) && len(keys[2]) == 4 {
		year, _ = strconv.Atoi(keys[2])
		n, explicit = 3, true
	}
	if slot == Past {
		return DateRead{N: n}
	}
	monday, ok := isoWeekMonday(year, week)
	if ok && !explicit && bot.AddDays(monday, 6).Before(today) {
		monday, ok = isoWeekMonday(year+1, week)
	}
	if !ok {
		return DateRead{N: n}
	}
	days := make([]time.Time, 0, 7)
	for i := range 7 {
		if d := bot.AddDays(monday, i); workdays.IsWorkingDay(d) {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return DateRead{N: n}
	}
	if slot == Deadline {
		return DateRead{Day: days[len(days)-1], N: n, OK: true}
	}
	for _, d := range days {
		if !d.Before(today) {
			return DateRead{Day: d, N: n, OK: true}
		}
	}
	return DateRead{Day: days[0], N: n, OK: true} // passed: the caller says so
}

// isoWeekMonday is the Monday of ISO week w of year y, if that week exists.
func isoWeekMonday(y, w int) (time.Time, bool) {
	if w < 1 || w > 53 || y < 2000 || y > 2099 {
		return time.Time{}, false
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, bot.Copenhagen)
	monday := bot.AddDays(jan4, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	if yy, ww := monday.ISOWeek(); yy != y || ww != w {
		return time.Time{}, false
	}
	return monday, true
}

// readOffset reads »om 2 uger«, »in 3 days«, »3 dage siden«, »for 2 uger
// siden« and »2 weeks ago«.
func readOffset(_, keys []string, today time.Time, _ Slot) DateRead {
	sign, i := 1, 0
	switch keys[0] {
	case "om", "in":
		i = 1
	case "for":
		sign, i = -1, 1
	}
	if len(keys) < i+2 {
		return DateRead{}
	}
	count, ok := counts[keys[i]]
	if !ok && isDigits(keys[i]) && len(keys[i]) <= 3 {
		count, _ = strconv.Atoi(keys[i])
		ok = true
	}
	unit, isUnit := units[keys[i+1]]
	if !ok || !isUnit || count < 1 || keys[i+1] == "d" || keys[i+1] == "u" || keys[i+1] == "w" {
		return DateRead{}
	}
	n := i + 2
	switch {
	case i == 1 && sign == 1: // om N uger
	case len(keys) > n && (keys[n] == "siden" || keys[n] == "ago"):
		sign, n = -1, n+1
	default:
		return DateRead{}
	}
	if unit < 0 {
		t := today.AddDate(0, sign*count, 0)
		return DateRead{Day: bot.Day(t), N: n, OK: true}
	}
	return DateRead{Day: bot.AddDays(today, sign*count*unit), N: n, OK: true}
}

// readDayMonth reads »20. november [2026]«, »20 nov«, »November 20[th][,]
// [2026]« and »20th November«.
func readDayMonth(words, keys []string, today time.Time, slot Slot) DateRead {
	var d, n int
	var m time.Month
	if mm, ok := months[keys[0]]; ok {
		if len(keys) < 2 {
			return DateRead{N: 1}
		}
		dd, ok := dayNumber(keys[1])
		if !ok {
			return DateRead{N: 1}
		}
		d, m, n = dd, mm, 2
	} else if dd, ok := dayNumber(keys[0]); ok && len(keys) >= 2 {
		mm, ok := months[keys[1]]
		if !ok {
			return DateRead{}
		}
		d, m, n = dd, mm, 2
	} else {
		return DateRead{}
	}
	// A four-digit number after the month is its year when it could be
	// one (»3. december 1000 kr« is a date and a sum).
	if len(keys) > n && isDigits(keys[n]) && len(keys[n]) == 4 && keys[n] >= "1900" && keys[n] < "2200" {
		y, _ := strconv.Atoi(keys[n])
		day, ok := validDate(y, int(m), d)
		return DateRead{Day: day, N: n + 1, OK: ok}
	}
	day, ok := dateWithoutYear(int(m), d, today, slot)
	return DateRead{Day: day, N: n, OK: ok}
}

// dayNumber reads a day of the month: 1..31, with an English ordinal
// ending if any (20th, 1st).
func dayNumber(k string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		k = strings.TrimSuffix(k, suf)
	}
	if !isDigits(k) || len(k) > 2 {
		return 0, false
	}
	d, _ := strconv.Atoi(k)
	return d, d >= 1 && d <= 31
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// looksLikeDate reports whether a word that is no readable date still looks
// like an attempt at one: digits joined by dots, slashes or dashes, or a
// number ending in a dot (»31/11«, »3.«, »1-2-3«).
func looksLikeDate(w string) bool {
	digit, sep := false, false
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r == '.' || r == '/' || r == '-':
			sep = true
		default:
			return false
		}
	}
	return digit && sep
}

// ParseDate parses s as one whole date looking back (Past), relative to
// now. It returns midnight of that day in bot.Copenhagen, and ok false
// when s is not a date or not all of it is one.
func ParseDate(s string, now time.Time) (time.Time, bool) {
	words := strings.Fields(s)
	r := ReadDate(words, now, Past)
	if !r.OK || r.N != len(words) {
		return time.Time{}, false
	}
	return r.Day, true
}

// TakeSnooze reads "7d", "2w", "3u" (uger), "10 dage", "2 uger", "1 week", "2 weeks" or a date
// from the start of words, returning the day the snooze ends (midnight Copenhagen). n is words
// used, 0 when the words do not start with a snooze.
//
// A length must come to 1..365 days. A date looks ahead (Ahead), and must
// lie 1..365 days after today.
func TakeSnooze(words []string, now time.Time) (until time.Time, n int) {
	if len(words) == 0 {
		return time.Time{}, 0
	}
	if days, n := snoozeLength(words); n > 0 {
		return bot.AddDays(now, days), n
	}
	r := ReadDate(words, now, Ahead)
	if !r.OK {
		return time.Time{}, 0
	}
	day, n := r.Day, r.N
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
	per, ok := units[unit]
	if !ok || per < 0 || count*per < 1 || count*per > maxSnoozeDays {
		return 0, 0
	}
	return count * per, n
}

// weekdayFrom returns the most recent day with weekday wd, today included,
// or looking ahead the next one after today.
func weekdayFrom(today time.Time, wd time.Weekday, slot Slot) time.Time {
	if slot != Past {
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
func parseNumeric(s string, today time.Time, slot Slot) (time.Time, bool) {
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
		return dateWithoutYear(num(1), num(0), today, slot)
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

// dateWithoutYear places day d of month m in a year toward the slot's
// direction: looking back, this year's unless that is more than
// noYearSlack days ahead; looking ahead, this year's unless that passed
// more than noYearSlack days ago.
func dateWithoutYear(m, d int, today time.Time, slot Slot) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	y := today.Year()
	// time.Date rolls 29/02 of a common year over to 1 March, which is
	// near enough to choose the year; validDate then refuses it.
	guess := time.Date(y, time.Month(m), d, 0, 0, 0, 0, bot.Copenhagen)
	switch ahead := bot.DaysBetween(today, guess); {
	case slot == Past && ahead > noYearSlack:
		y--
	case slot != Past && ahead < -noYearSlack:
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

// dateKey folds a word for lookup: trimmed, lower case, single spaces,
// without one trailing dot or comma.
func dateKey(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, ",") {
		s = s[:len(s)-1]
	}
	return s
}
