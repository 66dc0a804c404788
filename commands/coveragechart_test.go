package commands_test

import (
	"bytes"
	"image/png"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/chart"
)

// imageOf returns the message's one image block.
func imageOf(t testing.TB, m bot.Message) bot.Image {
	t.Helper()
	var out []bot.Image
	for _, blk := range m.Blocks {
		if im, ok := blk.(bot.Image); ok {
			out = append(out, im)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d images in:\n%s", len(out), m.PlainText())
	}
	return out[0]
}

func TestCoverageChartFromStoredSnapshots(t *testing.T) {
	t.Parallel()
	b := coveragePortfolio(t)
	ctx := t.Context()
	// Before any snapshot: no chart, and a word on when there will be one.
	got := b.ok("Per", "dækning graf")
	contains(t, got, "Dækning uge for uge: Jobcenter", "ingen dagstal for Jobcenter")
	lacks(t, got, "[")

	// The scheduler's task counts as »dækning team« does: 6 of 9 within.
	if err := b.svc.SnapshotCoverage(ctx, sunday); err != nil {
		t.Fatal(err)
	}
	js, _ := b.db.Jobcenters(ctx)
	ids := map[string]uint64{}
	for _, j := range js {
		ids[j.Name] = j.ID
	}
	snaps, err := b.db.CoverageSnapshots(ctx, ids["Jobcenter"], sunday, sunday)
	if err != nil || len(snaps) != 1 || snaps[0].Dedicated != 9 || snaps[0].Within != 6 || snaps[0].Overdue != 3 {
		t.Fatalf("snapshot of Jobcenter: %+v, %v", snaps, err)
	}
	if snaps, _ := b.db.CoverageSnapshots(ctx, ids["Jobcenter Slagelse"], sunday, sunday); len(snaps) != 1 || snaps[0].Dedicated != 1 || snaps[0].Within != 0 {
		t.Fatalf("snapshot of Slagelse: %+v", snaps)
	}
	// Earlier weeks, as the scheduler would have left them: week 45's
	// Friday and Wednesday (the Friday counts), nothing in week 46.
	wed45, fri45 := bot.AddDays(sunday, -18), bot.AddDays(sunday, -16)
	mustDo(t, b.db.SaveCoverageSnapshots(ctx, fri45, []bot.CoverageSnapshot{{JobcenterID: ids["Jobcenter"], Dedicated: 10, Within: 5, Overdue: 5}}))
	mustDo(t, b.db.SaveCoverageSnapshots(ctx, wed45, []bot.CoverageSnapshot{{JobcenterID: ids["Jobcenter"], Dedicated: 10, Within: 9, Overdue: 1}}))

	m := b.say("Per", "dækning graf")
	got = m.PlainText()
	contains(t, got, "Dækning uge for uge: Jobcenter",
		"*Uge 47: 67 % inden for kadencen* (6 af 9 faste virksomheder, 3 over kadencen). +17 procentpoint siden uge 45.",
		"Der er intet mål sat; en leder sætter det med »dækning mål 85«.",
		"Seneste uger", "uge 44: ingen tal", "uge 45: 50 % (5 af 10)", "uge 46: ingen tal", "uge 47: 67 % (6 af 9)",
		"En uge uden tal er et hul i grafen, ikke 0 %")
	im := imageOf(t, m)
	contains(t, im.Alt, "uge 22–47", "uge 47 67 %", "24 uger uden tal")
	img, err := png.Decode(bytes.NewReader(im.PNG))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	for i, want := range map[int]int{23: 50, 25: 67} {
		p := chart.Point(i, bot.ChartWeeks, want)
		if r, g, bl, _ := img.At(p.X, p.Y).RGBA(); r>>8 != uint32(chart.LineColour.R) || g>>8 != uint32(chart.LineColour.G) || bl>>8 != uint32(chart.LineColour.B) {
			t.Errorf("week index %d: no line at %d %% (%v)", i, want, p)
		}
	}

	// The goal: a lead sets it, and the chart measures against it.
	contains(t, b.refused("Per", "dækning mål 85"), "leder")
	contains(t, b.refused("Lis", "dækning mål 120"), "intet er gemt", "fra 1 til 100")
	contains(t, b.refused("Lis", "dækning mål Jobcenter Slagelse = 70"), "en leder i Jobcenter Slagelse")
	contains(t, b.ok("Lis", "dækning mål 85 %"), "Gemt: dækningsmålet for Jobcenter er nu 85 %")
	contains(t, b.ok("Lis", "dækning mål"), "Dækningsmålet for Jobcenter er 85 %.")
	contains(t, b.ok("Per", "dækning graf team"), "Målet er 85 %: 18 procentpoint fra.")
	contains(t, imageOf(t, b.say("Per", "dækning graf")).Alt, "mål 85 %")
	contains(t, b.ok("Anne", "coverage goal Jobcenter Slagelse = 70"), "Jobcenter Slagelse", "70 %")
	contains(t, b.ok("Anne", "dækning mål ingen"), "har nu intet dækningsmål")

	// Another jobcenter's chart is for its lead or an admin.
	contains(t, b.refused("Per", "dækning graf Jobcenter Slagelse"), "en leder i Jobcenter Slagelse")
	contains(t, b.ok("Anne", "dækning graf Slagelse"), "Uge 47: 0 % inden for kadencen", "Målet er 70 %: 70 procentpoint fra.")
	contains(t, b.refused("Per", "dækning graf mig"), "dækning graf", "Din egen dækning")
	contains(t, b.ok("Per", "hjælp"), "dækning graf [team|<jobcenter>]")
	contains(t, b.ok("Lis", "hjælp"), "dækning mål [<jobcenter> =] [<procent>|ingen]")
}

func TestSnapshotCoverageOncePerDay(t *testing.T) {
	t.Parallel()
	b := coveragePortfolio(t)
	ctx := t.Context()
	mustDo(t, b.svc.SnapshotCoverage(ctx, sunday))
	// Contacts later the same day do not change the day's snapshot...
	b.ok("Per", "visit Quebec ringede")
	b.ok("Hanne", "visit Echo ringede")
	mustDo(t, b.svc.SnapshotCoverage(ctx, sunday.Add(3*time.Hour)))
	js, _ := b.db.Jobcenters(ctx)
	snaps, _ := b.db.CoverageSnapshots(ctx, js[0].ID, sunday, bot.AddDays(sunday, 1))
	if len(snaps) != 1 || snaps[0].Within != 6 {
		t.Fatalf("same day: %+v", snaps)
	}
	// ... the next day's has them: Quebec and Echo are within, and Delta,
	// due on Sunday, is now past its cadence.
	mustDo(t, b.svc.SnapshotCoverage(ctx, bot.AddDays(sunday, 1)))
	snaps, _ = b.db.CoverageSnapshots(ctx, js[0].ID, sunday, bot.AddDays(sunday, 1))
	if len(snaps) != 2 || snaps[1].Within != 7 || snaps[1].Overdue != 2 || !snaps[1].Day.Equal(bot.AddDays(sunday, 1)) {
		t.Fatalf("next day: %+v", snaps)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCoverageChart1000 takes a day's snapshot of a jobcenter with
// 1,000 companies (the scheduler's count, without the memo) and answers
// »dækning graf« from 26 weeks of snapshots.
func BenchmarkCoverageChart1000(b *testing.B) {
	tb := newBot(b)
	portfolio(b, tb, 1000)
	ctx := b.Context()
	for w := range bot.ChartWeeks {
		if err := tb.svc.SnapshotCoverage(ctx, bot.AddDays(sunday, -7*w)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("snapshot", func(b *testing.B) {
		day := bot.AddDays(sunday, 1)
		for b.Loop() {
			day = bot.AddDays(day, 1) // a new day each time: counted and stored
			if err := tb.svc.SnapshotCoverage(ctx, day); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dækning-graf", func(b *testing.B) {
		for b.Loop() {
			if m := tb.say("Hanne", "dækning graf"); m.Error || len(imageOf(b, m).PNG) == 0 {
				b.Fatal(m.PlainText())
			}
		}
	})
}
