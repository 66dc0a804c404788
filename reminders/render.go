package reminders

import (
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
	"kontaktbot/chart"
)

// maxLines is the most companies one message lists; the rest are counted.
// maxButtons is how many companies get buttons (Slack allows 50 blocks).
const (
	maxLines   = 25
	maxButtons = 5
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
	for _, it := range d.Items {
		if !it.Planned.IsZero() {
			planned = append(planned, it)
		} else {
			overdue = append(overdue, it)
		}
	}
	var head string
	switch {
	case len(overdue) == 0:
		head = lang.Pick("God morgen! "+count(len(planned), "planlagt kontakt", "planlagte kontakter")+" i dag",
			"Good morning! "+count(len(planned), "planned contact", "planned contacts")+" today")
	default:
		head = lang.Pick("God morgen! "+count(len(overdue), "virksomhed venter", "virksomheder venter")+" på kontakt",
			"Good morning! "+count(len(overdue), "company is", "companies are")+" waiting for contact")
	}
	blocks := []bot.Block{bot.Heading{Text: head}}
	if len(overdue) > 0 {
		blocks = append(blocks, bot.List{Items: lines(overdue, lang, day, nudgeLine)})
	}
	if len(planned) > 0 {
		blocks = append(blocks, bot.List{Title: lang.Pick("Planlagt i dag", "Planned for today"), Items: lines(planned, lang, day, nudgeLine)})
	}
	blocks = append(blocks, buttons(d.Items, lang)...)
	blocks = append(blocks, bot.Text{Text: lang.Pick(
		"Noter en kontakt med »besøg <virksomhed> <note>«, udsæt med »udsæt <virksomhed> 1u«, planlæg med »planlæg <virksomhed> <dato>«.",
		"Log a contact with »visit <company> <note>«, snooze with »snooze <company> 1w«, plan with »plan <company> <date>«.")})
	return bot.Message{Blocks: blocks}
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
			bot.List{Items: lines(d.Items, lang, day, digestLine)},
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

func lines(items []bot.NudgeItem, lang bot.Lang, day time.Time, line func(bot.NudgeItem, bot.Lang, time.Time) string) []string {
	out := make([]string, 0, min(len(items), maxLines)+1)
	for i, it := range items {
		if i == maxLines {
			out = append(out, lang.Pick("… og "+strconv.Itoa(len(items)-maxLines)+" mere: skriv »mine«",
				"… and "+strconv.Itoa(len(items)-maxLines)+" more: type »mine«"))
			break
		}
		out = append(out, line(it, lang, day))
	}
	return out
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

// buttons offer, for the first companies, to log a contact or snooze. The
// commands are written with their names in lang, as the command table in
// package commands declares them (reminders may not import it; a test in
// cmd/kontaktbot runs every button's command through the table).
func buttons(items []bot.NudgeItem, lang bot.Lang) []bot.Block {
	var out []bot.Block
	for i, it := range items {
		if i == maxButtons {
			break
		}
		out = append(out, bot.Buttons{Buttons: []bot.Button{
			{Label: lang.Pick("Noter kontakt: ", "Log contact: ") + it.Name, Command: lang.Pick("besøg ", "visit ") + it.Name, Primary: true,
				Form: &bot.FormRef{Kind: bot.FormVisit, Subject: it.Name}},
			{Label: lang.Pick("Udsæt 1 uge", "Snooze 1 week"), Command: lang.Pick("udsæt ", "snooze ") + it.Name + lang.Pick(" 1u", " 1w")},
			{Label: lang.Pick("Planlæg", "Plan"), Command: lang.Pick("planlæg ", "plan ") + it.Name,
				Form: &bot.FormRef{Kind: bot.FormPlan, Subject: it.Name}},
		}})
	}
	return out
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
