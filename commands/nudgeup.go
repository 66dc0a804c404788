package commands

import (
	"context"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
)

// Nudges is what commands need of the day's delivered nudges, to keep
// them up with the contacts logged after them. storage.DB implements it.
type Nudges interface {
	// NudgeWith returns the delivered nudge of day, to one of tos (in that
	// order), that lists the company, and whether there is one.
	NudgeWith(ctx context.Context, day time.Time, tos []uint64, companyID uint64) (bot.Delivery, bool, error)
	// UpdateNudge changes the delivered nudge of day to `to` with fn (which
	// reports whether it changed it) and returns it as stored.
	UpdateNudge(ctx context.Context, day time.Time, to uint64, fn func(*bot.Delivery) bool) (bot.Delivery, error)
}

// nudgeRecipients are whose nudge today may list co: its consultant's,
// their stand-in's (who gets it while they are away), and the person who
// logged the contact.
func (s *Service) nudgeRecipients(ctx context.Context, c *call, co bot.Company) []uint64 {
	var tos []uint64
	add := func(id uint64) {
		for _, t := range tos {
			if t == id {
				return
			}
		}
		if id != 0 {
			tos = append(tos, id)
		}
	}
	add(co.OwnerID)
	if co.OwnerID != 0 && co.OwnerID != c.actor.ID {
		if owner, err := s.people.Consultant(ctx, co.OwnerID); err == nil {
			add(owner.StandInID)
		}
	} else {
		add(c.actor.StandInID)
	}
	add(c.actor.ID)
	return tos
}

// markNudge marks co done in today's delivered nudge that lists it (by
// the contact ct; or, with ct's ID undone, opens the line again) and
// updates the message in place. The contact is stored already: a failure
// here is logged, never the command's.
func (s *Service) markNudge(ctx context.Context, c *call, co bot.Company, ct bot.Contact, undone bool) {
	if s.notifier == nil || s.nudges == nil {
		return
	}
	day := bot.Day(c.now)
	d, ok, err := s.nudges.NudgeWith(ctx, day, s.nudgeRecipients(ctx, c, co), co.ID)
	if err != nil {
		s.log.Error("keep nudge up: find", "company", co.ID, "err", err)
		return
	}
	if !ok {
		return
	}
	changed := false
	d, err = s.nudges.UpdateNudge(ctx, day, d.To, func(d *bot.Delivery) bool {
		for i := range d.Items {
			it := &d.Items[i]
			if it.CompanyID != co.ID {
				continue
			}
			switch {
			case undone && it.DoneContact == ct.ID:
				it.Done, it.DoneKind, it.DoneBy, it.DoneContact = time.Time{}, "", "", 0
				changed = true
			case !undone && it.Done.IsZero():
				it.Done, it.DoneKind, it.DoneBy, it.DoneContact = ct.Logged, ct.Kind, c.actor.Name, ct.ID
				changed = true
			}
		}
		return changed
	})
	if err != nil {
		if !isNotFound(err) {
			s.log.Error("keep nudge up: mark", "company", co.ID, "to", d.To, "err", err)
		}
		return
	}
	if changed {
		s.refreshNudge(ctx, d)
	}
}

// refreshNudge renders a delivered nudge anew and replaces the message
// the person got, keeping the receipt the platform gives back.
func (s *Service) refreshNudge(ctx context.Context, d bot.Delivery) {
	to, err := s.people.Consultant(ctx, d.To)
	if err != nil {
		s.log.Error("keep nudge up: recipient", "to", d.To, "err", err)
		return
	}
	msg := reminders.Render(d, to.Lang, d.Day)
	msg.Key = reminders.DeliveryKey(d) // kept with the message, as the sweep sent it
	r, err := noPanic(func() (bot.Receipt, error) { return s.notifier.UpdateMessage(ctx, d.Receipt, msg) })
	if err != nil {
		s.log.Error("keep nudge up: update message", "to", d.To, "platform", d.Receipt.Channel.Platform, "err", err)
		return
	}
	if r.MessageID == "" || r == d.Receipt {
		return
	}
	old := d.Receipt
	if _, err := s.nudges.UpdateNudge(ctx, d.Day, d.To, func(x *bot.Delivery) bool {
		if x.Receipt != old {
			return false
		}
		x.Receipt = r
		return true
	}); err != nil {
		s.log.Error("keep nudge up: store receipt", "to", d.To, "err", err)
	}
}
