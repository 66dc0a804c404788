package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// historyPage is how many contacts one page of a company's history shows.
const historyPage = 15

// cardContacts is how many contacts the company card shows; the history
// has the rest.
const cardContacts = 5

// wordPage introduces a page number: »side 2«, »page 2«.
var wordPage = word("side", "page")

// runCompanyHistory pages through every contact with a company, newest
// first: when, how, by whom, the note and the follow-up, for a reader who
// may know the company's history (see mayKnow).
func runCompanyHistory(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	page := 1
	// »side 2« at the end is a page; »Grafisk Side Ærø« is a name.
	if n := len(args); n >= 3 && wordPage.Is(args[n-2]) {
		if p, err := strconv.Atoi(args[n-1]); err == nil {
			if p < 1 {
				return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
					"Siderne tælles fra 1; skriv fx »virksomhed historik L-tek side 2«.",
					"Pages count from 1; write e.g. »company history L-tek page 2«."))
			}
			page, args = p, args[:n-2]
		}
	}
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "company history")
	}
	co, err := s.company(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	names, err := s.historyOf(ctx, c, co)
	if err != nil {
		return bot.Message{}, err
	}
	contacts, total, err := s.portfolio.ContactsPage(ctx, co.ID, (page-1)*historyPage, historyPage)
	if err != nil {
		return bot.Message{}, fmt.Errorf("company history: %w", err)
	}
	pages := max(1, (total+historyPage-1)/historyPage)
	title := c.tr("Kontakthistorik: ", "Contact history: ") + co.Name
	if total == 0 {
		return bot.Reply(title + " — " + c.tr("ingen kontakter endnu.", "no contacts yet.")), nil
	}
	if page > pages {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			co.Name+" har "+counted(total, "kontakt", "kontakter")+" på "+counted(pages, "side", "sider")+"; der er ingen side "+itoa(page)+".",
			co.Name+" has "+counted(total, "contact", "contacts")+" on "+counted(pages, "page", "pages")+"; there is no page "+itoa(page)+"."))
	}
	items := make([]string, 0, len(contacts))
	for i, ct := range contacts {
		line := itoa((page-1)*historyPage+i+1) + ". " + bot.FormatDate(ct.At, c.lang) + " " + kindName(c.lang, ct.Kind) + " (" + names(ct.ConsultantID) + ")"
		if note := noteText(c, ct); note != "" {
			line += ": " + note
		}
		if !ct.FollowUp.IsZero() {
			line += c.tr(" · opfølgning ", " · follow-up ") + bot.FormatDate(ct.FollowUp, c.lang)
		}
		items = append(items, line)
	}
	from, to := (page-1)*historyPage+1, (page-1)*historyPage+len(contacts)
	blocks := []bot.Block{
		bot.Heading{Text: title},
		bot.List{Title: c.tr("Nyeste først: "+itoa(from)+"–"+itoa(to)+" af "+itoa(total)+" (side "+itoa(page)+" af "+itoa(pages)+")",
			"Newest first: "+itoa(from)+"–"+itoa(to)+" of "+itoa(total)+" (page "+itoa(page)+" of "+itoa(pages)+")"), Items: items},
	}
	blocks = append(blocks, bot.Text{Text: c.tr("Ret eller slet en kontakt, du selv har noteret, med nummeret: »kontakt ret "+co.Name+" <nr> …«, »kontakt slet "+co.Name+" <nr>«.",
		"Correct or delete a contact you logged yourself by its number: »contact edit "+co.Name+" <no> …«, »contact delete "+co.Name+" <no>«.")})
	cmd := s.find("company history").In(c.lang) + " " + co.Name + " " + c.tr("side", "page") + " "
	var buttons []bot.Button
	if page > 1 {
		buttons = append(buttons, bot.Button{Label: c.tr("◀ Nyere", "◀ Newer"), Command: cmd + itoa(page-1)})
	}
	if page < pages {
		buttons = append(buttons, bot.Button{Label: c.tr("Ældre ▶", "Older ▶"), Command: cmd + itoa(page+1)})
	}
	if len(buttons) > 0 {
		blocks = append(blocks, bot.Buttons{Buttons: buttons})
	}
	return bot.Message{Blocks: blocks}, nil
}

