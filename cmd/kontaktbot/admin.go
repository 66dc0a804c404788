package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// admin names the first admins of a file, or more: "kontaktbot admin add
// NAME" and "kontaktbot admin list". Admins are named, never whoever
// writes first; a Slack or Teams person who has not written yet is named
// by user id in KONTAKTBOT_ADMINS instead.
func (e *env) admin(ctx context.Context, args []string) (err error) {
	fs := e.flagSet("admin")
	dbPath := e.dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	usage := errors.New(`usage: kontaktbot admin add "NAVN" [--db FIL] | kontaktbot admin list [--db FIL]`)
	if len(pos) == 0 {
		return usage
	}
	db, err := e.open(*dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	switch {
	case pos[0] == "list" && len(pos) == 1:
		people, err := db.Consultants(ctx)
		if err != nil {
			return err
		}
		n := 0
		for _, p := range people {
			if p.Role == bot.RoleAdmin {
				fmt.Fprintf(e.stdout, "%s%s\n", p.Name, identities(p))
				n++
			}
		}
		if n == 0 {
			fmt.Fprintln(e.stdout, `Ingen administratorer endnu. Navngiv en med »kontaktbot admin add "NAVN"« eller KONTAKTBOT_ADMINS.`)
		}
		return nil
	case pos[0] == "add" && len(pos) >= 2:
		const actor = "kontaktbot admin add"
		name := strings.Join(strings.Fields(strings.Join(pos[1:], " ")), " ")
		p, err := db.ConsultantByName(ctx, name)
		if errors.Is(err, bot.ErrNotFound) || (err == nil && len(p.Identities) == 0) {
			// Nobody of that name has written: the admin is a console
			// person, who can take the record with --as. On a fresh file
			// that makes them admin already, recorded as done by this
			// command.
			jc := jobcenterOr(e.getenv("KONTAKTBOT_JOBCENTER"))
			p, _, err = db.EnsureConsultant(storage.WithOperator(ctx, actor),
				bot.Identity{Platform: bot.ConsolePlatform, User: bot.NormalizeName(name)}, name, jc)
		}
		if err != nil {
			return fmt.Errorf("admin add: %w", err)
		}
		if p.Role == bot.RoleAdmin {
			fmt.Fprintf(e.stdout, "%s er nu administrator%s.\n", p.Name, identities(p))
			return nil
		}
		audit := bot.AuditEntry{At: e.clock.Now(), Actor: actor, JobcenterID: p.JobcenterID, PersonID: p.ID,
			Action: bot.AuditAdminBootstrap, Subject: p.Name, Detail: string(p.Role) + " -> admin"}
		if p, err = db.UpdateConsultant(ctx, p.ID, func(c *bot.Consultant) error { c.Role = bot.RoleAdmin; return nil }, audit); err != nil {
			return fmt.Errorf("admin add: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s er nu administrator%s.\n", p.Name, identities(p))
		return nil
	}
	return usage
}

// identities is " (slack T1/U1, console hanne)": where the person writes from.
func identities(p bot.Consultant) string {
	if len(p.Identities) == 0 {
		return ""
	}
	ids := make([]string, 0, len(p.Identities))
	for _, id := range p.Identities {
		if id.Platform == bot.ConsolePlatform {
			ids = append(ids, "konsol: kontaktbot --as \""+p.Name+"\"")
			continue
		}
		ids = append(ids, id.Platform+" "+strings.TrimPrefix(id.Team+"/"+id.User, "/"))
	}
	return " (" + strings.Join(ids, ", ") + ")"
}
