package bot

import (
	"context"
	"time"
)

// Clock tells the time. Everything outside cmd/ gets one injected, so tests
// can set the day.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to a Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// Request is one command as it arrives from a platform: who typed it, the
// text of the command (without a leading slash), and where.
type Request struct {
	From Identity
	// Name is the display name the platform gives the person; it names a
	// consultant the first time they use the bot.
	Name    string
	Text    string
	Channel Channel
	// Jobcenter is the jobcenter the Slack workspace or Teams tenant the
	// request came from is set up for: the one a person from it joins on
	// first use. A platform adapter sets it from its allow-list; a request
	// from a chat platform without it comes from an organisation that is
	// not set up, and is refused before anything is stored. The console
	// leaves it empty and its people join the service's default.
	Jobcenter string
	// OpenForm, when set, asks for a form (a button's Form) instead of
	// running Text: the reply carries it in Message.Form.
	OpenForm *FormRef
	// Submit, when set, is a submitted form, run instead of Text.
	Submit *Submission
}

// Channel is a place a message can be posted: a platform and its channel id.
type Channel struct {
	Platform string `json:"platform"`
	Team     string `json:"team,omitempty"`
	ID       string `json:"id"`
}

// Receipt is the platform's confirmation of a delivered message: enough to
// update it in place later.
type Receipt struct {
	Channel   Channel `json:"channel"`
	MessageID string  `json:"message_id"`
}

// Notifier sends messages that no one asked for: nudges to a person,
// announcements to a channel. Each adapter implements it; a nil error means
// the platform confirmed delivery.
type Notifier interface {
	SendToPerson(ctx context.Context, to Consultant, msg Message) (Receipt, error)
	PostToChannel(ctx context.Context, ch Channel, msg Message) (Receipt, error)
	// UpdateMessage replaces a message sent before (an announcement whose
	// subject changed) and returns its receipt, which may be new.
	UpdateMessage(ctx context.Context, r Receipt, msg Message) (Receipt, error)
}

// Records is one consistent view of everything a store holds, as a whole
// export reads it: every call sees the file as it was when the view
// began, whatever is written meanwhile. Its functions must not call the
// store.
type Records interface {
	// Jobcenters returns every jobcenter ordered by id.
	Jobcenters() ([]Jobcenter, error)
	// Consultants returns every consultant ordered by id.
	Consultants() ([]Consultant, error)
	// EachCompany calls fn for every company in id order until fn returns
	// an error, which it returns.
	EachCompany(fn func(Company) error) error
	// EachContact calls fn for every contact, in company id order and each
	// company's newest first, until fn returns an error, which it returns.
	EachContact(fn func(Contact) error) error
	// EachPosition calls fn for every position in id order until fn
	// returns an error, which it returns.
	EachPosition(fn func(Position) error) error
}
