package slack_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/storage"
)

// openReplays opens a bbolt file at path on the tests' clock, for the
// replay guard, and closes it when the test ends.
func openReplays(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(path, storage.Options{Timeout: time.Second, Clock: bot.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// guardedVerifier is the tests' verifier with db as its replay log.
func guardedVerifier(t *testing.T, db slack.ReplayLog) *slack.Verifier {
	t.Helper()
	v := MustVerifier(t, testSecret, func() time.Time { return now })
	v.Replays = db
	return v
}

// TestSlashCommandReplayRunsOnce: a captured slash command sent again
// within its 5 minutes runs once, also after a restart; the same command
// signed anew (Slack sending it again for the person) runs again.
func TestSlashCommandReplayRunsOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	db := openReplays(t, path)
	f := &fakeHandler{}
	h := slack.CommandHandler(guardedVerifier(t, db), f, nil)
	body := testdata(t, "visit.txt")
	header := sign(testSecret, now.Unix()-30, body)

	if r := decodeReply(t, post(t, h, header, body)); r.Text == "" {
		t.Fatalf("first request: empty reply %+v", r)
	}
	rec := post(t, h, header, body)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("replay: status %d body %q, want 200 and nothing", rec.Code, rec.Body)
	}
	// The signature in capitals is the same signature to Verify, and so
	// the same to the replay guard.
	upper := header.Clone()
	upper.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(header.Get("X-Slack-Signature"), "v0=")))
	if rec := post(t, h, upper, body); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("replay in capitals: status %d body %q", rec.Code, rec.Body)
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("the command ran %d times for one signed request", n)
	}

	// A restart: the file remembers.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openReplays(t, path)
	h = slack.CommandHandler(guardedVerifier(t, db), f, nil)
	if rec := post(t, h, header, body); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("replay after restart: status %d body %q", rec.Code, rec.Body)
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("after a restart the replay ran: %d runs", n)
	}

	// The same text, signed at another second, is a new request.
	decodeReply(t, post(t, h, sign(testSecret, now.Unix(), body), body))
	if n := len(f.requests()); n != 2 {
		t.Fatalf("a newly signed request ran %d times in all, want 2", n)
	}
	// A forged signature is still refused before the replay log is asked,
	// so garbage cannot fill it.
	forged := sign("other", now.Unix()-1, body)
	if rec := post(t, h, forged, body); rec.Code != http.StatusUnauthorized {
		t.Fatalf("forged: status %d", rec.Code)
	}
	if n, err := db.Replays(context.Background()); err != nil || n != 2 {
		t.Fatalf("replay log holds %d keys (%v), want the 2 signatures served", n, err)
	}
}

// TestInteractionReplayRunsOnce: a button's signed request sent twice
// runs its command once.
func TestInteractionReplayRunsOnce(t *testing.T) {
	t.Parallel()
	db := openReplays(t, filepath.Join(t.TempDir(), "k.db"))
	f := &fakeHandler{}
	e := newInteractivity(t, f, db)
	it, err := slack.NewInteractivity(slack.InteractivityConfig{Verifier: guardedVerifier(t, db), Handler: f,
		API: e.web.client(), Seen: db, Clock: bot.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	e.it = it
	payload := e.payload(t, "block_actions.json", setAction("snooze Ærø Maskinfabrik 1w"))
	for i := range 2 {
		if rec := e.interact(t, payload, nil); rec.Code != http.StatusOK {
			t.Fatalf("try %d: status %d", i, rec.Code)
		}
	}
	if reqs := f.requests(); len(reqs) != 1 || reqs[0].Text != "snooze Ærø Maskinfabrik 1w" {
		t.Fatalf("requests %+v, want the snooze once", reqs)
	}
	if posted := e.hook.posted(); len(posted) != 1 {
		t.Fatalf("response_url got %d answers, want 1", len(posted))
	}
}

// postEvent posts an Events API body with header to the events endpoint.
func postEvent(t *testing.T, it *slack.Interactivity, header http.Header, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	it.Events().ServeHTTP(rec, req)
	it.Wait()
	return rec
}

// TestEventRetriesStillAcknowledged: with the replay guard, Slack's retries
// of an event, with the first try's signature or signed anew, are answered
// 200 as before and the event runs once.
func TestEventRetriesStillAcknowledged(t *testing.T) {
	t.Parallel()
	db := openReplays(t, filepath.Join(t.TempDir(), "k.db"))
	f := &fakeHandler{}
	e := newInteractivity(t, f, db)
	it, err := slack.NewInteractivity(slack.InteractivityConfig{Verifier: guardedVerifier(t, db), Handler: f,
		API: e.web.client(), Seen: db, Clock: bot.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	body := testdata(t, "message_im.json")
	first := sign(testSecret, now.Unix()-10, body)
	if rec := postEvent(t, it, first, body); rec.Code != http.StatusOK {
		t.Fatalf("first delivery: status %d", rec.Code)
	}
	sameSig := first.Clone()
	sameSig.Set("X-Slack-Retry-Num", "1")
	sameSig.Set("X-Slack-Retry-Reason", "http_timeout")
	resigned := sign(testSecret, now.Unix(), body)
	resigned.Set("X-Slack-Retry-Num", "2")
	resigned.Set("X-Slack-Retry-Reason", "http_timeout")
	for name, h := range map[string]http.Header{"same signature": sameSig, "signed anew": resigned} {
		if rec := postEvent(t, it, h, body); rec.Code != http.StatusOK {
			t.Fatalf("retry, %s: status %d, want 200", name, rec.Code)
		}
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("the event ran %d times, want once", n)
	}
	if n := len(e.web.callsOf("chat.postMessage")); n != 1 {
		t.Fatalf("answered %d times in the DM, want once", n)
	}
}

// brokenLog is a replay log whose file has failed.
type brokenLog struct{}

func (brokenLog) FirstUntil(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("disk gone")
}

// TestReplayCheckFailureRefuses: when the replay log cannot answer, the
// request is refused (503, Slack or the person tries again) rather than run
// unguarded.
func TestReplayCheckFailureRefuses(t *testing.T) {
	t.Parallel()
	f := &fakeHandler{}
	h := slack.CommandHandler(guardedVerifier(t, brokenLog{}), f, nil)
	body := testdata(t, "visit.txt")
	if rec := post(t, h, sign(testSecret, now.Unix(), body), body); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("the command ran %d times without a replay check", n)
	}
}
