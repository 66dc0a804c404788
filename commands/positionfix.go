package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
)

// Correcting a position: edit its fields, reopen it once filled, closed
// or expired, and take back a »besat« within UndoWindow. Each change is
// recorded in its history and updates its announcements in place, as
// »stilling besat« and »stilling luk« do.

// runPositionEdit: »stilling ret <nr> [titel] [antal N] [frist <dato>|ingen]
// [start <dato>|ingen] [type T] [krav <tekst>]«. The words before the
// first keyword are a new title; what is not written stays.
func runPositionEdit(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if words, ok := s.asNewPosition(ctx, c, args); ok {
		return runPosition(ctx, s, c, words)
	}
	id, cur, co, err := s.positionWithCompany(ctx, c, args, "position edit")
	if err != nil {
		return bot.Message{}, err
	}
	eg := c.tr(" Skriv fx »stilling ret "+itoa(int(id))+" antal 2 frist 15/12«.", " For example: »position edit "+itoa(int(id))+" count 2 deadline 15/12«.")
	a, err := readPosition(c, co, args[1:], eg)
	if err != nil {
		return bot.Message{}, err
	}
	title := strings.Join(fields(a.title), " ")
	if title == "" && len(a.given) == 0 {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr("Skriv, hvad der skal rettes efter nummeret: en ny titel eller antal, frist, start, type eller krav. Intet er ændret.",
			"Write what to correct after the number: a new title, or count, deadline, start, type or requirements. Nothing was changed.")+eg)
	}
	p, res, err := s.changePosition(ctx, c, id, func(x *bot.Position) error {
		var what []string
		if title != "" && title != x.Title {
			x.Title, what = title, append(what, "titel")
		}
		if a.given[countWord.Da] && a.count != x.Count {
			if a.count < x.Filled {
				return bot.Errorf(bot.Invalid, "%s", c.tr(
					"Stilling "+ref(*x)+" har allerede "+itoa(x.Filled)+" besat, så antallet kan ikke være "+itoa(a.count)+". Intet er ændret.",
					"Position "+ref(*x)+" already has "+itoa(x.Filled)+" filled, so the count cannot be "+itoa(a.count)+". Nothing was changed."))
			}
			x.Count, what = a.count, append(what, "antal")
			if x.Filled >= x.Count {
				x.Status = bot.PositionFilled
			}
		}
		if a.given[deadlineWord.Da] && !a.deadline.Equal(x.Deadline) {
			x.Deadline, what = a.deadline, append(what, "frist")
		}
		if a.given[startWord.Da] && !a.start.Equal(x.Start) {
			x.Start, what = a.start, append(what, "start")
		}
		if a.given[typeWord.Da] && a.kind != x.Type {
			x.Type, what = a.kind, append(what, "type")
		}
		if a.given[requirementsWord.Da] && a.requirements != x.Requirements {
			x.Requirements, what = a.requirements, append(what, "krav")
		}
		if len(what) == 0 {
			return errUnchanged
		}
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID, What: "rettet " + strings.Join(what, " ")})
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return bot.Reply(c.tr("Stilling "+ref(cur)+" var allerede sådan; intet er ændret.", "Position "+ref(cur)+" was like that already; nothing was changed.")), nil
	}
	if err != nil {
		return bot.Message{}, s.titleTaken(ctx, c, co, err)
	}
	return bot.Reply(c.tr("✏️ Rettet: ", "✏️ Corrected: ") + positionSummary(c, co, p) + res.changed(c)), nil
}

// positionSummary names every field of a position, as when it was saved.
func positionSummary(c *call, co bot.Company, p bot.Position) string {
	text := c.tr("stilling "+ref(p)+" "+p.Title+" hos "+co.Name, "position "+ref(p)+" "+p.Title+" at "+co.Name) +
		", " + c.tr("antal ", "count ") + countText(c.lang, p) + ", " + c.tr("type ", "type ") + positionTypeName(c.lang, p.Type) +
		", " + positionStatusName(c.lang, p.Status)
	if !p.Deadline.IsZero() {
		text += c.tr(", frist ", ", deadline ") + bot.FormatDay(p.Deadline, c.lang)
	}
	if !p.Start.IsZero() {
		text += ", start " + bot.FormatDay(p.Start, c.lang)
	}
	if p.Requirements != "" {
		text += c.tr(", krav »", ", requirements »") + clipNote(p.Requirements) + "«"
	}
	return text + "."
}

