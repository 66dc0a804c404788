package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// benchClients is how many clients send at once: a morning's rush.
const benchClients = 64

// benchFrom is the Teams identity of testdata/message-personal.json.
var benchFrom = bot.Identity{Platform: teams.Platform, Team: "tenant-1", User: "6b1e4a3c-0000-4000-8000-000000000001"}

// BenchmarkTeamsActivity measures a typed visit as Teams sends it through
// the real MessageHandler: the real Validator checking a signed token
// against the fake Bot Framework's keys, the command language, a committed
// bbolt write, and the reply card sent by the real Client to the fake
// connector. Beside it, "bare" is a net/http handler that does only the
// same committed write (storage.AddContact). Both run over loopback HTTP
// with 64 concurrent clients and report p50, p99 and throughput; the ratio
// of the two p50s is the adapter's overhead. After the run it fails unless
// every visit was stored and answered, and the OpenID metadata, the JWKS
// and the connector token were each fetched once, not per request.
//
// "teams-noreply" shows where the rest goes: the same handler, but its
// reply, rendered and encoded as the Client would send it, is dropped
// instead of going over HTTP to the fake connector. It is a measurement,
// not the goal: the round trip to the connector is part of every reply.
// The goroutines of each side carry a pprof label (side=bot, connector
// or hammer), so that `go tool pprof -tags` on a -cpuprofile splits the
// CPU between the bot, the fake connector and the clients.
func BenchmarkTeamsActivity(b *testing.B) {
	for _, kind := range []string{"teams", "teams-noreply", "bare"} {
		b.Run(kind, func(b *testing.B) {
			db, err := storage.Open(filepath.Join(b.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: bot.ClockFunc(time.Now)})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			svc := commands.New(db, commands.Config{Clock: bot.ClockFunc(time.Now)})
			if msg := svc.Handle(context.Background(), bot.Request{From: benchFrom, Name: "Mette Jensen", Jobcenter: "Jobcenter", Text: "company add Ærø Maskinfabrik cvr 10403782"}); msg.Error {
				b.Fatal(msg.PlainText())
			}
			if kind != "bare" {
				benchTeams(b, db, svc, kind == "teams")
			} else {
				benchBare(b, db)
			}
		})
	}
}

