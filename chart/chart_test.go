package chart_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/chart"
)

// day is Friday of ISO week 49, 2026.
var day = time.Date(2026, 12, 4, 0, 0, 0, 0, bot.Copenhagen)

// sample is 26 weeks with the share 40 + week index, a gap in weeks 5 and
// 6 (index), and a goal of 85 %.
func sample() bot.CoverageChart {
	var snaps []bot.CoverageSnapshot
	first := bot.AddDays(bot.Monday(day), -7*25)
	for i := range 26 {
		if i == 5 || i == 6 {
			continue
		}
		snaps = append(snaps, bot.CoverageSnapshot{JobcenterID: 1, Day: bot.AddDays(first, 7*i+4), Dedicated: 100, Within: 40 + i, Overdue: 60 - i})
	}
	return bot.CoverageChart{Title: "Jobcenter Sorø", Goal: 85, Weeks: bot.CoverageWeeks(snaps, day, bot.ChartWeeks)}
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != chart.Width || b.Dy() != chart.Height {
		t.Fatalf("size %v, want %dx%d", b, chart.Width, chart.Height)
	}
	return img
}

func same(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2
}

func TestCoverageDrawsTheWeeksAndTheGoal(t *testing.T) {
	t.Parallel()
	ch := sample()
	data, err := chart.Coverage(ch, bot.Danish)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	// Not blank: a fair share of the picture is drawn on.
	ink := 0
	for y := range chart.Height {
		for x := range chart.Width {
			if !same(img.At(x, y), chart.Background) {
				ink++
			}
		}
	}
	if ink < chart.Width*chart.Height/100 {
		t.Fatalf("only %d pixels drawn: the chart is (nearly) blank", ink)
	}
	// Each known week's point is in the line's colour at its share's height,
	// and nothing of the line is drawn where a week has no snapshot.
	for i, w := range ch.Weeks {
		p := chart.Point(i, len(ch.Weeks), 40+i)
		if w.Known != same(img.At(p.X, p.Y), chart.LineColour) {
			t.Errorf("week %d (index %d, known %v): pixel at %v is %v", w.Week, i, w.Known, p, img.At(p.X, p.Y))
		}
		if w.Known {
			above := chart.Point(i, len(ch.Weeks), 40+i+10)
			if same(img.At(above.X, above.Y), chart.LineColour) {
				t.Errorf("week %d: line colour 10 points above its share", w.Week)
			}
		}
	}
	for x := chart.Point(4, 26, 0).X + 6; x < chart.Point(7, 26, 0).X-6; x++ {
		for y := chart.Plot.Min.Y; y < chart.Plot.Max.Y; y++ {
			if same(img.At(x, y), chart.LineColour) {
				t.Fatalf("line drawn in the gap at (%d,%d)", x, y)
			}
		}
	}
	// The goal: a dashed row at 85 %, in the goal's colour.
	g := chart.Point(0, 1, 85)
	goal, gap := 0, 0
	for x := chart.Plot.Min.X; x < chart.Plot.Min.X+200; x++ {
		if same(img.At(x, g.Y), chart.GoalColour) {
			goal++
		} else {
			gap++
		}
	}
	if goal < 100 || gap < 40 {
		t.Fatalf("goal line at row %d: %d goal pixels, %d others; want a dashed line", g.Y, goal, gap)
	}
}

func TestCoverageWithoutGoalOrFigures(t *testing.T) {
	t.Parallel()
	ch := bot.CoverageChart{Title: "x", Weeks: bot.CoverageWeeks(nil, day, bot.ChartWeeks)}
	data, err := chart.Coverage(ch, bot.English)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	for y := range chart.Height {
		for x := range chart.Width {
			if c := img.At(x, y); same(c, chart.LineColour) || same(c, chart.GoalColour) {
				t.Fatalf("pixel (%d,%d) drawn in a data colour with no data and no goal", x, y)
			}
		}
	}
	if alt := chart.Alt(ch, bot.English); !strings.Contains(alt, "no figures yet") || !strings.Contains(alt, "26 weeks without figures") {
		t.Fatalf("alt: %q", alt)
	}
}

func TestImageSaysWhatItShows(t *testing.T) {
	t.Parallel()
	im, err := chart.Image(sample(), bot.Danish, day)
	if err != nil {
		t.Fatal(err)
	}
	if im.FileName != "daekning-2026-12-04.png" || !strings.Contains(im.Title, "Jobcenter Sorø") {
		t.Fatalf("file %q title %q", im.FileName, im.Title)
	}
	// The latest week is 49, index 25: 40 + 25 = 65 of 100.
	for _, want := range []string{"uge 24–49", "uge 49 65 %", "mål 85 %", "2 uger uden tal"} {
		if !strings.Contains(im.Alt, want) {
			t.Errorf("alt %q lacks %q", im.Alt, want)
		}
	}
}

// BenchmarkCoverage draws and encodes a full 26-week chart; the target is
// well under 50 ms.
func BenchmarkCoverage(b *testing.B) {
	ch := sample()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := chart.Coverage(ch, bot.Danish); err != nil {
			b.Fatal(err)
		}
	}
}

// A line that goes up and down steeply is drawn (a Bresenham step that
// read its error twice once never ended on such a line), and the title is
// drawn at the top.
func TestCoverageZigzagAndTitle(t *testing.T) {
	t.Parallel()
	weeks := bot.CoverageWeeks(nil, day, bot.ChartWeeks)
	for i := range weeks {
		weeks[i].Known = true
		weeks[i].Last = bot.CoverageSnapshot{Dedicated: 10, Within: 10 * (i % 2), Overdue: 10 - 10*(i%2)}
	}
	data, err := chart.Coverage(bot.CoverageChart{Title: "Jobcenter Høje-Taastrup og Ærø", Weeks: weeks}, bot.Danish)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	for i := range weeks {
		p := chart.Point(i, len(weeks), 100*(i%2))
		if !same(img.At(p.X, p.Y), chart.LineColour) {
			t.Errorf("week index %d: no point at %v", i, p)
		}
	}
	ink := 0
	for y := range chart.Plot.Min.Y - 20 {
		for x := range chart.Width {
			if !same(img.At(x, y), chart.Background) {
				ink++
			}
		}
	}
	if ink < 300 {
		t.Errorf("title: %d pixels drawn above the plot", ink)
	}
}
