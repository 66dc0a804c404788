package teams

import (
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// wireActivity is schema.Activity as sent to the connector: the same
// fields (a conversion checks that at compile time), each left out when
// zero. The library's tags say omitempty, which keeps a zero time and an
// empty struct, so every reply carried three zero timestamps and five empty
// objects that both ends had to encode and parse.
type wireActivity struct {
	Type             schema.ActivityTypes          `json:"type,omitzero"`
	ID               string                        `json:"id,omitzero"`
	Timestamp        time.Time                     `json:"timestamp,omitzero"`
	LocalTimestamp   time.Time                     `json:"localTimestamp,omitzero"`
	LocalTimezone    string                        `json:"localTimezone,omitzero"`
	CallerID         string                        `json:"callerId,omitzero"`
	ServiceURL       string                        `json:"serviceUrl,omitzero"`
	ChannelID        string                        `json:"channelId,omitzero"`
	From             schema.ChannelAccount         `json:"from,omitzero"`
	Conversation     schema.ConversationAccount    `json:"conversation,omitzero"`
	Recipient        schema.ChannelAccount         `json:"recipient,omitzero"`
	TextFormat       schema.TextFormatTypes        `json:"textFormat,omitzero"`
	AttachmentLayout schema.AttachmentLayoutTypes  `json:"attachmentLayout,omitzero"`
	MembersAdded     []schema.ChannelAccount       `json:"membersAdded,omitempty"`
	MembersRemoved   []schema.ChannelAccount       `json:"membersRemoved,omitempty"`
	ReactionsAdded   []schema.MessageReaction      `json:"reactionsAdded,omitempty"`
	ReactionsRemoved []schema.MessageReaction      `json:"reactionsRemoved,omitempty"`
	TopicName        string                        `json:"topicName,omitzero"`
	HistoryDisclosed bool                          `json:"historyDisclosed,omitzero"`
	Locale           string                        `json:"locale,omitzero"`
	Text             string                        `json:"text,omitzero"`
	Speak            string                        `json:"speak,omitzero"`
	InputHint        schema.InputHints             `json:"inputHint,omitzero"`
	Summary          string                        `json:"summary,omitzero"`
	SuggestedActions schema.SuggestedActions       `json:"suggestedActions,omitzero"`
	Attachments      []schema.Attachment           `json:"attachments,omitempty"`
	Entities         []schema.Entity               `json:"entities,omitempty"`
	ChannelData      map[string]any                `json:"channelData,omitempty"`
	Action           string                        `json:"action,omitzero"`
	ReplyToID        string                        `json:"replyToId,omitzero"`
	Label            string                        `json:"label,omitzero"`
	ValueType        string                        `json:"valueType,omitzero"`
	Value            map[string]any                `json:"value,omitempty"`
	Name             string                        `json:"name,omitzero"`
	RelatesTo        schema.ConversationReference  `json:"relatesTo,omitzero"`
	Code             schema.EndOfConversationCodes `json:"code,omitzero"`
	Expiration       time.Time                     `json:"expiration,omitzero"`
	Importance       schema.ActivityImportance     `json:"importance,omitzero"`
	DeliveryMode     schema.DeliveryModes          `json:"deliveryMode,omitzero"`
	ListenFor        []string                      `json:"listenFor,omitempty"`
	TextHighlights   []schema.TextHighlight        `json:"textHighlights,omitempty"`
	SemanticAction   schema.SemanticAction         `json:"semanticAction,omitzero"`
}

// wire is act as it goes over the wire.
func wire(act schema.Activity) wireActivity { return wireActivity(act) }
