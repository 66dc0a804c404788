package commands_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// testBot is a Service over a real bbolt file in a temp dir.
type testBot struct {
	t     testing.TB
	svc   *commands.Service
	db    *storage.DB
	clock *clock
	path  string
}

// sunday is Sunday 22 November 2026, 10:00 in Copenhagen.
var sunday = time.Date(2026, 11, 22, 10, 0, 0, 0, bot.Copenhagen)

// option changes the Config newBot gives the Service.
type option func(*commands.Config)

// withNotifier makes n the Service's notifier (by default there is none).
func withNotifier(n bot.Notifier) option { return func(c *commands.Config) { c.Notifier = n } }

// withJobcenter names the jobcenter newcomers join.
func withJobcenter(name string) option { return func(c *commands.Config) { c.Jobcenter = name } }

func newBot(t testing.TB, opts ...option) *testBot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.db")
	clk := &clock{now: sunday}
	// A fuzz target runs thousands of commands a second: without fsync,
	// as no fuzz input needs to survive a power cut.
	_, fuzzing := t.(*testing.F)
	db, err := storage.Open(path, storage.Options{Timeout: time.Second, Clock: clk, NoSync: fuzzing})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := commands.Config{Clock: clk}
	for _, o := range opts {
		o(&cfg)
	}
	return &testBot{t: t, svc: commands.New(db, cfg), db: db, clock: clk, path: path}
}

// say runs one line as the console person named who and returns the reply.
func (b *testBot) say(who, text string) bot.Message {
	b.t.Helper()
	return b.svc.Handle(context.Background(), bot.Request{
		From: bot.Identity{Platform: "console", User: bot.NormalizeName(who)}, Name: who, Text: text,
	})
}

// sayIn runs one line typed in the channel ch.
func (b *testBot) sayIn(ch bot.Channel, who, text string) bot.Message {
	b.t.Helper()
	return b.svc.Handle(context.Background(), bot.Request{
		From: bot.Identity{Platform: "console", User: bot.NormalizeName(who)}, Name: who, Text: text, Channel: ch,
	})
}

// okIn runs a line typed in ch that must succeed and returns its text.
func (b *testBot) okIn(ch bot.Channel, who, text string) string {
	b.t.Helper()
	m := b.sayIn(ch, who, text)
	if m.Error {
		b.t.Fatalf("%s in %s: %q: unexpected refusal: %s", who, ch.ID, text, m.PlainText())
	}
	return m.PlainText()
}

// refusedIn runs a line typed in ch that must be refused and returns its text.
func (b *testBot) refusedIn(ch bot.Channel, who, text string) string {
	b.t.Helper()
	m := b.sayIn(ch, who, text)
	if !m.Error {
		b.t.Fatalf("%s in %s: %q: expected a refusal, got: %s", who, ch.ID, text, m.PlainText())
	}
	return m.PlainText()
}

// ok runs a line that must succeed and returns its text.
func (b *testBot) ok(who, text string) string {
	b.t.Helper()
	m := b.say(who, text)
	if m.Error {
		b.t.Fatalf("%s: %q: unexpected refusal: %s", who, text, m.PlainText())
	}
	return m.PlainText()
}

// refused runs a line that must be refused and returns its text.
func (b *testBot) refused(who, text string) string {
	b.t.Helper()
	m := b.say(who, text)
	if !m.Error {
		b.t.Fatalf("%s: %q: expected a refusal, got: %s", who, text, m.PlainText())
	}
	return m.PlainText()
}

func (b *testBot) company(name string) bot.Company {
	b.t.Helper()
	exact, _, err := b.db.FindCompanies(context.Background(), bot.NormalizeName(name), 0)
	if err != nil || exact == nil {
		b.t.Fatalf("company %q not stored (err %v)", name, err)
	}
	return *exact
}

func (b *testBot) contacts(name string) []bot.Contact {
	b.t.Helper()
	cs, err := b.db.Contacts(context.Background(), b.company(name).ID, 100)
	if err != nil {
		b.t.Fatalf("contacts: %v", err)
	}
	return cs
}

func (b *testBot) countCompanies() int {
	n := 0
	b.db.ForEachCompany(context.Background(), func(bot.Company) error { n++; return nil })
	return n
}

func contains(t testing.TB, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
}

func lacks(t testing.TB, got string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(got, w) {
			t.Errorf("reply should not contain %q:\n%s", w, got)
		}
	}
}

// recorder is a bot.Notifier that records what it is asked to send. It fails
// every call while fail is set, and the calls about the channel id failOn;
// with renew set, UpdateMessage returns a new message id, as a platform
// may; with panics set, it panics, as msbotbuilder-go does.
type recorder struct {
	mu      sync.Mutex
	posts   []sent
	updates []sent
	dms     []sent
	fail    bool
	failOn  string
	renew   bool
	panics  bool
	seq     int
}

// sent is one message the recorder was given: the receipt it returned (for an
// update: the one it was given) and the message.
type sent struct {
	r   bot.Receipt
	msg bot.Message
}

var _ bot.Notifier = (*recorder)(nil)

func (n *recorder) failing(ch bot.Channel) error {
	if n.panics {
		panic("token endpoint unreachable")
	}
	if n.fail || (n.failOn != "" && ch.ID == n.failOn) {
		return errors.New("platform unreachable")
	}
	return nil
}

func (n *recorder) SendToPerson(ctx context.Context, to bot.Consultant, msg bot.Message) (bot.Receipt, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch := bot.Channel{Platform: "test", ID: "@" + to.Name}
	if err := n.failing(ch); err != nil {
		return bot.Receipt{}, err
	}
	n.seq++
	r := bot.Receipt{Channel: ch, MessageID: fmt.Sprintf("m%d", n.seq)}
	n.dms = append(n.dms, sent{r, msg})
	return r, nil
}

func (n *recorder) PostToChannel(ctx context.Context, ch bot.Channel, msg bot.Message) (bot.Receipt, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.failing(ch); err != nil {
		return bot.Receipt{}, err
	}
	n.seq++
	r := bot.Receipt{Channel: ch, MessageID: fmt.Sprintf("m%d", n.seq)}
	n.posts = append(n.posts, sent{r, msg})
	return r, nil
}

func (n *recorder) UpdateMessage(ctx context.Context, r bot.Receipt, msg bot.Message) (bot.Receipt, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.failing(r.Channel); err != nil {
		return bot.Receipt{}, err
	}
	n.updates = append(n.updates, sent{r, msg})
	if n.renew {
		n.seq++
		return bot.Receipt{Channel: r.Channel, MessageID: fmt.Sprintf("m%d", n.seq)}, nil
	}
	return r, nil
}

// set changes the recorder's behaviour under its lock.
func (n *recorder) set(fn func(*recorder)) { n.mu.Lock(); fn(n); n.mu.Unlock() }

// sentPosts and sentUpdates return copies of what was recorded.
func (n *recorder) sentPosts() []sent {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]sent(nil), n.posts...)
}

func (n *recorder) sentUpdates() []sent {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]sent(nil), n.updates...)
}
