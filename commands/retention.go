package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// DefaultNoteRetentionMonths is how long notes are kept when neither the
// jobcenter nor KONTAKTBOT_NOTE_RETENTION_MONTHS says otherwise.
const DefaultNoteRetentionMonths = 36

// noteText is a contact's note as a card or history shows it: the text,
// or, once retention erased it, a word saying so.
func noteText(c *call, ct bot.Contact) string {
	if ct.Note == "" && ct.NoteErasedMonths > 0 {
		m := strconv.Itoa(ct.NoteErasedMonths)
		return c.tr("(note slettet efter "+m+" mdr.)", "(note erased after "+m+" months)")
	}
	return ct.Note
}

// runJobcenterRetention shows or sets how long a jobcenter's contact notes
// are kept (»jobcenter opbevaring Jobcenter Sorø = 24«); a change is
// recorded in the audit trail with the old and new period.
func runJobcenterRetention(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	j, right, set, err := s.jobcenterSetting(ctx, c, args, "jobcenter retention")
	if err != nil {
		return bot.Message{}, err
	}
	if !set {
		m, own := j.NoteRetentionMonths, true
		if m == 0 {
			m, own = s.noteMonths, false
		}
		text := c.tr(j.Name+" opbevarer noter i "+strconv.Itoa(m)+" måneder", j.Name+" keeps notes for "+strconv.Itoa(m)+" months")
		if !own {
			text += c.tr(" (standarden).", " (the default).")
		} else {
			text += "."
		}
		return bot.Reply(text), nil
	}
	value := strings.TrimSpace(right)
	months, perr := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(value, " mdr."), " mdr"))
	if isOff(value) || value == "standard" || value == "default" {
		months, perr = 0, nil
	}
	if perr != nil || months < 0 || months > 600 {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(value)+"« er ikke et antal måneder, så intet er gemt. Skriv fx »jobcenter opbevaring "+j.Name+" = 24«, eller »= standard« for standarden.",
			"»"+clip(value)+"« is not a number of months, so nothing was saved. Write e.g. »jobcenter retention "+j.Name+" = 24«, or »= default« for the default."))
	}
	was := j.NoteRetentionMonths
	j, err = s.people.UpdateJobcenter(ctx, j.ID, func(x *bot.Jobcenter) error { x.NoteRetentionMonths = months; return nil },
		c.entry(bot.AuditJobcenter, j.ID, 0, j.Name, "note retention months: "+itoa(was)+" -> "+itoa(months)+" (0: the default)"))
	if err != nil {
		return bot.Message{}, fmt.Errorf("set note retention: %w", err)
	}
	if months == 0 {
		months = s.noteMonths
	}
	m := strconv.Itoa(months)
	return bot.Reply(c.tr("✅ Gemt: "+j.Name+" opbevarer nu noter i "+m+" måneder; ældre noters tekst slettes ved næste daglige kørsel.",
		"✅ Saved: "+j.Name+" now keeps notes for "+m+" months; older notes' text is erased at the next daily run.")), nil
}
