package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// visitDates are past-slot date forms and the day each means on Friday 4
// December 2026.
var visitDates = []struct{ words, day string }{
	{"", "2026-12-04"}, {"i dag", "2026-12-04"}, {"today", "2026-12-04"},
	{"i går", "2026-12-03"}, {"igår", "2026-12-03"}, {"yesterday", "2026-12-03"}, {"i forgårs", "2026-12-02"},
	{"3/12", "2026-12-03"}, {"3.12", "2026-12-03"}, {"03.12.2026", "2026-12-03"}, {"2026-12-03", "2026-12-03"},
	{"d. 3/12", "2026-12-03"}, {"den 3/12", "2026-12-03"}, {"3-12-2026", "2026-12-03"},
	{"3. december", "2026-12-03"}, {"3. dec.", "2026-12-03"}, {"3 dec 2026", "2026-12-03"}, {"December 3", "2026-12-03"},
	{"Dec 3rd", "2026-12-03"}, {"d. 3. december", "2026-12-03"}, {"20. november", "2026-11-20"}, {"Nov 20th", "2026-11-20"},
	{"torsdag", "2026-12-03"}, {"mandag", "2026-11-30"}, {"sidste fredag", "2026-11-27"}, {"forrige torsdag", "2026-12-03"},
	{"last monday", "2026-11-30"}, {"i mandags", "2026-11-30"}, {"i fredags", "2026-11-27"},
	{"3 dage siden", "2026-12-01"}, {"for 2 uger siden", "2026-11-20"}, {"2 weeks ago", "2026-11-20"},
}

// visitKinds are the kind words in both languages, and none.
var visitKinds = []struct {
	word string
	kind bot.ContactKind
}{
	{"", bot.KindVisit}, {"besøg", bot.KindVisit}, {"visit", bot.KindVisit}, {"telefon", bot.KindPhone}, {"tlf", bot.KindPhone},
	{"phone", bot.KindPhone}, {"mail", bot.KindMail}, {"email", bot.KindMail}, {"møde", bot.KindMeeting}, {"meeting", bot.KindMeeting},
}

// followUps are follow-up forms ahead and the day each means.
var followUps = []struct{ words, day string }{
	{"", ""}, {"opfølgning uge 50", "2026-12-07"}, {"opfølgning 10. december", "2026-12-10"}, {"opfølgning mandag", "2026-12-07"},
	{"follow-up next friday", "2026-12-11"}, {"opfølgning om 2 uger", "2026-12-18"}, {"followup 6. januar 2027", "2027-01-06"},
}

// TestVisitTailGenerated reads every combination of date form, kind word
// (before or after the date) and follow-up form: well over a thousand
// lines, each read without the store, each checked field by field.
func TestVisitTailGenerated(t *testing.T) {
	t.Parallel()
	n := 0
	for _, d := range visitDates {
		for _, k := range visitKinds {
			for _, f := range followUps {
				for _, kindFirst := range []bool{false, true} {
					if kindFirst && (k.word == "" || d.words == "") {
						continue
					}
					parts := []string{d.words, k.word}
					if kindFirst {
						parts = []string{k.word, d.words}
					}
					line := strings.Join(strings.Fields(strings.Join(append(parts, "talte med Claus om lærlinge", f.words), " ")), " ")
					for _, lang := range []bot.Lang{bot.Danish, bot.English} {
						n++
						got, err := commands.ParseTail("visit", friday4Dec, lang, "L-tek", strings.Fields(line))
						if err != nil {
							t.Errorf("%q: %v", line, err)
							continue
						}
						day := got.Day
						if day.IsZero() {
							day = bot.Day(friday4Dec)
						}
						if !day.Equal(isoDay(t, d.day)) || got.Kind != k.kind || got.Note != "talte med Claus om lærlinge" || !got.FollowUp.Equal(isoDay(t, f.day)) {
							t.Errorf("%q: %s %s %q follow-up %s", line, day.Format("2006-01-02"), got.Kind, got.Note, got.FollowUp.Format("2006-01-02"))
						}
					}
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d lines", n)
	}
}

// TestRefusalsInBothLanguages: every attempt that cannot be read is
// refused in the consultant's language, naming what was not understood.
func TestRefusalsInBothLanguages(t *testing.T) {
	t.Parallel()
	attempts := []string{"31/11", "29/2", "31. november", "32. december", "december", "Nov 31st", "d.", "1-2", "20-11", "1.2.3.4",
		"uge 54", "week 0", "3.", "14/13", "20/11/1999"}
	for _, cmd := range []string{"visit", "plan", "snooze", "position"} {
		for _, a := range attempts {
			for _, lang := range []bot.Lang{bot.Danish, bot.English} {
				words := strings.Fields(a + " mødte Claus")
				switch cmd {
				case "plan", "snooze":
					words = strings.Fields(a)
				case "position":
					words = strings.Fields("Svejser frist " + a)
				}
				_, err := commands.ParseTail(cmd, friday4Dec, lang, "L-tek", words)
				if err == nil {
					t.Errorf("%s %q (%s) was read", cmd, a, lang)
					continue
				}
				msg := err.Error()
				if !strings.Contains(msg, "»") || !strings.Contains(msg, lang.Pick("intet er gemt", "nothing was saved")) {
					t.Errorf("%s %q (%s): %s", cmd, a, lang, msg)
				}
			}
		}
	}
}

// BenchmarkParseLine reads 1,000 real-looking lines without the store:
// cleaning and the CPR check, finding the command, and the command's own
// reader for what follows the company (a visit's date, kind, note and
// follow-up; a plan's or snooze's date; a position's options). The target
// is under 20 µs a line.
func BenchmarkParseLine(b *testing.B) {
	svc := commands.New(nil, commands.Config{Clock: &clock{now: friday4Dec}})
	type line struct {
		text, company string
		words         int // the company's words
	}
	var lines []line
	companies := []string{"L-tek", "Ærø Maskinfabrik", "Odense Zoo", "Brødrene Hansen A/S", "Fakta Tarup"}
	for i := 0; len(lines) < 1000; i++ {
		co := companies[i%len(companies)]
		d, k, f := visitDates[i%len(visitDates)], visitKinds[i%len(visitKinds)], followUps[i%len(followUps)]
		var text, cmd string
		switch i % 10 {
		case 7:
			cmd, text = "plan", []string{"uge 51", "fredag", "29. december", "i morgen", "om 2 uger"}[i%5]
		case 8:
			cmd, text = "snooze", []string{"7d", "2 uger", "til 15/12", "uge 2 2027"}[i%4]
		case 9:
			cmd, text = "position", "Svejser antal 2 frist uge 51 start 6. januar 2027 krav svejsecertifikat og kørekort B type løntilskud"
		default:
			cmd, text = "visit", d.words+" "+k.word+" mødte Lars og Claus om to svejsere til den nye hal, "+fmt.Sprint(i)+" timer "+f.words
		}
		lines = append(lines, line{text: cmd + " " + co + " " + text, company: co, words: len(strings.Fields(co))})
	}
	now := friday4Dec
	b.ResetTimer()
	i := 0
	for b.Loop() {
		l := lines[i%len(lines)]
		i++
		pl, err := svc.ParseLine(l.text, bot.Danish)
		if err != nil || pl.Command == "" {
			b.Fatalf("%q: %v", l.text, err)
		}
		if _, err := commands.ParseTail(pl.Command, now, bot.Danish, l.company, pl.Args[l.words:]); err != nil {
			b.Fatalf("%q: %v", l.text, err)
		}
	}
}
