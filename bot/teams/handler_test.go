package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
)

func TestHandlerVisitStored(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	for _, line := range []string{"company add L-tek", "visit L-tek mødte Lars"} {
		if code := r.post(t, r.good(), personal(t, line)); code != http.StatusOK {
			t.Fatalf("%s: status %d", line, code)
		}
	}
	cs, err := r.db.Contacts(ctx, 1, 5)
	if err != nil || len(cs) != 1 || cs[0].Note != "mødte Lars" {
		t.Fatalf("contacts = %+v, %v", cs, err)
	}
	mustValidCardJSON(t, r.last(t))
	if _, err := r.db.Conversation(ctx, teams.PersonKey("tenant-1", "6b1e4a3c-0000-4000-8000-000000000001")); err != nil {
		t.Fatalf("personal reference not stored: %v", err)
	}
}

func TestHandlerUnauthorized(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, tok := range []string{"", "Bearer bad", r.good()[len("Bearer "):], "Basic " + r.good()[len("Bearer "):]} {
		if code := r.post(t, tok, personal(t, "company add L-tek")); code != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", tok, code)
		}
	}
	all, err := r.db.Conversations(context.Background(), "")
	if err != nil || len(all) != 0 || len(r.sent()) != 0 {
		t.Fatalf("stored %d refs, sent %d: %v", len(all), len(r.sent()), err)
	}
}

func TestHandlerChannelMention(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	act := personal(t, "<at>kontaktbot</at> help")
	act["conversation"] = map[string]any{"conversationType": "channel", "tenantId": "tenant-1", "id": "19:chan@thread.tacv2;messageid=1"}
	act["channelData"] = map[string]any{"tenant": map[string]any{"id": "tenant-1"}, "team": map[string]any{"id": "19:team"}}
	if code := r.post(t, r.good(), act); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if got := r.last(t); strings.Contains(got, "kontaktbot</at>") || !strings.Contains(got, "besøg \\u003cvirksomhed") {
		t.Errorf("help reply: %.400s", got)
	}
	if _, err := r.db.Conversation(context.Background(), teams.ChannelKey("tenant-1", "19:chan@thread.tacv2;messageid=1")); err != nil {
		t.Fatalf("channel reference not stored: %v", err)
	}
}

func TestHandlerVisitForm(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.post(t, r.good(), personal(t, "company add L-tek"))
	button := personal(t, "")
	button["value"] = map[string]any{"kontaktbot": "command", "command": "visit L-tek"}
	r.post(t, r.good(), button)
	if got := r.last(t); !strings.Contains(got, `"id":"note"`) {
		t.Fatalf("button did not open the form: %.300s", got)
	}
	// A button that names its form, as cards are now rendered.
	open := personal(t, "")
	open["value"] = map[string]any{"kontaktbot": "open", "form": "plan", "subject": "ltek"}
	r.post(t, r.good(), open)
	if got := r.last(t); !strings.Contains(got, `"form":"plan"`) || !strings.Contains(got, `"subject":"L-tek"`) {
		t.Fatalf("open did not answer the plan form: %.400s", got)
	}
	bad := personal(t, "")
	bad["value"] = map[string]any{"kontaktbot": "form", "form": "visit", "subject": "L-tek", "date": "2027-01-05", "kind": "phone", "note": "ringede"}
	r.post(t, r.good(), bad)
	if got := r.last(t); !strings.Contains(got, `"color":"attention"`) || !strings.Contains(got, "ringede") || !strings.Contains(got, "fremtiden") {
		t.Fatalf("future date did not return the form with the error: %s", got)
	}
	// The note is a field: a date at its start stays the note's.
	good := personal(t, "")
	good["value"] = map[string]any{"kontaktbot": "form", "form": "visit", "subject": "L-tek", "date": "2026-11-20", "kind": "phone", "note": "3. december ringede"}
	r.post(t, r.good(), good)
	cs, err := r.db.Contacts(context.Background(), 1, 5)
	if err != nil || len(cs) != 1 || cs[0].Kind != bot.KindPhone || cs[0].Note != "3. december ringede" {
		t.Fatalf("contacts = %+v, %v; last reply %s", cs, err, r.last(t))
	}
	// A form of a card posted before forms were neutral still works.
	old := personal(t, "")
	old["value"] = map[string]any{"kontaktbot": "visit", "company": "L-tek", "date": "2026-11-21", "kind": "mail", "note": "sendte tilbud"}
	r.post(t, r.good(), old)
	if cs, err := r.db.Contacts(context.Background(), 1, 5); err != nil || len(cs) != 2 {
		t.Fatalf("contacts after an old card's form = %+v, %v; last reply %s", cs, err, r.last(t))
	}
}

