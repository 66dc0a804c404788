package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kontaktbot/bot"
)

// Candidates are pseudonymous: a short reference such as KS-14 that only
// the referring consultant can look up in the jobcenter's own system. The
// list is shown in channels shared by several jobcenters, so a name or a
// CPR number must never get in. The CPR guard runs on every line before
// any command; the reference check here refuses what looks like a name.

// Limits of a reference and of the free text about a candidate.
const (
	minRef  = 2
	maxRef  = 16
	maxNote = 200 // skills, wishes, course
)

// Option words of »introday candidate«. wordFrom counts only right after
// the reference, so that »fra« may stand in the skills.
var (
	wordFrom   = word("fra", "from")
	wordSkills = word("kompetencer", "skills", "kompetence", "færdigheder")
	wordWishes = word("ønsker", "wishes", "ønske", "wish")
)

// refKey is a reference as storage matches it: no case, spaces or
// punctuation ("KS-14", "ks 14" and "KS14" are one candidate).
func refKey(ref string) string { return strings.ReplaceAll(bot.NormalizeName(ref), " ", "") }

// privacyNote explains why a candidate is written as a reference.
func privacyNote(c *call) string {
	return c.tr(
		"Kandidater skrives kun med en reference som KS-14 (fx initialer og et nummer, som kun I kan slå op i jeres eget system), aldrig med navn eller CPR-nummer: listen vises i kanaler, som flere jobcentre deler, og borgeren må ikke kunne genkendes.",
		"Candidates are written only as a reference such as KS-14 (e.g. initials and a number that only your jobcenter can look up in its own system), never a name or CPR number: the list is shown in channels that several jobcenters share, and the citizen must not be recognisable.")
}

// checkReference accepts words as a reference: one word of 2..16 letters,
// digits and hyphens with at least one digit. Anything else, above all
// what looks like a name, is refused with the reason.
func checkReference(c *call, words []string) (string, error) {
	nameLike := bot.Errorf(bot.Invalid, "%s", c.tr("Det ligner et navn, så intet er gemt. ", "That looks like a name, so nothing was saved. ")+privacyNote(c))
	if len(words) == 0 {
		return "", bot.Errorf(bot.Invalid, "%s", c.tr("Skriv kandidatens reference, fx KS-14. ", "Give the candidate's reference, e.g. KS-14. ")+privacyNote(c))
	}
	if len(words) > 1 {
		if looksLikeName(words) {
			return "", nameLike
		}
		return "", bot.Errorf(bot.Invalid, "%s", c.tr("En reference er ét ord uden mellemrum, fx KS-14, så intet er gemt. ", "A reference is one word without spaces, e.g. KS-14, so nothing was saved. ")+privacyNote(c))
	}
	ref := words[0]
	n := utf8.RuneCountInString(ref)
	if n > maxRef {
		return "", bot.Errorf(bot.Invalid, "%s", c.tr("Referencen er for lang (højst "+itoa(maxRef)+" tegn) og kan være et navn, så intet er gemt. ",
			"The reference is too long (at most "+itoa(maxRef)+" characters) and may be a name, so nothing was saved. ")+privacyNote(c))
	}
	digit := false
	for _, r := range ref {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r) || r == '-':
		default:
			return "", bot.Errorf(bot.Invalid, "%s", c.tr("En reference består af bogstaver, tal og bindestreg, fx KS-14, så intet er gemt. ",
				"A reference is made of letters, digits and hyphens, e.g. KS-14, so nothing was saved. ")+privacyNote(c))
		}
	}
	if n < minRef || refKey(ref) == "" {
		return "", bot.Errorf(bot.Invalid, "%s", c.tr("Referencen er for kort: mindst "+itoa(minRef)+" tegn, fx KS-14.", "The reference is too short: at least "+itoa(minRef)+" characters, e.g. KS-14."))
	}
	if !digit {
		return "", bot.Errorf(bot.Invalid, "%s", c.tr("En reference skal have et nummer, fx KS-14: et ord uden tal kan være et navn, så intet er gemt. ",
			"A reference needs a number, e.g. KS-14: a word without digits may be a name, so nothing was saved. ")+privacyNote(c))
	}
	return strings.ToUpper(ref), nil
}

