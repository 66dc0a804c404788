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
