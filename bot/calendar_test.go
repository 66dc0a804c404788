package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// day parses "2006-01-02" as midnight in Copenhagen.
func day(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation(time.DateOnly, s, bot.Copenhagen)
	if err != nil {
		tb.Fatalf("bad test date %q: %v", s, err)
	}
	return t
}

func TestEaster(t *testing.T) {
	t.Parallel()
	for _, want := range []string{
		"2000-04-23", "2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05",
		"2027-03-28", "2028-04-16", "2029-04-01", "2030-04-21", "2038-04-25",
		"1913-03-23", "2008-03-23", "2285-03-22", "1943-04-25", // earliest and latest dates
	} {
		d := day(t, want)
		m, dd := bot.Easter(d.Year())
		if m != d.Month() || dd != d.Day() {
			t.Errorf("Easter(%d) = %v %d, want %s", d.Year(), m, dd, want)
		}
		if got := bot.Holiday(d); got != "påskedag" && d.Year() >= 1900 {
			t.Errorf("Holiday(%s) = %q, want påskedag", want, got)
		}
	}
}

// TestHolidays lists every public holiday from 2023 to 2030 and checks both
// that each is found and that no other day of those years is one.
func TestHolidays(t *testing.T) {
	t.Parallel()
	easter := map[int]string{
		2023: "2023-04-09", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05",
		2027: "2027-03-28", 2028: "2028-04-16", 2029: "2029-04-01", 2030: "2030-04-21",
	}
	want := map[string]string{}
	for y := 2023; y <= 2030; y++ {
		e := day(t, easter[y])
		add := func(offset int, name string) { want[bot.AddDays(e, offset).Format(time.DateOnly)] = name }
		want[time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)] = "nytårsdag"
		add(-3, "skærtorsdag")
		add(-2, "langfredag")
		add(0, "påskedag")
		add(1, "2. påskedag")
		if y < 2024 {
			add(26, "store bededag")
		}
		add(39, "Kristi himmelfartsdag")
		add(49, "pinsedag")
		add(50, "2. pinsedag")
		want[time.Date(y, 12, 25, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)] = "juledag"
		want[time.Date(y, 12, 26, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)] = "2. juledag"
	}
	// Spot checks written out by hand, so the table above cannot be wrong
	// in the same way as the code.
	for date, name := range map[string]string{
		"2023-05-05": "store bededag",
		"2024-03-28": "skærtorsdag", "2024-03-29": "langfredag", "2024-04-01": "2. påskedag",
		"2024-05-09": "Kristi himmelfartsdag", "2024-05-19": "pinsedag", "2024-05-20": "2. pinsedag",
		"2025-04-17": "skærtorsdag", "2025-05-29": "Kristi himmelfartsdag", "2025-06-09": "2. pinsedag",
		"2026-04-02": "skærtorsdag", "2026-04-03": "langfredag", "2026-04-06": "2. påskedag",
		"2026-05-14": "Kristi himmelfartsdag", "2026-05-24": "pinsedag", "2026-05-25": "2. pinsedag",
		"2027-03-25": "skærtorsdag", "2027-05-06": "Kristi himmelfartsdag", "2027-05-17": "2. pinsedag",
		"2028-04-13": "skærtorsdag", "2028-05-25": "Kristi himmelfartsdag", "2028-06-05": "2. pinsedag",
		"2029-03-29": "skærtorsdag", "2029-05-10": "Kristi himmelfartsdag", "2029-05-21": "2. pinsedag",
		"2030-04-18": "skærtorsdag", "2030-05-30": "Kristi himmelfartsdag", "2030-06-10": "2. pinsedag",
	} {
		if want[date] != name {
			t.Errorf("test table: %s is %q, hand list says %q", date, want[date], name)
		}
	}
	for d := day(t, "2023-01-01"); d.Year() <= 2030; d = bot.AddDays(d, 1) {
		key := d.Format(time.DateOnly)
		if got := bot.Holiday(d); got != want[key] {
			t.Errorf("Holiday(%s) = %q, want %q", key, got, want[key])
		}
	}
}

