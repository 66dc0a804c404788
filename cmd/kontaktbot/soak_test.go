package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
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
	"kontaktbot/bot/teams"
	"kontaktbot/storage"
)

var (
	soakFull = flag.Bool("soak.full", false, "TestCrashSoak at the issue's size: 5,000 nudges and 50 kills (minutes, not seconds)")
	soakSeed = flag.Uint64("soak.seed", 0, "TestCrashSoak's seed, to replay a run; 0 draws one")
)

// The fake platforms' organisations.
const (
	soakWorkspace = "TSOAK"
	soakTenant    = "tenant-soak"
)

// TestCrashSoak proves exactly-once delivery of a morning's nudges under
// crashes: the real binary runs `kontaktbot remind` against a fake Slack
// and a fake Bot Framework that answer some calls 429 or 5xx (and some
// Slack posts 500 after taking them: an answer lost), is killed
// with SIGKILL at random moments of the morning and started again, and
// at last runs to the end. Every Slack person must have got their nudge
// exactly once (the metadata re-check closes the window between the
// platform's confirmation and the outbox's commit); every Teams person at
// least once, the repeats (kills in that window) are reported.
//
// remind, not serve: serve's scheduler fires on the wall clock, and a
// morning of nudges is only planned on a working day; remind --at runs
// the very sweep the scheduler runs, at a chosen working morning, and a
// later --at lets retries whose backoff has passed be tried.
func TestCrashSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("crash soak: builds the binary and kills it; skipped with -short")
	}
	t.Parallel()
	people, kills := 300, 10
	if *soakFull {
		people, kills = 5000, 50
	}
	seed := *soakSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("crash soak: %d nudges, %d kills, seed %d (replay: -soak.seed=%d)", people, kills, seed, seed)
	began := time.Now()

	bin := buildKontaktbot(t)
	rec := &soakRecord{got: map[uint64][]string{}, people: people}
	sl := newSoakSlack(t, rec, newSoakFaults(seed+1, 0.01, 0.02, 0.01))
	tm := newSoakTeams(t, rec, newSoakFaults(seed+2, 0.02, 0.02, 0))
	db, platformOf := soakFixture(t, people, tm.URL)
	day := workingTuesday()
	s := &soak{t: t, bin: bin, db: db, day: day, rec: rec, env: soakEnv(sl.URL, tm.URL),
		tried: map[uint64]bool{}, inWindow: map[uint64][]int{}, platformOf: platformOf, at: time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, bot.Copenhagen)}
	t.Logf("fixture and binary ready after %s", time.Since(began).Round(time.Millisecond))

	st := s.crash(rand.New(rand.NewPCG(seed, 3)), people, kills)
	runs := s.finish()
	t.Logf("crash soak: %d kills (%d at random moments, %d aimed: by the platform as it took a nudge): %d mid-delivery (a first try recorded, no outcome); between a platform's confirmation and the commit %d in Slack, %d in Teams (and %d after a lost answer); %d with a platform call in flight; %d before the run's first delivery. %d runs ended by themselves before their kill, then %d runs to the end; %s in all",
		st.kills, st.kills-st.aimed, st.aimed, st.midDelivery, st.window[slack.Platform], st.window[teams.Platform], st.window[""], st.inFlight, st.early, st.missed, runs, time.Since(began).Round(time.Millisecond))

	s.checkOutbox(people)
	slackDup, slackMissing, teamsDup, teamsMissing := rec.count(t, platformOf)
	t.Logf("crash soak: Slack %d duplicates, %d missing; Teams %d duplicates, %d missing; injected faults: Slack %d, Teams %d",
		slackDup, slackMissing, teamsDup, teamsMissing, sl.faults.injected.Load(), tm.faults.injected.Load())
	if slackDup != 0 || slackMissing != 0 {
		t.Errorf("Slack: %d duplicates and %d missing nudges, want none", slackDup, slackMissing)
	}
	if teamsMissing != 0 {
		t.Errorf("Teams: %d missing nudges, want none", teamsMissing)
	}
	s.checkRepeats()
	if bad := append(sl.unexpected(), tm.unexpected()...); len(bad) > 0 {
		t.Errorf("calls the fakes do not know: %q", bad)
	}
}

