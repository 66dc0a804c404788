package commands

import (
	"context"
	"time"

	"kontaktbot/bot"
)

// People is what commands need to know about consultants and jobcenters.
// storage.DB implements it.
type People interface {
	// EnsureConsultant returns the consultant known by id, creating one named
	// name in the jobcenter named jobcenter (created too if missing) on first
	// use, or gives a consultant registered by name only (an import's
	// owner) this identity. While no consultant is an admin, the person
	// is made one; otherwise they are consultants. created reports whether
	// this call created a record.
	EnsureConsultant(ctx context.Context, id bot.Identity, name, jobcenter string) (c bot.Consultant, created bool, err error)
	// Consultant returns the consultant with the id, or bot.ErrNotFound.
	Consultant(ctx context.Context, id uint64) (bot.Consultant, error)
	// ConsultantByName returns the consultant whose bot.NormalizeName(Name)
	// equals that of name, or bot.ErrNotFound.
	ConsultantByName(ctx context.Context, name string) (bot.Consultant, error)
	// Consultants returns every consultant, ordered by id.
	Consultants(ctx context.Context) ([]bot.Consultant, error)
	// UpdateConsultant loads the consultant, calls fn on it and stores the
	// result in one transaction; fn's error aborts without writing.
	UpdateConsultant(ctx context.Context, id uint64, fn func(*bot.Consultant) error, audit ...bot.AuditEntry) (bot.Consultant, error)
	// CreateConsultant stores a new consultant known only by name (a person
	// named in a command before they have used the bot). A clashing
	// normalized name gives a *bot.ConflictError.
	CreateConsultant(ctx context.Context, c bot.Consultant) (bot.Consultant, error)
	// LinkConsultants makes two records of one person one: the identities
	// of the record with nothing stored about it move to the other, which
	// it returns; the empty one is deleted. When neither is empty the
	// error wraps bot.ErrConflict and nothing changes.
	LinkConsultants(ctx context.Context, a, b uint64, audit ...bot.AuditEntry) (bot.Consultant, error)
	// DeleteConsultant erases a person's record and identities; what they
	// logged stays under their id. Someone still dedicated to companies
	// gives a *bot.ConflictError (What "companies", ID their count).
	DeleteConsultant(ctx context.Context, id uint64, audit ...bot.AuditEntry) (bot.Consultant, error)

	// CreateJobcenter stores a new jobcenter; a clashing normalized name
	// gives a *bot.ConflictError.
	CreateJobcenter(ctx context.Context, j bot.Jobcenter, audit ...bot.AuditEntry) (bot.Jobcenter, error)
	// Jobcenter returns the jobcenter with the id, or bot.ErrNotFound.
	Jobcenter(ctx context.Context, id uint64) (bot.Jobcenter, error)
	// JobcenterByName returns the jobcenter whose normalized name equals
	// that of name, or bot.ErrNotFound.
	JobcenterByName(ctx context.Context, name string) (bot.Jobcenter, error)
	// Jobcenters returns every jobcenter ordered by id.
	Jobcenters(ctx context.Context) ([]bot.Jobcenter, error)
	// UpdateJobcenter is UpdateConsultant for jobcenters.
	UpdateJobcenter(ctx context.Context, id uint64, fn func(*bot.Jobcenter) error, audit ...bot.AuditEntry) (bot.Jobcenter, error)
}

