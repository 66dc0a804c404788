package commands

import (
	"context"
	"strings"
	"time"

	"kontaktbot/bot"
)

// After a visit is saved, its reply names up to nearShown other companies
// near the one visited (the same area, postcode or town) that are overdue
// or due within nearDays: the consultant's own first, then colleagues' in
// the same jobcenter with their consultant's name, so that one trip covers
// several. Companies of other jobcenters are left out: their due days are
// theirs to know (access.go).
const (
	nearDays  = 7
	nearShown = 3
)

// nearby is the "mens du er derude" block for a visit to co logged by c's
// person, or nil when there is nothing near to show. It never fails the
// visit: the contact is saved, so a failed lookup is logged and left out.
func (s *Service) nearby(ctx context.Context, c *call, co bot.Company, ct bot.Contact) []bot.Block {
	if ct.Kind != bot.KindVisit || !bot.Day(ct.At).Equal(bot.Day(c.now)) {
		return nil // not out there now
	}
	if co.Area == "" && co.Postcode == "" && co.Town == "" {
		return nil
	}
	// The owners met are looked up one by one (from memory) and
	// remembered: a colleague's name, "" for someone of another
	// jobcenter. Listing every consultant instead cost 3 ms a visit in a
	// national file of 5,000.
	names := map[uint64]string{}
	colleague := func(owner uint64) (string, bool) {
		if name, ok := names[owner]; ok {
			return name, name != ""
		}
		p, err := s.people.Consultant(ctx, owner)
		if err != nil || c.actor.JobcenterID == 0 || p.JobcenterID != c.actor.JobcenterID {
			p.Name = ""
		}
		names[owner] = p.Name
		return p.Name, p.Name != ""
	}
	rank := func(owner uint64) int {
		if owner == c.actor.ID {
			return 0
		}
		if _, ok := colleague(owner); ok {
			return 1
		}
		return -1
	}
	today := bot.Day(c.now)
	near, err := s.portfolio.NearDue(ctx, co, bot.AddDays(today, nearDays), rank, nearShown)
	if err != nil {
		s.log.Warn("nearby: near companies", "company", co.ID, "err", err)
		return nil
	}
	if len(near) == 0 {
		return nil
	}
	rs := bot.Rows{Title: c.tr("📍 Mens du er derude: i nærheden og forfalden eller snart", "📍 While you are out there: close by and due or soon due")}
	for _, n := range near {
		rs.Rows = append(rs.Rows, bot.Row{Text: nearLine(c, n, names[n.OwnerID], today), Actions: []bot.Button{
			{Label: c.tr("Noter besøg", "Log visit"), Command: c.tr("besøg ", "visit ") + n.Name, Primary: true,
				Form: &bot.FormRef{Kind: bot.FormVisit, Subject: n.Name}},
			{Label: c.tr("Vis kort", "Show card"), Command: c.tr("virksomhed ", "company ") + n.Name},
		}})
	}
	return []bot.Block{rs}
}

// nearLine is one near company: where it is, how due, and whose it is
// when it is a colleague's.
func nearLine(c *call, co bot.Company, owner string, today time.Time) string {
	var b strings.Builder
	b.WriteString("*" + co.Name + "*")
	if where := place(co); where != "" {
		b.WriteString(" (" + where + ")")
	}
	b.WriteString(" — ")
	day, _ := co.NudgeDay()
	switch n := bot.DaysBetween(day, today); {
	case n > 0:
		b.WriteString(c.tr(days(c, n)+" over", days(c, n)+" overdue"))
	case n == 0:
		b.WriteString(c.tr("forfalder i dag", "due today"))
	default:
		b.WriteString(c.tr("forfalder ", "due ") + bot.FormatDay(day, c.lang))
	}
	if owner != "" {
		b.WriteString("; " + genitive(c.lang, owner) + c.tr(" virksomhed", " company"))
	}
	return b.String()
}

// place is where a company is, as shortly as it is known: its street and
// town, else its area.
func place(co bot.Company) string {
	town := strings.TrimSpace(co.Postcode + " " + co.Town)
	switch {
	case co.Street != "" && town != "":
		return co.Street + ", " + town
	case co.Street != "":
		return co.Street
	case town != "":
		return town
	}
	return co.Area
}

// days is "1 dag", "5 dage" or "1 day", "5 days".
func days(c *call, n int) string {
	if n == 1 {
		return "1" + c.tr(" dag", " day")
	}
	return itoa(n) + c.tr(" dage", " days")
}
