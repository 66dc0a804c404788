package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/bot/teams"
	"kontaktbot/storage"
)

var (
	_ slack.People            = (*storage.DB)(nil)
	_ slack.EventLog          = (*storage.DB)(nil)
	_ slack.ReplayLog         = (*storage.DB)(nil)
	_ teams.ConversationStore = (*storage.DB)(nil)
)

// shutdownGrace is how long in-flight requests get to finish on SIGTERM.
const shutdownGrace = 10 * time.Second

// serve runs the HTTP server: /healthz, /readyz and, when Slack is
// configured, Slack's endpoints. It returns when ctx ends (SIGTERM), after
// in-flight requests have finished and the database is closed.
func (e *env) serve(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("serve")
	dbPath := e.dbFlag(fs)
	addr := e.getenv("KONTAKTBOT_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	fs.StringVar(&addr, "addr", addr, "address to listen on (KONTAKTBOT_ADDR)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q; usage: kontaktbot serve [--db FILE] [--addr :8080]", pos[0])
	}
	db, err := e.open(*dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	m := newMetrics()
	e.metrics = m
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", readyz(db))
	mux.Handle("GET /metrics", m.handler())
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
	if p.notifier != nil {
		stop, err := e.startScheduler(ctx, db, p.notifier)
		if err != nil {
			return err
		}
		// Deferred before Shutdown runs: the scheduler stops after the
		// last request, before the database closes.
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
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second}
	fmt.Fprintf(e.stdout, "kontaktbot lytter på %s\n", ln.Addr())
	e.log.Info("serving", "addr", ln.Addr().String(), "db", db.Path())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	for _, wait := range p.drain {
		wait()
	}
	e.log.Info("stopped")
	return nil
}

// readyz answers 200 while the database answers a read, else 503.
func readyz(db *storage.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if _, err := db.Jobcenters(ctx); err != nil {
			http.Error(w, "database not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	}
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

// parseTeamMap reads "T0123=Jobcenter Odense; T0456=Jobcenter Svendborg".
func parseTeamMap(s string) (map[string]string, error) {
	m := map[string]string{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%q is not TEAM=Jobcenter name; write e.g. T0123=Jobcenter Odense; T0456=Jobcenter Svendborg", strings.TrimSpace(part))
		}
		m[k] = v
	}
	return m, nil
}

// platforms mounts the handlers of every configured chat platform. The
// notifiers of all of them go into one bot.Platforms, so an announcement
// typed in Slack reaches the Teams channels of partner jobcenters too.
func (e *env) platforms(mux *http.ServeMux, db *storage.DB) (mounted, error) {
	var p mounted
	sl, err := e.slackSetup(db)
	if err != nil {
		return p, err
	}
	tm, err := e.teamsSetup(db)
	if err != nil {
		return p, err
	}
	n := bot.Platforms{}
	if sl != nil && sl.notifier != nil {
		n[slack.Platform] = sl.notifier
	}
	if tm != nil {
		n[teams.Platform] = tm.notifier
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
	sched.Also("expire positions", expirePositions(e.chat(db, n)))
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
