package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
)

// Platform is the name Slack identities and channels carry.
const Platform = "slack"

// CatchAll is the slash command that takes any command of the table as
// its text ("/kontakt visit L-tek ..."), so a workspace may install only it.
const CatchAll = "kontakt"

// MaxBody is the largest request body read; Slack's are a few kilobytes.
const MaxBody = 64 << 10

// InlineWait is how long a command may run before its answer goes through
// response_url instead: Slack gives up on an answer after 3 seconds, and the
// network takes its share of them.
const InlineWait = 2 * time.Second

// SlowTimeout bounds a command answered through response_url (which Slack
// keeps valid for 30 minutes).
const SlowTimeout = 30 * time.Second

// Handler runs one command and returns the reply. commands.Service meets it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Message
}

// Requester turns a slash command into a request, resolving names and
// mentions (Names and TeamJobcenters meet it). Nil means Request, which
// resolves nothing.
type Requester interface {
	Request(ctx context.Context, cmd slackapi.SlashCommand) bot.Request
}

// Commands serves Slack's slash commands, over HTTP (POST /slack/commands)
// and for Socket Mode (Process). A command answers inline when it is done
// within InlineWait; a slower one is acknowledged at once ("working on
// it", which claims nothing) and its real answer is posted to the
// command's response_url when it ends. Wait waits for those.
type Commands struct {
	v      *Verifier
	h      Handler
	req    Requester
	log    *slog.Logger
	client *http.Client
	inline time.Duration
	images ImageSender
	wg     sync.WaitGroup
}

// ImageSender shares a reply's pictures with the person who asked, in
// their DM: a slash command's answer is ephemeral and cannot carry a file.
// Notifier meets it.
type ImageSender interface {
	SendImages(ctx context.Context, to bot.Identity, images []bot.Image) error
}

// SetImageSender makes s send the pictures of answers (a chart) to the
// asker's DM; the answer then says so. Without one, an answer's pictures
// are left out and its words stand alone. Call it before serving.
func (c *Commands) SetImageSender(s ImageSender) { c.images = s }

// imagesNote ends an answer whose pictures went to the DM.
const imagesNote = "📈 Grafen kommer som direkte besked fra mig. (The chart comes as a direct message from me.)"

// sendImages takes the pictures out of msg and, with an ImageSender, sends
// them to the person's DM in the background (Wait waits for it), adding a
// line to msg that says where they went.
func (c *Commands) sendImages(ctx context.Context, to bot.Identity, msg bot.Message) bot.Message {
	images := Images(msg)
	if len(images) == 0 || c.images == nil {
		return msg
	}
	blocks := make([]bot.Block, 0, len(msg.Blocks))
	for _, b := range msg.Blocks {
		if _, ok := b.(bot.Image); !ok {
			blocks = append(blocks, b)
		}
	}
	msg.Blocks = append(blocks, bot.Text{Text: imagesNote})
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SlowTimeout)
		defer cancel()
		if err := c.images.SendImages(ctx, to, images); err != nil {
			c.log.Error("slack: an answer's picture could not be sent to the DM", "err", err)
		}
	}()
	return msg
}

// NewCommands returns the slash-command endpoint. v checks every HTTP
// request; req may be nil; client posts to response_url (nil: a client
// with a 10 s timeout).
func NewCommands(v *Verifier, h Handler, req Requester, client *http.Client, log *slog.Logger) *Commands {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Commands{v: v, h: h, req: req, log: log, client: client, inline: InlineWait}
}

// CommandHandler is NewCommands without a Requester, with the default client.
func CommandHandler(v *Verifier, h Handler, log *slog.Logger) http.Handler {
	return NewCommands(v, h, nil, nil, log)
}

// SetInlineWait changes InlineWait for this endpoint (tests, benchmarks).
func (c *Commands) SetInlineWait(d time.Duration) { c.inline = d }

