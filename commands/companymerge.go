package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// mergeArgs is a read »virksomhed flet <behold> = <fjern> [bekræft]«.
type mergeArgs struct {
	keep, drop bot.Company
	// exact reports whether both were typed as their own full names, which
	// the confirming step asks for.
	exact   bool
	confirm bool
}

// readMerge reads the two companies: split at »=« when there is one, else
// the longest company name first and the other after it.
func (s *Service) readMerge(ctx context.Context, c *call, args []string) (mergeArgs, error) {
	var m mergeArgs
	if len(args) > 1 && confirmWord.Is(args[len(args)-1]) {
		m.confirm, args = true, args[:len(args)-1]
	}
	var keepWords, dropWords []string
	var err error
	if left, right, ok := splitAt(args, "="); ok {
		keepWords, dropWords = left, right
		if m.keep, err = s.company(ctx, c, left); err != nil {
			return m, err
		}
	} else {
		var rest []string
		if m.keep, rest, err = s.companyAt(ctx, c, args); err != nil {
			return m, err
		}
		keepWords, dropWords = args[:len(args)-len(rest)], rest
	}
	if len(dropWords) == 0 {
		return m, usageError(s, c, "company merge")
	}
	if m.drop, err = s.company(ctx, c, dropWords); err != nil {
		return m, err
	}
	if m.keep.ID == m.drop.ID {
		return m, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Begge navne fører til "+m.keep.Name+"; skriv to forskellige virksomheder, den der skal blive først.",
			"Both names lead to "+m.keep.Name+"; write two different companies, the one to keep first."))
	}
	m.exact = bot.NormalizeName(strings.Join(keepWords, " ")) == bot.NormalizeName(m.keep.Name) &&
		bot.NormalizeName(strings.Join(dropWords, " ")) == bot.NormalizeName(m.drop.Name)
	return m, nil
}

// mayMerge lets a lead of both companies' jobcenters, an admin, or the
// dedicated consultant of both merge them.
func (s *Service) mayMerge(ctx context.Context, c *call, keep, drop bot.Company) error {
	if keep.OwnerID == c.actor.ID && drop.OwnerID == c.actor.ID {
		return nil
	}
	for _, co := range []bot.Company{keep, drop} {
		jc, err := s.companyJobcenter(ctx, co)
		if err != nil {
			return err
		}
		if s.mayLead(ctx, c, jc) != nil {
			return s.onlyLeadOf(ctx, c, jc, c.tr("den faste konsulent for dem begge", "the dedicated consultant of both"))
		}
	}
	return nil
}

