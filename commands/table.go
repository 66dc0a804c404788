package commands

import (
	"context"
	"strings"

	"kontaktbot/bot"
)

// Command is one row of the command table: everything the bot can do is
// declared here, and help, the Slack manifest and the Teams command list
// are generated from it.
type Command struct {
	// Name is the English command, one or two words ("visit", "company add").
	Name string
	// Da is the Danish command ("besøg", "virksomhed opret"). Both names
	// are always accepted; help, examples and buttons use the reader's.
	Da string
	// Aliases are other spellings, also accepted ("kontakt", "log").
	Aliases []string
	// Usage is the syntax in each language, starting with the command's
	// name in that language.
	Usage map[bot.Lang]string
	// Summary says in one sentence what it does, in each language.
	Summary map[bot.Lang]string
	// Example is a typical line in Danish, ExampleEn the same in English;
	// each starts with the command's name in its language.
	Example, ExampleEn string
	// MinRole is the lowest role that may run it.
	MinRole bot.Role
	// Slash is the command's place among the Slack app's slash commands
	// (1 first), Menu its place in the Teams command menu; 0 leaves it out.
	// Sub-commands reach Slack through their first word's slash command.
	Slash, Menu int
	// Words are the argument keywords and value words the command reads,
	// each declared once (see Word); help lists them in the reader's
	// language.
	Words []Word
	// Run carries it out. args are the words after the command's name.
	Run func(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error)
}

// In returns the command's name in lang: Da in Danish, Name in English.
func (cmd *Command) In(lang bot.Lang) string { return lang.Pick(cmd.Da, cmd.Name) }

// exampleIn returns the example line in lang.
func (cmd *Command) exampleIn(lang bot.Lang) string { return lang.Pick(cmd.Example, cmd.ExampleEn) }

func (cmd *Command) allowed(r bot.Role) bool {
	return r.Rank() >= cmd.MinRole.Rank()
}

// Spec is the public, read-only description of a command, for generated
// help, app manifests and command lists.
type Spec struct {
	// Name is the English name, Da the Danish; both are accepted.
	Name, Da string
	Aliases  []string
	Usage    map[bot.Lang]string
	Summary  map[bot.Lang]string
	// Example is a typical line in each language.
	Example map[bot.Lang]string
	MinRole bot.Role
	// Slash and Menu place it among the Slack slash commands and in the
	// Teams command menu (1 first; 0 leaves it out).
	Slash, Menu int
	// Words are the command's keywords, for help in each language.
	Words []Word
}

// In returns the command's name in lang.
func (s Spec) In(lang bot.Lang) string { return lang.Pick(s.Da, s.Name) }

// Specs returns the command table's descriptions in table order.
func (s *Service) Specs() []Spec {
	out := make([]Spec, 0, len(s.table))
	for _, c := range s.table {
		out = append(out, Spec{Name: c.Name, Da: c.Da, Aliases: c.Aliases, Usage: c.Usage, Summary: c.Summary,
			Example: usage(c.Example, c.ExampleEn), MinRole: c.MinRole, Slash: c.Slash, Menu: c.Menu, Words: c.Words})
	}
	return out
}

// lookup finds the command a line starts with: two-word names before
// one-word names, so that "company add" wins over "company". It returns
// the command and the remaining words, or nil.
func (s *Service) lookup(text string) (*Command, []string) {
	words := fields(text)
	if len(words) == 0 {
		return s.find("help"), nil
	}
	for n := 2; n >= 1; n-- {
		if len(words) < n {
			continue
		}
		if cmd := s.byKey[fold(strings.Join(words[:n], " "))]; cmd != nil {
			return cmd, words[n:]
		}
	}
	return nil, nil
}

// keys maps every folded name (English and Danish) and alias to its command, the first of the
// table where two share one, so a lookup folds only the typed words.
func keys(table []*Command) map[string]*Command {
	m := map[string]*Command{}
	for _, cmd := range table {
		for _, k := range cmd.names() {
			if _, ok := m[fold(k)]; !ok {
				m[fold(k)] = cmd
			}
		}
	}
	return m
}

// names are every spelling the command is accepted under: the English
// name, the Danish name, then the aliases.
func (cmd *Command) names() []string {
	return append([]string{cmd.Name, cmd.Da}, cmd.Aliases...)
}

