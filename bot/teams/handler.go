package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
)

// MaxBody is the largest activity the handler reads; Teams' own limit is
// about 28 KB, so anything far larger is not from Teams.
const MaxBody = 256 << 10

// Handler runs one command line for a person and returns the reply;
// commands.Service meets it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Message
}

// Connector is the outbound side the adapter needs from the Bot Framework
// connector: send into a conversation (returning the new activity's id),
// replace an activity, and create a 1:1 conversation (returning its id).
// Errors for a conversation Teams refuses (403, 404) must wrap ErrRefused.
type Connector interface {
	Send(ctx context.Context, serviceURL, conversationID string, act schema.Activity) (activityID string, err error)
	Update(ctx context.Context, serviceURL, conversationID, activityID string, act schema.Activity) error
	CreateConversation(ctx context.Context, serviceURL string, p schema.ConversationParameters) (conversationID string, err error)
}

// ErrRefused is what a Connector wraps when Teams answers 403 or 404: the
// bot was removed or blocked, or the conversation is gone.
var ErrRefused = errors.New("teams refused the conversation")

// Authenticator checks an incoming request's Authorization header (the
// whole "Bearer ..." value) against the activity it carries (its serviceUrl
// and channel): nil only for a token the Bot Framework issued for this bot.
// The package's token Validator meets it, or is adapted with
// AuthenticatorFunc.
type Authenticator interface {
	Authenticate(ctx context.Context, act schema.Activity, authHeader string) error
}

// AuthenticatorFunc adapts a function to an Authenticator.
type AuthenticatorFunc func(ctx context.Context, act schema.Activity, authHeader string) error

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, act schema.Activity, authHeader string) error {
	return f(ctx, act, authHeader)
}

// HandlerConfig is everything NewHandler needs. Validator, Connector,
// Commands and Store are required.
type HandlerConfig struct {
	AppID      string
	Validator  Authenticator
	Connector  Connector
	Commands   Handler
	Store      ConversationStore
	Jobcenters map[string]string // tenant id -> jobcenter a newcomer joins
	// Seen de-duplicates message activities by id (storage.DB meets it):
	// Teams sends an activity again when the bot took over 15 seconds to
	// answer it. Nil: every delivery is handled.
	Seen ActivityLog
	// ServiceURLs are the service URLs an activity may name; one naming
	// another is refused before anything is stored or sent. Nil allows
	// DefaultServiceURLs only.
	ServiceURLs *ServiceURLs
	Clock       bot.Clock
	Logger      *slog.Logger
}

// MessageHandler serves POST /api/messages: it authenticates the Bot
// Framework's token first, then records conversation references, runs
// commands and card submits, and replies through the Connector.
type MessageHandler struct {
	cfg    HandlerConfig
	refs   *refs
	retry  retries
	active active
}

