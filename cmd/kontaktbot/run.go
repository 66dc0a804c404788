package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"kontaktbot/bot"
	"kontaktbot/bot/console"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// Compile-time proof that storage meets what commands needs.
var _ commands.Store = (*storage.DB)(nil)

const usageText = `kontaktbot — kontakt med virksomheder, fra chatten.

Brug:
  kontaktbot [console] [--db FIL] [--as NAVN]     chat i terminalen (standard uden Slack/Teams)
  kontaktbot admin add "NAVN" [--db FIL]           gør en person til administrator (admin list: hvem er det)
  kontaktbot backup --db FIL --to FIL             konsistent kopi af databasen, også mens botten kører
  kontaktbot restore --from KOPI --db FIL         læg en kontrolleret kopi på plads (botten stoppet); den gamle fil gemmes ved siden af
  kontaktbot check [--db FIL]                     kontrollér hver side i filen
  kontaktbot compact [--db FIL]                   skriv filen tæt igen (botten stoppet); den gamle fil gemmes ved siden af
  kontaktbot import companies FIL.csv [--dry-run] [--create-people] [--db FIL]
  kontaktbot import companies FIL.csv --addresses [--dry-run] [--db FIL]
                                                  adresser på kendte virksomheder, fundet efter CVR eller navn
  kontaktbot export companies [--out FIL] [--db FIL]
  kontaktbot export all --out MAPPE|FIL.zip [--jobcenter NAVN] [--db FIL]
                                                  alt (eller ét jobcenters): jobcentre, personer, virksomheder, kontakter, stillinger
  kontaktbot export person NAVN --out FIL.zip [--db FIL]
                                                  indsigt: alt om én person (CSV og LÆS_MIG i en zip)
  kontaktbot audit export --out FIL.csv [--db FIL]  hele revisionssporet, til databeskyttelsesrådgiveren
  kontaktbot import all MAPPE|FIL.zip [--dry-run] [--db FIL]  en hel eksport ind i en tom (eller ny) fil
  kontaktbot serve [--db FIL] [--addr :8080] [--metrics-addr 127.0.0.1:9090|off]
                                                  HTTP-server til Slack og Teams (og /healthz, /readyz); /metrics på sin egen adresse
  kontaktbot slack-manifest --url https://VÆRT [--socket]  Slack-appens manifest (YAML)
  kontaktbot teams-package --app-id GUID --url https://VÆRT --out FIL.zip  Teams-appens pakke (manifest og ikoner)
  kontaktbot remind [--db FIL] [--at TID] [--dry-run]  kør morgenens påmindelser nu (eller som ved TID, RFC 3339),
                                                  gennem de platforme, miljøet konfigurerer (som serve)
  kontaktbot help

Miljø: KONTAKTBOT_DB (databasefil, standard ./kontaktbot.db), KONTAKTBOT_JOBCENTER (jobcentret
nye personer kommer i), KONTAKTBOT_AS (hvem du er i konsollen), KONTAKTBOT_LOG_LEVEL (debug|info|warn|error),
KONTAKTBOT_NUDGE_SCHEDULE (cron, standard "0 8 * * 1-5"), KONTAKTBOT_CLOSED_DAYS (ekstra lukkedage),
KONTAKTBOT_METRICS_ADDR (adressen for /metrics, standard 127.0.0.1:9090; off: ingen),
KONTAKTBOT_METRICS_TOKEN (mindst 32 tegn: /metrics kræver "Authorization: Bearer TOKEN" og
serveres så også på den offentlige adresse), KONTAKTBOT_ADMINS (administratorer: Slack- eller
Teams-bruger-id'er eller konsolnavne, adskilt af komma), SLACK_TEAM_JOBCENTERS og TEAMS_TENANT_JOBCENTERS
(de arbejdsområder og tenants, der må bruge botten, hver med sit jobcenter: T0123=Jobcenter Odense; …).
`

// env is the process environment as run sees it.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	clock  bot.Clock
	// metrics counts commands and deliveries; nil outside serve.
	metrics bot.Metrics
}

