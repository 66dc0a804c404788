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
	planning := false
	for _, b := range msg.Blocks {
		switch v := b.(type) {
		case bot.List: // a digest
			overdue = append(overdue, v.Items...)
		case bot.Rows:
			planning = v.Title != ""
			for _, r := range v.Rows {
				if planning {
					planned = append(planned, r.Text)
				} else {
					overdue = append(overdue, r.Text)
				}
			}
		case bot.Text:
			// "… og N mere" after a list belongs to it.
			if strings.HasPrefix(v.Text, "… ") {
				if planning {
					planned = append(planned, v.Text)
				} else {
					overdue = append(overdue, v.Text)
				}
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
	if f.cfg.Crossings != nil {
		f.cfg.Crossings = db
	}
	f.sw = reminders.NewSweeper(f.cfg)
}
