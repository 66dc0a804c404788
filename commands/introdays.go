package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kontaktbot/bot"
)

// introDayStore is what the intro-day and candidate commands use of the
// store: the IntroDays of store.go, and the names they show.
type introDayStore interface {
	IntroDays
	Company(ctx context.Context, id uint64) (bot.Company, error)
	Consultant(ctx context.Context, id uint64) (bot.Consultant, error)
	Jobcenter(ctx context.Context, id uint64) (bot.Jobcenter, error)
	Jobcenters(ctx context.Context) ([]bot.Jobcenter, error)
}

// Intro days (intromøder): a coordinator plans a day where screened,
// pseudonymous candidates from several jobcenters meet companies; the
// list is announced in the jobcenters' intro-day channels, and matches
// are followed through internship and education meeting to an outcome.
// This file holds the day itself (new, company, the overview); the
// candidates are in candidates.go, the announcement in introday_*.go.

// maxPlace is the longest place (and time) of an intro day, in characters.
const maxPlace = 200

// The keywords of the intro-day commands.
var (
	// wordJobcenters introduces the other jobcenters taking part. The
	// singular is left out: a place such as »Jobcenter Sorø, lokale 2« is
	// common.
	wordJobcenters = word("jobcentre", "jobcenters", "jobcentres", "jobcentrene")
	// wordAnd separates the names in a list of jobcenters, as do commas,
	// »&« and »+« (symbols that folding would erase, so they are compared
	// as typed; see isListSep).
	wordAnd = word("og", "and")
	// wordList and wordComing may follow »intromøder«.
	wordList   = word("liste", "list")
	wordComing = word("kommende", "coming")
)

// listSymbols end a jobcenter's name in a list, alone or at a word's end.
const listSymbols = ",;&+"

// isListSep reports whether w, once trailing separators are trimmed, is
// nothing but a separator: »og«, »and«, »&« or »+«.
func isListSep(w string) bool {
	return strings.Trim(w, listSymbols) == "" || wordAnd.Is(w)
}

// dayRef writes an intro day's id as users see it: "#3".
func dayRef(id uint64) string { return "#" + strconv.FormatUint(id, 10) }

// parseDayID reads an intro day's id written as "3" or "#3".
func parseDayID(w string) (uint64, bool) {
	n, err := strconv.ParseUint(strings.TrimPrefix(w, "#"), 10, 64)
	return n, err == nil && n > 0
}

// introDayAt reads the intro day whose id starts args and returns it with
// the words after the id. A missing or unknown id is refused with the
// command's usage or the coming intro days the caller can see.
func (s *Service) introDayAt(ctx context.Context, c *call, args []string, cmd string) (bot.IntroDay, []string, error) {
	if len(args) == 0 {
		return bot.IntroDay{}, nil, usageError(s, c, cmd)
	}
	id, ok := parseDayID(args[0])
	if !ok {
		return bot.IntroDay{}, nil, bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(args[0])+"« er ikke et intromødes nummer. Skriv nummeret først, fx »#3« eller »3«; »intromøder« viser de kommende.",
			"»"+clip(args[0])+"« is not an intro day's number. Give the number first, e.g. »#3« or »3«; »introday list« shows the coming ones."))
	}
	d, err := s.introDays.IntroDay(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return d, nil, s.unknownIntroDay(ctx, c, id)
	}
	if err != nil {
		return d, nil, fmt.Errorf("intro day %d: %w", id, err)
	}
	return d, args[1:], nil
}

func (s *Service) unknownIntroDay(ctx context.Context, c *call, id uint64) error {
	days, err := s.visibleIntroDays(ctx, c)
	if err != nil {
		return err
	}
	msg := c.tr("Jeg kender intet intromøde "+dayRef(id)+".", "I know no intro day "+dayRef(id)+".")
	if len(days) == 0 {
		return bot.Errorf(bot.NotFound, "%s", msg+c.tr(" Der er ingen kommende intromøder.", " There are no coming intro days."))
	}
	refs := make([]string, 0, len(days))
	for i, d := range days {
		if i == 8 {
			refs = append(refs, "…")
			break
		}
		refs = append(refs, dayRef(d.ID)+" ("+bot.FormatDate(d.Date, c.lang)+")")
	}
	return bot.Errorf(bot.NotFound, "%s", msg+c.tr(" Kommende: ", " Coming: ")+strings.Join(refs, ", ")+".")
}

