package bot

import (
	"fmt"
	"time"
	_ "time/tzdata" // a distroless or scratch image has no zoneinfo of its own
)

// Copenhagen is the time zone every calendar day in kontaktbot is counted in.
var Copenhagen = mustLoad("Europe/Copenhagen")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is linked in, so this cannot fail.
		panic(fmt.Sprintf("load %s: %v", name, err))
	}
	return loc
}

// Day returns midnight at the start of t's calendar day in Copenhagen.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Copenhagen).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Copenhagen)
}

// AddDays returns midnight of the calendar day n days after t's day in
// Copenhagen, whatever daylight-saving change lies between.
func AddDays(t time.Time, n int) time.Time {
	y, m, d := t.In(Copenhagen).Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, Copenhagen)
}

// DaysBetween returns the number of calendar days from a's day to b's day in
// Copenhagen: 0 on the same day, negative when b is before a.
func DaysBetween(a, b time.Time) int {
	ay, am, ad := a.In(Copenhagen).Date()
	by, bm, bd := b.In(Copenhagen).Date()
	// Counting in UTC midnights avoids the 23- and 25-hour DST days.
	ua := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	ub := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

var (
	monthsDA = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
	monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	daysDA   = [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}
)

// FormatDate writes t's Copenhagen day the way a user of lang reads dates:
// "20.11.2026" in Danish, "20 Nov 2026" in English.
func FormatDate(t time.Time, lang Lang) string {
	t = t.In(Copenhagen)
	if lang == English {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// FormatDateLong writes a day in full: "fredag 20. november 2026" or
// "Friday 20 November 2026".
func FormatDateLong(t time.Time, lang Lang) string {
	t = t.In(Copenhagen)
	if lang == English {
		return fmt.Sprintf("%s %d %s %d", t.Weekday(), t.Day(), monthsEN[t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%s %d. %s %d", daysDA[t.Weekday()], t.Day(), monthsDA[t.Month()-1], t.Year())
}

// FormatTime writes t as a Copenhagen date and clock time: "20.11.2026 14:05".
func FormatTime(t time.Time, lang Lang) string {
	return FormatDate(t, lang) + " " + t.In(Copenhagen).Format("15:04")
}

// FormatDay writes t's Copenhagen day with its weekday, the way a reply
// names a date it has understood: "fredag 04.12.2026" in Danish, "Friday
// 4 Dec 2026" in English.
func FormatDay(t time.Time, lang Lang) string {
	t = t.In(Copenhagen)
	if lang == English {
		return t.Weekday().String() + " " + FormatDate(t, lang)
	}
	return daysDA[t.Weekday()] + " " + FormatDate(t, lang)
}
