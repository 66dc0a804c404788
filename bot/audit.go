package bot

import "time"

// AuditAction names what an audit entry records. The values are stored:
// never rename one.
type AuditAction string

// The audited actions.
const (
	AuditRole           AuditAction = "role"            // a consultant's role changed
	AuditAdminBootstrap AuditAction = "admin_bootstrap" // someone made admin outside the commands (first operator, KONTAKTBOT_ADMINS, kontaktbot admin add)
	AuditJobcenter      AuditAction = "jobcenter"       // a jobcenter created or changed (name, channels, closed days, goal, retention)
	AuditJoin           AuditAction = "join"            // a consultant moved to another jobcenter
	AuditPartner        AuditAction = "partner"         // two jobcenters made partners
	AuditAssign         AuditAction = "assign"          // a company's dedicated consultant changed
	AuditCompanyDelete  AuditAction = "company_delete"  // a company deleted with its contacts
	AuditCompanyMerge   AuditAction = "company_merge"   // two companies merged
	AuditImport         AuditAction = "import"          // a portfolio or archive imported
	AuditExport         AuditAction = "export"          // data exported (whole file, a person's data, the audit)
	AuditBackup         AuditAction = "backup"          // a backup written
	AuditRestore        AuditAction = "restore"         // a backup restored
	AuditChannel        AuditAction = "channel"         // a channel bound to or unbound from a jobcenter
	AuditLink           AuditAction = "link"            // two records of one person linked (forbind)
	AuditPersonDelete   AuditAction = "person_delete"   // a person who has left deleted (name and identities)
	AuditReadNotes      AuditAction = "read_notes"      // another jobcenter's notes read (a partner or an admin)
	AuditRetention      AuditAction = "retention"       // a retention run: Detail holds the counts
	AuditForget         AuditAction = "forget"          // glem: Detail holds the count and a keyed hash of the text, never the text
	AuditPrune          AuditAction = "audit_prune"     // old audit entries removed: Detail holds the count
)

// AuditEntry is one line of the audit trail: who did what, when, to whom.
// Entries are only ever appended; the store chains them by hash so that a
// changed or removed entry is found (kontaktbot check).
type AuditEntry struct {
	// Seq numbers the entries in the order they were written; the store
	// sets it.
	Seq uint64 `json:"seq"`
	// At is when it happened; the store sets it when zero.
	At time.Time `json:"at"`
	// ActorID is the consultant who acted, 0 for the operator or the
	// system (Actor then says which: "kontaktbot restore", "retention").
	ActorID uint64 `json:"actor_id,omitempty"`
	Actor   string `json:"actor"`
	// JobcenterID is the jobcenter the act concerns (a lead sees the
	// entries of their own), 0 for none or all.
	JobcenterID uint64 `json:"jobcenter,omitempty"`
	// PersonID is the consultant the act is about (whose role, who was
	// linked), 0 for none: a person's access request finds entries by it
	// and by ActorID.
	PersonID uint64      `json:"person_id,omitempty"`
	Action   AuditAction `json:"action"`
	// Subject names what was acted on ("Hanne Jensen", "L-tek ApS #12").
	Subject string `json:"subject,omitempty"`
	// Detail says what changed ("consultant -> lead"). Never personal
	// free text: a note or a glem text is not written here.
	Detail string `json:"detail,omitempty"`
	// Prev is the hex SHA-256 of the entry before, as stored; the store
	// sets it.
	Prev string `json:"prev"`
}

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	// PersonID keeps entries by or about the consultant.
	PersonID uint64
	// JobcenterID keeps entries whose JobcenterID is it.
	JobcenterID uint64
	// From and To keep entries at or after From and before To.
	From, To time.Time
}
