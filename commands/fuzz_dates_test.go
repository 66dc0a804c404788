package commands_test

import (
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// isMidnight reports whether d is the start of a day in Copenhagen, given
// in that zone.
func isMidnight(d time.Time) bool {
	return d.Location() == bot.Copenhagen && d.Equal(bot.Day(d)) &&
		d.Hour() == 0 && d.Minute() == 0 && d.Second() == 0 && d.Nanosecond() == 0
}

// FuzzParseDate checks the date readers on any text at any moment between
// 2000 and 2099: no panic; every day read is a Copenhagen midnight in
// 2000..2099; the same text at the same moment reads the same; a day read
// is read back from the way the bot prints it; reading a date back or ahead
// and TakeSnooze use at most the words they were given, ReadDate reads a
// day exactly when it says OK, in every slot, and a snooze ends
// 1..365 days ahead.
func FuzzParseDate(f *testing.F) {
	nows := []time.Time{sundayNov, fridayNov, newYear, springDST, springLate, autumnDST, autumnLate, leapYear}
	for i, tc := range parseDateCases {
		f.Add(tc.in, tc.now.Unix()+int64(i))
	}
	for _, s := range []string{"i går mødte Lars", "man mangler svejsere", "7d", "2 uger", "10 dage ferie", "365d", "366d", "fredag",
		"3. december telefon", "d. 20/11", "uge 53 2026", "for 2 uger siden", "om en måned", "Nov 20th, 2026", "i fredags", "sidste mandag", "31. november"} {
		f.Add(s, nows[len(s)%len(nows)].Unix())
	}
	lo := time.Date(2000, 1, 1, 0, 0, 0, 0, bot.Copenhagen).Unix()
	hi := time.Date(2099, 12, 31, 23, 59, 59, 0, bot.Copenhagen).Unix()
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		now := time.Unix(lo+mod(unix, hi-lo+1), 0)
		got, ok := commands.ParseDate(s, now)
		if again, ok2 := commands.ParseDate(s, now); ok2 != ok || !again.Equal(got) {
			t.Fatalf("ParseDate(%q) at %s: %s, %v then %s, %v", s, now, got, ok, again, ok2)
		}
		if ok {
			checkDay(t, "ParseDate", s, got)
			for _, back := range []string{bot.FormatDate(got, bot.Danish), got.Format("2006-01-02")} {
				if d, ok := commands.ParseDate(back, now); !ok || !d.Equal(got) {
					t.Fatalf("ParseDate(%q) = %s, but ParseDate(%q) = %s, %v", s, got, back, d, ok)
				}
			}
		} else if !got.IsZero() {
			t.Fatalf("ParseDate(%q) refused but returned %s", s, got)
		}
		words := strings.Fields(s)
		if d, n := takeDate(words, now); n < 0 || n > 4 || n > len(words) || (n > 0) == d.IsZero() {
			t.Fatalf("TakeDate(%q) = %s, %d", words, d, n)
		} else if n > 0 {
			checkDay(t, "TakeDate", s, d)
		}
		if d, n := takeFutureDate(words, now); n < 0 || n > 4 || n > len(words) || (n > 0) == d.IsZero() {
			t.Fatalf("TakeFutureDate(%q) = %s, %d", words, d, n)
		} else if n > 0 {
			checkDay(t, "TakeFutureDate", s, d)
		}
		for _, slot := range []commands.Slot{commands.Past, commands.Ahead, commands.Deadline} {
			r := commands.ReadDate(words, now, slot)
			if r.N < 0 || r.N > 4 || r.N > len(words) || (r.OK && r.N == 0) || r.OK == r.Day.IsZero() {
				t.Fatalf("ReadDate(%q, %d) = %+v", words, slot, r)
			}
			if r.OK {
				checkDay(t, "ReadDate", s, r.Day)
			}
			if again := commands.ReadDate(words, now, slot); again != r {
				t.Fatalf("ReadDate(%q, %d) = %+v then %+v", words, slot, r, again)
			}
		}
		until, n := commands.TakeSnooze(words, now)
		if n < 0 || n > 4 || n > len(words) || (n > 0) == until.IsZero() {
			t.Fatalf("TakeSnooze(%q) = %s, %d", words, until, n)
		}
		if ahead := bot.DaysBetween(now, until); n > 0 && (ahead < 1 || ahead > 365) {
			t.Fatalf("TakeSnooze(%q) at %s = %s, %d days ahead", words, now, until, ahead)
		}
	})
}

func checkDay(t *testing.T, fn, s string, d time.Time) {
	t.Helper()
	if !isMidnight(d) {
		t.Fatalf("%s(%q) = %s, not midnight in Copenhagen", fn, s, d)
	}
	if y := d.Year(); y < 2000 || y > 2099 {
		t.Fatalf("%s(%q) = %s, year outside 2000..2099", fn, s, d)
	}
}

// mod is a non-negative remainder, so any fuzzed number picks a moment.
func mod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}