// ServeHTTP checks the request's signature before anything else: a request
// that fails gets 401 and reaches neither the handler nor storage.
func (c *Commands) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := verifiedBody(w, r, c.v, c.log)
	if !ok {
		return
	}
	cmd, err := parseCommand(body)
	if err != nil {
		c.log.Warn("slack command unreadable", "err", err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	c.Answer(r.Context(), cmd, func(reply *Reply) { writeReply(w, c.log, reply) })
}

// Answer runs a verified slash command in the caller's goroutine and calls
// answer exactly once with what to give Slack at once: the reply itself,
// or, from a timer's goroutine when the command takes longer than
// InlineWait, an acknowledgement, whose reply then goes to cmd.ResponseURL
// when the command ends. answer must deliver its reply whole (ServeHTTP
// flushes it), since the caller may still be running the command. A panic
// in the handler is logged and answered politely.
//
// The command runs where the request arrived rather than on a goroutine of
// its own: the hand-over cost a third of the Slack path's time under a
// morning's 64 concurrent commands.
func (c *Commands) Answer(ctx context.Context, cmd slackapi.SlashCommand, answer func(*Reply)) {
	c.wg.Add(1) // Wait waits for commands under way too
	defer c.wg.Done()
	// The command outlives the request when it is slow: its context must
	// not end with it.
	run, cancel := context.WithTimeout(context.WithoutCancel(ctx), SlowTimeout)
	defer cancel()
	var mu sync.Mutex
	finished, acknowledged := false, false
	timer := time.AfterFunc(c.inline, func() {
		mu.Lock()
		defer mu.Unlock()
		if !finished {
			acknowledged = true
			answer(Response(workingReply))
		}
	})
	req := Request(cmd)
	if c.req != nil {
		req = c.req.Request(run, cmd)
	}
	msg := runSafely(run, c.h, c.log, req)
	msg = c.sendImages(run, req.From, msg)
	timer.Stop()
	mu.Lock()
	finished = true
	late := acknowledged
	mu.Unlock()
	if !late {
		answer(Response(msg))
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.respondLater(cmd.ResponseURL, Response(msg))
	}()
}

// Process is Answer for a caller that needs the answer as a value (Socket
// Mode's acknowledgement): it returns within about InlineWait, while a slow
// command goes on.
func (c *Commands) Process(ctx context.Context, cmd slackapi.SlashCommand) *Reply {
	answered := make(chan *Reply, 1)
	go c.Answer(ctx, cmd, func(r *Reply) { answered <- r })
	return <-answered
}

// Wait blocks until every command under way, and every answer still to go
// through response_url, is done: serve calls it after the HTTP server has
// stopped.
func (c *Commands) Wait() { c.wg.Wait() }

// workingReply acknowledges a slow command. It says nothing of the outcome.
var workingReply = bot.Reply("⏳ Et øjeblik, jeg arbejder på det … (One moment, working on it …)")

// respondLater posts reply to a slash command's response_url.
func (c *Commands) respondLater(url string, reply *Reply) {
	if url == "" {
		c.log.Error("slow slack command has no response_url: its reply is lost")
		return
	}
	reply.ReplaceOriginal = true // the "working on it" message
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	postReply(ctx, c.client, c.log, url, reply)
}

// postReply posts reply to a response_url, logging what goes wrong: there
// is no one left to tell.
func postReply(ctx context.Context, client *http.Client, log *slog.Logger, url string, reply *Reply) {
	data, err := json.Marshal(reply)
	if err != nil {
		log.Error("slack reply not encodable", "err", err)
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		log.Error("slack response_url unusable", "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		log.Error("slack response_url post failed", "err", err)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		log.Error("slack response_url refused the reply", "status", resp.StatusCode)
	}
}

// verifiedBody reads a POST's body, checks Slack's signature on it and
// that it is not a replay (Verifier.First); when any of it fails it has
// answered (405, 413, 400, 401 or 503) and ok is false, and nothing else
// may run. A replay is answered 200 with no body, as Slack takes an
// acknowledgement that shows nothing: whoever sent it learns nothing, and
// an Events API retry is acknowledged as before.
func verifiedBody(w http.ResponseWriter, r *http.Request, v *Verifier, log *slog.Logger) (body []byte, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "cannot read request", http.StatusBadRequest)
		return nil, false
	}
	if err := v.Verify(r.Header, body); err != nil {
		log.Warn("slack request refused", "path", r.URL.Path, "err", err)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return nil, false
	}
	first, err := v.First(r.Context(), r.Header)
	if err != nil {
		// Refused rather than run unguarded: the answer of a replayed
		// command goes to whoever replayed it.
		log.Error("slack request refused: replay check failed", "path", r.URL.Path, "err", err)
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return nil, false
	}
	if !first {
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			log.Info("slack retry of a request already received; acknowledged", "path", r.URL.Path, "retry", n)
		} else {
			log.Warn("slack request replayed within its window; ignored", "path", r.URL.Path)
		}
		w.WriteHeader(http.StatusOK)
		return nil, false
	}
	return body, true
}

// parseCommand reads the (already verified) form body into the fields
// slack-go's SlashCommandParse fills, without building a second request.
func parseCommand(body []byte) (slackapi.SlashCommand, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return slackapi.SlashCommand{}, fmt.Errorf("parse slash command: %w", err)
	}
	return slackapi.SlashCommand{
		Token: f.Get("token"), TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"),
		EnterpriseID: f.Get("enterprise_id"), EnterpriseName: f.Get("enterprise_name"),
		IsEnterpriseInstall: f.Get("is_enterprise_install") == "true",
		ChannelID:           f.Get("channel_id"), ChannelName: f.Get("channel_name"),
		UserID: f.Get("user_id"), UserName: f.Get("user_name"), Command: f.Get("command"), Text: f.Get("text"),
		ResponseURL: f.Get("response_url"), TriggerID: f.Get("trigger_id"), APIAppID: f.Get("api_app_id"),
	}, nil
}

