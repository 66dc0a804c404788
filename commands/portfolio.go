package commands

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"kontaktbot/bot"
)

// portfolioReader is what the portfolio and coverage views use of the
// store (the contracts are in store.go).
type portfolioReader interface {
	CompaniesOwnedBy(ctx context.Context, consultantID uint64) ([]bot.Company, error)
	EachOwned(ctx context.Context, owners []uint64, fn func(bot.Company) error) error
	ForEachCompany(ctx context.Context, fn func(bot.Company) error) error
	NudgeDue(ctx context.Context, day time.Time, fn func(bot.Company) error) error
	NearDue(ctx context.Context, c bot.Company, until time.Time, rank func(owner uint64) int, limit int) ([]bot.Company, error)
	Contacts(ctx context.Context, companyID uint64, limit int) ([]bot.Contact, error)
	ContactsPage(ctx context.Context, companyID uint64, skip, limit int) ([]bot.Contact, int, error)
	ContactsBetween(ctx context.Context, companyID uint64, from, to time.Time) ([]bot.Contact, error)
	Consultant(ctx context.Context, id uint64) (bot.Consultant, error)
	Consultants(ctx context.Context) ([]bot.Consultant, error)
	Jobcenter(ctx context.Context, id uint64) (bot.Jobcenter, error)
}

// maxListed is the most companies one reply lists; the rest are counted.
const maxListed = 40

func runCompanyShow(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return runHelp(ctx, s, c, []string{"company"})
	}
	co, err := s.company(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	jc, err := s.companyJobcenter(ctx, co)
	if err != nil {
		return bot.Message{}, fmt.Errorf("company card: %w", err)
	}
	know, err := s.mayKnow(ctx, c, jc)
	if err != nil {
		return bot.Message{}, fmt.Errorf("company card: %w", err)
	}
	var contacts []bot.Contact
	if know {
		// One more than shown, to know whether the history has more.
		if contacts, err = s.portfolio.Contacts(ctx, co.ID, cardContacts+1); err != nil {
			return bot.Message{}, fmt.Errorf("company card: %w", err)
		}
		if len(contacts) > 0 {
			if err := s.auditRead(ctx, c, jc, co, "card"); err != nil {
				return bot.Message{}, err
			}
		}
	} else if !co.LastContact.IsZero() {
		if contacts, err = s.ownContacts(ctx, c, co.ID); err != nil {
			return bot.Message{}, fmt.Errorf("company card: %w", err)
		}
	}
	positions, err := s.openPositionLines(ctx, c, co.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("company card: %w", err)
	}
	return s.card(ctx, c, co, cardAccess{jobcenter: jc, know: know}, contacts, positions), nil
}

// cardAccess is whose a company is and whether the reader may know what
// that jobcenter keeps about it (access.go).
type cardAccess struct {
	jobcenter uint64
	know      bool
}

