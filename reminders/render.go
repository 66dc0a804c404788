package reminders

import (
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
	"kontaktbot/chart"
)

// maxLines is the most companies one message lists; the rest are
// counted. maxPlanned is the most planned contacts a nudge lists below
// them: each listed company is a block of its own in Slack (its actions
// beside it), and a message has at most 50.
const (
	maxLines   = 25
	maxPlanned = 15
	// maxCrossings keeps other jobcenters' contacts to a few lines, so
	// that a full nudge stays within Slack's 50 blocks (the adapter cuts
	// beyond, with a note).
	maxCrossings = 5
)

// Render makes the message of a delivery in lang, as of day.
func Render(d bot.Delivery, lang bot.Lang, day time.Time) bot.Message {
	switch d.Kind {
	case bot.JobDigest:
		return renderDigest(d, lang, day)
	case bot.JobNudge:
		return renderNudge(d, lang, day)
	}
	// Kinds written at planning time.
	return bot.Message{Blocks: []bot.Block{bot.Heading{Text: d.Heading}, bot.List{Items: d.Lines}}}
}

func renderNudge(d bot.Delivery, lang bot.Lang, day time.Time) bot.Message {
	var overdue, planned []bot.NudgeItem
	open := 0
	for _, it := range d.Items {
		if !it.Planned.IsZero() {
			planned = append(planned, it)
		} else {
			overdue = append(overdue, it)
		}
		if it.Done.IsZero() {
			open++
		}
	}
	var head string
	switch {
	case len(d.Items) == 0:
		head = lang.Pick("God morgen! Andre jobcentre har haft kontakt med dine virksomheder",
			"Good morning! Other jobcentres have been in touch with your companies")
	case open == 0:
		head = lang.Pick("Godt klaret: alle "+count(len(d.Items), "virksomhed", "virksomheder")+" i dagens påmindelse har fået kontakt",
			"Well done: all "+count(len(d.Items), "company", "companies")+" in today's nudge have had contact")
	case len(overdue) == 0:
		head = lang.Pick("God morgen! "+count(len(planned), "planlagt kontakt", "planlagte kontakter")+" i dag",
			"Good morning! "+count(len(planned), "planned contact", "planned contacts")+" today")
	default:
		head = lang.Pick("God morgen! "+count(len(overdue), "virksomhed venter", "virksomheder venter")+" på kontakt",
			"Good morning! "+count(len(overdue), "company is", "companies are")+" waiting for contact")
	}
	if done := len(d.Items) - open; done > 0 && open > 0 {
		head += lang.Pick(" ("+strconv.Itoa(done)+" klaret)", " ("+strconv.Itoa(done)+" done)")
	}
	blocks := []bot.Block{bot.Heading{Text: head}}
	if len(overdue) > 0 {
		blocks = append(blocks, rows("", overdue, lang, day, maxLines)...)
	}
	if len(planned) > 0 {
		blocks = append(blocks, rows(lang.Pick("Planlagt i dag", "Planned for today"), planned, lang, day, maxPlanned)...)
	}
	if len(d.Crossings) > 0 {
		blocks = append(blocks, crossingRows(d.Crossings, lang))
	}
	blocks = append(blocks, bot.Text{Text: lang.Pick(
		"Noter en kontakt med »besøg <virksomhed> <note>«, udsæt med »udsæt <virksomhed> 1u«, planlæg med »planlæg <virksomhed> <dato>«.",
		"Log a contact with »visit <company> <note>«, snooze with »snooze <company> 1w«, plan with »plan <company> <date>«.")})
	return bot.Message{Blocks: blocks}
}

// rows lists up to limit companies of a nudge, each with its actions (a
// done one without), and says how to see the rest.
func rows(title string, items []bot.NudgeItem, lang bot.Lang, day time.Time, limit int) []bot.Block {
	rs := bot.Rows{Title: title}
	for i, it := range items {
		if i == limit {
			break
		}
		if !it.Done.IsZero() {
			rs.Rows = append(rs.Rows, bot.Row{Text: doneLine(it, lang)})
			continue
		}
		rs.Rows = append(rs.Rows, bot.Row{Text: nudgeLine(it, lang, day), Actions: actions(it, lang)})
	}
	out := []bot.Block{rs}
	if n := len(items) - limit; n > 0 {
		out = append(out, bot.Text{Text: more(n, lang, moreNudge)})
	}
	return out
}

