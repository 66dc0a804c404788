package bot

import (
	"errors"
	"time"
)

// JobKind names a kind of scheduled message. Each kind is planned at most
// once per day and delivered at most once per recipient and day.
type JobKind string

// The scheduled message kinds.
const (
	JobNudge      JobKind = "nudge"      // the working-morning nudge about overdue companies
	JobDigest     JobKind = "digest"     // the team lead's Monday escalation digest
	JobIntroDay   JobKind = "introday"   // the coordinator's reminder the working day before an intro day
	JobInternship JobKind = "internship" // the referrer's nudge to hold the education meeting when an internship ends
)

// Delivery is one message the scheduler owes a consultant on a day: an
// outbox entry. It holds the facts the message is made of, not the message,
// so it is rendered in the recipient's language when it is sent.
type Delivery struct {
	Kind  JobKind     `json:"kind"`
	Day   time.Time   `json:"day"` // a Copenhagen day
	To    uint64      `json:"to"`  // consultant id
	Items []NudgeItem `json:"items"`
	// Heading and Lines are the message of the kinds that are not about
	// companies (intro days, internships), written at planning time in
	// the recipient's language.
	Heading string   `json:"heading,omitempty"`
	Lines   []string `json:"lines,omitempty"`
	// Coverage is the chart of the recipient's jobcenter in a lead's
	// digest: the weekly figures, drawn when the message is rendered.
	Coverage *CoverageChart `json:"coverage,omitempty"`
	// Crossings are, in a nudge, the contacts consultants of other
	// jobcenters logged with the recipient's companies since the last one.
	Crossings []Crossing `json:"crossings,omitempty"`

	Attempts  int       `json:"attempts,omitempty"`
	NextTry   time.Time `json:"next_try,omitzero"` // no try before it
	LastError string    `json:"last_error,omitempty"`
	Delivered time.Time `json:"delivered,omitzero"` // set in the commit after the platform confirmed
	Receipt   Receipt   `json:"receipt,omitzero"`
	GaveUp    bool      `json:"gave_up,omitempty"` // the day ended before a try succeeded
}

// Done reports whether nothing more is to be done with d.
func (d Delivery) Done() bool { return !d.Delivered.IsZero() || d.GaveUp }

// NudgeItem is one company in a nudge or digest line, with what the line
// says to explain itself.
type NudgeItem struct {
	CompanyID   uint64      `json:"company"`
	Name        string      `json:"name"`
	Tier        Tier        `json:"tier,omitempty"`
	CadenceDays int         `json:"cadence"`
	LastContact time.Time   `json:"last_contact,omitzero"`
	LastKind    ContactKind `json:"last_kind,omitempty"`
	LastBy      string      `json:"last_by,omitempty"`   // who made the last contact
	OverdueDays int         `json:"overdue,omitempty"`   // days past due; 0 on the due day
	Planned     time.Time   `json:"planned,omitzero"`    // a contact planned for the delivery day
	SnoozeCount int         `json:"snoozes,omitempty"`   // snoozes in a row (digest)
	Owner       string      `json:"owner,omitempty"`     // the dedicated consultant (stand-in nudges, digests)
	OwnerAway   time.Time   `json:"owner_away,omitzero"` // the owner is away until then (stand-in nudges)
	// Done says a contact was logged for the company after the nudge was
	// sent (when it was made, how, by whom, and its id, so that undoing
	// that contact opens the line again): the line is shown as done.
	Done        time.Time   `json:"done,omitzero"`
	DoneKind    ContactKind `json:"done_kind,omitempty"`
	DoneBy      string      `json:"done_by,omitempty"`
	DoneContact uint64      `json:"done_contact,omitempty"`
}

// Crossing is a contact that a consultant of another jobcenter logged with
// a company: told to its dedicated consultant in the next nudge. It names
// the contact, not its note: the note is on the company's card for those
// who may read it.
type Crossing struct {
	CompanyID uint64      `json:"company"`
	Name      string      `json:"name"`
	At        time.Time   `json:"at"`
	Kind      ContactKind `json:"kind,omitempty"`
	By        string      `json:"by"`              // who logged it
	Jobcenter string      `json:"jobcenter"`       // their jobcenter
	Owner     string      `json:"owner,omitempty"` // the dedicated consultant, in a stand-in's nudge
}

// ErrUnreachable is wrapped by a Notifier's error when the person cannot
// be reached on its platform at all (the app is not installed for them,
// or blocked): trying again the same day would not help, and someone
// should be told.
var ErrUnreachable = errors.New("the person cannot be reached on the chat platform")

// RetryAfterError is returned by a Notifier when the platform asked to be
// called again later (HTTP 429 Retry-After); After is how long to wait.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return "retry after " + e.After.String() + ": " + e.Err.Error()
}

// Unwrap gives the platform's error.
func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter returns how long err asks to wait, if it carries a
// *RetryAfterError.
func RetryAfter(err error) (time.Duration, bool) {
	var r *RetryAfterError
	if errors.As(err, &r) {
		return r.After, true
	}
	return 0, false
}
