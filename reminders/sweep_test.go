package reminders_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
	"kontaktbot/storage"
	"kontaktbot/storage/storagetest"
)

// Compile-time proof that the real store and the test notifier fit.
var (
	_ reminders.Portfolio = (*storage.DB)(nil)
	_ reminders.People    = (*storage.DB)(nil)
	_ reminders.Outbox    = (*storage.DB)(nil)
	_ bot.Notifier        = (*notifier)(nil)
)

// wed is Wednesday 9 September 2026, an ordinary working day; mon is the
// Monday after it, the first working day of its week.
var (
	wed = time.Date(2026, 9, 9, 0, 0, 0, 0, bot.Copenhagen)
	mon = time.Date(2026, 9, 14, 0, 0, 0, 0, bot.Copenhagen)
)

// at is d's day at hh:mm in Copenhagen.
func at(d time.Time, hh, mm int) time.Time {
	y, m, dd := d.In(bot.Copenhagen).Date()
	return time.Date(y, m, dd, hh, mm, 0, 0, bot.Copenhagen)
}

// before is 10:00 on the day n days before d: a contact n days ago.
func before(d time.Time, n int) time.Time { return at(bot.AddDays(d, -n), 10, 0) }

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// attempt is one call of SendToPerson.
type attempt struct {
	To   uint64
	At   time.Time // the clock's time at the call
	Msg  bot.Message
	Text string // Msg.PlainText()
	OK   bool
}

// notifier records every SendToPerson and fails or panics when told to.
type notifier struct {
	clock bot.Clock

	mu      sync.Mutex
	log     []attempt
	failing map[uint64]int // recipient -> tries still to fail; negative: all
	err     error          // what a failing try returns
	panics  int            // tries still to panic, whoever they are to
}

func newNotifier(clock bot.Clock) *notifier {
	return &notifier{clock: clock, failing: map[uint64]int{}, err: errors.New("platform unavailable")}
}

// failFirst makes the next k tries to id fail with err; k < 0 fails all.
func (n *notifier) failFirst(id uint64, k int, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.failing[id], n.err = k, err
}

// panicNext makes the next k tries panic.
func (n *notifier) panicNext(k int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.panics = k
}

func (n *notifier) SendToPerson(_ context.Context, to bot.Consultant, msg bot.Message) (bot.Receipt, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	a := attempt{To: to.ID, At: n.clock.Now(), Msg: msg, Text: msg.PlainText()}
	if n.panics > 0 {
		n.panics--
		n.log = append(n.log, a)
		panic("token endpoint unreachable")
	}
	if left := n.failing[to.ID]; left != 0 {
		if left > 0 {
			n.failing[to.ID] = left - 1
		}
		n.log = append(n.log, a)
		return bot.Receipt{}, n.err
	}
	a.OK = true
	n.log = append(n.log, a)
	return bot.Receipt{Channel: bot.Channel{Platform: "test", ID: "D" + strconv.FormatUint(to.ID, 10)},
		MessageID: strconv.Itoa(len(n.log))}, nil
}

func (n *notifier) PostToChannel(context.Context, bot.Channel, bot.Message) (bot.Receipt, error) {
	return bot.Receipt{}, errors.New("reminders never post to a channel")
}

func (n *notifier) UpdateMessage(context.Context, bot.Receipt, bot.Message) (bot.Receipt, error) {
	return bot.Receipt{}, errors.New("reminders never update a message")
}

// attempts returns every try so far, in order.
func (n *notifier) attempts() []attempt {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.log)
}

// to returns the tries to id.
func (n *notifier) to(id uint64) []attempt {
	var out []attempt
	for _, a := range n.attempts() {
		if a.To == id {
			out = append(out, a)
		}
	}
	return out
}

// delivered returns the successful tries.
func (n *notifier) delivered() []attempt {
	var out []attempt
	for _, a := range n.attempts() {
		if a.OK {
			out = append(out, a)
		}
	}
	return out
}

// fixture is a Sweeper on a real database file with a fake clock and a
// recording notifier; people belong to the jobcenter jc unless told.
type fixture struct {
	t   *testing.T
	ctx context.Context
	clk *fakeClock
	db  *storage.DB
	n   *notifier
	cfg reminders.Config
	sw  *reminders.Sweeper
	jc  bot.Jobcenter
}

func newFixture(t *testing.T, now time.Time, closed ...bot.ClosedDay) *fixture {
	t.Helper()
	clk := &fakeClock{t: now}
	db := storagetest.MustOpen(t, clk)
	f := &fixture{t: t, ctx: t.Context(), clk: clk, db: db, n: newNotifier(clk)}
	f.cfg = reminders.Config{Portfolio: db, People: db, Outbox: db, Notifier: f.n, Clock: clk,
		ClosedDays: closed, FirstRetry: time.Minute}
	f.sw = reminders.NewSweeper(f.cfg)
	f.jc = f.jobcenter("Jobcenter Odense", "")
	return f
}

func (f *fixture) jobcenter(name, closedDays string) bot.Jobcenter {
	f.t.Helper()
	j, err := f.db.CreateJobcenter(f.ctx, bot.Jobcenter{Name: name, ClosedDays: closedDays})
	if err != nil {
		f.t.Fatalf("create jobcenter %s: %v", name, err)
	}
	return j
}

// person stores c, by default a Danish consultant of f.jc.
func (f *fixture) person(c bot.Consultant) bot.Consultant {
	f.t.Helper()
	if c.Role == "" {
		c.Role = bot.RoleConsultant
	}
	if c.Lang == "" {
		c.Lang = bot.Danish
	}
	if c.JobcenterID == 0 {
		c.JobcenterID = f.jc.ID
	}
	out, err := f.db.CreateConsultant(f.ctx, c)
	if err != nil {
		f.t.Fatalf("create consultant %s: %v", c.Name, err)
	}
	return out
}

// away makes id away until the end of until's day, with stand-in (0: none).
func (f *fixture) away(id uint64, until time.Time, standIn uint64) {
	f.t.Helper()
	_, err := f.db.UpdateConsultant(f.ctx, id, func(c *bot.Consultant) error {
		c.AwayUntil, c.StandInID = until, standIn
		return nil
	})
	if err != nil {
		f.t.Fatalf("away #%d: %v", id, err)
	}
}

func (f *fixture) company(c bot.Company) bot.Company {
	f.t.Helper()
	out, err := f.db.CreateCompany(f.ctx, c)
	if err != nil {
		f.t.Fatalf("create company %s: %v", c.Name, err)
	}
	return out
}

// overdue stores a company of owner's with a 14-day cadence and its last
// contact 14+n days before d: n days overdue on d.
func (f *fixture) overdue(name string, owner uint64, d time.Time, n int) bot.Company {
	f.t.Helper()
	return f.company(bot.Company{Name: name, OwnerID: owner, CadenceDays: 14, LastContact: before(d, 14+n)})
}

func (f *fixture) contact(company, by uint64, when time.Time, kind bot.ContactKind) {
	f.t.Helper()
	if _, err := f.db.AddContact(f.ctx, bot.Contact{CompanyID: company, ConsultantID: by, At: when, Kind: kind}); err != nil {
		f.t.Fatalf("add contact: %v", err)
	}
}

