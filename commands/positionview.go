package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// How positions are shown: the announcement in a channel, one position
// with its history, lists, and the lines on a company's card.

// positionNames looks up the names a position shows, each once per reply.
type positionNames struct {
	person, company, jobcenter func(uint64) string
}

// positionNames looks up names for a reply in lang.
func (s *Service) positionNames(ctx context.Context, lang bot.Lang) positionNames {
	return positionNames{
		person:    s.nameCache(ctx, lang),
		company:   cached(func(id uint64) string { return s.companyName(ctx, id) }),
		jobcenter: cached(func(id uint64) string { return s.jobcenterName(ctx, id) }),
	}
}

func cached(load func(uint64) string) func(uint64) string {
	seen := map[uint64]string{}
	return func(id uint64) string {
		n, ok := seen[id]
		if !ok {
			n = load(id)
			seen[id] = n
		}
		return n
	}
}

// companyName is the company's name, or "#id" when it cannot be read.
func (s *Service) companyName(ctx context.Context, id uint64) string {
	co, err := s.positions.Company(ctx, id)
	if err != nil {
		return "#" + strconv.FormatUint(id, 10)
	}
	return co.Name
}

func (s *Service) jobcenterName(ctx context.Context, id uint64) string {
	j, err := s.positions.Jobcenter(ctx, id)
	if err != nil {
		return "#" + strconv.FormatUint(id, 10)
	}
	return j.Name
}

func positionStatusName(lang bot.Lang, st bot.PositionStatus) string {
	switch st {
	case bot.PositionFilled:
		return tr(lang, "besat", "filled")
	case bot.PositionClosed:
		return tr(lang, "lukket", "closed")
	case bot.PositionExpired:
		return tr(lang, "udløbet", "expired")
	}
	return tr(lang, "åben", "open")
}

func positionTypeName(lang bot.Lang, kind string) string {
	switch kind {
	case typeSubsidy:
		return tr(lang, typeSubsidy, "wage subsidy")
	case typeIntern:
		return tr(lang, typeIntern, "internship")
	case typeOrdinary, "":
		return tr(lang, typeOrdinary, "regular job")
	}
	return kind
}

// countText is the number of places, with how many are filled once any are.
func countText(lang bot.Lang, p bot.Position) string {
	if p.Filled == 0 {
		return itoa(p.Count)
	}
	return itoa(p.Count) + " (" + itoa(p.Filled) + "/" + itoa(p.Count) + tr(lang, " besat)", " filled)")
}

// eventWords are the stored history words (Danish) in English.
var eventWords = map[string]string{"oprettet": "created", "besat": "filled", "lukket": "closed", "udløbet": "expired",
	"rettet": "edited", "genåbnet": "reopened", "fortrudt": "undone",
	"titel": "title", "antal": "count", "frist": "deadline", "krav": "requirements"}

// eventText is a history entry in lang: its leading stored words, as far
// as they are known, in English.
func eventText(lang bot.Lang, what string) string {
	if lang != bot.English {
		return what
	}
	words := strings.Fields(what)
	for i, w := range words {
		en, ok := eventWords[w]
		if !ok {
			break
		}
		words[i] = en
	}
	return strings.Join(words, " ")
}

func positionHeading(lang bot.Lang, p bot.Position, company string) string {
	return ref(p) + " " + p.Title + tr(lang, " hos ", " at ") + company
}

// positionFields are the facts of a position, as announced and shown.
func positionFields(lang bot.Lang, p bot.Position, n positionNames) []bot.Field {
	f := []bot.Field{
		{Label: tr(lang, "Virksomhed", "Company"), Value: n.company(p.CompanyID)},
		{Label: tr(lang, "Stilling", "Position"), Value: p.Title},
		{Label: tr(lang, "Antal", "Count"), Value: countText(lang, p)},
		{Label: "Type", Value: positionTypeName(lang, p.Type)},
	}
	if p.Requirements != "" {
		f = append(f, bot.Field{Label: tr(lang, "Krav", "Requirements"), Value: p.Requirements})
	}
	if !p.Deadline.IsZero() {
		f = append(f, bot.Field{Label: tr(lang, "Ansøgningsfrist", "Deadline"), Value: bot.FormatDate(p.Deadline, lang)})
	}
	if !p.Start.IsZero() {
		f = append(f, bot.Field{Label: "Start", Value: bot.FormatDate(p.Start, lang)})
	}
	if p.Place != "" {
		f = append(f, bot.Field{Label: tr(lang, "Sted", "Place"), Value: p.Place})
	}
	return append(f,
		bot.Field{Label: tr(lang, "Kontakt", "Contact"), Value: n.person(p.ConsultantID) + ", " + n.jobcenter(p.JobcenterID)},
		bot.Field{Label: "Status", Value: positionStatusName(lang, p.Status)})
}

