package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/console"
)

// Compile-time proof that the console is a Notifier.
var _ bot.Notifier = (*console.Console)(nil)

// handlerFunc adapts a function to a console.Handler.
type handlerFunc func(ctx context.Context, req bot.Request) bot.Message

func (f handlerFunc) Handle(ctx context.Context, req bot.Request) bot.Message { return f(ctx, req) }

// recorder is a Handler that records every request and answers "svar: <text>".
type recorder struct {
	mu   sync.Mutex
	reqs []bot.Request
}

func (r *recorder) Handle(ctx context.Context, req bot.Request) bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return bot.Reply("svar: " + req.Text)
}

func (r *recorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.reqs))
	for i, q := range r.reqs {
		out[i] = q.Text
	}
	return out
}

// syncBuffer is a bytes.Buffer safe to read while Run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runWithin runs c.Run and fails the test if it does not return within d.
func runWithin(t *testing.T, d time.Duration, ctx context.Context, c *console.Console, in io.Reader, h console.Handler) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, in, h) }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("Run did not return within %s", d)
		return nil
	}
}

func TestRunHandlesEveryLineInOrderAsTheConfiguredPerson(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	rec := &recorder{}
	c := console.New(&out, "Hanne Jensen", false)
	// The last line has no newline: it is still a command.
	in := strings.NewReader("company add Ærø Maskinfabrik\n  visit aeroe i går telefon talte med Claus  \n/mine\nundo")
	if err := runWithin(t, 5*time.Second, context.Background(), c, in, rec); err != nil {
		t.Fatalf("Run at end of input: %v, want nil", err)
	}
	want := []string{"company add Ærø Maskinfabrik", "visit aeroe i går telefon talte med Claus", "/mine", "undo"}
	if got := rec.texts(); !slices.Equal(got, want) {
		t.Fatalf("handled %q, want %q", got, want)
	}
	wantFrom := bot.Identity{Platform: "console", User: "hanne jensen"}
	for i, req := range rec.reqs {
		if req.From != wantFrom || req.Name != "Hanne Jensen" || req.Channel != console.Channel {
			t.Errorf("request %d: From %+v Name %q Channel %+v; want %+v, %q, %+v", i, req.From, req.Name, req.Channel, wantFrom, "Hanne Jensen", console.Channel)
		}
	}
	if console.Channel.Platform != console.Platform || console.Platform != "console" {
		t.Errorf("Channel %+v, Platform %q: want platform \"console\"", console.Channel, console.Platform)
	}
	wantOut := "svar: company add Ærø Maskinfabrik\nsvar: visit aeroe i går telefon talte med Claus\nsvar: /mine\nsvar: undo\n"
	if out.String() != wantOut {
		t.Errorf("output\n%q\nwant\n%q", out.String(), wantOut)
	}
}

func TestIdentityFoldsTheName(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Søren Ærbø", "SØREN ÆRBØ", "  søren   ærbø "} {
		if got, want := console.Identity(name), (bot.Identity{Platform: "console", User: "soeren aerboe"}); got != want {
			t.Errorf("Identity(%q) = %+v, want %+v", name, got, want)
		}
	}
}

func TestRunPrintsRepliesAsPlainText(t *testing.T) {
	t.Parallel()
	reply := bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: "Ærø Maskinfabrik"},
		bot.Fields{Fields: []bot.Field{{Label: "CVR", Value: "12345674"}, {Label: "Kadence", Value: "14 dage"}}},
		bot.List{Title: "Seneste kontakter", Items: []string{"21.11.2026 telefon (Hanne): talte med Claus"}},
		bot.Divider{},
		bot.Buttons{Buttons: []bot.Button{{Label: "Noter kontakt", Command: "visit Ærø Maskinfabrik", Primary: true}}},
	}}
	var out bytes.Buffer
	c := console.New(&out, "Hanne", false)
	h := handlerFunc(func(context.Context, bot.Request) bot.Message { return reply })
	if err := runWithin(t, 5*time.Second, context.Background(), c, strings.NewReader("company ærø\n"), h); err != nil {
		t.Fatal(err)
	}
	want := "Ærø Maskinfabrik\nCVR: 12345674\nKadence: 14 dage\nSeneste kontakter\n  • 21.11.2026 telefon (Hanne): talte med Claus\n" +
		"────────\n[Noter kontakt: visit Ærø Maskinfabrik]\n"
	if out.String() != want {
		t.Errorf("output\n%q\nwant\n%q", out.String(), want)
	}
	if strings.Contains(out.String(), "*") || strings.Contains(out.String(), "{") {
		t.Errorf("output is not plain text: %q", out.String())
	}
}

func TestRunSkipsBlankLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	rec := &recorder{}
	c := console.New(&out, "Hanne", false)
	in := strings.NewReader("\n   \n\t\nmine\n\r\n\n")
	if err := runWithin(t, 5*time.Second, context.Background(), c, in, rec); err != nil {
		t.Fatal(err)
	}
	if got := rec.texts(); !slices.Equal(got, []string{"mine"}) {
		t.Errorf("handled %q, want only \"mine\"", got)
	}
	if out.String() != "svar: mine\n" {
		t.Errorf("output %q, want one reply and nothing for blank lines", out.String())
	}
}

func TestRunStripsWindowsLineEndings(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	rec := &recorder{}
	c := console.New(&out, "Hanne", false)
	in := strings.NewReader("company add Ærø Maskinfabrik\r\nvisit aeroe mødte Claus\r\nmine\r")
	if err := runWithin(t, 5*time.Second, context.Background(), c, in, rec); err != nil {
		t.Fatal(err)
	}
	want := []string{"company add Ærø Maskinfabrik", "visit aeroe mødte Claus", "mine"}
	if got := rec.texts(); !slices.Equal(got, want) {
		t.Errorf("handled %q, want %q (no \\r)", got, want)
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("output holds a \\r: %q", out.String())
	}
}

func TestRunPassesInvalidUTF8OnWithoutCrashing(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	rec := &recorder{}
	c := console.New(&out, "Hanne", false)
	bad := "visit \xff\xfe\xc3 mødte Lars"
	in := strings.NewReader(bad + "\nmine\n")
	if err := runWithin(t, 5*time.Second, context.Background(), c, in, rec); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// The bytes reach the handler unchanged; refusing them is its job.
	if got := rec.texts(); !slices.Equal(got, []string{bad, "mine"}) {
		t.Errorf("handled %q, want %q then \"mine\"", got, bad)
	}
	if !strings.HasSuffix(out.String(), "svar: mine\n") {
		t.Errorf("the line after the invalid one was not answered: %q", out.String())
	}
}

func TestRunReadsVeryLongLinesWhole(t *testing.T) {
	t.Parallel()
	// Longer than bufio.Scanner's default 64 KiB token limit.
	long := "visit L-tek " + strings.Repeat("ø", 100_000)
	rec := &recorder{}
	c := console.New(io.Discard, "Hanne", false)
	if err := runWithin(t, 5*time.Second, context.Background(), c, strings.NewReader(long+"\nmine\n"), rec); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := rec.texts(); len(got) != 2 || got[0] != long || got[1] != "mine" {
		t.Errorf("handled %d lines (first %d bytes), want the long line whole and then \"mine\"", len(got), len(got[0]))
	}
}

func TestRunReturnsTheReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	rec := &recorder{}
	c := console.New(io.Discard, "Hanne", false)
	in := io.MultiReader(strings.NewReader("mine\n"), errReader{boom})
	err := runWithin(t, 5*time.Second, context.Background(), c, in, rec)
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want an error wrapping %v", err, boom)
	}
	if got := rec.texts(); !slices.Equal(got, []string{"mine"}) {
		t.Errorf("handled %q before the error, want [\"mine\"]", got)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestRunReturnsWhenContextEndsWhileInputBlocks(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe() // never closed: the read blocks for ever
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	rec := &recorder{}
	c := console.New(&out, "Hanne", false)
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, pr, rec) }()

	if _, err := io.WriteString(pw, "mine\n"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return out.String() == "svar: mine\n" }, "the first reply")
	cancel()
	select {
	case err := <-done:
		// Ctrl-C ends a console session normally: main must exit 0.
		if err != nil {
			t.Errorf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return within 2s of the context ending")
	}
	if got := rec.texts(); !slices.Equal(got, []string{"mine"}) {
		t.Errorf("handled %q, want [\"mine\"]", got)
	}
}

func TestRunReturnsAtOnceOnAnEndedContext(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := &recorder{}
	if err := runWithin(t, 2*time.Second, ctx, console.New(io.Discard, "Hanne", false), pr, rec); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if len(rec.texts()) != 0 {
		t.Errorf("handled %q on an ended context", rec.texts())
	}
}

