package bot

import "testing"

func TestParseAddress(t *testing.T) {
	for _, tc := range []struct {
		in, street, postcode, town string
		ok                         bool
	}{
		{"Havnegade 12, 5000 Odense C", "Havnegade 12", "5000", "Odense C", true},
		{"Havnegade 12 5000 Odense C", "Havnegade 12", "5000", "Odense C", true},
		{"  Østre  Stationsvej 4, 1. th.,  DK-5000   Odense C ", "Østre Stationsvej 4, 1. th.", "5000", "Odense C", true},
		{"5240 Odense NØ", "", "5240", "Odense NØ", true},
		{"Vej 1234 5000 Odense", "Vej 1234", "5000", "Odense", true},
		{"Ærøskøbingvej 3,5970 Ærøskøbing", "Ærøskøbingvej 3", "5970", "Ærøskøbing", true},
		{"Havnegade 12", "", "", "", false},
		{"Odense C", "", "", "", false},
		{"Havnegade 12, 500 Odense", "", "", "", false},
		{"5000", "", "", "", false},
		{"", "", "", "", false},
	} {
		street, postcode, town, ok := ParseAddress(tc.in)
		if street != tc.street || postcode != tc.postcode || town != tc.town || ok != tc.ok {
			t.Errorf("ParseAddress(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tc.in, street, postcode, town, ok, tc.street, tc.postcode, tc.town, tc.ok)
		}
	}
}