// Companies is what commands need of the company portfolio. storage.DB
// implements it.
type Companies interface {
	// CreateCompany stores a new company and its name, alias, CVR and owner
	// index entries in one transaction. A name or alias whose normalized form
	// is taken, or a CVR that is taken, gives a *bot.ConflictError.
	CreateCompany(ctx context.Context, c bot.Company, audit ...bot.AuditEntry) (bot.Company, error)
	// Company returns the company with the id, or bot.ErrNotFound.
	Company(ctx context.Context, id uint64) (bot.Company, error)
	// UpdateCompany loads the company, calls fn on it and stores the result
	// with its indexes in one transaction; fn's error aborts without writing.
	// Renames, new aliases and new CVRs are checked as in CreateCompany,
	// and a new name or alias that is loosely (bot.LooseEqual) another
	// company's name or alias, or the whole-word start of one, gives a
	// *bot.ConflictError with What "shadow" naming those companies; nothing
	// is stored then.
	UpdateCompany(ctx context.Context, id uint64, fn func(*bot.Company) error, audit ...bot.AuditEntry) (bot.Company, error)
	// FindCompanies looks key (a bot.NormalizeName result) up among names
	// and aliases: exact is the company whose name or alias is key (nil if
	// none); partial are up to limit other companies, in id order, that
	// have key as a run of whole words anywhere in a name or alias, also
	// with æ, ø, å typed as a, e, o (bot.NameVariants).
	FindCompanies(ctx context.Context, key string, limit int) (exact *bot.Company, partial []bot.Company, err error)
	// FindCompaniesFirst is FindCompanies for each key in turn, in one read,
	// up to the first that finds anything (i is its index, -1 for none);
	// partial is nil when exact is found; keys of one byte are looked up
	// exactly only.
	FindCompaniesFirst(ctx context.Context, keys []string, limit int) (i int, exact *bot.Company, partial []bot.Company, err error)
	// CompanyByCVR returns the company with the CVR number, or bot.ErrNotFound.
	CompanyByCVR(ctx context.Context, cvr string) (bot.Company, error)
	// SuggestCompanies returns up to limit companies whose names or aliases
	// are most like text (typos, missing words), best first. It answers
	// from memory and stays fast at 250,000 companies.
	SuggestCompanies(ctx context.Context, text string, limit int) ([]bot.Company, error)
	// CompaniesOwnedBy returns the companies whose dedicated consultant is
	// the consultant, ordered by id.
	CompaniesOwnedBy(ctx context.Context, consultantID uint64) ([]bot.Company, error)
	// EachOwned calls fn, in no set order, for every company the
	// consultants own, until fn returns an error, which it returns. Active
	// companies with a cadence may come without Aliases, CVR and Area. fn
	// must not call the store.
	EachOwned(ctx context.Context, owners []uint64, fn func(bot.Company) error) error
	// ForEachCompany calls fn for every company in id order until fn returns
	// an error, which it returns. fn must not call the store.
	ForEachCompany(ctx context.Context, fn func(bot.Company) error) error
	// NearDue returns up to limit companies that share an area, a postcode
	// or a town with c (c left out) whose nudge day is on or before until.
	// rank places each by its owner: negative leaves it out, lower ranks
	// come first, then earlier nudge days. It reads an index of places,
	// not the portfolio.
	NearDue(ctx context.Context, c bot.Company, until time.Time, rank func(owner uint64) int, limit int) ([]bot.Company, error)
	// NudgeDue calls fn, in nudge-day order, for every company whose
	// NudgeDay is on or before day, until fn returns an error. It reads an
	// index kept by every write, so its cost grows with the number of
	// companies due, not with the portfolio. fn must not call the store.
	NudgeDue(ctx context.Context, day time.Time, fn func(bot.Company) error) error
	// DeleteCompany deletes a company registered by mistake with its
	// contacts and positions and every index entry, in one transaction,
	// and returns the company, how many contacts went and the positions as
	// they were (with their announcements' receipts). A company an intro
	// day or a candidate refers to gives a *bot.ConflictError (What
	// "introday" or "candidate") and nothing changes.
	DeleteCompany(ctx context.Context, id uint64, audit ...bot.AuditEntry) (co bot.Company, contacts int, positions []bot.Position, err error)
	// MergeCompanies makes drop part of keep in one transaction: contacts,
	// positions, intro-day places and candidate matches move; drop's name
	// and aliases become keep's aliases; keep takes drop's CVR, area, owner
	// and plan where it has none; the last contact is recomputed and drop
	// is gone from every index. Two different CVR numbers, or an open
	// position title both have, give a *bot.ConflictError (What "cvr" or
	// "position") and nothing changes. It returns keep as stored and how
	// many contacts and positions moved.
	MergeCompanies(ctx context.Context, keepID, dropID uint64, audit ...bot.AuditEntry) (kept bot.Company, contacts, positions int, err error)
}