func TestRunPassesItsContextToTheHandler(t *testing.T) {
	t.Parallel()
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "mærke")
	var got any
	h := handlerFunc(func(ctx context.Context, req bot.Request) bot.Message {
		got = ctx.Value(key{})
		return bot.Reply("ok")
	})
	if err := runWithin(t, 5*time.Second, ctx, console.New(io.Discard, "Hanne", false), strings.NewReader("mine\n"), h); err != nil {
		t.Fatal(err)
	}
	if got != "mærke" {
		t.Errorf("handler saw context value %v, want the caller's", got)
	}
}

func TestInteractiveRunGreetsAndPrompts(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := console.New(&out, "Hanne Jensen", true)
	if err := runWithin(t, 5*time.Second, context.Background(), c, strings.NewReader("mine\n"), &recorder{}); err != nil {
		t.Fatal(err)
	}
	want := "kontaktbot — du skriver som Hanne Jensen. Skriv »hjælp« for kommandoer, »afslut« eller Ctrl-D for at slutte.\n" +
		"> svar: mine\n> \n"
	if out.String() != want {
		t.Errorf("output\n%q\nwant\n%q", out.String(), want)
	}
}

// TestInteractiveRunEndsOnExit checks that »exit«, »quit« and »afslut«
// end an interactive console, are not sent as commands, and that the lines
// after them are not read; in a script they are ordinary lines.
func TestInteractiveRunEndsOnExit(t *testing.T) {
	t.Parallel()
	for _, word := range []string{"exit", "Quit", "afslut", "/exit", "  EXIT  "} {
		h := &recorder{}
		c := console.New(io.Discard, "Hanne", true)
		// The input does not end: only the word can end the run in time.
		pr, pw := io.Pipe()
		t.Cleanup(func() { pw.Close() })
		go pw.Write([]byte("mine\n" + word + "\nhjælp\n"))
		if err := runWithin(t, 5*time.Second, context.Background(), c, pr, h); err != nil {
			t.Fatal(err)
		}
		if got := h.texts(); !slices.Equal(got, []string{"mine"}) {
			t.Errorf("%q: handled %q, want only »mine«", word, got)
		}
	}
	h := &recorder{}
	if err := runWithin(t, 5*time.Second, context.Background(), console.New(io.Discard, "Hanne", false), strings.NewReader("exit\nmine\n"), h); err != nil {
		t.Fatal(err)
	}
	if got := h.texts(); !slices.Equal(got, []string{"exit", "mine"}) {
		t.Errorf("a script handled %q, want both lines", got)
	}
}

func TestNonInteractiveRunPrintsOnlyReplies(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := console.New(&out, "Hanne", false)
	if err := runWithin(t, 5*time.Second, context.Background(), c, strings.NewReader(""), &recorder{}); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("empty input printed %q, want nothing (no greeting, no prompt)", out.String())
	}
}

func TestSendToPersonPrintsTheMessageWithAHeader(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := console.New(&out, "Hanne", false)
	msg := bot.Message{Blocks: []bot.Block{
		bot.Text{Text: "Ærø Maskinfabrik er 3 dage over kadencen."},
		bot.Buttons{Buttons: []bot.Button{{Label: "Udsæt", Command: "snooze 12 7d"}}},
	}}
	rc, err := c.SendToPerson(context.Background(), bot.Consultant{Name: "Søren Ærbø"}, msg)
	if err != nil {
		t.Fatalf("SendToPerson: %v", err)
	}
	want := "── besked til Søren Ærbø ──\nÆrø Maskinfabrik er 3 dage over kadencen.\n[Udsæt: snooze 12 7d]\n"
	if out.String() != want {
		t.Errorf("output\n%q\nwant\n%q", out.String(), want)
	}
	if wantCh := (bot.Channel{Platform: "console", ID: "@soeren aerboe"}); rc.Channel != wantCh || rc.MessageID == "" {
		t.Errorf("receipt %+v, want channel %+v and a message id", rc, wantCh)
	}
}

func TestPostToChannelPrintsTheMessageWithAHeader(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := console.New(&out, "Hanne", false)
	rc, err := c.PostToChannel(context.Background(), console.Channel, bot.Reply("Intromøde fredag kl. 10."))
	if err != nil {
		t.Fatalf("PostToChannel: %v", err)
	}
	if want := "── besked #kanal ──\nIntromøde fredag kl. 10.\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if rc.Channel != console.Channel || rc.MessageID == "" {
		t.Errorf("receipt %+v, want channel %+v and a message id", rc, console.Channel)
	}
}