func (s *Service) find(name string) *Command {
	for _, c := range s.table {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// unknownCommand explains that the first word is not a command and
// suggests the closest one the person may use.
func (s *Service) unknownCommand(c *call, text string) error {
	word := fold(fields(text)[0])
	best, bestD := "", 3
	for _, cmd := range s.table {
		if !cmd.allowed(c.actor.Role) {
			continue
		}
		for _, name := range cmd.names() {
			first := fold(strings.Fields(name)[0])
			if d := editDistance(word, first); d < bestD {
				best, bestD = strings.Fields(name)[0], d
			}
		}
	}
	w := fields(text)[0]
	if len([]rune(w)) > 40 {
		w = string([]rune(w)[:40]) + "…"
	}
	if best != "" {
		return bot.Errorf(bot.NotFound, "%s", c.tr(
			"Kommandoen »"+w+"« kender jeg ikke. Mente du »"+best+"«? Skriv »hjælp« for at se alle kommandoer.",
			"I don't know the command »"+w+"«. Did you mean »"+best+"«? Type »help« to see all commands."))
	}
	return bot.Errorf(bot.NotFound, "%s", c.tr(
		"Kommandoen »"+w+"« kender jeg ikke. Skriv »hjælp« for at se alle kommandoer.",
		"I don't know the command »"+w+"«. Type »help« to see all commands."))
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func usage(da, en string) map[bot.Lang]string {
	return map[bot.Lang]string{bot.Danish: da, bot.English: en}
}

// commandTable declares every command. Order is the order of help.
func commandTable() []*Command {
	return []*Command{
		{Name: "visit", Da: "besøg", Aliases: []string{"kontakt", "log"},
			Usage:   usage("besøg <virksomhed> [dato] [besøg|telefon|mail|møde] <note> [opfølgning <dato>]", "visit <company> [date] [visit|phone|mail|meeting] <note> [follow-up <date>]"),
			Summary: usage("Noter en kontakt med en virksomhed; nulstiller kadencen.", "Log a contact with a company; resets its cadence clock."),
			Example: "besøg L-tek i går mødte Lars om to svejsere", ExampleEn: "visit L-tek yesterday met Lars about two welders", Slash: 1, Menu: 1, Words: append(wordsOf(contactKinds), followUpWord), MinRole: bot.RoleConsultant, Run: runVisit},
		{Name: "mine", Da: "mine", Aliases: []string{"mine virksomheder", "my"},
			Usage: usage("mine [forfaldne|eskalerede|pause|planlagt|udsat|afsluttet] [område <område>] [søg <tekst>] [side <n>]",
				"mine [overdue|escalated|paused|planned|snoozed|ended] [area <area>] [search <text>] [page <n>]"),
			Summary: usage("Dine virksomheder, de mest forfaldne først, 40 ad gangen; afgræns med en tilstand, et område eller en søgning.",
				"Your companies, most overdue first, 40 at a time; narrow by state, area or a search."),
			Example: "mine område Vollsmose", ExampleEn: "mine area Vollsmose", Slash: 3, Menu: 3, Words: listWords, MinRole: bot.RoleConsultant, Run: runMine},
		{Name: "overdue", Da: "forfaldne", Aliases: []string{"forfalden"},
			Usage: usage("forfaldne [team] [eskalerede] [område <område>] [søg <tekst>] [side <n>]",
				"overdue [team] [escalated] [area <area>] [search <text>] [page <n>]"),
			Summary: usage("Virksomhederne i morgenens påmindelse: dine, eller med »team« dit jobcenters; »eskalerede« er dem i lederens ugentlige opmærksomhedspunkter.",
				"The companies in the morning's nudge: yours, or with »team« your jobcenter's; »escalated« are those in the lead's weekly escalations."),
			Example: "forfaldne team", ExampleEn: "overdue team", Words: append([]Word{wordListTeam}, listWords...), MinRole: bot.RoleConsultant, Run: runOverdue},
		{Name: "plan", Da: "planlæg",
			Usage:   usage("planlæg <virksomhed> <dato>|ingen", "plan <company> <date>|off"),
			Summary: usage("Planlæg næste kontakt: påmindelsen venter, til dagen er gået uden kontakt.", "Plan the next contact: the nudge waits until that day has passed without one."),
			Example: "planlæg L-tek fredag", ExampleEn: "plan L-tek friday", Slash: 5, Menu: 4, Words: []Word{offWord}, MinRole: bot.RoleConsultant, Run: runPlan},
		{Name: "snooze", Da: "udsæt",
			Usage:   usage("udsæt <virksomhed> 7d|2u|<dato>", "snooze <company> 7d|2w|<date>"),
			Summary: usage("Udsæt påmindelsen om en virksomhed 1 til 365 dage.", "Snooze the nudge about a company for 1 to 365 days."),
			Example: "udsæt L-tek 2u", ExampleEn: "snooze L-tek 2w", Slash: 4, Menu: 5, Words: []Word{untilWord}, MinRole: bot.RoleConsultant, Run: runSnooze},
		{Name: "away", Da: "fravær", Aliases: []string{"væk"},
			Usage: usage("fravær [person] til <dato> [stedfortræder <person>] | fravær [person] slut",
				"away [person] until <date> [standin <person>] | away [person] off"),
			Summary: usage("Meld fravær til og med en dato: påmindelserne holder pause eller går til en stedfortræder. Ledere kan melde det for andre.",
				"Report an absence through a date: the nudges pause or go to a stand-in. Leads can report it for others."),
			Example: "fravær til 4/12 stedfortræder Per Hansen", ExampleEn: "away until 4/12 standin Per Hansen", Slash: 6, Menu: 6, Words: []Word{untilWord, standInWord, offWord}, MinRole: bot.RoleConsultant, Run: runAway},
		{Name: "coverage", Da: "dækning",
			Usage:   usage("dækning [mig|team|<person>]", "coverage [me|team|<person>]"),
			Summary: usage("Hvor mange faste virksomheder der er inden for kadencen, og de mest forfaldne.", "How many dedicated companies are within their cadence, and the most overdue."),
			Example: "dækning team", ExampleEn: "coverage team", Slash: 7, Menu: 7, Words: []Word{wordMe, wordTeam}, MinRole: bot.RoleConsultant, Run: runCoverage},
		{Name: "coverage chart", Da: "dækning graf", Aliases: []string{"dækning uger", "coverage weeks"},
			Usage:   usage("dækning graf [team|<jobcenter>]", "coverage chart [team|<jobcenter>]"),
			Summary: usage("Graf over jobcentrets dækning uge for uge i et halvt år, mod målet, med tallene i tekst.", "A chart of the jobcenter's coverage week by week for half a year, against the goal, with the figures in words."),
			Example: "dækning graf", ExampleEn: "coverage chart", Words: []Word{wordTeam}, MinRole: bot.RoleConsultant, Run: runCoverageChart},
		{Name: "coverage goal", Da: "dækning mål",
			Usage:   usage("dækning mål [<jobcenter> =] [<procent>|ingen]", "coverage goal [<jobcenter> =] [<percent>|none]"),
			Summary: usage("Vis eller sæt jobcentrets mål for andelen inden for kadencen; det er linjen i »dækning graf«.", "Show or set the jobcenter's goal for the share within cadence; it is the line in »coverage chart«."),
			Example: "dækning mål 85", ExampleEn: "coverage goal 85", Words: []Word{offWord}, MinRole: bot.RoleLead, Run: runCoverageGoal},
		{Name: "company add", Da: "virksomhed opret", Aliases: []string{"virksomhed tilføj", "company new"},
			Usage:   usage("virksomhed opret <navn> [cvr <nr>] [kadence <dage>] [ejer <person>] [niveau intensiveret] [område <tekst>]", "company add <name> [cvr <no>] [cadence <days>] [owner <person>] [tier intensified] [area <text>]"),
			Summary: usage("Opret en virksomhed; du er dens faste konsulent, hvis ikke andet er sagt.", "Register a company; you are its dedicated consultant unless you name another."),
			Example: "virksomhed opret Ærø Maskinfabrik cvr 12345674 kadence 30", ExampleEn: "company add Ærø Maskinfabrik cvr 12345674 cadence 30", Words: append([]Word{wordCVR, wordCadence, wordOwner, wordTier, wordArea}, wordsOf(tiers)...), MinRole: bot.RoleConsultant, Run: runCompanyAdd},
		{Name: "company list", Da: "virksomhed liste", Aliases: []string{"virksomheder", "companies"},
			Usage: usage("virksomhed liste [mine|team|forfaldne|alle] [filtre] [side <n>]", "company list [mine|team|overdue|all] [filters] [page <n>]"),
			Summary: usage("Vis virksomheder: dine, dit jobcenters, de forfaldne i dit jobcenter eller alle; med samme filtre som »mine«.",
				"List companies: yours, your jobcenter's, the overdue ones in your jobcenter, or all; with the filters of »mine«."),
			Example: "virksomhed liste team søg svejs", ExampleEn: "company list team search weld", Words: append(wordsOf(companyFilters), listWords...), MinRole: bot.RoleConsultant, Run: runCompanyList},
		{Name: "company assign", Da: "virksomhed tildel",
			Usage:   usage("virksomhed tildel <virksomhed> <person>", "company assign <company> <person>"),
			Summary: usage("Giv en virksomhed en ny fast konsulent.", "Give a company a new dedicated consultant."),
			Example: "virksomhed tildel L-tek Hanne Jensen", ExampleEn: "company assign L-tek Hanne Jensen", MinRole: bot.RoleLead, Run: runCompanyAssign},
		{Name: "company cadence", Da: "virksomhed kadence",
			Usage:   usage("virksomhed kadence <virksomhed> <dage>", "company cadence <company> <days>"),
			Summary: usage("Sæt den aftalte kontaktkadence i dage.", "Set the agreed contact cadence in days."),
			Example: "virksomhed kadence L-tek 14", ExampleEn: "company cadence L-tek 14", MinRole: bot.RoleConsultant, Run: runCompanyCadence},
		{Name: "company pause", Da: "virksomhed pause",
			Usage:   usage("virksomhed pause <virksomhed>", "company pause <company>"),
			Summary: usage("Sæt kontakten på pause: ingen påmindelser, til den genoptages.", "Pause contact: no reminders until resumed."),
			Example: "virksomhed pause L-tek", ExampleEn: "company pause L-tek", MinRole: bot.RoleConsultant, Run: runCompanyPause},
		{Name: "company resume", Da: "virksomhed genoptag",
			Usage:   usage("virksomhed genoptag <virksomhed>", "company resume <company>"),
			Summary: usage("Genoptag kontakten med en virksomhed på pause.", "Resume contact with a paused company."),
			Example: "virksomhed genoptag L-tek", ExampleEn: "company resume L-tek", MinRole: bot.RoleConsultant, Run: runCompanyResume},
		{Name: "company alias", Da: "virksomhed alias",
			Usage:   usage("virksomhed alias <virksomhed> = <alias>", "company alias <company> = <alias>"),
			Summary: usage("Giv en virksomhed et ekstra navn, den kan findes under.", "Give a company another name it can be found by."),
			Example: "virksomhed alias Ærø Maskinfabrik = ÆM", ExampleEn: "company alias Ærø Maskinfabrik = ÆM", MinRole: bot.RoleConsultant, Run: runCompanyAlias},
		{Name: "company rename", Da: "virksomhed omdøb",
			Usage:   usage("virksomhed omdøb <virksomhed> = <nyt navn>", "company rename <company> = <new name>"),
			Summary: usage("Giv en virksomhed et nyt navn; det gamle bliver et alias.", "Rename a company; the old name stays as an alias."),
			Example: "virksomhed omdøb L-tek = L-tek Svejs A/S", ExampleEn: "company rename L-tek = L-tek Svejs A/S", MinRole: bot.RoleConsultant, Run: runCompanyRename},
		{Name: "company cvr", Da: "virksomhed cvr",
			Usage:   usage("virksomhed cvr <virksomhed> <nr>|ingen", "company cvr <company> <no>|none"),
			Summary: usage("Ret eller fjern en virksomheds CVR-nummer.", "Correct or remove a company's CVR number."),
			Example: "virksomhed cvr L-tek 12345674", ExampleEn: "company cvr L-tek 12345674", Words: []Word{clearWord}, MinRole: bot.RoleConsultant, Run: runCompanyCVR},
		{Name: "company area", Da: "virksomhed område", Aliases: []string{"virksomhed omrade"},
			Usage:   usage("virksomhed område <virksomhed> = <tekst>|ingen", "company area <company> = <text>|none"),
			Summary: usage("Ret eller fjern en virksomheds område (bydel, egn); nye stillinger får stedet herfra, og virksomheder i samme område regnes som i nærheden.", "Correct or remove a company's area (district, region); new positions take their place from it, and companies in the same area count as close by."),
			Example: "virksomhed område L-tek = Ærøskøbing", ExampleEn: "company area L-tek = Ærøskøbing", Words: []Word{clearWord}, MinRole: bot.RoleConsultant, Run: runCompanyArea},
		{Name: "company address", Da: "virksomhed adresse",
			Usage:   usage("virksomhed adresse <virksomhed> = <gade nr, postnr by>|ingen", "company address <company> = <street no, postcode town>|none"),
			Summary: usage("Gem eller fjern en virksomheds adresse; samme postnummer eller by regnes som i nærheden, når du har været på besøg.", "Store or remove a company's address; the same postcode or town counts as close by after a visit."),
			Example: "virksomhed adresse L-tek = Havnegade 12, 5000 Odense C", ExampleEn: "company address L-tek = Havnegade 12, 5000 Odense C", Words: []Word{clearWord}, MinRole: bot.RoleConsultant, Run: runCompanyAddress},
		{Name: "company delete", Da: "virksomhed slet", Aliases: []string{"company remove"},
			Usage:   usage("virksomhed slet <virksomhed> [bekræft]", "company delete <company> [confirm]"),
			Summary: usage("Slet en virksomhed, der er oprettet ved en fejl, med dens kontakter og stillinger: først ser du, hvad der forsvinder, så skriver du det fulde navn igen med »bekræft«.", "Delete a company registered by mistake, with its contacts and positions: first you see what would go, then you write the full name again with »confirm«."),
			Example: "virksomhed slet L-tek", ExampleEn: "company delete L-tek", Words: []Word{confirmWord}, MinRole: bot.RoleLead, Run: runCompanyDelete},
		{Name: "company merge", Da: "virksomhed flet", Aliases: []string{"company join"},
			Usage:   usage("virksomhed flet <behold> = <fjern> [bekræft]", "company merge <keep> = <remove> [confirm]"),
			Summary: usage("Gør to registreringer af én virksomhed til én: kontakter, stillinger og aliasser flyttes, og det andet navn bliver et alias. Først ser du, hvad der flyttes, så skriver du begge fulde navne igen med »bekræft«.", "Make two records of one company one: contacts, positions and aliases move, and the other name becomes an alias. First you see what moves, then you write both full names again with »confirm«."),
			Example: "virksomhed flet L-tek = L-tek Svejs ApS", ExampleEn: "company merge L-tek = L-tek Svejs ApS", Words: []Word{confirmWord}, MinRole: bot.RoleConsultant, Run: runCompanyMerge},
		{Name: "company history", Da: "virksomhed historik", Aliases: []string{"virksomhed historie", "company log"},
			Usage:   usage("virksomhed historik <virksomhed> [side N]", "company history <company> [page N]"),
			Summary: usage("Bladr i alle kontakter med en virksomhed, nyeste først: hvornår, hvordan, hvem, note og opfølgning.", "Page through every contact with a company, newest first: when, how, who, note and follow-up."),
			Example: "virksomhed historik L-tek side 2", ExampleEn: "company history L-tek page 2", Words: []Word{wordPage}, MinRole: bot.RoleConsultant, Run: runCompanyHistory},
		{Name: "company journal", Da: "virksomhed journal",
			Usage:   usage("virksomhed journal <virksomhed> [dato]", "company journal <company> [date]"),
			Summary: usage("Dagens kontakter med en virksomhed (eller en anden dags) som tekster til sagssystemet.", "A day's contacts with a company as texts for the case system (today unless a date is given)."),
			Example: "virksomhed journal L-tek i går", ExampleEn: "company journal L-tek yesterday", MinRole: bot.RoleConsultant, Run: runCompanyJournal},
		{Name: "company", Da: "virksomhed",
			Usage:   usage("virksomhed <virksomhed>", "company <company>"),
			Summary: usage("Vis en virksomheds kort: CVR, konsulent, kadence, seneste kontakter.", "Show a company's card: CVR, consultant, cadence, latest contacts."),
			Example: "virksomhed L-tek", ExampleEn: "company L-tek", Slash: 2, Menu: 2, MinRole: bot.RoleConsultant, Run: runCompanyShow},
		{Name: "position filled", Da: "stilling besat", Aliases: []string{"position fill"},
			Usage:   usage("stilling besat <nr> [antal]", "position filled <no> [count]"),
			Summary: usage("Meld pladser i en stilling besat (alle, der er tilbage, hvis du ikke skriver et antal); opslagene opdateres.", "Mark places of a position filled (all that remain unless you give a count); the announcements are updated."),
			Example: "stilling besat 3 1", ExampleEn: "position filled 3 1", MinRole: bot.RoleConsultant, Run: runPositionFilled},
		{Name: "position close", Da: "stilling luk", Aliases: []string{"position closed"},
			Usage:   usage("stilling luk <nr>", "position close <no>"),
			Summary: usage("Luk en åben stilling, der ikke skal besættes; opslagene opdateres.", "Close an open position that will not be filled; the announcements are updated."),
			Example: "stilling luk 3", ExampleEn: "position close 3", MinRole: bot.RoleConsultant, Run: runPositionClose},
		{Name: "position edit", Da: "stilling ret", Aliases: []string{"stilling rediger", "position correct"},
			Usage:   usage("stilling ret <nr> [titel] [antal N] [frist <dato>|ingen] [start <dato>|ingen] [type ordinær|løntilskud|praktik] [krav <tekst>]", "position edit <no> [title] [count N] [deadline <date>|none] [start <date>|none] [type regular|wage-subsidy|internship] [requirements <text>]"),
			Summary: usage("Ret en åben stillings felter; det, du ikke skriver, bliver stående. Opslagene opdateres.", "Correct an open position's fields; what you leave out stays. The announcements are updated."),
			Example: "stilling ret 3 antal 2 frist 15/12", ExampleEn: "position edit 3 count 2 deadline 15/12", Words: append(append([]Word{clearWord}, positionWords...), wordsOf(positionTypes)...), MinRole: bot.RoleConsultant, Run: runPositionEdit},
		{Name: "position reopen", Da: "stilling genåbn", Aliases: []string{"stilling genaabn", "stilling genåben", "position open"},
			Usage:   usage("stilling genåbn <nr> [antal N] [frist <dato>|ingen]", "position reopen <no> [count N] [deadline <date>|none]"),
			Summary: usage("Genåbn en besat, lukket eller udløbet stilling (en besat med 1 plads, hvis du ikke skriver et antal); opslagene opdateres.", "Reopen a filled, closed or expired position (a filled one with 1 place unless you give a count); the announcements are updated."),
			Example: "stilling genåbn 3 frist 15/12", ExampleEn: "position reopen 3 deadline 15/12", Words: []Word{countWord, deadlineWord, clearWord}, MinRole: bot.RoleConsultant, Run: runPositionReopen},
		{Name: "position undo", Da: "stilling fortryd",
			Usage:   usage("stilling fortryd <nr>", "position undo <no>"),
			Summary: usage("Fortryd det »besat«, du meldte sidst på en stilling (inden for 10 minutter); opslagene opdateres.", "Undo the »filled« you recorded last on a position (within 10 minutes); the announcements are updated."),
			Example: "stilling fortryd 3", ExampleEn: "position undo 3", MinRole: bot.RoleConsultant, Run: runPositionUndo},
		{Name: "position list", Da: "stilling liste", Aliases: []string{"stillinger", "positions"},
			Usage:   usage("stilling liste [åbne|mine|<virksomhed>]", "position list [open|mine|<company>]"),
			Summary: usage("Vis de åbne stillinger i dit jobcenter og hos jeres samarbejdspartnere, dine egne eller en virksomheds.", "List the open positions of your jobcenter and its partners, your own, or a company's."),
			Example: "stilling liste", ExampleEn: "position list", Words: []Word{wordOpen, wordMine}, MinRole: bot.RoleConsultant, Run: runPositionList},
		{Name: "position", Da: "stilling", Aliases: []string{"jobordre"},
			Usage: usage("stilling <virksomhed> <titel> [antal N] [frist <dato>] [start <dato>] [type ordinær|løntilskud|praktik] [krav <tekst>] | stilling <nr>",
				"position <company> <title> [count N] [deadline <date>] [start <date>] [type regular|wage-subsidy|internship] [requirements <text>] | position <no>"),
			Summary: usage("Opret en ledig stilling og slå den op i stillingskanalerne hos dit jobcenter og jeres samarbejdspartnere (krav står til sidst), eller vis en stilling med dens historik.",
				"Register an open position and announce it in the positions channels of your jobcenter and its partners (requirements come last), or show a position with its history."),
			Example: "stilling L-tek Svejser antal 2 frist 15/12 krav svejsecertifikat", ExampleEn: "position L-tek Welder count 2 deadline 15/12 requirements welding certificate", Slash: 8, Menu: 8, Words: append(append([]Word(nil), positionWords...), wordsOf(positionTypes)...), MinRole: bot.RoleConsultant, Run: runPosition},
		{Name: "undo", Da: "fortryd",
			Usage:   usage("fortryd", "undo"),
			Summary: usage("Slet den kontakt, du noterede sidst (inden for 10 minutter).", "Remove the contact you logged last (within 10 minutes)."),
			Example: "fortryd", ExampleEn: "undo", MinRole: bot.RoleConsultant, Run: runUndo},
		{Name: "contact edit", Da: "kontakt ret", Aliases: []string{"kontakt rediger", "contact correct"},
			Usage:   usage("kontakt ret <virksomhed> <nr> [dato] [besøg|telefon|mail|møde] [note] [opfølgning <dato>]", "contact edit <company> <no> [date] [visit|phone|mail|meeting] [note] [follow-up <date>]"),
			Summary: usage("Ret en kontakt, du har noteret, efter dens nummer i »virksomhed historik« (1 er den nyeste); det, du skriver, erstatter det gamle.", "Correct a contact you logged, by its number in »company history« (1 is the newest); what you write replaces what was there."),
			Example: "kontakt ret L-tek 3 i går telefon aftalte besøg", ExampleEn: "contact edit L-tek 3 yesterday phone agreed a visit", Words: append(wordsOf(contactKinds), followUpWord), MinRole: bot.RoleConsultant, Run: runContactEdit},
		{Name: "contact delete", Da: "kontakt slet", Aliases: []string{"contact remove"},
			Usage:   usage("kontakt slet <virksomhed> <nr>", "contact delete <company> <no>"),
			Summary: usage("Slet en kontakt, du har noteret, efter dens nummer i »virksomhed historik«; virksomhedens seneste kontakt følger med.", "Delete a contact you logged, by its number in »company history«; the company's last contact follows."),
			Example: "kontakt slet L-tek 3", ExampleEn: "contact delete L-tek 3", MinRole: bot.RoleConsultant, Run: runContactDelete},
		// Intro days (introdays.go, candidates.go, pipeline.go, introday_*.go).
		{Name: "introday new", Da: "intromøde ny", Aliases: []string{"intromøde opret", "introday add"},
			Usage:   usage("intromøde ny <dato> <sted> [jobcentre <a>, <b>, …]", "introday new <date> <place> [jobcenters <a>, <b>, …]"),
			Summary: usage("Opret et intromøde i dit jobcenter, evt. med andre jobcentre; du bliver tovholder.", "Plan an intro day hosted by your jobcenter, optionally with others; you become its coordinator."),
			Example: "intromøde ny 3/12 kl. 9-12 Sorø Bibliotek jobcentre Slagelse, Ringsted", ExampleEn: "introday new 3/12 9-12 Sorø Library jobcenters Slagelse, Ringsted", Words: []Word{wordJobcenters, wordAnd}, MinRole: bot.RoleCoordinator, Run: runIntroDayNew},
		{Name: "introday company", Da: "intromøde virksomhed",
			Usage:   usage("intromøde virksomhed <nr> <virksomhed>", "introday company <no> <company>"),
			Summary: usage("Sæt en virksomhed på listen over dem, der kommer til intromødet.", "Add a company to those attending the intro day."),
			Example: "intromøde virksomhed 1 L-tek", ExampleEn: "introday company 1 L-tek", MinRole: bot.RoleCoordinator, Run: runIntroDayCompany},
		{Name: "introday candidate", Da: "intromøde kandidat",
			Usage: usage("intromøde kandidat <nr> <reference> [fra <jobcenter>] [kompetencer <tekst>] [ønsker <tekst>]",
				"introday candidate <no> <reference> [from <jobcenter>] [skills <text>] [wishes <text>]"),
			Summary: usage("Sæt en kandidat, du henviser, på listen under en reference som KS-14 — aldrig navn eller CPR-nummer: listen vises i kanaler, som flere jobcentre deler, så borgeren må ikke kunne genkendes. Heller ikke kompetencer og ønsker må nævne borgerens navn, fødselsdato eller CPR-nummer.",
				"Put a candidate you refer on the list under a reference such as KS-14 — never a name or CPR number: the list is shown in channels several jobcenters share, so the citizen must not be recognisable. Skills and wishes must not name the citizen or give their date of birth or CPR number either."),
			Example: "intromøde kandidat 1 KS-14 kompetencer truckkort, lager ønsker fast job i Sorø", ExampleEn: "introday candidate 1 KS-14 skills forklift licence, warehouse wishes permanent job in Sorø", Words: []Word{wordFrom, wordSkills, wordWishes}, MinRole: bot.RoleConsultant, Run: runIntroDayCandidate},
		{Name: "introday announce", Da: "intromøde annoncér",
			Usage:   usage("intromøde annoncér <nr> [her]", "introday announce <no> [here]"),
			Summary: usage("Slå listen op i jobcentrenes kanaler til intromøder (og her); gør du det igen, opdateres opslagene.", "Post the list in the jobcenters' intro-day channels (and here); doing it again updates the posts."),
			Example: "intromøde annoncér 1", ExampleEn: "introday announce 1", Words: []Word{wordHere}, MinRole: bot.RoleCoordinator, Run: runIntroDayAnnounce},
		{Name: "introday match", Da: "intromøde match",
			Usage:   usage("intromøde match <nr> <reference> <virksomhed> [start <dato>] [uger N]", "introday match <no> <reference> <company> [start <date>] [weeks N]"),
			Summary: usage("Start en praktik for en kandidat fra listen (som standard 2 uger fra i morgen).", "Start an internship for a candidate on the list (by default 2 weeks from tomorrow)."),
			Example: "intromøde match 1 KS-14 L-tek start 30/11 uger 2", ExampleEn: "introday match 1 KS-14 L-tek start 30/11 weeks 2", Words: []Word{wordStart, wordWeeks}, MinRole: bot.RoleCoordinator, Run: runIntroDayMatch},
		{Name: "introday status", Da: "intromøde status",
			Usage:   usage("intromøde status <nr>", "introday status <no>"),
			Summary: usage("Tal pr. jobcenter og trin (inviteret, matchet, i praktik, møde, udfald) — tal, ikke personer, så det kan vises i en kanal.", "Numbers per jobcenter and stage (invited, matched, internship, meeting, outcome) — numbers, not people, so it may be shown in a channel."),
			Example: "intromøde status 1", ExampleEn: "introday status 1", MinRole: bot.RoleConsultant, Run: runIntroDayStatus},
		{Name: "introday", Da: "intromøder", Aliases: []string{"intromøde", "introdays", "introday list", "intromøde liste"},
			Usage:   usage("intromøder", "introday list"),
			Summary: usage("De kommende intromøder i dit jobcenter og hos jeres samarbejdspartnere.", "The coming intro days of your jobcenter and its partners."),
			Example: "intromøder", ExampleEn: "introday list", Slash: 9, Menu: 9, Words: []Word{wordList, wordComing}, MinRole: bot.RoleConsultant, Run: runIntroDays},
		{Name: "candidate", Da: "kandidat",
			Usage: usage("kandidat <reference> [møde <dato> [kursus <tekst>] | udfald job|løntilskud|praktik|kursus|intet]",
				"candidate <reference> [meeting <date> [course <text>] | outcome job|wage-subsidy|internship|course|none]"),
			Summary: usage("Vis en kandidat, eller notér uddannelsesmødet og udfaldet for en kandidat, du har henvist. Kursusteksten deles på tværs af jobcentre: skriv aldrig borgerens navn, fødselsdato eller CPR-nummer i den.",
				"Show a candidate, or record the education meeting and the outcome for a candidate you referred. The course text is shared across jobcenters: never write the citizen's name, date of birth or CPR number in it."),
			Example: "kandidat KS-14 møde 10/12 kursus AMU truckcertifikat", ExampleEn: "candidate KS-14 meeting 10/12 course AMU forklift certificate", Words: append([]Word{wordMeeting, wordCourse, wordOutcome}, wordsOf(outcomes)...), MinRole: bot.RoleConsultant, Run: runCandidate},
		{Name: "language", Da: "sprog",
			Usage:   usage("sprog da|en", "language da|en"),
			Summary: usage("Skift sprog: dansk (da) eller engelsk (en).", "Switch language: Danish (da) or English (en)."),
			Example: "sprog en", ExampleEn: "language en", Words: wordsOf(languages), MinRole: bot.RoleConsultant, Run: runLanguage},
		{Name: "link", Da: "forbind",
			Usage:   usage("forbind [kode]", "link [code]"),
			Summary: usage("Bruger du både Slack og Teams? Skriv »forbind« det ene sted og koden det andet, så er du én person med dine virksomheder begge steder.", "Use both Slack and Teams? Type »link« in one and the code in the other, and you are one person with your companies in both."),
			Example: "forbind", ExampleEn: "link", MinRole: bot.RoleConsultant, Run: runLink},
		{Name: "role", Da: "rolle",
			Usage:   usage("rolle <person> konsulent|leder|tovholder|admin", "role <person> consultant|lead|coordinator|admin"),
			Summary: usage("Giv en person en rolle.", "Give a person a role."),
			Example: "rolle Hanne Jensen leder", ExampleEn: "role Hanne Jensen lead", Words: wordsOf(roles), MinRole: bot.RoleAdmin, Run: runRole},
		{Name: "person delete", Da: "person slet", Aliases: []string{"person remove", "medarbejder slet"},
			Usage:   usage("person slet <navn> [bekræft]", "person delete <name> [confirm]"),
			Summary: usage("Slet en person, der er holdt op: navn, identiteter og fravær. Kontakter og stillinger, personen har noteret, bliver stående uden navn. Først siger jeg, hvad der slettes; med »bekræft« sker det.", "Delete a person who has left: name, identities and absence. Contacts and positions they logged stay, without the name. First I say what goes; with »confirm« it happens."),
			Example: "person slet Hanne Jensen", ExampleEn: "person delete Hanne Jensen", Words: []Word{confirmWord}, MinRole: bot.RoleLead, Run: runPersonDelete},
		{Name: "audit", Da: "revision",
			Usage:   usage("revision [person|jobcenter] [fra <dato>] [til <dato>] [side <n>]", "audit [person|jobcenter] [from <date>] [to <date>] [page <n>]"),
			Summary: usage("Vis revisionssporet: hvem ændrede roller, jobcentre, tildelinger og virksomheder, og hvem læste et andet jobcenters noter, nyeste først. En leder ser sit eget jobcenters.", "Show the audit trail: who changed roles, jobcenters, assignments and companies, and who read another jobcenter's notes, newest first. A lead sees their own jobcenter's."),
			Example: "revision Hanne Jensen fra 1.11.2026", ExampleEn: "audit Hanne Jensen from 2026-11-01", Words: []Word{wordAuditFrom, wordAuditTo, wordPage}, MinRole: bot.RoleLead, Run: runAudit},
		{Name: "jobcenter add", Da: "jobcenter opret",
			Usage:   usage("jobcenter opret <navn>", "jobcenter add <name>"),
			Summary: usage("Opret et jobcenter.", "Register a jobcenter."),
			Example: "jobcenter opret Jobcenter Sorø", ExampleEn: "jobcenter add Jobcenter Sorø", MinRole: bot.RoleAdmin, Run: runJobcenterAdd},
		{Name: "jobcenter partner", Da: "jobcenter samarbejde",
			Usage:   usage("jobcenter samarbejde <jobcenter> og <jobcenter>", "jobcenter partner <jobcenter> and <jobcenter>"),
			Summary: usage("Lad to jobcentre dele stillinger og intromøder.", "Let two jobcenters share positions and intro days."),
			Example: "jobcenter samarbejde Jobcenter Sorø og Jobcenter Slagelse", ExampleEn: "jobcenter partner Jobcenter Sorø and Jobcenter Slagelse", MinRole: bot.RoleAdmin, Run: runJobcenterPartner},
		{Name: "jobcenter join", Da: "jobcenter flyt",
			Usage:   usage("jobcenter flyt <person> = <jobcenter>", "jobcenter join <person> = <jobcenter>"),
			Summary: usage("Flyt en person til et jobcenter.", "Move a person to a jobcenter."),
			Example: "jobcenter flyt Hanne Jensen = Jobcenter Sorø", ExampleEn: "jobcenter join Hanne Jensen = Jobcenter Sorø", MinRole: bot.RoleAdmin, Run: runJobcenterJoin},
		{Name: "jobcenter closed", Da: "jobcenter lukkedage",
			Usage:   usage("jobcenter lukkedage <jobcenter> [= <dage>|ingen]", "jobcenter closed <jobcenter> [= <days>|none]"),
			Summary: usage("Vis eller sæt et jobcenters ekstra lukkedage; der sendes ingen påmindelser de dage.", "Show or set a jobcenter's extra closed days; no nudges are sent on them."),
			Example: "jobcenter lukkedage Jobcenter Sorø = grundlovsdag, juleaftensdag, 31/12", ExampleEn: "jobcenter closed Jobcenter Sorø = constitution day, christmas eve, 31/12", MinRole: bot.RoleAdmin, Run: runJobcenterClosed},
		{Name: "forget", Da: "glem",
			Usage:   usage("glem <tekst> [bekræft]", "forget <text> [confirm]"),
			Summary: usage("Glem et navn eller en tekst: den erstattes med »[slettet]« i noter, stillinger og kandidater og slettes fra databasefilen. Først ser du hvor mange steder, så skriver du det igen med »bekræft«.", "Forget a name or text: it is replaced by »[slettet]« in notes, positions and candidates and erased from the database file. First you see how many places, then you write it again with »confirm«."),
			Example: "glem Lars Hansen", ExampleEn: "forget Lars Hansen", Words: []Word{confirmWord}, MinRole: bot.RoleLead, Run: runForget},
		{Name: "jobcenter retention", Da: "jobcenter opbevaring",
			Usage:   usage("jobcenter opbevaring <jobcenter> [= <måneder>|standard]", "jobcenter retention <jobcenter> [= <months>|default]"),
			Summary: usage("Vis eller sæt hvor mange måneder et jobcenters kontaktnoter opbevares; derefter slettes teksten, kontakten bliver.", "Show or set how many months a jobcenter's contact notes are kept; then their text is erased, the contact stays."),
			Example: "jobcenter opbevaring Jobcenter Sorø = 24", ExampleEn: "jobcenter retention Jobcenter Sorø = 24", MinRole: bot.RoleAdmin, Run: runJobcenterRetention},
		{Name: "channel positions", Da: "kanal stillinger", Aliases: []string{"kanal stilling", "channel position"},
			Usage:   usage("kanal stillinger [jobcenter]", "channel positions [jobcenter]"),
			Summary: usage("Skrevet i en kanal: gør den til jobcentrets kanal for opslag om ledige stillinger (dit eget jobcenter, hvis du ikke nævner et).", "Typed in a channel: make it the jobcenter's channel for announcing open positions (your own jobcenter unless you name one)."),
			Example: "kanal stillinger", ExampleEn: "channel positions", MinRole: bot.RoleLead, Run: runChannelPositions},
		{Name: "channel introdays", Da: "kanal intromøder", Aliases: []string{"kanal intromoder", "kanal intromøde", "kanal intro", "channel intro", "channel introday"},
			Usage:   usage("kanal intromøder [jobcenter]", "channel introdays [jobcenter]"),
			Summary: usage("Skrevet i en kanal: gør den til jobcentrets kanal for opslag om intromøder.", "Typed in a channel: make it the jobcenter's channel for announcing intro days."),
			Example: "kanal intromøder Jobcenter Sorø", ExampleEn: "channel introdays Jobcenter Sorø", MinRole: bot.RoleLead, Run: runChannelIntroDays},
		{Name: "channel", Da: "kanal", Aliases: []string{"kanaler", "channels"},
			Usage:   usage("kanal", "channel"),
			Summary: usage("Vis kanalerne til opslag for dit jobcenter og jeres samarbejdspartnere.", "Show the announcement channels of your jobcenter and its partners."),
			Example: "kanal", ExampleEn: "channel", MinRole: bot.RoleConsultant, Run: runChannel},
		{Name: "jobcenter", Da: "jobcenter", Aliases: []string{"jobcentre", "jobcenter list", "jobcenters"},
			Usage:   usage("jobcenter", "jobcenter"),
			Summary: usage("Vis jobcentrene og deres samarbejdspartnere.", "List the jobcenters and their partners."),
			Example: "jobcenter", ExampleEn: "jobcenter", MinRole: bot.RoleConsultant, Run: runJobcenterList},
		{Name: "help", Da: "hjælp", Aliases: []string{"?"},
			Usage:   usage("hjælp [kommando]", "help [command]"),
			Summary: usage("Vis kommandoerne, eller hjælp til én.", "List the commands, or help for one."),
			Example: "hjælp besøg", ExampleEn: "help visit", Menu: 10, MinRole: bot.RoleConsultant, Run: runHelp},
	}
}
