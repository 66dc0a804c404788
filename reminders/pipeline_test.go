package reminders_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
	"kontaktbot/storage/storagetest"
)

// sent records what a sweep delivered, by recipient name.
type sent struct {
	mu  sync.Mutex
	got map[string][]string
}

func (s *sent) SendToPerson(_ context.Context, to bot.Consultant, msg bot.Message) (bot.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got[to.Name] = append(s.got[to.Name], msg.PlainText())
	return bot.Receipt{MessageID: "m"}, nil
}

func (s *sent) PostToChannel(context.Context, bot.Channel, bot.Message) (bot.Receipt, error) {
	return bot.Receipt{}, nil
}

func (s *sent) UpdateMessage(_ context.Context, r bot.Receipt, _ bot.Message) (bot.Receipt, error) {
	return r, nil
}

func (s *sent) take() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := s.got
	s.got = map[string][]string{}
	return got
}

// The coordinator hears of an intro day on the working day before it, and
// the referrer of an internship's end on the first working day after it:
// once each, whatever the number of sweeps.
func TestIntroDayAndInternshipReminders(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := storagetest.MustOpen(t, nil)
	jc, _ := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Sorø"})
	anne, _ := db.CreateConsultant(ctx, bot.Consultant{Name: "Anne", JobcenterID: jc.ID, Role: bot.RoleCoordinator, Lang: bot.Danish})
	bo, _ := db.CreateConsultant(ctx, bot.Consultant{Name: "Bo", JobcenterID: jc.ID, Role: bot.RoleConsultant, Lang: bot.English})
	smedie, _ := db.CreateCompany(ctx, bot.Company{Name: "Sorø Smedie", CadenceDays: 0})
	cph := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 8, 0, 0, 0, bot.Copenhagen) }
	tuesday, err := db.CreateIntroDay(ctx, bot.IntroDay{Date: cph(2026, 12, 1), Place: "Sorø Bibliotek", HostID: jc.ID, Coordinator: anne.ID, CompanyIDs: []uint64{smedie.ID}})
	if err != nil {
		t.Fatal(err)
	}
	monday, _ := db.CreateIntroDay(ctx, bot.IntroDay{Date: cph(2026, 12, 7), Place: "Slagelse", HostID: jc.ID, Coordinator: anne.ID})
	if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: "KS-14", IntroDayID: tuesday.ID, ReferrerID: bo.ID, Stage: bot.StageInvited}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCandidate(ctx, tuesday.ID, "KS-14", func(c *bot.Candidate) error {
		c.Stage, c.CompanyID, c.InternshipStart, c.InternshipEnd = bot.StageInternship, smedie.ID, bot.Day(cph(2026, 11, 23)), bot.Day(cph(2026, 12, 5))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rec := &sent{got: map[string][]string{}}
	sw := reminders.NewSweeper(reminders.Config{Portfolio: db, People: db, Outbox: db, Pipeline: db, Notifier: rec})

	sweep := func(at time.Time) map[string][]string {
		t.Helper()
		for range 3 { // again and again: still once
			if _, err := sw.Sweep(ctx, at); err != nil {
				t.Fatal(err)
			}
		}
		return rec.take()
	}
	// Monday 30 November: Anne, for Tuesday's intro day.
	got := sweep(cph(2026, 11, 30))
	if len(got["Anne"]) != 1 || !strings.Contains(got["Anne"][0], "intromøde #1 tirsdag") || !strings.Contains(got["Anne"][0], "1 kandidat og 1 virksomhed") ||
		!strings.Contains(got["Anne"][0], "Sorø Bibliotek") || len(got["Bo"]) != 0 {
		t.Errorf("Monday 30 Nov: %q", got)
	}
	// Tuesday and Wednesday: nothing of this kind.
	if got := sweep(cph(2026, 12, 2)); len(got) != 0 {
		t.Errorf("Wednesday: %q", got)
	}
	// Friday 4 December: Anne, for Monday's intro day #2.
	if got := sweep(cph(2026, 12, 4)); len(got["Anne"]) != 1 || !strings.Contains(got["Anne"][0], "#2") {
		t.Errorf("Friday: %q", got)
	}
	// The internship ended on Saturday 5 December: Bo hears on Monday, in English.
	if got := sweep(cph(2026, 12, 5)); len(got) != 0 {
		t.Errorf("Saturday: %q", got)
	}
	got = sweep(cph(2026, 12, 7))
	if len(got["Bo"]) != 1 || !strings.Contains(got["Bo"][0], "KS-14: internship at Sorø Smedie ended 5 Dec 2026") || !strings.Contains(got["Bo"][0], "candidate KS-14 meeting") {
		t.Errorf("Monday 7 Dec: %q", got)
	}
	if got := sweep(cph(2026, 12, 8)); len(got) != 0 {
		t.Errorf("Tuesday 8 Dec: %q", got)
	}
	_ = monday
}

// A process that was down on the day a reminder was due tells it at its
// next sweep, once; an away referrer's nudge goes to the stand-in.
func TestPipelineCatchesUp(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := storagetest.MustOpen(t, nil)
	jc, _ := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Odense"})
	anne, _ := db.CreateConsultant(ctx, bot.Consultant{Name: "Anne", JobcenterID: jc.ID, Role: bot.RoleCoordinator})
	cira, _ := db.CreateConsultant(ctx, bot.Consultant{Name: "Cira", JobcenterID: jc.ID})
	bo, _ := db.CreateConsultant(ctx, bot.Consultant{Name: "Bo", JobcenterID: jc.ID, StandInID: cira.ID,
		AwayUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, bot.Copenhagen)})
	co, _ := db.CreateCompany(ctx, bot.Company{Name: "Odense Byg"})
	cph := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 8, 0, 0, 0, bot.Copenhagen) }
	day, _ := db.CreateIntroDay(ctx, bot.IntroDay{Date: cph(12, 2), Place: "Odense", HostID: jc.ID, Coordinator: anne.ID})
	db.AddCandidate(ctx, bot.Candidate{Reference: "AB-1", IntroDayID: day.ID, ReferrerID: bo.ID})
	db.UpdateCandidate(ctx, day.ID, "AB-1", func(c *bot.Candidate) error {
		c.Stage, c.CompanyID, c.InternshipEnd = bot.StageInternship, co.ID, bot.Day(cph(11, 27))
		return nil
	})
	rec := &sent{got: map[string][]string{}}
	sw := reminders.NewSweeper(reminders.Config{Portfolio: db, People: db, Outbox: db, Pipeline: db, Notifier: rec})
	// Thursday 26 November runs; then the process is down until Wednesday
	// 2 December, the intro day itself, whose reminder was due on Tuesday
	// and whose internship ended on Friday 27 November.
	sw.Sweep(ctx, cph(11, 26))
	if got := rec.take(); len(got) != 0 {
		t.Errorf("Thursday: %q", got)
	}
	for range 2 {
		sw.Sweep(ctx, cph(12, 2))
	}
	got := rec.take()
	if len(got["Anne"]) != 1 || !strings.Contains(got["Anne"][0], "intromøde #1") {
		t.Errorf("the missed intro day reminder: %q", got)
	}
	if len(got["Cira"]) != 1 || !strings.Contains(got["Cira"][0], "AB-1") || len(got["Bo"]) != 0 {
		t.Errorf("the missed internship nudge should go to Bo's stand-in Cira once: %q", got)
	}
	sw.Sweep(ctx, cph(12, 3))
	if got := rec.take(); len(got) != 0 {
		t.Errorf("the day after: %q", got)
	}
}

