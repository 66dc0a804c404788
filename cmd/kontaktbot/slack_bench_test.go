package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

const benchSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// benchClients is how many clients send at once: a morning's rush.
const benchClients = 64

// BenchmarkSlackCommand measures a signed /visit through the real Slack
// handler (signature check, parse, command language, committed bbolt
// write, Block Kit reply) against a bare net/http handler that does only
// the same committed write (storage.AddContact), both over loopback HTTP
// with 64 concurrent clients. It reports p50 and p99 latency and
// throughput; the ratio of the two p50s is the adapter's overhead.
// "command" is a plain handler running the same visit through the command
// service, without Slack's signature, form or Block Kit: slack/command is
// the Slack adapter's own share, command/bare the command language's.
func BenchmarkSlackCommand(b *testing.B) {
	for _, kind := range []string{"slack", "command", "bare"} {
		b.Run(kind, func(b *testing.B) {
			db, err := storage.Open(filepath.Join(b.TempDir(), "k.db"), storage.Options{Timeout: time.Second, Clock: bot.ClockFunc(time.Now)})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			svc := commands.New(db, commands.Config{Clock: bot.ClockFunc(time.Now)})
			from := bot.Identity{Platform: "slack", Team: "T1", User: "U1"}
			if msg := svc.Handle(ctx, bot.Request{From: from, Name: "Hanne", Jobcenter: "Jobcenter", Text: "company add Ærø Maskinfabrik cvr 10403782"}); msg.Error {
				b.Fatal(msg.PlainText())
			}
			var h http.Handler
			switch kind {
			case "slack":
				v, err := slack.NewVerifier(benchSecret, time.Now)
				if err != nil {
					b.Fatal(err)
				}
				h = slack.NewCommands(v, svc, slack.TeamJobcenters{"T1": "Jobcenter"}, nil, nil)
			case "command":
				h = commandVisit(svc, from)
			default:
				h = bareVisit(b, db, from)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			lat := hammer(b, srv.URL, kind == "slack")
			b.StopTimer()
			report(b, lat)
		})
	}
}

// bareVisit is the floor: read the form, store the contact, say "ok".
func bareVisit(b *testing.B, db *storage.DB, from bot.Identity) http.Handler {
	ctx := context.Background()
	co, _, err := db.FindCompanies(ctx, bot.NormalizeName("Ærø Maskinfabrik"), 1)
	if err != nil || co == nil {
		b.Fatalf("company: %v", err)
	}
	me, err := db.ConsultantByIdentity(ctx, from)
	if err != nil {
		b.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, err := db.AddContact(r.Context(), bot.Contact{CompanyID: co.ID, ConsultantID: me.ID, At: time.Now(),
			Kind: bot.KindVisit, Note: r.PostFormValue("text")})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, `{"text":"ok"}`)
	})
}

// commandVisit runs the form's text as a visit through the command
// service, as a platform without signatures or rich replies would.
func commandVisit(svc *commands.Service, from bot.Identity) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		msg := svc.Handle(r.Context(), bot.Request{From: from, Name: "Hanne", Jobcenter: "Jobcenter", Text: "visit " + r.PostFormValue("text")})
		fmt.Fprint(w, msg.PlainText())
	})
}

// hammer sends b.N visits from benchClients clients and returns each
// request's latency. The requests, signed as Slack signs them, are made
// before the clock starts: Slack signs on its own machines, not on ours.
func hammer(b *testing.B, url string, sign bool) []time.Duration {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}
	type request struct{ body, ts, sig string }
	reqs := make([]request, b.N)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	for i := range reqs {
		body := neturl.Values{"command": {"/visit"}, "text": {"aeroe mødte Lars om svejsere nr " + strconv.Itoa(i)},
			"team_id": {"T1"}, "user_id": {"U1"}, "user_name": {"Hanne"}, "channel_id": {"D1"}}.Encode()
		reqs[i] = request{body: body}
		if sign {
			mac := hmac.New(sha256.New, []byte(benchSecret))
			mac.Write([]byte("v0:" + ts + ":" + body))
			reqs[i].ts, reqs[i].sig = ts, "v0="+hex.EncodeToString(mac.Sum(nil))
		}
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(reqs[i].body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if sign {
					req.Header.Set("X-Slack-Request-Timestamp", reqs[i].ts)
					req.Header.Set("X-Slack-Signature", reqs[i].sig)
				}
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				reply, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(start)
				if resp.StatusCode != http.StatusOK || strings.Contains(string(reply), "⚠️") {
					b.Errorf("status %d: %s", resp.StatusCode, reply)
					return
				}
			}
		}()
	}
	wg.Wait()
	return lat
}

func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