// sweep sets the clock to now and sweeps as the scheduler would.
func (f *fixture) sweep(now time.Time) reminders.Report {
	f.t.Helper()
	f.clk.Set(now)
	rep, err := f.sw.Sweep(f.ctx, now)
	if err != nil {
		f.t.Fatalf("sweep at %s: %v", now, err)
	}
	return rep
}

func (f *fixture) planned(kind bot.JobKind, d time.Time) bool {
	f.t.Helper()
	ok, err := f.db.Planned(f.ctx, kind, d)
	if err != nil {
		f.t.Fatalf("planned: %v", err)
	}
	return ok
}

func (f *fixture) deliveries(kind bot.JobKind, d time.Time) []bot.Delivery {
	f.t.Helper()
	ds, err := f.db.Deliveries(f.ctx, kind, d)
	if err != nil {
		f.t.Fatalf("deliveries: %v", err)
	}
	return ds
}

// delivery is kind's stored delivery to id on d.
func (f *fixture) delivery(kind bot.JobKind, d time.Time, id uint64) bot.Delivery {
	f.t.Helper()
	for _, dl := range f.deliveries(kind, d) {
		if dl.To == id {
			return dl
		}
	}
	f.t.Fatalf("no %s delivery to #%d on %s", kind, id, d.Format(time.DateOnly))
	return bot.Delivery{}
}

// lists returns the lines of a nudge's overdue list and of its planned list.
func lists(msg bot.Message) (overdue, planned []string) {
	for _, b := range msg.Blocks {
		if l, ok := b.(bot.List); ok {
			if l.Title == "" {
				overdue = append(overdue, l.Items...)
			} else {
				planned = append(planned, l.Items...)
			}
		}
	}
	return overdue, planned
}

// overdueLines is the overdue list of a nudge.
func overdueLines(msg bot.Message) []string {
	overdue, _ := lists(msg)
	return overdue
}

// names returns the company names that lead lines ("*Name* — ...").
func names(lines []string) []string {
	out := []string{}
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "*"); ok {
			name, _, _ := strings.Cut(rest, "*")
			out = append(out, name)
		}
	}
	return out
}

// line returns the line about company, or "".
func line(lines []string, company string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, "*"+company+"*") {
			return l
		}
	}
	return ""
}

// received maps each recipient's name to the company names of the
// messages delivered to them, message by message.
func received(f *fixture, people ...bot.Consultant) map[string][][]string {
	byID := map[uint64]string{}
	for _, p := range people {
		byID[p.ID] = p.Name
	}
	out := map[string][][]string{}
	for _, a := range f.n.delivered() {
		overdue, planned := lists(a.Msg)
		name, ok := byID[a.To]
		if !ok {
			name = "#" + strconv.FormatUint(a.To, 10)
		}
		out[name] = append(out[name], append(names(overdue), names(planned)...))
	}
	return out
}

func assertReceived(t *testing.T, when string, got, want map[string][][]string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: received %v, want %v", when, got, want)
	}
}

// TestDueRules sweeps one working morning with a single company and checks
// whether, and in which list, the owner's nudge names it.
func TestDueRules(t *testing.T) {
	t.Parallel()
	d := wed
	tests := []struct {
		name    string
		c       bot.Company
		noOwner bool
		list    string // "overdue", "planned", or "" for no nudge at all
		want    string // in the company's line
	}{
		{name: "last contact plus cadence is today",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 14)},
			list: "overdue", want: "— forfalder i dag; kadence 14 dage; sidste kontakt 26.08.2026 (14 dage siden)"},
		{name: "a day before the due day",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 13)}},
		{name: "one day overdue",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 15)},
			list: "overdue", want: "— 1 dag over; kadence 14 dage"},
		{name: "six days overdue",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20)},
			list: "overdue", want: "— 6 dage over; kadence 14 dage; sidste kontakt 20.08.2026 (20 dage siden)"},
		{name: "no contact: owner since plus cadence is today",
			c:    bot.Company{CadenceDays: 30, OwnerSince: before(d, 30), Created: before(d, 400)},
			list: "overdue", want: "— forfalder i dag; kadence 30 dage; ingen kontakt endnu"},
		{name: "no contact: a day before owner since plus cadence",
			c: bot.Company{CadenceDays: 30, OwnerSince: before(d, 29), Created: before(d, 400)}},
		{name: "a newer contact wins over owner since",
			c: bot.Company{CadenceDays: 30, OwnerSince: before(d, 100), LastContact: before(d, 3), LastKind: bot.KindVisit}},
		{name: "contact planned for today",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20), PlannedNext: d},
			list: "planned", want: "— planlagt kontakt i dag; kadence 14 dage"},
		{name: "contact planned for today, not due yet",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 3), PlannedNext: d},
			list: "planned", want: "— planlagt kontakt i dag"},
		{name: "planned yesterday and no contact since",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20), PlannedNext: bot.AddDays(d, -1)},
			list: "overdue", want: "— 6 dage over"},
		{name: "planned tomorrow holds the nudge back",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 20), PlannedNext: bot.AddDays(d, 1)}},
		{name: "snoozed until tomorrow",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 20), SnoozedUntil: bot.AddDays(d, 1), SnoozeCount: 1}},
		{name: "snooze ends today",
			c:    bot.Company{CadenceDays: 14, LastContact: before(d, 20), SnoozedUntil: d, SnoozeCount: 1},
			list: "overdue", want: "— 6 dage over"},
		{name: "paused",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 60), Status: bot.StatusPaused}},
		{name: "ended",
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 60), Status: bot.StatusEnded}},
		{name: "no dedicated consultant", noOwner: true,
			c: bot.Company{CadenceDays: 14, LastContact: before(d, 60)}},
		{name: "no cadence",
			c: bot.Company{CadenceDays: 0, LastContact: before(d, 400)}},
		{name: "intensified",
			c:    bot.Company{CadenceDays: 7, LastContact: before(d, 7), Tier: bot.TierIntensified},
			list: "overdue", want: "*Vestergaard VVS* (intensiveret) — forfalder i dag; kadence 7 dage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, at(d, 8, 0))
			anna := f.person(bot.Consultant{Name: "Anna"})
			c := tt.c
			c.Name = "Vestergaard VVS"
			if !tt.noOwner {
				c.OwnerID = anna.ID
			}
			f.company(c)
			rep := f.sweep(at(d, 8, 0))
			if !f.planned(bot.JobNudge, d) {
				t.Errorf("the working day's nudges are not marked planned")
			}
			got := f.n.attempts()
			if tt.list == "" {
				if len(got) != 0 || rep.Planned[bot.JobNudge] != 0 {
					t.Fatalf("want no nudge, got %d messages %+v (planned %v)", len(got), got, rep.Planned)
				}
				return
			}
			if len(got) != 1 || got[0].To != anna.ID || !got[0].OK {
				t.Fatalf("want one nudge to Anna, got %+v", got)
			}
			overdue, planned := lists(got[0].Msg)
			lines := map[string][]string{"overdue": overdue, "planned": planned}
			l := line(lines[tt.list], c.Name)
			if l == "" {
				t.Fatalf("%s is not in the %s list:\n%s", c.Name, tt.list, got[0].Text)
			}
			if !strings.Contains(l, tt.want) {
				t.Errorf("line = %q, want it to contain %q", l, tt.want)
			}
			if n := len(overdue) + len(planned); n != 1 {
				t.Errorf("the nudge lists %d lines, want 1:\n%s", n, got[0].Text)
			}
		})
	}
}