// runCompanyJournal gives the contacts with a company on one day (today
// unless a date follows the name), each as one entry to paste into the
// jobcenter's case system: date, kind, company with CVR, consultant with
// jobcenter, note, follow-up. Each entry is Verbatim, so that Slack and
// Teams keep it whole, with no marks read in what people typed.
func runCompanyJournal(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "company journal")
	}
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	day := bot.Day(c.now)
	if len(rest) > 0 {
		r := ReadDate(rest, c.now, Past)
		if !r.OK || r.N != len(rest) {
			return bot.Message{}, unreadableDate(c, rest, Past, c.tr(" Skriv fx »virksomhed journal "+co.Name+" i går«.", " For example: »company journal "+co.Name+" yesterday«."))
		}
		day = r.Day
	}
	names, err := s.historyOf(ctx, c, co)
	if err != nil {
		return bot.Message{}, err
	}
	ofDay, err := s.portfolio.ContactsBetween(ctx, co.ID, day, bot.AddDays(day, 1))
	if err != nil {
		return bot.Message{}, fmt.Errorf("company journal: %w", err)
	}
	when := bot.FormatDateLong(day, c.lang)
	if len(ofDay) == 0 {
		return bot.Reply(c.tr("Ingen kontakter med "+co.Name+" "+when+". Skriv en anden dato efter navnet, fx »virksomhed journal "+co.Name+" i går«.",
			"No contacts with "+co.Name+" on "+when+". Put another date after the name, e.g. »company journal "+co.Name+" yesterday«.")), nil
	}
	company := co.Name
	if co.CVR != "" {
		company += ", CVR " + co.CVR
	}
	blocks := []bot.Block{bot.Heading{Text: "Journal: " + co.Name + ", " + when},
		bot.Text{Text: c.tr("Én tekst pr. kontakt, klar til at sætte ind i sagssystemet.", "One text per contact, ready to paste into the case system.")}}
	for i := len(ofDay) - 1; i >= 0; i-- { // in the order they happened
		ct := ofDay[i]
		consultant := names(ct.ConsultantID)
		if p, err := s.portfolio.Consultant(ctx, ct.ConsultantID); err == nil && p.JobcenterID != 0 {
			consultant += ", " + s.jobcenterName(ctx, p.JobcenterID)
		}
		lines := []string{
			c.tr("Dato: ", "Date: ") + bot.FormatDate(ct.At, c.lang),
			c.tr("Kontaktform: ", "Kind: ") + kindName(c.lang, ct.Kind),
			c.tr("Virksomhed: ", "Company: ") + company,
			c.tr("Konsulent: ", "Consultant: ") + consultant,
			"Note: " + noteText(c, ct),
		}
		if !ct.FollowUp.IsZero() {
			lines = append(lines, c.tr("Opfølgning: ", "Follow-up: ")+bot.FormatDate(ct.FollowUp, c.lang))
		}
		blocks = append(blocks, bot.Verbatim{Text: strings.Join(lines, "\n")})
	}
	return bot.Message{Blocks: blocks}, nil
}

// historyOf lets through a reader who may see co's notes and contact
// history (mayKnow), with the names of people for the lines; anyone else
// is told where they are kept and whom to ask.
func (s *Service) historyOf(ctx context.Context, c *call, co bot.Company) (func(uint64) string, error) {
	jc, err := s.companyJobcenter(ctx, co)
	if err != nil {
		return nil, fmt.Errorf("company history: %w", err)
	}
	know, err := s.mayKnow(ctx, c, jc)
	if err != nil {
		return nil, fmt.Errorf("company history: %w", err)
	}
	names := s.nameCache(ctx, c.lang)
	if !know {
		return nil, bot.Errorf(bot.Forbidden, "%s", keptFor(c, co, s.jobcenterName(ctx, jc), names))
	}
	if err := s.auditRead(ctx, c, jc, co, "history"); err != nil {
		return nil, err
	}
	return names, nil
}
