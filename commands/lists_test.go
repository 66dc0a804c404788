package commands_test

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/reminders"
	"kontaktbot/storage/storagetest"
)

// listAreas are the areas the list tests spread companies over.
var listAreas = []string{"Vollsmose", "Bolbro", "Dalum", "Tarup", "Odense SØ", ""}

// statePortfolio gives owner n companies in every state: areas, aliases,
// paused and ended ones, planned and snoozed ones.
func statePortfolio(tb testing.TB, b *testBot, owner string, n int, seed uint64) []bot.Company {
	tb.Helper()
	b.ok(owner, "mine")
	p, err := b.db.ConsultantByName(context.Background(), owner)
	if err != nil {
		tb.Fatal(err)
	}
	now := b.clock.Now()
	cs := storagetest.Portfolio(n, seed, now, []uint64{p.ID})
	for i := range cs {
		c := &cs[i]
		c.Area = listAreas[i%len(listAreas)]
		c.CVR = storagetest.CVR(int(seed)*1_000_000 + 10_000_000 + i*30)
		if i%7 == 0 {
			c.Aliases = []string{"Svejsecenter " + owner + " " + strconv.Itoa(i)}
		}
		switch i % 11 {
		case 1:
			c.Status = bot.StatusPaused
		case 2:
			c.Status = bot.StatusEnded
		case 3:
			c.PlannedNext = bot.AddDays(bot.Day(now), i%9)
		case 4:
			c.SnoozedUntil = bot.AddDays(bot.Day(now), 1+i%13)
		case 5:
			c.PlannedNext = bot.Day(now) // planned for today: in the nudge
		}
	}
	if err := b.db.ImportCompanies(context.Background(), cs); err != nil {
		tb.Fatal(err)
	}
	return cs
}

var listedName = regexp.MustCompile(`^  • (.+?) — `)

// walk follows a list's Next buttons from its first page and returns every
// company named, in order, and the pages' replies.
func walk(t *testing.T, b *testBot, who, line string) (names []string, pages []string) {
	t.Helper()
	for range 1000 {
		m := b.say(who, line)
		if m.Error {
			t.Fatalf("%s: %s", line, m.PlainText())
		}
		text := m.PlainText()
		pages = append(pages, text)
		n := 0
		for _, l := range strings.Split(text, "\n") {
			if g := listedName.FindStringSubmatch(l); g != nil {
				names = append(names, g[1])
				n++
			}
		}
		if n > 40 {
			t.Fatalf("%s: %d lines on one page", line, n)
		}
		next := ""
		for _, blk := range m.Blocks {
			if bs, ok := blk.(bot.Buttons); ok {
				for _, btn := range bs.Buttons {
					if strings.HasPrefix(btn.Label, "Næste") || strings.HasPrefix(btn.Label, "Next") {
						next = btn.Command
					}
				}
			}
		}
		if next == "" {
			return names, pages
		}
		line = next
	}
	t.Fatal("more than 1000 pages")
	return nil, nil
}

// want is the names of the companies keep keeps, as a sorted set.
func want(cs []bot.Company, keep func(bot.Company) bool) []string {
	var out []string
	for _, c := range cs {
		if keep(c) {
			out = append(out, c.Name)
		}
	}
	slices.Sort(out)
	return out
}

func sorted(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return out
}