// NewHandler returns the /api/messages handler, or an error when a
// required part is missing (an empty AppID would let any token in).
func NewHandler(cfg HandlerConfig) (*MessageHandler, error) {
	switch {
	case cfg.AppID == "":
		return nil, errors.New("teams: MICROSOFT_APP_ID is required")
	case cfg.Validator == nil || cfg.Connector == nil || cfg.Commands == nil || cfg.Store == nil || cfg.Clock == nil:
		return nil, errors.New("teams: validator, connector, commands, store and clock are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &MessageHandler{cfg: cfg, refs: newRefs(cfg.Store, cfg.Clock)}, nil
}

// ServeHTTP answers 401 to anything not signed by the Bot Framework for this
// bot and 403 to an activity whose service URL is off the allow-list, before
// anything is run or stored; 200 once an activity was handled; 500 when
// handling failed or panicked (a panic is recovered and logged, and Teams'
// redelivery of the activity is handled, not dropped as a duplicate).
// The reply goes out as its own call to the connector, as Teams expects.
func (h *MessageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	buf := getBody(r.ContentLength)
	defer putBody(buf)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody)); err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	act, err := parseActivity(buf.Bytes())
	if err != nil {
		// Authenticate even a malformed body first, so that an outsider
		// learns nothing from the status.
		act = schema.Activity{}
	}
	if !h.authenticate(r.Context(), act, r.Header.Get("Authorization")) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if err != nil {
		http.Error(w, "bad activity", http.StatusBadRequest)
		return
	}
	if !h.cfg.ServiceURLs.Allows(act.ServiceURL) {
		// The token named this service URL too, so the Bot Framework sent
		// it; still, the bot's own token must not follow it anywhere.
		h.cfg.Logger.Warn("teams: activity refused: its service url is not on the allow-list (BOTFRAMEWORK_SERVICE_URLS)",
			"host", origin(act.ServiceURL), "type", act.Type)
		http.Error(w, "service url not allowed", http.StatusForbidden)
		return
	}
	if err := h.handleRecovered(r.Context(), act); err != nil {
		if !errors.Is(err, errPanicked) { // logged already, with its stack
			h.cfg.Logger.Error("teams activity", "type", act.Type, "err", err)
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// bodies are the buffers requests are read into: parseActivity copies
// what it keeps, so a buffer serves request after request.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer put back; a rare large activity's
// buffer is left to the collector rather than kept.
const maxPooledBody = 64 << 10

// getBody returns an empty buffer with room for a body of n bytes (n < 0:
// unknown) and the read that finds its end.
func getBody(n int64) *bytes.Buffer {
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	if n > 0 && n <= MaxBody {
		buf.Grow(int(n) + bytes.MinRead)
	}
	return buf
}

func putBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		bodies.Put(buf)
	}
}

// authenticate never panics, whatever the validator does.
func (h *MessageHandler) authenticate(ctx context.Context, act schema.Activity, header string) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			h.cfg.Logger.Error("teams token validator panicked", "panic", fmt.Sprint(p))
			ok = false
		}
	}()
	if !strings.HasPrefix(header, "Bearer ") {
		return false
	}
	return h.cfg.Validator.Authenticate(ctx, act, header) == nil
}

// inbound is the part of an incoming activity the handler reads; the
// rest (timestamps, entities, locale, attachments) is skipped, not decoded.
type inbound struct {
	Type           schema.ActivityTypes       `json:"type"`
	ID             string                     `json:"id"`
	ChannelID      string                     `json:"channelId"`
	ServiceURL     string                     `json:"serviceUrl"`
	From           schema.ChannelAccount      `json:"from"`
	Recipient      schema.ChannelAccount      `json:"recipient"`
	Conversation   schema.ConversationAccount `json:"conversation"`
	Text           string                     `json:"text"`
	Action         string                     `json:"action"`
	MembersAdded   []schema.ChannelAccount    `json:"membersAdded"`
	MembersRemoved []schema.ChannelAccount    `json:"membersRemoved"`
	ChannelData    map[string]any             `json:"channelData"`
	Value          json.RawMessage            `json:"value"`
}

// parseActivity decodes the fields of an activity the handler reads, into
// a schema.Activity. It is lenient where Teams' payloads vary: a value
// that is not a JSON object (a submit may carry any) is dropped rather
// than failing the activity, and the fields it does not read, timestamps
// among them, are never decoded, so an odd one cannot fail it either.
func parseActivity(body []byte) (schema.Activity, error) {
	var in inbound
	if err := json.Unmarshal(body, &in); err != nil {
		return schema.Activity{}, fmt.Errorf("parse activity: %w", err)
	}
	act := schema.Activity{
		Type: in.Type, ID: in.ID, ChannelID: in.ChannelID, ServiceURL: in.ServiceURL,
		From: in.From, Recipient: in.Recipient, Conversation: in.Conversation,
		Text: in.Text, Action: in.Action, MembersAdded: in.MembersAdded, MembersRemoved: in.MembersRemoved,
		ChannelData: in.ChannelData,
	}
	if v := bytes.TrimLeft(in.Value, " \t\r\n"); len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &act.Value); err != nil {
			return schema.Activity{}, fmt.Errorf("parse activity value: %w", err)
		}
	}
	return act, nil
}

