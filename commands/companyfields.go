package commands

import (
	"context"
	"strings"

	"kontaktbot/bot"
)

// clearWord empties a company's CVR number or area: »virksomhed cvr L-tek
// ingen«.
var clearWord = word("ingen", "none", "slet", "clear")

// runCompanyCVR sets or clears a company's CVR number: »virksomhed cvr
// <virksomhed> <nr>|ingen«. The number is the last word (or the last few,
// for »12 34 56 74«) and must pass the register's check; one another
// company holds is refused with its name.
func runCompanyCVR(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) < 2 {
		return bot.Message{}, usageError(s, c, "company cvr")
	}
	cvr, n, err := trailingCVR(c, args)
	if err != nil {
		return bot.Message{}, err
	}
	co, err := s.company(ctx, c, args[:len(args)-n])
	if err != nil {
		return bot.Message{}, err
	}
	old := co.CVR
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error { x.CVR = cvr; return nil })
	if err != nil {
		return bot.Message{}, err
	}
	switch {
	case cvr == "":
		return bot.Reply(c.tr("✅ "+co.Name+" har ikke længere et CVR-nummer", "✅ "+co.Name+" no longer has a CVR number") + was(c, old) + "."), nil
	default:
		return bot.Reply(c.tr("✅ CVR for "+co.Name+" er nu "+cvr, "✅ The CVR of "+co.Name+" is now "+cvr) + was(c, old) + "."), nil
	}
}

// was says what a field held before a change, if anything.
func was(c *call, old string) string {
	if old == "" {
		return ""
	}
	return c.tr(" (før: "+old+")", " (was: "+old+")")
}

// trailingCVR reads the CVR number at the end of args: »ingen« clears it,
// else the last one to four words must make a valid number. It returns the
// number and how many words it took.
func trailingCVR(c *call, args []string) (string, int, error) {
	last := args[len(args)-1]
	if clearWord.Is(last) {
		return "", 1, nil
	}
	for n := 1; n <= 4 && n < len(args); n++ {
		cvr := bot.CleanCVR(strings.Join(args[len(args)-n:], ""))
		if len(cvr) == 8 && bot.ValidCVR(cvr) {
			return cvr, n, nil
		}
	}
	_, err := parseCVR(c, last)
	return "", 0, err
}

// runCompanyArea sets or clears a company's area or address: »virksomhed
// område <virksomhed> = <tekst>|ingen«; without »=« the longest company
// name is taken and the rest is the area. New positions take their place
// from it.
func runCompanyArea(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	co, area, err := s.companyAndText(ctx, c, args, "company area")
	if err != nil {
		return bot.Message{}, err
	}
	if clearWord.Is(area) {
		area = ""
	}
	if r := []rune(area); len(r) > maxAreaRunes {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Området må højst være "+itoa(maxAreaRunes)+" tegn; skriv fx byen eller adressen. Intet er ændret.",
			"The area may be at most "+itoa(maxAreaRunes)+" characters; write e.g. the town or the address. Nothing was changed."))
	}
	old := co.Area
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error { x.Area = area; return nil })
	if err != nil {
		return bot.Message{}, err
	}
	if area == "" {
		return bot.Reply(c.tr("✅ "+co.Name+" har ikke længere et område", "✅ "+co.Name+" no longer has an area") + was(c, old) + "."), nil
	}
	return bot.Reply(c.tr("✅ Området for "+co.Name+" er nu »"+area+"«", "✅ The area of "+co.Name+" is now »"+area+"«") + was(c, old) + "."), nil
}

// maxAreaRunes bounds an area: a town or an address, not a note.
const maxAreaRunes = 200

// runCompanyAddress sets or clears a company's address: »virksomhed
// adresse <virksomhed> [=] <gade nr, postnr by>|ingen«. The same postcode
// or town makes companies near for »mens du er derude« (nearby.go).
func runCompanyAddress(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	co, text, err := s.companyAndText(ctx, c, args, "company address")
	if err != nil {
		return bot.Message{}, err
	}
	var street, postcode, town string
	if !clearWord.Is(text) {
		var ok bool
		street, postcode, town, ok = bot.ParseAddress(text)
		if !ok {
			return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
				"»"+clip(text)+"« kan jeg ikke læse som en adresse: skriv gade og nummer, postnummer (fire cifre) og by, fx »virksomhed adresse "+co.Name+" = Havnegade 12, 5000 Odense C«. Intet er ændret.",
				"I cannot read »"+clip(text)+"« as an address: write street and number, postcode (four digits) and town, e.g. »company address "+co.Name+" = Havnegade 12, 5000 Odense C«. Nothing was changed."))
		}
		if len([]rune(street)) > maxAreaRunes || len([]rune(town)) > maxAreaRunes {
			return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
				"Gade og by må højst være "+itoa(maxAreaRunes)+" tegn hver. Intet er ændret.",
				"Street and town may be at most "+itoa(maxAreaRunes)+" characters each. Nothing was changed."))
		}
	}
	old := place(bot.Company{Street: co.Street, Postcode: co.Postcode, Town: co.Town})
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error {
		x.Street, x.Postcode, x.Town = street, postcode, town
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	if postcode == "" {
		return bot.Reply(c.tr("✅ "+co.Name+" har ikke længere en adresse", "✅ "+co.Name+" no longer has an address") + was(c, old) + "."), nil
	}
	return bot.Reply(c.tr("✅ Adressen for "+co.Name+" er nu "+place(co), "✅ The address of "+co.Name+" is now "+place(co)) + was(c, old) + "." +
		c.tr(" Virksomheder med samme postnummer eller by regnes som i nærheden, når du har været på besøg.",
			" Companies with the same postcode or town count as close by after a visit.")), nil
}