// titleTaken explains a title another open position of the company has.
func (s *Service) titleTaken(ctx context.Context, c *call, co bot.Company, err error) error {
	var ce *bot.ConflictError
	if errors.As(err, &ce) && ce.What == "position" {
		title := ce.Key
		if first, err := s.positions.Position(ctx, ce.ID); err == nil {
			title = first.Title
		}
		return duplicatePosition(c, co, title, ce.ID)
	}
	return err
}

// runPositionReopen: »stilling genåbn <nr> [antal N] [frist <dato>|ingen]«.
// A filled position opens N places again (1 unless written); a closed or
// expired one opens as it was. A deadline that has passed must be
// replaced, or the position would expire again at once.
func runPositionReopen(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if words, ok := s.asNewPosition(ctx, c, args); ok {
		return runPosition(ctx, s, c, words)
	}
	id, cur, co, err := s.positionWithCompany(ctx, c, args, "position reopen")
	if err != nil {
		return bot.Message{}, err
	}
	num := itoa(int(id))
	eg := c.tr(" Skriv fx »stilling genåbn "+num+" antal 1 frist 15/12«.", " For example: »position reopen "+num+" count 1 deadline 15/12«.")
	rest := args[1:]
	if len(rest) > 0 { // a bare number is the count: »stilling genåbn 3 1«
		if _, err := strconv.Atoi(rest[0]); err == nil {
			rest = append([]string{countWord.Da}, rest...)
		}
	}
	a, err := readPosition(c, co, rest, eg)
	if err != nil {
		return bot.Message{}, err
	}
	for kw := range a.given {
		if kw != countWord.Da && kw != deadlineWord.Da {
			a.title = kw
		}
	}
	if a.title != "" {
		return bot.Message{}, usageError(s, c, "position reopen")
	}
	if a.given[countWord.Da] && cur.Filled < cur.Count {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Stilling "+ref(cur)+" er "+positionStatusName(bot.Danish, cur.Status)+", ikke besat, så den genåbnes med de "+itoa(cur.Count-cur.Filled)+" pladser, den havde; skriv det uden antal. Intet er ændret.",
			"Position "+ref(cur)+" is "+positionStatusName(bot.English, cur.Status)+", not filled, so it reopens with the "+itoa(cur.Count-cur.Filled)+" places it had; write it without a count. Nothing was changed."))
	}
	if err := s.mayChangePosition(ctx, c, cur, s.nameCache(ctx, c.lang)(cur.ConsultantID)); err != nil {
		return bot.Message{}, err
	}
	p, err := s.positions.UpdatePosition(ctx, id, func(x *bot.Position) error {
		if x.Status == bot.PositionOpen {
			return bot.Errorf(bot.Invalid, "%s", c.tr(
				"Stilling "+ref(*x)+" er allerede åben ("+countText(bot.Danish, *x)+"). Ret den med »stilling ret "+num+" …«.",
				"Position "+ref(*x)+" is open already ("+countText(bot.English, *x)+"). Correct it with »position edit "+num+" …«."))
		}
		if a.given[deadlineWord.Da] {
			x.Deadline = a.deadline
		}
		if !x.Deadline.IsZero() && bot.Day(x.Deadline).Before(bot.Day(c.now)) {
			return bot.Errorf(bot.Invalid, "%s", c.tr(
				"Fristen for stilling "+ref(*x)+" ("+bot.FormatDay(x.Deadline, bot.Danish)+") er gået, så den ville udløbe igen med det samme. Giv en ny frist, eller ingen: »stilling genåbn "+num+" frist 15/12« eller »… frist ingen«. Intet er ændret.",
				"The deadline of position "+ref(*x)+" ("+bot.FormatDay(x.Deadline, bot.English)+") has passed, so it would expire again at once. Give a new deadline, or none: »position reopen "+num+" deadline 15/12« or »… deadline none«. Nothing was changed."))
		}
		opened := x.Count - x.Filled
		if x.Filled >= x.Count {
			k := 1
			if a.given[countWord.Da] {
				k = a.count
			}
			if k > x.Filled {
				return bot.Errorf(bot.Invalid, "%s", c.tr(
					"Stilling "+ref(*x)+" har kun "+itoa(x.Filled)+" besat, så der kan ikke genåbnes "+itoa(k)+". Intet er ændret.",
					"Position "+ref(*x)+" has only "+itoa(x.Filled)+" filled, so "+itoa(k)+" cannot be reopened. Nothing was changed."))
			}
			x.Filled -= k
			opened = k
		}
		x.Status = bot.PositionOpen
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID, What: "genåbnet " + itoa(opened) + " (" + itoa(x.Filled) + "/" + itoa(x.Count) + ")"})
		return nil
	})
	if err != nil {
		if err = s.titleTaken(ctx, c, co, err); isNotFound(err) {
			err = s.positionError(c, id, err)
		}
		return bot.Message{}, err
	}
	p, res := s.reannounce(ctx, p)
	return bot.Reply(c.tr("🔓 Genåbnet: ", "🔓 Reopened: ") + positionSummary(c, co, p) + res.changed(c)), nil
}

