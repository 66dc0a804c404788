package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
)

// MetadataEvent is the event_type of the message metadata the bot puts on
// each scheduled message, with the message's Key in its payload.
const MetadataEvent = "kontaktbot_message"

// PostInterval is the least time between two posts to one channel: Slack
// allows about one message per second per channel.
const PostInterval = time.Second

// Notifier delivers messages through Slack's Web API: a person's as a DM
// (conversations.open + chat.postMessage), a channel's as a post, and
// updates with chat.update. Posts to one channel are spaced Interval
// apart. It meets bot.Notifier and is safe for concurrent use.
//
// A call that Slack answers 429 is tried again after the Retry-After it
// gives, up to Retries times, by the Notifier itself rather than by
// slack-go: so each try of a post or update, a re-send too, books a fresh
// slot in its channel, Interval after the one before, and leaves no sooner
// than that. A 429 that outlasts the retries is returned as a
// *bot.RetryAfterError, for the scheduler to try again later.
//
// A message with a Key carries it as message metadata. A message marked
// Recheck (tried before, so perhaps delivered unrecorded) is first looked
// for among the DM's last 36 hours (conversations.history, scope
// im:history, a tier-3 method: so only then, not for every nudge): if it
// is there, its receipt is returned instead of a second post.
type Notifier struct {
	api     *slackapi.Client
	clock   bot.Clock
	log     *slog.Logger
	metrics bot.Metrics

	mu       sync.Mutex
	dms      map[string]string    // user key -> DM channel id
	nextPost map[string]time.Time // channel id -> earliest next post
	// Interval is the least time between two tries of posts or updates
	// to one channel: PostInterval; tests shorten it.
	Interval time.Duration
	// Retries is how many times a call answered 429 is waited out and
	// tried again before its error is returned: 3 from NewNotifier, 0 for
	// none.
	Retries int
	// Sleep waits d or until ctx ends, returning ctx's error then: it waits
	// out a Retry-After (not Interval). A timer when nil; tests may pass
	// one that waits less.
	Sleep func(ctx context.Context, d time.Duration) error
}

var _ bot.Notifier = (*Notifier)(nil)

// NewNotifier returns a Notifier over api, which is made with the bot
// token and WITHOUT slackapi.OptionRetry: the Notifier waits out 429s
// itself (Retries, 3), and a client that retried too would re-send behind
// the channel's spacing, and multiply the tries. Log and m may be nil.
func NewNotifier(api *slackapi.Client, clock bot.Clock, log *slog.Logger, m bot.Metrics) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if m == nil {
		m = bot.NopMetrics{}
	}
	return &Notifier{api: api, clock: clock, log: log, metrics: m, dms: map[string]string{},
		nextPost: map[string]time.Time{}, Interval: PostInterval, Retries: 3}
}

// SendToPerson sends msg as a DM to the person's Slack identity.
func (n *Notifier) SendToPerson(ctx context.Context, to bot.Consultant, msg bot.Message) (bot.Receipt, error) {
	var id bot.Identity
	for _, i := range to.Identities {
		if i.Platform == Platform {
			id = i
			break
		}
	}
	if id.User == "" {
		return bot.Receipt{}, fmt.Errorf("slack: %s has no Slack identity: %w", to.Name, bot.ErrUnreachable)
	}
	ch, err := n.dm(ctx, id)
	if err != nil {
		return bot.Receipt{}, err
	}
	channel := bot.Channel{Platform: Platform, Team: id.Team, ID: ch}
	if msg.Key != "" && msg.Recheck {
		if r, ok, err := n.sentBefore(ctx, channel, msg.Key); err != nil || ok {
			return r, err
		}
	}
	return n.PostToChannel(ctx, channel, msg)
}

// dm returns the DM channel with the user, opening it once.
func (n *Notifier) dm(ctx context.Context, id bot.Identity) (string, error) {
	n.mu.Lock()
	ch, ok := n.dms[id.Key()]
	n.mu.Unlock()
	if ok {
		return ch, nil
	}
	var c *slackapi.Channel
	err := n.call(ctx, "conversations.open", "", func() (err error) {
		c, _, _, err = n.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{id.User}})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("slack: open DM: %w", err)
	}
	n.mu.Lock()
	n.dms[id.Key()] = c.ID
	n.mu.Unlock()
	return c.ID, nil
}

// sentBefore looks for a message with key among the channel's last 36 hours.
func (n *Notifier) sentBefore(ctx context.Context, ch bot.Channel, key string) (bot.Receipt, bool, error) {
	oldest := n.clock.Now().Add(-36 * time.Hour)
	params := &slackapi.GetConversationHistoryParameters{ChannelID: ch.ID,
		Oldest: fmt.Sprintf("%d.000000", oldest.Unix()), Limit: 100, IncludeAllMetadata: true}
	var h *slackapi.GetConversationHistoryResponse
	err := n.call(ctx, "conversations.history", "", func() (err error) {
		h, err = n.api.GetConversationHistoryContext(ctx, params)
		return err
	})
	if err != nil {
		return bot.Receipt{}, false, fmt.Errorf("slack: read DM history: %w", err)
	}
	for _, m := range h.Messages {
		if m.Metadata.EventType == MetadataEvent && m.Metadata.EventPayload["key"] == key {
			n.log.Info("slack: message found already sent; not sent again", "channel", ch.ID)
			return bot.Receipt{Channel: ch, MessageID: m.Timestamp}, true, nil
		}
	}
	return bot.Receipt{}, false, nil
}

