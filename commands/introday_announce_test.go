package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// Announcing an intro day: where it goes, updates in place, failures, and
// the split of a long list into messages within the platforms' limits.

// shownIn returns the messages posted in the channel, oldest first, as
// the channel shows them now: each with its latest update.
func shownIn(n *recorder, channelID string) []bot.Message {
	posts, updates := n.sentPosts(), n.sentUpdates()
	latest := map[string]bot.Message{}
	for _, p := range posts {
		latest[p.r.MessageID] = p.msg
	}
	for _, u := range updates {
		if _, ok := latest[u.r.MessageID]; ok {
			latest[u.r.MessageID] = u.msg
		}
	}
	var out []bot.Message
	for _, p := range posts {
		if p.r.Channel.ID == channelID {
			out = append(out, latest[p.r.MessageID])
		}
	}
	return out
}

func sentCounts(n *recorder) (posts, updates int) { return len(n.sentPosts()), len(n.sentUpdates()) }

func TestIntroDayAnnounce(t *testing.T) {
	t.Parallel()
	b, rec := planned(t)
	b.useIntroChannel("Jobcenter Sorø", "C-soroe")
	b.useIntroChannel("Jobcenter Slagelse", "C-slagelse") // Ringsted has none
	b.ok("Tove", "intromøde virksomhed 1 L-tek")
	b.ok("Hanne", "intromøde kandidat 1 KS-14 kompetencer truckkort ønsker lager")
	b.ok("Sanne", "intromøde kandidat 1 AB-2 kompetencer rengøring")

	contains(t, b.ok("Tove", "intromøde annoncér 1"), "📣 Intromøde #1 er annonceret i: Jobcenter Sorø, Jobcenter Slagelse.")
	for _, ch := range []string{"C-soroe", "C-slagelse"} {
		msgs := shownIn(rec, ch)
		if len(msgs) != 1 {
			t.Fatalf("%s has %d messages", ch, len(msgs))
		}
		contains(t, msgs[0].PlainText(), "Intromøde #1 — torsdag 3. december 2026", "Tid og sted: torsdag 3. december 2026, kl. 9-12 Sorø Bibliotek",
			"Vært: Jobcenter Sorø", "Jobcentre: Jobcenter Sorø, Jobcenter Slagelse, Jobcenter Ringsted", "Tovholder: Tove",
			"Virksomheder (1)", "L-tek", "Kandidater (2)",
			"KS-14 — Jobcenter Sorø — kompetencer: truckkort — ønsker: lager (henvist af Hanne)",
			"AB-2 — Jobcenter Slagelse — kompetencer: rengøring (henvist af Sanne)")
	}
	d := b.introDayOf(1)
	if len(d.Announced) != 2 || d.Announced[0].Channel.ID != "C-soroe" || d.Announced[1].Channel.ID != "C-slagelse" {
		t.Fatalf("receipts: %+v", d.Announced)
	}
	contains(t, b.ok("Tove", "intromøde virksomhed 1 Danish Crown"), "Opdatér de annoncerede opslag med »intromøde annoncér 1«")
	// A consultant may not announce, so is not told to.
	got := b.ok("Hanne", "intromøde kandidat 1 KS-15 kompetencer lager")
	contains(t, got, "bed mødets tovholder opdatere opslagene")
	lacks(t, got, "annoncér")

	// Announcing again edits the posts in place.
	contains(t, b.ok("Tove", "intromøde annoncér 1"), "er opdateret i: Jobcenter Sorø, Jobcenter Slagelse.")
	if posts, updates := sentCounts(rec); posts != 2 || updates != 2 {
		t.Errorf("posts %d, updates %d; want 2 and 2", posts, updates)
	}
	contains(t, shownIn(rec, "C-soroe")[0].PlainText(), "Virksomheder (2)", "Danish Crown")
	if again := b.introDayOf(1); fmt.Sprint(again.Announced) != fmt.Sprint(d.Announced) {
		t.Errorf("receipts changed: %+v, were %+v", again.Announced, d.Announced)
	}

	// »her« adds the channel the command is typed in, and it stays on.
	contains(t, b.okIn(bot.Channel{Platform: "test", ID: "C-projekt"}, "Tove", "intromøde annoncér 1 her"), "opdateret i: Jobcenter Sorø, Jobcenter Slagelse, denne kanal.")
	b.ok("Tove", "intromøde annoncér 1")
	if posts, updates := sentCounts(rec); posts != 3 || updates != 7 {
		t.Errorf("posts %d, updates %d; want 3 and 7", posts, updates)
	}

	// A platform may answer an update with a new message id: it is kept.
	rec.set(func(n *recorder) { n.renew = true })
	b.ok("Tove", "intromøde annoncér 1")
	rec.set(func(n *recorder) { n.renew = false })
	renewed := b.introDayOf(1).Announced
	if len(renewed) != 3 || renewed[0].MessageID == d.Announced[0].MessageID {
		t.Fatalf("renewed receipts not kept: %+v", renewed)
	}
	b.ok("Tove", "intromøde annoncér 1")
	ups := rec.sentUpdates()
	if last := ups[len(ups)-3]; last.r != renewed[0] {
		t.Errorf("updated %+v, want the renewed %+v", last.r, renewed[0])
	}
}