func mustValidCardJSON(t *testing.T, s string) {
	t.Helper()
	var card map[string]any
	if err := json.Unmarshal([]byte(s), &card); err != nil {
		t.Fatal(err)
	}
	mustValidCard(t, card)
}

// FuzzActivity posts arbitrary bodies with a valid token: the handler may
// refuse them but must never panic.
func FuzzActivity(f *testing.F) {
	seed, err := os.ReadFile("testdata/message-personal.json")
	if err != nil {
		f.Fatal(err)
	}
	// The fuzz target is what follows authentication, so tokens are
	// waved through: no random body names a service URL a token could.
	// The seeds name the fake connector's, so that they get past the
	// allow-list; the random bodies mostly do not, and are refused 403.
	r := newRigWith(f, teams.AuthenticatorFunc(func(context.Context, schema.Activity, string) error { return nil }))
	f.Add(bytes.Replace(seed, []byte("https://smba.trafficmanager.net/emea/"), []byte(r.bf.URL), 1))
	su := `"serviceUrl":"` + r.bf.URL + `",`
	f.Add([]byte(`{"type":"message",` + su + `"value":"x","conversation":{"id":"c","tenantId":"t"},"from":{"id":"u"}}`))
	f.Add([]byte(`{"type":"message",` + su + `"value":{"kontaktbot":"visit","company":3},"timestamp":""}`))
	f.Add([]byte(`{"type":"installationUpdate",` + su + `"action":"remove","channelData":{"team":7}}`))
	f.Add([]byte(`{"type":"message","serviceUrl":"s","conversation":{"id":"c","tenantId":"t"},"from":{"id":"u"}}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		code := r.postRaw("Bearer fuzz", body)
		switch code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden, http.StatusInternalServerError:
		default:
			t.Fatalf("status %d", code)
		}
	})
}

// BenchmarkActivity is an authenticated typed visit through the real
// handler (our Validator and Client against the fake Bot Framework) to a
// committed bbolt write, one at a time, with p50 and p99 per activity.
func BenchmarkActivity(b *testing.B) {
	r := newRig(b)
	seed, err := os.ReadFile("testdata/message-personal.json")
	if err != nil {
		b.Fatal(err)
	}
	seed = bytes.Replace(seed, []byte("https://smba.trafficmanager.net/emea/"), []byte(r.bf.URL), 1)
	if code := r.postRaw(r.good(), seed); code != http.StatusOK {
		b.Fatalf("company add: %d", code)
	}
	visit := bytes.Replace(seed, []byte("company add L-tek"), []byte("visit L-tek mødte Lars"), 1)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// Each activity has an id of its own, as Teams gives them.
		body := bytes.Replace(visit, []byte(`"id": "1763885112345"`), []byte(`"id": "bench-`+strconv.Itoa(i)+`"`), 1)
		start := time.Now()
		if code := r.postRaw(r.good(), body); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// TestHandlerActivityDeliveredTwice: Teams sends an activity again when
// the answer took over 15 seconds; the visit is logged and answered once.
func TestHandlerActivityDeliveredTwice(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.postText(t, r.good(), "company add L-tek")
	visit := personal(t, "visit L-tek mødte Lars")
	for range 2 {
		if code := r.post(t, r.good(), visit); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	if cs, err := r.db.Contacts(context.Background(), 1, 5); err != nil || len(cs) != 1 {
		t.Fatalf("contacts = %+v, %v; want one", cs, err)
	}
	if n := len(r.sent()); n != 2 {
		t.Fatalf("%d replies, want 2 (company add, visit)", n)
	}
}

// TestHandlerReplyLostAfterCommit: when the reply cannot be sent after the
// command committed, the activity is still answered 200 (Teams would
// otherwise deliver it again), the write stays, and the loss is logged.
func TestHandlerReplyLostAfterCommit(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.bf.Fail(teamstest.RouteSend, 100, http.StatusInternalServerError, "")
	if code := r.post(t, r.good(), personal(t, "company add L-tek")); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	if cs, _ := r.db.Consultants(context.Background()); len(cs) != 1 {
		t.Fatalf("people: %+v", cs)
	}
	if exact, _, err := r.db.FindCompanies(context.Background(), bot.NormalizeName("L-tek"), 0); err != nil || exact == nil {
		t.Errorf("the company was not kept: %v %v", exact, err)
	}
	if !strings.Contains(r.logs.String(), "teams reply not sent after the command ran") {
		t.Errorf("no log of the lost reply:\n%s", r.logs.String())
	}
}

// TestHandlerLenientActivity: what the handler does not read cannot fail
// an activity (a submit's value that is not an object, an odd timestamp,
// entities of another shape), while a field it reads of the wrong type
// still does.
func TestHandlerLenientActivity(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for name, change := range map[string]func(map[string]any){
		"value a string":      func(a map[string]any) { a["value"] = "x" },
		"value an array":      func(a map[string]any) { a["value"] = []any{1, 2} },
		"value null":          func(a map[string]any) { a["value"] = nil },
		"timestamp not ISO":   func(a map[string]any) { a["timestamp"] = "i går" },
		"entities an object":  func(a map[string]any) { a["entities"] = map[string]any{"type": "clientInfo"} },
		"expiration a number": func(a map[string]any) { a["expiration"] = 7 },
	} {
		before := len(r.sent())
		act := personal(t, "help")
		change(act)
		if code := r.post(t, r.good(), act); code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", name, code)
			continue
		}
		if n := len(r.sent()); n != before+1 {
			t.Errorf("%s: %d replies, want 1", name, n-before)
		}
	}
	for name, change := range map[string]func(map[string]any){
		"text a number":         func(a map[string]any) { a["text"] = 7 },
		"conversation a string": func(a map[string]any) { a["conversation"] = "a:1" },
		"value a broken object": nil,
	} {
		before := len(r.sent())
		act := personal(t, "help")
		act["serviceUrl"] = r.bf.URL
		b, err := json.Marshal(act)
		if err != nil {
			t.Fatal(err)
		}
		if change != nil {
			change(act)
			if b, err = json.Marshal(act); err != nil {
				t.Fatal(err)
			}
		} else {
			b = bytes.Replace(b, []byte(`"text":`), []byte(`"value":{"kontaktbot":},"text":`), 1)
		}
		// An activity that cannot be read names no service URL for the
		// token's to match: refused as unauthenticated.
		if code := r.postRaw(r.good(), b); code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, code)
		}
		if n := len(r.sent()); n != before {
			t.Errorf("%s: %d replies, want none", name, n-before)
		}
	}
}

// TestHandlerBodyTooLarge: a body over MaxBody is refused 413 before it
// is read to its end, and the next activity is read whole, not mixed with
// what came before.
func TestHandlerBodyTooLarge(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	act := personal(t, "help")
	act["serviceUrl"] = r.bf.URL
	act["padding"] = strings.Repeat("x", teams.MaxBody)
	big, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	if code := r.postRaw(r.good(), big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("body of %d bytes: status %d, want 413", len(big), code)
	}
	for _, text := range []string{"company add L-tek", "visit L-tek mødte Lars", "visit L-tek ringede til Bo"} {
		if code := r.postText(t, r.good(), text); code != http.StatusOK {
			t.Fatalf("%s: status %d", text, code)
		}
	}
	cs, err := r.db.Contacts(context.Background(), 1, 5)
	if err != nil || len(cs) != 2 || cs[0].Note+"|"+cs[1].Note != "ringede til Bo|mødte Lars" {
		t.Fatalf("contacts = %+v, %v", cs, err)
	}
}
