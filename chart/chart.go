// Package chart draws kontaktbot's coverage chart as a PNG, in Go alone:
// no browser, no network, no font files. It imports only bot.
//
// The picture is a line of the weekly share of dedicated companies within
// their cadence on a 0–100 % axis, one point a week (the week's last
// snapshot), broken where a week has no snapshot, against the jobcenter's
// goal as a dashed line. Its labels are numbers and the words »uge« and
// »mål« (»week«, »goal«); the title and every figure are in the message
// beside it, in words.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"time"

	"kontaktbot/bot"
)

// The picture's size and its plot area, in pixels.
const (
	Width, Height = 800, 400
)

// Plot is the area the 0–100 % axis spans: 100 % at its top edge, 0 % at
// its bottom edge minus one.
var Plot = image.Rect(72, 56, 776, 344)

// Colour indexes into palette.
const (
	ciBack = iota
	ciGrid
	ciAxis
	ciText
	ciLine
	ciGoal
)

// The colours, exported for tests that look for them in the picture.
var (
	Background = color.RGBA{0xff, 0xff, 0xff, 0xff}
	LineColour = color.RGBA{0x1f, 0x5f, 0xbf, 0xff} // the weekly share
	GoalColour = color.RGBA{0xd0, 0x40, 0x20, 0xff} // the dashed goal
	palette    = color.Palette{Background, color.RGBA{0xe4, 0xe4, 0xe4, 0xff}, color.RGBA{0x60, 0x60, 0x60, 0xff},
		color.RGBA{0x30, 0x30, 0x30, 0xff}, LineColour, GoalColour}
)

// Point is where week i of n with the share pct (0–100) is drawn: the
// middle of the week's slot, at the share's height.
func Point(i, n, pct int) image.Point {
	slot := Plot.Dx() * 1000 / n
	x := Plot.Min.X + (slot*i+slot/2)/1000
	return image.Pt(x, yOf(pct))
}

// yOf is the row of the share pct.
func yOf(pct int) int {
	pct = min(max(pct, 0), 100)
	return Plot.Max.Y - 1 - pct*(Plot.Dy()-1)/100
}

// canvas is the picture being drawn: paletted, so that it encodes small
// (a few kilobytes) and fits inside a Teams card.
type canvas struct{ img *image.Paletted }

func (c *canvas) fill(r image.Rectangle, ci uint8) {
	r = r.Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.img.Pix[c.img.PixOffset(r.Min.X, y):c.img.PixOffset(r.Max.X, y)]
		for i := range row {
			row[i] = ci
		}
	}
}

// dot fills a square of side w centred on p.
func (c *canvas) dot(p image.Point, w int, ci uint8) {
	c.fill(image.Rect(p.X-w/2, p.Y-w/2, p.X-w/2+w, p.Y-w/2+w), ci)
}

// line draws from a to b, w pixels thick (Bresenham, a square brush).
func (c *canvas) line(a, b image.Point, w int, ci uint8) {
	dx, dy := abs(b.X-a.X), -abs(b.Y-a.Y)
	sx, sy := sign(b.X-a.X), sign(b.Y-a.Y)
	e := dx + dy
	for p := a; ; {
		c.dot(p, w, ci)
		if p == b {
			return
		}
		e2 := 2 * e // once per step: both moves read the same error
		if e2 >= dy {
			e += dy
			p.X += sx
		}
		if e2 <= dx {
			e += dx
			p.Y += sy
		}
	}
}

func abs(n int) int { return max(n, -n) }

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

