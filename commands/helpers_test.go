package commands_test

import (
	"context"
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

func newBot(t testing.TB) *testBot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.db")
	clk := &clock{now: sunday}
	db, err := storage.Open(path, storage.Options{Timeout: time.Second, Clock: clk})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &testBot{t: t, svc: commands.New(db, commands.Config{Clock: clk}), db: db, clock: clk, path: path}
}

// say runs one line as the console person named who and returns the reply.
func (b *testBot) say(who, text string) bot.Message {
	b.t.Helper()
	return b.svc.Handle(context.Background(), bot.Request{
		From: bot.Identity{Platform: "console", User: bot.NormalizeName(who)}, Name: who, Text: text,
	})
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
