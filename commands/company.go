package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kontaktbot/bot"
)

// companyRegister is what registering, showing and changing a company use
// of the store (the contracts are in store.go).
type companyRegister interface {
	CreateCompany(ctx context.Context, c bot.Company, audit ...bot.AuditEntry) (bot.Company, error)
	Company(ctx context.Context, id uint64) (bot.Company, error)
	UpdateCompany(ctx context.Context, id uint64, fn func(*bot.Company) error, audit ...bot.AuditEntry) (bot.Company, error)
}

// Default cadences in days when a company is added without one.
const (
	DefaultCadence            = 30
	DefaultIntensifiedCadence = 14
	MaxCadence                = 366
)

// The option keywords of »virksomhed opret«, each standing for the field
// it sets.
var (
	wordCVR     = word("cvr", "cvr")
	wordCadence = word("kadence", "cadence")
	wordOwner   = word("ejer", "owner", "konsulent", "consultant")
	wordTier    = word("niveau", "tier")
	wordArea    = word("område", "area", "adresse", "address")

	companyOptions = []Choice[string]{
		{wordCVR, "cvr"}, {wordCadence, "cadence"}, {wordOwner, "owner"}, {wordTier, "tier"}, {wordArea, "area"},
	}
)

// tiers are the values »niveau« takes.
var tiers = []Choice[bot.Tier]{
	{word("normal", "normal", "almindelig"), bot.TierNormal},
	{word("intensiveret", "intensified", "tæt", "close"), bot.TierIntensified},
}

type companyAddArgs struct {
	name, cvr, area, owner string
	cadence                int
	tier                   bot.Tier
}

// parseCompanyAdd reads "<name> [cvr N] [kadence N] [ejer <person>] [niveau x] [område <text>]".
// The name is every word before the first option keyword.
func parseCompanyAdd(c *call, args []string) (companyAddArgs, error) {
	a := companyAddArgs{tier: bot.TierNormal}
	i := 0
	for i < len(args) && optionKind(args[i]) == "" {
		i++
	}
	a.name = strings.Join(args[:i], " ")
	if bot.NormalizeName(a.name) == "" {
		return a, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Skriv virksomhedens navn, fx »virksomhed opret Ærø Maskinfabrik cvr 12345674«.",
			"Give the company's name, e.g. »company add Ærø Maskinfabrik cvr 12345674«."))
	}
	for i < len(args) {
		kind := optionKind(args[i])
		j := i + 1
		for j < len(args) && optionKind(args[j]) == "" {
			j++
		}
		val := strings.Join(args[i+1:j], " ")
		if err := a.set(c, kind, args[i], val); err != nil {
			return a, err
		}
		i = j
	}
	if a.cadence == 0 {
		a.cadence = DefaultCadence
		if a.tier == bot.TierIntensified {
			a.cadence = DefaultIntensifiedCadence
		}
	}
	return a, nil
}

// optionKind is the field the option keyword w sets, or "" when w is no
// option keyword.
func optionKind(w string) string {
	kind, _ := choose(companyOptions, w)
	return kind
}

func (a *companyAddArgs) set(c *call, kind, word, val string) error {
	if val == "" {
		return bot.Errorf(bot.Invalid, "%s", c.tr("»"+word+"« mangler en værdi bagefter.", "»"+word+"« needs a value after it."))
	}
	var err error
	switch kind {
	case "cvr":
		a.cvr, err = parseCVR(c, val)
	case "cadence":
		a.cadence, err = parseCadence(c, val)
	case "owner":
		a.owner = val
	case "area":
		a.area = val
	case "tier":
		a.tier, err = parseTier(c, val)
	}
	return err
}

func parseCVR(c *call, s string) (string, error) {
	cvr := bot.CleanCVR(s)
	if !bot.ValidCVR(cvr) {
		return "", bot.Errorf(bot.Invalid, "%s", c.tr(
			"»"+clip(s)+"« er ikke et gyldigt CVR-nummer: det skal være 8 cifre, der består CVR-registrets kontrol. Tjek nummeret på virk.dk.",
			"»"+clip(s)+"« is not a valid CVR number: it must be 8 digits that pass the register's check. Check the number on virk.dk."))
	}
	return cvr, nil
}

func parseCadence(c *call, s string) (int, error) {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), " dage"), " days"), "d")
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > MaxCadence {
		return 0, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Kadencen skal være et helt antal dage fra 1 til "+itoa(MaxCadence)+", fx »kadence 30«.",
			"The cadence must be a whole number of days from 1 to "+itoa(MaxCadence)+", e.g. »cadence 30«."))
	}
	return n, nil
}

