package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"kontaktbot/bot"
)

// Platform is the bot.Identity and bot.Channel platform name of Teams.
const Platform = "teams"

// Conversation types as Teams names them in conversation.conversationType.
const (
	Personal  = "personal"
	Channel   = "channel"
	GroupChat = "groupChat"
)

// ConversationRef is what the bot must keep to write to a person or channel
// unasked: Teams gives it only in incoming activities, and a proactive
// message to the wrong service URL or without the tenant is refused.
type ConversationRef struct {
	ServiceURL     string    `json:"service_url"`
	ConversationID string    `json:"conversation_id"`
	TenantID       string    `json:"tenant_id"`
	ChannelID      string    `json:"channel_id"` // the Bot Framework channel: "msteams"
	BotID          string    `json:"bot_id"`
	UserAADID      string    `json:"user_aad_id,omitempty"`
	UserID         string    `json:"user_id,omitempty"` // Teams' own "29:..." id, needed to create a 1:1 chat
	Type           string    `json:"type"`              // Personal, Channel or GroupChat
	TeamID         string    `json:"team_id,omitempty"`
	Updated        time.Time `json:"updated"`
}

// Key is the stable storage key of r: the user's bot.Identity key for a
// personal chat, "teams/<tenant>/channel/<conversation>" for a channel and
// "teams/<tenant>/chat/<conversation>" for a group chat.
func (r ConversationRef) Key() string {
	switch r.Type {
	case Personal:
		return PersonKey(r.TenantID, r.UserAADID)
	case Channel:
		return ChannelKey(r.TenantID, r.ConversationID)
	default:
		return "teams/" + r.TenantID + "/chat/" + r.ConversationID
	}
}

// same reports whether r and o address the same conversation the same way;
// Updated alone does not count as a change, so a reference re-seen on every
// message costs no write.
func (r ConversationRef) same(o ConversationRef) bool {
	r.Updated, o.Updated = time.Time{}, time.Time{}
	return r == o
}

// PersonKey is the storage key of a Teams user's personal conversation.
func PersonKey(tenant, aadID string) string {
	return bot.Identity{Platform: Platform, Team: tenant, User: aadID}.Key()
}

// ChannelKey is the storage key of a Teams channel.
func ChannelKey(tenant, conversationID string) string {
	return "teams/" + tenant + "/channel/" + conversationID
}

// channelPrefix lists the channel references of one tenant, from which a 1:1
// chat can be created with any member of an installed team.
func channelPrefix(tenant string) string { return "teams/" + tenant + "/channel/" }

// ConversationStore keeps conversation references as opaque bytes under a
// key; storage.DB meets it. Conversation returns an error wrapping
// bot.ErrNotFound for a missing key; PutConversation reports whether the
// stored bytes changed.
type ConversationStore interface {
	PutConversation(ctx context.Context, key string, data []byte) (changed bool, err error)
	Conversation(ctx context.Context, key string) ([]byte, error)
	DeleteConversation(ctx context.Context, key string) error
	Conversations(ctx context.Context, prefix string) (map[string][]byte, error)
}

// refs saves references through a ConversationStore, remembering what it
// last saved so that the reference in every message costs no I/O at all.
type refs struct {
	store ConversationStore
	clock bot.Clock
	mu    sync.Mutex
	seen  map[string]ConversationRef
}

func newRefs(store ConversationStore, clock bot.Clock) *refs {
	return &refs{store: store, clock: clock, seen: map[string]ConversationRef{}}
}

// save stores r unless the same reference was saved before.
func (s *refs) save(ctx context.Context, r ConversationRef) error {
	key := r.Key()
	s.mu.Lock()
	old, ok := s.seen[key]
	s.mu.Unlock()
	if ok && old.same(r) {
		return nil
	}
	if !ok {
		if stored, err := s.load(ctx, key); err == nil && stored.same(r) {
			s.remember(key, stored)
			return nil
		}
	}
	r.Updated = s.clock.Now().UTC()
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save reference: %w", err)
	}
	if _, err := s.store.PutConversation(ctx, key, data); err != nil {
		return fmt.Errorf("save reference: %w", err)
	}
	s.remember(key, r)
	return nil
}

func (s *refs) remember(key string, r ConversationRef) {
	s.mu.Lock()
	s.seen[key] = r
	s.mu.Unlock()
}

// load returns the reference under key, or an error wrapping bot.ErrNotFound.
func (s *refs) load(ctx context.Context, key string) (ConversationRef, error) {
	var r ConversationRef
	data, err := s.store.Conversation(ctx, key)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("decode reference %s: %w", key, err)
	}
	return r, nil
}

// remove deletes the reference under key; a missing one is no error.
func (s *refs) remove(ctx context.Context, key string) error {
	s.mu.Lock()
	delete(s.seen, key)
	s.mu.Unlock()
	if err := s.store.DeleteConversation(ctx, key); err != nil && !errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("remove reference: %w", err)
	}
	return nil
}

// channels returns the tenant's stored channel references.
func (s *refs) channels(ctx context.Context, tenant string) ([]ConversationRef, error) {
	all, err := s.store.Conversations(ctx, channelPrefix(tenant))
	if err != nil {
		return nil, err
	}
	out := make([]ConversationRef, 0, len(all))
	for _, data := range all {
		var r ConversationRef
		if json.Unmarshal(data, &r) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}