// announcement is the post about p in the positions channels: in Danish,
// the language the channels share.
func (s *Service) announcement(ctx context.Context, p bot.Position) bot.Message {
	n := s.positionNames(ctx, bot.Danish)
	head := "📢 Ledig stilling " + ref(p) + ": " + p.Title + " hos " + n.company(p.CompanyID)
	if p.Status != bot.PositionOpen {
		head = "Stilling " + ref(p) + " (" + positionStatusName(bot.Danish, p.Status) + "): " + p.Title + " hos " + n.company(p.CompanyID)
	}
	return bot.Message{Public: true, Blocks: []bot.Block{bot.Heading{Text: head}, bot.Fields{Fields: positionFields(bot.Danish, p, n)}}}
}

func (s *Service) showPosition(ctx context.Context, c *call, id uint64) (bot.Message, error) {
	p, err := s.positions.Position(ctx, id)
	if err != nil {
		return bot.Message{}, s.positionError(c, id, err)
	}
	if ok, err := mayKnowPosition(c, p, s.knower(ctx, c)); err != nil {
		return bot.Message{}, err
	} else if !ok {
		return bot.Message{}, s.positionHidden(ctx, c, p)
	}
	n := s.positionNames(ctx, c.lang)
	// Its contact and history, when another jobcenter's, are a read the
	// trail records; its own contact consultant reads their own.
	if p.ConsultantID != c.actor.ID {
		if err := s.auditReadOf(ctx, c, p.JobcenterID, "position "+ref(p)+" "+p.Title+" ("+n.company(p.CompanyID)+")", "position"); err != nil {
			return bot.Message{}, err
		}
	}
	where := c.tr("ikke annonceret", "not announced")
	if len(p.Announced) > 0 {
		chs := make([]bot.Channel, len(p.Announced))
		for i, r := range p.Announced {
			chs[i] = r.Channel
		}
		where = channelNames(chs)
	}
	f := append(positionFields(c.lang, p, n), bot.Field{Label: c.tr("Annonceret i", "Announced in"), Value: where})
	items := make([]string, 0, len(p.History))
	for _, e := range p.History {
		who := c.tr("automatisk", "automatically")
		if e.By != 0 {
			who = n.person(e.By)
		}
		items = append(items, bot.FormatTime(e.At, c.lang)+" "+eventText(c.lang, e.What)+" — "+who)
	}
	blocks := []bot.Block{
		bot.Heading{Text: positionHeading(c.lang, p, n.company(p.CompanyID))},
		bot.Fields{Fields: f},
		bot.List{Title: c.tr("Historik", "History"), Items: items},
	}
	if p.Status == bot.PositionOpen && s.mayChangePosition(ctx, c, p, "") == nil {
		num := ref(p)[1:]
		blocks = append(blocks, bot.Buttons{Buttons: []bot.Button{
			{Label: c.tr("Besat", "Filled"), Command: s.find("position filled").In(c.lang) + " " + num, Primary: true},
			{Label: c.tr("Luk", "Close"), Command: s.find("position close").In(c.lang) + " " + num},
		}})
	} else if p.Status != bot.PositionOpen && s.mayChangePosition(ctx, c, p, "") == nil {
		blocks = append(blocks, bot.Buttons{Buttons: []bot.Button{
			{Label: c.tr("Genåbn", "Reopen"), Command: s.find("position reopen").In(c.lang) + " " + ref(p)[1:]},
		}})
	}
	return bot.Message{Blocks: blocks}, nil
}

// positionLine is one position in a list; withCompany names its company.
func positionLine(lang bot.Lang, p bot.Position, n positionNames, withCompany bool) string {
	line := ref(p) + " " + p.Title
	if withCompany {
		line += tr(lang, " hos ", " at ") + n.company(p.CompanyID)
	}
	if p.Filled == 0 {
		line += tr(lang, " · antal ", " · count ") + itoa(p.Count)
	} else {
		line += " · " + itoa(p.Filled) + "/" + itoa(p.Count) + tr(lang, " besat", " filled")
	}
	if !p.Deadline.IsZero() {
		line += tr(lang, " · frist ", " · deadline ") + bot.FormatDate(p.Deadline, lang)
	}
	if p.Type != "" && p.Type != typeOrdinary {
		line += " · " + positionTypeName(lang, p.Type)
	}
	line += " · " + n.person(p.ConsultantID) + " (" + n.jobcenter(p.JobcenterID) + ")"
	if p.Status != bot.PositionOpen {
		line += " · " + positionStatusName(lang, p.Status)
	}
	return line
}

func positionList(c *call, title string, ps []bot.Position, n positionNames, withCompany bool) bot.Message {
	items := make([]string, 0, min(len(ps), maxListed)+1)
	for i, p := range ps {
		if i == maxListed {
			items = append(items, c.tr("… og "+itoa(len(ps)-maxListed)+" mere", "… and "+itoa(len(ps)-maxListed)+" more"))
			break
		}
		items = append(items, positionLine(c.lang, p, n, withCompany))
	}
	return bot.Message{Blocks: []bot.Block{bot.Heading{Text: title}, bot.List{Items: items}}}
}

