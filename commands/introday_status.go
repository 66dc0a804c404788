package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"kontaktbot/bot"
)

// stageCount is how many candidates of one jobcenter are at each step.
type stageCount struct {
	invited, matched, internship, meeting, outcome int
	outcomes                                       map[string]int
}

func (n *stageCount) add(cand bot.Candidate) {
	switch cand.Stage {
	case bot.StageAttended, bot.StageMatched:
		n.matched++
	case bot.StageInternship:
		n.internship++
	case bot.StageMeeting:
		n.meeting++
	case bot.StageOutcome:
		n.outcome++
		if n.outcomes == nil {
			n.outcomes = map[string]int{}
		}
		n.outcomes[cand.Outcome]++
	default:
		n.invited++
	}
}

func (n stageCount) line(lang bot.Lang) string {
	s := itoa(n.invited) + lang.Pick(" inviteret", " invited") +
		" · " + itoa(n.matched) + lang.Pick(" mødt/matchet", " attended/matched") +
		" · " + itoa(n.internship) + lang.Pick(" i praktik", " in internship") +
		" · " + itoa(n.meeting) + lang.Pick(" til uddannelsesmøde", " at education meeting") +
		" · " + itoa(n.outcome) + lang.Pick(" afsluttet", " closed")
	if len(n.outcomes) == 0 {
		return s
	}
	var parts []string
	for _, o := range []string{OutcomeJob, OutcomeWageSubsidy, OutcomeInternship, OutcomeCourse, OutcomeNone} {
		if k := n.outcomes[o]; k > 0 {
			parts = append(parts, outcomeName(lang, o)+" "+itoa(k))
		}
	}
	return s + " (" + strings.Join(parts, ", ") + ")"
}

// runIntroDayStatus counts an intro day's candidates per stage and home
// jobcenter: numbers, never references, so it may be shown in a channel.
// Only those who may see the day's lists get them (mayKnowIntroDay).
func runIntroDayStatus(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	d, rest, err := s.introDayAt(ctx, c, args, "introday status")
	if err != nil {
		return bot.Message{}, err
	}
	if len(rest) > 0 {
		return bot.Message{}, usageError(s, c, "introday status")
	}
	if err := s.seeIntroDay(ctx, c, d, "intro day status"); err != nil {
		return bot.Message{}, err
	}
	cands, err := s.introDays.Candidates(ctx, d.ID)
	if err != nil {
		return bot.Message{}, fmt.Errorf("candidates: %w", err)
	}
	return statusMessage(c.lang, d, cands, s.jobcenterNames(ctx)), nil
}

func statusMessage(lang bot.Lang, d bot.IntroDay, cands []bot.Candidate, names func(uint64) string) bot.Message {
	per := map[uint64]*stageCount{}
	order := slices.Clone(d.Jobcenters)
	var total stageCount
	for _, cand := range cands {
		n := per[cand.HomeJobcenterID]
		if n == nil {
			n = &stageCount{}
			per[cand.HomeJobcenterID] = n
			if !slices.Contains(order, cand.HomeJobcenterID) {
				order = append(order, cand.HomeJobcenterID)
			}
		}
		n.add(cand)
		total.add(cand)
	}
	items := make([]string, 0, len(order)+1)
	for _, id := range order {
		if n := per[id]; n != nil {
			items = append(items, names(id)+": "+n.line(lang))
		}
	}
	if len(items) == 0 {
		items = append(items, lang.Pick("Ingen kandidater endnu.", "No candidates yet."))
	} else if len(per) > 1 {
		items = append(items, lang.Pick("I alt: ", "In all: ")+total.line(lang))
	}
	return bot.Message{Public: true, Blocks: []bot.Block{
		bot.Heading{Text: lang.Pick("Intromøde ", "Intro day ") + dayRef(d.ID) + " — " + bot.FormatDate(d.Date, lang) + ", " + clip(d.Place)},
		bot.Fields{Fields: []bot.Field{
			{Label: lang.Pick("Kandidater", "Candidates"), Value: itoa(len(cands))},
			{Label: lang.Pick("Virksomheder", "Companies"), Value: itoa(len(d.CompanyIDs))},
		}},
		bot.List{Title: lang.Pick("Pr. jobcenter", "Per jobcenter"), Items: items},
	}}
}
