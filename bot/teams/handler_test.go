package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// fakeConn records what the adapter sends; stand-in until the package's
// fake Bot Framework carries these tests end to end.
type fakeConn struct {
	mu      sync.Mutex
	sent    []schema.Activity
	convs   []string
	updated []string
	refuse  bool
}

func (f *fakeConn) Send(_ context.Context, _, conv string, act schema.Activity) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse {
		return "", teams.ErrRefused
	}
	f.sent, f.convs = append(f.sent, act), append(f.convs, conv)
	return "act-" + conv, nil
}

func (f *fakeConn) Update(_ context.Context, _, conv, id string, act schema.Activity) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updated = append(f.updated, conv+"/"+id)
	f.sent = append(f.sent, act)
	return nil
}

func (f *fakeConn) CreateConversation(_ context.Context, _ string, p schema.ConversationParameters) (string, error) {
	return "a:new-" + p.Members[0].ID, nil
}

func (f *fakeConn) last(t *testing.T) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent) == 0 {
		t.Fatal("nothing sent")
	}
	b, _ := json.Marshal(f.sent[len(f.sent)-1].Attachments[0].Content)
	return string(b)
}

type rig struct {
	db   *storage.DB
	h    http.Handler
	conn *fakeConn
}

func newRig(t testing.TB) *rig {
	t.Helper()
	clock := bot.ClockFunc(func() time.Time { return testNow })
	db, err := storage.Open(filepath.Join(t.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn := &fakeConn{}
	h, err := teams.NewHandler(teams.HandlerConfig{
		AppID: "app-id-1", Connector: conn, Commands: commands.New(db, commands.Config{Clock: clock}), Store: db, Clock: clock,
		Validator: teams.AuthenticatorFunc(func(_ context.Context, _ schema.Activity, h string) error {
			if h != "Bearer good" {
				return bot.ErrNotFound
			}
			return nil
		}),
		Jobcenters: map[string]string{"tenant-1": "Jobcenter Sorø"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{db: db, h: h, conn: conn}
}

func (r *rig) post(t *testing.T, token string, act map[string]any) int {
	t.Helper()
	b, _ := json.Marshal(act)
	return r.postRaw(token, b)
}

func (r *rig) postRaw(token string, b []byte) int {
	req := httptest.NewRequest(http.MethodPost, "/api/messages", bytes.NewReader(b))
	req.Header.Set("Authorization", token)
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	return w.Code
}

func personal(t *testing.T, text string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/message-personal.json")
	if err != nil {
		t.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(b, &act); err != nil {
		t.Fatal(err)
	}
	act["text"] = text
	return act
}

func TestHandlerVisitStored(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	for _, line := range []string{"company add L-tek", "visit L-tek mødte Lars"} {
		if code := r.post(t, "Bearer good", personal(t, line)); code != http.StatusOK {
			t.Fatalf("%s: status %d", line, code)
		}
	}
	cs, err := r.db.Contacts(ctx, 1, 5)
	if err != nil || len(cs) != 1 || cs[0].Note != "mødte Lars" {
		t.Fatalf("contacts = %+v, %v", cs, err)
	}
	mustValidCardJSON(t, r.conn.last(t))
	if _, err := r.db.Conversation(ctx, teams.PersonKey("tenant-1", "6b1e4a3c-0000-4000-8000-000000000001")); err != nil {
		t.Fatalf("personal reference not stored: %v", err)
	}
}

func TestHandlerUnauthorized(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, tok := range []string{"", "Bearer bad", "good", "Basic good"} {
		if code := r.post(t, tok, personal(t, "company add L-tek")); code != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", tok, code)
		}
	}
	all, err := r.db.Conversations(context.Background(), "")
	if err != nil || len(all) != 0 || len(r.conn.sent) != 0 {
		t.Fatalf("stored %d refs, sent %d: %v", len(all), len(r.conn.sent), err)
	}
}

func TestHandlerChannelMention(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	act := personal(t, "<at>kontaktbot</at> help")
	act["conversation"] = map[string]any{"conversationType": "channel", "tenantId": "tenant-1", "id": "19:chan@thread.tacv2;messageid=1"}
	act["channelData"] = map[string]any{"tenant": map[string]any{"id": "tenant-1"}, "team": map[string]any{"id": "19:team"}}
	if code := r.post(t, "Bearer good", act); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if got := r.conn.last(t); strings.Contains(got, "kontaktbot</at>") || !strings.Contains(got, "visit") {
		t.Errorf("help reply: %.400s", got)
	}
	if _, err := r.db.Conversation(context.Background(), teams.ChannelKey("tenant-1", "19:chan@thread.tacv2;messageid=1")); err != nil {
		t.Fatalf("channel reference not stored: %v", err)
	}
}

func TestHandlerVisitForm(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.post(t, "Bearer good", personal(t, "company add L-tek"))
	button := personal(t, "")
	button["value"] = map[string]any{"kontaktbot": "command", "command": "visit L-tek"}
	r.post(t, "Bearer good", button)
	if got := r.conn.last(t); !strings.Contains(got, `"id":"note"`) {
		t.Fatalf("button did not open the form: %.300s", got)
	}
	bad := personal(t, "")
	bad["value"] = map[string]any{"kontaktbot": "visit", "company": "L-tek", "date": "2027-01-05", "kind": "phone", "note": "ringede"}
	r.post(t, "Bearer good", bad)
	if got := r.conn.last(t); !strings.Contains(got, `"color":"attention"`) || !strings.Contains(got, "ringede") {
		t.Fatalf("future date did not return the form with the error: %s", got)
	}
	good := personal(t, "")
	good["value"] = map[string]any{"kontaktbot": "visit", "company": "L-tek", "date": "2026-11-20", "kind": "phone", "note": "ringede"}
	r.post(t, "Bearer good", good)
	cs, err := r.db.Contacts(context.Background(), 1, 5)
	if err != nil || len(cs) != 1 || cs[0].Kind != bot.KindPhone {
		t.Fatalf("contacts = %+v, %v; last reply %s", cs, err, r.conn.last(t))
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
	f.Add(seed)
	f.Add([]byte(`{"type":"message","value":"x","conversation":{"id":"c","tenantId":"t"},"serviceUrl":"s","from":{"id":"u"}}`))
	f.Add([]byte(`{"type":"message","value":{"kontaktbot":"visit","company":3},"timestamp":""}`))
	f.Add([]byte(`{"type":"installationUpdate","action":"remove","channelData":{"team":7}}`))
	f.Add([]byte(`[1,2]`))
	r := newRig(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		code := r.postRaw("Bearer good", body)
		if code != http.StatusOK && code != http.StatusBadRequest && code != http.StatusInternalServerError {
			t.Fatalf("status %d", code)
		}
	})
}

// BenchmarkActivity is an authenticated typed visit through the real
// handler to a committed bbolt write, with p50 and p99 per activity.
func BenchmarkActivity(b *testing.B) {
	r := newRig(b)
	seed, err := os.ReadFile("testdata/message-personal.json")
	if err != nil {
		b.Fatal(err)
	}
	if code := r.postRaw("Bearer good", seed); code != http.StatusOK {
		b.Fatalf("company add: %d", code)
	}
	body := bytes.Replace(seed, []byte("company add L-tek"), []byte("visit L-tek mødte Lars"), 1)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if code := r.postRaw("Bearer good", body); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