// Contacts is what commands need of the contact log. storage.DB implements it.
type Contacts interface {
	// AddContact stores the contact and, in the same transaction, moves its
	// company's LastContact forward if the contact is newer, clears the
	// company's snooze count, and updates the indexes. The company must exist
	// (else bot.ErrNotFound).
	AddContact(ctx context.Context, c bot.Contact) (bot.Contact, error)
	// Contacts returns up to limit contacts with the company, newest (by At)
	// first.
	Contacts(ctx context.Context, companyID uint64, limit int) ([]bot.Contact, error)
	// ContactsPage returns the company's contacts newest first, the first
	// skip left out and at most limit given, and how many it has in all.
	ContactsPage(ctx context.Context, companyID uint64, skip, limit int) ([]bot.Contact, int, error)
	// ContactsBetween returns the company's contacts made from from up to,
	// not including, to, newest first.
	ContactsBetween(ctx context.Context, companyID uint64, from, to time.Time) ([]bot.Contact, error)
	// UndoContact deletes the contact the consultant logged last, if it was
	// logged at or after since, and sets its company's LastContact back to
	// the newest remaining contact, in one transaction. It returns the
	// deleted contact, or bot.ErrNotFound when there is none to undo.
	UndoContact(ctx context.Context, consultantID uint64, since time.Time) (bot.Contact, error)
	// EditContact lets fn change the time, kind, note and follow-up of the
	// contact c names (by CompanyID, At and ID, as read) and stores it with
	// its company's last contact and plan brought up to date, in one
	// transaction. It returns the contact before and after, or
	// bot.ErrNotFound when no such contact is stored.
	EditContact(ctx context.Context, c bot.Contact, fn func(*bot.Contact) error) (before, after bot.Contact, err error)
	// DeleteContact deletes the contact c names and sets its company's
	// last contact back to the newest remaining one, in one transaction.
	// It returns the deleted contact, or bot.ErrNotFound.
	DeleteContact(ctx context.Context, c bot.Contact) (bot.Contact, error)
}

// Importer stores a whole portfolio at once. storage.DB implements it.
type Importer interface {
	// ImportPortfolio creates the new consultants people (by name only),
	// then every company, and for each with a non-zero LastContact a
	// contact of kind bot.KindImported by its owner: all or none, also
	// across a crash. newOwner[i] > 0 makes people[newOwner[i]-1] the
	// owner of cs[i]. Conflicts give a *bot.ConflictError naming the first
	// clash.
	ImportPortfolio(ctx context.Context, people []bot.Consultant, cs []bot.Company, newOwner []int, audit ...bot.AuditEntry) error
	// SetAddresses stores the address (Street, Postcode, Town) of each of
	// cs, found by ID, leaving their other fields as stored, some thousands
	// to a transaction, and returns how many it stored. The audit entries
	// are appended in the first transaction.
	SetAddresses(ctx context.Context, cs []bot.Company, audit ...bot.AuditEntry) (int, error)
	// TakenKeys returns, of the normalized names and the CVR numbers, those
	// stored companies hold, each with the name of the company holding it,
	// in one read.
	TakenKeys(ctx context.Context, names, cvrs []string) (byName, byCVR map[string]string, err error)
}

// Archiver is what a whole export and its import need besides the other
// families. storage.DB implements it; see storage/archive.go.
type Archiver interface {
	// ReadRecords calls fn with one consistent view of the whole store
	// (one read transaction). fn must not call the store.
	ReadRecords(ctx context.Context, fn func(bot.Records) error) error
	// ImportDirectory creates jobcenters and people in one transaction;
	// Partners, JobcenterID and StandInID are 1-based indexes into the
	// slices. It returns them as stored. The audit entries are appended
	// in the same transaction.
	ImportDirectory(ctx context.Context, jcs []bot.Jobcenter, people []bot.Consultant, audit ...bot.AuditEntry) ([]bot.Jobcenter, []bot.Consultant, error)
	// ImportContacts stores contacts of existing companies in one
	// transaction, moving each company's last contact forward; it ends no
	// snooze or plan.
	ImportContacts(ctx context.Context, cs []bot.Contact) error
	// ImportPositions stores positions with their own numbers in one
	// transaction; the numbering goes on after the highest.
	ImportPositions(ctx context.Context, ps []bot.Position) error
}

