package bot_test

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"kontaktbot/bot"
)

// cph is a Copenhagen wall time.
func cph(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, bot.Copenhagen)
}

func TestValidCVR(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		// Weighted sums with 2,7,6,5,4,3,2,1 divisible by 11.
		{"10150817", true},
		{"12345674", true},
		{"25313763", true},
		{"24256790", true},
		{"61126228", true},
		{"30060946", true},
		{"55133018", true},
		// Wrong checksum.
		{"10150818", false},
		{"12345678", false},
		{"87654321", false},
		{"25313764", false},
		// Checksum right, but a CVR number never starts with 0.
		{"01000004", false},
		{"00000000", false},
		// Wrong length or not digits.
		{"1015081", false},
		{"101508170", false},
		{"", false},
		{"1015081a", false},
		{"abcdefgh", false},
		{"1015 817", false},
		{"DK10150817", false},
		{"1O150817", false}, // letter O
		{"１０１５０８１７", false}, // full-width digits
	} {
		if got := bot.ValidCVR(tc.in); got != tc.want {
			t.Errorf("ValidCVR(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCleanCVR(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"10150817", "10150817"},
		{"DK 10 15 08 17", "10150817"},
		{"DK10150817", "10150817"},
		{"dk-10150817", "10150817"},
		{"Dk 1015-0817", "10150817"},
		{"10.15.08.17", "10150817"},
		{" 10150817 ", "10150817"},
		{"", ""},
		{"12 34", "1234"}, // cleaned, not validated
		// Anything else is left as typed, for the caller to refuse.
		{"CVR 10150817", "CVR 10150817"},
		{"10150817DK", "10150817DK"},
		{"1015DK0817", "1015DK0817"},
		{"D", "D"},
		{"abc", "abc"},
	} {
		if got := bot.CleanCVR(tc.in); got != tc.want {
			t.Errorf("CleanCVR(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"L-tek", "ltek"},
		{"L-tek A/S", "ltek as"},
		{"ÆRØ Maskinfabrik", "aeroe maskinfabrik"},
		{"ærø maskinfabrik", "aeroe maskinfabrik"},
		{"aeroe maskinfabrik", "aeroe maskinfabrik"},
		{"Aeroe   Maskinfabrik", "aeroe maskinfabrik"},
		{"  Jensen & Søn  A/S ", "jensen soen as"},
		{"Åbenrå", "aabenraa"},
		{"ÅBENRÅ", "aabenraa"},
		{"Müller Bäckerei", "mueller baeckerei"},
		{"Café Étoile", "cafe etoile"},
		{"Straße", "strasse"},
		{"3F Kolding", "3f kolding"},
		{"\tNovo\u00a0Nordisk\n", "novo nordisk"},
		{"- & -", ""},
		{"", ""},
		{"a - b", "a b"},
	} {
		if got := bot.NormalizeName(tc.in); got != tc.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDaysBetween(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b time.Time
		want int
	}{
		{cph(2026, 3, 28, 0, 0), cph(2026, 3, 30, 0, 0), 2},   // across spring forward
		{cph(2026, 3, 28, 23, 59), cph(2026, 3, 30, 0, 1), 2}, // fewer than 48 hours
		{cph(2026, 10, 24, 0, 0), cph(2026, 10, 26, 0, 0), 2}, // across fall back
		{cph(2026, 10, 24, 0, 0), cph(2026, 10, 26, 23, 59), 2},
		{cph(2026, 3, 30, 0, 0), cph(2026, 3, 28, 0, 0), -2},
		{cph(2026, 11, 22, 0, 0), cph(2026, 11, 22, 23, 59), 0},
		{cph(2026, 1, 1, 0, 0), cph(2027, 1, 1, 0, 0), 365},
		{cph(2028, 1, 1, 0, 0), cph(2029, 1, 1, 0, 0), 366},
		// 23:30 UTC on 21 November is already 22 November in Copenhagen.
		{time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC), cph(2026, 11, 22, 12, 0), 0},
	} {
		if got := bot.DaysBetween(tc.a, tc.b); got != tc.want {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{cph(2026, 3, 28, 15, 0), 1, cph(2026, 3, 29, 0, 0)},
		{cph(2026, 3, 28, 15, 0), 2, cph(2026, 3, 30, 0, 0)},
		{cph(2026, 3, 29, 23, 0), 0, cph(2026, 3, 29, 0, 0)},
		{cph(2026, 10, 24, 23, 30), 1, cph(2026, 10, 25, 0, 0)},
		{cph(2026, 10, 25, 23, 30), 1, cph(2026, 10, 26, 0, 0)},
		{cph(2026, 10, 26, 8, 0), -2, cph(2026, 10, 24, 0, 0)},
		{cph(2026, 12, 31, 12, 0), 1, cph(2027, 1, 1, 0, 0)},
		{cph(2028, 2, 28, 12, 0), 1, cph(2028, 2, 29, 0, 0)},
	} {
		got := bot.AddDays(tc.from, tc.n)
		if !got.Equal(tc.want) || got.Location() != bot.Copenhagen || got.Hour() != 0 || got.Minute() != 0 {
			t.Errorf("AddDays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	// Every day for two years, both ways, lands on midnight.
	for d, i := cph(2026, 1, 1, 12, 0), 0; i < 730; i++ {
		next := bot.AddDays(d, 1)
		if next.Hour() != 0 || next.Minute() != 0 || bot.DaysBetween(d, next) != 1 || !bot.AddDays(next, -1).Equal(bot.Day(d)) {
			t.Fatalf("AddDays(%s, 1) = %s", d, next)
		}
		d = next
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	d := cph(2026, 11, 20, 14, 5)
	utcLate := time.Date(2026, 11, 19, 23, 30, 0, 0, time.UTC) // 00:30 on the 20th in Copenhagen
	for _, tc := range []struct {
		got, want string
	}{
		{bot.FormatDate(d, bot.Danish), "20.11.2026"},
		{bot.FormatDate(d, bot.English), "20 Nov 2026"},
		{bot.FormatDate(cph(2027, 1, 5, 0, 0), bot.Danish), "05.01.2027"},
		{bot.FormatDate(cph(2027, 1, 5, 0, 0), bot.English), "5 Jan 2027"},
		{bot.FormatDate(utcLate, bot.Danish), "20.11.2026"},
		{bot.FormatDate(d, ""), "20.11.2026"}, // unknown language: Danish
		{bot.FormatDateLong(d, bot.Danish), "fredag 20. november 2026"},
		{bot.FormatDateLong(d, bot.English), "Friday 20 November 2026"},
		{bot.FormatTime(d, bot.Danish), "20.11.2026 14:05"},
		{bot.FormatTime(utcLate, bot.English), "20 Nov 2026 00:30"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestCompanyDue(t *testing.T) {
	t.Parallel()
	now := cph(2026, 11, 22, 10, 0)
	base := bot.Company{
		OwnerID: 7, Status: bot.StatusActive, CadenceDays: 30,
		OwnerSince: cph(2026, 9, 1, 9, 0),
		Created:    cph(2026, 8, 1, 9, 0),
	}
	type want struct {
		due, nudge time.Time
		ok         bool
		overdue    int
	}
	for _, tc := range []struct {
		name string
		edit func(*bot.Company)
		want want
	}{
		{"cadence from last contact", func(c *bot.Company) { c.LastContact = cph(2026, 11, 1, 14, 0) },
			want{cph(2026, 12, 1, 0, 0), cph(2026, 12, 1, 0, 0), true, -9}},
		{"cadence from owner since without contact", func(c *bot.Company) {},
			want{cph(2026, 10, 1, 0, 0), cph(2026, 10, 1, 0, 0), true, 52}},
		{"cadence from created without owner since", func(c *bot.Company) { c.OwnerSince = time.Time{} },
			want{cph(2026, 8, 31, 0, 0), cph(2026, 8, 31, 0, 0), true, 83}},
		{"late-evening contact counts on its own day", func(c *bot.Company) { c.LastContact = time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC) },
			want{cph(2026, 12, 2, 0, 0), cph(2026, 12, 2, 0, 0), true, -10}},
		{"due across DST", func(c *bot.Company) { c.LastContact, c.CadenceDays = cph(2026, 10, 20, 12, 0), 7 },
			want{cph(2026, 10, 27, 0, 0), cph(2026, 10, 27, 0, 0), true, 26}},
		{"planned next holds the nudge to the day after", func(c *bot.Company) {
			c.LastContact, c.PlannedNext = cph(2026, 10, 20, 12, 0), cph(2026, 11, 25, 0, 0)
		}, want{cph(2026, 11, 19, 0, 0), cph(2026, 11, 26, 0, 0), true, 3}},
		{"planned next before the due day changes nothing", func(c *bot.Company) {
			c.LastContact, c.PlannedNext = cph(2026, 10, 20, 12, 0), cph(2026, 11, 1, 0, 0)
		}, want{cph(2026, 11, 19, 0, 0), cph(2026, 11, 19, 0, 0), true, 3}},
		{"planned next already met by a contact", func(c *bot.Company) {
			c.PlannedNext, c.LastContact = cph(2026, 11, 10, 0, 0), cph(2026, 11, 12, 12, 0)
		}, want{cph(2026, 12, 12, 0, 0), cph(2026, 12, 12, 0, 0), true, -20}},
		{"snooze holds the nudge to its end", func(c *bot.Company) {
			c.LastContact, c.SnoozedUntil = cph(2026, 10, 1, 12, 0), cph(2026, 12, 6, 0, 0)
		}, want{cph(2026, 10, 31, 0, 0), cph(2026, 12, 6, 0, 0), true, 22}},
		{"snooze ending mid-day counts from that day", func(c *bot.Company) {
			c.LastContact, c.SnoozedUntil = cph(2026, 10, 1, 12, 0), cph(2026, 12, 6, 15, 0)
		}, want{cph(2026, 10, 31, 0, 0), cph(2026, 12, 6, 0, 0), true, 22}},
		{"past snooze changes nothing", func(c *bot.Company) {
			c.LastContact, c.SnoozedUntil = cph(2026, 10, 1, 12, 0), cph(2026, 10, 15, 0, 0)
		}, want{cph(2026, 10, 31, 0, 0), cph(2026, 10, 31, 0, 0), true, 22}},
		{"paused is never nudged", func(c *bot.Company) { c.Status = bot.StatusPaused },
			want{cph(2026, 10, 1, 0, 0), time.Time{}, false, 52}},
		{"ended is never nudged", func(c *bot.Company) { c.Status = bot.StatusEnded },
			want{cph(2026, 10, 1, 0, 0), time.Time{}, false, 52}},
		{"no owner is never nudged", func(c *bot.Company) { c.OwnerID = 0 },
			want{cph(2026, 10, 1, 0, 0), time.Time{}, false, 52}},
		{"no cadence is never due", func(c *bot.Company) { c.CadenceDays = 0 },
			want{time.Time{}, time.Time{}, false, 0}},
	} {
		c := base
		tc.edit(&c)
		due := c.DueDay()
		nudge, ok := c.NudgeDay()
		overdue := c.OverdueDays(now)
		if !due.Equal(tc.want.due) || !nudge.Equal(tc.want.nudge) || ok != tc.want.ok || overdue != tc.want.overdue {
			t.Errorf("%s: DueDay %s, NudgeDay %s %v, OverdueDays %d; want %s, %s %v, %d", tc.name,
				due, nudge, ok, overdue, tc.want.due, tc.want.nudge, tc.want.ok, tc.want.overdue)
		}
		if wantOverdue := tc.want.ok && !now.Before(tc.want.nudge); c.Overdue(now) != wantOverdue {
			t.Errorf("%s: Overdue = %v, want %v", tc.name, !wantOverdue, wantOverdue)
		}
	}
}

// FuzzNormalizeName checks that a normalized name is a fixed point and has
// the key's shape: lower-case letters and digits in words joined by single
// spaces, nothing at either end.
func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"L-tek A/S", "ÆRØ Maskinfabrik", "aeroe maskinfabrik", "  Jensen & Søn  A/S ", "Åbenrå",
		"Müller Bäckerei", "Straße", "ǅemal", "İstanbul", "\u212bngström", "e\u0301", "\xff\xfe", "a\u00a0b", "ΣΊΣΥΦΟΣ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := bot.NormalizeName(s)
		if again := bot.NormalizeName(got); again != got {
			t.Fatalf("NormalizeName(%q) = %q, but NormalizeName(%q) = %q", s, got, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("NormalizeName(%q) = %q, not UTF-8", s, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("NormalizeName(%q) = %q: spaces at an end or doubled", s, got)
		}
		for _, r := range got {
			if r != ' ' && !unicode.IsDigit(r) && !(unicode.IsLetter(r) && unicode.ToLower(r) == r) {
				t.Fatalf("NormalizeName(%q) = %q holds %q", s, got, r)
			}
		}
		// Normalizing words one by one and joining those that keep
		// something is normalizing them joined (the command language
		// builds its company keys so).
		if i := len(s) / 2; len(s) > 0 && utf8.ValidString(s) && utf8.RuneStart(s[i]) {
			a, b := bot.NormalizeName(s[:i]), bot.NormalizeName(s[i:])
			want := strings.TrimSpace(a + " " + b)
			if got := bot.NormalizeName(s[:i] + " " + s[i:]); got != want {
				t.Fatalf("NormalizeName(%q + %q) = %q, but the parts give %q", s[:i], s[i:], got, want)
			}
		}
	})
}
