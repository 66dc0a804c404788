package commands

import (
	"slices"

	"kontaktbot/bot"
)

// Word is one keyword of the command language: an argument keyword
// (»frist«, »antal«), or a value a keyword takes (»telefon«, »løntilskud«).
// It is declared once, beside the command that reads it, with its Danish
// and English spellings; both are always accepted, whatever the
// conversation's language, and the spellings people type on keyboards
// without æ, ø and å are accepted too, since matching is on the folded
// word. A Word is folded once, when it is declared.
type Word struct {
	// Da and En are the spellings shown in each language.
	Da, En string
	keys   []string // folded spellings, Da and En first
}

// word declares a keyword: its Danish and English names, then any other
// spellings that mean the same ("tlf" for »telefon«).
func word(da, en string, also ...string) Word {
	w := Word{Da: da, En: en}
	for _, s := range append([]string{da, en}, also...) {
		if k := fold(s); k != "" && !slices.Contains(w.keys, k) {
			w.keys = append(w.keys, k)
		}
	}
	return w
}

// Is reports whether the typed word s is this keyword, ignoring case,
// punctuation and how æ, ø and å were typed.
func (w Word) Is(s string) bool { return slices.Contains(w.keys, fold(s)) }

// In returns the keyword's name in lang.
func (w Word) In(lang bot.Lang) string { return lang.Pick(w.Da, w.En) }

// isAny reports whether s is one of words.
func isAny(s string, words ...Word) bool {
	k := fold(s)
	for _, w := range words {
		if slices.Contains(w.keys, k) {
			return true
		}
	}
	return false
}

// Choice is a value word and the value it stands for: one of a closed set
// of answers, such as the kinds of contact.
type Choice[T any] struct {
	Word  Word
	Value T
}

// choose returns the value of the choice s names.
func choose[T any](choices []Choice[T], s string) (T, bool) {
	k := fold(s)
	for _, c := range choices {
		if slices.Contains(c.Word.keys, k) {
			return c.Value, true
		}
	}
	var zero T
	return zero, false
}

// names lists the choices' names in lang, for help and for refusals that
// say what may be written instead: "besøg, telefon, mail eller møde".
func names[T any](choices []Choice[T], lang bot.Lang) []string {
	out := make([]string, len(choices))
	for i, c := range choices {
		out[i] = c.Word.In(lang)
	}
	return out
}

// orList joins items as a list ending in »eller« or »or«.
func orList(lang bot.Lang, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := ""
	for i, it := range items[:len(items)-1] {
		if i > 0 {
			out += ", "
		}
		out += it
	}
	return out + lang.Pick(" eller ", " or ") + items[len(items)-1]
}

// wordsOf returns the words of choices, for a command's Words.
func wordsOf[T any](choices []Choice[T]) []Word {
	out := make([]Word, len(choices))
	for i, c := range choices {
		out[i] = c.Word
	}
	return out
}