// card is the company's card; positions are the lines about its open
// positions. Everyone sees that the company exists, its consultant and
// jobcenter and its last contact; notes, contact history, cadence and
// planned contacts only a reader who may know them.
func (s *Service) card(ctx context.Context, c *call, co bot.Company, a cardAccess, contacts []bot.Contact, positions []string) bot.Message {
	names := s.nameCache(ctx, c.lang)
	jobcenter := "–"
	if a.jobcenter != 0 {
		jobcenter = s.jobcenterName(ctx, a.jobcenter)
	}
	f := []bot.Field{
		{Label: "CVR", Value: orDash(co.CVR)},
		{Label: c.tr("Fast konsulent", "Dedicated consultant"), Value: orDash(names(co.OwnerID))},
	}
	if a.know {
		// The history below says how the last contact was made.
		f = append(f,
			bot.Field{Label: c.tr("Kadence", "Cadence"), Value: itoa(co.CadenceDays) + c.tr(" dage", " days") + tierNote(c, co.Tier)},
			bot.Field{Label: c.tr("Seneste kontakt", "Last contact"), Value: dateOrNone(c, co.LastContact)},
			bot.Field{Label: c.tr("Næste kontakt senest", "Next contact due"), Value: dueText(c, co)})
	} else {
		f = append(f, bot.Field{Label: c.tr("Seneste kontakt", "Last contact"), Value: lastContactText(c, co)})
	}
	f = append(f, bot.Field{Label: "Jobcenter", Value: jobcenter})
	if co.Postcode != "" {
		f = append(f, bot.Field{Label: c.tr("Adresse", "Address"), Value: place(bot.Company{Street: co.Street, Postcode: co.Postcode, Town: co.Town})})
	}
	if co.Area != "" {
		f = append(f, bot.Field{Label: c.tr("Område", "Area"), Value: co.Area})
	}
	if len(co.Aliases) > 0 {
		f = append(f, bot.Field{Label: c.tr("Også kaldt", "Also known as"), Value: strings.Join(co.Aliases, ", ")})
	}
	if co.Status != bot.StatusActive {
		f = append(f, bot.Field{Label: "Status", Value: statusName(c, co.Status)})
	}
	blocks := []bot.Block{bot.Heading{Text: co.Name}, bot.Fields{Fields: f}}
	if len(positions) > 0 {
		blocks = append(blocks, bot.List{Title: c.tr("Ledige stillinger", "Open positions"), Items: positions})
	}
	if a.know {
		by := s.byline(ctx, a.jobcenter)
		items := make([]string, 0, cardContacts+1)
		for _, ct := range contacts[:min(len(contacts), cardContacts)] {
			items = append(items, bot.FormatDate(ct.At, c.lang)+" "+kindName(c.lang, ct.Kind)+" ("+by(ct.ConsultantID)+"): "+noteText(c, ct))
		}
		if len(items) == 0 {
			items = append(items, c.tr("Ingen kontakter endnu.", "No contacts yet."))
		}
		if len(contacts) > cardContacts {
			h := s.find("company history").In(c.lang)
			items = append(items, c.tr("Hele historikken: »"+h+" "+co.Name+"«", "The whole history: »"+h+" "+co.Name+"«"))
		}
		blocks = append(blocks, bot.List{Title: c.tr("Seneste kontakter", "Latest contacts"), Items: items})
	} else {
		blocks = append(blocks, bot.Text{Text: keptFor(c, co, jobcenter, names)})
		if len(contacts) > 0 {
			items := make([]string, 0, len(contacts))
			for _, ct := range contacts {
				items = append(items, bot.FormatDate(ct.At, c.lang)+" "+kindName(c.lang, ct.Kind)+" ("+names(ct.ConsultantID)+"): "+ct.Note)
			}
			blocks = append(blocks, bot.List{Title: c.tr("Jeres egne kontakter", "Your jobcentre's own contacts"), Items: items})
		}
	}
	blocks = append(blocks, bot.Buttons{Buttons: []bot.Button{{Label: c.tr("Noter kontakt", "Log contact"), Command: s.find("visit").In(c.lang) + " " + co.Name, Primary: true,
		Form: &bot.FormRef{Kind: bot.FormVisit, Subject: co.Name}}}})
	return bot.Message{Blocks: blocks}
}

// ownScan is how many of a company's latest contacts the card looks
// through for the reader's own jobcenter's, when the rest are not theirs
// to read.
const ownScan = 50

// ownContacts returns up to cardContacts of the company's latest contacts
// that people of the reader's own jobcenter logged: a consultant of
// another jobcenter who has visited a company with sites in several
// municipalities may read back their own notes, if not its owner's.
func (s *Service) ownContacts(ctx context.Context, c *call, company uint64) ([]bot.Contact, error) {
	all, err := s.portfolio.Contacts(ctx, company, ownScan)
	if err != nil {
		return nil, err
	}
	jobcenterOf := map[uint64]uint64{}
	var out []bot.Contact
	for _, ct := range all {
		j, ok := jobcenterOf[ct.ConsultantID]
		if !ok {
			if p, err := s.portfolio.Consultant(ctx, ct.ConsultantID); err == nil {
				j = p.JobcenterID
			}
			jobcenterOf[ct.ConsultantID] = j
		}
		if j == c.actor.JobcenterID {
			if out = append(out, ct); len(out) == cardContacts {
				break
			}
		}
	}
	return out, nil
}