// The lists »stilling liste« shows besides a company's.
var (
	wordOpen = word("åbne", "open", "åben", "abne", "aben")
	// wordMine may be followed by »stillinger« or »positions«.
	wordMine      = word("mine", "mine", "my")
	wordPositions = word("stillinger", "positions")
)

// runPositionList lists the open positions of the caller's jobcenter and
// its partners, the caller's own positions, or a company's.
func runPositionList(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	switch {
	case fold(strings.Join(args, " ")) == "" || len(args) == 1 && wordOpen.Is(args[0]):
		return s.listOpenPositions(ctx, c)
	case len(args) >= 1 && len(args) <= 2 && wordMine.Is(args[0]) && (len(args) == 1 || wordPositions.Is(args[1])):
		return s.listPositions(ctx, c, func(p bot.Position) bool { return p.ConsultantID == c.actor.ID },
			c.tr("Dine stillinger", "Your positions"),
			c.tr("Du har ingen stillinger endnu. Opret en med »stilling <virksomhed> <titel>«.",
				"You have no positions yet. Register one with »position <company> <title>«."))
	}
	co, err := s.company(ctx, c, args)
	if err != nil {
		if words, ok := s.asNewPosition(ctx, c, args); ok {
			return runPosition(ctx, s, c, words)
		}
		if be := (*bot.Error)(nil); asBotError(err, &be) && be.Code == bot.NotFound {
			return bot.Message{}, bot.Errorf(bot.NotFound, "%s", be.Message+c.tr(
				" Skriv »stilling liste« for de åbne, »stilling liste mine« for dine eller »stilling liste <virksomhed>«.",
				" Type »position list« for the open ones, »position list mine« for yours or »position list <company>«."))
		}
		return bot.Message{}, err
	}
	ps, err := s.positions.PositionsOf(ctx, co.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("positions of company: %w", err)
	}
	// Other jobcenters' positions at the company are theirs and their
	// partners' to see.
	if ps, err = s.knownPositions(ctx, c, ps); err != nil {
		return bot.Message{}, err
	}
	if len(ps) == 0 {
		return bot.Reply(c.tr(co.Name+" har ingen stillinger endnu. Opret en med »stilling "+co.Name+" <titel>«.",
			co.Name+" has no positions yet. Register one with »position "+co.Name+" <title>«.")), nil
	}
	slices.Reverse(ps) // newest first, as the other lists
	return positionList(c, c.tr("Stillinger hos ", "Positions at ")+co.Name+": "+itoa(len(ps)), ps, s.positionNames(ctx, c.lang), false), nil
}

func (s *Service) listOpenPositions(ctx context.Context, c *call) (bot.Message, error) {
	js, err := s.withPartners(ctx, c.actor.JobcenterID)
	if err != nil {
		return bot.Message{}, err
	}
	shared := map[uint64]bool{}
	for _, j := range js {
		shared[j.ID] = true
	}
	where := js[0].Name
	if len(js) > 1 {
		where += c.tr(" og samarbejdspartnere", " and partners")
	}
	return s.listPositions(ctx, c, func(p bot.Position) bool { return p.Status == bot.PositionOpen && shared[p.JobcenterID] },
		c.tr("Åbne stillinger i ", "Open positions in ")+where,
		c.tr("Der er ingen åbne stillinger i "+where+". Opret en med »stilling <virksomhed> <titel>«.",
			"There are no open positions in "+where+". Register one with »position <company> <title>«."))
}

// listPositions lists the positions keep accepts, newest first, of those
// the actor may see.
func (s *Service) listPositions(ctx context.Context, c *call, keep func(bot.Position) bool, title, empty string) (bot.Message, error) {
	var ps []bot.Position
	err := s.positions.ForEachPosition(ctx, func(p bot.Position) error {
		if keep(p) {
			ps = append(ps, p)
		}
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("list positions: %w", err)
	}
	if ps, err = s.knownPositions(ctx, c, ps); err != nil {
		return bot.Message{}, err
	}
	if len(ps) == 0 {
		return bot.Reply(empty), nil
	}
	return positionList(c, title+": "+itoa(len(ps)), ps, s.positionNames(ctx, c.lang), true), nil
}

// openPositionLines are the company card's lines about its open
// positions, of those the actor may see.
func (s *Service) openPositionLines(ctx context.Context, c *call, companyID uint64) ([]string, error) {
	ps, err := s.positions.PositionsOf(ctx, companyID)
	if err != nil {
		return nil, fmt.Errorf("positions of company: %w", err)
	}
	if ps, err = s.knownPositions(ctx, c, ps); err != nil {
		return nil, err
	}
	n := s.positionNames(ctx, c.lang)
	var lines []string
	for _, p := range ps {
		if p.Status == bot.PositionOpen {
			lines = append(lines, positionLine(c.lang, p, n, false))
		}
	}
	return lines, nil
}
