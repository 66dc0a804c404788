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

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/storage"
)

var (
	_ slack.People   = (*storage.DB)(nil)
	_ slack.EventLog = (*storage.DB)(nil)
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
		e.log.Warn("no platform configured (SLACK_SIGNING_SECRET): serving health checks only")
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
		e.log.Warn("no platform can deliver messages (SLACK_BOT_TOKEN): the nudge scheduler does not run")
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

// platforms mounts the handlers of every configured chat platform.
func (e *env) platforms(mux *http.ServeMux, db *storage.DB) (mounted, error) {
	var p mounted
	secret, appToken := e.getenv("SLACK_SIGNING_SECRET"), e.getenv("SLACK_APP_TOKEN")
	if secret == "" && appToken == "" {
		return p, nil
	}
	teams, err := parseTeamMap(e.getenv("SLACK_TEAM_JOBCENTERS"))
	if err != nil {
		return p, fmt.Errorf("SLACK_TEAM_JOBCENTERS: %w", err)
	}
	opts := []slackapi.Option{slackapi.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second}), slackapi.OptionRetry(3)}
	if u := e.getenv("SLACK_API_URL"); u != "" {
		opts = append(opts, slackapi.OptionAPIURL(u))
	}
	var requester slack.Requester = slack.TeamJobcenters(teams)
	var api *slackapi.Client
	if token := e.getenv("SLACK_BOT_TOKEN"); token != "" {
		api = slackapi.New(token, opts...)
		p.notifier = bot.Platforms{slack.Platform: slack.NewNotifier(api, e.clock, e.log, e.metrics)}
		requester = slack.NewNames(api, db, teams, e.log, e.metrics)
	} else {
		e.log.Warn("SLACK_BOT_TOKEN is not set: no nudges, DMs or channel posts in Slack")
	}
	svc := e.chat(db, p.notifier)
	var v *slack.Verifier // none for Socket Mode alone, where Slack signs nothing
	if secret != "" {
		if v, err = slack.NewVerifier(secret, time.Now); err != nil {
			return p, fmt.Errorf("SLACK_SIGNING_SECRET: %w", err)
		}
	}
	cmds := slack.NewCommands(v, svc, requester, nil, e.log)
	inter, err := slack.NewInteractivity(slack.InteractivityConfig{Verifier: v, Handler: svc, Requester: requester,
		People: db, API: api, Seen: db, Clock: e.clock, Log: e.log})
	if err != nil {
		return p, err
	}
	if v != nil {
		mux.Handle("POST /slack/commands", cmds)
		mux.Handle("POST /slack/interactions", inter.Interactions())
		mux.Handle("POST /slack/events", inter.Events())
		e.log.Info("slack: slash commands, interactivity and events at /slack/commands, /slack/interactions, /slack/events")
	}
	p.drain = append(p.drain, cmds.Wait, inter.Wait)
	if appToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(appToken))
		sock := slack.NewSocket(slackapi.New(e.getenv("SLACK_BOT_TOKEN"), opts...), slack.SocketHandlers{Commands: cmds,
			Interaction: inter.Interaction, Event: inter.Event}, e.log)
		p.background = append(p.background, sock.Run)
		e.log.Info("slack: socket mode")
	}
	p.count++
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
