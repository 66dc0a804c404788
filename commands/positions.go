package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
)

// positionStore is what the position commands use of the store: the
// Positions of store.go, and the names they show.
type positionStore interface {
	Positions
	Company(ctx context.Context, id uint64) (bot.Company, error)
	Jobcenter(ctx context.Context, id uint64) (bot.Jobcenter, error)
}

// Open positions (ledige stillinger, jobordrer): a consultant registers one
// for a company, and it is announced in the positions channels of their
// jobcenter and its partners. It lives open -> filled or closed, or
// expires when its deadline has passed; each change is recorded in its
// history and updates the announcements in place.

// maxPositionCount is the most places one position may have: more is a
// typo, or a recruitment drive that needs more than one line.
const maxPositionCount = 99

// The position types, as stored and shown in Danish.
const (
	typeOrdinary = "ordinær"
	typeSubsidy  = "løntilskud"
	typeIntern   = "praktik"
)

// positionTypes are the words for a position's type.
var positionTypes = []Choice[string]{
	{word("ordinær", "regular", "ordinaer", "ordinært", "ordinary", "job"), typeOrdinary},
	{word("løntilskud", "wage-subsidy", "wagesubsidy", "subsidy"), typeSubsidy},
	{word("praktik", "internship", "virksomhedspraktik"), typeIntern},
}

// The option keywords of a new position, declared once.
var (
	countWord        = word("antal", "count")
	deadlineWord     = word("frist", "deadline", "ansøgningsfrist")
	startWord        = word("start", "start", "startdato")
	typeWord         = word("type", "type")
	requirementsWord = word("krav", "requirements")
	positionWords    = []Word{countWord, deadlineWord, startWord, typeWord, requirementsWord}
)

// positionOption returns the option keyword w is, if any.
func positionOption(w string) (Word, bool) {
	for _, o := range positionWords {
		if o.Is(w) {
			return o, true
		}
	}
	return Word{}, false
}

// positionArgs is a parsed "position <company> <title> [options]" after
// the company.
type positionArgs struct {
	title, kind, requirements string
	count                     int
	deadline, start           time.Time
	// given holds the options written (by their Danish keyword), so that
	// an edit changes only those; »frist ingen« clears a deadline.
	given map[string]bool
}

// parsePosition reads "<title> [antal N] [frist <dato>] [start <dato>]
// [type T] [krav <tekst>]", the words after the company co. The title is
// every word before the first option; krav takes the rest of the line,
// except options at its very end that read as such (»krav truckkort type
// løntilskud«): the reply lists every field, so what went where shows.
func parsePosition(c *call, co bot.Company, words []string) (positionArgs, error) {
	eg := c.tr(" Skriv fx »stilling "+co.Name+" Svejser antal 2 frist 15/12 krav svejsecertifikat«.",
		" For example: »position "+co.Name+" Welder count 2 deadline 15/12 requirements welding certificate«.")
	a, err := readPosition(c, co, words, eg)
	if err == nil && bot.NormalizeName(a.title) == "" {
		return a, bot.Errorf(bot.Invalid, "%s", c.tr("Stillingens titel mangler: skriv den lige efter virksomhedens navn.",
			"The position's title is missing: write it right after the company's name.")+eg)
	}
	return a, err
}

