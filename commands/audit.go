package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// The audit trail (storage/audit.go) records who did what: each change a
// lead or an admin makes goes into the trail in the same transaction as
// the change (the storage methods take trailing bot.AuditEntry values),
// and acts that change nothing else (a read of another jobcenter's notes)
// are appended on their own. No command edits or deletes an entry.

// Auditor is what commands use of the audit trail. storage.DB
// implements it; see storage/audit.go.
type Auditor interface {
	// Audit appends e to the trail in a transaction of its own.
	Audit(ctx context.Context, e bot.AuditEntry) error
	// AuditPage returns the entries f selects, newest first, skip left
	// out and at most limit given, and how many f selects in all.
	AuditPage(ctx context.Context, f bot.AuditFilter, skip, limit int) ([]bot.AuditEntry, int, error)
	// AuditHash is a keyed hash of text, for an entry that must name a
	// text without keeping it (glem).
	AuditHash(ctx context.Context, text string) (string, error)
}

// auditPageSize is how many entries one page of »revision« shows.
const auditPageSize = 20

// entry is an audit entry of the call's actor, now.
func (c *call) entry(action bot.AuditAction, jobcenter, person uint64, subject, detail string) bot.AuditEntry {
	return bot.AuditEntry{At: c.now, ActorID: c.actor.ID, Actor: c.actor.Name, JobcenterID: jobcenter,
		PersonID: person, Action: action, Subject: subject, Detail: detail}
}

// auditRead records that the actor reads what the jobcenter keeps about
// a company (notes, contact history) when it is not their own jobcenter's:
// a partner's or, for an admin, anyone's. A read the trail cannot record
// is refused, so that no such read goes unrecorded.
func (s *Service) auditRead(ctx context.Context, c *call, jobcenter uint64, co bot.Company, what string) error {
	return s.auditReadOf(ctx, c, jobcenter, co.Name+" #"+itoa(int(co.ID)), what)
}

// auditReadOf is auditRead of something other than a company's notes (a
// position's contact, an intro day's candidates), named by subject.
func (s *Service) auditReadOf(ctx context.Context, c *call, jobcenter uint64, subject, what string) error {
	if jobcenter == 0 || jobcenter == c.actor.JobcenterID {
		return nil
	}
	if err := s.audit.Audit(ctx, c.entry(bot.AuditReadNotes, jobcenter, 0, subject, what)); err != nil {
		return fmt.Errorf("record the read: %w", err)
	}
	return nil
}

// The keywords of »revision« are those of other commands' periods.
var (
	wordAuditFrom = wordFrom
	wordAuditTo   = untilWord
)

// auditActions names the actions in each language.
var auditActions = map[bot.AuditAction][2]string{
	bot.AuditRole:           {"rolle", "role"},
	bot.AuditAdminBootstrap: {"gjort til admin", "made admin"},
	bot.AuditJobcenter:      {"jobcenter", "jobcenter"},
	bot.AuditJoin:           {"flyttet jobcenter", "moved jobcenter"},
	bot.AuditPartner:        {"samarbejde", "partnership"},
	bot.AuditAssign:         {"tildelt", "assigned"},
	bot.AuditCompanyDelete:  {"virksomhed slettet", "company deleted"},
	bot.AuditCompanyMerge:   {"virksomheder lagt sammen", "companies merged"},
	bot.AuditImport:         {"import", "import"},
	bot.AuditExport:         {"eksport", "export"},
	bot.AuditBackup:         {"backup", "backup"},
	bot.AuditRestore:        {"gendannet", "restore"},
	bot.AuditChannel:        {"kanal", "channel"},
	bot.AuditLink:           {"forbundet", "linked"},
	bot.AuditReadNotes:      {"læst andet jobcenters noter", "read another jobcenter's notes"},
	bot.AuditPersonDelete:   {"person slettet", "person deleted"},
	bot.AuditRetention:      {"opbevaring", "retention"},
	bot.AuditForget:         {"glemt", "forgotten"},
	bot.AuditPrune:          {"revision ryddet", "audit pruned"},
}

// auditQuery is what »revision« shows.
type auditQuery struct {
	filter bot.AuditFilter
	who    string // the person or jobcenter as named, for the page buttons
	from   string // as typed
	to     string
	page   int
}

