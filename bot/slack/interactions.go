package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
)

// InteractivityConfig is what NewInteractivity needs. Verifier, Handler
// and Clock are required. Without API (no bot token) no modal can open:
// a "log contact" button then answers how to log it with /visit.
type InteractivityConfig struct {
	Verifier *Verifier // nil only for Socket Mode alone, where Slack signs nothing
	Handler  Handler
	// Requester names newcomers and sets their jobcenter; nil: Request.
	Requester Requester
	// People finds a person's language for the modals' labels; nil: Danish.
	People People
	// API opens modals (views.open) and publishes the home tab (views.publish).
	API *slackapi.Client
	// Seen de-duplicates events across restarts (storage.DB meets it); nil:
	// every delivery of an event is handled.
	Seen   EventLog
	Clock  bot.Clock
	Client *http.Client // posts to response_url; nil: 10 s timeout
	Log    *slog.Logger
}

// EventLog remembers platform event ids: FirstSeen reports whether key was
// never recorded before (storage.DB meets it).
type EventLog interface {
	FirstSeen(ctx context.Context, key string) (bool, error)
}

// Interactivity serves what people do with our messages: the buttons of a
// nudge or card (block_actions), the modals they open (view_submission),
// and the Events API (app_home_opened publishes the home tab), over HTTP
// (Interactions, Events) and for Socket Mode (Interaction, Event). Work
// that outlives Slack's 3-second answer runs on after it; Wait waits.
type Interactivity struct {
	cfg InteractivityConfig
	wg  sync.WaitGroup
}

// NewInteractivity returns the interactivity endpoints.
func NewInteractivity(cfg InteractivityConfig) (*Interactivity, error) {
	if cfg.Handler == nil || cfg.Clock == nil {
		return nil, errors.New("slack: interactivity needs a handler and a clock")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Interactivity{cfg: cfg}, nil
}

// Wait blocks until the work begun by past requests is done.
func (i *Interactivity) Wait() { i.wg.Wait() }

// Interactions is the handler of POST /slack/interactions: signature
// first (401 otherwise, nothing run), then the payload form field.
func (i *Interactivity) Interactions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := verifiedBody(w, r, i.cfg.Verifier, i.cfg.Log)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		var cb slackapi.InteractionCallback
		if err == nil {
			err = json.Unmarshal([]byte(form.Get("payload")), &cb)
		}
		if err != nil {
			i.cfg.Log.Warn("slack interaction unreadable", "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		out := runInteraction(r.Context(), i.cfg.Log, i.Interaction, cb)
		if out == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		writeJSON(w, i.cfg.Log, out)
	})
}

// Interaction answers one interaction and returns the acknowledgement's
// payload: for a modal submission nil (the modal closes) or the field
// errors to show in it; for a button nil.
func (i *Interactivity) Interaction(ctx context.Context, cb slackapi.InteractionCallback) any {
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			if a != nil && strings.HasPrefix(a.ActionID, buttonActionBase) {
				i.button(ctx, cb, a.Value)
			}
		}
	case slackapi.InteractionTypeViewSubmission:
		switch cb.View.CallbackID {
		case VisitCallback:
			return i.submitVisit(ctx, cb)
		case PlanCallback:
			return i.submitPlan(ctx, cb)
		}
	}
	return nil
}

// button handles one of our buttons, whose value is a command line. A bare
// "visit <company>" or "plan <company>" opens its modal at once, before
// anything slow (the trigger id dies 3 seconds after the click); any other
// line runs as typed, its reply posted to the button's response_url.
func (i *Interactivity) button(ctx context.Context, cb slackapi.InteractionCallback, line string) {
	verb, company, _ := strings.Cut(strings.TrimSpace(line), " ")
	company = strings.TrimSpace(company)
	open := map[string]func(time.Time, string, bot.Lang, string) slackapi.ModalViewRequest{"visit": VisitModal, "plan": PlanModal}[verb]
	if open != nil && company != "" && i.cfg.API != nil && cb.TriggerID != "" {
		meta := encodeMeta(modalMeta{Company: company, ResponseURL: cb.ResponseURL, Channel: cb.Channel.ID})
		view := open(i.cfg.Clock.Now(), company, i.lang(ctx, cb), meta)
		_, err := i.cfg.API.OpenViewContext(ctx, cb.TriggerID, view)
		if err == nil {
			return
		}
		i.cfg.Log.Warn("slack: modal not opened; running the button's command instead", "err", err)
	}
	i.later(func(ctx context.Context) {
		msg := runSafely(ctx, i.cfg.Handler, i.cfg.Log, i.request(ctx, cb, cb.Channel.ID, line))
		i.respond(ctx, cb.ResponseURL, msg)
	})
}

// later runs fn after the acknowledgement, on a context of its own.
func (i *Interactivity) later(fn func(ctx context.Context)) {
	i.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), SlowTimeout)
		defer cancel()
		fn(ctx)
	})
}