func TestMinePagesAndFilters(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	cs := statePortfolio(t, b, "Hanne", 1000, 3)
	now := b.clock.Now()
	today := bot.Day(now)
	byName := map[string]bot.Company{}
	for _, c := range cs {
		byName[c.Name] = c
	}

	// Every company once, over 25 pages of 40, most overdue first and the
	// paused and ended ones last.
	names, pages := walk(t, b, "Hanne", "mine")
	if len(pages) != 25 {
		t.Errorf("mine: %d pages, want 25", len(pages))
	}
	contains(t, pages[0], "Dine virksomheder: 1000", "Side 1 af 25 (1–40)", "[Næste ▶: mine side 2]")
	lacks(t, pages[0], "Forrige", "… og")
	contains(t, pages[1], "Side 2 af 25 (41–80)", "[◀ Forrige: mine side 1]", "[Næste ▶: mine side 3]")
	if got, w := sorted(names), want(cs, func(bot.Company) bool { return true }); !slices.Equal(got, w) {
		t.Fatalf("mine's pages list %d companies, want all %d once", len(got), len(w))
	}
	last, inactive := 1<<30, false
	for _, n := range names {
		c := byName[n]
		if c.Status != bot.StatusActive {
			inactive = true
			continue
		}
		if inactive {
			t.Fatalf("%s (active) after a paused or ended company", n)
		}
		if d := c.OverdueDays(now); d > last {
			t.Fatalf("%s (%d days over) after one %d days over", n, d, last)
		} else {
			last = d
		}
	}
	contains(t, b.refused("Hanne", "mine side 26"), "Listen har 1000 virksomheder på 25 sider; der er ingen side 26.")

	// Each filter keeps exactly its companies, and pages keep the filter.
	for _, tc := range []struct {
		line, title string
		keep        func(bot.Company) bool
	}{
		{"mine område Vollsmose", "område »Vollsmose«", func(c bot.Company) bool { return c.Area == "Vollsmose" }},
		{"mine område odense sø", "område »odense sø«", func(c bot.Company) bool { return c.Area == "Odense SØ" }},
		{"mine søg svejs", "søgning »svejs«", func(c bot.Company) bool {
			return strings.Contains(strings.ToLower(c.Name), "svejs") || len(c.Aliases) > 0
		}},
		{"mine søg bolbro", "søgning »bolbro«", func(c bot.Company) bool { return c.Area == "Bolbro" || strings.Contains(c.Name, "Bolbro") }},
		{"mine pause", "på pause", func(c bot.Company) bool { return c.Status == bot.StatusPaused }},
		{"mine afsluttet", "afsluttede", func(c bot.Company) bool { return c.Status == bot.StatusEnded }},
		{"mine pause afsluttet", "på pause, afsluttede", func(c bot.Company) bool { return c.Status != bot.StatusActive }},
		{"mine planlagt", "planlagte", func(c bot.Company) bool {
			return !c.PlannedNext.IsZero() && c.PlannedNext.After(c.LastContact) && c.Status == bot.StatusActive
		}},
		{"mine udsat", "udsatte", func(c bot.Company) bool { return !c.SnoozedUntil.IsZero() && c.Status == bot.StatusActive }},
		{"mine udsat område Dalum", "udsatte, område »Dalum«", func(c bot.Company) bool {
			return !c.SnoozedUntil.IsZero() && c.Status == bot.StatusActive && c.Area == "Dalum"
		}},
		{"mine forfaldne", "forfaldne i dag", func(c bot.Company) bool {
			_, nudged := c.NudgeDay()
			return c.Overdue(now) || nudged && c.PlannedNext.Equal(today)
		}},
		{"forfaldne", "forfaldne i dag", func(c bot.Company) bool {
			_, nudged := c.NudgeDay()
			return c.Overdue(now) || nudged && c.PlannedNext.Equal(today)
		}},
		{"mine eskalerede", "eskalerede", func(c bot.Company) bool { return c.Escalated(now) }},
	} {
		w := want(cs, tc.keep)
		if len(w) == 0 || len(w) == len(cs) {
			t.Fatalf("%s: the portfolio has %d such companies; the test needs some, not all", tc.line, len(w))
		}
		got, pages := walk(t, b, "Hanne", tc.line)
		if !slices.Equal(sorted(got), w) {
			t.Errorf("%s: listed %d companies, want %d\nextra/missing: %v", tc.line, len(got), len(w), diff(sorted(got), w))
		}
		contains(t, pages[0], tc.title+": "+strconv.Itoa(len(w)))
		if len(pages) > 1 {
			contains(t, pages[1], "[◀ Forrige: ")
		}
	}

	// Each line says its state.
	for _, c := range cs {
		if c.Status != bot.StatusActive || c.SnoozedUntil.IsZero() && c.PlannedNext.IsZero() {
			continue
		}
		got := b.ok("Hanne", "mine søg "+c.Name)
		switch {
		case !c.SnoozedUntil.IsZero():
			contains(t, got, c.Name+" — ", ", udsat til "+bot.FormatDate(c.SnoozedUntil, bot.Danish))
		default:
			contains(t, got, c.Name+" — ", ", planlagt "+bot.FormatDate(c.PlannedNext, bot.Danish))
		}
		break
	}
	paused := b.ok("Hanne", "mine pause side 1")
	contains(t, paused, "— på pause")

	// Nothing matches: said, with the way back.
	contains(t, b.ok("Hanne", "mine søg zzzz"), "søgning »zzzz«: 0", "Ingen passer; skriv »mine« for hele listen.")

	// Bad filters: what was wrong and how to say it.
	for line, says := range map[string]string{
		"mine side 0":      "Siderne tælles fra 1, og »0« er ikke et sidenummer",
		"mine side":        "»side« skal have et nummer",
		"mine side to":     "»to« er ikke et sidenummer",
		"mine område":      "»område« skal have et område",
		"mine søg pause":   "»søg« skal have noget at søge efter",
		"mine blomkål":     "Jeg kender ikke »blomkål« i en liste",
		"mine forfaldne x": "Jeg kender ikke »x« i en liste",
	} {
		got := b.refused("Hanne", line)
		contains(t, got, says, "forfaldne, eskalerede, pause, planlagt, udsat, afsluttet, »område <område>« og »søg <tekst>«")
	}

	// In English, the buttons say the command in English.
	b.ok("Hanne", "sprog en")
	en := b.ok("Hanne", "my overdue area Vollsmose")
	contains(t, en, "Your companies: 1000", "due today, area »Vollsmose«")
	contains(t, b.ok("Hanne", "mine page 2"), "Page 2 of 25 (41–80)", "[◀ Previous: mine page 1]", "[Next ▶: mine page 3]")
	contains(t, b.refused("Hanne", "mine page 99"), "The list has 1000 companies on 25 pages; there is no page 99.")
}

