package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// SocketHandlers are what Socket Mode hands its requests to: the same
// code that serves Slack's HTTP endpoints, so both roads behave alike.
type SocketHandlers struct {
	Commands *Commands
	// Interaction answers a button or modal submission; its result is
	// the acknowledgement's payload (nil for none). Nil: ignored.
	Interaction func(ctx context.Context, cb slackapi.InteractionCallback) any
	// Event handles an Events API callback (the JSON Slack would POST to
	// /slack/events), after it has been acknowledged. Nil: ignored.
	Event func(ctx context.Context, payload json.RawMessage)
}

// Socket receives commands, buttons and events over Slack's Socket Mode:
// a connection the bot opens, for networks that allow no inbound traffic.
// Every request is acknowledged; lost connections are re-opened with
// backoff and logged.
type Socket struct {
	client *socketmode.Client
	h      SocketHandlers
	log    *slog.Logger
	wg     sync.WaitGroup
	// MinBackoff and MaxBackoff bound the wait between reconnections.
	MinBackoff, MaxBackoff time.Duration
}

// NewSocket returns Socket Mode over api, which must carry the app-level
// token (slackapi.OptionAppLevelToken, SLACK_APP_TOKEN, "xapp-…").
func NewSocket(api *slackapi.Client, h SocketHandlers, log *slog.Logger) *Socket {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Socket{client: socketmode.New(api), h: h, log: log, MinBackoff: time.Second, MaxBackoff: time.Minute}
}

// Run keeps the connection until ctx ends, then waits for the requests in
// hand and returns nil. A failed connection is retried with doubling
// waits; it never gives up while ctx lasts, since the bot is no use
// without it.
func (s *Socket) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); s.dispatch(ctx) }()
	wait := s.MinBackoff
	for ctx.Err() == nil {
		start := time.Now()
		err := s.client.RunContext(ctx)
		if ctx.Err() != nil {
			break
		}
		if time.Since(start) > s.MaxBackoff {
			wait = s.MinBackoff // it ran well for a while: start over
		}
		s.log.Warn("slack socket mode: connection lost; reconnecting", "err", err, "in", wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, s.MaxBackoff)
	}
	cancel()
	<-done
	s.wg.Wait()
	return nil
}

// dispatch reads the client's events until ctx ends; each request runs
// on its own goroutine so a slow one holds no other back.
func (s *Socket) dispatch(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt, ok := <-s.client.Events:
			if !ok {
				return
			}
			s.handle(ctx, evt)
		}
	}
}

func (s *Socket) handle(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		s.log.Info("slack socket mode: connecting")
	case socketmode.EventTypeConnected:
		s.log.Info("slack socket mode: connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed,
		socketmode.EventTypeErrorBadMessage, socketmode.EventTypeInvalidAuth:
		s.log.Warn("slack socket mode: "+string(evt.Type), "err", eventError(evt))
	case socketmode.EventTypeDisconnect:
		s.log.Info("slack socket mode: Slack asked to reconnect")
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.request(ctx, evt)
		}()
	}
}

// request answers one request: a command or interaction in the
// acknowledgement itself, an event after acknowledging it.
func (s *Socket) request(ctx context.Context, evt socketmode.Event) {
	var payload any
	switch data := evt.Data.(type) {
	case slackapi.SlashCommand:
		if s.h.Commands != nil {
			payload = s.h.Commands.Process(ctx, data)
		}
	case slackapi.InteractionCallback:
		if s.h.Interaction != nil {
			payload = runInteraction(ctx, s.log, s.h.Interaction, data)
		}
	default:
		s.ack(ctx, evt.Request, nil)
		if s.h.Event != nil && evt.Type == socketmode.EventTypeEventsAPI {
			s.h.Event(context.WithoutCancel(ctx), evt.Request.Payload)
		}
		return
	}
	s.ack(ctx, evt.Request, payload)
}

func (s *Socket) ack(ctx context.Context, req *socketmode.Request, payload any) {
	if err := s.client.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		s.log.Warn("slack socket mode: acknowledgement not sent", "type", req.Type, "err", err)
	}
}

// runInteraction calls fn, turning a panic into a logged, empty answer.
func runInteraction(ctx context.Context, log *slog.Logger, fn func(context.Context, slackapi.InteractionCallback) any, cb slackapi.InteractionCallback) (out any) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("slack interaction panicked", "panic", p, "user", cb.User.ID)
			out = nil
		}
	}()
	return fn(ctx, cb)
}

func eventError(evt socketmode.Event) error {
	if err, ok := evt.Data.(error); ok {
		return err
	}
	return errors.New(string(evt.Type))
}
