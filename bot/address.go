package bot

import (
	"regexp"
	"strings"
)

// addressForm is a Danish address's street, postcode and town: "Havnegade
// 12, 5000 Odense C", the comma optional, "DK-5000" allowed, the street
// left out for "5000 Odense C". The last four-digit number followed by a
// town is the postcode, so a street with a number in its name still reads.
var addressForm = regexp.MustCompile(`^(?:(.*\S)[\s,]+)?(?:DK-?)?(\d{4})\s+(\S.*)$`)

// ParseAddress reads an address as a consultant or a register writes it:
// street ("Havnegade 12"), postcode ("5000") and town ("Odense C"). ok is
// false when no postcode followed by a town is found.
func ParseAddress(s string) (street, postcode, town string, ok bool) {
	s = strings.Join(strings.Fields(s), " ")
	m := addressForm.FindStringSubmatch(s)
	if m == nil {
		return "", "", "", false
	}
	street = strings.TrimRight(strings.TrimSpace(m[1]), ",")
	return strings.TrimSpace(street), m[2], strings.TrimSpace(strings.Trim(m[3], ",")), true
}