// diff is what is in one of a and b (both sorted) and not the other.
func diff(a, b []string) []string {
	in := map[string]int{}
	for _, s := range a {
		in[s]++
	}
	for _, s := range b {
		in[s]--
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(in)) {
		if in[k] != 0 {
			out = append(out, k)
		}
	}
	return out
}

// TestTeamLists: »virksomhed liste team« and »forfaldne team« list the
// jobcenter's companies with their consultants, the filters work on them,
// and other jobcenters' companies stay out.
func TestTeamLists(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	hanne := statePortfolio(t, b, "Hanne", 300, 5)
	b.ok("Hanne", "jobcenter opret Jobcenter Odense")
	b.ok("Hanne", "jobcenter flyt Hanne = Jobcenter Odense")
	iben := statePortfolio(t, b, "Iben", 200, 6)
	b.ok("Hanne", "jobcenter flyt Iben = Jobcenter Odense")
	other := statePortfolio(t, b, "Ole", 100, 7) // stays in the default jobcenter
	now := b.clock.Now()
	both := append(slices.Clone(hanne), iben...)

	names, pages := walk(t, b, "Iben", "virksomhed liste team")
	if !slices.Equal(sorted(names), want(both, func(bot.Company) bool { return true })) {
		t.Fatalf("team list: %d companies, want Hanne's and Iben's %d", len(names), len(both))
	}
	contains(t, pages[0], "Virksomheder i Jobcenter Odense: 500", "— Hanne", "— Iben", "[Næste ▶: virksomhed liste team side 2]")
	for _, c := range other {
		if slices.Contains(names, c.Name) {
			t.Fatalf("%s of another jobcenter in the team list", c.Name)
		}
	}

	due := want(both, func(c bot.Company) bool {
		_, nudged := c.NudgeDay()
		return c.Overdue(now) || nudged && c.PlannedNext.Equal(bot.Day(now))
	})
	for _, line := range []string{"forfaldne team", "virksomhed liste forfaldne", "overdue team"} {
		got, pages := walk(t, b, "Iben", line)
		if !slices.Equal(sorted(got), due) {
			t.Errorf("%s: %d companies, want the jobcenter's %d due", line, len(got), len(due))
		}
		contains(t, pages[0], "forfaldne i dag: "+strconv.Itoa(len(due)))
	}
	escalated := want(both, func(c bot.Company) bool { return c.Escalated(now) })
	got, _ := walk(t, b, "Iben", "forfaldne team eskalerede")
	if !slices.Equal(sorted(got), escalated) {
		t.Errorf("forfaldne team eskalerede: %d companies, want %d", len(got), len(escalated))
	}
	vollsmose := want(both, func(c bot.Company) bool { return c.Area == "Vollsmose" && c.Status == bot.StatusPaused })
	got, _ = walk(t, b, "Iben", "virksomhed liste team pause område vollsmose")
	if !slices.Equal(sorted(got), vollsmose) {
		t.Errorf("team pause område vollsmose: %v, want %v", got, vollsmose)
	}
	// Every jobcenter's list narrows by area and search, never by state.
	got, _ = walk(t, b, "Iben", "virksomhed liste alle søg svejsecenter")
	if w := want(append(both, other...), func(c bot.Company) bool { return len(c.Aliases) > 0 }); !slices.Equal(sorted(got), w) {
		t.Errorf("alle søg svejsecenter: %d companies, want %d", len(got), len(w))
	}
}

