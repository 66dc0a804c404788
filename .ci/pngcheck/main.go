// Command pngcheck fails unless every PNG named on its command line shows
// something: more than one colour, a meaningful share of pixels that are not
// the background (the commonest colour), and content spread over most of
// the image's height. CI runs it over the screenshots of rendered Adaptive
// Cards (.ci/teams-cards.sh), where a blank or half-drawn page is a failure.
package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "pngcheck:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("pngcheck", flag.ContinueOnError)
	minInk := fs.Float64("min-ink", 0.01, "least share of pixels that differ from the background")
	minSpan := fs.Float64("min-span", 0.5, "least share of the height between the first and the last row with ink")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: go run ./.ci/pngcheck [-min-ink 0.01] [-min-span 0.5] FILE.png [FILE.png]")
	}
	var errs []error
	for _, path := range fs.Args() {
		s, err := measure(path)
		if err == nil {
			err = s.check(*minInk, *minSpan)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		fmt.Printf("%s: %dx%d, %d colours, %.1f%% ink over %.0f%% of the height\n", path, s.w, s.h, s.colours, 100*s.ink, 100*s.span)
	}
	return errors.Join(errs...)
}

// stats describe one image.
type stats struct {
	w, h    int
	colours int     // distinct colours
	ink     float64 // share of pixels that differ from the background
	span    float64 // share of the height from the first to the last inked row
}

func measure(path string) (stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return stats{}, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return stats{}, fmt.Errorf("decode: %w", err)
	}
	b := img.Bounds()
	s := stats{w: b.Dx(), h: b.Dy()}
	if s.w == 0 || s.h == 0 {
		return s, errors.New("the image is empty")
	}
	counts := map[[4]uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[key(img, x, y)]++
		}
	}
	var bg [4]uint32
	for c, n := range counts {
		if n > counts[bg] {
			bg = c
		}
	}
	s.colours = len(counts)
	s.ink = 1 - float64(counts[bg])/float64(s.w*s.h)
	first, last := -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if key(img, x, y) != bg {
				if first < 0 {
					first = y
				}
				last = y
				break
			}
		}
	}
	if first >= 0 {
		s.span = float64(last-first+1) / float64(s.h)
	}
	return s, nil
}

func key(img image.Image, x, y int) [4]uint32 {
	r, g, b, a := img.At(x, y).RGBA()
	return [4]uint32{r, g, b, a}
}

func (s stats) check(minInk, minSpan float64) error {
	switch {
	case s.colours < 2:
		return errors.New("blank: every pixel is the same colour")
	case s.ink < minInk:
		return fmt.Errorf("nearly blank: %.2f%% of the pixels differ from the background, want at least %.2f%%", 100*s.ink, 100*minInk)
	case s.span < minSpan:
		return fmt.Errorf("content covers %.0f%% of the height, want at least %.0f%%: was the card cut short?", 100*s.span, 100*minSpan)
	}
	return nil
}