// TestContactEndsNudges: a contact logged after the morning nudge keeps
// the company out of the next day's.
func TestContactEndsNudges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	x := f.overdue("Hansen Smedie", anna.ID, wed, 2)
	f.overdue("Jensen Tømrer", anna.ID, wed, 5)
	f.sweep(at(wed, 8, 0))
	f.clk.Set(at(wed, 10, 0))
	f.contact(x.ID, anna.ID, at(wed, 9, 45), bot.KindVisit)
	f.sweep(at(wed, 16, 0))
	f.sweep(at(bot.AddDays(wed, 1), 8, 0))
	assertReceived(t, "wed and thu", received(f, anna), map[string][][]string{
		"Anna": {{"Jensen Tømrer", "Hansen Smedie"}, {"Jensen Tømrer"}},
	})
}

// TestPlannedContact: a plan holds the nudge back until the day after the
// planned day; on the day it is listed as planned; a contact on the day
// ends it.
func TestPlannedContact(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	met := f.overdue("Møller Maskinfabrik", anna.ID, wed, 5)
	missed := f.overdue("Holm Bageri", anna.ID, wed, 5)
	for _, id := range []uint64{met.ID, missed.ID} {
		_, err := f.db.UpdateCompany(f.ctx, id, func(c *bot.Company) error {
			c.PlannedNext = bot.AddDays(wed, 1) // "plan ... i morgen"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	thu, fri := bot.AddDays(wed, 1), bot.AddDays(wed, 2)
	f.sweep(at(wed, 8, 0)) // held back: nothing else is due
	f.sweep(at(thu, 8, 0))
	f.contact(met.ID, anna.ID, at(thu, 11, 0), bot.KindMeeting)
	f.sweep(at(fri, 8, 0))

	got := f.n.delivered()
	if len(got) != 2 || got[0].At.Day() != thu.Day() || got[1].At.Day() != fri.Day() {
		t.Fatalf("want one nudge thursday and one friday, got %d: %+v", len(got), got)
	}
	overdue, planned := lists(got[0].Msg)
	if len(overdue) != 0 || fmt.Sprint(names(planned)) != "[Holm Bageri Møller Maskinfabrik]" {
		t.Errorf("thursday: overdue %q, planned %q; want both planned", overdue, planned)
	}
	if !strings.Contains(got[0].Text, "God morgen! 2 planlagte kontakter i dag\n") ||
		!strings.Contains(got[0].Text, "Planlagt i dag\n") {
		t.Errorf("thursday's nudge does not present the plans:\n%s", got[0].Text)
	}
	overdue, planned = lists(got[1].Msg)
	if fmt.Sprint(names(overdue)) != "[Holm Bageri]" || len(planned) != 0 {
		t.Errorf("friday: overdue %q, planned %q; want only Holm Bageri overdue", overdue, planned)
	}
	if l := line(overdue, "Holm Bageri"); !strings.Contains(l, "7 dage over") {
		t.Errorf("friday line = %q, want 7 dage over", l)
	}
}

// TestAway: an absent owner's companies go to the stand-in, marked as
// theirs; without a stand-in, or with one who is away too, they wait, and
// come back by themselves after the absence.
func TestAway(t *testing.T) {
	t.Parallel()
	thu, fri := bot.AddDays(wed, 1), bot.AddDays(wed, 2)
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	carl := f.person(bot.Consultant{Name: "Carl"})
	dora := f.person(bot.Consultant{Name: "Dora"})
	eva := f.person(bot.Consultant{Name: "Eva"})
	f.away(anna.ID, fri, bo.ID)  // ferie, Bo stands in
	f.away(carl.ID, fri, 0)      // kursus, nobody stands in
	f.away(dora.ID, fri, eva.ID) // Eva stands in, but is away herself until thursday
	f.away(eva.ID, thu, 0)
	for _, p := range []bot.Consultant{anna, bo, carl, dora, eva} {
		f.overdue(p.Name+" ApS", p.ID, wed, 3)
	}
	people := []bot.Consultant{anna, bo, carl, dora, eva}

	f.sweep(at(wed, 8, 0))
	assertReceived(t, "wednesday", received(f, people...), map[string][][]string{
		"Bo": {{"Anna ApS", "Bo ApS"}},
	})
	if len(f.n.delivered()) != 1 {
		t.FailNow()
	}
	overdue := overdueLines(f.n.delivered()[0].Msg)
	if l := line(overdue, "Anna ApS"); !strings.Contains(l, "; for Anna, der er væk til og med 11.09.2026") {
		t.Errorf("stand-in line = %q, want it to say whose company it is", l)
	}
	if l := line(overdue, "Bo ApS"); strings.Contains(l, "for ") {
		t.Errorf("Bo's own line = %q, names an owner", l)
	}

	f.sweep(at(thu, 8, 0))
	f.sweep(at(fri, 8, 0))
	f.sweep(at(mon, 8, 0))
	assertReceived(t, "wednesday to monday", received(f, people...), map[string][][]string{
		"Anna": {{"Anna ApS"}},
		"Bo":   {{"Anna ApS", "Bo ApS"}, {"Anna ApS", "Bo ApS"}, {"Anna ApS", "Bo ApS"}, {"Bo ApS"}},
		"Carl": {{"Carl ApS"}},
		"Dora": {{"Dora ApS"}},
		"Eva":  {{"Dora ApS", "Eva ApS"}, {"Eva ApS"}},
	})
	for _, a := range f.n.to(anna.ID) {
		if strings.Contains(a.Text, "for Anna") {
			t.Errorf("Anna's own nudge calls her away:\n%s", a.Text)
		}
	}
}

// TestClosedDays: on a closed day nothing is planned or sent; the next
// working day sends once, including what fell due on the closed day.
func TestClosedDays(t *testing.T) {
	t.Parallel()
	juleaften, err := bot.ParseClosedDays("juleaftensdag") // as in KONTAKTBOT_CLOSED_DAYS
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) time.Time { return day(t, s) }
	tests := []struct {
		name         string
		closed, next time.Time
		general      []bot.ClosedDay
	}{
		{name: "lørdag", closed: date("2026-09-12"), next: date("2026-09-14")},
		{name: "søndag", closed: date("2026-09-13"), next: date("2026-09-14")},
		{name: "langfredag", closed: date("2027-03-26"), next: date("2027-03-30")},
		{name: "2. juledag", closed: date("2028-12-26"), next: date("2028-12-27")},
		{name: "Kristi himmelfartsdag", closed: date("2026-05-14"), next: date("2026-05-15")},
		{name: "Kristi himmelfartsdag and the Friday after, closed everywhere",
			closed: date("2026-05-14"), next: date("2026-05-18"), general: []bot.ClosedDay{bot.FridayAfterAscension}},
		{name: "juleaftensdag, closed everywhere", closed: date("2026-12-24"), next: date("2026-12-28"), general: juleaften},
		{name: "a personaledag, closed everywhere", closed: date("2026-09-09"), next: date("2026-09-10"),
			general: []bot.ClosedDay{{Year: 2026, Month: time.September, Day: 9, Name: "personaledag"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, at(tt.closed, 8, 0), tt.general...)
			anna := f.person(bot.Consultant{Name: "Anna"})
			f.overdue("Frandsen Transport", anna.ID, tt.closed, 0) // falls due on the closed day
			for d := tt.closed; d.Before(tt.next); d = bot.AddDays(d, 1) {
				for _, now := range []time.Time{at(d, 0, 0), at(d, 8, 0), at(d, 16, 30)} {
					rep := f.sweep(now)
					if len(rep.Planned) != 0 || rep.Sent != 0 {
						t.Errorf("sweep at %s: planned %v, sent %d; want nothing", now, rep.Planned, rep.Sent)
					}
				}
				if f.planned(bot.JobNudge, d) || f.planned(bot.JobDigest, d) {
					t.Errorf("%s is marked planned", d.Format(time.DateOnly))
				}
				if ds, err := f.sw.Plan(f.ctx, bot.JobNudge, at(d, 8, 0)); err != nil || ds != nil {
					t.Errorf("Plan(%s) = %v, %v; want nil", d.Format(time.DateOnly), ds, err)
				}
			}
			if n := len(f.n.attempts()); n != 0 {
				t.Fatalf("%d messages sent on closed days", n)
			}
			f.sweep(at(tt.next, 8, 0))
			f.sweep(at(tt.next, 12, 0))
			got := f.n.attempts()
			if len(got) != 1 || !got[0].OK || got[0].To != anna.ID {
				t.Fatalf("next working day: want one nudge to Anna, got %+v", got)
			}
			overdue := overdueLines(got[0].Msg)
			late := bot.DaysBetween(tt.closed, tt.next)
			want := fmt.Sprintf("— %d dag", late)
			if l := line(overdue, "Frandsen Transport"); !strings.Contains(l, want) {
				t.Errorf("line = %q, want it to contain %q", l, want)
			}
		})
	}
}

// TestJobcenterClosedDay: grundlovsdag (Friday 5 June 2026) closes one
// jobcenter, not the other.
func TestJobcenterClosedDay(t *testing.T) {
	t.Parallel()
	grundlovsdag, monday := day(t, "2026-06-05"), day(t, "2026-06-08")
	f := newFixture(t, at(grundlovsdag, 8, 0))
	closed := f.jobcenter("Jobcenter Svendborg", "grundlovsdag, juleaftensdag")
	anna := f.person(bot.Consultant{Name: "Anna", JobcenterID: closed.ID})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Svendborg Stål", anna.ID, grundlovsdag, 0)
	f.overdue("Odense Plast", bo.ID, grundlovsdag, 0)

	f.sweep(at(grundlovsdag, 8, 0))
	f.sweep(at(grundlovsdag, 14, 0))
	assertReceived(t, "grundlovsdag", received(f, anna, bo), map[string][][]string{
		"Bo": {{"Odense Plast"}},
	})
	if ds := f.deliveries(bot.JobNudge, grundlovsdag); len(ds) != 1 || ds[0].To != bo.ID {
		t.Errorf("grundlovsdag's outbox = %+v, want only Bo's nudge", ds)
	}
	f.sweep(at(monday, 8, 0))
	assertReceived(t, "grundlovsdag and monday", received(f, anna, bo), map[string][][]string{
		"Anna": {{"Svendborg Stål"}},
		"Bo":   {{"Odense Plast"}, {"Odense Plast"}},
	})
	if l := line(overdueLines(f.n.to(anna.ID)[0].Msg), "Svendborg Stål"); !strings.Contains(l, "3 dage over") {
		t.Errorf("Anna's monday line = %q, want 3 dage over", l)
	}
}

// TestUnreadableClosedDays: a jobcenter whose closed days cannot be read
// keeps the general calendar rather than stopping the sweep.
func TestUnreadableClosedDays(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0), bot.ClosedDay{Year: 2026, Month: time.September, Day: 10, Name: "personaledag"})
	j := f.jobcenter("Jobcenter Nyborg", "grundlovsdag, hver anden fredag")
	anna := f.person(bot.Consultant{Name: "Anna", JobcenterID: j.ID})
	f.overdue("Nyborg Net", anna.ID, wed, 1)
	f.sweep(at(wed, 8, 0))
	f.sweep(at(bot.AddDays(wed, 1), 8, 0)) // the general personaledag
	assertReceived(t, "wed and thu", received(f, anna), map[string][][]string{"Anna": {{"Nyborg Net"}}})
}