func TestHolidayNotPublic(t *testing.T) {
	t.Parallel()
	for _, date := range []string{
		"2024-04-26", // store bededag abolished from 2024
		"2026-05-01", // Labour Day: a day off by agreement, not by law
		"2026-05-15", // Friday after Ascension
		"2026-06-05", // grundlovsdag
		"2026-12-24", // juleaftensdag
		"2026-12-31", // nytårsaftensdag
	} {
		if got := bot.Holiday(day(t, date)); got != "" {
			t.Errorf("Holiday(%s) = %q, want none", date, got)
		}
	}
}

// TestCopenhagenDay checks that times are judged by their Copenhagen day,
// whatever zone they come in, on ordinary and daylight-saving change days.
func TestCopenhagenDay(t *testing.T) {
	t.Parallel()
	var cal bot.Calendar // zero value: holidays only
	utc := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	tests := []struct {
		at      time.Time
		working bool
		reason  string
	}{
		// 00:30 Copenhagen on Tuesday 2026-04-07 is 22:30 UTC on Easter Monday.
		{utc("2026-04-06T22:30:00Z"), true, ""},
		{utc("2026-04-06T21:59:59Z"), false, "2. påskedag"},
		// Winter: 00:30 Copenhagen on Monday 2026-01-05 is 23:30 UTC Sunday.
		{utc("2026-01-04T23:30:00Z"), true, ""},
		{utc("2026-01-04T22:59:00Z"), false, "søndag"},
		// 2026-03-29, Sunday, clocks go forward at 02:00.
		{utc("2026-03-28T23:30:00Z"), false, "søndag"}, // 00:30 CET Sunday
		{utc("2026-03-29T21:30:00Z"), false, "søndag"}, // 23:30 CEST Sunday
		{utc("2026-03-29T22:30:00Z"), true, ""},        // 00:30 CEST Monday
		{utc("2026-03-27T23:30:00Z"), false, "lørdag"}, // 00:30 Saturday
		{utc("2026-03-27T22:30:00Z"), true, ""},        // 23:30 Friday
		// 2026-10-25, Sunday, clocks go back at 03:00.
		{utc("2026-10-24T22:30:00Z"), false, "søndag"}, // 00:30 CEST Sunday
		{utc("2026-10-25T22:30:00Z"), false, "søndag"}, // 23:30 CET Sunday
		{utc("2026-10-25T23:30:00Z"), true, ""},        // 00:30 CET Monday
		{utc("2026-10-23T21:30:00Z"), true, ""},        // 23:30 CEST Friday
		{utc("2026-10-23T22:30:00Z"), false, "lørdag"}, // 00:30 CEST Saturday
		// New Year: 00:30 on 1 January is still 31 December in UTC.
		{utc("2026-12-31T23:30:00Z"), false, "nytårsdag"},
		{utc("2026-12-31T22:30:00Z"), true, ""},
	}
	for _, tt := range tests {
		if got := cal.IsWorkingDay(tt.at); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.at.In(bot.Copenhagen), got, tt.working)
		}
		if got := cal.ClosedReason(tt.at); got != tt.reason {
			t.Errorf("ClosedReason(%s) = %q, want %q", tt.at.In(bot.Copenhagen), got, tt.reason)
		}
		wantHoliday := tt.reason
		if wantHoliday == "lørdag" || wantHoliday == "søndag" {
			wantHoliday = ""
		}
		if got := bot.Holiday(tt.at); got != wantHoliday {
			t.Errorf("Holiday(%s) = %q, want %q", tt.at.In(bot.Copenhagen), got, wantHoliday)
		}
	}
}

func TestClosedReason(t *testing.T) {
	t.Parallel()
	cal := bot.NewCalendar(
		bot.ClosedDay{Month: time.December, Day: 24, Name: "juleaftensdag"},
		bot.ClosedDay{Year: 2026, Month: time.August, Day: 14, Name: "personaledag"},
		bot.ClosedDay{Year: 2027, Month: time.August, Day: 13}, // no name
		bot.FridayAfterAscension,
	)
	tests := []struct {
		date, reason string
	}{
		{"2026-04-05", "påskedag"}, // a Sunday, but the holiday is the better reason
		{"2026-04-04", "lørdag"},
		{"2026-04-07", ""},
		{"2026-12-24", "juleaftensdag"},
		{"2027-12-24", "juleaftensdag"},
		{"2027-12-31", ""},
		{"2026-08-14", "personaledag"},
		{"2027-08-14", "lørdag"},
		{"2027-08-13", "lukket"},
		{"2026-05-15", "fredag efter Kristi himmelfartsdag"},
		{"2027-05-07", "fredag efter Kristi himmelfartsdag"},
		{"2027-05-14", ""},
		{"2021-12-25", "juledag"}, // a Saturday
	}
	for _, tt := range tests {
		d := day(t, tt.date)
		if got := cal.ClosedReason(d); got != tt.reason {
			t.Errorf("ClosedReason(%s) = %q, want %q", tt.date, got, tt.reason)
		}
		if got := cal.IsWorkingDay(d.Add(13 * time.Hour)); got != (tt.reason == "") {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.reason == "")
		}
	}
}

