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

// A portfolio where Hanne's L-tek (kadence 14, added 2026-11-22 or later
// by the wall clock) is long overdue by Monday 2027-03-01.
func remindFixture(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "k.db")
	mustRun(t, "company add L-tek cvr 12345674 kadence 14\ncompany add Ærø Maskinfabrik kadence 30\n", nil, "--db", db, "--as", "Hanne")
	return db
}

func TestRemindSendsOncePerDay(t *testing.T) {
	t.Parallel()
	db := remindFixture(t)
	const monday = "2027-03-01T08:00:00+01:00"

	dry := mustRun(t, "", nil, "remind", "--db", db, "--at", monday, "--dry-run")
	for _, want := range []string{"── ville sende til Hanne (nudge) ──", "*L-tek*", "*Ærø Maskinfabrik*", "dage over", "intet er gemt"} {
		if !strings.Contains(dry, want) {
			t.Errorf("dry run lacks %q:\n%s", want, dry)
		}
	}
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		if planned, _ := d.Planned(ctx, bot.JobNudge, bot.Day(mustTime(t, monday))); planned {
			t.Error("a dry run planned the day")
		}
	})

	first := mustRun(t, "", nil, "remind", "--db", db, "--at", monday)
	if strings.Count(first, "── besked til Hanne ──") != 2 || !strings.Contains(first, "2 sendt") {
		t.Errorf("first run should send Hanne her nudge and (as the only admin, no lead) the digest:\n%s", first)
	}
	again := mustRun(t, "", nil, "remind", "--db", db, "--at", "2027-03-01T15:00:00+01:00")
	if strings.Contains(again, "besked til") || !strings.Contains(again, "0 planlagt nu, 0 sendt") {
		t.Errorf("a second run the same day sent something:\n%s", again)
	}
	if dry := mustRun(t, "", nil, "remind", "--db", db, "--at", "2027-03-01T16:00:00+01:00", "--dry-run"); !strings.Contains(dry, "0 beskeder") {
		t.Errorf("a dry run after delivery lists messages:\n%s", dry)
	}
}

func TestRemindOnHolidaySendsNothing(t *testing.T) {
	t.Parallel()
	db := remindFixture(t)
	out := mustRun(t, "", nil, "remind", "--db", db, "--at", "2027-03-26T08:00:00+01:00") // langfredag
	if strings.Contains(out, "besked til") || !strings.Contains(out, "0 planlagt nu, 0 sendt") {
		t.Errorf("langfredag sent something:\n%s", out)
	}
	// A closed day for everyone through the environment.
	env := map[string]string{"KONTAKTBOT_CLOSED_DAYS": "2027-03-02 personaledag"}
	if out := mustRun(t, "", env, "remind", "--db", db, "--at", "2027-03-02T08:00:00+01:00"); strings.Contains(out, "besked til") {
		t.Errorf("a configured closed day sent something:\n%s", out)
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

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
