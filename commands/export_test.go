package commands

import (
	"strings"
	"time"

	"kontaktbot/bot"
)

// Tail is what a line says after its company, read without the store by
// the command's own reader: the black-box tests and the parsing benchmark
// see it through ParseTail.
type Tail struct {
	Day, FollowUp time.Time
	Kind          bot.ContactKind
	Note          string
	Title, Type   string
	Requirements  string
	Count         int
	Deadline      time.Time
	Start         time.Time
}

// ParseTail reads words, the words after the company named company in a
// line of the command named command (visit, plan, snooze, position), at
// now in lang, exactly as Handle does once the company is resolved.
func ParseTail(command string, now time.Time, lang bot.Lang, company string, words []string) (Tail, error) {
	c := &call{now: now.In(bot.Copenhagen), lang: lang}
	switch command {
	case "visit":
		v, err := parseVisitTail(c, company, words)
		return Tail{Day: v.day, FollowUp: v.followUp, Kind: v.kind, Note: v.note}, err
	case "plan":
		day, err := dayAhead(c, words, "plan "+company+" fredag", Ahead)
		return Tail{Day: day}, err
	case "snooze":
		if len(words) > 1 && untilWord.Is(words[0]) {
			words = words[1:]
		}
		until, n := TakeSnooze(words, c.now)
		if n == 0 || n != len(words) {
			return Tail{}, snoozeError(c, bot.Company{Name: company}, words)
		}
		return Tail{Day: until}, nil
	case "position":
		a, err := parsePosition(c, bot.Company{Name: company}, words)
		return Tail{Title: a.title, Type: a.kind, Requirements: a.requirements, Count: a.count, Deadline: a.deadline, Start: a.start}, err
	}
	panic("ParseTail: no tail reader for " + strings.TrimSpace(command))
}
