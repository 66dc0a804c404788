package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// The CLI runs on the wall clock, so the days below are found from today:
// a Monday that is a working day some 40 days ahead (when both of Hanne's
// companies are overdue), the next langfredag, and so on.

// rfc is a Copenhagen day at hh:00 in RFC 3339, as --at takes it.
func rfc(day time.Time, hh int) string {
	return time.Date(day.Year(), day.Month(), day.Day(), hh, 0, 0, 0, bot.Copenhagen).Format(time.RFC3339)
}

// workingMonday is the first Monday at least n days ahead that is a
// working day.
func workingMonday(n int) time.Time {
	cal := bot.NewCalendar()
	d := bot.AddDays(time.Now(), n)
	for d.Weekday() != time.Monday || !cal.IsWorkingDay(d) {
		d = bot.AddDays(d, 1)
	}
	return d
}

// nextLangfredag is the next Good Friday at least a day ahead.
func nextLangfredag() time.Time {
	for y := time.Now().Year(); ; y++ {
		m, d := bot.Easter(y)
		gf := bot.AddDays(time.Date(y, m, d, 0, 0, 0, 0, bot.Copenhagen), -2)
		if gf.After(bot.AddDays(time.Now(), 1)) {
			return gf
		}
	}
}

// A portfolio where Hanne's L-tek (kadence 14) and Ærø Maskinfabrik
// (kadence 30) have had no contact since they were added today.
func remindFixture(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "k.db")
	mustRun(t, "company add L-tek cvr 12345674 kadence 14\ncompany add Ærø Maskinfabrik kadence 30\n", nil, "--db", db, "--as", "Hanne")
	return db
}

func TestRemindSendsOncePerDay(t *testing.T) {
	t.Parallel()
	db := remindFixture(t)
	day := workingMonday(40)
	monday := rfc(day, 8)

	dry := mustRun(t, "", nil, "remind", "--db", db, "--at", monday, "--dry-run")
	for _, want := range []string{"── ville sende til Hanne (nudge) ──", "*L-tek*", "*Ærø Maskinfabrik*", "dage over", "intet er gemt"} {
		if !strings.Contains(dry, want) {
			t.Errorf("dry run lacks %q:\n%s", want, dry)
		}
	}
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		if planned, _ := d.Planned(ctx, bot.JobNudge, day); planned {
			t.Error("a dry run planned the day")
		}
	})

	first := mustRun(t, "", nil, "remind", "--db", db, "--at", monday)
	if strings.Count(first, "── besked til Hanne ──") != 2 || !strings.Contains(first, "2 sendt") {
		t.Errorf("first run should send Hanne her nudge and (as the only admin, no lead) the digest:\n%s", first)
	}
	again := mustRun(t, "", nil, "remind", "--db", db, "--at", rfc(day, 15))
	if strings.Contains(again, "besked til") || !strings.Contains(again, "0 planlagt nu, 0 sendt") {
		t.Errorf("a second run the same day sent something:\n%s", again)
	}
	if dry := mustRun(t, "", nil, "remind", "--db", db, "--at", rfc(day, 16), "--dry-run"); !strings.Contains(dry, "0 beskeder") {
		t.Errorf("a dry run after delivery lists messages:\n%s", dry)
	}
}

// TestRemindDryRunCountsInTheSingular checks the dry run's sum on a day with
// one message: a Tuesday brings Hanne her nudge but no weekly digest.
func TestRemindDryRunCountsInTheSingular(t *testing.T) {
	t.Parallel()
	db := remindFixture(t)
	tuesday := bot.AddDays(workingMonday(40), 1)
	for n := 47; !bot.NewCalendar().IsWorkingDay(tuesday); n += 7 {
		tuesday = bot.AddDays(workingMonday(n), 1)
	}
	dry := mustRun(t, "", nil, "remind", "--db", db, "--at", rfc(tuesday, 8), "--dry-run")
	if !strings.Contains(dry, ": 1 besked ville blive sendt;") {
		t.Errorf("a dry run with one message:\n%s", dry)
	}
}

func TestRemindOnHolidaySendsNothing(t *testing.T) {
	t.Parallel()
	db := remindFixture(t)
	out := mustRun(t, "", nil, "remind", "--db", db, "--at", rfc(nextLangfredag(), 8))
	if strings.Contains(out, "besked til") || !strings.Contains(out, "0 planlagt nu, 0 sendt") {
		t.Errorf("langfredag sent something:\n%s", out)
	}
	// A closed day for everyone through the environment: a working Monday
	// when both companies are overdue, and then the day is open again.
	day := workingMonday(40)
	env := map[string]string{"KONTAKTBOT_CLOSED_DAYS": day.Format(time.DateOnly) + " personaledag"}
	if out := mustRun(t, "", env, "remind", "--db", db, "--at", rfc(day, 8)); strings.Contains(out, "besked til") {
		t.Errorf("a configured closed day sent something:\n%s", out)
	}
	if out := mustRun(t, "", nil, "remind", "--db", db, "--at", rfc(day, 9)); !strings.Contains(out, "besked til Hanne") {
		t.Errorf("without the closed day nothing was sent:\n%s", out)
	}
}

func TestRemindBadInput(t *testing.T) {
	t.Parallel()
	db := remindFixture(t)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"remind", "--db", db, "--at", "mandag"}, nil, "--at"},
		{[]string{"remind", "--db", db, "now"}, nil, "unexpected argument"},
		{[]string{"remind", "--db", db}, map[string]string{"KONTAKTBOT_CLOSED_DAYS": "sankthans"}, "KONTAKTBOT_CLOSED_DAYS"},
		{[]string{"remind", "--db", filepath.Join(t.TempDir(), "missing.db"), "--dry-run"}, nil, "no such file"},
	} {
		out, _, err := runCmd(t, "", tc.env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want one mentioning %q", tc.args, err, tc.want)
		}
		if strings.Contains(out, "besked til") {
			t.Errorf("%q sent something:\n%s", tc.args, out)
		}
	}
}