// byline names the consultant of a contact line, and their jobcenter when
// it is not jc, the company's: »Mette Ørsted, Jobcenter Svendborg«.
func (s *Service) byline(ctx context.Context, jc uint64) func(uint64) string {
	seen := map[uint64]string{}
	return func(id uint64) string {
		if n, ok := seen[id]; ok {
			return n
		}
		n := "#" + itoa(int(id))
		if p, err := s.portfolio.Consultant(ctx, id); err == nil {
			n = p.Name
			if jc != 0 && p.JobcenterID != 0 && p.JobcenterID != jc {
				n += ", " + s.jobcenterName(ctx, p.JobcenterID)
			}
		}
		seen[id] = n
		return n
	}
}

// lastContactText is the day of the last contact and how it was made.
func lastContactText(c *call, co bot.Company) string {
	s := dateOrNone(c, co.LastContact)
	if !co.LastContact.IsZero() && co.LastKind != "" {
		s += " (" + kindName(c.lang, co.LastKind) + ")"
	}
	return s
}

// keptFor tells a reader outside the company's jobcenter and its partners
// where its notes and history are kept and whom to ask.
func keptFor(c *call, co bot.Company, jobcenter string, names func(uint64) string) string {
	da := "Noter, kontakthistorik og planlagte kontakter føres for " + jobcenter + " og deres samarbejdspartnere. "
	en := "Notes, contact history and planned contacts are kept for " + jobcenter + " and its partners. "
	switch {
	case co.OwnerID != 0:
		da += "Kontakt den faste konsulent, " + names(co.OwnerID) + ", før du kontakter virksomheden."
		en += "Please talk to the dedicated consultant, " + names(co.OwnerID) + ", before you contact the company."
	case co.LastBy != 0:
		da += "Virksomheden har ingen fast konsulent; kontakt " + names(co.LastBy) + ", som havde den seneste kontakt, før du kontakter den."
		en += "The company has no dedicated consultant; please talk to " + names(co.LastBy) + ", who had the last contact, before you contact it."
	}
	return c.tr(da, en)
}

// nameCache returns a lookup from consultant id to name that loads each
// person once per reply. A person deleted (person slet) or never known is
// »(slettet person)« in lang: what they did stays, their name does not.
func (s *Service) nameCache(ctx context.Context, lang bot.Lang) func(uint64) string {
	seen := map[uint64]string{}
	return func(id uint64) string {
		if id == 0 {
			return ""
		}
		if n, ok := seen[id]; ok {
			return n
		}
		n := "#" + itoa(int(id))
		p, err := s.portfolio.Consultant(ctx, id)
		switch {
		case err == nil:
			n = p.Name
		case isNotFound(err):
			n = lang.Pick("(slettet person)", "(deleted person)")
		}
		seen[id] = n
		return n
	}
}

func tierNote(c *call, t bot.Tier) string {
	if t == bot.TierIntensified {
		return c.tr(" (intensiveret)", " (intensified)")
	}
	return ""
}

