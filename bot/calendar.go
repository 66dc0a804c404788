package bot

import (
	"strconv"
	"strings"
	"time"
)

// Calendar knows which days a jobcenter is open: not on Saturdays, Sundays,
// Danish public holidays, or the extra days it was made with. The zero value
// knows only weekends and the national holidays. A Calendar is not changed
// after NewCalendar, so it is safe for concurrent use.
type Calendar struct {
	dated   map[[3]int]string // one-off closed days: {year, month, day}
	yearly  map[[2]int]string // closed every year: {month, day}
	movable []ClosedDay       // closed relative to Easter (Month == 0)
}

// ClosedDay is an extra day a jobcenter keeps closed, on top of weekends and
// public holidays. It is one of:
//   - a fixed date every year: Month and Day set, Year 0 (24 December);
//   - a single date: Year, Month and Day set (2026-05-15);
//   - a movable day: Month 0 and EasterOffset days after Easter Sunday, every
//     year, or only in Year when Year is set (40 is the Friday after
//     Ascension Day).
//
// Name is shown to users as the reason the day is closed.
type ClosedDay struct {
	Year         int
	Month        time.Month
	Day          int
	EasterOffset int
	Name         string
}

// FridayAfterAscension is the closed day many jobcenters keep on the Friday
// after Kristi himmelfartsdag, which moves with Easter.
var FridayAfterAscension = ClosedDay{EasterOffset: 40, Name: "fredag efter Kristi himmelfartsdag"}

// NewCalendar returns a Calendar closed on weekends, public holidays and the
// extra days given. A day that never occurs (30 February) never closes
// anything; when two extra days fall on one date, the later name is shown.
func NewCalendar(extra ...ClosedDay) *Calendar {
	c := &Calendar{}
	for _, cd := range extra {
		switch {
		case cd.Month == 0:
			c.movable = append(c.movable, cd)
		case cd.Year == 0:
			if c.yearly == nil {
				c.yearly = make(map[[2]int]string)
			}
			c.yearly[[2]int{int(cd.Month), cd.Day}] = cd.Name
		default:
			if c.dated == nil {
				c.dated = make(map[[3]int]string)
			}
			c.dated[[3]int{cd.Year, int(cd.Month), cd.Day}] = cd.Name
		}
	}
	return c
}

// Holiday returns the Danish name of the public holiday on t's day in
// Copenhagen ("langfredag", "2. juledag"), or "" when it is none.
// Grundlovsdag, juleaftensdag and nytårsaftensdag are not public holidays;
// store bededag is one only before 2024, the year it was abolished.
func Holiday(t time.Time) string {
	y, m, d := t.In(Copenhagen).Date()
	return holiday(y, m, d)
}

func holiday(y int, m time.Month, d int) string {
	switch {
	case m == time.January && d == 1:
		return "nytårsdag"
	case m == time.December && d == 25:
		return "juledag"
	case m == time.December && d == 26:
		return "2. juledag"
	case m < time.March || m > time.June:
		return "" // every movable holiday lies from 19 March to 14 June
	}
	switch yearDay(y, m, d) - easterYearDay(y) {
	case -3:
		return "skærtorsdag"
	case -2:
		return "langfredag"
	case 0:
		return "påskedag"
	case 1:
		return "2. påskedag"
	case 26:
		if y < 2024 {
			return "store bededag"
		}
	case 39:
		return "Kristi himmelfartsdag"
	case 49:
		return "pinsedag"
	case 50:
		return "2. pinsedag"
	}
	return ""
}

// IsWorkingDay reports whether the jobcenter is open on t's day in
// Copenhagen: not a Saturday or Sunday, not a public holiday, not an extra
// closed day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	t = t.In(Copenhagen)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	y, m, d := t.Date()
	return holiday(y, m, d) == "" && c.closedName(y, m, d) == ""
}