func parseTier(c *call, s string) (bot.Tier, error) {
	if t, ok := choose(tiers, s); ok {
		return t, nil
	}
	quoted := names(tiers, c.lang)
	for i, n := range quoted {
		quoted[i] = "»" + n + "«"
	}
	return "", bot.Errorf(bot.Invalid, "%s", c.tr("Niveau skal være ", "Tier must be ")+orList(c.lang, quoted)+".")
}

func runCompanyAdd(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	a, err := parseCompanyAdd(c, args)
	if err != nil {
		return bot.Message{}, err
	}
	name := strings.Join(fields(a.name), " ")
	if err := s.checkCompanyName(ctx, c, name, 0); err != nil {
		return bot.Message{}, err
	}
	owner := c.actor
	if a.owner != "" {
		if owner, err = s.person(ctx, c, fields(a.owner)); err != nil {
			return bot.Message{}, err
		}
	}
	// A consultant adds companies for themselves; giving one to a
	// colleague is a lead's act in that colleague's jobcenter, as
	// »virksomhed tildel« is.
	if owner.ID != c.actor.ID {
		if err := s.mayLead(ctx, c, owner.JobcenterID); err != nil {
			return bot.Message{}, err
		}
	}
	var audit []bot.AuditEntry
	if owner.ID != c.actor.ID {
		audit = append(audit, c.entry(bot.AuditAssign, owner.JobcenterID, owner.ID, name, "new company -> "+owner.Name))
	}
	co, err := s.register.CreateCompany(ctx, bot.Company{
		Name: name, CVR: a.cvr, Area: a.area, OwnerID: owner.ID, OwnerSince: c.now,
		CadenceDays: a.cadence, Tier: a.tier, Status: bot.StatusActive, Created: c.now,
	}, audit...)
	if err != nil {
		return bot.Message{}, s.conflictError(ctx, c, err)
	}
	return bot.Reply(c.tr("✅ Oprettet: ", "✅ Registered: ") + co.Name + c.tr(" med ", " with ") + owner.Name +
		c.tr(" som fast konsulent, kadence "+itoa(co.CadenceDays)+" dage. Første kontakt senest ",
			" as dedicated consultant, cadence "+itoa(co.CadenceDays)+" days. First contact due ") +
		bot.FormatDate(co.DueDay(), c.lang) + "."), nil
}

// conflictError explains a clash with a stored company in the user's words.
func (s *Service) conflictError(ctx context.Context, c *call, err error) error {
	var ce *bot.ConflictError
	if !errors.As(err, &ce) {
		return fmt.Errorf("store company: %w", err)
	}
	holder := "#" + itoa(int(ce.ID))
	if co, gerr := s.register.Company(ctx, ce.ID); gerr == nil {
		holder = co.Name
	}
	if ce.What == "shadow" {
		names := ce.Shadowed
		if len(names) > 5 {
			names = append(names[:5:5], "…")
		}
		return bot.Errorf(bot.Conflict, "%s", c.tr(
			"»"+clip(ce.Key)+"« ville skygge for "+strings.Join(names, ", ")+": de kunne ikke længere findes under det navn. Vælg et navn, der ikke er begyndelsen af en anden virksomheds navn.",
			"»"+clip(ce.Key)+"« would shadow "+strings.Join(names, ", ")+": they could no longer be found by that name. Choose a name that is not the start of another company's name."))
	}
	if ce.What == "cvr" {
		return bot.Errorf(bot.Conflict, "%s", c.tr(
			"CVR "+ce.Key+" hører allerede til "+holder+". Se den med »virksomhed "+holder+"«.",
			"CVR "+ce.Key+" already belongs to "+holder+". See it with »company "+holder+"«."))
	}
	return bot.Errorf(bot.Conflict, "%s", c.tr(
		"Navnet »"+clip(ce.Key)+"« bruges allerede af "+holder+". Vælg et navn, der skiller sig ud, fx med byen: »"+clip(ce.Key)+" Odense«.",
		"The name »"+clip(ce.Key)+"« is already used by "+holder+". Choose a distinct name, e.g. with the town: »"+clip(ce.Key)+" Odense«."))
}

func isNotFound(err error) bool { return errors.Is(err, bot.ErrNotFound) }