func statusName(c *call, st bot.Status) string {
	switch st {
	case bot.StatusPaused:
		return c.tr("på pause", "paused")
	case bot.StatusEnded:
		return c.tr("afsluttet", "ended")
	}
	return c.tr("aktiv", "active")
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func dateOrNone(c *call, t time.Time) string {
	if t.IsZero() {
		return c.tr("ingen endnu", "none yet")
	}
	return bot.FormatDate(t, c.lang)
}

// dueText says when contact is due, and how late it is, in words.
func dueText(c *call, co bot.Company) string {
	if co.Status != bot.StatusActive {
		return statusName(c, co.Status)
	}
	due := co.DueDay()
	if due.IsZero() {
		return "–"
	}
	s := bot.FormatDate(due, c.lang)
	switch d := co.OverdueDays(c.now); {
	case d > 0:
		s += c.tr(" ("+itoa(d)+" dage over)", " ("+itoa(d)+" days overdue)")
	case d == 0:
		s += c.tr(" (i dag)", " (today)")
	}
	if !co.SnoozedUntil.IsZero() && co.SnoozedUntil.After(c.now) {
		s += c.tr(", udsat til ", ", snoozed until ") + bot.FormatDate(co.SnoozedUntil, c.lang)
	}
	if !co.PlannedNext.IsZero() && !co.PlannedNext.Before(bot.Day(c.now)) {
		s += c.tr(", planlagt ", ", planned ") + bot.FormatDate(co.PlannedNext, c.lang)
	}
	return s
}

// portfolioLine is one company in a list: name, due state, plan or
// snooze, last contact.
func portfolioLine(c *call, co bot.Company) string {
	line := co.Name + " — "
	switch d := co.OverdueDays(c.now); {
	case co.Status != bot.StatusActive:
		line += statusName(c, co.Status)
	case d > 0:
		line += c.tr(itoa(d)+" dage over", itoa(d)+" days overdue")
	case d == 0:
		line += c.tr("forfalder i dag", "due today")
	default:
		line += c.tr("om "+itoa(-d)+" dage", "due in "+itoa(-d)+" days")
	}
	if plannedAhead(c, &co) {
		line += c.tr(", planlagt ", ", planned ") + bot.FormatDate(co.PlannedNext, c.lang)
	}
	if snoozed(c, &co) {
		line += c.tr(", udsat til ", ", snoozed until ") + bot.FormatDate(co.SnoozedUntil, c.lang)
	}
	if co.LastContact.IsZero() {
		line += c.tr(" (ingen kontakt endnu)", " (no contact yet)")
	} else {
		line += c.tr(" (sidst ", " (last ") + bot.FormatDate(co.LastContact, c.lang) + ")"
	}
	return line
}

// byUrgency orders cs most overdue first, paused and ended ones last, and
// returns it. The overdue days are worked out once per company, not once
// per comparison: a consultant may own thousands.
func byUrgency(c *call, cs []*bot.Company) []*bot.Company {
	type keyed struct {
		co      *bot.Company
		active  bool
		overdue int
	}
	ks := make([]keyed, len(cs))
	for i, co := range cs {
		ks[i] = keyed{co, co.Status == bot.StatusActive, co.OverdueDays(c.now)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.active != b.active {
			if a.active {
				return -1
			}
			return 1
		}
		if a.overdue != b.overdue {
			return cmp.Compare(b.overdue, a.overdue)
		}
		if n := strings.Compare(a.co.Name, b.co.Name); n != 0 {
			return n
		}
		return cmp.Compare(a.co.ID, b.co.ID)
	})
	for i := range ks {
		cs[i] = ks[i].co
	}
	return cs
}

// companies collects companies in blocks that never move, so that
// gathering thousands copies none and pointers to them stay good.
type companies struct {
	blocks [][]bot.Company
	ptrs   []*bot.Company
}

func (cs *companies) add(co bot.Company) {
	if n := len(cs.blocks); n == 0 || len(cs.blocks[n-1]) == cap(cs.blocks[n-1]) {
		cs.blocks = append(cs.blocks, make([]bot.Company, 0, 256))
	}
	b := &cs.blocks[len(cs.blocks)-1]
	*b = append(*b, co)
	cs.ptrs = append(cs.ptrs, &(*b)[len(*b)-1])
}

// companyFilters are the lists »virksomhed liste« shows.
var companyFilters = []Choice[string]{
	{word("mine", "mine", "my"), "mine"},
	{wordListTeam, "team"},
	{word("forfaldne", "overdue", "over", "due"), "overdue"},
	{word("alle", "all"), "all"},
}

// runCompanyList shows one of the lists: the actor's own companies, their
// jobcenter's (all, or the overdue ones), or every company by name; each
// with the list filters and pages.
func runCompanyList(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	scope, rest := "mine", args
	if len(args) > 0 {
		if f, ok := choose(companyFilters, args[0]); ok {
			scope, rest = f, args[1:]
		}
	}
	prefix := s.find("company list").In(c.lang)
	for _, f := range companyFilters {
		if f.Value == scope {
			prefix += " " + f.Word.In(c.lang)
		}
	}
	q, err := parseListQuery(c, prefix, rest)
	if err != nil {
		// "company list tech" may name a company called "List Tech".
		if _, e := s.company(ctx, c, append([]string{"list"}, args...)); e == nil {
			return runCompanyShow(ctx, s, c, append([]string{"list"}, args...))
		}
		return bot.Message{}, err
	}
	switch scope {
	case "team":
		return s.team(ctx, c, q, prefix)
	case "overdue":
		if !q.escalated {
			q.due = true
		}
		return s.team(ctx, c, q, s.find("company list").In(c.lang)+" "+wordListTeam.In(c.lang))
	case "all":
		return s.listAll(ctx, c, q, prefix)
	}
	return s.mine(ctx, c, q, prefix)
}

func (s *Service) jobcenterMembers(ctx context.Context, jobcenterID uint64) (map[uint64]bool, error) {
	all, err := s.portfolio.Consultants(ctx)
	if err != nil {
		return nil, fmt.Errorf("list consultants: %w", err)
	}
	m := make(map[uint64]bool, len(all))
	for _, p := range all {
		if p.JobcenterID == jobcenterID {
			m[p.ID] = true
		}
	}
	return m, nil
}

// listAll lists the companies of every jobcenter by name: each with its
// dedicated consultant, jobcenter and last contact, what everyone may see
// (access.go), so that nobody calls a company another jobcenter has just
// called. Notes and due days stay on the cards of those who may know them,
// and so do the filters that would tell them: only an area and a search
// narrow this list.
func (s *Service) listAll(ctx context.Context, c *call, q listQuery, cmd string) (bot.Message, error) {
	if q.due || q.escalated || len(q.states) > 0 {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Listen over alle jobcentres virksomheder kan kun afgrænses med »område <område>« og »søg <tekst>«. Forfaldne, planlagte og udsatte viser »mine …« og »virksomhed liste team …«.",
			"The list of every jobcenter's companies can only be narrowed with »area <area>« and »search <text>«. Overdue, planned and snoozed ones are in »mine …« and »company list team …«."))
	}
	first, n, matched, err := s.firstByName(ctx, c, q.page*maxListed, q)
	if err != nil {
		return bot.Message{}, err
	}
	names := s.nameCache(ctx, c.lang)
	jobcenters := cached(func(id uint64) string { return s.jobcenterName(ctx, id) })
	jcOf := map[uint64]uint64{}
	for _, co := range first[min((q.page-1)*maxListed, len(first)):] {
		jc, err := s.companyJobcenter(ctx, co)
		if err != nil {
			return bot.Message{}, fmt.Errorf("list all: %w", err)
		}
		jcOf[co.ID] = jc
	}
	return companyList{
		title: c.tr("Alle virksomheder: "+itoa(n)+" (alle jobcentre, efter navn)", "All companies: "+itoa(n)+" (all jobcenters, by name)"),
		all:   n, cs: pointers(first), matched: matched, command: cmd,
		line: func(co bot.Company) string { return allLine(c, co, names(co.OwnerID), jcOf[co.ID], jobcenters) },
		empty: c.tr("Der er ingen virksomheder endnu. Opret en med »virksomhed opret <navn>«.",
			"There are no companies yet. Register one with »company add <name>«."),
	}.render(c, q)
}