// parseAudit reads [person|jobcenter] [fra <dato>] [til <dato>] [side <n>].
func (s *Service) parseAudit(ctx context.Context, c *call, args []string) (auditQuery, error) {
	q := auditQuery{page: 1}
	var who []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case wordPage.Is(a) && i+1 < len(args):
			p, err := strconv.Atoi(args[i+1])
			if err != nil || p < 1 {
				return q, usageError(s, c, "audit")
			}
			q.page, i = p, i+1
		case wordAuditFrom.Is(a) || wordAuditTo.Is(a):
			r := ReadDate(args[i+1:], c.now, Past)
			if !r.OK {
				return q, bot.Errorf(bot.Invalid, "%s", c.tr(
					"Efter »"+a+"« skal der stå en dato, fx »revision fra 1.11.2026 til i dag«.",
					"»"+a+"« needs a date after it, e.g. »audit from 2026-11-01 to today«."))
			}
			typed := strings.Join(args[i+1:i+1+r.N], " ")
			if wordAuditFrom.Is(a) {
				q.filter.From, q.from = r.Day, typed
			} else {
				q.filter.To, q.to = r.Day.AddDate(0, 0, 1), typed // »til« includes the day
			}
			i += r.N
		default:
			who = append(who, a)
		}
	}
	if len(who) == 0 {
		return q, nil
	}
	q.who = strings.Join(who, " ")
	if j, err := s.jobcenter(ctx, c, who); err == nil {
		q.filter.JobcenterID = j.ID
		return q, nil
	}
	p, err := s.person(ctx, c, who)
	if err != nil {
		return q, err
	}
	q.filter.PersonID = p.ID
	return q, nil
}

// command writes q back as a line for page.
func (q auditQuery) command(c *call, s *Service, page int) string {
	parts := []string{s.find("audit").In(c.lang)}
	if q.who != "" {
		parts = append(parts, q.who)
	}
	if q.from != "" {
		parts = append(parts, wordAuditFrom.In(c.lang), q.from)
	}
	if q.to != "" {
		parts = append(parts, wordAuditTo.In(c.lang), q.to)
	}
	return strings.Join(append(parts, wordPage.In(c.lang), itoa(page)), " ")
}

func runAudit(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	q, err := s.parseAudit(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if c.actor.Role != bot.RoleAdmin {
		// A lead sees their own jobcenter's entries only.
		if q.filter.JobcenterID != 0 && q.filter.JobcenterID != c.actor.JobcenterID {
			return bot.Message{}, s.onlyLeadOf(ctx, c, q.filter.JobcenterID, "")
		}
		q.filter.JobcenterID = c.actor.JobcenterID
	}
	es, total, err := s.audit.AuditPage(ctx, q.filter, (q.page-1)*auditPageSize, auditPageSize)
	if err != nil {
		return bot.Message{}, fmt.Errorf("audit: %w", err)
	}
	title := c.tr("Revisionsspor", "Audit trail")
	if total == 0 {
		return bot.Reply(c.tr("Revisionssporet har intet, der passer.", "Nothing in the audit trail fits.")), nil
	}
	pages := (total + auditPageSize - 1) / auditPageSize
	if q.page > pages {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Der er "+counted(pages, "side", "sider")+"; der er ingen side "+itoa(q.page)+".",
			"There are "+counted(pages, "page", "pages")+"; there is no page "+itoa(q.page)+"."))
	}
	items := make([]string, len(es))
	for i, e := range es {
		items[i] = auditLine(c, e)
	}
	from := (q.page-1)*auditPageSize + 1
	list := bot.List{Items: items, Title: c.tr("Side "+itoa(q.page)+" af "+itoa(pages)+" ("+itoa(from)+"–"+itoa(from+len(es)-1)+" af "+itoa(total)+"), nyeste først",
		"Page "+itoa(q.page)+" of "+itoa(pages)+" ("+itoa(from)+"–"+itoa(from+len(es)-1)+" of "+itoa(total)+"), newest first")}
	blocks := []bot.Block{bot.Heading{Text: title}, list}
	var buttons []bot.Button
	if q.page > 1 {
		buttons = append(buttons, bot.Button{Label: c.tr("◀ Forrige", "◀ Previous"), Command: q.command(c, s, q.page-1)})
	}
	if q.page < pages {
		buttons = append(buttons, bot.Button{Label: c.tr("Næste ▶", "Next ▶"), Command: q.command(c, s, q.page+1)})
	}
	if len(buttons) > 0 {
		blocks = append(blocks, bot.Buttons{Buttons: buttons})
	}
	return bot.Message{Blocks: blocks}, nil
}

// auditLine is one entry as a line: when, who, what, to what.
func auditLine(c *call, e bot.AuditEntry) string {
	what := string(e.Action)
	if n, ok := auditActions[e.Action]; ok {
		what = c.tr(n[0], n[1])
	}
	line := e.At.In(bot.Copenhagen).Format("2006-01-02 15:04") + " · " + e.Actor + " · " + what
	if e.Subject != "" {
		line += " · " + e.Subject
	}
	if e.Detail != "" {
		line += ": " + e.Detail
	}
	return line
}

// jobcenterOf is the company's jobcenter for an audit entry, 0 when it
// cannot be told.
func (s *Service) jobcenterOf(ctx context.Context, co bot.Company) uint64 {
	jc, _ := s.companyJobcenter(ctx, co)
	return jc
}

// importEntry is the audit entry of an import's act: the operator's
// (»kontaktbot import«, with no actor) or a chat user's.
func importEntry(c *call, action bot.AuditAction, subject, detail string) bot.AuditEntry {
	e := c.entry(action, c.actor.JobcenterID, 0, subject, detail)
	if e.Actor == "" {
		e.Actor = "kontaktbot import"
	}
	return e
}
