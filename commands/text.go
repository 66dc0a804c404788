package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kontaktbot/bot"
)

// MaxLine is the longest command line accepted, in characters. A note is
// the bulk of a line; a page of text belongs in a document, not a contact.
const MaxLine = 2000

// cleanLine checks a raw command line and returns it trimmed, with line
// breaks and tabs turned into spaces and any leading slash removed. It
// refuses text that is not UTF-8, holds control characters, is too long,
// holds bidi controls (which reorder what others see), or holds a CPR
// number; the refusal never echoes the text.
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
		case isBidiControl(r):
			return "", bidiError(lang)
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
		"Teksten ligner et CPR-nummer, så intet er gemt. CPR-numre og andre personoplysninger om borgere hører ikke hjemme i kontaktbot: noter handler om virksomheder. Skriv det igen uden nummeret. Var det en dato fulgt af et tal (fx et klokkeslæt eller et beløb), så skriv et ord imellem, fx »4.12.26 kl. 10.30« eller »1.500 kr.«.",
		"The text looks like it contains a CPR number (Danish personal ID), so nothing was saved. Personal data about citizens does not belong in kontaktbot: notes are about companies. Please write it again without the number. If it was a date followed by a number (a time or an amount), put a word between them, e.g. »4.12.26 at 10.30« or »1,500 kr.«."))
}

// isBidiControl reports whether r is an invisible character that changes
// the direction text is shown in (embeddings, overrides, isolates and the
// direction marks): with them a name or note can show others something
// other than what is stored.
func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' ||
		r == '\u200e' || r == '\u200f' || r == '\u061c'
}

func bidiError(lang bot.Lang) error {
	return bot.Errorf(bot.Invalid, "%s", tr(lang,
		"Teksten indeholder usynlige tegn, der vender skriveretningen (bidi-styretegn), så andre kunne se noget andet end det, der gemmes. Intet er gemt. Skriv teksten igen uden dem, fx ved at skrive den selv i stedet for at kopiere den ind.",
		"The text contains invisible characters that change the writing direction (bidi controls), so others could see something other than what is stored. Nothing was saved. Please write it again without them, e.g. by typing it yourself instead of pasting it."))
}

// fields splits a line into words on white space.
func fields(s string) []string { return strings.Fields(s) }

// fold lower-cases a keyword and spells æ, ø, å as on an English keyboard,
// so "Besøg", "BESØG" and "besoeg" are one word.
func fold(s string) string { return bot.NormalizeName(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func asBotError(err error, target **bot.Error) bool { return errors.As(err, target) }

// Company names are how consultants tell companies apart, so a name must
// not be able to pass for another. Letters of the Cyrillic and Greek
// alphabets look like Latin ones (»Л-tek« beside »L-tek«, »Вета« beside
// »Beta«): a name may not mix those alphabets, and a name whose letters,
// read as the Latin letters they look like, spell another company's name
// is refused too.

// mixedScripts reports whether name holds letters of more than one of the
// Latin, Cyrillic and Greek alphabets.
func mixedScripts(name string) bool {
	var latin, cyrillic, greek bool
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r):
		case unicode.Is(unicode.Latin, r):
			latin = true
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic = true
		case unicode.Is(unicode.Greek, r):
			greek = true
		}
	}
	n := 0
	for _, b := range []bool{latin, cyrillic, greek} {
		if b {
			n++
		}
	}
	return n > 1
}

// checkNameText refuses a company name or alias that holds bidi controls
// or mixes alphabets; it needs no store, so an import checks each row
// with it.
func checkNameText(lang bot.Lang, name string) error {
	if strings.ContainsFunc(name, isBidiControl) {
		return bidiError(lang)
	}
	if mixedScripts(name) {
		return bot.Errorf(bot.Invalid, "%s", tr(lang,
			"Navnet blander bogstaver fra flere alfabeter (latinske, kyrilliske eller græske), så intet er gemt: bogstaver fra flere alfabeter kan efterligne en anden virksomheds navn. Skriv navnet med ét alfabet, fx kun latinske bogstaver.",
			"The name mixes letters of several alphabets (Latin, Cyrillic or Greek), so nothing was saved: letters from several alphabets can imitate another company's name. Please write the name in one alphabet, e.g. Latin letters only."))
	}
	return nil
}

