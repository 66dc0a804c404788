package commands

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kontaktbot/bot"
)

// MaxLine is the longest command line accepted, in characters. A note is
// the bulk of a line; a page of text belongs in a document, not a contact.
const MaxLine = 2000

// cleanLine checks a raw command line and returns it trimmed, with line
// breaks and tabs turned into spaces and any leading slash removed. It
// refuses text that is not UTF-8, holds control characters, is too long,
// or holds a CPR number; the refusal never echoes the text.
func cleanLine(lang bot.Lang, raw string) (string, error) {
	if !utf8.ValidString(raw) {
		return "", bot.Errorf(bot.Invalid, "%s", tr(lang,
			"Teksten kunne ikke læses (ugyldige tegn). Skriv kommandoen igen.",
			"The text could not be read (invalid characters). Please type the command again."))
	}
	if n := utf8.RuneCountInString(raw); n > MaxLine {
		return "", bot.Errorf(bot.Invalid, "%s", tr(lang,
			"Teksten er for lang: "+itoa(n)+" tegn, højst "+itoa(MaxLine)+". Skriv det vigtigste kort, fx »besøg L-tek mødte Lars om to svejsere«.",
			"The text is too long: "+itoa(n)+" characters, at most "+itoa(MaxLine)+". Keep it short, e.g. »visit L-tek met Lars about two welders«."))
	}
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || r == utf8.RuneError:
			return "", bot.Errorf(bot.Invalid, "%s", tr(lang,
				"Teksten indeholder usynlige styretegn. Skriv kommandoen igen med almindelige bogstaver.",
				"The text contains invisible control characters. Please type the command again in plain text."))
		default:
			b.WriteRune(r)
		}
	}
	text := strings.TrimSpace(b.String())
	text = strings.TrimSpace(strings.TrimPrefix(text, "/"))
	if bot.ContainsCPR(text) {
		return "", cprError(lang)
	}
	return text, nil
}

func cprError(lang bot.Lang) error {
	return bot.Errorf(bot.Invalid, "%s", tr(lang,
		"Teksten ligner et CPR-nummer, så intet er gemt. CPR-numre og andre personoplysninger om borgere hører ikke hjemme i kontaktbot: noter handler om virksomheder. Skriv det igen uden nummeret.",
		"The text looks like it contains a CPR number (Danish personal ID), so nothing was saved. Personal data about citizens does not belong in kontaktbot: notes are about companies. Please write it again without the number."))
}

// fields splits a line into words on white space.
func fields(s string) []string { return strings.Fields(s) }

// fold lower-cases a keyword and spells æ, ø, å as on an English keyboard,
// so "Besøg", "BESØG" and "besoeg" are one word.
func fold(s string) string { return bot.NormalizeName(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func asBotError(err error, target **bot.Error) bool { return errors.As(err, target) }
