package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	slackapi "github.com/slack-go/slack"
)

// eventEnvelope is the part of an Events API request we read: the outer
// callback and, for app_home_opened, the inner event.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	// EnterpriseID is the Enterprise Grid org, which an allow-list may
	// name instead of each of its workspaces.
	EnterpriseID string `json:"enterprise_id"`
	EventID      string `json:"event_id"`
	Event        struct {
		Type        string `json:"type"`
		User        string `json:"user"`
		Tab         string `json:"tab"`
		Text        string `json:"text"`
		Channel     string `json:"channel"`
		ChannelType string `json:"channel_type"`
		Subtype     string `json:"subtype"`
		BotID       string `json:"bot_id"`
	} `json:"event"`
}

// Events is the handler of POST /slack/events: signature first (401
// otherwise), then Slack's url_verification challenge answered, and every
// event acknowledged at once and handled after (Event).
func (i *Interactivity) Events() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := verifiedBody(w, r, i.cfg.Verifier, i.cfg.Log)
		if !ok {
			return
		}
		var env eventEnvelope
		if err := json.Unmarshal(body, &env); err != nil {
			i.cfg.Log.Warn("slack event unreadable", "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if env.Type == "url_verification" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(env.Challenge))
			return
		}
		w.WriteHeader(http.StatusOK)
		i.later(func(ctx context.Context) { i.Event(ctx, body) })
	})
}

// Event handles one Events API callback (the JSON Slack POSTs, or Socket
// Mode's payload), once: an event id seen before (Slack retries what it
// thinks went unanswered, also across our restarts) is skipped. Opening
// the app's home tab publishes it afresh.
func (i *Interactivity) Event(ctx context.Context, payload json.RawMessage) {
	var env eventEnvelope
	if err := json.Unmarshal(payload, &env); err != nil || env.Type != "event_callback" {
		return
	}
	if env.EventID != "" && i.cfg.Seen != nil {
		first, err := i.cfg.Seen.FirstSeen(ctx, "slack/event/"+env.EventID)
		if err != nil {
			i.cfg.Log.Warn("slack event: de-duplication unavailable; handling it", "err", err)
		} else if !first {
			i.cfg.Log.Debug("slack event seen before; skipped", "event_id", env.EventID)
			return
		}
	}
	switch env.Event.Type {
	case "app_home_opened":
		if env.Event.Tab == "home" || env.Event.Tab == "" {
			i.publishHome(ctx, env.TeamID, env.EnterpriseID, env.Event.User)
		}
	case "message":
		// A line typed in the bot's Messages tab, as in Teams' personal
		// chat. Edits, joins and the bot's own posts (bot_id) are not
		// commands: answering those would talk to itself.
		e := env.Event
		if e.ChannelType == "im" && e.Subtype == "" && e.BotID == "" && e.User != "" && strings.TrimSpace(e.Text) != "" {
			i.directMessage(ctx, env.TeamID, env.EnterpriseID, e.User, e.Channel, e.Text)
		}
	}
}

// directMessage runs a line typed to the bot in its DM (Slack escapes it as
// it does a slash command's text) and answers there.
func (i *Interactivity) directMessage(ctx context.Context, team, enterprise, user, channel, text string) {
	if i.cfg.API == nil {
		return
	}
	cmd := slackapi.SlashCommand{TeamID: team, EnterpriseID: enterprise, UserID: user, ChannelID: channel, Command: "/" + CatchAll,
		Text: strings.TrimPrefix(strings.TrimSpace(text), "/")}
	req := Request(cmd)
	if i.cfg.Requester != nil {
		req = i.cfg.Requester.Request(ctx, cmd)
	}
	msg := runSafely(ctx, i.cfg.Handler, i.cfg.Log, req)
	_, _, err := i.cfg.API.PostMessageContext(ctx, channel,
		slackapi.MsgOptionText(clipEscaped(msg.PlainText(), MaxFallbackText), false), slackapi.MsgOptionBlocks(Blocks(msg)...))
	if err != nil {
		i.cfg.Log.Warn("slack: answer in the DM not sent", "err", err)
		return
	}
	if images := Images(msg); len(images) > 0 && i.cfg.Images != nil {
		if err := i.cfg.Images.SendImages(ctx, req.From, images); err != nil {
			i.cfg.Log.Warn("slack: an answer's picture not shared in the DM", "err", err)
		}
	}
}

// publishHome publishes the person's home tab: their coverage, then their
// companies, most overdue first, exactly as »coverage« and »mine« answer.
func (i *Interactivity) publishHome(ctx context.Context, team, enterprise, user string) {
	if i.cfg.API == nil || user == "" {
		return
	}
	cb := slackapi.InteractionCallback{Team: slackapi.Team{ID: team}, Enterprise: slackapi.Enterprise{ID: enterprise}, User: slackapi.User{ID: user}}
	coverage := runSafely(ctx, i.cfg.Handler, i.cfg.Log, i.request(ctx, cb, "", "coverage"))
	mine := runSafely(ctx, i.cfg.Handler, i.cfg.Log, i.request(ctx, cb, "", "mine"))
	if _, err := i.cfg.API.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: user, View: HomeView(coverage, mine)}); err != nil {
		i.cfg.Log.Warn("slack: home tab not published", "err", err)
	}
}