// readPosition is parsePosition without its demand for a title: the
// title (the words before the first option) may be empty, as in an edit.
func readPosition(c *call, co bot.Company, words []string, eg string) (positionArgs, error) {
	a := positionArgs{count: 1, kind: typeOrdinary, given: map[string]bool{}}
	i := 0
	for i < len(words) && !isAny(words[i], positionWords...) {
		i++
	}
	a.title = strings.Join(words[:i], " ")
	type option struct {
		kw  Word
		val []string
	}
	var opts []option
	for i < len(words) {
		kw, _ := positionOption(words[i])
		j := i + 1
		for j < len(words) && (kw.Da == requirementsWord.Da || !isAny(words[j], positionWords...)) {
			j++
		}
		val := words[i+1 : j]
		if kw.Da == requirementsWord.Da {
			var trailing []option
			for k := len(val) - 2; k > 0; k-- {
				o, ok := positionOption(val[k])
				if !ok || o.Da == requirementsWord.Da || !trailingOption(c, o, val[k+1:]) {
					continue
				}
				trailing = append([]option{{o, val[k+1:]}}, trailing...)
				val = val[:k]
				k = len(val) - 1
			}
			opts = append(opts, option{kw, val})
			opts = append(opts, trailing...)
		} else {
			opts = append(opts, option{kw, val})
		}
		i = j
	}
	seen := map[string]bool{}
	for _, o := range opts {
		switch {
		case len(o.val) == 0:
			return a, bot.Errorf(bot.Invalid, "%s", c.tr("»"+o.kw.Da+"« mangler en værdi bagefter.", "»"+o.kw.En+"« needs a value after it.")+eg)
		case seen[o.kw.Da]:
			return a, bot.Errorf(bot.Invalid, "%s", c.tr("»"+o.kw.Da+"« står der to gange; skriv det én gang.", "»"+o.kw.En+"« is there twice; write it once.")+eg)
		}
		seen[o.kw.Da] = true
		a.given[o.kw.Da] = true
		if (o.kw.Da == deadlineWord.Da || o.kw.Da == startWord.Da) && len(o.val) == 1 && clearWord.Is(o.val[0]) {
			continue // »frist ingen«: none
		}
		if err := a.set(c, co, o.kw, o.val); err != nil {
			return a, err
		}
	}
	return a, nil
}

// trailingOption reports whether val, the words after option o at the end
// of the requirements, are that option rather than more requirements: a
// count, a date, or a type. A type word that is no type is taken as the
// option too, so that »type lønntilskud« is refused, not swallowed.
func trailingOption(c *call, o Word, val []string) bool {
	switch o.Da {
	case countWord.Da:
		_, err := strconv.Atoi(strings.Join(val, " "))
		return err == nil
	case deadlineWord.Da, startWord.Da:
		r := ReadDate(val, c.now, Deadline)
		return r.Attempted() && r.N == len(val)
	case typeWord.Da:
		return len(val) == 1
	}
	return false
}

func (a *positionArgs) set(c *call, co bot.Company, kw Word, val []string) error {
	var err error
	switch kw.Da {
	case countWord.Da:
		a.count, err = parsePlaces(c, strings.Join(val, " "), maxPositionCount)
	case deadlineWord.Da:
		a.deadline, err = dayAhead(c, val, c.tr("stilling "+co.Name+" Svejser frist 15/12", "position "+co.Name+" Welder deadline 15/12"), Deadline)
	case startWord.Da:
		a.start, err = dayAhead(c, val, c.tr("stilling "+co.Name+" Svejser start 4/1", "position "+co.Name+" Welder start 4/1"), Ahead)
	case typeWord.Da:
		var ok bool
		if a.kind, ok = choose(positionTypes, strings.Join(val, " ")); !ok {
			err = bot.Errorf(bot.Invalid, "%s", c.tr(
				"Typen »"+clip(strings.Join(val, " "))+"« kender jeg ikke, så intet er gemt. Skriv "+orList(c.lang, names(positionTypes, bot.Danish))+", fx »type løntilskud«.",
				"I don't know the type »"+clip(strings.Join(val, " "))+"«, so nothing was saved. Write "+orList(c.lang, names(positionTypes, bot.English))+", e.g. »type internship«."))
		}
	case requirementsWord.Da:
		a.requirements = strings.Join(val, " ")
	}
	return err
}

// parsePlaces reads a number of places from 1 to most.
func parsePlaces(c *call, s string, most int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > most {
		return 0, bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(s)+"« kan jeg ikke bruge som antal: skriv et helt tal fra 1 til "+itoa(most)+", fx »antal 2«.",
			"I cannot use »"+clip(s)+"« as a count: write a whole number from 1 to "+itoa(most)+", e.g. »count 2«."))
	}
	return n, nil
}

// parsePositionID reads "3" or "#3".
func parsePositionID(w string) (uint64, bool) {
	w = strings.TrimPrefix(w, "#")
	if w == "" || len(w) > 9 || strings.Trim(w, "0123456789") != "" {
		return 0, false
	}
	id, _ := strconv.ParseUint(w, 10, 64)
	return id, id > 0
}

