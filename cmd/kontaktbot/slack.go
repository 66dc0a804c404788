package main

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot/slack"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// slackParts is Slack as the environment configures it: what delivers
// (with a bot token) and what every endpoint shares.
type slackParts struct {
	secret, appToken, botToken string
	opts                       []slackapi.Option
	api                        *slackapi.Client // bot token, nil without: names, modals, the home tab
	notifier                   *slack.Notifier  // nil without a bot token
	requester                  slack.Requester
}

// slackSetup reads Slack's configuration; nil when Slack is not configured
// (neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN).
func (e *env) slackSetup(db *storage.DB) (*slackParts, error) {
	s := &slackParts{secret: e.getenv("SLACK_SIGNING_SECRET"), appToken: e.getenv("SLACK_APP_TOKEN"), botToken: e.getenv("SLACK_BOT_TOKEN")}
	if s.secret == "" && s.appToken == "" {
		return nil, nil
	}
	workspaces, err := parseTeamMap(e.getenv("SLACK_TEAM_JOBCENTERS"), e.getenv("KONTAKTBOT_JOBCENTER"))
	if err != nil {
		return nil, fmt.Errorf("SLACK_TEAM_JOBCENTERS: %w", err)
	}
	if len(workspaces) == 0 {
		e.log.Warn("SLACK_TEAM_JOBCENTERS is empty: every Slack workspace is refused until it names one (T0123=Jobcenter Odense)")
	}
	s.opts = []slackapi.Option{slackapi.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second})}
	if u := e.getenv("SLACK_API_URL"); u != "" {
		s.opts = append(s.opts, slackapi.OptionAPIURL(u))
	}
	s.requester = slack.TeamJobcenters(workspaces)
	if s.botToken == "" {
		e.log.Warn("SLACK_BOT_TOKEN is not set: no nudges, DMs or channel posts in Slack")
		return s, nil
	}
	// The notifier waits out 429s itself, each new try in its channel's
	// turn; slack-go's own retry would skip that turn.
	s.notifier = slack.NewNotifier(slackapi.New(s.botToken, s.opts...), e.clock, e.log, e.metrics)
	s.api = slackapi.New(s.botToken, slices.Concat(s.opts, []slackapi.Option{slackapi.OptionRetry(3)})...)
	s.requester = slack.NewNames(s.api, db, workspaces, e.log, e.metrics)
	return s, nil
}

// mount serves Slack's endpoints with svc: over HTTP with a signing
// secret, over Socket Mode with an app token, or both.
func (s *slackParts) mount(e *env, mux *http.ServeMux, db *storage.DB, svc *commands.Service, p *mounted) error {
	var v *slack.Verifier // none for Socket Mode alone, where Slack signs nothing
	if s.secret != "" {
		var err error
		if v, err = slack.NewVerifier(s.secret, time.Now); err != nil {
			return fmt.Errorf("SLACK_SIGNING_SECRET: %w", err)
		}
		v.Replays = db // a signed request replayed within its window runs once
	}
	cmds := slack.NewCommands(v, svc, s.requester, nil, e.log)
	cmds.SetImageSender(imageSender(s.notifier)) // a chart goes to the asker's DM
	inter, err := slack.NewInteractivity(slack.InteractivityConfig{Verifier: v, Handler: svc, Requester: s.requester,
		People: db, API: s.api, Seen: db, Clock: e.clock, Log: e.log, Images: imageSender(s.notifier)})
	if err != nil {
		return err
	}
	if v != nil {
		mux.Handle("POST /slack/commands", cmds)
		mux.Handle("POST /slack/interactions", inter.Interactions())
		mux.Handle("POST /slack/events", inter.Events())
		e.log.Info("slack: slash commands, interactivity and events at /slack/commands, /slack/interactions, /slack/events")
	}
	p.drain = append(p.drain, cmds.Wait, inter.Wait)
	if s.appToken != "" {
		opts := slices.Concat(s.opts, []slackapi.Option{slackapi.OptionRetry(3), slackapi.OptionAppLevelToken(s.appToken)})
		sock := slack.NewSocket(slackapi.New(s.botToken, opts...), slack.SocketHandlers{Commands: cmds,
			Interaction: inter.Interaction, Event: inter.Event}, e.log)
		p.background = append(p.background, sock.Run)
		e.log.Info("slack: socket mode")
	}
	return nil
}

// imageSender is n as a slack.ImageSender, or nil without a bot token: a
// nil *Notifier in the interface would not be nil.
func imageSender(n *slack.Notifier) slack.ImageSender {
	if n == nil {
		return nil
	}
	return n
}
