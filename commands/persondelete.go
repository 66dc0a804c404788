package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kontaktbot/bot"
)

// runPersonDelete erases a person who has left, in two steps:
// »person slet <navn>« says what goes and what stays and how to confirm;
// »person slet <fulde navn> bekræft« deletes. The second step takes the
// person's full name (case and punctuation aside), not a first name, so
// that a typo cannot delete. A lead deletes in their own jobcenter, an
// admin anywhere; nobody deletes themselves, the last admin, or someone
// still dedicated to companies (those go to a colleague first).
func runPersonDelete(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	confirm := len(args) > 1 && confirmWord.Is(args[len(args)-1])
	if confirm {
		args = args[:len(args)-1]
	}
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "person delete")
	}
	p, err := s.person(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.mayLead(ctx, c, p.JobcenterID); err != nil {
		return bot.Message{}, err
	}
	if p.ID == c.actor.ID {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Du kan ikke slette dig selv; bed en leder eller en administrator om det.",
			"You cannot delete yourself; ask a lead or an admin."))
	}
	if p.Role == bot.RoleAdmin {
		if err := s.keepAnAdmin(ctx, c, p); err != nil {
			return bot.Message{}, err
		}
	}
	again := s.find("person delete").In(c.lang) + " " + p.Name + " " + confirmWord.In(c.lang)
	if !confirm || bot.NormalizeName(strings.Join(args, " ")) != bot.NormalizeName(p.Name) {
		text := c.tr(p.Name+" ("+s.jobcenterName(ctx, p.JobcenterID)+") slettes: navn, rolle, sprog, fravær og "+counted(len(p.Identities), "chat-identitet", "chat-identiteter")+". Kontakter, stillinger og intromøder, "+p.Name+" har noteret, bliver stående uden navn, så kadencen og historikken holder. Revisionssporet beholder sine poster. Skriv »"+again+"« for at slette.",
			p.Name+" ("+s.jobcenterName(ctx, p.JobcenterID)+") is deleted: name, role, language, absence and "+counted(len(p.Identities), "chat identity", "chat identities")+". Contacts, positions and intro days "+p.Name+" logged stay without the name, so cadence and history hold. The audit trail keeps its entries. Write »"+again+"« to delete.")
		if confirm {
			text = c.tr("Skriv personens fulde navn for at bekræfte. ", "Write the person's full name to confirm. ") + text
		}
		return bot.Reply(text), nil
	}
	gone, err := s.people.DeleteConsultant(ctx, p.ID, c.entry(bot.AuditPersonDelete, p.JobcenterID, p.ID, p.Name, "identities="+itoa(len(p.Identities))))
	var conflict *bot.ConflictError
	if errors.As(err, &conflict) && conflict.What == "companies" {
		n := int(conflict.ID)
		return bot.Message{}, bot.Errorf(bot.Conflict, "%s", c.tr(
			p.Name+" er fast konsulent for "+counted(n, "virksomhed", "virksomheder")+", så intet er slettet. Giv dem en ny fast konsulent først, fx »virksomhed tildel <virksomhed> <person>«.",
			p.Name+" is the dedicated consultant of "+counted(n, "company", "companies")+", so nothing was deleted. Give them a new dedicated consultant first, e.g. »company assign <company> <person>«."))
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("delete person: %w", err)
	}
	return bot.Reply(c.tr("🗑️ Slettet: "+gone.Name+". Navnet er væk fra databasefilen, undtagen i revisionssporets poster; kontakterne står nu uden navn.",
		"🗑️ Deleted: "+gone.Name+". The name is gone from the database file, but for the audit trail's entries; the contacts now stand without a name.")), nil
}