// runPosition shows a position ("position 3") or registers a new one.
func runPosition(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "position")
	}
	if id, ok := parsePositionID(args[0]); ok && len(args) == 1 {
		return s.showPosition(ctx, c, id)
	}
	return s.newPosition(ctx, c, args)
}

// newPosition registers the position args describe and announces it.
func (s *Service) newPosition(ctx context.Context, c *call, args []string) (bot.Message, error) {
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	a, err := parsePosition(c, co, rest)
	if err != nil {
		return bot.Message{}, err
	}
	p, err := s.positions.CreatePosition(ctx, bot.Position{
		CompanyID: co.ID, ConsultantID: c.actor.ID, JobcenterID: c.actor.JobcenterID,
		Title: strings.Join(fields(a.title), " "), Count: a.count, Requirements: a.requirements, Place: co.Area, Type: a.kind,
		Deadline: a.deadline, Start: a.start, Status: bot.PositionOpen, Created: c.now,
		History: []bot.Event{{At: c.now, By: c.actor.ID, What: "oprettet"}},
	})
	if err != nil {
		var ce *bot.ConflictError
		if errors.As(err, &ce) && ce.What == "position" {
			title := ce.Key
			if first, err := s.positions.Position(ctx, ce.ID); err == nil {
				title = first.Title
			}
			return bot.Message{}, duplicatePosition(c, co, title, ce.ID)
		}
		return bot.Message{}, fmt.Errorf("create position: %w", err)
	}
	// Stored: from here on nothing may fail the command, or the reply
	// would say nothing was saved.
	p, res := s.announce(ctx, p)
	return bot.Reply(positionSaved(c, co, p) + res.created(c)), nil
}