// looksLikeName reports whether two words in a row are capitalised words
// of letters (and hyphens), as in »Karen Hansen« or »Hans-Erik Berg«.
func looksLikeName(words []string) bool {
	capWord := func(w string) bool {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		return strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '.' }) < 0
	}
	for i := 0; i+1 < len(words); i++ {
		if capWord(words[i]) && capWord(words[i+1]) {
			return true
		}
	}
	return false
}

// candidateArgs is a parsed »introday candidate«.
type candidateArgs struct {
	ref                  []string
	from, skills, wishes []string
	hasFrom              bool
}

func parseCandidate(words []string) candidateArgs {
	var a candidateArgs
	i := 0
	for i < len(words) && !isAny(words[i], wordSkills, wordWishes) && !(i > 0 && wordFrom.Is(words[i])) {
		i++
	}
	a.ref = words[:i]
	var cur *[]string
	for _, w := range words[i:] {
		switch {
		case wordFrom.Is(w) && !a.hasFrom && cur == nil:
			cur, a.hasFrom = &a.from, true
		case wordSkills.Is(w) && a.skills == nil:
			a.skills, cur = []string{}, &a.skills
		case wordWishes.Is(w) && a.wishes == nil:
			a.wishes, cur = []string{}, &a.wishes
		default:
			*cur = append(*cur, w)
		}
	}
	return a
}

// note joins words into a free-text field about a candidate (skills,
// wishes, course) and checks its length. A full date with a year is
// refused as a likely date of birth: the list is shared across jobcenters.
func note(c *call, words []string, label string) (string, error) {
	s := strings.Join(words, " ")
	if n := utf8.RuneCountInString(s); n > maxNote {
		return "", bot.Errorf(bot.Invalid, "%s", c.tr(
			capital(label)+" er for lang: "+itoa(n)+" tegn, højst "+itoa(maxNote)+". Skriv det vigtigste kort; intet er gemt.",
			capital(label)+" is too long: "+itoa(n)+" characters, at most "+itoa(maxNote)+". Keep it short; nothing was saved."))
	}
	if containsFullDate(s) {
		return "", bot.Errorf(bot.Invalid, "%s", c.tr(
			capital(label)+" indeholder en dato med årstal, som kan være en fødselsdato, så intet er gemt. Kandidatlisten deles på tværs af jobcentre: fødselsdatoer, navne og CPR-numre på borgere hører ikke hjemme her. Er det en anden dato, så skriv den uden årstal, fx »10/12«.",
			capital(label)+" holds a date with a year, which may be a date of birth, so nothing was saved. The candidate list is shared across jobcenters: citizens' dates of birth, names and CPR numbers do not belong here. If it is another date, write it without the year, e.g. »10/12«."))
	}
	return s, nil
}

// Full dates with a year, in the spellings people use: 01.01.1990,
// 1/1-90, 1990-01-01, 01 01 1990, 010190, 01011990. The text is folded
// first (foldDates), so every dash is "-" and every space " "; a match
// counts only where no digit stands before it (anyDate).
var (
	dmyDate     = regexp.MustCompile(`([0-9]{1,2}) ?[./-] ?([0-9]{1,2}) ?[./-] ?([0-9]{4}|[0-9]{2})(?:[^0-9]|$)`)
	dmySpaced   = regexp.MustCompile(`([0-9]{1,2}) ([0-9]{1,2}) ([0-9]{4})(?:[^0-9]|$)`)
	ymdDate     = regexp.MustCompile(`([0-9]{4}) ?[./-] ?([0-9]{1,2}) ?[./-] ?([0-9]{1,2})(?:[^0-9]|$)`)
	compactDate = regexp.MustCompile(`([0-9]{6}|[0-9]{8})(?:[^0-9]|$)`)
)