// ClosedReason says why the jobcenter is closed on t's day in Copenhagen:
// the holiday's name, else the extra closed day's name, else "lørdag" or
// "søndag"; "" on a working day. The most specific reason wins, so
// påskedag is "påskedag", not "søndag".
func (c *Calendar) ClosedReason(t time.Time) string {
	t = t.In(Copenhagen)
	y, m, d := t.Date()
	if h := holiday(y, m, d); h != "" {
		return h
	}
	if name := c.closedName(y, m, d); name != "" {
		return name
	}
	switch t.Weekday() {
	case time.Saturday:
		return "lørdag"
	case time.Sunday:
		return "søndag"
	}
	return ""
}

// closedName returns the name of the extra closed day on y-m-d, or "".
// A closed day configured with an empty name is still closed: "lukket".
func (c *Calendar) closedName(y int, m time.Month, d int) string {
	if c == nil {
		return ""
	}
	name, ok := c.dated[[3]int{y, int(m), d}]
	if !ok {
		name, ok = c.yearly[[2]int{int(m), d}]
	}
	if !ok && len(c.movable) > 0 {
		off := yearDay(y, m, d) - easterYearDay(y)
		for _, cd := range c.movable {
			if cd.EasterOffset == off && (cd.Year == 0 || cd.Year == y) {
				name, ok = cd.Name, true
			}
		}
	}
	if ok && name == "" {
		name = "lukket"
	}
	return name
}

// searchLimit bounds the search for a working day, so that a calendar
// configured to close every day cannot make a caller loop forever.
const searchLimit = 10 * 366

// NextWorkingDay returns midnight in Copenhagen of the first working day on
// or after t's day. Should no working day lie within ten years (a calendar
// closed on every date), it returns the day ten years on.
func (c *Calendar) NextWorkingDay(t time.Time) time.Time {
	day := Day(t)
	for i := 0; i < searchLimit && !c.IsWorkingDay(day); i++ {
		day = AddDays(day, 1)
	}
	return day
}

// PreviousWorkingDay returns midnight in Copenhagen of the last working day
// strictly before t's day, such as the working day before an intro day.
// Should none lie within ten years, it returns the day ten years back.
func (c *Calendar) PreviousWorkingDay(t time.Time) time.Time {
	day := AddDays(t, -1)
	for i := 0; i < searchLimit && !c.IsWorkingDay(day); i++ {
		day = AddDays(day, -1)
	}
	return day
}

// WorkingDaysBetween counts the working days after a's day up to and
// including b's day, in Copenhagen. It is 0 when both fall on one day and
// negative (minus the count from b to a) when b's day is before a's.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	n := DaysBetween(a, b)
	if n < 0 {
		return -c.WorkingDaysBetween(b, a)
	}
	count := 0
	for i := 1; i <= n; i++ {
		if c.IsWorkingDay(AddDays(a, i)) {
			count++
		}
	}
	return count
}

// Easter Sundays for the years the bot will ever see are computed once, at
// start-up, into a read-only table: no lock, no per-call arithmetic.
const firstTableYear, lastTableYear = 1900, 2200

var easterTable = func() (tab [lastTableYear - firstTableYear + 1]int16) {
	for i := range tab {
		y := firstTableYear + i
		m, d := Easter(y)
		tab[i] = int16(yearDay(y, m, d))
	}
	return tab
}()

func easterYearDay(y int) int {
	if y >= firstTableYear && y <= lastTableYear {
		return int(easterTable[y-firstTableYear])
	}
	m, d := Easter(y)
	return yearDay(y, m, d)
}

// Easter returns the month and day of Easter Sunday in year y of the
// Gregorian calendar (the anonymous algorithm, as given by Meeus).
func Easter(y int) (time.Month, int) {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}

var daysBefore = [...]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}

// yearDay returns the day of the year of y-m-d, 1 for 1 January.
func yearDay(y int, m time.Month, d int) int {
	n := daysBefore[m-1] + d
	if m > time.February && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		n++
	}
	return n
}