// Request turns a slash command into the platform-neutral request.
func Request(cmd slackapi.SlashCommand) bot.Request {
	return bot.Request{
		From:    bot.Identity{Platform: Platform, Team: cmd.TeamID, User: cmd.UserID},
		Name:    cmd.UserName,
		Text:    CommandLine(cmd.Command, cmd.Text),
		Channel: bot.Channel{Platform: Platform, Team: cmd.TeamID, ID: cmd.ChannelID},
	}
}

// CommandLine is the command-language line for a slash command and its
// text: "/visit" with "L-tek mødte <@U1|lars>" gives "visit L-tek mødte
// lars"; the catch-all "/kontakt" gives its text alone. Any other slash
// command (visit, company, mine, snooze, plan, away, coverage, position,
// introday, or one we do not know) is put before the text by its name, so
// the command language decides. Slack's escapes are undone (see Unescape).
func CommandLine(command, text string) string {
	name := strings.TrimPrefix(strings.TrimSpace(command), "/")
	text = strings.TrimSpace(Unescape(text))
	if name == "" || strings.EqualFold(name, CatchAll) {
		return text
	}
	if text == "" {
		return name
	}
	return name + " " + text
}

// Unescape turns the text of a slash command back into what the person
// typed: user mentions "<@U123|hanne>" become their display part "hanne"
// ("@U123" without one), channels "<#C1|general>" become "#general",
// links their address, special mentions ("<!here>") "@here", and "&amp;",
// "&lt;", "&gt;" their characters.
//
// A user mention is only its label here: Names resolves mentions to
// consultants before this runs.
func Unescape(text string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '>')
		if end < 0 {
			break
		}
		b.WriteString(unescapeEntities(text[:open]))
		b.WriteString(unescapeEntities(reference(text[open+1 : open+end])))
		text = text[open+end+1:]
	}
	b.WriteString(unescapeEntities(text))
	return b.String()
}

var unescapeEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace

// reference renders the inside of one "<...>" escape.
func reference(ref string) string {
	target, label, hasLabel := strings.Cut(ref, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		if hasLabel && label != "" {
			return strings.TrimPrefix(label, "@")
		}
		return target
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + strings.TrimPrefix(label, "#")
		}
		return target
	case strings.HasPrefix(target, "!"):
		if hasLabel && label != "" {
			return label
		}
		kind, _, _ := strings.Cut(target[1:], "^")
		return "@" + kind
	case strings.HasPrefix(target, "mailto:"):
		return strings.TrimPrefix(target, "mailto:")
	default:
		return target
	}
}

// panicReply is the answer when a command panicked: we cannot know whether
// it saved anything, so the person is asked to look before trying again.
var panicReply = bot.Message{Error: true, Blocks: []bot.Block{bot.Text{Text: "⚠️ " +
	"Der skete en intern fejl, som er logget. Se efter med »mine«, om noget blev gemt, før du prøver igen. " +
	"(Something went wrong on our side and it is logged. Check with »mine« whether anything was saved before you try again.)"}}}

// runSafely calls h, turning a panic into panicReply.
func runSafely(ctx context.Context, h Handler, log *slog.Logger, req bot.Request) (msg bot.Message) {
	defer func() {
		if p := recover(); p != nil {
			// The request text is left out: it may hold personal data.
			log.Error("slack command panicked", "panic", fmt.Sprint(p), "team", req.From.Team,
				"user", req.From.User, "stack", string(debug.Stack()))
			msg = panicReply
		}
	}()
	return h.Handle(ctx, req)
}

// writeReply writes a slash command's answer whole and flushes it: a slow
// command's acknowledgement is written while the command still runs, and
// Slack must have all of it (its Content-Length) at once.
func writeReply(w http.ResponseWriter, log *slog.Logger, reply *Reply) {
	data, err := json.Marshal(reply)
	if err != nil {
		log.Error("slack reply not encodable", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if _, err := w.Write(data); err != nil {
		log.Warn("slack reply not written", "err", err)
		return
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func writeJSON(w http.ResponseWriter, log *slog.Logger, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		log.Error("slack reply not encodable", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if _, err := w.Write(data); err != nil {
		log.Warn("slack reply not written", "err", err)
	}
}

// TeamJobcenters is the allow-list of organisations: a Requester that
// names, per workspace (team_id) or Enterprise Grid org (enterprise_id),
// the jobcenter a newcomer from it joins. A request from one it does not
// name carries no jobcenter, and the commands refuse it.
type TeamJobcenters map[string]string

// Request is the package's Request with the workspace's jobcenter.
func (t TeamJobcenters) Request(_ context.Context, cmd slackapi.SlashCommand) bot.Request {
	req := Request(cmd)
	req.Jobcenter = t.of(cmd)
	return req
}

// of is the jobcenter of cmd's workspace, or else of its Enterprise Grid
// org; "" when the list names neither.
func (t TeamJobcenters) of(cmd slackapi.SlashCommand) string {
	if j := t[cmd.TeamID]; j != "" {
		return j
	}
	if cmd.EnterpriseID == "" {
		return ""
	}
	return t[cmd.EnterpriseID]
}