// takesPart reports whether the jobcenter hosts or takes part in d.
func takesPart(d bot.IntroDay, jobcenter uint64) bool {
	return d.HostID == jobcenter || slices.Contains(d.Jobcenters, jobcenter)
}

// mayManage lets the day's coordinator, admins, and coordinators and
// leads of a jobcenter taking part change an intro day. The table already
// keeps consultants out.
func (s *Service) mayManage(ctx context.Context, c *call, d bot.IntroDay) error {
	if c.actor.Role == bot.RoleAdmin || d.Coordinator == c.actor.ID || takesPart(d, c.actor.JobcenterID) {
		return nil
	}
	names := s.jobcenterNames(ctx)
	with, withEN := "", ""
	if g := guests(d); len(g) > 0 {
		with, withEN = " sammen med "+nameList(names, g), " together with "+nameList(names, g)
	}
	return bot.Errorf(bot.Forbidden, "%s", c.tr(
		"Intromøde "+dayRef(d.ID)+" holdes af "+names(d.HostID)+with+"; kun deres tovholdere og ledere, mødets tovholder og administratorer kan ændre det.",
		"Intro day "+dayRef(d.ID)+" is held by "+names(d.HostID)+withEN+"; only their coordinators and leads, the day's coordinator and admins can change it."))
}

// notPast refuses to change the list of an intro day that has been held.
func notPast(c *call, d bot.IntroDay) error {
	if !bot.Day(d.Date).Before(bot.Day(c.now)) {
		return nil
	}
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		"Intromøde "+dayRef(d.ID)+" blev holdt "+bot.FormatDate(d.Date, c.lang)+", så listen kan ikke længere ændres. Match og udfald kan stadig noteres.",
		"Intro day "+dayRef(d.ID)+" was held on "+bot.FormatDate(d.Date, c.lang)+", so its list can no longer change. Matches and outcomes can still be recorded."))
}

// jobcenterNames returns a lookup from jobcenter id to name, read once.
func (s *Service) jobcenterNames(ctx context.Context) func(uint64) string {
	all, _ := s.introDays.Jobcenters(ctx) // names only: an id stands in on error
	names := make(map[uint64]string, len(all))
	for _, j := range all {
		names[j.ID] = j.Name
	}
	return func(id uint64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "#" + strconv.FormatUint(id, 10)
	}
}

// counted writes n with the singular or plural noun: "1 kandidat", "3 kandidater".
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

// guests are the jobcenters taking part besides the host.
func guests(d bot.IntroDay) []uint64 {
	out := make([]uint64, 0, len(d.Jobcenters))
	for _, id := range d.Jobcenters {
		if id != d.HostID {
			out = append(out, id)
		}
	}
	return out
}

func nameList(names func(uint64) string, ids []uint64) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = names(id)
	}
	return strings.Join(out, ", ")
}

// takeStartDate reads a date at the start of words, looking ahead, and
// checks it lies from today to a year ahead. It returns the day and the
// words after it.
func takeStartDate(c *call, words []string, example string) (time.Time, []string, error) {
	r := ReadDate(words, c.now, Ahead)
	if !r.OK {
		return time.Time{}, nil, unreadableDate(c, words[:max(1, min(r.N, len(words)))], Ahead, c.tr(" Skriv fx »"+example+"«.", " For example: »"+example+"«."))
	}
	day, err := dayAhead(c, words[:r.N], example, Ahead)
	return day, words[r.N:], err
}

