package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
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
	// Images shares the pictures of an answer typed in the bot's DM (a
	// chart) there as files; nil leaves them out.
	Images ImageSender
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
			switch {
			case a == nil:
			case strings.HasPrefix(a.ActionID, formActionBase):
				if ref, line, ok := decodeFormButton(a.Value); ok {
					i.button(ctx, cb, &ref, line)
				}
			case strings.HasPrefix(a.ActionID, buttonActionBase):
				i.button(ctx, cb, legacyForm(a.Value), a.Value)
			case strings.HasPrefix(a.ActionID, menuActionBase):
				v := a.SelectedOption.Value
				if ref, line, ok := decodeFormButton(v); ok {
					i.button(ctx, cb, &ref, line)
				} else if v != "" {
					i.button(ctx, cb, legacyForm(v), v)
				}
			}
		}
	case slackapi.InteractionTypeViewSubmission:
		if kind, ok := strings.CutPrefix(cb.View.CallbackID, formCallbackBase); ok {
			return i.submit(ctx, cb, kind)
		}
	}
	return nil
}

// legacyForm reads the form a button posted before buttons named their
// forms asked for: a bare "visit <company>" or "plan <company>". Nudges
// stay in people's DMs for days, so their buttons keep working.
func legacyForm(line string) *bot.FormRef {
	verb, company, _ := strings.Cut(strings.TrimSpace(line), " ")
	company = strings.TrimSpace(company)
	if company == "" || (verb != bot.FormVisit && verb != bot.FormPlan) {
		return nil
	}
	return &bot.FormRef{Kind: verb, Subject: company}
}

// button handles one of our buttons. One that opens a form asks the
// commands for it and opens it as a modal at once, before anything slow
// (the trigger id dies 3 seconds after the click); a refusal (an unknown
// company) is posted to the button's response_url. Any other button, and
// a form button where no modal can open, runs its command line, the reply
// posted to the response_url.
func (i *Interactivity) button(ctx context.Context, cb slackapi.InteractionCallback, ref *bot.FormRef, line string) {
	if ref != nil && i.cfg.API != nil && cb.TriggerID != "" {
		req := i.request(ctx, cb, cb.Channel.ID, "")
		req.OpenForm = ref
		msg := runSafely(ctx, i.cfg.Handler, i.cfg.Log, req)
		if msg.Form == nil {
			i.later(func(ctx context.Context) { i.respond(ctx, cb.ResponseURL, msg) })
			return
		}
		meta := encodeMeta(modalMeta{Company: msg.Form.Subject, ResponseURL: cb.ResponseURL, Channel: cb.Channel.ID})
		_, err := i.cfg.API.OpenViewContext(ctx, cb.TriggerID, Modal(*msg.Form, meta))
		if err == nil {
			return
		}
		i.cfg.Log.Warn("slack: modal not opened; running the button's command instead", "err", err)
	}
	if strings.TrimSpace(line) == "" {
		return
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

// submit runs a submitted form of kind, its values read by input id. A
// refusal comes back as an error under the input it is about (or the
// first input), and the modal stays open with what was typed; a success
// closes it and is confirmed where the button was.
func (i *Interactivity) submit(ctx context.Context, cb slackapi.InteractionCallback, kind string) any {
	meta := decodeMeta(cb.View.PrivateMetadata)
	values := viewValues(cb)
	if meta.Company == "" {
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{firstInput(values): i.lang(ctx, cb).Pick(
			"Formularen er for gammel. Luk den og tryk på knappen igen.", "This form is too old. Close it and press the button again.")})
	}
	req := i.request(ctx, cb, meta.Channel, "")
	req.Submit = &bot.Submission{Form: kind, Subject: meta.Company, Values: values}
	msg := runSafely(ctx, i.cfg.Handler, i.cfg.Log, req)
	if msg.Error {
		field := ""
		if msg.Form != nil {
			field = msg.Form.ErrorField
		}
		if _, ok := values[field]; !ok {
			field = firstInput(values)
		}
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{field: clip(strings.TrimPrefix(msg.PlainText(), "⚠️ "), MaxErrorMessage)})
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

// viewValues are the values of a submitted view's inputs, by block id.
func viewValues(cb slackapi.InteractionCallback) map[string]string {
	values := map[string]string{}
	if cb.View.State == nil {
		return values
	}
	for block, actions := range cb.View.State.Values {
		for _, a := range actions {
			values[block] = actionValue(a)
		}
	}
	return values
}

// firstInput is the input an error about the whole form is shown under:
// the note where there is one, else the date, else the first by id.
func firstInput(values map[string]string) string {
	for _, id := range []string{BlockNote, BlockDate} {
		if _, ok := values[id]; ok {
			return id
		}
	}
	ids := slices.Sorted(maps.Keys(values))
	if len(ids) == 0 {
		return BlockDate
	}
	return ids[0]
}

// actionValue is what the person entered in one input.
func actionValue(a slackapi.BlockAction) string {
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
	cmd := slackapi.SlashCommand{TeamID: teamOf(cb), EnterpriseID: cb.Enterprise.ID, UserID: cb.User.ID, UserName: cb.User.Name,
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