// positionSaved confirms a new position naming every field stored, so a
// consultant sees at once what went where.
func positionSaved(c *call, co bot.Company, p bot.Position) string {
	text := c.tr("✅ Stilling "+ref(p)+" oprettet: "+p.Title+" hos "+co.Name, "✅ Position "+ref(p)+" registered: "+p.Title+" at "+co.Name) +
		", " + c.tr("antal ", "count ") + itoa(p.Count) + ", " + c.tr("type ", "type ") + positionTypeName(c.lang, p.Type)
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

// duplicatePosition refuses a second open position with the title of
// position id, pointing to it.
func duplicatePosition(c *call, co bot.Company, title string, id uint64) error {
	n := strconv.FormatUint(id, 10)
	return bot.Errorf(bot.Conflict, "%s", c.tr(
		"»"+clip(title)+"« hos "+co.Name+" er allerede slået op som stilling #"+n+", og den er stadig åben, så intet er gemt. Se den med »stilling "+n+"«. Er den besat eller lukket, så skriv »stilling besat "+n+"« eller »stilling luk "+n+"« først.",
		"»"+clip(title)+"« at "+co.Name+" is already announced as position #"+n+", which is still open, so nothing was saved. See it with »position "+n+"«. If it is filled or closed, type »position filled "+n+"« or »position close "+n+"« first."))
}

// ref is a position's short id as shown everywhere: "#3".
func ref(p bot.Position) string { return "#" + strconv.FormatUint(p.ID, 10) }

// mayChangePosition lets the position's consultant, a lead of its
// jobcenter and an admin change it.
func (s *Service) mayChangePosition(ctx context.Context, c *call, p bot.Position, contact string) error {
	if p.ConsultantID == c.actor.ID || s.mayLead(ctx, c, p.JobcenterID) == nil {
		return nil
	}
	return s.onlyLeadOf(ctx, c, p.JobcenterID, c.tr("stillingens kontaktperson", "the position's contact")+" ("+contact+")")
}

// changePosition applies fn to the open position id, when the caller may
// change it, records what happened, and updates its announcements.
func (s *Service) changePosition(ctx context.Context, c *call, id uint64, fn func(*bot.Position) error) (bot.Position, posted, error) {
	cur, err := s.positions.Position(ctx, id)
	if err != nil {
		return cur, posted{}, s.positionError(c, id, err)
	}
	// Named before the transaction: fn must not read the store.
	contact := s.nameCache(ctx, c.lang)(cur.ConsultantID)
	// Who may is decided before, too; a position's consultant and
	// jobcenter never change.
	mayNot := s.mayChangePosition(ctx, c, cur, contact)
	p, err := s.positions.UpdatePosition(ctx, id, func(x *bot.Position) error {
		if mayNot != nil {
			return mayNot
		}
		if x.Status != bot.PositionOpen {
			return bot.Errorf(bot.Invalid, "%s", c.tr(
				"Stilling "+ref(*x)+" er "+positionStatusName(c.lang, x.Status)+" og kan ikke ændres længere. Se den med »stilling "+ref(*x)[1:]+"«.",
				"Position "+ref(*x)+" is "+positionStatusName(c.lang, x.Status)+" and can no longer be changed. See it with »position "+ref(*x)[1:]+"«."))
		}
		return fn(x)
	})
	if err != nil {
		return p, posted{}, s.positionError(c, id, err)
	}
	p, res := s.reannounce(ctx, p)
	return p, res, nil
}

// positionError explains an unknown position; other errors pass on.
func (s *Service) positionError(c *call, id uint64, err error) error {
	if isNotFound(err) {
		n := strconv.FormatUint(id, 10)
		return bot.Errorf(bot.NotFound, "%s", c.tr(
			"Der er ingen stilling #"+n+". Se de åbne stillinger med »stilling liste«.",
			"There is no position #"+n+". See the open positions with »position list«."))
	}
	var be *bot.Error
	if errors.As(err, &be) {
		return be
	}
	return fmt.Errorf("position #%d: %w", id, err)
}

// positionIDArg reads the id a lifecycle command starts with, or gives
// how to write the command.
func (s *Service) positionIDArg(c *call, args []string, name string) (uint64, error) {
	if len(args) > 0 {
		if id, ok := parsePositionID(args[0]); ok {
			return id, nil
		}
	}
	return 0, usageError(s, c, name)
}

// asNewPosition reports whether a line that reached a two-word position
// command ("stilling luk ...", "stilling liste ...") is a new position at
// a company whose name begins with the command's second word, such as
// "stilling Luk Tømrer Lærling", and returns the words after "stilling".
// The name must be typed in full and be longer than that word, so that a
// mistyped id or filter never registers a position.
func (s *Service) asNewPosition(ctx context.Context, c *call, args []string) ([]string, bool) {
	if len(c.words)-len(args) != 2 {
		return nil, false
	}
	words := c.words[1:]
	co, rest, err := s.companyAt(ctx, c, words)
	if err != nil {
		return nil, false
	}
	n := len(words) - len(rest)
	if n < 2 {
		return nil, false
	}
	typed := bot.NormalizeName(strings.Join(words[:n], " "))
	for _, name := range append([]string{co.Name}, co.Aliases...) {
		if bot.NormalizeName(name) == typed {
			return words, true
		}
	}
	return nil, false
}

func runPositionFilled(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if words, ok := s.asNewPosition(ctx, c, args); ok {
		return runPosition(ctx, s, c, words)
	}
	id, err := s.positionIDArg(c, args, "position filled")
	if err != nil {
		return bot.Message{}, err
	}
	if len(args) > 2 {
		return bot.Message{}, usageError(s, c, "position filled")
	}
	n := 0 // all that remain
	if len(args) == 2 {
		if n, err = parsePlaces(c, args[1], maxPositionCount); err != nil {
			return bot.Message{}, err
		}
	}
	p, res, err := s.changePosition(ctx, c, id, func(x *bot.Position) error {
		left := x.Count - x.Filled
		k := n
		if k == 0 {
			k = left
		}
		if k > left {
			return bot.Errorf(bot.Invalid, "%s", c.tr(
				"Stilling "+ref(*x)+" har kun "+places(bot.Danish, left)+" tilbage ("+itoa(x.Filled)+"/"+itoa(x.Count)+" besat). Skriv fx »stilling besat "+ref(*x)[1:]+" "+itoa(left)+"«.",
				"Position "+ref(*x)+" has only "+places(bot.English, left)+" left ("+itoa(x.Filled)+"/"+itoa(x.Count)+" filled). Type e.g. »position filled "+ref(*x)[1:]+" "+itoa(left)+"«."))
		}
		x.Filled += k
		if x.Filled >= x.Count {
			x.Status = bot.PositionFilled
		}
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID, What: "besat " + itoa(k) + " (" + itoa(x.Filled) + "/" + itoa(x.Count) + ")"})
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	co := s.companyName(ctx, p.CompanyID)
	text := c.tr("✅ Stilling "+ref(p)+" ("+p.Title+" hos "+co+") er nu besat ("+itoa(p.Filled)+"/"+itoa(p.Count)+").",
		"✅ Position "+ref(p)+" ("+p.Title+" at "+co+") is now filled ("+itoa(p.Filled)+"/"+itoa(p.Count)+").")
	if p.Status == bot.PositionOpen {
		text = c.tr("✅ Stilling "+ref(p)+" ("+p.Title+" hos "+co+"): "+itoa(p.Filled)+"/"+itoa(p.Count)+" besat, "+places(bot.Danish, p.Count-p.Filled)+" tilbage.",
			"✅ Position "+ref(p)+" ("+p.Title+" at "+co+"): "+itoa(p.Filled)+"/"+itoa(p.Count)+" filled, "+places(bot.English, p.Count-p.Filled)+" left.")
	}
	text += c.tr(" Fejl? »stilling fortryd "+ref(p)[1:]+"« inden for 10 minutter.", " A mistake? »position undo "+ref(p)[1:]+"« within 10 minutes.")
	return bot.Reply(text + res.changed(c)), nil
}

// places counts open places: "1 ledig plads", "2 ledige pladser".
func places(lang bot.Lang, n int) string {
	if n == 1 {
		return tr(lang, "1 ledig plads", "1 place")
	}
	return itoa(n) + tr(lang, " ledige pladser", " places")
}

func runPositionClose(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if words, ok := s.asNewPosition(ctx, c, args); ok {
		return runPosition(ctx, s, c, words)
	}
	id, err := s.positionIDArg(c, args, "position close")
	if err != nil {
		return bot.Message{}, err
	}
	if len(args) > 1 {
		return bot.Message{}, usageError(s, c, "position close")
	}
	p, res, err := s.changePosition(ctx, c, id, func(x *bot.Position) error {
		x.Status = bot.PositionClosed
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID, What: "lukket"})
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	co := s.companyName(ctx, p.CompanyID)
	return bot.Reply(c.tr("✅ Stilling "+ref(p)+" ("+p.Title+" hos "+co+") er lukket.",
		"✅ Position "+ref(p)+" ("+p.Title+" at "+co+") is closed.") + res.changed(c)), nil
}

// errUnchanged aborts an update that finds nothing to do.
var errUnchanged = errors.New("unchanged")

// ExpirePositions marks every open position whose deadline, a Copenhagen
// day, is before now's day as expired, records that in its history as
// done by the bot (by 0, "udløbet"), and updates its announcements in
// place. It returns how many positions it expired. Each position is
// checked again inside its own transaction, so running it twice, or
// concurrently with a command, expires each position once: the second
// run finds nothing to do. A storage error stops the run and is returned
// with the count so far; an announcement that cannot be updated is logged
// and the position stays expired.
func (s *Service) ExpirePositions(ctx context.Context, now time.Time) (int, error) {
	today := bot.Day(now)
	due, err := s.positions.PositionsPastDeadline(ctx, today)
	if err != nil {
		return 0, fmt.Errorf("expire positions: %w", err)
	}
	n := 0
	for _, d := range due {
		p, err := s.positions.UpdatePosition(ctx, d.ID, func(x *bot.Position) error {
			if x.Status != bot.PositionOpen || x.Deadline.IsZero() || !bot.Day(x.Deadline).Before(today) {
				return errUnchanged
			}
			x.Status = bot.PositionExpired
			x.History = append(x.History, bot.Event{At: now, What: "udløbet"})
			return nil
		})
		if errors.Is(err, errUnchanged) || isNotFound(err) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("expire position #%d: %w", d.ID, err)
		}
		n++
		s.reannounce(ctx, p)
	}
	if n > 0 {
		s.log.Info("positions expired", "count", n)
	}
	return n, nil
}