// runCompanyMerge makes two records of one company one, in two steps like
// »virksomhed slet«: the first says what moves, the second, with both full
// names and »bekræft«, merges.
func runCompanyMerge(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	m, err := s.readMerge(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.mayMerge(ctx, c, m.keep, m.drop); err != nil {
		return bot.Message{}, err
	}
	if m.keep.CVR != "" && m.drop.CVR != "" && m.keep.CVR != m.drop.CVR {
		return bot.Message{}, cvrClash(c, m.keep, m.drop)
	}
	moving, err := s.remover.PositionsOf(ctx, m.drop.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("merge: %w", err)
	}
	again := s.find("company merge").In(c.lang) + " " + m.keep.Name + " = " + m.drop.Name + " " + confirmWord.In(c.lang)
	if !m.confirm || !m.exact {
		return s.mergePreview(ctx, c, m, len(moving), again)
	}
	kept, nc, np, err := s.remover.MergeCompanies(ctx, m.keep.ID, m.drop.ID, c.entry(bot.AuditCompanyMerge, s.jobcenterOf(ctx, m.keep), 0,
		m.keep.Name+" #"+itoa(int(m.keep.ID)), "+ "+m.drop.Name+" #"+itoa(int(m.drop.ID))))
	if err != nil {
		return bot.Message{}, s.mergeError(ctx, c, m, err)
	}
	// Stored: the moved positions' posts now name the kept company.
	for _, p := range moving {
		if moved, err := s.positions.Position(ctx, p.ID); err == nil {
			s.reannounce(ctx, moved)
		}
	}
	text := c.tr("🔗 Flettet: "+m.drop.Name+" er nu en del af "+kept.Name+"; "+counted(nc, "kontakt", "kontakter")+" og "+counted(np, "stilling", "stillinger")+" er flyttet, og »"+m.drop.Name+"« finder nu "+kept.Name+".",
		"🔗 Merged: "+m.drop.Name+" is now part of "+kept.Name+"; "+counted(nc, "contact", "contacts")+" and "+counted(np, "position", "positions")+" moved, and »"+m.drop.Name+"« now finds "+kept.Name+".")
	return bot.Reply(text + nextDue(c, kept)), nil
}

// mergePreview says what merging would move and how to confirm it.
func (s *Service) mergePreview(ctx context.Context, c *call, m mergeArgs, positions int, again string) (bot.Message, error) {
	_, contacts, err := s.remover.ContactsPage(ctx, m.drop.ID, 0, 0)
	if err != nil {
		return bot.Message{}, fmt.Errorf("merge preview: %w", err)
	}
	names := "»" + strings.Join(append([]string{m.drop.Name}, m.drop.Aliases...), "«, »") + "«"
	text := c.tr("Fletter du "+m.drop.Name+" ind i "+m.keep.Name+", flytter "+counted(contacts, "kontakt", "kontakter")+" og "+counted(positions, "stilling", "stillinger")+" over, "+names+" bliver alias for "+m.keep.Name+", og "+m.drop.Name+" forsvinder som selvstændig virksomhed.",
		"Merging "+m.drop.Name+" into "+m.keep.Name+" moves "+counted(contacts, "contact", "contacts")+" and "+counted(positions, "position", "positions")+", makes "+names+" aliases of "+m.keep.Name+", and "+m.drop.Name+" is gone as a company of its own.")
	if m.keep.CVR == "" && m.drop.CVR != "" {
		text += c.tr(" "+m.keep.Name+" får CVR "+m.drop.CVR+".", " "+m.keep.Name+" gets CVR "+m.drop.CVR+".")
	}
	if m.confirm {
		text = c.tr("Skriv begge virksomheders fulde navne før »bekræft«; intet er flettet. ", "Write both companies' full names before »confirm«; nothing was merged. ") + text
	}
	text += c.tr(" Er det rigtigt, så skriv: »"+again+"«.", " If that is right, type: »"+again+"«.")
	return bot.Message{Blocks: []bot.Block{bot.Text{Text: text}, bot.Buttons{Buttons: []bot.Button{
		{Label: c.tr("Flet ind i "+m.keep.Name, "Merge into "+m.keep.Name), Command: again},
	}}}}, nil
}

// cvrClash refuses merging two companies with different CVR numbers.
func cvrClash(c *call, keep, drop bot.Company) error {
	return bot.Errorf(bot.Conflict, "%s", c.tr(
		keep.Name+" har CVR "+keep.CVR+" og "+drop.Name+" CVR "+drop.CVR+", så de er måske ikke den samme virksomhed; intet er flettet. Er det den samme, så ret det forkerte nummer først, fx »virksomhed cvr "+drop.Name+" ingen«.",
		keep.Name+" has CVR "+keep.CVR+" and "+drop.Name+" CVR "+drop.CVR+", so they may not be one company; nothing was merged. If they are, correct the wrong number first, e.g. »company cvr "+drop.Name+" none«."))
}

// mergeError explains a refused merge in the user's words.
func (s *Service) mergeError(ctx context.Context, c *call, m mergeArgs, err error) error {
	var ce *bot.ConflictError
	if errors.As(err, &ce) {
		switch ce.What {
		case "cvr":
			return cvrClash(c, m.keep, m.drop)
		case "position":
			n := strconv.FormatUint(ce.ID, 10)
			return bot.Errorf(bot.Conflict, "%s", c.tr(
				"Begge har en åben stilling »"+clip(ce.Key)+"« ("+m.keep.Name+"s er #"+n+"); intet er flettet. Luk den ene først, fx »stilling luk "+n+"«.",
				"Both have an open position »"+clip(ce.Key)+"« ("+m.keep.Name+"'s is #"+n+"); nothing was merged. Close one first, e.g. »position close "+n+"«."))
		}
		return s.conflictError(ctx, c, err)
	}
	if isNotFound(err) {
		return bot.Errorf(bot.NotFound, "%s", c.tr("En af virksomhederne findes ikke længere; intet er flettet.", "One of the companies no longer exists; nothing was merged."))
	}
	return fmt.Errorf("merge companies: %w", err)
}