// Store is what New takes: one value (storage.DB) that meets every
// family's interface. The interfaces above state the contracts; the
// Service hands each family of handlers only the part it uses
// (nameIndex, contactLog, companyRegister, portfolioReader, directory,
// positionStore, introDayStore, importStore).
type Store interface {
	Archiver
	People
	Companies
	Contacts
	Importer
	IntroDays
	Positions
	Nudges
	Coverage
	Auditor
	Forgetter
}

// Coverage keeps the daily coverage snapshots the chart is drawn from.
// storage.DB implements it; see storage/coverage.go.
type Coverage interface {
	// SaveCoverageSnapshots stores ss as day's snapshots (replacing the
	// day's of the same jobcenters) and marks the day taken, in one
	// transaction.
	SaveCoverageSnapshots(ctx context.Context, day time.Time, ss []bot.CoverageSnapshot) error
	// CoverageTaken reports whether day's snapshots have been saved.
	CoverageTaken(ctx context.Context, day time.Time) (bool, error)
	// CoverageSnapshots returns a jobcenter's snapshots of the days from
	// through to, oldest first.
	CoverageSnapshots(ctx context.Context, jobcenter uint64, from, to time.Time) ([]bot.CoverageSnapshot, error)
}

// Positions is what commands need of open positions. storage.DB
// implements it; see storage/positions.go for the contracts.
type Positions interface {
	// CreatePosition stores a new position of an existing company. An open
	// position of the company with the same normalized title gives a
	// *bot.ConflictError (What "position") naming it.
	CreatePosition(ctx context.Context, p bot.Position) (bot.Position, error)
	// Position returns the position with the id, or bot.ErrNotFound.
	Position(ctx context.Context, id uint64) (bot.Position, error)
	// UpdatePosition loads the position, lets fn change it and stores it
	// with its indexes in one transaction; fn's error aborts without writing.
	UpdatePosition(ctx context.Context, id uint64, fn func(*bot.Position) error) (bot.Position, error)
	// PositionsOf returns the company's positions, in id order.
	PositionsOf(ctx context.Context, companyID uint64) ([]bot.Position, error)
	// ForEachPosition calls fn for every position, newest first, until fn
	// returns an error, which it returns. fn must not call the store.
	ForEachPosition(ctx context.Context, fn func(bot.Position) error) error
	// PositionsPastDeadline returns the open positions whose deadline is
	// before day, oldest deadline first.
	PositionsPastDeadline(ctx context.Context, day time.Time) ([]bot.Position, error)
}

// IntroDays is what commands need of intro days and their candidates.
// storage.DB implements it; see storage/introdays.go for the contracts.
type IntroDays interface {
	CreateIntroDay(ctx context.Context, d bot.IntroDay) (bot.IntroDay, error)
	IntroDay(ctx context.Context, id uint64) (bot.IntroDay, error)
	UpdateIntroDay(ctx context.Context, id uint64, fn func(*bot.IntroDay) error) (bot.IntroDay, error)
	IntroDaysFrom(ctx context.Context, day time.Time) ([]bot.IntroDay, error)
	AddCandidate(ctx context.Context, c bot.Candidate) (bot.Candidate, error)
	UpdateCandidate(ctx context.Context, introDay uint64, ref string, fn func(*bot.Candidate) error) (bot.Candidate, error)
	Candidates(ctx context.Context, introDay uint64) ([]bot.Candidate, error)
	CandidateByRef(ctx context.Context, ref string) (bot.Candidate, error)
	// CandidatesByRef returns every intro day's record of the reference,
	// in intro-day id order.
	CandidatesByRef(ctx context.Context, ref string) ([]bot.Candidate, error)
}
