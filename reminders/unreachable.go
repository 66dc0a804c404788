package reminders

import (
	"context"
	"fmt"
	"strconv"

	"kontaktbot/bot"
)

// reportUnreachable tells the team leads of to's jobcenter (its admins when
// it has no lead) that to's message d could not be delivered because the
// platform cannot reach them at all, so that someone helps them install
// or unblock the bot. It is called once, when d is given up; a report
// that fails is logged, not retried.
func (s *Sweeper) reportUnreachable(ctx context.Context, w *world, d bot.Delivery, to bot.Consultant) {
	for _, lead := range leadsOf(w, to.JobcenterID) {
		if lead.ID == to.ID {
			continue
		}
		msg := unreachableMessage(lead.Lang, d, to)
		msg.Key = fmt.Sprintf("unreachable/%s/%d/%d", d.Day.Format("2006-01-02"), to.ID, lead.ID)
		if _, err := safeSend(ctx, s.cfg.Notifier, lead, msg); err != nil {
			s.cfg.Log.Error("unreachable recipient not reported to the lead", "to", to.ID, "lead", lead.ID, "err", err)
		}
	}
}

// leadsOf returns the team leads of a jobcenter, or its admins when it has
// no lead.
func leadsOf(w *world, jobcenter uint64) []bot.Consultant {
	var leads, admins []bot.Consultant
	for _, p := range w.people {
		switch {
		case p.JobcenterID != jobcenter:
		case p.Role == bot.RoleLead:
			leads = append(leads, p)
		case p.Role == bot.RoleAdmin:
			admins = append(admins, p)
		}
	}
	if len(leads) > 0 {
		return leads
	}
	return admins
}

func unreachableMessage(lang bot.Lang, d bot.Delivery, to bot.Consultant) bot.Message {
	what := lang.Pick("dagens besked", "today's message")
	if n := len(d.Items); d.Kind == bot.JobNudge && n > 0 {
		what = lang.Pick("dagens påmindelse om "+strconv.Itoa(n)+" virksomhed(er)", "today's nudge about "+strconv.Itoa(n)+" compan(y/ies)")
	}
	return bot.Message{Blocks: []bot.Block{bot.Text{Text: "⚠️ " + lang.Pick(
		"kontaktbot kan ikke nå "+to.Name+" i chatten: appen er ikke installeret hos personen, eller den er blokeret. "+
			"Derfor blev "+what+" ikke leveret. Hjælp gerne "+to.Name+" med at installere kontaktbot.",
		"kontaktbot cannot reach "+to.Name+" in the chat: the app is not installed for them, or it is blocked. "+
			"So "+what+" was not delivered. Please help "+to.Name+" install kontaktbot.")}}}
}