// Coverage draws the chart of ch's weeks in lang and returns it as a PNG.
func Coverage(ch bot.CoverageChart, lang bot.Lang) ([]byte, error) {
	c := &canvas{img: image.NewPaletted(image.Rect(0, 0, Width, Height), palette)}
	title := fit(lang.Pick("Dækning uge for uge: ", "Coverage week by week: ")+ch.Title, Width-32, 2)
	c.drawText(image.Pt(16, 14), title, 2, ciText)
	c.axes(lang)
	n := len(ch.Weeks)
	c.weekLabels(ch.Weeks)
	if ch.Goal > 0 {
		c.goal(ch.Goal, lang)
	}
	var prev *image.Point
	for i, w := range ch.Weeks {
		if !w.Known {
			prev = nil // a gap, not a zero
			continue
		}
		p := Point(i, n, w.Last.Percent())
		if prev != nil {
			c.line(*prev, p, 3, ciLine)
		}
		c.dot(p, 9, ciLine)
		prev = &p
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.img); err != nil {
		return nil, fmt.Errorf("chart: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// axes draws the 0, 25, 50, 75 and 100 % grid lines with their labels.
func (c *canvas) axes(lang bot.Lang) {
	for pct := 0; pct <= 100; pct += 25 {
		y := yOf(pct)
		ci := uint8(ciGrid)
		if pct == 0 {
			ci = ciAxis
		}
		c.fill(image.Rect(Plot.Min.X, y, Plot.Max.X, y+1), ci)
		label := strconv.Itoa(pct) + " %"
		c.drawText(image.Pt(Plot.Min.X-10-textWidth(label, 2), y-glyphH), label, 2, ciText)
	}
	c.fill(image.Rect(Plot.Min.X, Plot.Min.Y, Plot.Min.X+1, Plot.Max.Y), ciAxis)
	word := lang.Pick("uge", "week")
	c.drawText(image.Pt(Plot.Min.X-10-textWidth(word, 2), Plot.Max.Y+12), word, 2, ciText)
}

// weekLabels writes every other week's number under the axis, and the
// last week's always.
func (c *canvas) weekLabels(weeks []bot.CoverageWeek) {
	n := len(weeks)
	for i, w := range weeks {
		if (n-1-i)%2 != 0 {
			continue
		}
		p := Point(i, n, 0)
		label := strconv.Itoa(w.Week)
		c.fill(image.Rect(p.X, Plot.Max.Y, p.X+1, Plot.Max.Y+5), ciAxis)
		c.drawText(image.Pt(p.X-textWidth(label, 2)/2, Plot.Max.Y+12), label, 2, ciText)
	}
}

// goal draws the dashed goal line across the plot, labelled at its right
// end above the line.
func (c *canvas) goal(pct int, lang bot.Lang) {
	y := yOf(pct)
	for x := Plot.Min.X; x < Plot.Max.X; x += 16 {
		c.fill(image.Rect(x, y-1, min(x+10, Plot.Max.X), y+2), ciGoal)
	}
	label := lang.Pick("mål ", "goal ") + strconv.Itoa(pct) + " %"
	at := image.Pt(Plot.Max.X-textWidth(label, 2), y-6-2*glyphH)
	if pct > 90 {
		at.Y = y + 8 // below the line, inside the plot
	}
	c.drawText(at, label, 2, ciGoal)
}

// Image draws ch and wraps it as the message block that carries it, with
// a text that says what it shows, in lang, as of day.
func Image(ch bot.CoverageChart, lang bot.Lang, day time.Time) (bot.Image, error) {
	data, err := Coverage(ch, lang)
	if err != nil {
		return bot.Image{}, err
	}
	return bot.Image{PNG: data, Title: lang.Pick("Dækning uge for uge: ", "Coverage week by week: ") + ch.Title,
		Alt: Alt(ch, lang), FileName: "daekning-" + day.In(bot.Copenhagen).Format(time.DateOnly) + ".png"}, nil
}

// Alt says in words what the chart shows: the weeks it spans, the share
// of the latest week with a snapshot against the goal, and how many weeks
// have none.
func Alt(ch bot.CoverageChart, lang bot.Lang) string {
	if len(ch.Weeks) == 0 {
		return lang.Pick("ingen uger", "no weeks")
	}
	first, last := ch.Weeks[0].Week, ch.Weeks[len(ch.Weeks)-1].Week
	var b strings.Builder
	b.WriteString(lang.Pick("Andel faste virksomheder inden for kadencen, uge ", "Share of dedicated companies within cadence, weeks ") +
		strconv.Itoa(first) + "–" + strconv.Itoa(last))
	if w, ok := ch.Latest(); ok {
		b.WriteString(lang.Pick(": uge ", ": week ") + strconv.Itoa(w.Week) + " " + strconv.Itoa(w.Last.Percent()) + lang.Pick(" %", "%"))
	} else {
		b.WriteString(lang.Pick(": ingen tal endnu", ": no figures yet"))
	}
	if ch.Goal > 0 {
		b.WriteString(lang.Pick(" (mål ", " (goal ") + strconv.Itoa(ch.Goal) + lang.Pick(" %)", "%)"))
	}
	gaps := 0
	for _, w := range ch.Weeks {
		if !w.Known {
			gaps++
		}
	}
	switch {
	case gaps == 1:
		b.WriteString(lang.Pick("; 1 uge uden tal", "; 1 week without figures"))
	case gaps > 1:
		b.WriteString(lang.Pick("; "+strconv.Itoa(gaps)+" uger uden tal", "; "+strconv.Itoa(gaps)+" weeks without figures"))
	}
	return b.String()
}

// Summary says in words what the chart's latest week with a snapshot
// shows, in lang: its share, the change since the week before it with one,
// and how it stands against the goal (or how to set one). Empty when no
// week has a snapshot.
func Summary(ch bot.CoverageChart, lang bot.Lang) string {
	w, ok := ch.Latest()
	if !ok {
		return ""
	}
	p, s := w.Last.Percent(), w.Last
	text := lang.Pick("*Uge "+itoa(w.Week)+": "+pct(lang, p)+" inden for kadencen* ("+itoa(s.Within)+" af "+itoa(s.Dedicated)+" faste virksomheder, "+itoa(s.Overdue)+" over kadencen).",
		"*Week "+itoa(w.Week)+": "+pct(lang, p)+" within cadence* ("+itoa(s.Within)+" of "+itoa(s.Dedicated)+" dedicated companies, "+itoa(s.Overdue)+" past cadence).")
	for i := len(ch.Weeks) - 1; i >= 0; i-- {
		if prev := ch.Weeks[i]; prev.Known && prev.Monday.Before(w.Monday) {
			d := p - prev.Last.Percent()
			sign := "+"
			if d < 0 {
				sign = "−"
			}
			text += lang.Pick(" "+sign+points(lang, abs(d))+" siden uge "+itoa(prev.Week)+".", " "+sign+points(lang, abs(d))+" since week "+itoa(prev.Week)+".")
			break
		}
	}
	switch {
	case ch.Goal == 0:
		text += lang.Pick(" Der er intet mål sat; en leder sætter det med »dækning mål 85«.", " No goal is set; a lead sets one with »coverage goal 85«.")
	case p >= ch.Goal:
		text += lang.Pick(" Målet på "+pct(lang, ch.Goal)+" er nået.", " The goal of "+pct(lang, ch.Goal)+" is met.")
	default:
		text += lang.Pick(" Målet er "+pct(lang, ch.Goal)+": "+points(lang, ch.Goal-p)+" fra.", " The goal is "+pct(lang, ch.Goal)+": "+points(lang, ch.Goal-p)+" to go.")
	}
	return text
}

func itoa(n int) string { return strconv.Itoa(n) }

// pct is "67 %" in Danish, "67%" in English.
func pct(lang bot.Lang, n int) string { return itoa(n) + lang.Pick(" %", "%") }

func points(lang bot.Lang, n int) string {
	if n == 1 {
		return lang.Pick("1 procentpoint", "1 percentage point")
	}
	return itoa(n) + lang.Pick(" procentpoint", " percentage points")
}