// handle records the references the activity carries and acts on it.
func (h *MessageHandler) handle(ctx context.Context, act schema.Activity) error {
	switch act.Type {
	case schema.Message:
		if err := h.saveRefs(ctx, act); err != nil {
			return err
		}
		ctx, m, finish, ok := h.claim(ctx, act)
		if !ok {
			return nil
		}
		defer finish()
		return h.message(ctx, act, m)
	case schema.ConversationUpdate, "installationUpdate":
		return h.installation(ctx, act)
	}
	return nil
}

var mention = regexp.MustCompile(`(?is)<at\b[^>]*>.*?</at>`)

// unwrap undoes the HTML Teams may wrap around a message's text.
var unwrap = strings.NewReplacer("&nbsp;", " ", "<p>", "", "</p>", "\n")

// commandText strips the @mentions Teams puts in the text (the bot's own,
// in a channel) and the HTML Teams may wrap around it. Text with neither
// '<' nor '&', as typed in a personal chat, has none of them to strip.
func commandText(text string) string {
	if strings.ContainsAny(text, "<&") {
		text = mention.ReplaceAllString(text, " ")
		text = unwrap.Replace(text)
	}
	return strings.TrimSpace(text)
}

// refFrom builds the reference of the conversation act came in.
func refFrom(act schema.Activity) ConversationRef {
	r := ConversationRef{
		ServiceURL: act.ServiceURL, ConversationID: act.Conversation.ID, TenantID: tenantOf(act),
		ChannelID: act.ChannelID, BotID: act.Recipient.ID, Type: act.Conversation.ConversationType,
		TeamID: channelDataID(act, "team"),
	}
	if r.Type == "" {
		r.Type = Personal
	}
	if r.Type == Personal {
		r.UserAADID, r.UserID = userOf(act.From), act.From.ID
	}
	return r
}

func tenantOf(act schema.Activity) string {
	if act.Conversation.TenantID != "" {
		return act.Conversation.TenantID
	}
	return channelDataID(act, "tenant")
}

// channelDataID reads channelData.<name>.id, as Teams sends tenant, team
// and channel; anything of another shape reads as "".
func channelDataID(act schema.Activity, name string) string {
	m, _ := act.ChannelData[name].(map[string]any)
	id, _ := m["id"].(string)
	return id
}

func userOf(a schema.ChannelAccount) string {
	if a.AadObjectID != "" {
		return a.AadObjectID
	}
	return a.ID
}

// saveRefs keeps the reference of the conversation and, in a channel or
// group chat, nothing about the person: their personal chat is another
// conversation, created when first needed.
func (h *MessageHandler) saveRefs(ctx context.Context, act schema.Activity) error {
	r := refFrom(act)
	if r.ServiceURL == "" || r.ConversationID == "" || r.TenantID == "" || (r.Type == Personal && r.UserAADID == "") {
		return nil
	}
	return h.refs.save(ctx, r)
}

// installation stores the reference on install and deletes it on removal;
// a personal install is greeted.
func (h *MessageHandler) installation(ctx context.Context, act schema.Activity) error {
	removed := strings.HasPrefix(act.Action, "remove") || hasAccount(act.MembersRemoved, act.Recipient.ID)
	added := strings.HasPrefix(act.Action, "add") || hasAccount(act.MembersAdded, act.Recipient.ID)
	r := refFrom(act)
	if r.Type == Personal && r.UserAADID == "" {
		return nil
	}
	switch {
	case removed:
		return h.refs.remove(ctx, r.Key())
	case added:
		if err := h.saveRefs(ctx, act); err != nil {
			return err
		}
		if r.Type == Personal {
			_, err := h.send(ctx, r, welcome())
			return err
		}
	default:
		return h.saveRefs(ctx, act)
	}
	return nil
}

func hasAccount(as []schema.ChannelAccount, id string) bool {
	for _, a := range as {
		if id != "" && a.ID == id {
			return true
		}
	}
	return false
}

func welcome() bot.Message {
	return bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: "Hej! Jeg er kontaktbot"},
		bot.Text{Text: "Skriv fx *visit L-tek mødte Lars* for at notere en kontakt, eller *help* for at se alt, jeg kan."},
	}}
}

