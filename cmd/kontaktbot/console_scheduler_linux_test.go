package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"kontaktbot/bot"
)

// openPTY opens a pseudo-terminal: what is written to master is read from
// slave, which is a terminal, as the console's stdin is when a person
// types into it.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Skipf("no pseudo-terminal here: TIOCGPTN: %v", errno)
	}
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Skipf("no pseudo-terminal here: TIOCSPTLCK: %v", errno)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// TestConsoleSchedulerPrintsOnlyConsoleNudges: the interactive console,
// on a working morning, runs the nudge scheduler; on a file with a Slack
// and a Teams user it prints the nudge of the console's own user only and
// leaves theirs owed, untried, for serve to deliver on their platforms.
func TestConsoleSchedulerPrintsOnlyConsoleNudges(t *testing.T) {
	t.Parallel()
	db := mixedFixture(t, "https://smba.trafficmanager.net/emea/")
	day := workingTuesday()
	morning := time.Date(day.Year(), day.Month(), day.Day(), 8, 30, 0, 0, bot.Copenhagen)
	_, tty := openPTY(t)
	out, logs := &syncBuffer{}, &syncBuffer{}
	e := &env{getenv: func(string) string { return "" }, stdin: tty, stdout: out, stderr: logs,
		log:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
		clock: bot.ClockFunc(func() time.Time { return morning })}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.console(ctx, []string{"--db", db, "--as", "Hanne"}) }()
	// The scheduler sweeps at once when the day's run is owed, and logs it.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(logs.String(), "msg=sweep") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the console's scheduler did not sweep:\n%s\nlog:\n%s", out.String(), logs.String())
		}
		select {
		case err := <-done:
			t.Fatalf("the console ended early: %v\n%s", err, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("console: %v", err)
	}
	got := out.String()
	if !strings.Contains(got, "── besked til Hanne ──") || !strings.Contains(got, "L-tek") {
		t.Errorf("the console did not print Hanne's own nudge:\n%s", got)
	}
	if strings.Contains(got, "Sofie") || strings.Contains(got, "Mette") {
		t.Errorf("the console printed a Slack or Teams user's nudge:\n%s", got)
	}
	if d := nudge(t, db, "Hanne", day); d.Delivered.IsZero() {
		t.Errorf("Hanne's printed nudge: %+v, want delivered", d)
	}
	for _, name := range []string{"Sofie", "Mette"} {
		if d := nudge(t, db, name, day); d.Done() || d.Attempts != 0 {
			t.Errorf("%s's nudge after the console ran: %+v, want owed and untried", name, d)
		}
	}
}
