// Package commands is kontaktbot's command language: it parses a line such
// as "visit L-tek mødte Lars om to svejsere" into a command, checks that the
// person may run it, runs it against the store and returns a reply in the
// neutral message model. It knows nothing of Slack, Teams or bbolt.
package commands

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"

	"kontaktbot/bot"
)

// Service runs commands. It is safe for concurrent use.
//
// Each family of handlers reaches the store through a field of its own,
// typed by the small interface it uses (declared beside it): a handler
// cannot use more of the store than its family declares.
type Service struct {
	names     nameIndex
	contacts  contactLog
	register  companyRegister
	remover   companyRemover
	portfolio portfolioReader
	people    directory
	positions positionStore
	introDays introDayStore
	importer  importStore
	nudges    Nudges
	archive   archiveStore
	coverage  Coverage
	audit     Auditor
	forgetter Forgetter
	clock     bot.Clock
	log       *slog.Logger
	newcomers string // the jobcenter new people join
	notifier  bot.Notifier
	metrics   bot.Metrics
	table     []*Command
	byKey     map[string]*Command // folded name or alias -> the first command of the table it names
	links     *linkCodes
	admins    []string        // KONTAKTBOT_ADMINS: platform user ids, identity keys or console names
	closed    []bot.ClosedDay // KONTAKTBOT_CLOSED_DAYS: every jobcenter's extra closed days
	// noteMonths is the default retention period of notes
	// (KONTAKTBOT_NOTE_RETENTION_MONTHS).
	noteMonths int
	// snapped is the last day whose coverage snapshots are known to be
	// stored, so that the scheduler's check every minute reads nothing.
	snapMu  sync.Mutex
	snapped time.Time
}

// Config holds what a Service needs besides its store.
type Config struct {
	Clock bot.Clock
	Log   *slog.Logger
	// Jobcenter is the name of the jobcenter new people join on first use
	// (per workspace or tenant later; one for the console).
	Jobcenter string
	// Notifier posts announcements (open positions) to channels and updates
	// them in place. Nil means nothing is announced, and replies say so.
	Notifier bot.Notifier
	// Metrics counts commands by name and outcome; nil counts nothing.
	Metrics bot.Metrics
	// Admins names the people who are admins whatever the file says
	// (KONTAKTBOT_ADMINS): a Slack or Teams user id ("U0123ABC", an Entra
	// object id), an identity key ("slack/T0123/U0123ABC") or a console
	// name ("Hanne Jensen"). Each is made admin when they next write.
	Admins []string
	// ClosedDays are the extra closed days of every jobcenter
	// (KONTAKTBOT_CLOSED_DAYS); each jobcenter adds its own.
	ClosedDays []bot.ClosedDay
	// NoteRetentionMonths is how long notes are kept where a jobcenter has
	// set no period (KONTAKTBOT_NOTE_RETENTION_MONTHS); 0 means
	// DefaultNoteRetentionMonths.
	NoteRetentionMonths int
}

// DefaultJobcenter is the jobcenter new people join when none is configured.
const DefaultJobcenter = "Jobcenter"

// New returns a Service over store.
func New(store Store, cfg Config) *Service {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Jobcenter == "" {
		cfg.Jobcenter = DefaultJobcenter
	}
	if cfg.Metrics == nil {
		cfg.Metrics = bot.NopMetrics{}
	}
	if cfg.NoteRetentionMonths <= 0 {
		cfg.NoteRetentionMonths = DefaultNoteRetentionMonths
	}
	s := &Service{names: store, contacts: store, register: store, remover: store, portfolio: store, people: store, positions: store,
		introDays: store, importer: store, nudges: store, archive: store, coverage: store, audit: store, forgetter: store, clock: cfg.Clock, log: cfg.Log, newcomers: cfg.Jobcenter, notifier: cfg.Notifier, metrics: cfg.Metrics,
		admins: cfg.Admins, closed: cfg.ClosedDays, noteMonths: cfg.NoteRetentionMonths}
	s.table = commandTable()
	s.byKey = keys(s.table)
	s.links = &linkCodes{codes: map[string]linkCode{}}
	return s
}

// call is one command being run: who, when, and in which language.
type call struct {
	actor bot.Consultant
	now   time.Time
	lang  bot.Lang
	req   bot.Request
	// words are the words of the cleaned line, the command's own included,
	// for handlers whose second word may also begin a company's name.
	words []string
}

func (c *call) tr(da, en string) string { return tr(c.lang, da, en) }

