package bot

import (
	"strings"
	"unicode"
)

// NormalizeName folds a company or person name into the key it is matched
// by: lower case, Danish letters spelt as on a keyboard without them (æ→ae,
// ø→oe, å→aa), other accents dropped, punctuation removed inside words and
// words joined by one space. "L-tek A/S" becomes "ltek as", "ÆRØ
// Maskinfabrik" becomes "aeroe maskinfabrik", and "aeroe maskinfabrik" stays
// as it is, so all three spellings meet at one key.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	space := false // a separator is pending
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			continue // punctuation and symbols vanish: "L-tek" is "ltek"
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		writeFolded(&b, unicode.ToLower(r))
	}
	return b.String()
}

func writeFolded(b *strings.Builder, r rune) {
	switch r {
	case 'æ', 'ǽ':
		b.WriteString("ae")
	case 'ø', 'ö', 'ǿ':
		b.WriteString("oe")
	case 'å':
		b.WriteString("aa")
	case 'ä':
		b.WriteString("ae")
	case 'ü':
		b.WriteString("ue")
	case 'ß':
		b.WriteString("ss")
	case 'é', 'è', 'ê', 'ë':
		b.WriteByte('e')
	case 'á', 'à', 'â':
		b.WriteByte('a')
	case 'í', 'ì', 'î', 'ï':
		b.WriteByte('i')
	case 'ó', 'ò', 'ô':
		b.WriteByte('o')
	case 'ú', 'ù', 'û':
		b.WriteByte('u')
	default:
		b.WriteRune(r)
	}
}

// MaxNameVariants bounds what NameVariants returns: a word rarely holds
// more than two of æ, ø and å, and a bound keeps a crafted name from
// costing memory or time.
const MaxNameVariants = 16

// NameVariants returns the spellings that key (a NormalizeName result)
// may also be typed or stored with by someone without æ, ø and å on the
// keyboard: every "ae" may be "a" or "e" (æ), every "oe" may be "o" (ø),
// every "aa" may be "a" (å). key itself comes first; there are at most
// MaxNameVariants, each a NormalizeName fixed point with key's words. Two
// keys are spelt alike (LooseEqual) when their variants meet, so "foetex"
// (Føtex) meets "fotex", and "soeren" (Søren) meets "soren". Plain words
// with those letter pairs ("michael", "aalborg") get variants too: they
// only widen a search, and an exact spelling still wins over them.
func NameVariants(key string) []string {
	out := []string{key}
	for i := 0; i+1 < len(key); i++ {
		var alts []string
		switch key[i : i+2] {
		case "ae":
			alts = []string{"a", "e"}
		case "oe":
			alts = []string{"o"}
		case "aa":
			alts = []string{"a"}
		default:
			continue
		}
		// Each variant so far keeps the pair at the same distance from
		// its end, since only earlier pairs have shrunk.
		end := len(key) - i
		n := len(out)
		for _, v := range out[:n] {
			at := len(v) - end
			for _, a := range alts {
				if len(out) == MaxNameVariants {
					break
				}
				out = append(out, v[:at]+a+v[at+2:])
			}
		}
		i++ // a pair is read once: "aae" is "aa" then "e"
	}
	return out
}

// LooseEqual reports whether the NormalizeName keys a and b name the same
// thing when æ, ø and å may have been typed as a, e and o (NameVariants):
// word by word, each pair of words has a variant in common.
func LooseEqual(a, b string) bool {
	return a == b || (strings.Count(a, " ") == strings.Count(b, " ") && LooseHasPrefix(a, b))
}

// LooseHasPrefix reports whether the first words of key are loosely
// (LooseEqual) the words of prefix: "soren" is a loose prefix of
// "soeren oersted", "sor" is not, and neither is "".
func LooseHasPrefix(key, prefix string) bool {
	if prefix == "" {
		return false
	}
	kw, pw := strings.Split(key, " "), strings.Split(prefix, " ")
	if len(pw) > len(kw) {
		return false
	}
	for i := range pw {
		if !LooseWordEqual(kw[i], pw[i]) {
			return false
		}
	}
	return true
}

// LooseWordEqual reports whether two normalized words share a variant.
func LooseWordEqual(a, b string) bool {
	if a == b {
		return true
	}
	if !strings.Contains(a, "a") && !strings.Contains(a, "o") && !strings.Contains(b, "a") && !strings.Contains(b, "o") {
		return false // neither can have a variant but itself
	}
	bv := NameVariants(b)
	for _, v := range NameVariants(a) {
		for _, w := range bv {
			if v == w {
				return true
			}
		}
	}
	return false
}