// containsFullDate reports whether s holds a real date with its year,
// with digits or with the month's name (1. januar 1990).
func containsFullDate(s string) bool {
	s = foldDates(s)
	dmy := func(m []string) bool { return bot.RealDay(atoi(m[1]), atoi(m[2]), atoi(m[3])) }
	ymd := func(m []string) bool { return bot.RealDay(atoi(m[3]), atoi(m[2]), atoi(m[1])) }
	compact := func(m []string) bool {
		d := m[1]
		return bot.RealDay(atoi(d[0:2]), atoi(d[2:4]), atoi(d[4:])) && (len(d) == 6 || d[4:6] == "19" || d[4:6] == "20")
	}
	return anyDate(dmyDate, s, dmy) || anyDate(dmySpaced, s, dmy) || anyDate(ymdDate, s, ymd) ||
		anyDate(compactDate, s, compact) || namedMonthDate(strings.Fields(s))
}

// anyDate reports whether ok holds for the submatches of some match of re
// in s that no digit stands before. Matches may overlap: »99.01.01.1990«
// is tried at each start, so a first reading that is no date does not
// hide the one after it.
func anyDate(re *regexp.Regexp, s string, ok func(m []string) bool) bool {
	for i := 0; i < len(s); {
		loc := re.FindStringSubmatchIndex(s[i:])
		if loc == nil {
			return false
		}
		start := i + loc[0]
		if start == 0 || s[start-1] < '0' || s[start-1] > '9' {
			m := make([]string, 0, len(loc)/2)
			for k := 0; k < len(loc); k += 2 {
				m = append(m, s[i+loc[k]:i+loc[k+1]])
			}
			if ok(m) {
				return true
			}
		}
		i = start + 1
	}
	return false
}

// namedMonthDate reports whether words hold a date with the month's name
// and a year: »1. januar 1990«, »1 jan. '90«, »january 1, 1990«.
func namedMonthDate(words []string) bool {
	clean := func(w string) string { return strings.TrimRight(w, ".,") }
	year := func(w string) (int, bool) {
		w = clean(w)
		if y, ok := strings.CutPrefix(w, "'"); ok && len(y) == 2 {
			w = y
		} else if len(w) != 4 {
			return 0, false
		}
		n, err := strconv.Atoi(w)
		return n, err == nil
	}
	dayNo := func(w string) int {
		w = clean(w)
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			w = strings.TrimSuffix(w, suf)
		}
		n, err := strconv.Atoi(w)
		if err != nil {
			return 0
		}
		return n
	}
	for i := 0; i+2 < len(words); i++ {
		if m, ok := months[clean(words[i+1])]; ok && m > 0 {
			if y, ok := year(words[i+2]); ok && bot.RealDay(dayNo(words[i]), int(m), y) {
				return true
			}
		}
		if m, ok := months[clean(words[i])]; ok && m > 0 {
			if y, ok := year(words[i+2]); ok && bot.RealDay(dayNo(words[i+1]), int(m), y) {
				return true
			}
		}
	}
	return false
}

// foldDates folds s for the date patterns: NFKC (full-width digits become
// digits), lower case, every dash "-", every space " ", and ’ as '.
func foldDates(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u2212' || unicode.Is(unicode.Pd, r):
			return '-'
		case unicode.IsSpace(r):
			return ' '
		case r == '’':
			return '\''
		}
		return unicode.ToLower(r)
	}, norm.NFKC.String(s))
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func runIntroDayCandidate(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	d, rest, err := s.introDayAt(ctx, c, args, "introday candidate")
	if err != nil {
		return bot.Message{}, err
	}
	cand, err := s.newCandidate(ctx, c, d, parseCandidate(rest))
	if err != nil {
		return bot.Message{}, err
	}
	joins, err := s.mayJoin(ctx, c, d, cand.HomeJobcenterID)
	if err != nil {
		return bot.Message{}, err
	}
	if _, err := s.introDays.AddCandidate(ctx, cand); err != nil {
		var ce *bot.ConflictError
		if errors.As(err, &ce) {
			return bot.Message{}, bot.Errorf(bot.Conflict, "%s", c.tr(
				cand.Reference+" står allerede på listen til intromøde "+dayRef(d.ID)+"; intet er ændret. Er det en anden kandidat, så giv vedkommende en anden reference.",
				cand.Reference+" is already on the list of intro day "+dayRef(d.ID)+"; nothing changed. If it is another candidate, give them another reference."))
		}
		return bot.Message{}, fmt.Errorf("add candidate: %w", err)
	}
	names := s.jobcenterNames(ctx)
	home, joined := names(cand.HomeJobcenterID), ""
	if joins {
		if d, err = s.introDays.UpdateIntroDay(ctx, d.ID, func(x *bot.IntroDay) error {
			if !takesPart(*x, cand.HomeJobcenterID) {
				x.Jobcenters = append(x.Jobcenters, cand.HomeJobcenterID)
			}
			return nil
		}); err != nil {
			return bot.Message{}, fmt.Errorf("join intro day: %w", err)
		}
		joined = c.tr(" "+home+" er nu med på intromødet.", " "+home+" now takes part in the intro day.")
	}
	when := " (" + bot.FormatDate(d.Date, c.lang) + ", " + clip(d.Place) + ")"
	return bot.Reply(c.tr(
		"✅ "+cand.Reference+" fra "+home+" står nu på listen til intromøde "+dayRef(d.ID)+when+", med dig som henvisende konsulent."+joined+announceHint(s, c, d),
		"✅ "+cand.Reference+" from "+home+" is now on the list of intro day "+dayRef(d.ID)+when+", with you as referring consultant."+joined+announceHint(s, c, d)) +
		s.earlierDays(ctx, c, cand)), nil
}