// An internship's nudge comes on the referrer's first working day after
// its last day: not on the last day itself, not on a day their jobcenter
// keeps closed (though others work and sweep), and once.
func TestInternshipNudgeOnTheWorkingDayAfter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := storagetest.MustOpen(t, nil)
	sorø, _ := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Sorø", ClosedDays: "2026-12-21"})
	odense, _ := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Odense"})
	bo, _ := db.CreateConsultant(ctx, bot.Consultant{Name: "Bo", JobcenterID: sorø.ID})
	eva, _ := db.CreateConsultant(ctx, bot.Consultant{Name: "Eva", JobcenterID: odense.ID})
	co, _ := db.CreateCompany(ctx, bot.Company{Name: "Sorø Smedie"})
	cph := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 8, 0, 0, 0, bot.Copenhagen) }
	day, _ := db.CreateIntroDay(ctx, bot.IntroDay{Date: cph(11, 25), Place: "Sorø", HostID: sorø.ID, Coordinator: bo.ID})
	for _, c := range []struct {
		ref      string
		referrer uint64
		end      time.Time
	}{
		{"TH-1", bo.ID, cph(12, 10)},  // Thursday: Bo hears on Friday
		{"FR-1", bo.ID, cph(12, 18)},  // Friday: Monday 21 is closed in Sorø, so Tuesday
		{"FR-2", eva.ID, cph(12, 18)}, // Friday, Odense: Monday
	} {
		if _, err := db.AddCandidate(ctx, bot.Candidate{Reference: c.ref, IntroDayID: day.ID, ReferrerID: c.referrer}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateCandidate(ctx, day.ID, c.ref, func(x *bot.Candidate) error {
			x.Stage, x.CompanyID, x.InternshipStart, x.InternshipEnd = bot.StageInternship, co.ID, bot.AddDays(c.end, -11), bot.Day(c.end)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	rec := &sent{got: map[string][]string{}}
	sw := reminders.NewSweeper(reminders.Config{Portfolio: db, People: db, Outbox: db, Pipeline: db, Notifier: rec})
	for _, want := range []struct {
		day  time.Time
		whom map[string]string // person -> the reference they hear of; nobody else hears
	}{
		{cph(12, 9), nil},
		{cph(12, 10), nil}, // the last day itself
		{cph(12, 11), map[string]string{"Bo": "TH-1"}},
		{cph(12, 14), nil},
		{cph(12, 18), nil},
		{cph(12, 21), map[string]string{"Eva": "FR-2"}}, // Sorø closed
		{cph(12, 22), map[string]string{"Bo": "FR-1"}},
		{cph(12, 23), nil},
	} {
		for range 2 {
			if _, err := sw.Sweep(ctx, want.day); err != nil {
				t.Fatal(err)
			}
		}
		got := rec.take()
		if len(got) != len(want.whom) {
			t.Errorf("%s: %q, want %v", want.day.Format("Mon 2 Jan"), got, want.whom)
		}
		for who, ref := range want.whom {
			if len(got[who]) != 1 || !strings.Contains(got[who][0], ref) {
				t.Errorf("%s: %s got %q, want one nudge about %s", want.day.Format("Mon 2 Jan"), who, got[who], ref)
			}
		}
	}
}