func TestMovableClosedDayOneYear(t *testing.T) {
	t.Parallel()
	cal := bot.NewCalendar(bot.ClosedDay{Year: 2026, EasterOffset: 40, Name: "bro"})
	if got := cal.ClosedReason(day(t, "2026-05-15")); got != "bro" {
		t.Errorf("2026-05-15: %q, want bro", got)
	}
	if got := cal.ClosedReason(day(t, "2027-05-07")); got != "" {
		t.Errorf("2027-05-07: %q, want open", got)
	}
}

func TestNextWorkingDay(t *testing.T) {
	t.Parallel()
	plain := bot.NewCalendar()
	christmas, err := bot.ParseClosedDays("juleaftensdag, nytårsaftensdag, fredag efter kristi himmelfart")
	if err != nil {
		t.Fatal(err)
	}
	closed := bot.NewCalendar(christmas...)
	tests := []struct {
		name string
		cal  *bot.Calendar
		from time.Time
		want string
	}{
		{"working day is itself", plain, cph(2026, 4, 1, 15, 0), "2026-04-01"},
		{"over Easter", plain, cph(2026, 4, 2, 9, 0), "2026-04-07"},
		{"over Easter late evening", plain, cph(2026, 4, 2, 23, 59), "2026-04-07"},
		{"weekend", plain, cph(2026, 3, 28, 12, 0), "2026-03-30"},
		{"over Christmas", closed, cph(2026, 12, 24, 8, 0), "2026-12-28"},
		{"Christmas without juleaften", plain, cph(2026, 12, 24, 8, 0), "2026-12-24"},
		{"over New Year", closed, cph(2026, 12, 31, 0, 0), "2027-01-04"},
		{"over Ascension", closed, cph(2026, 5, 14, 10, 0), "2026-05-18"},
		{"Ascension without the Friday", plain, cph(2026, 5, 14, 10, 0), "2026-05-15"},
		{"DST spring Sunday", plain, cph(2026, 3, 29, 3, 30), "2026-03-30"},
		{"DST autumn Sunday", plain, cph(2026, 10, 25, 2, 30), "2026-10-26"},
		{"00:30 given in UTC", plain, time.Date(2026, 4, 6, 22, 30, 0, 0, time.UTC), "2026-04-07"},
	}
	for _, tt := range tests {
		got := tt.cal.NextWorkingDay(tt.from)
		if want := day(t, tt.want); !got.Equal(want) || got.Location() != bot.Copenhagen {
			t.Errorf("%s: NextWorkingDay(%s) = %s, want %s", tt.name, tt.from, got, want)
		}
	}
}