// crossingRows tells of other jobcenters' contacts with the recipient's
// companies, each with the way to the card (where the note is).
func crossingRows(cs []bot.Crossing, lang bot.Lang) bot.Rows {
	rs := bot.Rows{Title: lang.Pick("Andre jobcentre har haft kontakt", "Other jobcentres have been in touch")}
	for i, c := range cs {
		if i == maxCrossings {
			rs.Rows = append(rs.Rows, bot.Row{Text: lang.Pick("… og "+strconv.Itoa(len(cs)-i)+" mere; se virksomhedernes kort",
				"… and "+strconv.Itoa(len(cs)-i)+" more; see the companies' cards")})
			break
		}
		rs.Rows = append(rs.Rows, bot.Row{Text: crossingLine(c, lang),
			Actions: []bot.Button{{Label: lang.Pick("Vis kort", "Show card"), Command: lang.Pick("virksomhed ", "company ") + c.Name}}})
	}
	return rs
}

// crossingLine is »Jobcenter Svendborg har haft kontakt: *L-tek* — besøg
// tors. 3. dec. ved Mette Ørsted«.
func crossingLine(c bot.Crossing, lang bot.Lang) string {
	who := c.Jobcenter
	if who == "" {
		who = lang.Pick("Et andet jobcenter", "Another jobcentre")
	}
	s := who + lang.Pick(" har haft kontakt: *", " has been in touch: *") + c.Name + "* — "
	if c.Kind != "" {
		s += c.Kind.Label(lang) + " "
	}
	s += bot.FormatDay(c.At, lang) + lang.Pick(" ved ", " by ") + c.By
	if c.Owner != "" {
		s += "; for " + c.Owner
	}
	return s
}

// doneLine is a nudge line whose company has had contact since.
func doneLine(it bot.NudgeItem, lang bot.Lang) string {
	s := "✅ *" + it.Name + "* — " + lang.Pick("kontakt noteret ", "contact logged ") + bot.FormatTime(it.Done, lang)
	var how []string
	if it.DoneKind != "" {
		how = append(how, it.DoneKind.Label(lang))
	}
	if it.DoneBy != "" {
		how = append(how, it.DoneBy)
	}
	if len(how) > 0 {
		s += " (" + strings.Join(how, ", ") + ")"
	}
	return s
}

func renderDigest(d bot.Delivery, lang bot.Lang, day time.Time) bot.Message {
	why := lang.Pick(
		"Virksomheder mere end én hel kadence over tid, eller udsat "+strconv.Itoa(bot.EscalationSnoozes)+" gange i træk.",
		"Companies overdue by more than one whole cadence, or snoozed "+strconv.Itoa(bot.EscalationSnoozes)+" times in a row.")
	var blocks []bot.Block
	if len(d.Items) == 0 {
		blocks = []bot.Block{
			bot.Heading{Text: lang.Pick("Ugens overblik: ingen opmærksomhedspunkter", "This week's overview: no escalations")},
			bot.Text{Text: lang.Pick("Ingen virksomheder er mere end én hel kadence over tid eller udsat "+strconv.Itoa(bot.EscalationSnoozes)+" gange i træk.",
				"No company is overdue by more than one whole cadence or snoozed "+strconv.Itoa(bot.EscalationSnoozes)+" times in a row.")},
		}
	} else {
		blocks = []bot.Block{
			bot.Heading{Text: lang.Pick("Ugens opmærksomhedspunkter: "+count(len(d.Items), "virksomhed", "virksomheder"),
				"This week's escalations: "+count(len(d.Items), "company", "companies"))},
			bot.Text{Text: why},
			bot.List{Items: lines(d.Items, lang, day, digestLine, moreDigest)},
		}
	}
	if d.Coverage != nil {
		blocks = append(blocks, coverageBlocks(*d.Coverage, lang, day)...)
	}
	return bot.Message{Blocks: blocks}
}

// coverageBlocks are the digest's coverage chart and its figures in words;
// should the picture fail, the words still go.
func coverageBlocks(ch bot.CoverageChart, lang bot.Lang, day time.Time) []bot.Block {
	blocks := []bot.Block{bot.Divider{},
		bot.Heading{Text: lang.Pick("Dækning uge for uge: ", "Coverage week by week: ") + ch.Title},
		bot.Text{Text: chart.Summary(ch, lang)}}
	if img, err := chart.Image(ch, lang, day); err == nil {
		blocks = append(blocks, img)
	}
	return append(blocks, bot.Text{Text: lang.Pick("Hele grafen, når som helst: »dækning graf«.", "The full chart, any time: »coverage chart«.")})
}

// The commands that list exactly a nudge's and a digest's companies, for
// when there are more than a message shows.
var (
	moreNudge  = map[bot.Lang]string{bot.Danish: "mine forfaldne", bot.English: "mine overdue"}
	moreDigest = map[bot.Lang]string{bot.Danish: "forfaldne team eskalerede", bot.English: "overdue team escalated"}
)

func lines(items []bot.NudgeItem, lang bot.Lang, day time.Time, line func(bot.NudgeItem, bot.Lang, time.Time) string, cmds map[bot.Lang]string) []string {
	out := make([]string, 0, min(len(items), maxLines)+1)
	for i, it := range items {
		if i == maxLines {
			out = append(out, more(len(items)-maxLines, lang, cmds))
			break
		}
		out = append(out, line(it, lang, day))
	}
	return out
}