// TestSweepEveryFiveSecondsAllDay sweeps a working day from 00:00 to
// 23:59:55 every five seconds: each consultant with something due is
// nudged exactly once, and the day is planned once. -short sweeps every
// minute instead (17,280 sweeps take about ten seconds under -race).
func TestSweepEveryFiveSecondsAllDay(t *testing.T) {
	t.Parallel()
	step := 5 * time.Second
	if testing.Short() {
		step = time.Minute
	}
	f := newFixture(t, at(wed, 0, 0))
	var due []bot.Consultant
	for i, name := range []string{"Anna", "Bo", "Carl"} {
		p := f.person(bot.Consultant{Name: name})
		f.overdue(name+" Logistik", p.ID, wed, i)
		due = append(due, p)
	}
	idle := f.person(bot.Consultant{Name: "Dora"})
	f.company(bot.Company{Name: "Dora Gartneri", OwnerID: idle.ID, CadenceDays: 30, LastContact: before(wed, 1)})

	planned, sent := 0, 0
	for now := at(wed, 0, 0); bot.Day(now).Equal(wed); now = now.Add(step) {
		rep := f.sweep(now)
		planned += rep.Planned[bot.JobNudge]
		sent += rep.Sent
		if rep.Failed != 0 || rep.Given != 0 {
			t.Fatalf("sweep at %s: %+v", now, rep)
		}
	}
	if planned != len(due) || sent != len(due) {
		t.Errorf("reports: %d planned, %d sent; want %d and %d", planned, sent, len(due), len(due))
	}
	for _, p := range due {
		if got := f.n.to(p.ID); len(got) != 1 || !got[0].OK || !got[0].At.Equal(at(wed, 0, 0)) {
			t.Errorf("%s: %d tries %+v, want one at 00:00", p.Name, len(got), got)
		}
		if d := f.delivery(bot.JobNudge, wed, p.ID); d.Attempts != 1 || d.Delivered.IsZero() || d.Receipt.MessageID == "" {
			t.Errorf("%s: stored %+v, want delivered on the first try with its receipt", p.Name, d)
		}
	}
	if got := f.n.to(idle.ID); len(got) != 0 {
		t.Errorf("Dora, with nothing due, got %d messages", len(got))
	}
}

// TestOnePerWorkingDayForAWeek sweeps every ten minutes from Monday to
// Sunday: a company left uncontacted is nudged about once each working
// day, and not at the weekend.
func TestOnePerWorkingDayForAWeek(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 0, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Kirkegaard Kran", anna.ID, mon, 0)
	sun := bot.AddDays(mon, 6)
	for now := at(mon, 0, 0); !bot.Day(now).After(sun); now = now.Add(10 * time.Minute) {
		f.sweep(now)
	}
	var days []string
	for _, a := range f.n.to(anna.ID) {
		days = append(days, a.At.Weekday().String())
		want := fmt.Sprintf("— %d dag", bot.DaysBetween(mon, a.At)) // "— 1 dag over", "— 4 dage over"
		if a.At.Weekday() == time.Monday {
			want = "— forfalder i dag"
		}
		if l := line(overdueLines(a.Msg), "Kirkegaard Kran"); !strings.Contains(l, want) {
			t.Errorf("%s: line %q does not count the days", a.At.Weekday(), l)
		}
	}
	if fmt.Sprint(days) != "[Monday Tuesday Wednesday Thursday Friday]" {
		t.Errorf("nudged on %v, want once each working day", days)
	}
}