func runIntroDayNew(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) < 2 {
		return bot.Message{}, usageError(s, c, "introday new")
	}
	eg := c.tr("intromøde ny 3/12 kl. 9-12 Sorø Bibliotek jobcentre Slagelse, Ringsted", "introday new 3/12 9-12 Sorø Library jobcenters Slagelse, Ringsted")
	day, rest, err := takeStartDate(c, args, eg)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.openOn(ctx, c, c.actor.JobcenterID, day, c.tr("Intromødet", "The intro day")); err != nil {
		return bot.Message{}, err
	}
	placeWords, others := rest, []string(nil)
	for i, w := range rest {
		if wordJobcenters.Is(w) {
			placeWords, others = rest[:i], rest[i+1:]
			break
		}
	}
	place := strings.Join(placeWords, " ")
	if bot.NormalizeName(place) == "" {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr("Skriv, hvor (og gerne hvornår) intromødet holdes, efter datoen. Fx »"+eg+"«.",
			"Say where (and preferably when) the intro day is held, after the date. For example: »"+eg+"«."))
	}
	if n := utf8.RuneCountInString(place); n > maxPlace {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr("Stedet er for langt: "+itoa(n)+" tegn, højst "+itoa(maxPlace)+".",
			"The place is too long: "+itoa(n)+" characters, at most "+itoa(maxPlace)+"."))
	}
	ids, err := s.takingPart(ctx, c, others)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.sameDay(ctx, c, day, place); err != nil {
		return bot.Message{}, err
	}
	d, err := s.introDays.CreateIntroDay(ctx, bot.IntroDay{Date: day, Place: place, HostID: c.actor.JobcenterID,
		Jobcenters: ids, Coordinator: c.actor.ID, Created: c.now})
	if err != nil {
		return bot.Message{}, fmt.Errorf("create intro day: %w", err)
	}
	names := s.jobcenterNames(ctx)
	id := itoa(int(d.ID))
	return bot.Reply(c.tr(
		"✅ Intromøde "+dayRef(d.ID)+": "+bot.FormatDateLong(d.Date, c.lang)+", "+d.Place+". Vært: "+names(d.HostID)+"; med: "+nameList(names, d.Jobcenters)+
			". Du er tovholder. Tilføj virksomheder med »intromøde virksomhed "+id+" <virksomhed>«, kandidater med »intromøde kandidat "+id+" <reference>«, og annoncér listen med »intromøde annoncér "+id+"«.",
		"✅ Intro day "+dayRef(d.ID)+": "+bot.FormatDateLong(d.Date, c.lang)+", "+d.Place+". Host: "+names(d.HostID)+"; taking part: "+nameList(names, d.Jobcenters)+
			". You are the coordinator. Add companies with »introday company "+id+" <company>«, candidates with »introday candidate "+id+" <reference>«, and announce the list with »introday announce "+id+"«.")), nil
}

// calendarOf is the working-day calendar of the jobcenter: weekends, public
// holidays, every jobcenter's extra closed days and its own. A jobcenter
// that cannot be read, or whose own list does not parse, has the rest.
func (s *Service) calendarOf(ctx context.Context, jobcenterID uint64) *bot.Calendar {
	closed := slices.Clone(s.closed)
	if j, err := s.introDays.Jobcenter(ctx, jobcenterID); err == nil {
		if own, err := bot.ParseClosedDays(j.ClosedDays); err == nil {
			closed = append(closed, own...)
		}
	}
	return bot.NewCalendar(closed...)
}

// openOn refuses day, for what (»Intromødet«), when the jobcenter is
// closed then, naming why and the next day it is open.
func (s *Service) openOn(ctx context.Context, c *call, jobcenterID uint64, day time.Time, what string) error {
	cal := s.calendarOf(ctx, jobcenterID)
	if cal.IsWorkingDay(day) {
		return nil
	}
	next := bot.FormatDateLong(cal.NextWorkingDay(day), c.lang)
	return bot.Errorf(bot.Invalid, "%s", c.tr(
		what+" kan ikke holdes "+bot.FormatDateLong(day, c.lang)+": jobcentret har lukket ("+closedWhy(c, cal, day)+"). Første åbne dag derefter er "+next+". Intet er gemt.",
		what+" cannot be held on "+bot.FormatDateLong(day, c.lang)+": the jobcenter is closed ("+closedWhy(c, cal, day)+"). The first open day after is "+next+". Nothing was saved."))
}