// closedDayNames maps the normalized names ParseClosedDays accepts to the
// day they stand for.
var closedDayNames = map[string]ClosedDay{
	"grundlovsdag":                       {Month: time.June, Day: 5, Name: "grundlovsdag"},
	"juleaftensdag":                      {Month: time.December, Day: 24, Name: "juleaftensdag"},
	"juleaften":                          {Month: time.December, Day: 24, Name: "juleaftensdag"},
	"nytaarsaftensdag":                   {Month: time.December, Day: 31, Name: "nytårsaftensdag"},
	"nytaarsaften":                       {Month: time.December, Day: 31, Name: "nytårsaftensdag"},
	"fredag efter kristi himmelfart":     FridayAfterAscension,
	"fredag efter kristi himmelfartsdag": FridayAfterAscension,
	"dagen efter kristi himmelfart":      FridayAfterAscension,
	"dagen efter kristi himmelfartsdag":  FridayAfterAscension,
}

// closedDayForms is the list of accepted forms an error shows the admin.
const closedDayForms = `grundlovsdag, juleaftensdag (juleaften), nytårsaftensdag (nytårsaften), ` +
	`fredag efter kristi himmelfart (also "fredag efter kristi himmelfartsdag", "dagen efter kristi himmelfart"), ` +
	`YYYY-MM-DD for one date, DD/MM for a date every year; a date may be followed by a name ("2026-05-15 personaledag")`

// ParseClosedDays parses a jobcenter's extra closed days from configuration,
// entries separated by commas, semicolons or new lines:
//
//	grundlovsdag, juleaftensdag, nytårsaftensdag, fredag efter kristi himmelfart, 2026-05-15, 31/12
//
// Names are matched without regard to case, spacing or Danish letters
// ("nytaarsaften" works). A date may be followed by the name users see;
// without one it is "lukkedag". An empty string gives no days. An entry it
// cannot read gives a *Error (code Invalid) that quotes the entry and
// lists the accepted forms, in English, for the admin who wrote it.
func ParseClosedDays(s string) ([]ClosedDay, error) {
	var days []ClosedDay
	for entry := range strings.FieldsFuncSeq(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r'
	}) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		cd, ok := parseClosedDay(entry)
		if !ok {
			return nil, Errorf(Invalid, "closed days: cannot read %q; accepted forms: %s", entry, closedDayForms)
		}
		days = append(days, cd)
	}
	return days, nil
}

func parseClosedDay(entry string) (ClosedDay, bool) {
	if cd, ok := closedDayNames[NormalizeName(entry)]; ok {
		return cd, true
	}
	fields := strings.Fields(entry)
	date, name := fields[0], strings.Join(fields[1:], " ")
	if name == "" {
		name = "lukkedag"
	}
	if y, m, d, ok := parseISODate(date); ok {
		return ClosedDay{Year: y, Month: m, Day: d, Name: name}, true
	}
	if m, d, ok := parseDayMonth(date); ok {
		return ClosedDay{Month: m, Day: d, Name: name}, true
	}
	return ClosedDay{}, false
}

// parseISODate reads YYYY-MM-DD and accepts only real dates.
func parseISODate(s string) (int, time.Month, int, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, 0, 0, false
	}
	y, m, d := t.Date()
	// Year 0 would mean every year; a year this far back is a typo.
	return y, m, d, y >= 1900
}

// parseDayMonth reads DD/MM (or D/M) and accepts any day that occurs in
// some year, 29/02 included.
func parseDayMonth(s string) (time.Month, int, bool) {
	ds, ms, ok := strings.Cut(s, "/")
	if !ok || len(ds) > 2 || len(ms) > 2 {
		return 0, 0, false
	}
	d, err1 := strconv.Atoi(ds)
	m, err2 := strconv.Atoi(ms)
	if !digits(ds) || !digits(ms) || err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 {
		return 0, 0, false
	}
	// 2000 is a leap year, so 29/02 passes.
	if d > time.Date(2000, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, false
	}
	return time.Month(m), d, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