// earlierDays tells, when a reference comes back on a new intro day, that
// its earlier days are kept and where to see them.
func (s *Service) earlierDays(ctx context.Context, c *call, cand bot.Candidate) string {
	all, err := s.introDays.CandidatesByRef(ctx, cand.Reference)
	if err != nil {
		s.log.Error("candidate path", "err", err)
		return ""
	}
	var days []string
	for _, x := range all {
		if x.IntroDayID != cand.IntroDayID {
			days = append(days, dayRef(x.IntroDayID))
		}
	}
	if len(days) == 0 {
		return ""
	}
	return c.tr(" "+cand.Reference+" har været på intromøde "+strings.Join(days, ", ")+" før; det forløb (praktik, møde, udfald) bevares. Se det hele med »kandidat "+cand.Reference+"«.",
		" "+cand.Reference+" has been on intro day "+strings.Join(days, ", ")+" before; that path (internship, meeting, outcome) is kept. See it all with »candidate "+cand.Reference+"«.")
}

// newCandidate checks a parsed »introday candidate« and returns the
// candidate it puts on d: invited, referred by the caller, from the
// jobcenter named or the caller's.
func (s *Service) newCandidate(ctx context.Context, c *call, d bot.IntroDay, a candidateArgs) (bot.Candidate, error) {
	ref, err := checkReference(c, a.ref)
	if err != nil {
		return bot.Candidate{}, err
	}
	cand := bot.Candidate{Reference: ref, IntroDayID: d.ID, HomeJobcenterID: c.actor.JobcenterID, ReferrerID: c.actor.ID, Stage: bot.StageInvited,
		History: []bot.Event{{At: c.now, By: c.actor.ID, What: "invited to intro day " + dayRef(d.ID)}}}
	if cand.Skills, err = note(c, a.skills, c.tr("kompetencer", "skills")); err != nil {
		return cand, err
	}
	if cand.Wishes, err = note(c, a.wishes, c.tr("ønsker", "wishes")); err != nil {
		return cand, err
	}
	if err := notPast(c, d); err != nil {
		return cand, err
	}
	if a.hasFrom {
		j, err := s.jobcenter(ctx, c, a.from)
		if err != nil {
			return cand, err
		}
		// Candidates of another jobcenter are written by the day's
		// coordinator or an admin: otherwise anyone could put a list on
		// a day their own jobcenter has no part in.
		if j.ID != c.actor.JobcenterID && c.actor.Role != bot.RoleAdmin && d.Coordinator != c.actor.ID {
			coord := s.nameCache(ctx, c.lang)(d.Coordinator)
			return cand, bot.Errorf(bot.Forbidden, "%s", c.tr(
				"Du henviser kandidater fra dit eget jobcenter. Kandidater fra "+j.Name+" skrives af deres egne konsulenter, af intromødets tovholder ("+coord+") eller af en administrator; intet er gemt.",
				"You refer candidates of your own jobcenter. Candidates of "+j.Name+" are written by its own consultants, the intro day's coordinator ("+coord+") or an admin; nothing was saved."))
		}
		cand.HomeJobcenterID = j.ID
	}
	return cand, nil
}