// TestRetryAfterFailures: the first two tries fail; later sweeps retry
// after one and then two minutes and deliver exactly once.
func TestRetryAfterFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(anna.ID, 2, errors.New("slack: service_unavailable"))

	rep := f.sweep(at(wed, 8, 0))
	if rep.Sent != 1 || rep.Failed != 1 || rep.Given != 0 {
		t.Errorf("first sweep: %+v, want 1 sent, 1 failed", rep)
	}
	d := f.delivery(bot.JobNudge, wed, anna.ID)
	if d.Attempts != 1 || !d.Delivered.IsZero() || d.LastError != "slack: service_unavailable" || !d.NextTry.Equal(at(wed, 8, 1)) {
		t.Errorf("after the first failure: %+v, want attempts 1, the error and the next try at 08:01", d)
	}
	for now := at(wed, 8, 0).Add(30 * time.Second); now.Before(at(wed, 12, 0)); now = now.Add(30 * time.Second) {
		f.sweep(now)
	}
	var times []string
	for _, a := range f.n.to(anna.ID) {
		times = append(times, a.At.Format("15:04:05")+map[bool]string{true: " ok", false: " failed"}[a.OK])
	}
	if want := "[08:00:00 failed 08:01:00 failed 08:03:00 ok]"; fmt.Sprint(times) != want {
		t.Errorf("tries to Anna: %v, want %s", times, want)
	}
	if got := f.n.to(bo.ID); len(got) != 1 {
		t.Errorf("Bo got %d tries, want 1", len(got))
	}
	d = f.delivery(bot.JobNudge, wed, anna.ID)
	if d.Attempts != 3 || !d.Delivered.Equal(at(wed, 8, 3)) || d.LastError != "" || d.GaveUp || d.Receipt.MessageID == "" {
		t.Errorf("stored: %+v, want delivered at 08:03 on the third attempt", d)
	}
}

// TestRetryAfterIsHonoured: a platform's Retry-After is waited out, and
// one that reaches past the end of the day gives up.
func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.n.failFirst(anna.ID, 1, &bot.RetryAfterError{After: 30 * time.Minute, Err: errors.New("429 Too Many Requests")})
	for now := at(wed, 8, 0); !now.After(at(wed, 9, 0)); now = now.Add(time.Minute) {
		f.sweep(now)
	}
	got := f.n.to(anna.ID)
	if len(got) != 2 || !got[0].At.Equal(at(wed, 8, 0)) || !got[1].At.Equal(at(wed, 8, 30)) || !got[1].OK {
		t.Errorf("tries: %+v, want a failure at 08:00 and a delivery at 08:30", got)
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Attempts != 2 || d.Delivered.IsZero() {
		t.Errorf("stored: %+v, want delivered on attempt 2", d)
	}

	t.Run("past midnight", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, at(wed, 23, 45))
		anna := f.person(bot.Consultant{Name: "Anna"})
		f.overdue("Anna Auto", anna.ID, wed, 1)
		f.n.failFirst(anna.ID, 1, &bot.RetryAfterError{After: 30 * time.Minute, Err: errors.New("429")})
		if rep := f.sweep(at(wed, 23, 45)); rep.Given != 1 || rep.Failed != 0 {
			t.Errorf("report %+v, want the delivery given up", rep)
		}
		f.sweep(at(wed, 23, 59))
		if d := f.delivery(bot.JobNudge, wed, anna.ID); !d.GaveUp || d.Attempts != 1 || !strings.Contains(d.LastError, "429") {
			t.Errorf("stored: %+v, want given up after one attempt", d)
		}
		if n := len(f.n.attempts()); n != 1 {
			t.Errorf("%d tries, want 1", n)
		}
	})
}

// TestGiveUpWhenTheDayEnds: a notifier that never succeeds is tried with
// doubling waits, at most an hour apart, until the day ends; the next
// day's nudge still goes.
func TestGiveUpWhenTheDayEnds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.n.failFirst(anna.ID, -1, errors.New("teams: 502 bad gateway"))
	given := 0
	for now := at(wed, 8, 0); bot.Day(now).Equal(wed); now = now.Add(time.Minute) {
		rep := f.sweep(now)
		given += rep.Given
		if rep.Given == 1 && !now.Equal(at(wed, 23, 3)) {
			t.Errorf("given up at %s, want 23:03", now.Format("15:04"))
		}
	}
	want := []string{"08:00", "08:01", "08:03", "08:07", "08:15", "08:31", "09:03"}
	for h := 10; h <= 23; h++ {
		want = append(want, fmt.Sprintf("%02d:03", h))
	}
	var got []string
	for _, a := range f.n.to(anna.ID) {
		got = append(got, a.At.Format("15:04"))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tries at %v\nwant       %v", got, want)
	}
	d := f.delivery(bot.JobNudge, wed, anna.ID)
	if !d.GaveUp || !d.Delivered.IsZero() || d.Attempts != len(want) || d.LastError != "teams: 502 bad gateway" || given != 1 {
		t.Errorf("stored: %+v (given up %d times), want given up after %d attempts", d, given, len(want))
	}

	f.n.failFirst(anna.ID, 0, nil)
	thu := bot.AddDays(wed, 1)
	f.sweep(at(thu, 8, 0))
	f.sweep(at(thu, 9, 0))
	if got := f.n.delivered(); len(got) != 1 || !got[0].At.Equal(at(thu, 8, 0)) {
		t.Errorf("thursday: delivered %+v, want one nudge at 08:00", got)
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); !d.GaveUp || !d.Delivered.IsZero() {
		t.Errorf("wednesday's delivery changed on thursday: %+v", d)
	}
}

// TestNotifierPanic: a panicking notifier (msbotbuilder-go on an
// unreachable token endpoint) is a failed try, not a crash.
func TestNotifierPanic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.n.panicNext(1)
	rep, err := f.sw.Sweep(f.ctx, at(wed, 8, 0))
	if err != nil || rep.Failed != 1 || rep.Sent != 0 {
		t.Fatalf("sweep = %+v, %v; want one failed try and no error", rep, err)
	}
	d := f.delivery(bot.JobNudge, wed, anna.ID)
	if d.Attempts != 1 || !strings.Contains(d.LastError, "panic") || !strings.Contains(d.LastError, "token endpoint unreachable") {
		t.Errorf("stored: %+v, want the panic recorded as the error", d)
	}
	f.sweep(at(wed, 8, 1))
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Attempts != 2 || d.Delivered.IsZero() {
		t.Errorf("after the retry: %+v, want delivered on attempt 2", d)
	}
}