// submitVisit logs the contact a visit modal describes. A refusal comes
// back as an error under the field it is about, and the modal stays open
// with what was typed; a saved contact closes it and is confirmed where
// the button was.
func (i *Interactivity) submitVisit(ctx context.Context, cb slackapi.InteractionCallback) any {
	meta := decodeMeta(cb.View.PrivateMetadata)
	date, kind, note := viewValue(cb, BlockDate, actionDate), viewValue(cb, BlockKind, actionKind), viewValue(cb, BlockNote, actionNote)
	lang := i.lang(ctx, cb)
	if note == "" {
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{BlockNote: lang.Pick(
			"Skriv en kort note om kontakten, fx »mødte Lars om to svejsere«.", "Write a short note about the contact, e.g. »met Lars about two welders«.")})
	}
	// The note is one line in the command language, so its line breaks
	// become spaces; kind words at its start stay the note's, since kind
	// and date come first.
	line := strings.Join(strings.Fields("visit "+meta.Company+" "+date+" "+kind+" "+note), " ")
	return i.submit(ctx, cb, meta, line, date, BlockNote)
}

// submitPlan plans the next contact a plan modal names.
func (i *Interactivity) submitPlan(ctx context.Context, cb slackapi.InteractionCallback) any {
	meta := decodeMeta(cb.View.PrivateMetadata)
	date := viewValue(cb, BlockDate, actionDate)
	if date == "" {
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{BlockDate: i.lang(ctx, cb).Pick("Vælg en dato.", "Choose a date.")})
	}
	return i.submit(ctx, cb, meta, "plan "+meta.Company+" "+date, date, BlockDate)
}

// submit runs a modal's command line. An error is shown under the date
// field when it speaks of the date, else under field.
func (i *Interactivity) submit(ctx context.Context, cb slackapi.InteractionCallback, meta modalMeta, line, date, field string) any {
	if meta.Company == "" {
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{field: i.lang(ctx, cb).Pick(
			"Formularen er for gammel. Luk den og tryk på knappen igen.", "This form is too old. Close it and press the button again.")})
	}
	msg := runSafely(ctx, i.cfg.Handler, i.cfg.Log, i.request(ctx, cb, meta.Channel, line))
	if msg.Error {
		text := msg.PlainText()
		if date != "" && mentionsDate(text) {
			field = BlockDate
		}
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{field: clip(text, MaxErrorMessage)})
	}
	i.later(func(ctx context.Context) {
		if meta.ResponseURL != "" {
			i.respond(ctx, meta.ResponseURL, msg)
			return
		}
		i.notify(ctx, cb, meta.Channel, msg)
	})
	return nil
}

// mentionsDate reports whether a refusal is about the date.
func mentionsDate(text string) bool {
	t := strings.ToLower(text)
	return strings.Contains(t, "dato") || strings.Contains(t, "date")
}

// viewValue is what the person entered in one input of the submitted view.
func viewValue(cb slackapi.InteractionCallback, block, action string) string {
	if cb.View.State == nil {
		return ""
	}
	a := cb.View.State.Values[block][action]
	switch {
	case a.SelectedDate != "":
		return a.SelectedDate
	case a.SelectedOption.Value != "":
		return a.SelectedOption.Value
	}
	return strings.TrimSpace(a.Value)
}

// request is the neutral request for a command line run on behalf of the
// person who clicked, through the Requester as a slash command would go.
// The line is escaped the way Slack escapes typed text, so nothing in a
// note is read as a mention.
func (i *Interactivity) request(ctx context.Context, cb slackapi.InteractionCallback, channel, line string) bot.Request {
	cmd := slackapi.SlashCommand{TeamID: teamOf(cb), UserID: cb.User.ID, UserName: cb.User.Name,
		ChannelID: channel, Command: "/" + CatchAll, Text: escape(line)}
	if i.cfg.Requester != nil {
		return i.cfg.Requester.Request(ctx, cmd)
	}
	return Request(cmd)
}

func teamOf(cb slackapi.InteractionCallback) string {
	if cb.Team.ID != "" {
		return cb.Team.ID
	}
	return cb.User.TeamID
}

// lang is the clicking person's language, Danish when unknown.
func (i *Interactivity) lang(ctx context.Context, cb slackapi.InteractionCallback) bot.Lang {
	if i.cfg.People == nil {
		return bot.Danish
	}
	c, err := i.cfg.People.ConsultantByIdentity(ctx, bot.Identity{Platform: Platform, Team: teamOf(cb), User: cb.User.ID})
	if err != nil || c.Lang != bot.English {
		return bot.Danish
	}
	return bot.English
}

// respond posts msg to a response_url as a message only the person sees.
func (i *Interactivity) respond(ctx context.Context, responseURL string, msg bot.Message) {
	if responseURL == "" {
		i.cfg.Log.Error("slack interaction has no response_url: its reply is lost")
		return
	}
	reply := Response(msg)
	reply.ResponseType = slackapi.ResponseTypeEphemeral
	postReply(ctx, i.cfg.Client, i.cfg.Log, responseURL, reply)
}

// notify posts msg to the channel (or the person's DM) when no
// response_url is at hand.
func (i *Interactivity) notify(ctx context.Context, cb slackapi.InteractionCallback, channel string, msg bot.Message) {
	if i.cfg.API == nil {
		return
	}
	if channel == "" {
		c, _, _, err := i.cfg.API.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{cb.User.ID}})
		if err != nil {
			i.cfg.Log.Warn("slack: confirmation not sent", "err", err)
			return
		}
		channel = c.ID
	}
	_, err := i.cfg.API.PostEphemeralContext(ctx, channel, cb.User.ID,
		slackapi.MsgOptionText(clipEscaped(msg.PlainText(), MaxFallbackText), false), slackapi.MsgOptionBlocks(Blocks(msg)...))
	if err != nil {
		i.cfg.Log.Warn("slack: confirmation not sent", "err", err)
	}
}