// run is the whole program: main only calls it, and tests call it too.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, clock: bot.ClockFunc(time.Now)}
	// With a platform's credentials the bot serves it; without, it is a
	// chat in the terminal.
	cmd, rest := "console", args
	for _, k := range []string{"SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD"} {
		if getenv(k) != "" {
			cmd = "serve"
		}
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		cmd, rest = "help", nil
	} else if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	e.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv("KONTAKTBOT_LOG_LEVEL"), cmd)}))
	switch cmd {
	case "console":
		return e.console(ctx, rest)
	case "backup":
		return e.backup(ctx, rest)
	case "admin":
		return e.admin(ctx, rest)
	case "check":
		return e.check(ctx, rest)
	case "compact":
		return e.compact(ctx, rest)
	case "restore":
		return e.restore(ctx, rest)
	case "import":
		if kindOf(rest) == "all" {
			return e.importAll(ctx, rest)
		}
		return e.importCompanies(ctx, rest)
	case "export":
		switch kindOf(rest) {
		case "all":
			return e.exportAll(ctx, rest)
		case "person":
			return e.exportPerson(ctx, rest)
		}
		return e.exportCompanies(ctx, rest)
	case "audit":
		return e.auditTrail(ctx, rest)
	case "remind":
		return e.remind(ctx, rest)
	case "serve":
		return e.serve(ctx, rest)
	case "slack-manifest":
		return e.slackManifest(rest)
	case "teams-package":
		return e.teamsPackage(rest)
	case "help":
		fmt.Fprint(stdout, usageText)
		return nil
	}
	fmt.Fprint(stderr, usageText)
	return fmt.Errorf("unknown subcommand %q", cmd)
}

// logLevel is warn in the console, where logs would drown the chat, and
// info elsewhere, unless KONTAKTBOT_LOG_LEVEL says otherwise.
func logLevel(s, cmd string) slog.Level {
	var l slog.Level
	if s != "" && l.UnmarshalText([]byte(s)) == nil {
		return l
	}
	if cmd == "console" {
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// kindOf is the first positional argument of an import or export
// ("companies", "all"), skipping the flags before it and their values.
func kindOf(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case !strings.HasPrefix(a, "-"):
			return a
		case strings.Contains(a, "=") || a == "--dry-run" || a == "-dry-run" || a == "--create-people" || a == "-create-people":
		default:
			i++ // --db FILE, --out FILE, --jobcenter NAME
		}
	}
	return ""
}

// parseFlags parses flags that may come before, between or after the
// positional arguments ("import companies f.csv --dry-run") and returns
// the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (e *env) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("kontaktbot "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func (e *env) dbFlag(fs *flag.FlagSet) *string {
	def := e.getenv("KONTAKTBOT_DB")
	if def == "" {
		def = "kontaktbot.db"
	}
	return fs.String("db", def, "database file (KONTAKTBOT_DB)")
}

func (e *env) open(path string) (*storage.DB, error) {
	return storage.Open(path, storage.Options{Timeout: 2 * time.Second, Clock: e.clock})
}

// openReadOnly opens an existing file for reading only (export): a
// mistyped --db is an error, not a new empty database.
func (e *env) openReadOnly(path string) (*storage.DB, error) {
	return storage.Open(path, storage.Options{Timeout: 2 * time.Second, Clock: e.clock, ReadOnly: true})
}

// service is the command service for import and export, which announce
// nothing.
func (e *env) service(db *storage.DB) *commands.Service { return e.chat(db, nil) }