// reopen closes f's database and opens the same file again with a new
// Sweeper and notifier, as a restarted process would.
func (f *fixture) reopen() {
	f.t.Helper()
	path := f.db.Path()
	if err := f.db.Close(); err != nil {
		f.t.Fatalf("close: %v", err)
	}
	db, err := storage.Open(path, storage.Options{Timeout: time.Second, Clock: f.clk})
	if err != nil {
		f.t.Fatalf("reopen: %v", err)
	}
	f.t.Cleanup(func() { db.Close() })
	f.db, f.n = db, newNotifier(f.clk)
	f.cfg.Portfolio, f.cfg.People, f.cfg.Outbox, f.cfg.Notifier = db, db, db, f.n
	f.sw = reminders.NewSweeper(f.cfg)
}

// TestRestart: a process stopped after the delivery and started again
// the same day sends nothing more; one stopped between a failed try and
// its retry delivers once after the restart.
func TestRestart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(bo.ID, 1, errors.New("connection reset"))
	f.sweep(at(wed, 8, 0))
	if got := received(f, anna, bo); len(got["Anna"]) != 1 || len(got["Bo"]) != 0 {
		t.Fatalf("before the restart: %v, want Anna's nudge only", got)
	}

	f.reopen()
	for _, now := range []time.Time{at(wed, 8, 0).Add(10 * time.Second), at(wed, 8, 2), at(wed, 15, 0)} {
		f.sweep(now)
	}
	assertReceived(t, "after the restart", received(f, anna, bo), map[string][][]string{"Bo": {{"Bo Byg"}}})
	if d := f.delivery(bot.JobNudge, wed, bo.ID); d.Attempts != 2 || d.Delivered.IsZero() {
		t.Errorf("Bo's delivery: %+v, want delivered on attempt 2", d)
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Attempts != 1 || d.Delivered.IsZero() {
		t.Errorf("Anna's delivery: %+v, want the first delivery kept", d)
	}

	f.reopen()
	f.sweep(at(wed, 23, 59))
	f.sweep(at(bot.AddDays(wed, 1), 8, 0))
	assertReceived(t, "after a second restart", received(f, anna, bo), map[string][][]string{
		"Anna": {{"Anna Auto"}}, "Bo": {{"Bo Byg"}},
	})
	for _, a := range f.n.attempts() {
		if !bot.Day(a.At).Equal(bot.AddDays(wed, 1)) {
			t.Errorf("a try at %s, want only thursday's", a.At)
		}
	}
}

// TestLateStart: a process whose first sweep is at 14:00 on a working
// day catches up at once, and only once.
func TestLateStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 14, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 0)
	rep := f.sweep(at(wed, 14, 0))
	if rep.Planned[bot.JobNudge] != 2 || rep.Sent != 2 {
		t.Errorf("first sweep: %+v, want 2 planned and sent", rep)
	}
	for now := at(wed, 14, 1); now.Before(at(wed, 18, 0)); now = now.Add(time.Minute) {
		f.sweep(now)
	}
	assertReceived(t, "wednesday", received(f, anna, bo), map[string][][]string{
		"Anna": {{"Anna Auto"}}, "Bo": {{"Bo Byg"}},
	})
}