func TestPreviousWorkingDay(t *testing.T) {
	t.Parallel()
	closed := bot.NewCalendar(bot.ClosedDay{Month: time.December, Day: 24, Name: "juleaftensdag"})
	tests := []struct {
		cal  *bot.Calendar
		from time.Time
		want string
	}{
		{closed, cph(2026, 4, 8, 9, 0), "2026-04-07"}, // strictly before
		{closed, cph(2026, 4, 7, 9, 0), "2026-04-01"}, // back over Easter
		{closed, cph(2026, 3, 30, 0, 0), "2026-03-27"},
		{closed, cph(2026, 12, 28, 10, 0), "2026-12-23"},
		{bot.NewCalendar(), cph(2026, 12, 28, 10, 0), "2026-12-24"},
		{closed, cph(2027, 1, 4, 8, 0), "2026-12-31"},
		{closed, cph(2026, 10, 26, 0, 30), "2026-10-23"}, // over the autumn DST change
		{closed, time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), "2026-03-27"},
	}
	for _, tt := range tests {
		got := tt.cal.PreviousWorkingDay(tt.from)
		if want := day(t, tt.want); !got.Equal(want) {
			t.Errorf("PreviousWorkingDay(%s) = %s, want %s", tt.from, got, want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()
	cal := bot.NewCalendar(bot.ClosedDay{Month: time.December, Day: 24, Name: "juleaftensdag"})
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-04-01", "2026-04-01", 0},
		{"2026-04-01", "2026-04-07", 1}, // Easter lies between
		{"2026-03-30", "2026-04-03", 2}, // Tue, Wed; Thu and Fri are holidays
		{"2026-04-07", "2026-04-01", -1},
		{"2026-03-27", "2026-04-03", 3},   // Mon to Wed
		{"2026-12-23", "2026-12-31", 4},   // 24 closed, 25 to 27 closed, 28 to 31 open
		{"2026-01-01", "2026-12-31", 253}, // 260 weekdays, 6 weekday holidays, juleaftensdag
	}
	for _, tt := range tests {
		if got := cal.WorkingDaysBetween(day(t, tt.a), day(t, tt.b).Add(23*time.Hour)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCalendarClosedEveryDay(t *testing.T) {
	t.Parallel()
	var all []bot.ClosedDay
	for d := day(t, "2028-01-01"); d.Year() == 2028; d = bot.AddDays(d, 1) {
		all = append(all, bot.ClosedDay{Month: d.Month(), Day: d.Day(), Name: "lukket"})
	}
	cal := bot.NewCalendar(all...)
	from := day(t, "2026-06-01")
	got := cal.NextWorkingDay(from) // must return, not loop forever
	if got.Before(from) || cal.IsWorkingDay(got) {
		t.Errorf("NextWorkingDay on a calendar closed every day = %s", got)
	}
}

func TestParseClosedDays(t *testing.T) {
	t.Parallel()
	fri := bot.FridayAfterAscension
	tests := []struct {
		in   string
		want []bot.ClosedDay
	}{
		{"", nil},
		{" , ;\n", nil},
		{"grundlovsdag, juleaftensdag, nytårsaftensdag, 2026-05-15, 31/12", []bot.ClosedDay{
			{Month: time.June, Day: 5, Name: "grundlovsdag"},
			{Month: time.December, Day: 24, Name: "juleaftensdag"},
			{Month: time.December, Day: 31, Name: "nytårsaftensdag"},
			{Year: 2026, Month: time.May, Day: 15, Name: "lukkedag"},
			{Month: time.December, Day: 31, Name: "lukkedag"},
		}},
		{"Juleaften;NYTÅRSAFTEN\nnytaarsaftensdag", []bot.ClosedDay{
			{Month: time.December, Day: 24, Name: "juleaftensdag"},
			{Month: time.December, Day: 31, Name: "nytårsaftensdag"},
			{Month: time.December, Day: 31, Name: "nytårsaftensdag"},
		}},
		{"fredag efter kristi himmelfart, Fredag  efter Kristi Himmelfartsdag, dagen efter kristi himmelfart", []bot.ClosedDay{fri, fri, fri}},
		{"2026-08-14 Personaledag  i  huset, 1/5 1. maj, 29/02", []bot.ClosedDay{
			{Year: 2026, Month: time.August, Day: 14, Name: "Personaledag i huset"},
			{Month: time.May, Day: 1, Name: "1. maj"},
			{Month: time.February, Day: 29, Name: "lukkedag"},
		}},
	}
	for _, tt := range tests {
		got, err := bot.ParseClosedDays(tt.in)
		if err != nil {
			t.Errorf("ParseClosedDays(%q): %v", tt.in, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("ParseClosedDays(%q) = %+v, want %+v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ParseClosedDays(%q)[%d] = %+v, want %+v", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

func TestParseClosedDaysMovable(t *testing.T) {
	t.Parallel()
	days, err := bot.ParseClosedDays("fredag efter kristi himmelfartsdag")
	if err != nil {
		t.Fatal(err)
	}
	cal := bot.NewCalendar(days...)
	for _, date := range []string{"2024-05-10", "2025-05-30", "2026-05-15", "2027-05-07", "2030-05-31"} {
		d := day(t, date)
		if cal.IsWorkingDay(d) || d.Weekday() != time.Friday {
			t.Errorf("%s (%s) should be the closed Friday after Ascension", date, d.Weekday())
		}
		if got := cal.ClosedReason(d); got != "fredag efter Kristi himmelfartsdag" {
			t.Errorf("ClosedReason(%s) = %q", date, got)
		}
		if !cal.IsWorkingDay(bot.AddDays(d, 7)) {
			t.Errorf("a week after %s should be open", date)
		}
	}
}

func TestParseClosedDaysBad(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, bad string }{
		{"grundlovsdag, julaften", "julaften"},
		{"2026-02-30", "2026-02-30"},
		{"2026-13-01", "2026-13-01"},
		{"26-05-15", "26-05-15"},
		{"0000-01-01", "0000-01-01"},
		{"32/12", "32/12"},
		{"30/02", "30/02"},
		{"1/13", "1/13"},
		{"+1/12", "+1/12"},
		{"12/", "12/"},
		{"031/12", "031/12"},
		{"påske", "påske"},
		{"store bededag", "store bededag"},
		{"kristi himmelfart", "kristi himmelfart"},
		{"juleaftensdag 24/12", "juleaftensdag 24/12"},
	} {
		days, err := bot.ParseClosedDays(tt.in)
		if err == nil {
			t.Errorf("ParseClosedDays(%q) = %+v, want an error", tt.in, days)
			continue
		}
		var e *bot.Error
		if !errors.As(err, &e) || e.Code != bot.Invalid {
			t.Errorf("ParseClosedDays(%q): error %#v is not a bot.Error with code invalid", tt.in, err)
		}
		msg := err.Error()
		for _, want := range []string{`"` + tt.bad + `"`, "grundlovsdag", "juleaftensdag", "nytårsaftensdag", "kristi himmelfart", "YYYY-MM-DD", "DD/MM"} {
			if !strings.Contains(msg, want) {
				t.Errorf("ParseClosedDays(%q): error %q does not mention %s", tt.in, msg, want)
			}
		}
	}
}

func FuzzParseClosedDays(f *testing.F) {
	for _, s := range []string{
		"", "grundlovsdag, juleaftensdag, nytårsaftensdag, 2026-05-15, 31/12",
		"fredag efter kristi himmelfart", "29/02 skuddag", "2026-08-14 Personaledag",
		"32/13", "9999-12-31", ";;\n,", "\xff/\xfe", "1/1/1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		days, err := bot.ParseClosedDays(s)
		if err != nil {
			if days != nil || bot.ErrorCode(err) != bot.Invalid {
				t.Fatalf("ParseClosedDays(%q) = %v, %v", s, days, err)
			}
			return
		}
		cal := bot.NewCalendar(days...)
		for _, cd := range days {
			if cd.Name == "" {
				t.Fatalf("ParseClosedDays(%q): day without a name: %+v", s, cd)
			}
			if cd.Month != 0 {
				y := cd.Year
				if y == 0 {
					y = 2028 // a leap year, for 29/02
				}
				d := time.Date(y, cd.Month, cd.Day, 12, 0, 0, 0, bot.Copenhagen)
				if d.Month() != cd.Month || cal.IsWorkingDay(d) {
					t.Fatalf("ParseClosedDays(%q): %+v is not a real closed day", s, cd)
				}
			}
		}
	})
}

func BenchmarkIsWorkingDay(b *testing.B) {
	days, err := bot.ParseClosedDays("grundlovsdag, juleaftensdag, nytårsaftensdag, fredag efter kristi himmelfart, 2026-08-14")
	if err != nil {
		b.Fatal(err)
	}
	cal := bot.NewCalendar(days...)
	// A spread of days and times, so the benchmark is not one cached path.
	var times []time.Time
	for d := day(b, "2026-03-01"); d.Before(day(b, "2026-07-01")); d = bot.AddDays(d, 1) {
		times = append(times, d.Add(30*time.Minute).UTC())
	}
	n := 0
	for _, t := range times {
		if cal.IsWorkingDay(t) {
			n++
		}
	}
	if n != 80 { // March to June 2026: 87 weekdays less 7 holidays
		b.Fatalf("%d working days, want 80", n)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cal.IsWorkingDay(times[i%len(times)])
	}
}