// more says how many more there are, and the command that lists them all.
func more(n int, lang bot.Lang, cmds map[bot.Lang]string) string {
	cmd := cmds[lang]
	if cmd == "" {
		cmd = cmds[bot.Danish]
	}
	return lang.Pick("… og "+strconv.Itoa(n)+" mere: skriv »"+cmd+"«", "… and "+strconv.Itoa(n)+" more: type »"+cmd+"«")
}

// nudgeLine explains itself: how overdue, the cadence, the last contact
// (when, how, by whom), and whose company it is when it is a stand-in's.
func nudgeLine(it bot.NudgeItem, lang bot.Lang, day time.Time) string {
	var b strings.Builder
	b.WriteString("*" + it.Name + "*")
	if it.Tier == bot.TierIntensified {
		b.WriteString(lang.Pick(" (intensiveret)", " (intensified)"))
	}
	b.WriteString(" — ")
	switch {
	case !it.Planned.IsZero():
		b.WriteString(lang.Pick("planlagt kontakt i dag", "contact planned for today"))
	case it.OverdueDays == 0:
		b.WriteString(lang.Pick("forfalder i dag", "due today"))
	default:
		b.WriteString(dayCount(lang, it.OverdueDays) + lang.Pick(" over", " overdue"))
	}
	b.WriteString(lang.Pick("; kadence ", "; cadence ") + dayCount(lang, it.CadenceDays))
	b.WriteString("; " + lastContact(it, lang, day))
	if it.Owner != "" {
		b.WriteString(lang.Pick("; for "+it.Owner+", der er væk til og med "+bot.FormatDate(it.OwnerAway, lang),
			"; for "+it.Owner+", away until "+bot.FormatDate(it.OwnerAway, lang)))
	}
	return b.String()
}

// digestLine names the consultant and why the company is escalated.
func digestLine(it bot.NudgeItem, lang bot.Lang, day time.Time) string {
	var why []string
	if it.OverdueDays > it.CadenceDays {
		why = append(why, dayCount(lang, it.OverdueDays)+lang.Pick(" over en kadence på ", " past a cadence of ")+dayCount(lang, it.CadenceDays))
	}
	if it.SnoozeCount >= bot.EscalationSnoozes {
		why = append(why, lang.Pick("udsat "+strconv.Itoa(it.SnoozeCount)+" gange i træk", "snoozed "+strconv.Itoa(it.SnoozeCount)+" times in a row"))
	}
	return "*" + it.Name + "* (" + it.Owner + ") — " + strings.Join(why, "; ") + "; " + lastContact(it, lang, day)
}

func lastContact(it bot.NudgeItem, lang bot.Lang, day time.Time) string {
	if it.LastContact.IsZero() {
		return lang.Pick("ingen kontakt endnu", "no contact yet")
	}
	since := bot.DaysBetween(it.LastContact, day)
	s := lang.Pick("sidste kontakt ", "last contact ") + bot.FormatDate(it.LastContact, lang) +
		" (" + dayCount(lang, since) + lang.Pick(" siden", " ago")
	if it.LastKind != "" {
		s += ", " + it.LastKind.Label(lang)
	}
	if it.LastBy != "" {
		s += lang.Pick(" ved ", " by ") + it.LastBy
	}
	return s + ")"
}

// actions offer, for each company of a nudge, to log a contact, snooze,
// plan or see its card. The commands are written with their names in
// lang, as the command table in package commands declares them (reminders
// may not import it; a test in cmd/kontaktbot runs every button's command
// through the table).
func actions(it bot.NudgeItem, lang bot.Lang) []bot.Button {
	return []bot.Button{
		{Label: lang.Pick("Noter kontakt", "Log contact"), Command: lang.Pick("besøg ", "visit ") + it.Name, Primary: true,
			Form: &bot.FormRef{Kind: bot.FormVisit, Subject: it.Name}},
		{Label: lang.Pick("Udsæt 1 uge", "Snooze 1 week"), Command: lang.Pick("udsæt ", "snooze ") + it.Name + lang.Pick(" 1u", " 1w")},
		{Label: lang.Pick("Planlæg", "Plan"), Command: lang.Pick("planlæg ", "plan ") + it.Name,
			Form: &bot.FormRef{Kind: bot.FormPlan, Subject: it.Name}},
		{Label: lang.Pick("Vis kort", "Show card"), Command: lang.Pick("virksomhed ", "company ") + it.Name},
	}
}

// dayCount is "1 dag", "5 dage" or "1 day", "5 days".
func dayCount(lang bot.Lang, n int) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + lang.Pick(" dag", " day")
	}
	return strconv.Itoa(n) + lang.Pick(" dage", " days")
}

// count is "1 virksomhed", "3 virksomheder".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
