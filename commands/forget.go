package commands

import (
	"context"
	"fmt"
	"strings"

	"kontaktbot/bot"
)

// Forgetter takes a name or phrase out of every stored text, for an
// erasure request. storage.DB implements it; see storage/forget.go.
type Forgetter interface {
	// Forget replaces every occurrence of text (case folded) in contact
	// notes, position requirements and candidate texts of jobcenter (0:
	// all) with "[slettet]" and scrubs the file; with dryRun it only
	// counts. It returns the occurrences and the records holding them.
	Forget(ctx context.Context, text string, jobcenter uint64, dryRun bool) (places, records int, err error)
}

// runForget is »glem <tekst> [bekræft]«: first it says how many places the
// text would be taken out of, then, with »bekræft«, it does it. An admin
// forgets everywhere, a lead within their own jobcenter. The confirmed run
// is recorded in the audit trail (auditForget).
func runForget(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	confirm := len(args) > 1 && confirmWord.Is(args[len(args)-1])
	if confirm {
		args = args[:len(args)-1]
	}
	text := strings.Join(args, " ")
	if len([]rune(strings.TrimSpace(text))) < 3 {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Skriv det navn eller den tekst, der skal glemmes, mindst 3 tegn, fx »glem Lars Hansen«.",
			"Write the name or text to forget, at least 3 characters, e.g. »forget Lars Hansen«."))
	}
	var scope uint64
	where := c.tr("alle jobcentre", "every jobcenter")
	if c.actor.Role != bot.RoleAdmin {
		scope = c.actor.JobcenterID
		if j, err := s.people.Jobcenter(ctx, scope); err == nil {
			where = j.Name
		}
	}
	places, records, err := s.forgetter.Forget(ctx, text, scope, !confirm)
	if err != nil {
		return bot.Message{}, fmt.Errorf("forget: %w", err)
	}
	if places == 0 {
		return bot.Reply(c.tr("Teksten findes ingen steder i noter, stillinger eller kandidater i "+where+"; intet er ændret.",
			"The text is nowhere in notes, positions or candidates of "+where+"; nothing was changed.")), nil
	}
	n, r := itoa(places), itoa(records)
	if !confirm {
		again := s.find("forget").In(c.lang) + " " + text + " " + confirmWord.In(c.lang)
		return bot.Reply(c.tr("Teksten står "+n+" steder i "+r+" noter, stillinger og kandidater i "+where+". Den erstattes med »[slettet]« og kan ikke hentes tilbage. Skriv »"+again+"« for at glemme den.",
			"The text is in "+n+" places in "+r+" notes, positions and candidates of "+where+". It is replaced by »[slettet]« and cannot be brought back. Write »"+again+"« to forget it.")), nil
	}
	s.auditForget(ctx, c, text, scope, places, records)
	return bot.Reply(c.tr("✅ Glemt: teksten er erstattet med »[slettet]« "+n+" steder i "+r+" noter, stillinger og kandidater i "+where+", og er væk fra databasefilen.",
		"✅ Forgotten: the text was replaced by »[slettet]« in "+n+" places in "+r+" notes, positions and candidates of "+where+", and is gone from the database file.")), nil
}

// auditForget records a confirmed glem: where, how many places, and a
// keyed hash of the text (normalized), never the text, so that the data
// protection officer can tell which request it answered without the
// trail keeping what was erased. The text is already gone when this
// runs: a trail that cannot take the entry is logged, not the user's
// problem.
func (s *Service) auditForget(ctx context.Context, c *call, text string, scope uint64, places, records int) {
	hash, err := s.audit.AuditHash(ctx, bot.NormalizeName(text))
	if err == nil {
		err = s.audit.Audit(ctx, c.entry(bot.AuditForget, scope, 0, "",
			"places="+itoa(places)+" records="+itoa(records)+" text_hmac="+hash))
	}
	if err != nil {
		s.log.Error("audit of a glem not recorded", "places", places, "err", err)
	}
}