// TestHolidayStart: a process started on a holiday sends nothing that day
// and once on the next working day.
func TestHolidayStart(t *testing.T) {
	t.Parallel()
	ascension, fri := day(t, "2026-05-14"), day(t, "2026-05-15")
	f := newFixture(t, at(ascension, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, bot.AddDays(ascension, -1), 0)
	for now := at(ascension, 8, 0); now.Before(at(fri, 12, 0)); now = now.Add(15 * time.Minute) {
		f.sweep(now)
	}
	got := f.n.attempts()
	if len(got) != 1 || !got[0].At.Equal(at(fri, 0, 0)) {
		t.Errorf("tries %+v, want one at friday 00:00", got)
	}
}

func TestEscalated(t *testing.T) {
	t.Parallel()
	d := wed
	base := bot.Company{OwnerID: 1, CadenceDays: 14, Status: bot.StatusActive}
	with := func(fn func(*bot.Company)) bot.Company { c := base; fn(&c); return c }
	tests := []struct {
		name string
		c    bot.Company
		want bool
	}{
		{"overdue by less than a cadence", with(func(c *bot.Company) { c.LastContact = before(d, 14+13) }), false},
		{"overdue by exactly a cadence", with(func(c *bot.Company) { c.LastContact = before(d, 14+14) }), false},
		{"overdue by a cadence and a day", with(func(c *bot.Company) { c.LastContact = before(d, 14+15) }), true},
		{"no contact, owner since three cadences", with(func(c *bot.Company) { c.OwnerSince = before(d, 42) }), true},
		{"snoozed twice", with(func(c *bot.Company) { c.LastContact, c.SnoozeCount = before(d, 20), 2 }), false},
		{"snoozed three times, not even due", with(func(c *bot.Company) { c.LastContact, c.SnoozeCount = before(d, 2), 3 }), true},
		{"snoozed five times", with(func(c *bot.Company) { c.LastContact, c.SnoozeCount = before(d, 2), 5 }), true},
		{"paused", with(func(c *bot.Company) { c.LastContact, c.Status = before(d, 100), bot.StatusPaused }), false},
		{"ended", with(func(c *bot.Company) { c.SnoozeCount, c.Status = 4, bot.StatusEnded }), false},
		{"no owner", with(func(c *bot.Company) { c.LastContact, c.OwnerID = before(d, 100), 0 }), false},
		{"no cadence", with(func(c *bot.Company) { c.LastContact, c.CadenceDays = before(d, 100), 0 }), false},
	}
	for _, tt := range tests {
		if got := tt.c.Escalated(d); got != tt.want {
			t.Errorf("%s: Escalated = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestDigest: on the week's first working day each jobcenter's lead (or,
// without one, its admin) gets one digest of the escalated companies of
// the jobcenter's consultants, naming the consultant; other days none.
func TestDigest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 8, 0))
	lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
	ole := f.person(bot.Consultant{Name: "Ole", Role: bot.RoleAdmin}) // Odense has a lead: not Ole's
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	svendborg := f.jobcenter("Jobcenter Svendborg", "")
	dan := f.person(bot.Consultant{Name: "Dan", Role: bot.RoleAdmin, JobcenterID: svendborg.ID})
	carl := f.person(bot.Consultant{Name: "Carl", JobcenterID: svendborg.ID})
	f.overdue("Aalborg Stål", anna.ID, mon, 15)
	f.overdue("Bogense Bageri", anna.ID, mon, 14)
	f.company(bot.Company{Name: "Faaborg Fisk", OwnerID: bo.ID, CadenceDays: 30, LastContact: before(mon, 10),
		SnoozeCount: 3, SnoozedUntil: bot.AddDays(mon, 7)})
	f.company(bot.Company{Name: "Nyborg Net", OwnerID: bo.ID, CadenceDays: 30, LastContact: before(mon, 10),
		SnoozeCount: 2, SnoozedUntil: bot.AddDays(mon, 7)})
	f.company(bot.Company{Name: "Kerteminde Kro", OwnerID: anna.ID, CadenceDays: 14, LastContact: before(mon, 100), Status: bot.StatusPaused})
	f.overdue("Svendborg Smedie", carl.ID, mon, 46)
	people := []bot.Consultant{lis, ole, anna, bo, dan, carl}

	rep := f.sweep(at(mon, 8, 0))
	if rep.Planned[bot.JobDigest] != 2 {
		t.Errorf("planned %v, want 2 digests", rep.Planned)
	}
	f.sweep(at(mon, 8, 5))
	f.sweep(at(mon, 15, 0))
	assertReceived(t, "monday", received(f, people...), map[string][][]string{
		"Anna": {{"Aalborg Stål", "Bogense Bageri"}},
		"Carl": {{"Svendborg Smedie"}},
		"Dan":  {{"Svendborg Smedie"}},
		"Lis":  {{"Aalborg Stål", "Faaborg Fisk"}},
	})
	digest := f.n.to(lis.ID)[0]
	for _, want := range []string{
		"Ugens opmærksomhedspunkter: 2 virksomheder\n",
		"*Aalborg Stål* (Anna) — 15 dage over en kadence på 14 dage; sidste kontakt 16.08.2026 (29 dage siden)",
		"*Faaborg Fisk* (Bo) — udsat 3 gange i træk; sidste kontakt 04.09.2026 (10 dage siden)",
	} {
		if !strings.Contains(digest.Text, want) {
			t.Errorf("Lis's digest lacks %q:\n%s", want, digest.Text)
		}
	}
	if d := f.n.to(dan.ID)[0]; !strings.Contains(d.Text, "*Svendborg Smedie* (Carl) — 46 dage over en kadence på 14 dage") {
		t.Errorf("Dan's digest:\n%s", d.Text)
	}
	if ds := f.deliveries(bot.JobDigest, mon); len(ds) != 2 || ds[0].To != lis.ID || ds[1].To != dan.ID {
		t.Errorf("monday's digests: %+v, want Lis's and Dan's", ds)
	}

	seen := len(f.n.attempts())
	tue := bot.AddDays(mon, 1)
	f.sweep(at(tue, 8, 0))
	for _, a := range f.n.attempts()[seen:] {
		if a.To == lis.ID || a.To == dan.ID {
			t.Errorf("a message to a lead or admin on tuesday:\n%s", a.Text)
		}
	}
	if f.planned(bot.JobDigest, tue) || len(f.deliveries(bot.JobDigest, tue)) != 0 {
		t.Errorf("tuesday has digests planned")
	}
}

// TestDigestAfterClosedMonday: with 2. påskedag (29 March 2027) closed,
// the digest comes on Tuesday; a jobcenter closed on a Monday of its own
// gets it on Tuesday while the others get theirs on Monday.
func TestDigestAfterClosedMonday(t *testing.T) {
	t.Parallel()
	t.Run("2. påskedag", func(t *testing.T) {
		t.Parallel()
		easterMonday := day(t, "2027-03-29")
		f := newFixture(t, at(easterMonday, 8, 0))
		lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
		anna := f.person(bot.Consultant{Name: "Anna"})
		f.overdue("Aalborg Stål", anna.ID, easterMonday, 20)
		for d := easterMonday; d.Before(bot.AddDays(easterMonday, 4)); d = bot.AddDays(d, 1) {
			f.sweep(at(d, 8, 0))
		}
		got := f.n.to(lis.ID)
		if len(got) != 1 || got[0].At.Weekday() != time.Tuesday || !strings.Contains(got[0].Text, "*Aalborg Stål* (Anna)") {
			t.Errorf("Lis got %+v, want one digest on tuesday", got)
		}
	})
	t.Run("a jobcenter's own closed Monday", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, at(mon, 8, 0))
		lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
		anna := f.person(bot.Consultant{Name: "Anna"})
		sb := f.jobcenter("Jobcenter Svendborg", "2026-09-14 personaledag")
		sune := f.person(bot.Consultant{Name: "Sune", Role: bot.RoleLead, JobcenterID: sb.ID})
		carl := f.person(bot.Consultant{Name: "Carl", JobcenterID: sb.ID})
		f.overdue("Odense Plast", anna.ID, mon, 20)
		f.overdue("Svendborg Smedie", carl.ID, mon, 20)
		f.sweep(at(mon, 8, 0))
		f.sweep(at(bot.AddDays(mon, 1), 8, 0))
		f.sweep(at(bot.AddDays(mon, 2), 8, 0))
		lisGot, suneGot := f.n.to(lis.ID), f.n.to(sune.ID)
		if len(lisGot) != 1 || lisGot[0].At.Weekday() != time.Monday ||
			!strings.Contains(lisGot[0].Text, "*Odense Plast* (Anna)") || strings.Contains(lisGot[0].Text, "Svendborg") {
			t.Errorf("Lis got %+v, want Odense's digest on monday", lisGot)
		}
		if len(suneGot) != 1 || suneGot[0].At.Weekday() != time.Tuesday || !strings.Contains(suneGot[0].Text, "*Svendborg Smedie* (Carl)") {
			t.Errorf("Sune got %+v, want Svendborg's digest on tuesday", suneGot)
		}
	})
}

// TestPreview: a preview shows exactly the messages the sweep then sends,
// and stores nothing.
func TestPreview(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 8, 0))
	lis := f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo", Lang: bot.English})
	f.overdue("Aalborg Stål", anna.ID, mon, 20)
	f.overdue("Bogense Bageri", bo.ID, mon, 2)
	f.company(bot.Company{Name: "Bruun Beton", OwnerID: bo.ID, CadenceDays: 60, LastContact: before(mon, 5), PlannedNext: mon})

	ps, err := f.sw.Preview(f.ctx, at(mon, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.n.attempts()) != 0 {
		t.Fatalf("a preview sent %d messages", len(f.n.attempts()))
	}
	for _, kind := range []bot.JobKind{bot.JobNudge, bot.JobDigest} {
		if f.planned(kind, mon) || len(f.deliveries(kind, mon)) != 0 {
			t.Errorf("a preview stored %s deliveries", kind)
		}
	}
	want := map[string]string{}
	for _, p := range ps {
		want[p.To.Name+" "+string(p.Delivery.Kind)] = p.Message.PlainText()
	}
	if len(ps) != 3 || want["Anna nudge"] == "" || want["Bo nudge"] == "" || want["Lis digest"] == "" {
		t.Fatalf("preview: %v, want Anna's and Bo's nudges and Lis's digest", want)
	}
	if !strings.Contains(want["Bo nudge"], "Planned for today\n  • *Bruun Beton* — contact planned for today") {
		t.Errorf("Bo's preview does not show the plan in English:\n%s", want["Bo nudge"])
	}

	f.sweep(at(mon, 8, 0))
	kinds := map[uint64]string{lis.ID: "Lis digest", anna.ID: "Anna nudge", bo.ID: "Bo nudge"}
	for _, a := range f.n.attempts() {
		if w := want[kinds[a.To]]; a.Text != w {
			t.Errorf("sent to %s:\n%s\npreviewed:\n%s", kinds[a.To], a.Text, w)
		}
	}
	if n := len(f.n.attempts()); n != 3 {
		t.Errorf("sent %d messages, previewed 3", n)
	}

	ps, err = f.sw.Preview(f.ctx, at(bot.AddDays(mon, 5), 8, 0))
	if err != nil || len(ps) != 0 {
		t.Errorf("saturday's preview = %d messages, %v; want none", len(ps), err)
	}
}

// vanishing is a People that can stop listing one consultant, as if they
// had been removed after the day was planned.
type vanishing struct {
	reminders.People
	mu   sync.Mutex
	gone uint64
}

func (v *vanishing) Consultants(ctx context.Context) ([]bot.Consultant, error) {
	ps, err := v.People.Consultants(ctx)
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.DeleteFunc(ps, func(p bot.Consultant) bool { return p.ID == v.gone }), err
}