// chat is the command service of a chat: n posts its announcements.
func (e *env) chat(db *storage.DB, n bot.Notifier) *commands.Service {
	// A list that does not parse keeps the scheduler from starting, which
	// says why; commands then count weekends, holidays and the jobcenters'
	// own closed days, and the log says so.
	closed, err := bot.ParseClosedDays(e.getenv("KONTAKTBOT_CLOSED_DAYS"))
	if err != nil {
		e.log.Warn("KONTAKTBOT_CLOSED_DAYS not read; commands count only weekends, holidays and jobcenters' own closed days", "err", err)
	}
	months, err := e.noteMonths()
	if err != nil {
		e.log.Warn("KONTAKTBOT_NOTE_RETENTION_MONTHS not read; the default applies", "err", err)
	}
	return commands.New(db, commands.Config{Clock: e.clock, Log: e.log, Jobcenter: e.getenv("KONTAKTBOT_JOBCENTER"), Notifier: n, Metrics: e.metrics,
		Admins: splitList(e.getenv("KONTAKTBOT_ADMINS")), ClosedDays: closed, NoteRetentionMonths: months})
}

func (e *env) console(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("console")
	dbPath := e.dbFlag(fs)
	as := fs.String("as", e.defaultPerson(), "the consultant you act as (KONTAKTBOT_AS)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		// "kontaktbot --db f export companies" must not quietly start a chat.
		return fmt.Errorf("unexpected argument %q: the subcommand comes first, e.g. kontaktbot %s --db FILE", pos[0], strings.Join(pos, " "))
	}
	if bot.NormalizeName(*as) == "" {
		return errors.New("--as needs a name with letters or digits")
	}
	db, err := e.open(*dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if stop, err := db.ServeSocket(ctx, e.operatorRequests(db)); err != nil {
		e.log.Warn("online backup unavailable while the console runs", "err", err)
	} else {
		defer stop()
	}
	interactive := isTerminal(e.stdin)
	c := console.New(e.stdout, *as, interactive)
	svc := e.chat(db, c)
	periods, err := e.periods()
	if err != nil {
		return err
	}
	retain := e.retention(db, periods)
	if err := retain(ctx, e.clock.Now()); err != nil {
		return err
	}
	if interactive {
		// At the terminal, nudges are printed into the chat when the
		// schedule says, but only those of people who have used only the
		// console: a Slack or Teams user's stay owed, for serve to deliver
		// there. Piped input is a script, which a nudge printed in between
		// would garble.
		sched, err := e.scheduler(db, bot.Platforms{console.Platform: c})
		if err != nil {
			return err
		}
		prune, err := e.auditPrune(db)
		if err != nil {
			return err
		}
		sched.Before("coverage snapshot", svc.SnapshotCoverage)
		sched.Also("expire positions", expirePositions(svc))
		sched.Also("prune audit", prune)
		sched.Also("retention", retain)
		ctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- sched.Run(ctx) }()
		defer func() { stop(); <-done }()
	}
	return c.Run(ctx, e.stdin, svc)
}

func (e *env) defaultPerson() string {
	for _, k := range []string{"KONTAKTBOT_AS", "USER", "USERNAME"} {
		if v := e.getenv(k); bot.NormalizeName(v) != "" {
			return v
		}
	}
	return "Konsulent"
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	return term.IsTerminal(int(f.Fd())) // /dev/null is a character device, not a terminal
}

func (e *env) backup(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("backup")
	dbPath := e.dbFlag(fs)
	to := fs.String("to", "", "the backup file to write")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup needs --to FILE")
	}
	// A running bot sends the copy through its socket and records it; a
	// copy of a free file is recorded here, in the file copied (after the
	// copy: not in it).
	offline := !running(*dbPath)
	if err := storage.BackupPath(ctx, *dbPath, *to, 2*time.Second); err != nil {
		return err
	}
	if offline {
		detail := ""
		if st, err := os.Stat(*to); err == nil {
			detail = strconv.FormatInt(st.Size(), 10) + " bytes"
		}
		e.record(ctx, *dbPath, "backuppen", bot.AuditEntry{At: e.clock.Now(), Actor: "kontaktbot backup",
			Action: bot.AuditBackup, Subject: *to, Detail: detail})
	}
	fmt.Fprintf(e.stdout, "Backup skrevet til %s\n", *to)
	return nil
}

// splitList reads a list separated by commas, semicolons or line breaks
// (not spaces: a console name has them), dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