// mayJoin checks that candidates from the jobcenter may come to d: it
// takes part, or is a partner of the host and joins (joins is true).
func (s *Service) mayJoin(ctx context.Context, c *call, d bot.IntroDay, jobcenter uint64) (joins bool, err error) {
	if takesPart(d, jobcenter) {
		return false, nil
	}
	host, err := s.introDays.Jobcenter(ctx, d.HostID)
	if err != nil && !errors.Is(err, bot.ErrNotFound) {
		return false, fmt.Errorf("host jobcenter: %w", err)
	}
	if slices.Contains(host.Partners, jobcenter) || c.actor.Role == bot.RoleAdmin {
		return true, nil
	}
	names := s.jobcenterNames(ctx)
	return false, bot.Errorf(bot.Forbidden, "%s", c.tr(
		names(jobcenter)+" er ikke med på intromøde "+dayRef(d.ID)+" og samarbejder ikke med værten, "+names(d.HostID)+". Med er: "+nameList(names, d.Jobcenters)+". Intet er gemt; en administrator kan gøre jobcentrene til samarbejdspartnere.",
		names(jobcenter)+" does not take part in intro day "+dayRef(d.ID)+" and is no partner of the host, "+names(d.HostID)+". Taking part: "+nameList(names, d.Jobcenters)+". Nothing was saved; an admin can make the jobcenters partners."))
}

// Option words of »introday match«.
var (
	wordStart = word("start", "start", "startdato", "fra")
	wordWeeks = word("uger", "weeks", "uge", "week")
)

// Internship lengths in weeks.
const (
	defaultWeeks = 2
	maxWeeks     = 52
)

// matchArgs is a parsed »introday match« after the id.
type matchArgs struct {
	ref, company, start []string
	weeks               int
	weeksText           string // as typed, when it was no number in range
}

// parseMatch peels the options off the end, in either order: »uger N« and
// »start <dato>«. The company is what stands between reference and options.
func parseMatch(words []string) matchArgs {
	a := matchArgs{weeks: defaultWeeks}
	if len(words) > 0 {
		a.ref, words = words[:1], words[1:]
	}
	for range 2 {
		if n := len(words); n >= 3 && wordWeeks.Is(words[n-2]) {
			a.weeksText = words[n-1]
			a.weeks, _ = strconv.Atoi(words[n-1])
			words = words[:n-2]
			continue
		}
		for i := len(words) - 2; i >= 1; i-- {
			if wordStart.Is(words[i]) {
				a.start, words = words[i+1:], words[:i]
				break
			}
		}
	}
	a.company = words
	return a
}

