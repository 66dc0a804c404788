package commands

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kontaktbot/bot"
)

// Platform limits for one announcement: Slack takes 50 blocks per message
// and 3,000 characters per section; a Teams Adaptive Card is refused above
// about 28 KB. We stay well inside all three, so a long list becomes
// several posts rather than one that a platform rejects.
const (
	// AnnounceMaxBlocks is the most blocks in one announcement message.
	AnnounceMaxBlocks = 40
	// AnnounceMaxChars is the most characters of text in one announcement
	// message, counted as in its PlainText.
	AnnounceMaxChars = 12_000
	// announceMaxList is the most characters in one List block (Slack
	// renders it as one section of at most 3,000).
	announceMaxList = 2_800
	// maxItem is the longest line about one company or candidate.
	maxItem = 600
)

// IntroDayView is an intro day with every id resolved to a name, ready to
// be rendered.
type IntroDayView struct {
	ID          uint64
	Date        time.Time
	Place       string
	Host        string
	Jobcenters  []string // taking part, the host included
	Coordinator string
	Companies   []string
	Candidates  []CandidateView
}

// CandidateView is one candidate as the list shows it: the reference,
// never a name.
type CandidateView struct {
	Reference string
	Home      string // home jobcenter
	Referrer  string // the referring consultant, whom to contact
	Skills    string
	Wishes    string
}

// RenderIntroDay builds the announcement of an intro day in lang: time and
// place, host, jobcenters, attending companies and candidates. It returns
// one message, or several when the list is long, each within
// AnnounceMaxBlocks blocks and AnnounceMaxChars characters; every company
// and candidate is in exactly one of them. It does no I/O.
func RenderIntroDay(lang bot.Lang, v IntroDayView) []bot.Message {
	p := pager{}
	p.start()
	p.add(bot.Fields{Fields: []bot.Field{
		{Label: lang.Pick("Tid og sted", "Time and place"), Value: clipItem(bot.FormatDateLong(v.Date, lang) + ", " + v.Place)},
		{Label: lang.Pick("Vært", "Host"), Value: clipItem(v.Host)},
		{Label: lang.Pick("Jobcentre", "Jobcenters"), Value: clipItem(joinComma(v.Jobcenters))},
		{Label: lang.Pick("Tovholder", "Coordinator"), Value: clipItem(v.Coordinator)},
		{Label: lang.Pick("Antal", "Numbers"), Value: lang.Pick(counted(len(v.Companies), "virksomhed", "virksomheder")+", "+counted(len(v.Candidates), "kandidat", "kandidater"),
			counted(len(v.Companies), "company", "companies")+", "+counted(len(v.Candidates), "candidate", "candidates"))},
	}})
	p.add(bot.Text{Text: lang.Pick(
		"Kandidaterne står med reference, ikke navn. Spørg den henvisende konsulent om en kandidat.",
		"Candidates are listed by reference, not name. Ask the referring consultant about a candidate.")})
	companies := make([]string, len(v.Companies))
	for i, name := range v.Companies {
		companies[i] = clipItem(name)
	}
	if len(companies) == 0 {
		companies = []string{lang.Pick("Ingen endnu.", "None yet.")}
	}
	p.list(lang.Pick("Virksomheder", "Companies")+" ("+itoa(len(v.Companies))+")", lang.Pick("Virksomheder (fortsat)", "Companies (continued)"), companies)
	cands := make([]string, len(v.Candidates))
	for i, cv := range v.Candidates {
		cands[i] = candidateLine(lang, cv)
	}
	if len(cands) == 0 {
		cands = []string{lang.Pick("Ingen endnu.", "None yet.")}
	}
	p.list(lang.Pick("Kandidater", "Candidates")+" ("+itoa(len(v.Candidates))+")", lang.Pick("Kandidater (fortsat)", "Candidates (continued)"), cands)
	return p.finish(lang, v)
}

// AnnouncementEnd is what a surplus post of an announcement that has
// shrunk is replaced by.
func AnnouncementEnd(lang bot.Lang, id uint64) bot.Message {
	return bot.Message{Public: true, Blocks: []bot.Block{bot.Text{Text: lang.Pick(
		"Intromøde "+dayRef(id)+" (fortsat — ingen flere)", "Intro day "+dayRef(id)+" (continued — no more)")}}}
}