// TestMoreLinesListTheNudge: when a morning nudge or a lead's digest has
// more companies than it shows, the command it points at lists exactly
// its companies.
func TestMoreLinesListTheNudge(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	hanne := statePortfolio(t, b, "Hanne", 400, 8)
	iben := statePortfolio(t, b, "Iben", 300, 9)
	b.ok("Hanne", "rolle Iben leder")
	monday := time.Date(2026, 11, 23, 7, 30, 0, 0, bot.Copenhagen)
	b.clock.Add(monday.Sub(b.clock.Now()))
	sw := reminders.NewSweeper(reminders.Config{Portfolio: b.db, People: b.db, Outbox: b.db, Notifier: &recorder{}, Clock: b.clock})
	previews, err := sw.Preview(t.Context(), monday)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, p := range previews {
		var line string
		switch {
		case p.Delivery.Kind == bot.JobNudge && p.To.Name == "Hanne":
			line = "mine forfaldne"
		case p.Delivery.Kind == bot.JobDigest && p.To.Name == "Iben":
			line = "forfaldne team eskalerede"
		default:
			continue
		}
		seen++
		text := p.Message.PlainText()
		contains(t, text, "mere: skriv »"+line+"«")
		var w []string
		for _, it := range p.Delivery.Items {
			w = append(w, it.Name)
		}
		slices.Sort(w)
		got, _ := walk(t, b, p.To.Name, line)
		if !slices.Equal(sorted(got), w) {
			t.Errorf("%s: %d companies, the %s has %d\nextra/missing: %v", line, len(got), p.Delivery.Kind, len(w), diff(sorted(got), w))
		}
	}
	if seen != 2 {
		t.Fatalf("the sweep planned %d of Hanne's nudge and Iben's digest, want both (%d companies, %d)", seen, len(hanne), len(iben))
	}
}

// BenchmarkMine5000 pages and filters a portfolio of 5,000 companies.
// Target: each under 10 ms.
func BenchmarkMine5000(b *testing.B) {
	tb := newBot(b)
	statePortfolio(b, tb, "Hanne", 5000, 11)
	for _, line := range []string{"mine", "mine side 60", "mine område Vollsmose side 3", "mine søg svejs", "mine forfaldne side 2", "mine udsat"} {
		b.Run(strings.ReplaceAll(line, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				if m := tb.say("Hanne", line); m.Error || !strings.Contains(m.PlainText(), "5000") {
					b.Fatal(m.PlainText())
				}
			}
		})
	}
}
