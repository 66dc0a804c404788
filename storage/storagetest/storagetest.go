// Package storagetest gives tests and benchmarks a real database in a
// temporary directory and realistic portfolios to fill it with, as
// net/http/httptest does for servers.
package storagetest

import (
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
)

// MustOpen opens a fresh database file in tb's temp dir with clock (nil
// means the system clock) and closes it when the test ends.
func MustOpen(tb testing.TB, clock bot.Clock) *storage.DB {
	tb.Helper()
	db, err := storage.Open(filepath.Join(tb.TempDir(), "kontaktbot.db"), storage.Options{Timeout: time.Second, Clock: clock})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var (
	places = []string{"Odense", "Svendborg", "Nyborg", "Faaborg", "Middelfart", "Assens", "Kerteminde", "Bogense",
		"Ærø", "Langeland", "Sorø", "Slagelse", "Næstved", "Ringsted", "Holbæk", "Kalundborg", "Korsør", "Vejle",
		"Kolding", "Fredericia", "Horsens", "Aarhus", "Randers", "Viborg", "Skive", "Herning", "Holstebro", "Esbjerg",
		"Ribe", "Tønder", "Aabenraa", "Sønderborg", "Haderslev", "Nordfyn", "Fyns", "Sydfyns", "Vestsjællands",
		"Midtjysk", "Nordjysk", "Østjysk"}
	families = []string{"Hansen", "Jensen", "Nielsen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
		"Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen",
		"Johansen", "Møller", "Mortensen", "Holm", "Lund", "Bach", "Krogh", "Dahl", "Friis", "Skov", "Due", "Bøgh",
		"Kjær", "Vestergaard", "Østergaard", "Nørgaard", "Søgaard", "Damgaard", "Kirkegaard", "Bruun", "Juhl", "Winther",
		"Lauridsen", "Mikkelsen", "Frandsen", "Thygesen", "Brandt", "Høj", "Koch", "Iversen", "Ebbesen", "Æbelø", "Åbo"}
	trades = []string{"Maskinfabrik", "Smedie", "VVS", "El-service", "Tømrer", "Murer", "Malerfirma", "Vognmand",
		"Bageri", "Slagteri", "Rengøring", "Entreprenør", "Auto", "Transport", "Byg", "Plast", "Stål", "Træ",
		"Køleteknik", "Anlæg", "Gartneri", "Catering", "Tekstil", "Metal", "Emballage", "Logistik", "Montage",
		"Ventilation", "Isolering", "Kloak", "Låse", "Glarmester", "Blik", "Beton", "Kran", "Ejendomsservice",
		"Plejecenter", "Hotel", "Kro", "Møbelsnedkeri"}
	forms   = []string{"A/S", "ApS", "I/S", "& Søn", "& Co", "Holding", "", "", "", ""}
	streets = []string{"Vestergade", "Østergade", "Nørregade", "Søndergade", "Industrivej", "Håndværkervej", "Havnegade",
		"Stationsvej", "Kirkevej", "Møllevej", "Skovvej", "Fabriksvej", "Ålykke", "Bøgevænget", "Erhvervsvej"}
)

// Portfolio returns n companies with distinct, realistic Danish names
// (families, places, trades and company forms, with æ, ø and å), valid
// unique CVR numbers, cadences of 14 to 90 days and last contacts spread
// over the 120 days before now, owned round-robin by owners (none when
// owners is empty), each with an address: one of about 900 postcodes,
// the town and area named after it. The same n and seed give the same
// portfolio.
func Portfolio(n int, seed uint64, now time.Time, owners []uint64) []bot.Company {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	seen := make(map[string]bool, n)
	cs := make([]bot.Company, 0, n)
	cvr := 10000000
	for len(cs) < n {
		name := families[r.IntN(len(families))] + " " + trades[r.IntN(len(trades))] + " " + places[r.IntN(len(places))]
		if f := forms[r.IntN(len(forms))]; f != "" {
			name += " " + f
		}
		if seen[bot.NormalizeName(name)] {
			name += " " + string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26)))
			if seen[bot.NormalizeName(name)] {
				continue
			}
		}
		seen[bot.NormalizeName(name)] = true
		number := CVR(cvr)
		cvr = atoi(number) + 1
		c := bot.Company{Name: name, CVR: number, CadenceDays: []int{14, 30, 30, 60, 90}[r.IntN(5)],
			Tier: bot.TierNormal, Status: bot.StatusActive, Created: now.AddDate(-1, 0, 0), OwnerSince: now.AddDate(-1, 0, 0),
			LastContact: now.Add(-time.Duration(r.IntN(120*24)) * time.Hour)}
		if len(owners) > 0 {
			c.OwnerID = owners[len(cs)%len(owners)]
		}
		// Derived from the position, not drawn, so that names stay as
		// they were before addresses were added.
		i := len(cs)
		pc := 1000 + (i*7919)%900*10
		c.Street = streets[i%len(streets)] + " " + strconv.Itoa(1+i%97)
		c.Postcode = strconv.Itoa(pc)
		c.Town = places[pc/10%len(places)] + []string{"", " C", " N", " S", " V", " Ø", " NØ", " SØ", " NV", " SV"}[pc/100%10]
		c.Area = c.Town
		cs = append(cs, c)
	}
	return cs
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// CVR returns the first valid CVR number (modulus 11) at or after the
// eight-digit number n.
func CVR(n int) string {
	weights := []int{2, 7, 6, 5, 4, 3, 2, 1}
	for ; ; n++ {
		d, sum := n, 0
		for i := 7; i >= 0; i-- {
			sum += (d % 10) * weights[i]
			d /= 10
		}
		if sum%11 == 0 {
			s := []byte("00000000")
			for i, d := 7, n; i >= 0; i, d = i-1, d/10 {
				s[i] = byte('0' + d%10)
			}
			return string(s)
		}
	}
}
