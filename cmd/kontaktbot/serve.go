package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/bot/teams"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

var (
	_ slack.People            = (*storage.DB)(nil)
	_ slack.EventLog          = (*storage.DB)(nil)
	_ slack.ReplayLog         = (*storage.DB)(nil)
	_ teams.ConversationStore = (*storage.DB)(nil)
)

// defaultShutdownGrace is how long in-flight requests get to finish on
// SIGTERM (KONTAKTBOT_SHUTDOWN_GRACE); a container's own grace period
// (terminationGracePeriodSeconds, 30 s by default) must be longer.
const defaultShutdownGrace = 20 * time.Second

// serve runs the HTTP servers: the public one with /healthz, /readyz, the
// pages and the configured platforms' endpoints, and the operators' one
// with /metrics (see metricsConfig). It returns when ctx ends (SIGTERM),
// after in-flight requests have finished and the database is closed.
func (e *env) serve(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("serve")
	dbPath := e.dbFlag(fs)
	addr := e.getenv("KONTAKTBOT_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	fs.StringVar(&addr, "addr", addr, "address to listen on (KONTAKTBOT_ADDR)")
	mc := metricsConfig{addr: e.getenv("KONTAKTBOT_METRICS_ADDR"), token: e.getenv("KONTAKTBOT_METRICS_TOKEN")}
	if mc.addr == "" {
		mc.addr = defaultMetricsAddr
	}
	fs.StringVar(&mc.addr, "metrics-addr", mc.addr, "address of the /metrics listener, or off (KONTAKTBOT_METRICS_ADDR)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q; usage: kontaktbot serve [--db FILE] [--addr :8080] [--metrics-addr 127.0.0.1:9090|off]", pos[0])
	}
	if err := mc.check(); err != nil {
		return err
	}
	// Ready at once: the name indexes are built while the first requests
	// come in (the first lookups wait for them: well under a second for a
	// national file).
	db, err := storage.Open(*dbPath, storage.Options{Timeout: 2 * time.Second, Clock: e.clock, IndexInBackground: true})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	go func() {
		// Building the indexes leaves as much garbage as they hold: hand
		// it back to the system now rather than over the next minutes
		// (a national file: 240 MB RSS at start, 150 MB after).
		if db.WaitIndexes(ctx) == nil {
			debug.FreeOSMemory()
		}
	}()
	m := newMetrics()
	e.metrics = m
	// »kontaktbot backup« asks a running server over this socket, as it
	// asks the console.
	if stop, err := db.ServeSocket(ctx, e.operatorRequests(db)); err != nil {
		e.log.Warn("online backup unavailable while serving", "err", err)
	} else {
		defer stop()
	}
	jobs, err := e.backupConfig(db)
	if err != nil {
		return err
	}
	if jobs != nil {
		jobs.register(m.reg)
		defer jobs.start(ctx)()
		e.log.Info("scheduled backups", "dir", jobs.dir, "every", jobs.every.String(), "keep", jobs.keep)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", readyz(db))
	if mc.token != "" {
		mux.Handle("GET /metrics", mc.handler(m.handler()))
	}
	for path := range pages {
		if path == "/" {
			path = "/{$}"
		}
		mux.HandleFunc("GET "+path, pageHandler)
	}
	p, err := e.platforms(mux, db)
	if err != nil {
		return err
	}
	if p.count == 0 {
		e.log.Warn("no platform configured (SLACK_SIGNING_SECRET, SLACK_APP_TOKEN or MICROSOFT_APP_ID): serving health checks only")
	}
	var ls listeners
	defer ls.close()
	if ls.grace, err = shutdownGrace(e.getenv("KONTAKTBOT_SHUTDOWN_GRACE")); err != nil {
		return err
	}
	if p.notifier != nil {
		stop, err := e.startScheduler(ctx, db, p.notifier)
		if err != nil {
			return err
		}
		// On SIGTERM the scheduler stops first, so that no new morning
		// sweep starts while the last requests finish; and in any case
		// before the database closes.
		stop = sync.OnceFunc(stop)
		ls.first = append(ls.first, stop)
		defer stop()
	} else {
		e.log.Warn("no platform can deliver messages (SLACK_BOT_TOKEN or Teams): the nudge scheduler does not run")
	}
	bg, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	var bgDone sync.WaitGroup
	for _, run := range p.background {
		bgDone.Go(func() {
			if err := run(bg); err != nil {
				e.log.Error("background task stopped", "err", err)
			}
		})
	}
	defer func() { stopBg(); bgDone.Wait() }()
	if err := e.listenMetrics(&ls, mc, m.handler()); err != nil {
		return err
	}
	ln, err := ls.listen(addr, mux)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(e.stdout, "kontaktbot lytter på %s\n", ln.Addr())
	e.log.Info("serving", "addr", ln.Addr().String(), "db", db.Path(), "public_metrics", mc.token != "")
	if err := ls.serve(ctx); err != nil {
		return err
	}
	for _, wait := range p.drain {
		wait()
	}
	e.log.Info("stopped")
	return nil
}

// readyz answers 200 while the database answers a read and no read or
// write has met a damaged page, else 503.
func readyz(db *storage.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if db.Damaged() != nil {
			http.Error(w, "database file damaged: restore it from a backup", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if _, err := db.Jobcenters(ctx); err != nil {
			http.Error(w, "database not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	}
}

// defaultMetricsAddr is where /metrics is served when
// KONTAKTBOT_METRICS_ADDR is unset or empty: loopback, for a scraper or an
// agent on the same host, out of the internet's reach.
const defaultMetricsAddr = "127.0.0.1:9090"

// metricsOff as KONTAKTBOT_METRICS_ADDR serves no metrics listener: then
// /metrics is served only on the public listener, with the token, or
// nowhere.
const metricsOff = "off"

// minMetricsToken is the shortest KONTAKTBOT_METRICS_TOKEN accepted: the
// token guards /metrics on the internet, where it can be guessed at.
const minMetricsToken = 32

// metricsConfig is where /metrics is served: on its own listener at addr
// (unless off) and, with a token, on the public listener too. The token,
// when set, is asked for on both, as "Authorization: Bearer TOKEN".
type metricsConfig struct {
	addr, token string
}

// check refuses a token too short to guard anything.
func (c metricsConfig) check() error {
	if c.token != "" && len(c.token) < minMetricsToken {
		return fmt.Errorf("KONTAKTBOT_METRICS_TOKEN has %d characters, want at least %d: make one with `openssl rand -hex 32`", len(c.token), minMetricsToken)
	}
	return nil
}

// handler is h behind the bearer token, if one is set: without the token,
// or with another, 401 and nothing of h. The comparison takes the same
// time whatever the guess.
func (c metricsConfig) handler(h http.Handler) http.Handler {
	if c.token == "" {
		return h
	}
	want := sha256.Sum256([]byte("Bearer " + c.token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hashed first, so that the lengths compared are equal too.
		got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kontaktbot metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// listenMetrics binds the metrics listener for h, unless mc says off, and
// says where it is and whether it is exposed.
func (e *env) listenMetrics(ls *listeners, mc metricsConfig, h http.Handler) error {
	if strings.EqualFold(mc.addr, metricsOff) {
		if mc.token == "" {
			e.log.Warn("KONTAKTBOT_METRICS_ADDR is off and KONTAKTBOT_METRICS_TOKEN is not set: /metrics is served nowhere")
		}
		return nil
	}
	ops := http.NewServeMux()
	ops.Handle("GET /metrics", mc.handler(h))
	ln, err := ls.listen(mc.addr, ops)
	if err != nil {
		return fmt.Errorf("serve: metrics listener: %w (set KONTAKTBOT_METRICS_ADDR to a free address, or off)", err)
	}
	fmt.Fprintf(e.stdout, "metrics på http://%s/metrics\n", ln.Addr())
	e.log.Info("serving metrics", "addr", ln.Addr().String(), "token", mc.token != "")
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() && mc.token == "" {
		e.log.Warn("the metrics listener is reachable beyond this host and KONTAKTBOT_METRICS_TOKEN is not set: anyone who reaches it reads the metrics",
			"addr", ln.Addr().String())
	}
	return nil
}

// listeners are the HTTP servers serve runs, each on its own listener.
type listeners struct {
	servers []*http.Server
	lns     []net.Listener
	started bool
	// grace is how long in-flight requests get once serving stops.
	grace time.Duration
	// first runs when serving stops, before the servers shut down: the
	// scheduler stops before the last replies are written.
	first []func()
}

// listen binds addr for h, to be served by serve.
func (l *listeners) listen(addr string, h http.Handler) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l.lns = append(l.lns, ln)
	l.servers = append(l.servers, &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second})
	return ln, nil
}

// close lets go of listeners that were bound but never served (serve
// failed to start); serve closes its own.
func (l *listeners) close() {
	if l.started {
		return
	}
	for _, ln := range l.lns {
		ln.Close()
	}
}

// serve serves every listener until ctx ends or one of them fails, then
// stops what must stop first and shuts all of them down, giving in-flight
// requests the grace period.
func (l *listeners) serve(ctx context.Context) error {
	l.started = true
	done := make(chan error, len(l.servers))
	for i, srv := range l.servers {
		go func() { done <- srv.Serve(l.lns[i]) }()
	}
	var err error
	select {
	case err = <-done:
		err = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	for _, f := range l.first {
		f()
	}
	grace := l.grace
	if grace <= 0 {
		grace = defaultShutdownGrace
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	for _, srv := range l.servers {
		if e := srv.Shutdown(shutdown); e != nil {
			err = errors.Join(err, fmt.Errorf("serve: shutdown: %w", e))
		}
	}
	return err
}

// mounted is what platforms mounted: how many platforms, and the
// notifier that delivers to them (nil when none can deliver).
type mounted struct {
	count    int
	notifier bot.Notifier
	// drain waits for work a platform finishes after its request ended
	// (slow Slack commands answered through response_url).
	drain []func()
	// background runs until its context ends (Socket Mode).
	background []func(context.Context) error
}

// parseTeamMap reads an allow-list of organisations, "T0123=Jobcenter
// Odense; T0456=Jobcenter Svendborg": each workspace, Enterprise Grid org
// or tenant named with the jobcenter its people join. Only a list of one
// may leave out the jobcenter ("T0123"): that one organisation then joins
// fallback, the single-jobcenter default (KONTAKTBOT_JOBCENTER).
func parseTeamMap(s, fallback string) (map[string]string, error) {
	m := map[string]string{}
	var bare []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" || (ok && v == "") || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("%q is not TEAM=Jobcenter name; write e.g. T0123=Jobcenter Odense; T0456=Jobcenter Svendborg", strings.TrimSpace(part))
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("%s is named twice", k)
		}
		if !ok {
			bare = append(bare, k)
			v = jobcenterOr(fallback)
		}
		m[k] = v
	}
	if len(bare) > 0 && len(m) > 1 {
		return nil, fmt.Errorf("%s has no jobcenter: with more than one organisation each needs its own, e.g. %s=Jobcenter Odense", strings.Join(bare, ", "), bare[0])
	}
	return m, nil
}

// jobcenterOr is name, or the service's default jobcenter when it is empty.
func jobcenterOr(name string) string {
	if name == "" {
		return commands.DefaultJobcenter
	}
	return name
}

// notifiers reads the configured chat platforms and returns their parts
// and a bot.Platforms of those that can deliver (empty when none can):
// serve and remind deliver through the same ones.
func (e *env) notifiers(db *storage.DB) (bot.Platforms, *slackParts, *teamsParts, error) {
	sl, err := e.slackSetup(db)
	if err != nil {
		return nil, nil, nil, err
	}
	tm, err := e.teamsSetup(db)
	if err != nil {
		return nil, nil, nil, err
	}
	n := bot.Platforms{}
	if sl != nil && sl.notifier != nil {
		n[slack.Platform] = sl.notifier
	}
	if tm != nil {
		n[teams.Platform] = tm.notifier
	}
	return n, sl, tm, nil
}

// platforms mounts the handlers of every configured chat platform. The
// notifiers of all of them go into one bot.Platforms, so an announcement
// typed in Slack reaches the Teams channels of partner jobcenters too.
func (e *env) platforms(mux *http.ServeMux, db *storage.DB) (mounted, error) {
	var p mounted
	n, sl, tm, err := e.notifiers(db)
	if err != nil {
		return p, err
	}
	if len(n) > 0 {
		p.notifier = n
	}
	svc := e.chat(db, p.notifier)
	if sl != nil {
		if err := sl.mount(e, mux, db, svc, &p); err != nil {
			return p, err
		}
		p.count++
	}
	if tm != nil {
		if err := tm.mount(e, mux, db, svc); err != nil {
			return p, err
		}
		p.count++
	}
	return p, nil
}

// startScheduler runs the nudge scheduler (and its other tasks) until the
// returned stop is called.
func (e *env) startScheduler(ctx context.Context, db *storage.DB, n bot.Notifier) (stop func(), err error) {
	sched, err := e.scheduler(db, n)
	if err != nil {
		return nil, err
	}
	svc := e.chat(db, n)
	prune, err := e.auditPrune(db)
	if err != nil {
		return nil, err
	}
	periods, err := e.periods()
	if err != nil {
		return nil, err
	}
	sched.Before("coverage snapshot", svc.SnapshotCoverage)
	sched.Also("expire positions", expirePositions(svc))
	sched.Also("prune audit", prune)
	sched.Also("retention", e.retention(db, periods))
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- sched.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			e.log.Error("scheduler stopped", "err", err)
		}
	}, nil
}

// shutdownGrace reads KONTAKTBOT_SHUTDOWN_GRACE: how long in-flight Slack
// and Teams requests get to finish on SIGTERM.
func shutdownGrace(s string) (time.Duration, error) {
	if s == "" {
		return defaultShutdownGrace, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 10*time.Minute {
		return 0, fmt.Errorf("KONTAKTBOT_SHUTDOWN_GRACE=%q: write a duration up to 10m, e.g. 20s", s)
	}
	return d, nil
}