// closedWhy names why cal is closed on day: a holiday's or closed day's
// own (Danish) name, or the weekday in the reader's language.
func closedWhy(c *call, cal *bot.Calendar, day time.Time) string {
	switch why := cal.ClosedReason(day); why {
	case "lørdag":
		return c.tr("lørdag", "Saturday")
	case "søndag":
		return c.tr("søndag", "Sunday")
	default:
		return why
	}
}

// takingPart resolves the jobcenters named after »jobcentre« (separated by
// commas, »og«, »and«, »&« or »+«) and returns the caller's jobcenter, the host,
// followed by them, each once.
func (s *Service) takingPart(ctx context.Context, c *call, words []string) ([]uint64, error) {
	ids := []uint64{c.actor.JobcenterID}
	var name []string
	flush := func() error {
		if len(name) == 0 {
			return nil
		}
		j, err := s.jobcenter(ctx, c, name)
		name = nil
		if err != nil {
			return err
		}
		if !slices.Contains(ids, j.ID) {
			ids = append(ids, j.ID)
		}
		return nil
	}
	for _, w := range words {
		trimmed := strings.TrimRight(w, listSymbols)
		last := trimmed != w
		if trimmed != "" && !isListSep(trimmed) {
			name = append(name, trimmed)
		} else {
			last = true
		}
		if last {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return ids, nil
}

// sameDay refuses a second intro day on the same day at the same place:
// a command sent twice creates one.
func (s *Service) sameDay(ctx context.Context, c *call, day time.Time, place string) error {
	days, err := s.introDays.IntroDaysFrom(ctx, day)
	if err != nil {
		return fmt.Errorf("intro days from: %w", err)
	}
	for _, d := range days {
		if bot.Day(d.Date).Equal(day) && bot.NormalizeName(d.Place) == bot.NormalizeName(place) {
			return bot.Errorf(bot.Conflict, "%s", c.tr(
				"Der er allerede intromøde "+dayRef(d.ID)+" "+bot.FormatDate(d.Date, c.lang)+" på "+d.Place+", så intet nyt er oprettet. Se det med »intromøde status "+itoa(int(d.ID))+"«.",
				"There already is intro day "+dayRef(d.ID)+" on "+bot.FormatDate(d.Date, c.lang)+" at "+d.Place+", so nothing new was created. See it with »introday status "+itoa(int(d.ID))+"«."))
		}
	}
	return nil
}

func runIntroDayCompany(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	d, rest, err := s.introDayAt(ctx, c, args, "introday company")
	if err != nil {
		return bot.Message{}, err
	}
	if len(rest) == 0 {
		return bot.Message{}, usageError(s, c, "introday company")
	}
	if err := s.mayManage(ctx, c, d); err != nil {
		return bot.Message{}, err
	}
	if err := notPast(c, d); err != nil {
		return bot.Message{}, err
	}
	co, err := s.company(ctx, c, rest)
	if err != nil {
		return bot.Message{}, err
	}
	already := bot.Errorf(bot.Conflict, "%s", c.tr(
		co.Name+" står allerede på listen til intromøde "+dayRef(d.ID)+"; intet er ændret.",
		co.Name+" is already on the list of intro day "+dayRef(d.ID)+"; nothing changed."))
	d, err = s.introDays.UpdateIntroDay(ctx, d.ID, func(x *bot.IntroDay) error {
		if slices.Contains(x.CompanyIDs, co.ID) {
			return already
		}
		x.CompanyIDs = append(x.CompanyIDs, co.ID)
		return nil
	})
	if errors.Is(err, already) {
		return bot.Message{}, already
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("add company to intro day: %w", err)
	}
	return bot.Reply(c.tr(
		"✅ "+co.Name+" kommer til intromøde "+dayRef(d.ID)+" ("+bot.FormatDate(d.Date, c.lang)+"); "+counted(len(d.CompanyIDs), "virksomhed", "virksomheder")+" i alt."+announceHint(s, c, d),
		"✅ "+co.Name+" attends intro day "+dayRef(d.ID)+" ("+bot.FormatDate(d.Date, c.lang)+"); "+counted(len(d.CompanyIDs), "company", "companies")+" in all."+announceHint(s, c, d))), nil
}

// announceHint reminds that an announced list is not updated by itself:
// it suggests the command to whoever may run it, and asks anyone else to
// tell the day's coordinator.
func announceHint(s *Service, c *call, d bot.IntroDay) string {
	if len(d.Announced) == 0 {
		return ""
	}
	cmd := s.find("introday announce")
	if !cmd.allowed(c.actor.Role) {
		return c.tr(" Listen er allerede annonceret; bed mødets tovholder opdatere opslagene.",
			" The list has been announced already; ask the day's coordinator to update the posts.")
	}
	line := cmd.In(c.lang) + " " + itoa(int(d.ID))
	return c.tr(" Opdatér de annoncerede opslag med »"+line+"«.", " Update the announced posts with »"+line+"«.")
}

// visibleIntroDays returns the coming intro days whose lists the caller
// may see (mayKnowIntroDay), soonest first.
func (s *Service) visibleIntroDays(ctx context.Context, c *call) ([]bot.IntroDay, error) {
	days, err := s.introDays.IntroDaysFrom(ctx, bot.Day(c.now))
	if err != nil {
		return nil, fmt.Errorf("intro days from: %w", err)
	}
	know := s.knower(ctx, c)
	out := days[:0]
	for _, d := range days {
		ok, err := s.mayKnowIntroDay(ctx, c, d, know)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// runIntroDays lists the coming intro days; any other word after the
// command is a subcommand it does not know.
func runIntroDays(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) > 0 && !isAny(args[0], wordList, wordComing) {
		return bot.Message{}, s.unknownSubcommand(c, "introday", args[0])
	}
	days, err := s.visibleIntroDays(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	title := c.tr("Kommende intromøder", "Coming intro days")
	if len(days) == 0 {
		return bot.Message{Blocks: []bot.Block{bot.Heading{Text: title}, bot.Text{Text: c.tr(
			"Der er ingen kommende intromøder i dit jobcenter eller hos jeres samarbejdspartnere. En tovholder opretter et med »intromøde ny <dato> <sted>«.",
			"There are no coming intro days in your jobcenter or its partners. A coordinator creates one with »introday new <date> <place>«.")}}}, nil
	}
	names := s.jobcenterNames(ctx)
	items := make([]string, 0, len(days))
	for _, d := range days {
		cands, err := s.introDays.Candidates(ctx, d.ID)
		if err != nil {
			return bot.Message{}, fmt.Errorf("candidates of intro day %d: %w", d.ID, err)
		}
		items = append(items, dayRef(d.ID)+" "+bot.FormatDate(d.Date, c.lang)+", "+clip(d.Place)+c.tr(" — vært ", " — host ")+names(d.HostID)+
			" — "+c.tr(counted(len(cands), "kandidat", "kandidater")+", "+counted(len(d.CompanyIDs), "virksomhed", "virksomheder"),
			counted(len(cands), "candidate", "candidates")+", "+counted(len(d.CompanyIDs), "company", "companies")))
	}
	return bot.Message{Blocks: []bot.Block{bot.Heading{Text: title}, bot.List{Items: items},
		bot.Text{Text: c.tr("»intromøde status <nr>« viser tallene pr. jobcenter.", "»introday status <no>« shows the numbers per jobcenter.")}}}, nil
}

// unknownSubcommand lists the subcommands of a command group, e.g. every
// »introday …« the caller may use.
func (s *Service) unknownSubcommand(c *call, group, word string) error {
	var usages []string
	for _, cmd := range s.table {
		if strings.HasPrefix(cmd.Name, group+" ") && cmd.allowed(c.actor.Role) {
			usages = append(usages, cmd.Usage[c.lang])
		}
	}
	return bot.Errorf(bot.NotFound, "%s", c.tr("»"+clip(word)+"« kender jeg ikke her. Du kan skrive: ", "I don't know »"+clip(word)+"« here. You can type: ")+
		strings.Join(usages, "; ")+".")
}