// firstByName returns the first k companies by name that q keeps, how
// many companies there are in all, and how many q keeps. It keeps k while
// it reads, so that a store of a quarter of a million companies is not
// held or sorted whole.
func (s *Service) firstByName(ctx context.Context, c *call, k int, q listQuery) ([]bot.Company, int, int, error) {
	type keyed struct {
		key string
		co  bot.Company
	}
	var top []keyed
	n, matched := 0, 0
	err := s.portfolio.ForEachCompany(ctx, func(co bot.Company) error {
		n++
		if !q.matches(c, &co) {
			return nil
		}
		matched++
		key := bot.NormalizeName(co.Name)
		if len(top) == k && key >= top[k-1].key {
			return nil
		}
		i := sort.Search(len(top), func(i int) bool { return top[i].key > key })
		if len(top) < k {
			top = append(top, keyed{})
		}
		copy(top[i+1:], top[i:len(top)-1])
		top[i] = keyed{key, co}
		return nil
	})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("list all: %w", err)
	}
	out := make([]bot.Company, len(top))
	for i, t := range top {
		out[i] = t.co
	}
	return out, n, matched, nil
}

func pointers(cs []bot.Company) []*bot.Company {
	out := make([]*bot.Company, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out
}

// allLine is one company in the list of all: name, consultant, jobcenter
// and last contact.
func allLine(c *call, co bot.Company, owner string, jobcenter uint64, jobcenters func(uint64) string) string {
	line := co.Name + " — "
	if owner == "" {
		line += c.tr("ingen fast konsulent", "no dedicated consultant")
	} else {
		line += owner
	}
	if jobcenter != 0 {
		line += ", " + jobcenters(jobcenter)
	}
	if co.LastContact.IsZero() {
		return line + c.tr(" — ingen kontakt endnu", " — no contact yet")
	}
	return line + c.tr(" — sidst ", " — last ") + lastContactText(c, co)
}
