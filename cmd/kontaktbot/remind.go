package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/console"
	"kontaktbot/bot/slack"
	"kontaktbot/bot/teams"
	"kontaktbot/commands"
	"kontaktbot/reminders"
	"kontaktbot/storage"
)

// Compile-time proof that storage meets what reminders needs.
var (
	_ reminders.Portfolio = (*storage.DB)(nil)
	_ reminders.People    = (*storage.DB)(nil)
	_ reminders.Outbox    = (*storage.DB)(nil)
	_ reminders.Pruner    = (*storage.DB)(nil)
	_ reminders.Pipeline  = (*storage.DB)(nil)
)

// sweeper wires a Sweeper to the database and a notifier, with the closed
// days of KONTAKTBOT_CLOSED_DAYS.
func (e *env) sweeper(db *storage.DB, n bot.Notifier) (*reminders.Sweeper, error) {
	closed, err := bot.ParseClosedDays(e.getenv("KONTAKTBOT_CLOSED_DAYS"))
	if err != nil {
		return nil, fmt.Errorf("KONTAKTBOT_CLOSED_DAYS: %w", err)
	}
	return reminders.NewSweeper(reminders.Config{Portfolio: db, People: db, Outbox: db, Pipeline: db, Coverage: db, Crossings: db, Notifier: n,
		Clock: e.clock, Log: e.log, ClosedDays: closed, Metrics: e.metrics}), nil
}

// scheduler is the nudge scheduler on KONTAKTBOT_NUDGE_SCHEDULE.
func (e *env) scheduler(db *storage.DB, n bot.Notifier) (*reminders.Scheduler, error) {
	sw, err := e.sweeper(db, n)
	if err != nil {
		return nil, err
	}
	s, err := reminders.NewScheduler(e.getenv("KONTAKTBOT_NUDGE_SCHEDULE"), sw, e.clock, e.log, 0)
	if err != nil {
		return nil, fmt.Errorf("KONTAKTBOT_NUDGE_SCHEDULE: %w", err)
	}
	return s, nil
}

// expirePositions is the scheduler task that expires open positions past
// their deadline and updates their announcements.
func expirePositions(svc *commands.Service) reminders.Task {
	return func(ctx context.Context, now time.Time) error {
		_, err := svc.ExpirePositions(ctx, now)
		return err
	}
}

// remind runs one sweep by hand, as the scheduler would at --at, and the
// scheduler's other tasks (expiring positions). It delivers through the
// platforms serve would use, from the same environment, and prints the
// messages of people who have used only the console; a person whose
// platform is not configured here is left owed, for serve. It fails when
// a delivery failed (to be retried), so that cron reports it.
func (e *env) remind(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("remind")
	dbPath := e.dbFlag(fs)
	at := fs.String("at", "", "the time to sweep as, RFC 3339 (default now)")
	dry := fs.Bool("dry-run", false, "only print what would be sent")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q; usage: kontaktbot remind [--db FILE] [--at TIME] [--dry-run]", pos[0])
	}
	now := e.clock.Now()
	if *at != "" {
		if now, err = time.Parse(time.RFC3339, *at); err != nil {
			return fmt.Errorf("--at %q: write a time such as 2026-11-23T08:00:00+01:00", *at)
		}
	}
	open := e.open
	if *dry {
		open = e.openReadOnly
	}
	db, err := open(*dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	n, why, err := e.remindNotifiers(db)
	if err != nil {
		return err
	}
	sw, err := e.sweeper(db, n)
	if err != nil {
		return err
	}
	if *dry {
		return e.remindPreview(ctx, sw, n, now, why)
	}
	svc := e.chat(db, n)
	// Before the sweep: the leads' digest charts the day's snapshot too.
	if err := svc.SnapshotCoverage(ctx, now); err != nil {
		return err
	}
	rep, err := sw.Sweep(ctx, now)
	if err != nil {
		return err
	}
	expired, err := svc.ExpirePositions(ctx, now)
	if err != nil {
		return err
	}
	prune, err := e.auditPrune(db)
	if err != nil {
		return err
	}
	if err := prune(ctx, now); err != nil {
		return err
	}
	periods, err := e.periods()
	if err != nil {
		return err
	}
	erased, cands, err := runRetention(ctx, db, now, periods)
	if err != nil {
		return err
	}
	if erased.Notes > 0 || cands > 0 {
		fmt.Fprintf(e.stdout, "Opbevaring: teksten af %d noter og %d kandidater er slettet.\n", erased.Notes, cands)
	}
	return e.remindReport(rep, expired, now, why)
}