// benchTeams runs the real handler against the fake Bot Framework; with
// reply false its replies are encoded and dropped (teams-noreply).
func benchTeams(b *testing.B, db *storage.DB, svc *commands.Service, reply bool) {
	conn := teamstest.NewConnector(b, teamstest.ConnectorConfig{})
	// The token's serviceurl must be the activity's, which is the fake
	// connector, so that the reply goes there.
	auth := teamstest.NewAuth(b, teamstest.AuthOptions{AppID: "app-id-1", ServiceURL: conn.URL, Now: time.Now()})
	v, err := teams.NewValidator(teams.ValidatorConfig{AppID: auth.AppID, MetadataURL: auth.MetadataURL, Clock: bot.ClockFunc(time.Now)})
	if err != nil {
		b.Fatal(err)
	}
	client, err := teams.NewClient(teams.ClientConfig{
		AppID: conn.AppID, AppPassword: conn.AppPassword, TokenURL: conn.TokenURL, Clock: bot.ClockFunc(time.Now),
		// The connector is one host: keep a connection per sender open,
		// as a deployment should, rather than net/http's default of two.
		HTTPClient:  &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}},
		ServiceURLs: allowed(b, conn.URL),
	})
	if err != nil {
		b.Fatal(err)
	}
	var connector teams.Connector = client
	dropped := &droppedReplies{}
	if !reply {
		connector = dropped
	}
	h, err := teams.NewHandler(teams.HandlerConfig{
		AppID: auth.AppID, Validator: v, Connector: connector, Commands: svc, Store: db, Seen: db, Clock: bot.ClockFunc(time.Now),
		ServiceURLs: allowed(b, conn.URL), Jobcenters: map[string]string{"tenant-1": "Jobcenter"},
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	pprof.Do(context.Background(), pprof.Labels("side", "bot"), func(context.Context) { srv.Start() })
	defer srv.Close()
	// The Bot Framework reuses its token for an hour, so one token serves
	// every request; minting one per request would time RSA signing.
	header := auth.Header(teamstest.TokenValid)
	act := benchActivity(b, conn.URL)

	// One "help" fills the key and token caches before the clock starts,
	// so that what is timed is the steady state.
	if code := post(b, http.DefaultClient, srv.URL, header, activityBody(b, act, "help", 0)); code != http.StatusOK {
		b.Fatalf("warm-up: status %d", code)
	}
	warm := len(conn.Calls()) + int(dropped.n.Load())

	lat, cpu := hammer(b, srv.URL, header, act)
	b.StopTimer()
	report(b, lat, cpu)

	meta, keys := v.Fetches()
	fakeMeta, fakeKeys := auth.Fetches()
	b.ReportMetric(float64(meta), "metadata-fetches")
	b.ReportMetric(float64(keys), "key-fetches")
	b.ReportMetric(float64(conn.TokenFetches()), "token-fetches")
	// One token serves every request: its signature is checked once, its
	// claims on every request.
	b.ReportMetric(float64(v.Verifications()), "signature-checks")
	if meta != 1 || keys != 1 || fakeMeta != 1 || fakeKeys != 1 {
		b.Errorf("metadata and keys fetched %d and %d times (fake saw %d and %d), want 1 each", meta, keys, fakeMeta, fakeKeys)
	}
	if n := conn.TokenFetches(); reply && n != 1 {
		b.Errorf("connector token fetched %d times, want 1", n)
	}
	if reply {
		checkReplies(b, conn.Calls()[warm:])
	} else if n := int(dropped.n.Load()) - warm; n != b.N {
		b.Errorf("%d replies encoded, want %d", n, b.N)
	}
	checkStored(b, db)
}

// droppedReplies is teams-noreply's Connector: it encodes each reply as
// the Client does, checks it is a stored visit, and drops it.
type droppedReplies struct {
	teams.Connector // only Send is called
	n               atomic.Int64
}

func (d *droppedReplies) Send(_ context.Context, _, conversationID string, act schema.Activity) (string, error) {
	body, err := json.Marshal(act)
	if err != nil {
		return "", err
	}
	if d.n.Add(1) > 1 && (conversationID != "a:1personalCONV" || !bytes.Contains(body, []byte("Ærø Maskinfabrik"))) {
		return "", fmt.Errorf("reply is not a stored visit: %.400s", body)
	}
	return "1:dropped", nil
}

// benchActivity is testdata/message-personal.json with its serviceUrl set
// to the fake connector.
func benchActivity(b *testing.B, serviceURL string) map[string]any {
	raw, err := os.ReadFile("testdata/message-personal.json")
	if err != nil {
		b.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(raw, &act); err != nil {
		b.Fatal(err)
	}
	act["serviceUrl"] = serviceURL
	return act
}

// checkReplies fails unless the connector answered exactly one reply per
// visit, into the personal conversation, none of them an error.
func checkReplies(b *testing.B, calls []teamstest.ConnectorCall) {
	b.Helper()
	if len(calls) != b.N {
		b.Errorf("connector got %d calls, want %d replies", len(calls), b.N)
	}
	for _, c := range calls {
		if c.Route != teamstest.RouteSend || c.Status != http.StatusOK || c.ConversationID != "a:1personalCONV" {
			b.Fatalf("reply %s %s: status %d", c.Route, c.Path, c.Status)
		}
		if !bytes.Contains(c.Body, []byte("Ærø Maskinfabrik")) || bytes.Contains(c.Body, []byte("⚠️")) {
			b.Fatalf("reply is not a stored visit: %.400s", c.Body)
		}
	}
}

// checkStored fails unless the company has exactly b.N contacts, read back
// from the file.
func checkStored(b *testing.B, db *storage.DB) {
	b.Helper()
	co := benchCompany(b, db)
	cs, err := db.Contacts(context.Background(), co.ID, b.N+1)
	if err != nil {
		b.Fatal(err)
	}
	if len(cs) != b.N {
		b.Errorf("%d contacts stored, want %d", len(cs), b.N)
	}
}

func benchCompany(b *testing.B, db *storage.DB) *bot.Company {
	b.Helper()
	co, _, err := db.FindCompanies(context.Background(), bot.NormalizeName("Ærø Maskinfabrik"), 1)
	if err != nil || co == nil {
		b.Fatalf("company: %v", err)
	}
	return co
}

// benchBare is the floor: read the activity, store the contact, answer 200.
func benchBare(b *testing.B, db *storage.DB) {
	co := benchCompany(b, db)
	me, err := db.ConsultantByIdentity(context.Background(), benchFrom)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var act struct{ Text string }
		if err := json.NewDecoder(io.LimitReader(r.Body, teams.MaxBody)).Decode(&act); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, err := db.AddContact(r.Context(), bot.Contact{CompanyID: co.ID, ConsultantID: me.ID, At: time.Now(),
			Kind: bot.KindVisit, Note: act.Text})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	pprof.Do(context.Background(), pprof.Labels("side", "bot"), func(context.Context) { srv.Start() })
	defer srv.Close()
	lat, cpu := hammer(b, srv.URL, "", benchActivity(b, "http://127.0.0.1:1"))
	b.StopTimer()
	report(b, lat, cpu)
	checkStored(b, db)
}

// hammer posts b.N visits from benchClients clients and returns each
// request's latency and the CPU time the whole process used meanwhile
// (negative when the platform cannot tell).
func hammer(b *testing.B, url, header string, act map[string]any) ([]time.Duration, time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	cpu0, cpuOK := processCPU()
	b.ResetTimer()
	for range benchClients {
		wg.Add(1)
		go pprof.Do(context.Background(), pprof.Labels("side", "hammer"), func(context.Context) {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				body := activityBody(b, act, "visit aeroe mødte Lars om svejsere nr "+strconv.FormatInt(i, 10), i+1)
				start := time.Now()
				code := post(b, client, url, header, body)
				lat[i] = time.Since(start)
				if code != http.StatusOK {
					b.Errorf("visit %d: status %d", i, code)
					return
				}
			}
		})
	}
	wg.Wait()
	cpu1, _ := processCPU()
	if !cpuOK {
		return lat, -1
	}
	return lat, cpu1 - cpu0
}

// activityBody is act with text and activity id n, encoded; act is only
// read, so clients may share it.
func activityBody(b *testing.B, act map[string]any, text string, n int64) []byte {
	a := make(map[string]any, len(act))
	for k, v := range act {
		a[k] = v
	}
	a["text"], a["id"] = text, fmt.Sprintf("1763885%06d", n)
	body, err := json.Marshal(a)
	if err != nil {
		b.Error(err)
	}
	return body
}

// post sends body to /api/messages with the Authorization header, if any,
// and returns the status (0 when it could not be sent).
func post(b *testing.B, client *http.Client, url, header string, body []byte) int {
	req, err := http.NewRequest(http.MethodPost, url+"/api/messages", bytes.NewReader(body))
	if err != nil {
		b.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	resp, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// report gives p50, p99 and throughput and, when known, the CPU time a
// request cost the process (server, fakes and clients together): on a
// loaded machine that figure moves far less than throughput does, and
// on two cores 2 s / cpu-µs/op bounds the throughput.
func report(b *testing.B, lat []time.Duration, cpu time.Duration) {
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if cpu >= 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	}
}
