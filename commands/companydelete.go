package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// companyRemover is what deleting and merging companies use of the store
// (the contracts are in store.go).
type companyRemover interface {
	DeleteCompany(ctx context.Context, id uint64, audit ...bot.AuditEntry) (co bot.Company, contacts int, positions []bot.Position, err error)
	MergeCompanies(ctx context.Context, keepID, dropID uint64, audit ...bot.AuditEntry) (kept bot.Company, contacts, positions int, err error)
	ContactsPage(ctx context.Context, companyID uint64, skip, limit int) ([]bot.Contact, int, error)
	PositionsOf(ctx context.Context, companyID uint64) ([]bot.Position, error)
}

// confirmWord ends the second, deciding step of a deletion or merge.
var confirmWord = word("bekræft", "confirm", "bekraeft", "bekraft")

// runCompanyDelete deletes a company registered by mistake in two steps:
// »virksomhed slet <navn>« says what would go (contacts, positions) and
// how to confirm; »virksomhed slet <fulde navn> bekræft« deletes it. The
// second step takes only the company's own name in full (case and
// punctuation aside), not an alias or a part, so a typo cannot delete.
func runCompanyDelete(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	confirm := len(args) > 1 && confirmWord.Is(args[len(args)-1])
	if confirm {
		args = args[:len(args)-1]
	}
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "company delete")
	}
	co, err := s.company(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	jc, err := s.companyJobcenter(ctx, co)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.mayLead(ctx, c, jc); err != nil {
		return bot.Message{}, err
	}
	again := s.find("company delete").In(c.lang) + " " + co.Name + " " + confirmWord.In(c.lang)
	if !confirm || bot.NormalizeName(strings.Join(args, " ")) != bot.NormalizeName(co.Name) {
		return s.deletePreview(ctx, c, co, again, confirm)
	}
	gone, n, ps, err := s.remover.DeleteCompany(ctx, co.ID, c.entry(bot.AuditCompanyDelete, jc, 0, co.Name+" #"+itoa(int(co.ID)), "CVR "+co.CVR))
	if err != nil {
		return bot.Message{}, s.inUse(c, co, err)
	}
	withdrawn := s.withdrawPositions(ctx, gone, ps)
	text := c.tr("🗑️ Slettet: "+gone.Name+" med "+counted(n, "kontakt", "kontakter")+" og "+counted(len(ps), "stilling", "stillinger")+". Navnet er frit igen.",
		"🗑️ Deleted: "+gone.Name+" with "+counted(n, "contact", "contacts")+" and "+counted(len(ps), "position", "positions")+". The name is free again.")
	if withdrawn > 0 {
		text += c.tr(" "+counted(withdrawn, "opslag", "opslag")+" i kanalerne siger nu, at stillingen er trukket tilbage.",
			" "+counted(withdrawn, "announcement", "announcements")+" in the channels now say the position is withdrawn.")
	}
	return bot.Reply(text), nil
}

// deletePreview says what deleting co would remove and how to confirm it.
func (s *Service) deletePreview(ctx context.Context, c *call, co bot.Company, again string, mistyped bool) (bot.Message, error) {
	_, contacts, err := s.remover.ContactsPage(ctx, co.ID, 0, 0)
	if err != nil {
		return bot.Message{}, fmt.Errorf("delete preview: %w", err)
	}
	ps, err := s.remover.PositionsOf(ctx, co.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("delete preview: %w", err)
	}
	open := 0
	for _, p := range ps {
		if p.Status == bot.PositionOpen {
			open++
		}
	}
	what := co.Name
	if co.CVR != "" {
		what += " (CVR " + co.CVR + ")"
	}
	text := c.tr("Sletter du "+what+", forsvinder den for altid med "+counted(contacts, "kontakt", "kontakter")+" og "+counted(len(ps), "stilling", "stillinger")+" ("+itoa(open)+" åbne).",
		"Deleting "+what+" removes it for good with "+counted(contacts, "contact", "contacts")+" and "+counted(len(ps), "position", "positions")+" ("+itoa(open)+" open).")
	if mistyped {
		text = c.tr("Skriv virksomhedens fulde navn, »"+co.Name+"«, før »bekræft«; intet er slettet. ", "Write the company's full name, »"+co.Name+"«, before »confirm«; nothing was deleted. ") + text
	}
	text += c.tr(" Er det den rigtige, så skriv: »"+again+"«. Er det en dublet af en anden virksomhed, så flet dem i stedet: »virksomhed flet <behold> = "+co.Name+"«.",
		" If it is the right one, type: »"+again+"«. If it is a duplicate of another company, merge them instead: »company merge <keep> = "+co.Name+"«.")
	return bot.Message{Blocks: []bot.Block{bot.Text{Text: text}, bot.Buttons{Buttons: []bot.Button{
		{Label: c.tr("Slet "+co.Name, "Delete "+co.Name), Command: again},
	}}}}, nil
}

// inUse explains a company an intro day or candidate still refers to.
func (s *Service) inUse(c *call, co bot.Company, err error) error {
	var ce *bot.ConflictError
	if errors.As(err, &ce) && (ce.What == "introday" || ce.What == "candidate") {
		day := strconv.FormatUint(ce.ID, 10)
		why := c.tr("er med på intromøde #"+day, "attends intro day #"+day)
		if ce.What == "candidate" {
			why = c.tr("er matchet med kandidat "+ce.Key+" fra intromøde #"+day, "is matched with candidate "+ce.Key+" from intro day #"+day)
		}
		return bot.Errorf(bot.Conflict, "%s", c.tr(
			co.Name+" "+why+", så den kan ikke slettes; intet er slettet. Er den en dublet, så flet den ind i den rigtige: »virksomhed flet <behold> = "+co.Name+"«.",
			co.Name+" "+why+", so it cannot be deleted; nothing was deleted. If it is a duplicate, merge it into the right one: »company merge <keep> = "+co.Name+"«."))
	}
	if isNotFound(err) {
		return bot.Errorf(bot.NotFound, "%s", c.tr(co.Name+" er allerede slettet.", co.Name+" is deleted already."))
	}
	return fmt.Errorf("delete company: %w", err)
}

// withdrawPositions updates the announcements of positions whose company
// is gone to say so, and returns how many posts it updated. A post that
// cannot be updated is logged; the deletion stands.
func (s *Service) withdrawPositions(ctx context.Context, co bot.Company, ps []bot.Position) int {
	if s.notifier == nil {
		return 0
	}
	n := 0
	for _, p := range ps {
		if len(p.Announced) == 0 {
			continue
		}
		msg := bot.Message{Public: true, Blocks: []bot.Block{
			bot.Heading{Text: positionHeading(bot.Danish, p, co.Name)},
			bot.Text{Text: "Trukket tilbage: virksomheden er slettet i kontaktbot. / Withdrawn: the company was deleted."},
		}}
		for _, r := range p.Announced {
			if _, err := noPanic(func() (bot.Receipt, error) { return s.notifier.UpdateMessage(ctx, r, msg) }); err != nil {
				s.log.Error("withdraw announcement", "position", p.ID, "platform", r.Channel.Platform, "channel", r.Channel.ID, "err", err)
				continue
			}
			n++
		}
	}
	return n
}
