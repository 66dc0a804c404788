package chart

import "image"

// glyphs is a hand-drawn 5×7 pixel font for the few characters a chart's
// labels need: digits, the percent sign and the letters of »uge«, »week«,
// »mål« and »goal«. Every label's words are also in the message beside
// the chart, so the picture needs no more (and no font dependency).
var glyphs = map[rune][7]string{
	'0': {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
	'1': {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},
	'2': {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
	'3': {"####.", "....#", "....#", ".###.", "....#", "....#", "####."},
	'4': {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},
	'5': {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
	'6': {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},
	'7': {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},
	'8': {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},
	'9': {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."},
	'%': {"##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"},
	' ': {".....", ".....", ".....", ".....", ".....", ".....", "....."},
	'a': {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"},
	'e': {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."},
	'g': {".....", ".####", "#...#", "#...#", ".####", "....#", ".###."},
	'k': {"#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#."},
	'l': {".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."},
	'm': {".....", ".....", "##.#.", "#.#.#", "#.#.#", "#.#.#", "#.#.#"},
	'o': {".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."},
	'u': {".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"},
	'w': {".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."},
	'å': {"..#..", ".....", ".###.", "....#", ".####", "#...#", ".####"},
}

const (
	glyphW, glyphH = 5, 7
	advance        = glyphW + 1 // a column of space between characters
)

// textWidth is the width in pixels of s drawn at scale.
func textWidth(s string, scale int) int {
	n := 0
	for range s {
		n++
	}
	if n == 0 {
		return 0
	}
	return (n*advance - 1) * scale
}

// drawText draws s with its top left corner at at, each font pixel a
// scale×scale square of colour index ci; a character without a glyph is
// left blank.
func (c *canvas) drawText(at image.Point, s string, scale int, ci uint8) {
	x := at.X
	for _, r := range s {
		g := glyphs[r]
		for row, line := range g {
			for col, px := range line {
				if px == '#' {
					c.fill(image.Rect(x+col*scale, at.Y+row*scale, x+(col+1)*scale, at.Y+(row+1)*scale), ci)
				}
			}
		}
		x += advance * scale
	}
}