// runPositionUndo: »stilling fortryd <nr>« takes back the »besat« the
// actor recorded last on the position, within UndoWindow, and nothing
// recorded after it.
func runPositionUndo(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if words, ok := s.asNewPosition(ctx, c, args); ok {
		return runPosition(ctx, s, c, words)
	}
	id, err := s.positionIDArg(c, args, "position undo")
	if err != nil {
		return bot.Message{}, err
	}
	if len(args) > 1 {
		return bot.Message{}, usageError(s, c, "position undo")
	}
	num := itoa(int(id))
	p, err := s.positions.UpdatePosition(ctx, id, func(x *bot.Position) error {
		k, ok := lastFill(*x, c.actor.ID, c.now.Add(-UndoWindow))
		if !ok {
			return bot.Errorf(bot.NotFound, "%s", c.tr(
				"Der er intet »besat« at fortryde på stilling "+ref(*x)+": det kan kun den, der meldte det, og kun inden for 10 minutter, og kun når intet andet er sket siden. Ellers: »stilling genåbn "+num+"«.",
				"There is no »filled« to undo on position "+ref(*x)+": only the person who recorded it can, within 10 minutes, and only when nothing else happened since. Otherwise: »position reopen "+num+"«."))
		}
		x.Filled -= k
		x.Status = bot.PositionOpen
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID, What: "fortrudt besat " + itoa(k) + " (" + itoa(x.Filled) + "/" + itoa(x.Count) + ")"})
		return nil
	})
	if err != nil {
		return bot.Message{}, s.positionError(c, id, err)
	}
	p, res := s.reannounce(ctx, p)
	co := s.companyName(ctx, p.CompanyID)
	return bot.Reply(c.tr("↩️ Fortrudt: stilling "+ref(p)+" ("+p.Title+" hos "+co+") er åben igen, "+itoa(p.Filled)+"/"+itoa(p.Count)+" besat.",
		"↩️ Undone: position "+ref(p)+" ("+p.Title+" at "+co+") is open again, "+itoa(p.Filled)+"/"+itoa(p.Count)+" filled.") + res.changed(c)), nil
}

// lastFill is the number of places the position's last event filled, when
// that event is a »besat« by who at or after since.
func lastFill(p bot.Position, who uint64, since time.Time) (int, bool) {
	if len(p.History) == 0 {
		return 0, false
	}
	e := p.History[len(p.History)-1]
	if e.By != who || e.At.Before(since) {
		return 0, false
	}
	f := strings.Fields(e.What)
	if len(f) < 2 || f[0] != "besat" {
		return 0, false
	}
	k, err := strconv.Atoi(f[1])
	if err != nil || k < 1 || k > p.Filled {
		return 0, false
	}
	return k, true
}

// positionWithCompany reads the position number args start with and
// returns the position and its company.
func (s *Service) positionWithCompany(ctx context.Context, c *call, args []string, cmd string) (uint64, bot.Position, bot.Company, error) {
	id, err := s.positionIDArg(c, args, cmd)
	if err != nil {
		return 0, bot.Position{}, bot.Company{}, err
	}
	p, err := s.positions.Position(ctx, id)
	if err != nil {
		return id, p, bot.Company{}, s.positionError(c, id, err)
	}
	co, err := s.positions.Company(ctx, p.CompanyID)
	if err != nil {
		return id, p, co, s.positionError(c, id, err)
	}
	return id, p, co, nil
}
