package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// A list of companies (»mine«, »forfaldne«, »virksomhed liste …«) reads
// the same filters and pages the same way wherever it is asked for, so
// that a consultant with a thousand companies and a lead with a
// jobcenter's eight thousand can always get on to the ones they want.

// The list filters.
var (
	wordDue       = word("forfaldne", "overdue", "forfalden", "forfaldent", "over", "due")
	wordEscalated = word("eskalerede", "escalated", "eskaleret", "eskaleres", "escalations")
	wordSearch    = word("søg", "search", "soeg", "find", "med")
	wordListTeam  = word("team", "team", "teamet", "jobcenter", "jobcentret")
)

// listStates are the states a list can be limited to; several are read as
// »any of these«.
var listStates = []Choice[string]{
	{word("pause", "paused", "pauset", "pausede", "på pause"), "paused"},
	{word("planlagt", "planned", "planlagte"), "planned"},
	{word("udsat", "snoozed", "udsatte"), "snoozed"},
	{word("afsluttet", "ended", "afsluttede"), "ended"},
}

// listWords are every word a list reads, for help.
var listWords = append([]Word{wordDue, wordEscalated, wordArea, wordSearch, wordPage}, wordsOf(listStates)...)

// listQuery is which companies a list shows and which page of them.
type listQuery struct {
	page      int
	due       bool     // in the morning's nudge: due by today, or planned for today
	escalated bool     // in the lead's weekly digest
	states    []string // any of listStates' values
	area      string   // as typed
	search    string   // as typed
	areaKey   string   // normalized
	searchKey string   // normalized
}

// filtered reports whether the query narrows the list at all.
func (q listQuery) filtered() bool {
	return q.due || q.escalated || len(q.states) > 0 || q.area != "" || q.search != ""
}

// parseListQuery reads filters and a page from args: »forfaldne«,
// »eskalerede«, »pause«, »planlagt«, »udsat«, »afsluttet«, »område
// <område>«, »søg <tekst>« and »side <n>«, in any order. An area or a
// search runs to the next filter word.
func parseListQuery(c *call, example string, args []string) (listQuery, error) {
	q := listQuery{page: 1}
	isFilter := func(s string) bool {
		_, state := choose(listStates, s)
		return state || isAny(s, wordDue, wordEscalated, wordArea, wordSearch, wordPage)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case wordPage.Is(a) || isNumber(a):
			n := a
			if wordPage.Is(a) {
				if i+1 == len(args) {
					return q, listError(c, example, c.tr("»side« skal have et nummer", "»page« needs a number"))
				}
				i++
				n = args[i]
			}
			p, err := strconv.Atoi(n)
			if err != nil || p < 1 {
				return q, listError(c, example, c.tr("siderne tælles fra 1, og »"+n+"« er ikke et sidenummer", "pages count from 1, and »"+n+"« is not a page number"))
			}
			q.page = p
		case wordDue.Is(a):
			q.due = true
		case wordEscalated.Is(a):
			q.escalated = true
		case wordArea.Is(a) || wordSearch.Is(a):
			j := i + 1
			for j < len(args) && !isFilter(args[j]) {
				j++
			}
			text := strings.Join(args[i+1:j], " ")
			key := bot.NormalizeName(text)
			if key == "" {
				what := c.tr("»område« skal have et område, fx »område Vollsmose«", "»area« needs an area, e.g. »area Vollsmose«")
				if wordSearch.Is(a) {
					what = c.tr("»søg« skal have noget at søge efter, fx »søg svejs«", "»search« needs something to look for, e.g. »search weld«")
				}
				return q, listError(c, example, what)
			}
			if wordArea.Is(a) {
				q.area, q.areaKey = text, key
			} else {
				q.search, q.searchKey = text, key
			}
			i = j - 1
		default:
			st, ok := choose(listStates, a)
			if !ok {
				return q, listError(c, example, c.tr("jeg kender ikke »"+a+"« i en liste", "I don't know »"+a+"« in a list"))
			}
			if !slices.Contains(q.states, st) {
				q.states = append(q.states, st)
			}
		}
	}
	return q, nil
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// listError says what was wrong with a list's filters and how they go.
func listError(c *call, example, what string) error {
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		capital(what)+". En liste kan afgrænses med forfaldne, eskalerede, pause, planlagt, udsat, afsluttet, »område <område>« og »søg <tekst>«, og bladres med »side <n>«: fx »"+example+" forfaldne område Vollsmose side 2«.",
		capital(what)+". A list can be narrowed with overdue, escalated, paused, planned, snoozed, ended, »area <area>« and »search <text>«, and paged with »page <n>«: e.g. »"+example+" overdue area Vollsmose page 2«."))
}

