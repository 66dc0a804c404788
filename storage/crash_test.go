package storage_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// crashEnv names the database file TestCrashHelper writes to.
const crashEnv = "KONTAKTBOT_CRASH_DB"

// TestCrashHelper is not a test: TestCrashKeepsSavedContacts runs the
// test binary again with only this and crashEnv set. It logs contacts as
// fast as it can and says "saved <id>" on stdout after each AddContact
// has returned, until it is killed.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("the child process of TestCrashKeepsSavedContacts")
	}
	// A child whose parent died unseen still stops.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	db, err := storage.Open(path, options())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	anne, _, err := db.EnsureConsultant(ctx, bot.Identity{Platform: "console", User: "anne"}, "Anne", "Jobcenter Sorø")
	if err != nil {
		t.Fatal(err)
	}
	co, err := crashCompany(ctx, db, anne.ID)
	if err != nil {
		t.Fatal(err)
	}
	say := func(format string, args ...any) error {
		_, err := os.Stdout.Write(fmt.Appendf(nil, format, args...)) // one write: a line is whole or not there
		return err
	}
	if err := say("company %d\n", co.ID); err != nil {
		return
	}
	for ctx.Err() == nil {
		c, err := db.AddContact(ctx, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, Kind: bot.KindVisit,
			At: fixed.Add(-time.Duration(rand.IntN(365*24*60)) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if err := say("saved %d\n", c.ID); err != nil {
			return // the parent is gone
		}
	}
}

// crashCompany is the company the helper logs contacts with, created by
// the first run.
func crashCompany(ctx context.Context, db *storage.DB, owner uint64) (bot.Company, error) {
	exact, _, err := db.FindCompanies(ctx, "nedbrud aps", 0)
	if err != nil {
		return bot.Company{}, err
	}
	if exact != nil {
		return *exact, nil
	}
	return db.CreateCompany(ctx, bot.Company{Name: "Nedbrud ApS", OwnerID: owner, CadenceDays: 30})
}

// crashChild runs TestCrashHelper on path, kills it with SIGKILL after it
// has said saved n times or after d, and returns the company it wrote to
// and the ids it said were saved, including those it said just before it
// died.
func crashChild(t *testing.T, path string, n int, d time.Duration) (company uint64, saved []uint64) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()

	killed := false
	kill := func() {
		if !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	timeout := time.After(d)
read:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				break read
			}
			// What it said before it died still counts.
			if id, ok := strings.CutPrefix(line, "saved "); ok {
				saved = append(saved, mustParseID(t, id))
			} else if id, ok := strings.CutPrefix(line, "company "); ok {
				company = mustParseID(t, id)
			}
			if len(saved) >= n {
				kill()
			}
		case <-timeout:
			kill()
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the child stopped on its own (%v) after %d saves:\n%s", err, len(saved), stderr.Bytes())
	}
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.Exited() {
		t.Fatalf("the child was not killed: %v\n%s", err, stderr.Bytes())
	}
	if company == 0 || len(saved) == 0 {
		t.Fatalf("the child saved nothing before the kill (company #%d):\n%s", company, stderr.Bytes())
	}
	return company, saved
}

func mustParseID(tb testing.TB, s string) uint64 {
	tb.Helper()
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		tb.Fatalf("child said %q: %v", s, err)
	}
	return id
}

// TestCrashKeepsSavedContacts kills a process that is writing, three
// times at different points, and checks after each kill that the file
// opens, is sound, and holds every contact the process had reported
// saved, with the company's last contact in step.
func TestCrashKeepsSavedContacts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "crash.db")
	var saved []uint64
	for run, n := range []int{300, 97, 211} {
		company, ids := crashChild(t, path, n, 2*time.Second)
		saved = append(saved, ids...)

		db := mustOpen(t, path)
		if err := db.Check(); err != nil {
			t.Fatalf("run %d: Check after the kill: %v", run+1, err)
		}
		contacts := mustContacts(t, db, company)
		have := make(map[uint64]bool, len(contacts))
		for _, c := range contacts {
			have[c.ID] = true
		}
		for _, id := range saved {
			if !have[id] {
				t.Errorf("run %d: contact #%d was reported saved but is gone", run+1, id)
			}
		}
		// A kill between a commit and its "saved" line leaves at most one
		// contact per run that was never reported.
		if extra := len(contacts) - len(saved); extra < 0 || extra > run+1 {
			t.Errorf("run %d: %d contacts stored, %d reported saved", run+1, len(contacts), len(saved))
		}
		co := mustGetCompany(t, db, company)
		if !co.LastContact.Equal(contacts[0].At) {
			t.Errorf("run %d: LastContact %v, newest contact %v", run+1, co.LastContact, contacts[0].At)
		}
		t.Logf("run %d: killed after %d saves; %d contacts stored", run+1, len(ids), len(contacts))
		mustClose(t, db)
	}

	// The undo log survived too: it gives back the last contact logged.
	db := mustOpen(t, path)
	anne, err := db.ConsultantByName(t.Context(), "Anne")
	if err != nil {
		t.Fatal(err)
	}
	company, _, err := db.FindCompanies(t.Context(), "nedbrud aps", 0)
	if err != nil || company == nil {
		t.Fatalf("the company is gone: %v", err)
	}
	before := mustContacts(t, db, company.ID)
	last := before[0]
	for _, c := range before {
		if c.ID > last.ID {
			last = c
		}
	}
	if undone := mustUndo(t, db, anne.ID); undone.ID != last.ID {
		t.Errorf("undo after the crashes gave #%d, want the last logged #%d", undone.ID, last.ID)
	}
	if after := mustContacts(t, db, company.ID); len(after) != len(before)-1 || !mustGetCompany(t, db, company.ID).LastContact.Equal(after[0].At) {
		t.Errorf("after undo: %d contacts (want %d) and the last contact out of step", len(after), len(before)-1)
	}
}