func runIntroDayMatch(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	d, rest, err := s.introDayAt(ctx, c, args, "introday match")
	if err != nil {
		return bot.Message{}, err
	}
	a := parseMatch(rest)
	if len(a.ref) == 0 || len(a.company) == 0 {
		return bot.Message{}, usageError(s, c, "introday match")
	}
	if err := s.mayManage(ctx, c, d); err != nil {
		return bot.Message{}, err
	}
	if a.weeks < 1 || a.weeks > maxWeeks {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(a.weeksText)+"« uger går ikke: en praktik varer fra 1 til "+itoa(maxWeeks)+" uger, fx »uger 2«. Intet er gemt.",
			"»"+clip(a.weeksText)+"« weeks will not do: an internship lasts from 1 to "+itoa(maxWeeks)+" weeks, e.g. »weeks 2«. Nothing was saved."))
	}
	cand, err := s.onList(ctx, c, d, a.ref[0])
	if err != nil {
		return bot.Message{}, err
	}
	co, err := s.company(ctx, c, a.company)
	if err != nil {
		return bot.Message{}, err
	}
	// By default the internship starts on the first working day after the
	// intro day (or after today, for a match made later).
	from := d.Date
	if bot.Day(c.now).After(bot.Day(from)) {
		from = c.now
	}
	// Working days are the host jobcenter's: an internship asked to start
	// on a day it keeps closed starts on the next open one, and the reply
	// says so.
	cal := s.calendarOf(ctx, d.HostID)
	start := cal.NextWorkingDay(bot.AddDays(from, 1))
	moved := ""
	if len(a.start) > 0 {
		if start, err = dayAhead(c, a.start, c.tr("intromøde match "+itoa(int(d.ID))+" "+cand.Reference+" "+co.Name+" start 1/12 uger 2",
			"introday match "+itoa(int(d.ID))+" "+cand.Reference+" "+co.Name+" start 1/12 weeks 2"), Ahead); err != nil {
			return bot.Message{}, err
		}
		if !cal.IsWorkingDay(start) {
			asked := start
			start = cal.NextWorkingDay(asked)
			moved = c.tr(" "+bot.FormatDate(asked, c.lang)+" er en lukkedag ("+closedWhy(c, cal, asked)+"), så praktikken starter første åbne dag derefter.",
				" "+bot.FormatDate(asked, c.lang)+" is a closed day ("+closedWhy(c, cal, asked)+"), so the internship starts on the first open day after.")
		}
	}
	end := bot.AddDays(start, a.weeks*7-1)
	if cand, err = s.startInternship(ctx, c, cand, co, start, end); err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr(
		"🤝 "+cand.Reference+" er matchet med "+co.Name+": praktik fra "+bot.FormatDate(start, c.lang)+" til og med "+bot.FormatDate(end, c.lang)+" ("+counted(a.weeks, "uge", "uger")+")."+moved+" Når praktikken slutter, minder jeg den henvisende konsulent om uddannelsesmødet.",
		"🤝 "+cand.Reference+" is matched with "+co.Name+": internship from "+bot.FormatDate(start, c.lang)+" through "+bot.FormatDate(end, c.lang)+" ("+counted(a.weeks, "week", "weeks")+")."+moved+" When it ends, I remind the referring consultant of the education meeting.")), nil
}

// startInternship records the match: stage internship at co from start
// through end. The same match sent twice is recorded once.
func (s *Service) startInternship(ctx context.Context, c *call, cand bot.Candidate, co bot.Company, start, end time.Time) (bot.Candidate, error) {
	cand, err := s.introDays.UpdateCandidate(ctx, cand.IntroDayID, cand.Reference, func(x *bot.Candidate) error {
		if x.Stage == bot.StageInternship && x.CompanyID == co.ID && x.InternshipStart.Equal(start) && x.InternshipEnd.Equal(end) {
			return nil
		}
		x.Stage, x.CompanyID, x.InternshipStart, x.InternshipEnd = bot.StageInternship, co.ID, start, end
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID,
			What: "internship at company #" + itoa(int(co.ID)) + " " + start.Format(time.DateOnly) + ".." + end.Format(time.DateOnly)})
		return nil
	})
	if err != nil {
		return cand, fmt.Errorf("match: %w", err)
	}
	return cand, nil
}

// onList returns the candidate with ref on d, or refuses with the list's
// references.
func (s *Service) onList(ctx context.Context, c *call, d bot.IntroDay, ref string) (bot.Candidate, error) {
	cands, err := s.introDays.Candidates(ctx, d.ID)
	if err != nil {
		return bot.Candidate{}, fmt.Errorf("candidates: %w", err)
	}
	refs := make([]string, 0, min(len(cands), 21))
	for _, x := range cands {
		if refKey(x.Reference) == refKey(ref) && refKey(ref) != "" {
			return x, nil
		}
		if len(refs) < 20 {
			refs = append(refs, x.Reference)
		} else if len(refs) == 20 {
			refs = append(refs, "…")
		}
	}
	list := c.tr(" Listen er tom.", " The list is empty.")
	if len(refs) > 0 {
		list = c.tr(" På listen: ", " On the list: ") + strings.Join(refs, ", ") + "."
	}
	return bot.Candidate{}, bot.Errorf(bot.NotFound, "%s", c.tr(
		"»"+clip(ref)+"« står ikke på listen til intromøde "+dayRef(d.ID)+", så intet er gemt.",
		"»"+clip(ref)+"« is not on the list of intro day "+dayRef(d.ID)+", so nothing was saved.")+list)
}