func candidateLine(lang bot.Lang, cv CandidateView) string {
	s := cv.Reference + " — " + cv.Home
	if cv.Skills != "" {
		s += " — " + lang.Pick("kompetencer: ", "skills: ") + cv.Skills
	}
	if cv.Wishes != "" {
		s += " — " + lang.Pick("ønsker: ", "wishes: ") + cv.Wishes
	}
	if cv.Referrer != "" {
		s += " (" + lang.Pick("henvist af ", "referred by ") + cv.Referrer + ")"
	}
	return clipItem(s)
}

func clipItem(s string) string {
	if utf8.RuneCountInString(s) <= maxItem {
		return s
	}
	return string([]rune(s)[:maxItem-1]) + "…"
}

func joinComma(xs []string) string { return strings.Join(xs, ", ") }

// headingRoom is kept free in every part for its heading, which is
// written last, when the number of parts is known.
const headingRoom = 200

// pager lays blocks out over as many messages as the limits need.
type pager struct {
	parts  [][]bot.Block
	blocks []bot.Block
	chars  int
}

// start opens a part with a placeholder for its heading.
func (p *pager) start() {
	if p.blocks != nil {
		p.parts = append(p.parts, p.blocks)
	}
	p.blocks = make([]bot.Block, 1, AnnounceMaxBlocks)
	p.blocks[0] = bot.Heading{}
	p.chars = headingRoom
}

func (p *pager) fits(n int) bool {
	return len(p.blocks) < AnnounceMaxBlocks && p.chars+n <= AnnounceMaxChars
}

// add puts a block in the current part, or in a new one when it is full.
func (p *pager) add(b bot.Block) {
	n := blockChars(b)
	if !p.fits(n) {
		p.start()
	}
	p.blocks = append(p.blocks, b)
	p.chars += n
}

// list lays items out as List blocks of at most announceMaxList
// characters, continuing in new parts under the title more.
func (p *pager) list(title, more string, items []string) {
	cur := bot.List{Title: title}
	n := listChars(title)
	for _, it := range items {
		in := itemChars(it)
		if len(cur.Items) > 0 && (n+in > announceMaxList || p.chars+n+in > AnnounceMaxChars) {
			p.blocks = append(p.blocks, cur)
			p.chars += n
			cur = bot.List{Title: more}
			n = listChars(more)
		}
		if len(cur.Items) == 0 && !p.fits(n+in) {
			p.start()
		}
		cur.Items = append(cur.Items, it)
		n += in
	}
	if len(cur.Items) > 0 {
		p.blocks = append(p.blocks, cur)
		p.chars += n
	}
}

// finish writes each part's heading and returns the messages.
func (p *pager) finish(lang bot.Lang, v IntroDayView) []bot.Message {
	p.parts = append(p.parts, p.blocks)
	out := make([]bot.Message, len(p.parts))
	head := lang.Pick("Intromøde ", "Intro day ") + dayRef(v.ID) + " — " + bot.FormatDateLong(v.Date, lang)
	for i, blocks := range p.parts {
		h := head
		if len(p.parts) > 1 {
			h += lang.Pick(" (del ", " (part ") + strconv.Itoa(i+1) + lang.Pick(" af ", " of ") + strconv.Itoa(len(p.parts)) + ")"
		}
		blocks[0] = bot.Heading{Text: h}
		out[i] = bot.Message{Blocks: blocks, Public: true}
	}
	return out
}

// The character counts follow bot.Message.PlainText: a line break
// between blocks, "label: value" per field, "  • " before each item.
func blockChars(b bot.Block) int {
	switch v := b.(type) {
	case bot.Heading:
		return utf8.RuneCountInString(v.Text) + 1
	case bot.Text:
		return utf8.RuneCountInString(v.Text) + 1
	case bot.Fields:
		n := 0
		for _, f := range v.Fields {
			n += utf8.RuneCountInString(f.Label) + utf8.RuneCountInString(f.Value) + 3
		}
		return n + 1
	case bot.List:
		n := listChars(v.Title)
		for _, it := range v.Items {
			n += itemChars(it)
		}
		return n
	}
	return 10
}

func listChars(title string) int { return utf8.RuneCountInString(title) + 2 }

func itemChars(it string) int { return utf8.RuneCountInString(it) + 5 }