// matches reports whether co is in the list q asks for, on the day of now.
func (q listQuery) matches(c *call, co *bot.Company) bool {
	switch {
	case q.escalated:
		if !co.Escalated(c.now) {
			return false
		}
	case q.due:
		if !inNudge(c, co) {
			return false
		}
	}
	if len(q.states) > 0 {
		in := false
		for _, st := range q.states {
			if hasState(c, co, st) {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	if q.areaKey != "" && !inArea(co, q.areaKey) {
		return false
	}
	if q.searchKey != "" && !searchHit(co, q.searchKey) {
		return false
	}
	return true
}

// inNudge reports whether co is in its consultant's nudge on the day of
// now: its nudge day has come, or a contact is planned for that day.
func inNudge(c *call, co *bot.Company) bool {
	if co.Overdue(c.now) {
		return true
	}
	_, nudged := co.NudgeDay()
	return nudged && !co.PlannedNext.IsZero() && bot.Day(co.PlannedNext).Equal(bot.Day(c.now))
}

// hasState reports whether co is in the state st on the day of now.
func hasState(c *call, co *bot.Company, st string) bool {
	switch st {
	case "paused":
		return co.Status == bot.StatusPaused
	case "ended":
		return co.Status == bot.StatusEnded
	case "planned":
		return plannedAhead(c, co)
	case "snoozed":
		return snoozed(c, co)
	}
	return false
}

// plannedAhead reports whether a contact with co is planned for today or later.
func plannedAhead(c *call, co *bot.Company) bool {
	return co.Status == bot.StatusActive && !co.PlannedNext.IsZero() &&
		co.PlannedNext.After(co.LastContact) && !co.PlannedNext.Before(bot.Day(c.now))
}

// snoozed reports whether co's nudges are held back by a snooze.
func snoozed(c *call, co *bot.Company) bool {
	return co.Status == bot.StatusActive && !co.SnoozedUntil.IsZero() && co.SnoozedUntil.After(c.now)
}

// inArea reports whether key is in co's area or town, or is its postcode:
// »mine område Vollsmose«, »mine område 5240«.
func inArea(co *bot.Company, key string) bool {
	return strings.Contains(bot.NormalizeName(co.Area), key) || co.Postcode == key ||
		(co.Town != "" && strings.Contains(bot.NormalizeName(co.Town), key))
}

// searchHit reports whether key is in co's name, an alias, its area or
// its address.
func searchHit(co *bot.Company, key string) bool {
	if strings.Contains(bot.NormalizeName(co.Name), key) || inArea(co, key) ||
		(co.Street != "" && strings.Contains(bot.NormalizeName(co.Street), key)) {
		return true
	}
	for _, a := range co.Aliases {
		if strings.Contains(bot.NormalizeName(a), key) {
			return true
		}
	}
	return false
}

// describe says in words what the query keeps: "forfaldne, område
// »Vollsmose«".
func (q listQuery) describe(c *call) string {
	var parts []string
	if q.escalated {
		parts = append(parts, c.tr("eskalerede", "escalated"))
	} else if q.due {
		parts = append(parts, c.tr("forfaldne i dag", "due today"))
	}
	for _, st := range q.states {
		parts = append(parts, stateName(c, st))
	}
	if q.area != "" {
		parts = append(parts, c.tr("område »", "area »")+q.area+"«")
	}
	if q.search != "" {
		parts = append(parts, c.tr("søgning »", "search »")+q.search+"«")
	}
	return strings.Join(parts, ", ")
}

func stateName(c *call, st string) string {
	switch st {
	case "paused":
		return c.tr("på pause", "paused")
	case "ended":
		return c.tr("afsluttede", "ended")
	case "planned":
		return c.tr("planlagte", "planned")
	case "snoozed":
		return c.tr("udsatte", "snoozed")
	}
	return st
}

// command writes the query back as a command line after prefix, on page:
// what a Next or Previous button runs.
func (q listQuery) command(c *call, prefix string, page int) string {
	parts := []string{prefix}
	if q.escalated {
		parts = append(parts, wordEscalated.In(c.lang))
	} else if q.due {
		parts = append(parts, wordDue.In(c.lang))
	}
	for _, st := range q.states {
		for _, ch := range listStates {
			if ch.Value == st {
				parts = append(parts, ch.Word.In(c.lang))
			}
		}
	}
	if q.area != "" {
		parts = append(parts, wordArea.In(c.lang), q.area)
	}
	if q.search != "" {
		parts = append(parts, wordSearch.In(c.lang), q.search)
	}
	return strings.Join(append(parts, wordPage.In(c.lang), itoa(page)), " ")
}

// companyList is a list to show: its heading, the companies in order,
// each one's line, and the command that shows it (for the page buttons).
type companyList struct {
	title   string
	all     int            // before the filters
	cs      []*bot.Company // in order
	matched int            // how many match, when cs holds only the pages up to the one shown
	line    func(bot.Company) string
	command string // the list's command without filters: »mine«, »forfaldne team«
	empty   string // what to say when there is nothing at all
}

// render shows page q.page of l, with buttons to the pages either side.
func (l companyList) render(c *call, q listQuery) (bot.Message, error) {
	if l.all == 0 {
		return bot.Reply(l.empty), nil
	}
	n := len(l.cs)
	if l.matched > 0 {
		n = l.matched
	}
	title := l.title
	if q.filtered() {
		title += " — " + q.describe(c) + ": " + itoa(n)
	}
	if n == 0 {
		return bot.Reply(title + c.tr(". Ingen passer; skriv »"+l.command+"« for hele listen.", ". None match; type »"+l.command+"« for the whole list.")), nil
	}
	pages := (n + maxListed - 1) / maxListed
	if q.page > pages {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Listen har "+counted(n, "virksomhed", "virksomheder")+" på "+counted(pages, "side", "sider")+"; der er ingen side "+itoa(q.page)+".",
			"The list has "+counted(n, "company", "companies")+" on "+counted(pages, "page", "pages")+"; there is no page "+itoa(q.page)+"."))
	}
	from := (q.page - 1) * maxListed
	to := min(from+maxListed, len(l.cs))
	items := make([]string, 0, to-from)
	for _, co := range l.cs[from:to] {
		items = append(items, l.line(*co))
	}
	list := bot.List{Items: items}
	if pages > 1 {
		list.Title = c.tr("Side "+itoa(q.page)+" af "+itoa(pages)+" ("+itoa(from+1)+"–"+itoa(to)+")",
			"Page "+itoa(q.page)+" of "+itoa(pages)+" ("+itoa(from+1)+"–"+itoa(to)+")")
	}
	blocks := []bot.Block{bot.Heading{Text: title}, list}
	var buttons []bot.Button
	if q.page > 1 {
		buttons = append(buttons, bot.Button{Label: c.tr("◀ Forrige", "◀ Previous"), Command: q.command(c, l.command, q.page-1)})
	}
	if q.page < pages {
		buttons = append(buttons, bot.Button{Label: c.tr("Næste ▶", "Next ▶"), Command: q.command(c, l.command, q.page+1)})
	}
	if len(buttons) > 0 {
		blocks = append(blocks, bot.Buttons{Buttons: buttons})
	}
	return bot.Message{Blocks: blocks}, nil
}

// runMine lists the actor's own companies, most overdue first.
func runMine(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	cmd := s.find("mine").In(c.lang)
	q, err := parseListQuery(c, cmd, args)
	if err != nil {
		return bot.Message{}, err
	}
	return s.mine(ctx, c, q, cmd)
}

func (s *Service) mine(ctx context.Context, c *call, q listQuery, cmd string) (bot.Message, error) {
	all, overdue := 0, 0
	var cs companies
	err := s.portfolio.EachOwned(ctx, []uint64{c.actor.ID}, func(co bot.Company) error {
		all++
		if co.Status == bot.StatusActive && co.OverdueDays(c.now) > 0 {
			overdue++
		}
		if q.matches(c, &co) {
			cs.add(co)
		}
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("mine: %w", err)
	}
	return companyList{
		title: c.tr("Dine virksomheder: "+itoa(all)+", heraf "+itoa(overdue)+" over kadencen",
			"Your companies: "+itoa(all)+", "+itoa(overdue)+" past their cadence"),
		all: all, cs: byUrgency(c, cs.ptrs), command: cmd,
		line: func(co bot.Company) string { return portfolioLine(c, co) },
		empty: c.tr("Du er ikke fast konsulent for nogen virksomhed endnu. Opret en med »virksomhed opret <navn>«.",
			"You are not the dedicated consultant of any company yet. Register one with »company add <name>«."),
	}.render(c, q)
}

// team lists the companies of the consultants of the actor's jobcenter,
// most overdue first, each with its consultant.
func (s *Service) team(ctx context.Context, c *call, q listQuery, cmd string) (bot.Message, error) {
	members, err := s.jobcenterMembers(ctx, c.actor.JobcenterID)
	if err != nil {
		return bot.Message{}, err
	}
	owners := make([]uint64, 0, len(members))
	for id := range members {
		owners = append(owners, id)
	}
	all := 0
	var cs companies
	err = s.portfolio.EachOwned(ctx, owners, func(co bot.Company) error {
		all++
		if q.matches(c, &co) {
			cs.add(co)
		}
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("team list: %w", err)
	}
	names := s.nameCache(ctx, c.lang)
	jc := s.jobcenterName(ctx, c.actor.JobcenterID)
	return companyList{
		title: c.tr("Virksomheder i "+jc+": "+itoa(all), "Companies in "+jc+": "+itoa(all)),
		all:   all, cs: byUrgency(c, cs.ptrs), command: cmd,
		line: func(co bot.Company) string { return portfolioLine(c, co) + " — " + names(co.OwnerID) },
		empty: c.tr("Ingen i "+jc+" er fast konsulent for en virksomhed endnu.",
			"Nobody in "+jc+" is the dedicated consultant of a company yet."),
	}.render(c, q)
}

// runOverdue lists the companies in the morning's nudge: the actor's own,
// or with »team« their jobcenter's (»forfaldne team«); »eskalerede« keeps
// the ones in the lead's weekly digest.
func runOverdue(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	team := len(args) > 0 && wordListTeam.Is(args[0])
	if team {
		args = args[1:]
	}
	q, err := parseListQuery(c, s.find("mine").In(c.lang), args)
	if err != nil {
		return bot.Message{}, err
	}
	if !q.escalated {
		q.due = true
	}
	if team {
		return s.team(ctx, c, q, s.find("company list").In(c.lang)+" "+wordListTeam.In(c.lang))
	}
	return s.mine(ctx, c, q, s.find("mine").In(c.lang))
}