func TestIntroDayAnnounceFailure(t *testing.T) {
	t.Parallel()
	b, rec := planned(t)
	b.useIntroChannel("Jobcenter Sorø", "C-soroe")
	b.useIntroChannel("Jobcenter Slagelse", "C-slagelse")
	rec.set(func(n *recorder) { n.failOn = "C-slagelse" })
	contains(t, b.ok("Tove", "intromøde annoncér 1"), "annonceret i: Jobcenter Sorø.", "Kunne ikke nå: Jobcenter Slagelse", "bliver opdateret, ikke gentaget")
	if d := b.introDayOf(1); len(d.Announced) != 1 {
		t.Errorf("receipts after a failure: %+v", d.Announced)
	}
	rec.set(func(n *recorder) { n.failOn = "" })
	b.ok("Tove", "intromøde annoncér 1")
	if posts, updates := sentCounts(rec); posts != 2 || updates != 1 {
		t.Errorf("posts %d, updates %d; want 2 and 1", posts, updates)
	}
	rec.set(func(n *recorder) { n.fail = true })
	contains(t, b.refused("Tove", "intromøde annoncér 1"), "kunne ikke annonceres nu", "Kunne ikke nå: Jobcenter Sorø, Jobcenter Slagelse")
	if d := b.introDayOf(1); len(d.Announced) != 2 {
		t.Errorf("failed updates lost receipts: %+v", d.Announced)
	}

	// A notifier that panics (msbotbuilder-go does) is a failure, not a crash.
	rec.set(func(n *recorder) { n.fail, n.panics = false, true })
	contains(t, b.refused("Tove", "intromøde annoncér 1"), "kunne ikke annonceres nu")
	rec.set(func(n *recorder) { n.panics = false })

	// Without a notifier nothing is announced, and the reply says so.
	b.svc = commands.New(b.db, commands.Config{Clock: b.clock, Jobcenter: "Jobcenter Sorø"})
	contains(t, b.refused("Tove", "intromøde annoncér 1"), "ingen forbindelse til chatkanaler")
}

// bigDay fills intro day #1 with 40 companies and 200 candidates, through
// the commands, with skills and wishes long enough to need splitting.
func bigDay(t testing.TB, b *testBot) {
	t.Helper()
	for i := range 40 {
		b.ok("Anne", fmt.Sprintf("company add Virksomhed nummer %d med et langt navn ApS", i+1))
		b.ok("Tove", fmt.Sprintf("intromøde virksomhed 1 Virksomhed nummer %d med et langt navn ApS", i+1))
	}
	for i := range 200 {
		who := []string{"Hanne", "Per", "Sanne"}[i%3]
		b.ok(who, fmt.Sprintf("intromøde kandidat 1 KS-%d kompetencer truckkort, lager, pluk og pak, dansk og engelsk, kørekort B ønsker fast job i dagtimerne, gerne i Sorø eller Slagelse", i+1))
	}
}