// message runs a typed command or a card submit and replies once m, the
// activity's de-duplication record, is committed (with the command's
// first write, or on its own): a reply seen is never followed by the
// command run again on a redelivery.
func (h *MessageHandler) message(ctx context.Context, act schema.Activity, m *mark) error {
	req := bot.Request{
		From:      bot.Identity{Platform: Platform, Team: tenantOf(act), User: userOf(act.From)},
		Name:      act.From.Name,
		Channel:   bot.Channel{Platform: Platform, Team: tenantOf(act), ID: act.Conversation.ID},
		Jobcenter: h.cfg.Jobcenters[tenantOf(act)],
	}
	card, ok := h.submit(ctx, req, act.Value)
	if !ok {
		req.Text = commandText(act.Text)
		if req.Text == "" {
			return nil
		}
		card = h.reply(ctx, req)
	}
	m.record(ctx)
	if _, err := h.sendCard(ctx, refFrom(act), card); err != nil {
		// The command has run and what it wrote is committed. A 500
		// would have Teams deliver the message again for nothing (the
		// redelivery is a duplicate and is dropped), so the lost reply
		// is logged and the activity answered 200.
		h.cfg.Logger.Error("teams reply not sent after the command ran; the person sees no answer",
			"conversation_type", act.Conversation.ConversationType, "err", err)
		return nil
	}
	return nil
}

// reply runs req and renders the answer.
func (h *MessageHandler) reply(ctx context.Context, req bot.Request) map[string]any {
	return Card(h.cfg.Commands.Handle(ctx, req))
}

// legacyForm reads the form a button posted before buttons named their
// forms asked for: a bare "visit <company>" or "plan <company>". Cards stay
// in chats for weeks, so their buttons keep working.
func legacyForm(line string) *bot.FormRef {
	verb, company, _ := strings.Cut(strings.TrimSpace(line), " ")
	company = strings.TrimSpace(company)
	if company == "" || (!strings.EqualFold(verb, bot.FormVisit) && !strings.EqualFold(verb, bot.FormPlan)) {
		return nil
	}
	return &bot.FormRef{Kind: strings.ToLower(verb), Subject: company}
}

// submit handles an Action.Submit's data; ok is false for a plain message.
// A button runs its command line or asks for its form; a filled-in form
// goes to the commands field by field, and comes back as the form with the
// refusal when one of them is wrong.
func (h *MessageHandler) submit(ctx context.Context, req bot.Request, v map[string]any) (card map[string]any, ok bool) {
	str := func(k string) string { s, _ := v[k].(string); return strings.TrimSpace(s) }
	switch kind := str("kontaktbot"); kind {
	case SubmitCommand:
		if ref := legacyForm(str("command")); ref != nil {
			req.OpenForm = ref
		} else {
			req.Text = str("command")
		}
	case SubmitOpen:
		req.OpenForm = &bot.FormRef{Kind: str("form"), Subject: str("subject")}
	case SubmitForm, SubmitVisit, SubmitPlan:
		sub := &bot.Submission{Form: str("form"), Subject: str("subject"), Values: map[string]string{}}
		if kind != SubmitForm {
			sub.Form, sub.Subject = kind, str("company")
		}
		for k, val := range v {
			if s, isString := val.(string); isString && k != "kontaktbot" && k != "form" && k != "subject" && k != "company" {
				sub.Values[k] = s
			}
		}
		req.Submit = sub
	default:
		return nil, false
	}
	return h.reply(ctx, req), true
}

// send renders msg and sends it to the conversation of r.
func (h *MessageHandler) send(ctx context.Context, r ConversationRef, msg bot.Message) (string, error) {
	return h.sendCard(ctx, r, Card(msg))
}

func (h *MessageHandler) sendCard(ctx context.Context, r ConversationRef, card map[string]any) (string, error) {
	return h.cfg.Connector.Send(ctx, r.ServiceURL, r.ConversationID, cardActivity(card))
}

// cardActivity wraps card in a message activity.
func cardActivity(card map[string]any) schema.Activity {
	return schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{{
		ContentType: "application/vnd.microsoft.card.adaptive", Content: card,
	}}}
}