// lookalikes maps Cyrillic and Greek letters to the Latin letters they
// look like (the common ones of Unicode's confusables, upper and lower
// case).
var lookalikes = map[rune]rune{
	// Cyrillic
	'А': 'a', 'В': 'b', 'Е': 'e', 'Ё': 'e', 'К': 'k', 'Л': 'l', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c',
	'Т': 't', 'У': 'y', 'Х': 'x', 'Ѕ': 's', 'І': 'i', 'Ї': 'i', 'Ј': 'j', 'Ԛ': 'q', 'Ԝ': 'w', 'Ү': 'y', 'Ӏ': 'l',
	'а': 'a', 'в': 'b', 'г': 'r', 'е': 'e', 'ё': 'e', 'к': 'k', 'л': 'l', 'м': 'm', 'н': 'h', 'о': 'o', 'п': 'n',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ь': 'b', 'ѕ': 's', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ԁ': 'd',
	'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ӏ': 'l', 'ө': 'o', 'ү': 'y', 'ҫ': 'c',
	// Greek
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o', 'Ρ': 'p',
	'Τ': 't', 'Υ': 'y', 'Χ': 'x', 'α': 'a', 'β': 'b', 'γ': 'y', 'ε': 'e', 'ζ': 'z', 'η': 'n', 'ι': 'i', 'κ': 'k',
	'μ': 'u', 'ν': 'v', 'ο': 'o', 'π': 'n', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w',
}

// skeleton is name's key (bot.NormalizeName) once folded with NFKC (so
// full-width letters are letters) and with every look-alike read as the
// Latin letter it looks like. It equals name's own key for a name
// without look-alikes.
func skeleton(name string) string {
	name = norm.NFKC.String(name)
	return bot.NormalizeName(strings.Map(func(r rune) rune {
		if l, ok := lookalikes[r]; ok {
			return l
		}
		return r
	}, name))
}

// imitationError refuses a name that reads as other's.
func imitationError(lang bot.Lang, name, other string) error {
	return bot.Errorf(bot.Invalid, "%s", tr(lang,
		"»"+clip(name)+"« kan forveksles med »"+other+"«: bogstaverne ligner latinske, men er fra et andet alfabet (eller er brede tegn). Intet er gemt. Skriv navnet med almindelige latinske bogstaver, eller vælg et navn, der ikke ligner en anden virksomheds.",
		"»"+clip(name)+"« can be mistaken for »"+other+"«: its letters look Latin but are of another alphabet (or are full-width). Nothing was saved. Please write the name in plain Latin letters, or choose a name that does not look like another company's."))
}

// checkCompanyName refuses a new company name or alias for the company
// self (0 for a new company): bidi controls, mixed alphabets, or letters
// that, read as the Latin ones they look like, spell another company's
// name or alias, or whole words of one.
func (s *Service) checkCompanyName(ctx context.Context, c *call, name string, self uint64) error {
	if err := checkNameText(c.lang, name); err != nil {
		return err
	}
	skel := skeleton(name)
	if skel == bot.NormalizeName(name) || skel == "" {
		return nil
	}
	_, exact, partial, err := s.names.FindCompaniesFirst(ctx, []string{skel}, 2)
	if err != nil {
		return fmt.Errorf("find look-alike: %w", err)
	}
	if exact != nil && exact.ID != self {
		return imitationError(c.lang, name, exact.Name)
	}
	// A look-alike of some words of another name (»ЛТЕК« beside »L-tek
	// Svejs«) imitates it as well.
	for _, co := range partial {
		if co.ID != self {
			return imitationError(c.lang, name, co.Name)
		}
	}
	return nil
}
