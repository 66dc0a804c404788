package bot

import "time"

// Role is what a consultant may do. Roles are ordered: each includes the
// rights of those before it, except that a coordinator's extra rights
// (intro days) are also a lead's and an admin's.
type Role string

// The roles.
const (
	RoleConsultant  Role = "consultant"
	RoleCoordinator Role = "coordinator"
	RoleLead        Role = "lead"
	RoleAdmin       Role = "admin"
)

// Rank orders roles for permission checks: consultant < coordinator < lead < admin.
// An unknown role ranks below consultant.
func (r Role) Rank() int {
	switch r {
	case RoleConsultant:
		return 1
	case RoleCoordinator:
		return 2
	case RoleLead:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// Lang is a user's language.
type Lang string

// The supported languages; Danish is the default.
const (
	Danish  Lang = "da"
	English Lang = "en"
)

// The purposes a jobcenter's announcement channels serve.
const (
	ChannelPositions = "positions"
	ChannelIntroDays = "introdays"
)

// Pick returns da for Danish and en for English (and any other language).
func (l Lang) Pick(da, en string) string {
	if l == English {
		return en
	}
	return da
}

// Jobcenter is one municipality's jobcenter. Several can share one bot.
type Jobcenter struct {
	ID       uint64   `json:"id"`
	Name     string   `json:"name"`
	Partners []uint64 `json:"partners,omitempty"` // jobcenters it shares positions and intro days with
	// ClosedDays are the days it keeps closed besides weekends and public
	// holidays, as an admin wrote them ("grundlovsdag, juleaftensdag");
	// reminders.ParseClosedDays reads them.
	ClosedDays string `json:"closed_days,omitempty"`
	// CoverageGoal is the share of dedicated companies within cadence, in
	// whole percent, that its lead aims for (the coverage chart's goal
	// line); 0 means none is set.
	CoverageGoal int `json:"coverage_goal,omitempty"`
	// NoteRetentionMonths is how long its contact notes are kept, in
	// months; 0 means the default (KONTAKTBOT_NOTE_RETENTION_MONTHS).
	NoteRetentionMonths int `json:"note_retention,omitempty"`
	// Channels are where its announcements go, by purpose (ChannelPositions,
	// ChannelIntroDays), as set with the channel command.
	Channels map[string]Channel `json:"channels,omitempty"`
	Created  time.Time          `json:"created"`
}

// Identity is how a chat platform knows a person: platform ("console",
// "slack", "teams"), team (Slack workspace or Teams tenant; empty for the
// console) and the platform's user id.
type Identity struct {
	Platform string `json:"platform"`
	Team     string `json:"team,omitempty"`
	User     string `json:"user"`
}

// ConsolePlatform is the platform of the local console chat: the only one
// whose people need no allow-listed organisation.
const ConsolePlatform = "console"

// Key is the identity as one string, unique across platforms.
func (i Identity) Key() string { return i.Platform + "/" + i.Team + "/" + i.User }

// Consultant is a person using the bot: a business consultant, a team lead,
// a coordinator or an admin.
type Consultant struct {
	ID          uint64     `json:"id"`
	Name        string     `json:"name"`
	JobcenterID uint64     `json:"jobcenter"`
	Role        Role       `json:"role"`
	Lang        Lang       `json:"lang"`
	Identities  []Identity `json:"identities,omitempty"`
	// AwayUntil is the last day of an absence (ferie, kursus): until it has
	// passed, nudges go to StandInID, or wait when there is none.
	AwayUntil time.Time `json:"away_until,omitzero"`
	StandInID uint64    `json:"standin,omitempty"`
	Created   time.Time `json:"created"`
}

// Away reports whether c is away on day.
func (c Consultant) Away(day time.Time) bool {
	return !c.AwayUntil.IsZero() && !Day(day).After(Day(c.AwayUntil))
}

// Tier is how close the contact with a company is meant to be.
type Tier string

// The tiers.
const (
	TierNormal      Tier = "normal"
	TierIntensified Tier = "intensified"
)

// Status is a company's state in the portfolio.
type Status string

// The statuses. Paused companies are left out of nudges and overdue lists.
const (
	StatusActive Status = "active"
	StatusPaused Status = "paused"
	StatusEnded  Status = "ended"
)

// Company is a company (virksomhed) a jobcenter keeps contact with.
//
// LastContact is the time of the newest contact logged for it (zero when
// none); storage keeps it in step with the contacts in the same transaction.
// OwnerSince is when the current dedicated consultant got it: the cadence
// clock starts there when there has been no contact.
type Company struct {
	ID      uint64   `json:"id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	CVR     string   `json:"cvr,omitempty"`
	Area    string   `json:"area,omitempty"`
	// Street ("Havnegade 12"), Postcode ("5000") and Town ("Odense C")
	// are where the company is; the same postcode or town, like the same
	// area, makes two companies near for a consultant out visiting.
	Street       string    `json:"street,omitempty"`
	Postcode     string    `json:"postcode,omitempty"`
	Town         string    `json:"town,omitempty"`
	OwnerID      uint64    `json:"owner,omitempty"`
	OwnerSince   time.Time `json:"owner_since"`
	CadenceDays  int       `json:"cadence"`
	Tier         Tier      `json:"tier"`
	Status       Status    `json:"status"`
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`
	SnoozeCount  int       `json:"snooze_count,omitempty"` // snoozes in a row since the last contact
	PlannedNext  time.Time `json:"planned_next,omitzero"`
	LastContact  time.Time `json:"last_contact,omitzero"`
	// LastKind and LastBy describe the contact at LastContact, so that a
	// nudge can say how and by whom without reading the contact log.
	LastKind ContactKind `json:"last_kind,omitempty"`
	LastBy   uint64      `json:"last_by,omitempty"`
	Created  time.Time   `json:"created"`
}

// ContactKind is how a contact was made.
type ContactKind string

// The contact kinds. KindImported marks a last contact that came from a
// bulk import, whose real kind is unknown.
const (
	KindVisit    ContactKind = "visit"
	KindPhone    ContactKind = "phone"
	KindMail     ContactKind = "mail"
	KindMeeting  ContactKind = "meeting"
	KindImported ContactKind = "import"
)

// Label is the kind's name in lang ("besøg", "telefon").
func (k ContactKind) Label(lang Lang) string {
	switch k {
	case KindVisit:
		return lang.Pick("besøg", "visit")
	case KindPhone:
		return lang.Pick("telefon", "phone")
	case KindMail:
		return lang.Pick("mail", "mail")
	case KindMeeting:
		return lang.Pick("møde", "meeting")
	case KindImported:
		return lang.Pick("importeret", "imported")
	}
	return string(k)
}

// Contact is one logged contact (kontakt/besøg) with a company. At is when
// it happened; Logged is when it was typed in (used by undo).
type Contact struct {
	ID           uint64      `json:"id"`
	CompanyID    uint64      `json:"company"`
	ConsultantID uint64      `json:"consultant"`
	At           time.Time   `json:"at"`
	Kind         ContactKind `json:"kind"`
	Note         string      `json:"note,omitempty"`
	FollowUp     time.Time   `json:"follow_up,omitzero"`
	Logged       time.Time   `json:"logged"`
	// NoteErasedMonths is set when retention erased the note: the
	// retention period, in months, it was erased after.
	NoteErasedMonths int `json:"note_erased,omitempty"`
}

// PositionStatus is where an open position is in its life.
type PositionStatus string

// The position statuses.
const (
	PositionOpen    PositionStatus = "open"
	PositionFilled  PositionStatus = "filled"
	PositionClosed  PositionStatus = "closed"
	PositionExpired PositionStatus = "expired" // its deadline passed while open
)

// Event is one recorded change: when, by whom (0 for the bot itself) and what.
type Event struct {
	At   time.Time `json:"at"`
	By   uint64    `json:"by,omitempty"`
	What string    `json:"what"`
}

// Position is an open position (ledig stilling / jobordre) at a company.
type Position struct {
	ID           uint64         `json:"id"`
	CompanyID    uint64         `json:"company"`
	ConsultantID uint64         `json:"consultant"` // whom to contact
	JobcenterID  uint64         `json:"jobcenter"`  // the consultant's, whose channels announce it
	Title        string         `json:"title"`
	Count        int            `json:"count"`
	Filled       int            `json:"filled,omitempty"`
	Requirements string         `json:"requirements,omitempty"`
	Place        string         `json:"place,omitempty"`
	Type         string         `json:"type,omitempty"` // ordinær, løntilskud, praktik
	Deadline     time.Time      `json:"deadline,omitzero"`
	Start        time.Time      `json:"start,omitzero"`
	Status       PositionStatus `json:"status"`
	Announced    []Receipt      `json:"announced,omitempty"`
	History      []Event        `json:"history,omitempty"`
	Created      time.Time      `json:"created"`
}

// IntroDay is an intro day (intromøde) where screened candidates meet companies.
type IntroDay struct {
	ID          uint64    `json:"id"`
	Date        time.Time `json:"date"`
	Place       string    `json:"place"`
	HostID      uint64    `json:"host"`       // host jobcenter
	Jobcenters  []uint64  `json:"jobcenters"` // taking part
	CompanyIDs  []uint64  `json:"companies,omitempty"`
	Coordinator uint64    `json:"coordinator"`
	Announced   []Receipt `json:"announced,omitempty"`
	Created     time.Time `json:"created"`
}

// Stage is where a candidate is in the pipeline.
type Stage string

// The pipeline stages.
const (
	StageInvited    Stage = "invited"
	StageAttended   Stage = "attended"
	StageMatched    Stage = "matched"
	StageInternship Stage = "internship"
	StageMeeting    Stage = "meeting"
	StageOutcome    Stage = "outcome"
)

// Candidate is a pseudonymous job seeker on an intro day: a short reference
// such as "KS-14", never a name or CPR number.
type Candidate struct {
	Reference       string    `json:"ref"`
	IntroDayID      uint64    `json:"introday"`
	HomeJobcenterID uint64    `json:"jobcenter"`
	ReferrerID      uint64    `json:"referrer"`
	Skills          string    `json:"skills,omitempty"`
	Wishes          string    `json:"wishes,omitempty"`
	Stage           Stage     `json:"stage"`
	CompanyID       uint64    `json:"company,omitempty"`
	InternshipStart time.Time `json:"internship_start,omitzero"`
	InternshipEnd   time.Time `json:"internship_end,omitzero"`
	Meeting         time.Time `json:"meeting,omitzero"`
	Course          string    `json:"course,omitempty"`
	Outcome         string    `json:"outcome,omitempty"`
	History         []Event   `json:"history,omitempty"`
}