// remindReport prints what a run did, and fails when a delivery failed,
// so that cron reports it.
func (e *env) remindReport(rep reminders.Report, expired int, now time.Time, why func(string) string) error {
	switch {
	case expired == 1:
		fmt.Fprintln(e.stdout, "1 stilling passerede sin frist og er markeret udløbet.")
	case expired > 1:
		fmt.Fprintf(e.stdout, "%d stillinger passerede deres frist og er markeret udløbet.\n", expired)
	}
	planned := 0
	for _, n := range rep.Planned {
		planned += n
	}
	fmt.Fprintf(e.stdout, "Påmindelser for %s: %d planlagt nu, %d sendt, %d fejlet (prøves igen), %d opgivet.\n",
		bot.FormatDateLong(now, bot.Danish), planned, rep.Sent, rep.Failed, rep.Given)
	for _, platform := range slices.Sorted(maps.Keys(rep.Left)) {
		fmt.Fprintf(e.stdout, "%s venter på %s og er ikke markeret sendt: %s\n",
			counted(rep.Left[platform], "besked", "beskeder"), platformName(platform), why(platform))
	}
	if rep.Failed > 0 {
		return fmt.Errorf("%d of the messages could not be delivered now (see the log above); they are not marked sent and are retried by the next `kontaktbot remind` or by serve", rep.Failed)
	}
	return nil
}

// remindPreview prints what a sweep at now would send, and what it would
// leave for serve, and stores nothing.
func (e *env) remindPreview(ctx context.Context, sw *reminders.Sweeper, n bot.Platforms, now time.Time, why func(string) string) error {
	ps, err := sw.Preview(ctx, now)
	if err != nil {
		return err
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].To.ID < ps[j].To.ID })
	sent, left := 0, map[string]int{}
	for _, p := range ps {
		if platform, here := n.Route(p.To); !here && platform != "" {
			left[platform]++
			continue
		}
		sent++
		fmt.Fprintf(e.stdout, "── ville sende til %s (%s) ──\n%s\n", p.To.Name, p.Delivery.Kind, p.Message.PlainText())
	}
	for _, platform := range slices.Sorted(maps.Keys(left)) {
		fmt.Fprintf(e.stdout, "%s ville vente på %s: %s\n", counted(left[platform], "besked", "beskeder"), platformName(platform), why(platform))
	}
	fmt.Fprintf(e.stdout, "Prøvekørsel for %s: %s ville blive sendt; intet er gemt.\n",
		bot.FormatDateLong(now, bot.Danish), counted(sent, "besked", "beskeder"))
	return nil
}

// remindNotifiers are the platforms remind delivers through: those serve
// would use, from the same environment, and the terminal for the people
// who have used only the console. why says, for a platform that is not
// here, why not and what to do; the people on it are left for serve.
func (e *env) remindNotifiers(db *storage.DB) (bot.Platforms, func(platform string) string, error) {
	n, sl, tm, err := e.notifiers(db)
	if err != nil {
		return nil, nil, err
	}
	n[console.Platform] = console.New(e.stdout, "", false)
	why := func(platform string) string {
		const later = "serve leverer dem, eller kør remind igen med samme miljø som serve."
		switch {
		case platform == slack.Platform && sl == nil && e.getenv("SLACK_BOT_TOKEN") != "":
			return "SLACK_BOT_TOKEN er sat, men Slack er kun sat op sammen med SLACK_SIGNING_SECRET eller SLACK_APP_TOKEN; " + later
		case platform == slack.Platform && sl == nil:
			return "Slack er ikke sat op her (SLACK_SIGNING_SECRET eller SLACK_APP_TOKEN og SLACK_BOT_TOKEN); " + later
		case platform == slack.Platform:
			return "SLACK_BOT_TOKEN er ikke sat, så intet kan sendes i Slack; " + later
		case platform == teams.Platform && tm == nil:
			return "Teams er ikke sat op her (MICROSOFT_APP_ID og MICROSOFT_APP_PASSWORD); " + later
		}
		return "platformen er ikke sat op her; " + later
	}
	return n, why, nil
}

// platformName is how remind's output names a platform.
func platformName(platform string) string {
	switch platform {
	case slack.Platform:
		return "Slack"
	case teams.Platform:
		return "Teams"
	case "?":
		return "en platform, der ikke er sat op her"
	}
	return platform
}

// counted writes n with the singular or the plural noun: "1 besked",
// "2 beskeder", "0 beskeder".
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