func TestIntroDayAnnounceSplits(t *testing.T) {
	t.Parallel()
	b, rec := planned(t)
	b.useIntroChannel("Jobcenter Sorø", "C-soroe")
	bigDay(t, b)
	got := b.ok("Tove", "intromøde annoncér 1")
	msgs := shownIn(rec, "C-soroe")
	if len(msgs) < 2 {
		t.Fatalf("200 candidates in %d message(s)", len(msgs))
	}
	contains(t, got, "i "+fmt.Sprint(len(msgs))+" beskeder")
	checkParts(t, msgs, 40, 200)
	if d := b.introDayOf(1); len(d.Announced) != len(msgs) {
		t.Errorf("%d receipts for %d messages", len(d.Announced), len(msgs))
	}

	// A list that shrank (here: a receipt of an earlier, longer list)
	// turns its surplus posts into a short »no more«; announcing again
	// edits every post and posts none.
	extra, _ := rec.PostToChannel(context.Background(), bot.Channel{Platform: "test", ID: "C-soroe"}, bot.Reply("old part"))
	if _, err := b.db.UpdateIntroDay(context.Background(), 1, func(d *bot.IntroDay) error {
		d.Announced = append(d.Announced, extra)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	posts0, updates0 := sentCounts(rec)
	b.ok("Tove", "intromøde annoncér 1")
	posts, updates := sentCounts(rec)
	if posts != posts0 || updates-updates0 != len(msgs)+1 {
		t.Errorf("re-announce: %d posts, %d updates; want 0 and %d", posts-posts0, updates-updates0, len(msgs)+1)
	}
	all := shownIn(rec, "C-soroe")
	contains(t, all[len(all)-1].PlainText(), "(fortsat — ingen flere)")
	checkParts(t, all[:len(all)-1], 40, 200)
	if d := b.introDayOf(1); len(d.Announced) != len(msgs)+1 {
		t.Errorf("the surplus receipt was dropped: %d", len(d.Announced))
	}
}

// checkParts asserts that msgs keep within the limits and hold every
// company and candidate exactly once.
func checkParts(t *testing.T, msgs []bot.Message, companies, candidates int) {
	t.Helper()
	var text strings.Builder
	for i, m := range msgs {
		if len(m.Blocks) > commands.AnnounceMaxBlocks {
			t.Errorf("message %d has %d blocks", i+1, len(m.Blocks))
		}
		if n := utf8.RuneCountInString(m.PlainText()); n > commands.AnnounceMaxChars {
			t.Errorf("message %d has %d characters", i+1, n)
		}
		h, ok := m.Blocks[0].(bot.Heading)
		if !ok || (len(msgs) > 1 && !strings.Contains(h.Text, fmt.Sprintf("(del %d af %d)", i+1, len(msgs)))) {
			t.Errorf("message %d starts with %#v", i+1, m.Blocks[0])
		}
		for _, blk := range m.Blocks {
			if l, ok := blk.(bot.List); ok {
				for _, it := range l.Items {
					text.WriteString("\n" + it + "\n")
				}
			}
		}
	}
	all := text.String()
	for i := range candidates {
		if n := strings.Count(all, fmt.Sprintf("\nKS-%d — ", i+1)); n != 1 {
			t.Errorf("KS-%d is listed %d times", i+1, n)
		}
	}
	for i := range companies {
		if n := strings.Count(all, fmt.Sprintf("\nVirksomhed nummer %d med", i+1)); n != 1 {
			t.Errorf("company %d is listed %d times", i+1, n)
		}
	}
}

func TestRenderIntroDayLimits(t *testing.T) {
	t.Parallel()
	for _, size := range []struct{ companies, candidates, text int }{{0, 0, 0}, {1, 1, 10}, {40, 200, 150}, {3, 2000, 400}, {500, 10, 600}} {
		v := bigView(size.companies, size.candidates, size.text)
		msgs := commands.RenderIntroDay(bot.Danish, v)
		checkParts(t, msgs, size.companies, size.candidates)
		if size.candidates == 0 {
			contains(t, msgs[0].PlainText(), "Kandidater (0)", "Ingen endnu.")
		}
	}
}

// bigView is an intro day with companies and candidates whose skills and
// wishes are text characters long each.
func bigView(companies, candidates, text int) commands.IntroDayView {
	v := commands.IntroDayView{ID: 7, Date: day(2026, 12, 3), Place: "kl. 9-12 Sorø Bibliotek, mødelokale 2", Host: "Jobcenter Sorø",
		Jobcenters: []string{"Jobcenter Sorø", "Jobcenter Slagelse", "Jobcenter Ringsted"}, Coordinator: "Tove Hansen"}
	for i := range companies {
		v.Companies = append(v.Companies, fmt.Sprintf("Virksomhed nummer %d med et langt navn ApS", i+1))
	}
	filler := string([]rune(strings.Repeat("æøå truck ", text/10+1))[:text])
	for i := range candidates {
		v.Candidates = append(v.Candidates, commands.CandidateView{Reference: fmt.Sprintf("KS-%d", i+1), Home: v.Jobcenters[i%3],
			Referrer: "Hanne Jensen", Skills: filler, Wishes: filler})
	}
	return v
}
