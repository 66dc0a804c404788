package teams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot"
)

// ErrUnreachable is wrapped by SendToPerson when the bot cannot write to
// the consultant in Teams: no Teams identity, no stored personal chat and
// no installed team of their tenant to open one from, or Teams refused
// (403/404: the bot was blocked or uninstalled). The caller reports it to
// the consultant's team lead rather than retrying.
var ErrUnreachable = fmt.Errorf("teams: consultant cannot be reached: %w", bot.ErrUnreachable)

// Notifier sends proactive messages through the Connector to the stored
// conversation references; it meets bot.Notifier.
type Notifier struct {
	conn Connector
	refs *refs
	log  *slog.Logger
}

// NewNotifier returns a Notifier over conn and store. It shares nothing
// with the MessageHandler but the store, so both may run at once.
func NewNotifier(conn Connector, store ConversationStore, clock bot.Clock, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{conn: conn, refs: newRefs(store, clock), log: log}
}

// SendToPerson sends msg to the consultant's personal chat, opening one
// from an installed team of their tenant when none is stored. An error
// wrapping ErrUnreachable means they cannot be reached at all.
func (n *Notifier) SendToPerson(ctx context.Context, to bot.Consultant, msg bot.Message) (bot.Receipt, error) {
	id, ok := teamsIdentity(to)
	if !ok {
		return bot.Receipt{}, fmt.Errorf("send to %s: no teams identity: %w", to.Name, ErrUnreachable)
	}
	ref, err := n.refs.load(ctx, PersonKey(id.Team, id.User))
	if errors.Is(err, bot.ErrNotFound) {
		ref, err = n.openChat(ctx, id)
	}
	if err != nil {
		return bot.Receipt{}, fmt.Errorf("send to %s: %w", to.Name, err)
	}
	return n.post(ctx, ref, msg)
}

func teamsIdentity(c bot.Consultant) (bot.Identity, bool) {
	for _, id := range c.Identities {
		if id.Platform == Platform && id.Team != "" && id.User != "" {
			return id, true
		}
	}
	return bot.Identity{}, false
}

// openChat creates a 1:1 conversation with the user from a channel of
// their tenant where the bot is installed, and stores its reference.
func (n *Notifier) openChat(ctx context.Context, id bot.Identity) (ConversationRef, error) {
	chans, err := n.refs.channels(ctx, id.Team)
	if err != nil {
		return ConversationRef{}, err
	}
	for _, ch := range chans {
		conv, err := n.conn.CreateConversation(ctx, ch.ServiceURL, schema.ConversationParameters{
			Bot: schema.ChannelAccount{ID: ch.BotID}, Members: []schema.ChannelAccount{{ID: id.User, AadObjectID: id.User}},
			TenantID: id.Team, ChannelData: map[string]any{"tenant": map[string]any{"id": id.Team}},
		})
		if err != nil {
			n.log.Warn("teams: create conversation", "tenant", id.Team, "err", err)
			continue
		}
		ref := ConversationRef{ServiceURL: ch.ServiceURL, ConversationID: conv, TenantID: id.Team, ChannelID: ch.ChannelID,
			BotID: ch.BotID, UserAADID: id.User, Type: Personal}
		return ref, n.refs.save(ctx, ref)
	}
	return ConversationRef{}, fmt.Errorf("no personal chat and no installed team: %w", ErrUnreachable)
}

// PostToChannel posts msg to a stored channel of ch.Team (the tenant).
func (n *Notifier) PostToChannel(ctx context.Context, ch bot.Channel, msg bot.Message) (bot.Receipt, error) {
	ref, err := n.refs.load(ctx, ChannelKey(ch.Team, ch.ID))
	if err != nil {
		return bot.Receipt{}, fmt.Errorf("post to channel %s: %w", ch.ID, err)
	}
	return n.post(ctx, ref, msg)
}

// UpdateMessage replaces the card of a message sent before; the receipt
// is unchanged, since Teams updates an activity in place.
func (n *Notifier) UpdateMessage(ctx context.Context, r bot.Receipt, msg bot.Message) (bot.Receipt, error) {
	ref, err := n.refs.load(ctx, ChannelKey(r.Channel.Team, r.Channel.ID))
	if errors.Is(err, bot.ErrNotFound) {
		ref, err = n.personalByConversation(ctx, r.Channel)
	}
	if err != nil {
		return bot.Receipt{}, fmt.Errorf("update message: %w", err)
	}
	act := cardActivity(Card(msg))
	act.ID = r.MessageID
	if err := n.conn.Update(ctx, ref.ServiceURL, ref.ConversationID, r.MessageID, act); err != nil {
		return bot.Receipt{}, fmt.Errorf("update message: %w", err)
	}
	return r, nil
}

// personalByConversation finds a personal chat's reference by its
// conversation id, for updating a nudge.
func (n *Notifier) personalByConversation(ctx context.Context, ch bot.Channel) (ConversationRef, error) {
	all, err := n.refs.store.Conversations(ctx, "teams/"+ch.Team+"/")
	if err != nil {
		return ConversationRef{}, err
	}
	for key := range all {
		if r, err := n.refs.load(ctx, key); err == nil && r.ConversationID == ch.ID {
			return r, nil
		}
	}
	return ConversationRef{}, bot.ErrNotFound
}

func (n *Notifier) post(ctx context.Context, ref ConversationRef, msg bot.Message) (bot.Receipt, error) {
	id, err := n.conn.Send(ctx, ref.ServiceURL, ref.ConversationID, cardActivity(Card(msg)))
	if errors.Is(err, ErrRefused) {
		return bot.Receipt{}, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	if err != nil {
		return bot.Receipt{}, err
	}
	return bot.Receipt{Channel: bot.Channel{Platform: Platform, Team: ref.TenantID, ID: ref.ConversationID}, MessageID: id}, nil
}

var _ bot.Notifier = (*Notifier)(nil)