// Handle runs one command line for the person in req and returns the reply.
// It never panics on user input and never returns an internal error's text:
// such errors are logged and the user is told "intern fejl".
func (s *Service) Handle(ctx context.Context, req bot.Request) bot.Message {
	start := s.clock.Now()
	name, outcome := "?", "ok"
	lang, msg, err := s.handle(ctx, req, &name)
	if err != nil {
		var be *bot.Error
		outcome = "refused"
		if !errors.As(err, &be) || be.Code == bot.Internal {
			outcome = "error"
		}
		msg = s.errorReply(ctx, lang, err, name)
	} else if msg.Error {
		outcome = "refused"
	}
	took := s.clock.Now().Sub(start)
	s.metrics.Command(name, outcome, took)
	// Never log the text itself: it may hold personal data.
	s.log.Info("command", "command", name, "outcome", outcome,
		"platform", req.From.Platform, "ms", took.Milliseconds())
	return msg
}

// handle runs req and returns its reply, or the error to answer with in
// lang. name is set to the command's table name once it is known.
func (s *Service) handle(ctx context.Context, req bot.Request, name *string) (bot.Lang, bot.Message, error) {
	joins := s.newcomers
	if req.Jobcenter != "" {
		joins = req.Jobcenter
	} else if req.From.Platform != bot.ConsolePlatform {
		*name = "unknown-organisation"
		s.log.Warn("refused a request from an organisation that is not set up",
			"platform", req.From.Platform, "team", req.From.Team)
		return bot.Danish, notSetUp(req.From), nil
	}
	actor, _, err := s.people.EnsureConsultant(ctx, req.From, displayName(req), joins)
	if err != nil {
		return bot.Danish, bot.Message{}, err
	}
	if actor.Role != bot.RoleAdmin && s.namedAdmin(req.From) {
		if actor, err = s.people.UpdateConsultant(ctx, actor.ID, func(c *bot.Consultant) error {
			c.Role = bot.RoleAdmin
			return nil
		}, bot.AuditEntry{At: s.clock.Now(), ActorID: actor.ID, Actor: "KONTAKTBOT_ADMINS", JobcenterID: actor.JobcenterID, PersonID: actor.ID,
			Action: bot.AuditAdminBootstrap, Subject: actor.Name, Detail: string(actor.Role) + " -> admin"}); err != nil {
			return bot.Danish, bot.Message{}, err
		}
		s.log.Info("made admin, as KONTAKTBOT_ADMINS names them", "consultant", actor.ID, "platform", req.From.Platform)
	}
	c := &call{actor: actor, now: s.clock.Now().In(bot.Copenhagen), lang: langOf(actor), req: req}
	if req.OpenForm != nil || req.Submit != nil {
		msg, err := s.formRequest(ctx, c, req, name)
		return c.lang, msg, err
	}
	line, err := s.ParseLine(req.Text, c.lang)
	if err != nil {
		return c.lang, bot.Message{}, err
	}
	c.words = fields(line.Text)
	cmd, args := line.cmd, line.Args
	if cmd == nil {
		return c.lang, bot.Message{}, s.unknownCommand(c, line.Text)
	}
	*name = cmd.Name
	if !cmd.allowed(actor.Role) {
		return c.lang, bot.Message{}, forbidden(c, cmd)
	}
	msg, err := cmd.Run(ctx, s, c, args)
	return c.lang, msg, err
}

// Line is a command line read without the store: the first step of
// Handle. Resolving the names in it (companies, people, jobcenters)
// against the store is the second; each command's own reader then turns
// the words after a name into its typed arguments, again without the store
// (parseVisitTail, parsePosition, dayAhead, TakeSnooze).
type Line struct {
	// Text is the cleaned line: trimmed, without a leading slash, line
	// breaks as spaces.
	Text string
	// Command is the table name of the command the line begins with; ""
	// when it names none.
	Command string
	// Args are the words after the command's name.
	Args []string
	cmd  *Command
}

// ParseLine checks and cleans a raw line and finds its command. It reads
// nothing but the command table: a line that is not UTF-8, holds control
// characters, is too long or holds a CPR number is refused with a message
// in lang that never echoes it.
func (s *Service) ParseLine(raw string, lang bot.Lang) (Line, error) {
	text, err := cleanLine(lang, raw)
	if err != nil {
		return Line{}, err
	}
	l := Line{Text: text}
	if l.cmd, l.Args = s.lookup(text); l.cmd != nil {
		l.Command = l.cmd.Name
	}
	return l, nil
}

