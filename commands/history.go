package commands

import (
	"context"
	"fmt"
	"strconv"

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
	jc, err := s.companyJobcenter(ctx, co)
	if err != nil {
		return bot.Message{}, fmt.Errorf("company history: %w", err)
	}
	know, err := s.mayKnow(ctx, c, jc)
	if err != nil {
		return bot.Message{}, fmt.Errorf("company history: %w", err)
	}
	names := s.nameCache(ctx)
	if !know {
		return bot.Message{}, bot.Errorf(bot.Forbidden, "%s", keptFor(c, co, s.jobcenterName(ctx, jc), names))
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
		if ct.Note != "" {
			line += ": " + ct.Note
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