// buildKontaktbot builds the binary of this package, once per test.
func buildKontaktbot(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build the binary with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "kontaktbot")
	cmd := exec.Command(gobin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// soakFixture is a database with n consultants of one jobcenter, each
// owning one overdue company: the even ones on Slack, the odd ones on
// Teams with their personal chat at serviceURL. platformOf gives each
// consultant's platform, by id.
func soakFixture(t *testing.T, n int, serviceURL string) (path string, platformOf map[uint64]string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "soak.db")
	// No fsync while filling: the file is closed before any process reads it.
	db, err := storage.Open(path, storage.Options{Timeout: 2 * time.Second, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	jc, err := db.CreateJobcenter(ctx, bot.Jobcenter{Name: "Jobcenter Soak"})
	if err != nil {
		t.Fatal(err)
	}
	platformOf = map[uint64]string{}
	companies := make([]bot.Company, 0, n)
	for i := range n {
		id := bot.Identity{Platform: slack.Platform, Team: soakWorkspace, User: fmt.Sprintf("U%05d", i)}
		if i%2 == 1 {
			id = bot.Identity{Platform: teams.Platform, Team: soakTenant, User: fmt.Sprintf("aad-%05d", i)}
		}
		c, err := db.CreateConsultant(ctx, bot.Consultant{Name: fmt.Sprintf("Konsulent %05d", i), JobcenterID: jc.ID,
			Role: bot.RoleConsultant, Lang: bot.Danish, Identities: []bot.Identity{id}})
		if err != nil {
			t.Fatal(err)
		}
		platformOf[c.ID] = id.Platform
		companies = append(companies, bot.Company{Name: fmt.Sprintf("Virksomhed %05d", i), OwnerID: c.ID,
			CadenceDays: 14, LastContact: time.Now()})
		if id.Platform != teams.Platform {
			continue
		}
		ref, err := json.Marshal(teams.ConversationRef{ServiceURL: serviceURL, ConversationID: soakConversation(c.ID),
			TenantID: soakTenant, ChannelID: "msteams", BotID: "28:" + remindAppID, UserAADID: id.User, Type: teams.Personal})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutConversation(ctx, teams.PersonKey(soakTenant, id.User), ref); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.ImportCompanies(ctx, companies); err != nil {
		t.Fatal(err)
	}
	return path, platformOf
}

// soakConversation is the Teams personal chat of consultant id.
func soakConversation(id uint64) string { return "a:soak-" + strconv.FormatUint(id, 10) }

// soakEnv is serve's environment for the fake platforms, and nothing else
// of the test's own environment.
func soakEnv(slackURL, teamsURL string) []string {
	return []string{"SLACK_SIGNING_SECRET=s3cret", "SLACK_BOT_TOKEN=xoxb-soak", "SLACK_API_URL=" + slackURL + "/",
		"SLACK_TEAM_JOBCENTERS=" + soakWorkspace + "=Jobcenter Soak",
		"MICROSOFT_APP_ID=" + remindAppID, "MICROSOFT_APP_PASSWORD=hemmelig",
		"BOTFRAMEWORK_TOKEN_URL=" + teamsURL + "/token", "BOTFRAMEWORK_SERVICE_URLS=" + teamsURL,
		"BOTFRAMEWORK_OPENID_METADATA_URL=" + teamsURL + "/openid", "TEAMS_TENANT_JOBCENTERS=" + soakTenant + "=Jobcenter Soak",
		"KONTAKTBOT_METRICS_ADDR=off", "KONTAKTBOT_LOG_LEVEL=warn"}
}

// soak is one crash soak under way.
type soak struct {
	t   *testing.T
	bin string
	db  string
	day time.Time
	at  time.Time // the --at of the next run
	rec *soakRecord
	env []string
	// tried and inWindow are what cutOff has counted, by recipient:
	// the tries cut off, and how many times the platform had delivered
	// each time it found one unmarked.
	tried      map[uint64]bool
	inWindow   map[uint64][]int
	platformOf map[uint64]string // each consultant's platform
}

// soakRun is one kontaktbot process.
type soakRun struct {
	cmd   *exec.Cmd
	out   bytes.Buffer
	done  chan error
	start time.Time
}

// start starts `kontaktbot remind` at s.at and moves s.at on.
func (s *soak) start(step time.Duration) *soakRun {
	s.t.Helper()
	r := &soakRun{done: make(chan error, 1)}
	r.cmd = exec.Command(s.bin, "remind", "--db", s.db, "--at", s.at.Format(time.RFC3339))
	r.cmd.Env = s.env
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		s.t.Fatalf("start kontaktbot: %v", err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	s.at = s.at.Add(step)
	return r
}

// soakStats says where the kills landed.
type soakStats struct {
	kills       int // processes killed
	aimed       int // ... of them by the platform as it took a nudge
	midDelivery int // ... cutting a delivery off between its recorded try and its outcome
	// window counts, by platform, the kills that landed between a
	// platform's confirmation and the outbox's commit: the platform has
	// a nudge whose try had not failed, and the outbox has no outcome.
	// (A nudge whose earlier try failed and whose answer then got lost
	// looks the same after a kill; it is counted as a failure.)
	window   map[string]int
	inFlight int // ... while a platform call was in flight
	early    int // ... before the run's first delivery (starting, planning, opening DMs)
	missed   int // runs that ended by themselves before their kill
}

// crash starts the process and kills it with SIGKILL kills times, and
// stops early when the morning is done. Three kills in four land at a
// random moment drawn so that, on the pace seen so far, it falls while
// nudges are still owed: within twice the time a fair share of what is
// left takes. The fourth is aimed: a platform kills the process as it
// takes one of that share, in the window between confirmation and commit.
func (s *soak) crash(rng *rand.Rand, people, kills int) soakStats {
	st := soakStats{window: map[string]int{}}
	p := soakPace{startup: 300 * time.Millisecond, each: 2 * time.Millisecond} // first guesses
	for runs := 0; st.kills < kills; runs++ {
		if runs > 4*kills {
			s.t.Fatalf("%d runs and only %d kills", runs, st.kills)
		}
		left := people - s.rec.reached()
		if left == 0 {
			s.t.Logf("every nudge delivered after %d kills; no more to kill", st.kills)
			break
		}
		before, share := s.rec.total(), 2*left/(kills-st.kills+1)+1
		span := p.startup + time.Duration(share)*p.each
		delay := time.Duration(rng.Int64N(int64(span)))
		r := s.start(5 * time.Minute)
		if rng.IntN(4) == 0 {
			s.rec.aim(before+1+rng.IntN(share), r.cmd.Process)
			delay = 2*span + time.Second // a fallback, should the aim miss
		}
		select {
		case err := <-r.done:
			if s.rec.aim(0, nil) {
				st.aimed++
				s.noteKill(&st, before, 1)
				break
			}
			st.missed++
			s.t.Logf("run %d ended by itself before its kill at %s (%v)", runs, delay, err)
		case <-time.After(delay):
			s.rec.aim(0, nil)
			s.kill(r, &st, before)
		}
		first, last, n := s.rec.since(r.start)
		p.learn(r.start, first, last, n)
	}
	return st
}

// soakPace is how long a run takes to its first delivery, and then per
// delivery, over all runs so far.
type soakPace struct {
	startup, each time.Duration
	spent         time.Duration // delivering, over all runs
	delivered     int           // ... the deliveries after each run's first
}

// learn takes in a run that started at start: its first and last
// deliveries and their number.
func (p *soakPace) learn(start, first, last time.Time, n int) {
	if n == 0 { // the machine may be slower than thought: let the next run get further
		p.startup = max(p.startup, time.Since(start)*3/2)
		return
	}
	p.startup = first.Sub(start)
	if n > 1 {
		p.spent, p.delivered = p.spent+last.Sub(first), p.delivered+n-1
		p.each = max(p.spent/time.Duration(p.delivered), 100*time.Microsecond)
	}
}

// finish lets runs end by themselves until one ends well with nothing
// owed, an hour apart in --at so that every backoff has passed, and
// returns how many it took.
func (s *soak) finish() int {
	for runs := 1; ; runs++ {
		r := s.start(time.Hour)
		err := <-r.done
		if err == nil && s.owed() == 0 {
			return runs
		}
		if runs == 12 {
			s.t.Fatalf("after %d runs to the end, %d nudges still owed; last run: %v\n%s", runs, s.owed(), err, r.out.String())
		}
	}
}

// deliveries reads the day's nudges from the outbox.
func (s *soak) deliveries() []bot.Delivery {
	s.t.Helper()
	db, err := storage.Open(s.db, storage.Options{Timeout: 5 * time.Second, ReadOnly: true})
	if err != nil {
		s.t.Fatalf("open after the run: %v", err)
	}
	defer db.Close()
	ds, err := db.Deliveries(context.Background(), bot.JobNudge, s.day)
	if err != nil {
		s.t.Fatal(err)
	}
	return ds
}

// owed counts the day's nudges not done, planned or not.
func (s *soak) owed() int {
	ds := s.deliveries()
	n := s.rec.people - len(ds)
	for _, d := range ds {
		if !d.Done() {
			n++
		}
	}
	return n
}

// kill kills the run with SIGKILL and notes where the kill landed:
// before was the platforms' delivery count when the run started.
func (s *soak) kill(r *soakRun, st *soakStats, before int) {
	flying := s.rec.flying.Load()
	if err := r.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		s.t.Fatalf("kill: %v", err)
	}
	<-r.done
	s.noteKill(st, before, flying)
}

// noteKill notes where a kill landed: before was the platforms' delivery
// count when the run started, flying the calls they were answering.
func (s *soak) noteKill(st *soakStats, before int, flying int64) {
	st.kills++
	if flying > 0 {
		st.inFlight++
	}
	if s.rec.total() == before {
		st.early++
	}
	cut, window := s.cutOff()
	if cut > 0 {
		st.midDelivery++
	}
	for platform, n := range window {
		if n > 0 {
			st.window[platform]++
		}
	}
}

// cutOff counts the nudges a kill cut off mid-way that no kill cut off
// before: tried (the first try is recorded before it is made) with no
// outcome recorded. A retry's try is not recorded before it is made, so
// a retry cut off before the platform had it leaves no trace. window
// counts, by platform, the nudges the platform has and the outbox has not
// marked delivered (the one window for a repeat), each time anew; those
// whose try failed in the process's eyes (an answer lost) apart, as "".
func (s *soak) cutOff() (cut int, window map[string]int) {
	window = map[string]int{}
	for _, d := range s.deliveries() {
		if !d.Delivered.IsZero() {
			continue
		}
		if n := s.rec.times(d.To); n > 0 && !slices.Contains(s.inWindow[d.To], n) {
			s.inWindow[d.To] = append(s.inWindow[d.To], n)
			platform := s.platformOf[d.To]
			if d.LastError != "" {
				platform = ""
			}
			window[platform]++
		}
		if d.Attempts == 1 && d.LastError == "" && !s.tried[d.To] {
			s.tried[d.To] = true
			cut++
		}
	}
	return cut, window
}

// checkOutbox: every person's nudge is planned once and marked delivered
// in the chat of their own platform.
func (s *soak) checkOutbox(people int) {
	t := s.t
	ds := s.deliveries()
	if len(ds) != people {
		t.Errorf("the outbox holds %d nudges, want %d", len(ds), people)
	}
	bad := 0
	for _, d := range ds {
		if d.Delivered.IsZero() || d.GaveUp || d.Receipt.MessageID == "" {
			if bad++; bad <= 5 {
				t.Errorf("nudge to #%d not marked delivered: %+v", d.To, d)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d nudges not marked delivered", bad, len(ds))
	}
}

// checkRepeats: a Teams person got their nudge again only after a kill
// left it delivered but unmarked, once per such kill; no other way.
func (s *soak) checkRepeats() {
	for id, platform := range s.platformOf {
		if n := s.rec.times(id); platform == teams.Platform && n-1 > len(s.inWindow[id]) {
			s.t.Errorf("Teams: #%d got their nudge %d times, but only %d kills left it delivered and unmarked",
				id, n, len(s.inWindow[id]))
		}
	}
}

// soakRecord keeps what the fake platforms delivered, in the test
// process, which outlives every kontaktbot it kills.
type soakRecord struct {
	flying atomic.Int64 // platform calls being answered now
	people int

	mu  sync.Mutex
	got map[uint64][]string // consultant id -> the platforms that delivered to them, in order
	at  []time.Time         // when each delivery was confirmed
	// aimAt, victim, fired: an aimed kill (see aim).
	aimAt  int
	victim *os.Process
	fired  bool
}

func (r *soakRecord) deliver(to uint64, platform string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[to] = append(r.got[to], platform)
	r.at = append(r.at, time.Now())
	if r.victim != nil && len(r.at) == r.aimAt {
		_ = r.victim.Kill() // in the window: the platform has it, the process never hears
		r.victim, r.fired = nil, true
	}
}

// aim makes the nth delivery (counting all so far) kill p as the platform
// takes it; aim(0, nil) disarms. It reports whether the aim set before
// has fired.
func (r *soakRecord) aim(n int, p *os.Process) (fired bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fired = r.fired
	r.aimAt, r.victim, r.fired = n, p, false
	return fired
}

func (r *soakRecord) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.at)
}

// reached counts the people delivered to at least once.
func (r *soakRecord) reached() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *soakRecord) times(to uint64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got[to])
}

// since returns the first and last delivery at or after start, and how many.
func (r *soakRecord) since(start time.Time) (first, last time.Time, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, _ := slices.BinarySearchFunc(r.at, start, func(a, b time.Time) int { return a.Compare(b) })
	if i == len(r.at) {
		return time.Time{}, time.Time{}, 0
	}
	return r.at[i], r.at[len(r.at)-1], len(r.at) - i
}

// count tallies repeats and misses by each person's platform; a delivery
// on the wrong platform is an error.
func (r *soakRecord) count(t *testing.T, platformOf map[uint64]string) (slackDup, slackMissing, teamsDup, teamsMissing int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, platform := range platformOf {
		got := r.got[id]
		for _, p := range got {
			if p != platform {
				t.Errorf("consultant #%d, on %s, got a nudge on %s", id, platform, p)
			}
		}
		switch {
		case platform == slack.Platform && len(got) == 0:
			slackMissing++
		case platform == slack.Platform:
			slackDup += len(got) - 1
		case len(got) == 0:
			teamsMissing++
		default:
			teamsDup += len(got) - 1
		}
	}
	for id := range r.got {
		if _, ok := platformOf[id]; !ok {
			t.Errorf("a nudge went to #%d, who is nobody in the fixture", id)
		}
	}
	return
}

// soakFaults decides which calls a fake platform fails: a share with 429
// (Retry-After 0 or 1 s), a share with a 5xx before the call does
// anything, and (where the fake asks, lost) a share with a 500 after it
// did: an answer lost on the way. Safe for concurrent use.
type soakFaults struct {
	mu                     sync.Mutex
	rng                    *rand.Rand
	limited, failing, lost float64
	injected               atomic.Int64
}

func newSoakFaults(seed uint64, limited, failing, lost float64) *soakFaults {
	return &soakFaults{rng: rand.New(rand.NewPCG(seed, 1)), limited: limited, failing: failing, lost: lost}
}

// lose reports whether to answer a call that took effect with a 500.
func (f *soakFaults) lose() bool {
	f.mu.Lock()
	x := f.rng.Float64()
	f.mu.Unlock()
	if x >= f.lost {
		return false
	}
	f.injected.Add(1)
	return true
}

// fail answers the call with a fault and reports true, or reports false.
func (f *soakFaults) fail(w http.ResponseWriter) bool {
	f.mu.Lock()
	x, retry, status := f.rng.Float64(), f.rng.IntN(2), []int{500, 502, 503}[f.rng.IntN(3)]
	f.mu.Unlock()
	switch {
	case x < f.limited:
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		http.Error(w, `{"ok":false,"error":"ratelimited"}`, http.StatusTooManyRequests)
	case x < f.limited+f.failing:
		http.Error(w, "injected failure", status)
	default:
		return false
	}
	f.injected.Add(1)
	return true
}

// soakFake is what both fake platforms share: the record, the faults and
// the calls they did not expect.
type soakFake struct {
	URL    string
	rec    *soakRecord
	faults *soakFaults
	mu     sync.Mutex
	odd    []string
}

func (f *soakFake) unknown(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.odd = append(f.odd, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	http.Error(w, `{"ok":false,"error":"unknown_method"}`, http.StatusNotFound)
}

func (f *soakFake) unexpected() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.odd)
}