func TestDeliveryOnAnEndedContextFailsAndPrintsNothing(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := console.New(&out, "Hanne", false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.SendToPerson(ctx, bot.Consultant{Name: "Hanne"}, bot.Reply("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("SendToPerson on an ended context = %v, want context.Canceled", err)
	}
	if _, err := c.PostToChannel(ctx, console.Channel, bot.Reply("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("PostToChannel on an ended context = %v, want context.Canceled", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q for undelivered messages", out.String())
	}
}

// Nudges are sent from other goroutines while the console answers: every
// message is printed whole and gets its own receipt id. The writer is a
// plain bytes.Buffer, so the race detector sees any unguarded write.
func TestConcurrentDeliveriesAndRepliesDoNotInterleave(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := console.New(&out, "Hanne", false)
	const n = 50
	var lines strings.Builder
	for i := range n {
		fmt.Fprintf(&lines, "linje %d\n", i)
	}
	ids := make(chan string, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rc, err := c.SendToPerson(context.Background(), bot.Consultant{Name: "Hanne"}, bot.Reply(fmt.Sprintf("påmindelse %d", i)))
			if err != nil {
				t.Errorf("SendToPerson: %v", err)
			}
			ids <- rc.MessageID
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			rc, err := c.PostToChannel(context.Background(), console.Channel, bot.Reply(fmt.Sprintf("opslag %d", i)))
			if err != nil {
				t.Errorf("PostToChannel: %v", err)
			}
			ids <- rc.MessageID
		}()
	}
	if err := runWithin(t, 5*time.Second, context.Background(), c, strings.NewReader(lines.String()), &recorder{}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if id == "" || seen[id] {
			t.Errorf("message id %q is empty or repeated", id)
		}
		seen[id] = true
	}
	text := out.String()
	for i := range n {
		for _, whole := range []string{
			fmt.Sprintf("── besked til Hanne ──\npåmindelse %d\n", i),
			fmt.Sprintf("── besked #kanal ──\nopslag %d\n", i),
			fmt.Sprintf("svar: linje %d\n", i),
		} {
			if !strings.Contains(text, whole) {
				t.Errorf("output lacks %q whole", whole)
			}
		}
	}
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A picture in a reply or a message is written to a PNG file, and the
// path is printed with its title and alt text.
func TestConsoleWritesPicturesToFiles(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\n-the-picture-")
	img := bot.Image{PNG: png, Title: "Dækning uge for uge: Jobcenter Sorø", Alt: "uge 47 65 %", FileName: "daekning-2026-11-22.png"}
	var out syncBuffer
	c := console.New(&out, "Hanne", false)
	c.ImageDir = filepath.Join(t.TempDir(), "grafer")
	h := handlerFunc(func(context.Context, bot.Request) bot.Message {
		return bot.Message{Blocks: []bot.Block{bot.Heading{Text: "Dækning"}, img, bot.Text{Text: "slut"}}}
	})
	if err := c.Run(t.Context(), strings.NewReader("dækning graf\n"), h); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendToPerson(t.Context(), bot.Consultant{Name: "Lis"}, bot.Message{Blocks: []bot.Block{img}}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	paths := regexp.MustCompile(`→ (\S+\.png)`).FindAllStringSubmatch(got, -1)
	if len(paths) != 2 || paths[0][1] == paths[1][1] {
		t.Fatalf("want two files named:\n%s", got)
	}
	for _, p := range paths {
		if filepath.Dir(p[1]) != c.ImageDir || !strings.HasPrefix(filepath.Base(p[1]), "daekning-2026-11-22-") {
			t.Errorf("file %s, want daekning-2026-11-22-*.png in %s", p[1], c.ImageDir)
		}
		if data, err := os.ReadFile(p[1]); err != nil || !bytes.Equal(data, png) {
			t.Errorf("%s holds %q (%v)", p[1], data, err)
		}
	}
	for _, want := range []string{"Dækning\n[Dækning uge for uge: Jobcenter Sorø: uge 47 65 %]\n→ ", ".png\nslut\n", "── besked til Lis ──\n[Dækning uge for uge"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