// rolesByRank are the roles from the lowest to the highest.
var rolesByRank = []bot.Role{bot.RoleConsultant, bot.RoleCoordinator, bot.RoleLead, bot.RoleAdmin}

// forbidden refuses cmd to the person in c, naming the roles that may run
// it, so that they know whom to ask: a lead refused an admin's command is
// sent to an administrator, not to a lead.
func forbidden(c *call, cmd *Command) error {
	var may, ask []string
	for _, r := range rolesByRank {
		if r.Rank() < cmd.MinRole.Rank() {
			continue
		}
		may = append(may, roleName(c.lang, r))
		ask = append(ask, c.tr("en ", "a ")+roleName(c.lang, r))
	}
	ask[len(ask)-1] = c.tr("en administrator", "an admin") // the last is always admin
	name := "»" + cmd.In(c.lang) + "«"
	return bot.Errorf(bot.Forbidden, "%s", c.tr(
		"Det må du ikke med din rolle ("+roleName(bot.Danish, c.actor.Role)+"): "+name+" kræver rollen "+orList(c.lang, may)+". Spørg "+orList(c.lang, ask)+".",
		"Your role ("+roleName(bot.English, c.actor.Role)+") may not do that: "+name+" needs the role "+orList(c.lang, may)+". Ask "+orList(c.lang, ask)+"."))
}

// errorReply turns err into a reply: a *bot.Error's own message, or for
// anything else a polite "intern fejl" while the detail goes to the log.
func (s *Service) errorReply(ctx context.Context, lang bot.Lang, err error, command string) bot.Message {
	var be *bot.Error
	if errors.As(err, &be) && be.Code != bot.Internal {
		return bot.Message{Blocks: []bot.Block{bot.Text{Text: "⚠️ " + be.Message}}, Error: true}
	}
	if ctx.Err() != nil {
		s.log.Warn("command cancelled", "command", command, "err", err)
	} else {
		s.log.Error("command failed", "command", command, "err", err)
	}
	return bot.Message{Blocks: []bot.Block{bot.Text{Text: "⚠️ " + tr(lang,
		"Der skete en intern fejl, og intet blev gemt. Prøv igen om lidt; sker det igen, så sig det til din administrator.",
		"Something went wrong on our side and nothing was saved. Please try again shortly; if it happens again, tell your admin.")}},
		Error: true}
}

// namedAdmin reports whether Config.Admins names the person with id.
func (s *Service) namedAdmin(id bot.Identity) bool {
	for _, a := range s.admins {
		switch {
		case id.Platform == bot.ConsolePlatform && bot.NormalizeName(a) == id.User:
			return true
		case id.Platform != bot.ConsolePlatform && (a == id.User || a == id.Key()):
			return true
		}
	}
	return false
}

// notSetUp is the one reply to a person whose Slack workspace, Enterprise
// Grid org or Teams tenant is on no allow-list. Their language is unknown,
// so it says it in both; it names the id an admin must add.
func notSetUp(from bot.Identity) bot.Message {
	where := map[string][2]string{"slack": {"Slack-arbejdsområde", "Slack workspace"}, "teams": {"Teams-organisation", "Teams organisation"}}[from.Platform]
	if where[0] == "" {
		where = [2]string{"organisation", "organisation"}
	}
	id := from.Team
	if id == "" {
		id = "?"
	}
	return bot.Message{Error: true, Blocks: []bot.Block{bot.Text{Text: "⚠️ " +
		"Jeres " + where[0] + " »" + id + "« er ikke sat op i kontaktbot, så intet er gemt. Bed jeres administrator om at knytte det til jeres jobcenter.\n" +
		"Your " + where[1] + " »" + id + "« is not set up in kontaktbot, so nothing was saved. Ask your administrator to link it to your jobcenter."}}}
}

// displayName is the name the platform gives the person, without the
// invisible characters a display name can carry (bidi controls that
// reorder what others see, control characters) and never a CPR number;
// their user id when nothing is left.
func displayName(req bot.Request) string {
	n := strings.Map(func(r rune) rune {
		if isBidiControl(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, req.Name)
	if n = strings.Join(strings.Fields(n), " "); n != "" && !bot.ContainsCPR(n) {
		return n
	}
	return req.From.User
}

func langOf(c bot.Consultant) bot.Lang {
	if c.Lang == bot.English {
		return bot.English
	}
	return bot.Danish
}

func tr(lang bot.Lang, da, en string) string { return lang.Pick(da, en) }