// serve starts f's server with mux behind the faults and the in-flight count.
func (f *soakFake) serve(t *testing.T, mux *http.ServeMux) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.rec.flying.Add(1)
		defer f.rec.flying.Add(-1)
		if f.faults.fail(w) {
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
}

// soakSlack is a fake Slack Web API: it opens DMs, keeps every message
// posted with its metadata and serves them back to conversations.history
// as Slack does, newest first.
type soakSlack struct {
	soakFake
	posts map[string][]soakPost // channel -> posts, oldest first
	seq   int
}

type soakPost struct {
	TS       string `json:"ts"`
	Type     string `json:"type"`
	Text     string `json:"text"`
	Metadata struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	} `json:"metadata"`
}

func newSoakSlack(t *testing.T, rec *soakRecord, faults *soakFaults) *soakSlack {
	f := &soakSlack{soakFake: soakFake{rec: rec, faults: faults}, posts: map[string][]soakPost{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /conversations.open", func(w http.ResponseWriter, r *http.Request) {
		slackJSON(w, map[string]any{"ok": true, "channel": map[string]string{"id": "D" + r.FormValue("users")}})
	})
	mux.HandleFunc("POST /conversations.history", f.history)
	mux.HandleFunc("POST /chat.postMessage", f.post)
	mux.HandleFunc("/", f.unknown)
	f.serve(t, mux)
	return f
}

func slackJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *soakSlack) history(w http.ResponseWriter, r *http.Request) {
	oldest, _ := strconv.ParseFloat(r.FormValue("oldest"), 64)
	limit, err := strconv.Atoi(r.FormValue("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	f.mu.Lock()
	var msgs []soakPost
	posts := f.posts[r.FormValue("channel")]
	for i := len(posts) - 1; i >= 0 && len(msgs) < limit; i-- {
		if ts, _ := strconv.ParseFloat(posts[i].TS, 64); ts >= oldest {
			msgs = append(msgs, posts[i])
		}
	}
	f.mu.Unlock()
	slackJSON(w, map[string]any{"ok": true, "messages": msgs, "has_more": false})
}

func (f *soakSlack) post(w http.ResponseWriter, r *http.Request) {
	ch := r.FormValue("channel")
	p := soakPost{Type: "message", Text: r.FormValue("text")}
	if err := json.Unmarshal([]byte(r.FormValue("metadata")), &p.Metadata); err != nil {
		http.Error(w, `{"ok":false,"error":"invalid_metadata"}`, http.StatusBadRequest)
		return
	}
	key, _ := p.Metadata.EventPayload["key"].(string)
	to, err := strconv.ParseUint(key[strings.LastIndexByte(key, '/')+1:], 10, 64)
	if p.Metadata.EventType != slack.MetadataEvent || !strings.HasPrefix(key, "nudge/") || err != nil {
		f.unknown(w, r)
		return
	}
	f.mu.Lock()
	f.seq++
	now := time.Now()
	p.TS = fmt.Sprintf("%d.%06d", now.Unix(), f.seq%1000000)
	f.posts[ch] = append(f.posts[ch], p)
	f.rec.deliver(to, slack.Platform) // under f.mu: a history read sees the post once it is counted
	f.mu.Unlock()
	if f.faults.lose() {
		http.Error(w, "injected failure after the post", http.StatusInternalServerError)
		return
	}
	slackJSON(w, map[string]any{"ok": true, "channel": ch, "ts": p.TS})
}

// soakTeams is a fake Bot Framework: the token endpoint and the
// connector's send, to the personal chats of the fixture.
type soakTeams struct {
	soakFake
	seq atomic.Int64
}

func newSoakTeams(t *testing.T, rec *soakRecord, faults *soakFaults) *soakTeams {
	f := &soakTeams{soakFake: soakFake{rec: rec, faults: faults}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_id") != remindAppID || r.FormValue("client_secret") != "hemmelig" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		slackJSON(w, map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": "soak-token"})
	})
	mux.HandleFunc("POST /v3/conversations/{id}/activities", f.send)
	mux.HandleFunc("/", f.unknown)
	f.serve(t, mux)
	return f
}

func (f *soakTeams) send(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer soak-token" {
		http.Error(w, `{"error":{"code":"Unauthorized"}}`, http.StatusUnauthorized)
		return
	}
	var act struct {
		Type        string            `json:"type"`
		Attachments []json.RawMessage `json:"attachments"`
	}
	id, ok := strings.CutPrefix(r.PathValue("id"), "a:soak-")
	to, err := strconv.ParseUint(id, 10, 64)
	if derr := json.NewDecoder(r.Body).Decode(&act); derr != nil || !ok || err != nil || act.Type != "message" || len(act.Attachments) == 0 {
		f.unknown(w, r)
		return
	}
	f.rec.deliver(to, teams.Platform)
	slackJSON(w, map[string]string{"id": "1:soak-act-" + strconv.FormatInt(f.seq.Add(1), 10)})
}