// PostToChannel posts msg to ch.
func (n *Notifier) PostToChannel(ctx context.Context, ch bot.Channel, msg bot.Message) (bot.Receipt, error) {
	var ts string
	err := n.call(ctx, "chat.postMessage", ch.ID, func() (err error) {
		_, ts, err = n.api.PostMessageContext(ctx, ch.ID, n.options(msg)...)
		return err
	})
	if err != nil {
		return bot.Receipt{}, fmt.Errorf("slack: post: %w", err)
	}
	for _, im := range Images(msg) {
		// The message is delivered and says the figures in words: a
		// picture that fails to follow is logged, not a failed delivery
		// (whose retry would find the message and send no picture anyway).
		if err := n.upload(ctx, ch.ID, im); err != nil {
			n.log.Error("slack: picture not shared after its message", "channel", ch.ID, "file", im.FileName, "err", err)
		}
	}
	return bot.Receipt{Channel: ch, MessageID: ts}, nil
}

// Images returns msg's pictures, which Block Kit cannot carry: they go as
// files shared in the same conversation.
func Images(msg bot.Message) []bot.Image {
	var out []bot.Image
	for _, b := range msg.Blocks {
		if im, ok := b.(bot.Image); ok && len(im.PNG) > 0 {
			out = append(out, im)
		}
	}
	return out
}

// SendImages shares the pictures as files in the person's DM: the answer
// to a slash command is ephemeral (or goes through response_url), and
// neither can carry a file.
func (n *Notifier) SendImages(ctx context.Context, to bot.Identity, images []bot.Image) error {
	ch, err := n.dm(ctx, to)
	if err != nil {
		return err
	}
	for _, im := range images {
		if err := n.upload(ctx, ch, im); err != nil {
			return err
		}
	}
	return nil
}

// upload shares im in channel with files.uploadV2's three steps
// (files.getUploadURLExternal, the bytes to the URL it gives,
// files.completeUploadExternal), as slack-go's UploadFileContext does
// them (scope files:write).
func (n *Notifier) upload(ctx context.Context, channel string, im bot.Image) error {
	name := im.FileName
	if name == "" {
		name = "kontaktbot.png"
	}
	err := n.call(ctx, "files.uploadV2", channel, func() error {
		_, err := n.api.UploadFileContext(ctx, slackapi.UploadFileParameters{Reader: bytes.NewReader(im.PNG), FileSize: len(im.PNG),
			Filename: name, Title: im.Title, AltTxt: clip(im.Alt, 1000), Channel: channel})
		return err
	})
	if err != nil {
		return fmt.Errorf("slack: upload %s: %w", name, err)
	}
	return nil
}

// UpdateMessage replaces the message r names.
func (n *Notifier) UpdateMessage(ctx context.Context, r bot.Receipt, msg bot.Message) (bot.Receipt, error) {
	var ts string
	err := n.call(ctx, "chat.update", r.Channel.ID, func() (err error) {
		_, ts, _, err = n.api.UpdateMessageContext(ctx, r.Channel.ID, r.MessageID, n.options(msg)...)
		return err
	})
	if err != nil {
		return bot.Receipt{}, fmt.Errorf("slack: update: %w", err)
	}
	if ts == "" {
		ts = r.MessageID
	}
	return bot.Receipt{Channel: r.Channel, MessageID: ts}, nil
}

func (n *Notifier) options(msg bot.Message) []slackapi.MsgOption {
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(clipEscaped(msg.PlainText(), MaxFallbackText), false),
		slackapi.MsgOptionBlocks(Blocks(msg)...)}
	if msg.Key != "" {
		opts = append(opts, slackapi.MsgOptionMetadata(slackapi.SlackMetadata{EventType: MetadataEvent,
			EventPayload: map[string]any{"key": msg.Key}}))
	}
	return opts
}

// call makes a Web API call with do, trying again after each 429 (for the
// Retry-After it gives, at least a second) up to n.Retries times. With a
// channel, each try first books its own slot there (wait): a retry too
// keeps Interval from the channel's other posts. A 429 on the last try is
// returned as a *bot.RetryAfterError.
func (n *Notifier) call(ctx context.Context, method, channel string, do func() error) error {
	for try := 0; ; try++ {
		if channel != "" {
			if err := n.wait(ctx, channel); err != nil {
				return err
			}
		}
		err := n.count(method, do())
		after, limited := bot.RetryAfter(err)
		if !limited || try >= n.Retries {
			return err
		}
		after = max(after, time.Second) // Retry-After: 0 must not spin
		n.log.Warn("slack: rate limited; trying again", "method", method, "channel", channel, "try", try+1, "after", after)
		sleep := n.Sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if serr := sleep(ctx, after); serr != nil {
			return fmt.Errorf("gave up waiting out a 429: %w (last: %w)", serr, err)
		}
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wait holds a post back until its channel's interval has passed.
func (n *Notifier) wait(ctx context.Context, ch string) error {
	n.mu.Lock()
	now := n.clock.Now()
	at := n.nextPost[ch]
	if at.Before(now) {
		at = now
	}
	n.nextPost[ch] = at.Add(n.Interval)
	for c, t := range n.nextPost { // forget idle channels: the map stays small
		if t.Before(now) {
			delete(n.nextPost, c)
		}
	}
	n.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return sleepCtx(ctx, d)
	}
	return nil
}

// count records a try's outcome; a rate limit becomes a
// *bot.RetryAfterError, which call waits out or hands to the scheduler.
func (n *Notifier) count(method string, err error) error {
	var rl *slackapi.RateLimitedError
	switch {
	case err == nil:
		n.metrics.PlatformCall(Platform, method, "ok")
	case errors.As(err, &rl):
		n.metrics.PlatformCall(Platform, method, "ratelimited")
		return &bot.RetryAfterError{After: rl.RetryAfter, Err: err}
	default:
		n.metrics.PlatformCall(Platform, method, "error")
	}
	return err
}