// TestRecipientGone: a planned delivery whose recipient is no longer
// known is given up once, not retried.
func TestRecipientGone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	people := &vanishing{People: f.db}
	f.cfg.People = people
	f.sw = reminders.NewSweeper(f.cfg)
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(bo.ID, 1, errors.New("user_not_found"))
	f.sweep(at(wed, 8, 0))
	people.mu.Lock()
	people.gone = bo.ID
	people.mu.Unlock()
	given := 0
	for now := at(wed, 8, 1); now.Before(at(wed, 10, 0)); now = now.Add(time.Minute) {
		given += f.sweep(now).Given
	}
	if given != 1 {
		t.Errorf("given up %d times, want once", given)
	}
	if d := f.delivery(bot.JobNudge, wed, bo.ID); !d.GaveUp || d.Attempts != 1 || d.LastError != "recipient no longer exists" {
		t.Errorf("Bo's delivery: %+v, want given up after the one try", d)
	}
	if n := len(f.n.to(bo.ID)); n != 1 {
		t.Errorf("%d tries to Bo, want 1", n)
	}
}

// TestPreviewShowsOnlyWhatASweepWouldSend is a failing test for a bug:
// Preview (remind --dry-run) plans the day afresh even when the day's
// messages were planned and delivered already, so after the morning sweep
// it lists every nudge as one that "would be sent" (cmd prints "N
// beskeder ville blive sendt") although a sweep at that time sends
// nothing. Its doc promises "what a sweep at now would plan".
func TestPreviewShowsOnlyWhatASweepWouldSend(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	anna := f.person(bot.Consultant{Name: "Anna"})
	bo := f.person(bot.Consultant{Name: "Bo"})
	f.overdue("Anna Auto", anna.ID, wed, 1)
	f.overdue("Bo Byg", bo.ID, wed, 1)
	f.n.failFirst(bo.ID, 1, errors.New("rate limited"))
	f.sweep(at(wed, 8, 0)) // Anna's delivered; Bo's waits for its retry at 08:01

	ps, err := f.sw.Preview(f.ctx, at(wed, 8, 30))
	if err != nil {
		t.Fatal(err)
	}
	var previewed []string
	for _, p := range ps {
		previewed = append(previewed, p.To.Name)
	}
	seen := len(f.n.attempts())
	f.sweep(at(wed, 8, 30))
	var sent []string
	for _, a := range f.n.attempts()[seen:] {
		sent = append(sent, map[uint64]string{anna.ID: "Anna", bo.ID: "Bo"}[a.To])
	}
	if fmt.Sprint(previewed) != fmt.Sprint(sent) {
		t.Errorf("BUG: Preview at 08:30 lists %v, but the sweep at 08:30 sends %v (sweep.go Preview ignores the outbox)", previewed, sent)
	}
}

// TestPruneOldDays: planning a new day forgets each kind's days more than
// KeepDays before it, and keeps the rest.
func TestPruneOldDays(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(mon, 8, 0))
	f.person(bot.Consultant{Name: "Lis", Role: bot.RoleLead})
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Aalborg Stål", anna.ID, mon, 20)
	tue, later := bot.AddDays(mon, 1), bot.AddDays(mon, reminders.KeepDays+1) // later is a Monday
	f.sweep(at(mon, 8, 0))
	f.sweep(at(tue, 8, 0))
	f.sweep(at(bot.AddDays(mon, reminders.KeepDays), 8, 0)) // a Sunday: nothing planned, nothing pruned
	if !f.planned(bot.JobNudge, mon) || !f.planned(bot.JobDigest, mon) {
		t.Fatalf("monday forgotten before a new day was planned")
	}
	f.sweep(at(later, 8, 0))
	for _, tt := range []struct {
		kind bot.JobKind
		day  time.Time
		want int // deliveries; -1: the day is forgotten
	}{
		{bot.JobNudge, mon, -1},
		{bot.JobDigest, mon, -1},
		{bot.JobNudge, tue, 1},
		{bot.JobNudge, later, 1},
		{bot.JobDigest, later, 1},
	} {
		n, planned := len(f.deliveries(tt.kind, tt.day)), f.planned(tt.kind, tt.day)
		if tt.want < 0 && (planned || n != 0) || tt.want >= 0 && (!planned || n != tt.want) {
			t.Errorf("%s on %s: planned %v with %d deliveries, want %d (-1: forgotten)", tt.kind, tt.day.Format(time.DateOnly), planned, n, tt.want)
		}
	}
	if n := len(f.n.delivered()); n != 5 { // monday: nudge and digest; tuesday; later: nudge and digest
		t.Errorf("%d messages, want 5", n)
	}
}

// flaky wraps the store and fails the next read of the due companies, or
// the next delivery record, once.
type flaky struct {
	*storage.DB
	mu                sync.Mutex
	failDue, failSave bool
}

var errDisk = errors.New("input/output error")

func (s *flaky) NudgeDue(ctx context.Context, day time.Time, fn func(bot.Company) error) error {
	s.mu.Lock()
	fail := s.failDue
	s.failDue = false
	s.mu.Unlock()
	if fail {
		return errDisk
	}
	return s.DB.NudgeDue(ctx, day, fn)
}

func (s *flaky) SaveDelivery(ctx context.Context, d bot.Delivery) error {
	s.mu.Lock()
	fail := s.failSave
	s.failSave = false
	s.mu.Unlock()
	if fail {
		return errDisk
	}
	return s.DB.SaveDelivery(ctx, d)
}

// TestStorageErrors: a failed read leaves the day unplanned for the next
// sweep; a lost delivery mark is the one window in which a message can go
// twice, and the sweep says so.
func TestStorageErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, at(wed, 8, 0))
	store := &flaky{DB: f.db, failDue: true}
	f.cfg.Portfolio, f.cfg.Outbox = store, store
	f.sw = reminders.NewSweeper(f.cfg)
	anna := f.person(bot.Consultant{Name: "Anna"})
	f.overdue("Anna Auto", anna.ID, wed, 1)

	if _, err := f.sw.Sweep(f.ctx, at(wed, 8, 0)); !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "plan nudges") {
		t.Errorf("sweep with a failing read: %v, want the error wrapped", err)
	}
	if f.planned(bot.JobNudge, wed) || len(f.n.attempts()) != 0 {
		t.Fatalf("a failed plan left the day planned or sent something")
	}

	store.mu.Lock()
	store.failSave = true
	store.mu.Unlock()
	_, err := f.sw.Sweep(f.ctx, at(wed, 8, 1))
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), fmt.Sprintf("record delivery to #%d", anna.ID)) {
		t.Errorf("sweep with a failing record: %v, want the error naming the recipient", err)
	}
	f.sweep(at(wed, 8, 2))
	f.sweep(at(wed, 8, 3))
	if got := f.n.to(anna.ID); len(got) != 2 || !got[0].OK || !got[1].OK {
		t.Errorf("%d tries, want the documented second send after the lost mark", len(got))
	}
	if d := f.delivery(bot.JobNudge, wed, anna.ID); d.Delivered.IsZero() || d.Attempts != 1 {
		t.Errorf("stored %+v, want delivered (the attempt before the lost mark is not counted)", d)
	}
}
