package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kontaktbot/bot"
)

// nameIndex is what resolving the names in a line (companies, people,
// jobcenters) uses of the store (the contracts are in store.go).
type nameIndex interface {
	FindCompaniesFirst(ctx context.Context, keys []string, limit int) (i int, exact *bot.Company, partial []bot.Company, err error)
	CompanyByCVR(ctx context.Context, cvr string) (bot.Company, error)
	SuggestCompanies(ctx context.Context, text string, limit int) ([]bot.Company, error)
	ConsultantByName(ctx context.Context, name string) (bot.Consultant, error)
	Consultants(ctx context.Context) ([]bot.Consultant, error)
	JobcenterByName(ctx context.Context, name string) (bot.Jobcenter, error)
	Jobcenters(ctx context.Context) ([]bot.Jobcenter, error)
}

// maxNameWords is the most words a company name is tried with.
const maxNameWords = 8

// companyAt finds the company named by the longest run of leading words:
// "Grundfos Odense mødte Claus" finds "Grundfos Odense" before "Grundfos".
// A run matches a company's name or alias exactly or, failing that, a run
// of whole words anywhere in exactly one name or alias, also with a, e, o
// typed for æ, ø, å ("zoo" for Odense Zoo, "Fotex" for Føtex). It returns
// the company and the words after its name. An unknown or ambiguous name
// gives a *bot.Error listing the candidates or the closest companies; it
// never guesses.
func (s *Service) companyAt(ctx context.Context, c *call, words []string) (bot.Company, []string, error) {
	if len(words) == 0 {
		return bot.Company{}, nil, bot.Errorf(bot.Invalid, "%s", c.tr("Skriv hvilken virksomhed det drejer sig om.", "Say which company you mean."))
	}
	if cvr := bot.CleanCVR(words[0]); len(cvr) == 8 && bot.ValidCVR(cvr) {
		co, err := s.names.CompanyByCVR(ctx, cvr)
		if err == nil {
			return co, words[1:], nil
		}
		if !errors.Is(err, bot.ErrNotFound) {
			return bot.Company{}, nil, fmt.Errorf("company by cvr: %w", err)
		}
	}
	// The longest run of words first: "Brødrene Hansen mødte Lars" is
	// Brødrene Hansen, not Brødrene.
	// Each word is normalized once: normalizing a run of words is
	// normalizing each and joining those that keep a letter or digit.
	keys := make([]string, min(len(words), maxNameWords))
	run := ""
	for n := 1; n <= len(keys); n++ {
		if w := bot.NormalizeName(words[n-1]); w != "" && run != "" {
			run += " " + w
		} else if w != "" {
			run = w
		}
		keys[len(keys)-n] = run
	}
	i, exact, partial, err := s.names.FindCompaniesFirst(ctx, keys, 6)
	if err != nil {
		return bot.Company{}, nil, fmt.Errorf("find company: %w", err)
	}
	if i >= 0 {
		n := len(keys) - i
		switch {
		case exact != nil:
			return *exact, words[n:], nil
		case len(partial) == 1:
			return partial[0], words[n:], nil
		default:
			return bot.Company{}, nil, ambiguous(c, strings.Join(words[:n], " "), partial)
		}
	}
	return bot.Company{}, nil, s.unknownCompany(ctx, c, words)
}

// company resolves words that must be exactly one company's name.
func (s *Service) company(ctx context.Context, c *call, words []string) (bot.Company, error) {
	co, rest, err := s.companyAt(ctx, c, words)
	if err != nil {
		return co, err
	}
	if len(rest) > 0 {
		return co, s.unknownCompany(ctx, c, words)
	}
	return co, nil
}

func ambiguous(c *call, typed string, cands []bot.Company) error {
	names := make([]string, 0, len(cands))
	for i, co := range cands {
		if i == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, co.Name)
	}
	return bot.Errorf(bot.Conflict, "%s", c.tr(
		"»"+clip(typed)+"« passer på flere virksomheder: "+strings.Join(names, ", ")+". Skriv mere af navnet.",
		"»"+clip(typed)+"« fits several companies: "+strings.Join(names, ", ")+". Type more of the name."))
}

func (s *Service) unknownCompany(ctx context.Context, c *call, words []string) error {
	typed := strings.Join(words[:min(len(words), 4)], " ")
	sugg, err := s.names.SuggestCompanies(ctx, strings.Join(words[:min(len(words), maxNameWords)], " "), 3)
	if err != nil {
		return fmt.Errorf("suggest companies: %w", err)
	}
	if len(sugg) == 0 {
		return bot.Errorf(bot.NotFound, "%s", c.tr(
			"Jeg kender ingen virksomhed, der hedder »"+clip(typed)+"«. Opret den med »company add <navn>«.",
			"I know no company called »"+clip(typed)+"«. Register it with »company add <name>«."))
	}
	names := make([]string, len(sugg))
	for i, co := range sugg {
		names[i] = co.Name
	}
	return bot.Errorf(bot.NotFound, "%s", c.tr(
		"Jeg kender ingen virksomhed, der hedder »"+clip(typed)+"«. Mente du: "+strings.Join(names, ", ")+"?",
		"I know no company called »"+clip(typed)+"«. Did you mean: "+strings.Join(names, ", ")+"?"))
}

// clip shortens what a user typed before it is echoed back.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// person finds the consultant that words name: by full name, or by a
// unique first name or start of a name, also with æ, ø and å typed as a,
// e and o (bot.LooseHasPrefix); several that fit are listed, not guessed.
// Slack mentions are resolved by the adapter before the text reaches us.
func (s *Service) person(ctx context.Context, c *call, words []string) (bot.Consultant, error) {
	typed := strings.Join(words, " ")
	if len(words) == 0 {
		return bot.Consultant{}, bot.Errorf(bot.Invalid, "%s", c.tr("Skriv hvem det drejer sig om.", "Say who you mean."))
	}
	p, err := s.names.ConsultantByName(ctx, typed)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, bot.ErrNotFound) {
		return p, fmt.Errorf("consultant by name: %w", err)
	}
	all, err := s.names.Consultants(ctx)
	if err != nil {
		return bot.Consultant{}, fmt.Errorf("list consultants: %w", err)
	}
	// Loosely, with æ, ø, å typed as a, e, o: "soren" is Søren Ørsted.
	key := bot.NormalizeName(typed)
	var hits []bot.Consultant
	for _, p := range all {
		if bot.LooseHasPrefix(bot.NormalizeName(p.Name), key) {
			hits = append(hits, p)
		}
	}
	if len(hits) == 1 {
		return hits[0], nil
	}
	if len(hits) > 1 {
		return bot.Consultant{}, bot.Errorf(bot.Conflict, "%s", c.tr(
			"»"+clip(typed)+"« passer på flere personer: "+personNames(hits)+". Skriv hele navnet.",
			"»"+clip(typed)+"« fits several people: "+personNames(hits)+". Type the full name."))
	}
	return bot.Consultant{}, unknownPerson(c, typed, all)
}

func unknownPerson(c *call, typed string, all []bot.Consultant) error {
	key := bot.NormalizeName(typed)
	keyFirst := strings.SplitN(key, " ", 2)[0]
	var close []bot.Consultant
	for _, p := range all {
		n := bot.NormalizeName(p.Name)
		first := strings.SplitN(n, " ", 2)[0]
		if editDistance(key, n) <= 2 || editDistance(keyFirst, first) <= 1 {
			close = append(close, p)
		}
	}
	hint := c.tr(" Personer bliver kendt, når de har skrevet til kontaktbot første gang.", " People become known when they first write to kontaktbot.")
	if len(close) > 0 {
		hint = c.tr(" Mente du: ", " Did you mean: ") + personNames(close) + "?"
	}
	return bot.Errorf(bot.NotFound, "%s", c.tr("Jeg kender ingen person, der hedder »", "I know no one called »")+clip(typed)+"«."+hint)
}

func personNames(ps []bot.Consultant) string {
	names := make([]string, 0, len(ps))
	for i, p := range ps {
		if i == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// jobcenter finds the jobcenter named by words, also without the word
// "Jobcenter" ("Sorø" finds "Jobcenter Sorø").
func (s *Service) jobcenter(ctx context.Context, c *call, words []string) (bot.Jobcenter, error) {
	typed := strings.Join(words, " ")
	j, err := s.names.JobcenterByName(ctx, typed)
	if err == nil {
		return j, nil
	}
	if !errors.Is(err, bot.ErrNotFound) {
		return j, fmt.Errorf("jobcenter by name: %w", err)
	}
	all, err := s.names.Jobcenters(ctx)
	if err != nil {
		return bot.Jobcenter{}, fmt.Errorf("list jobcenters: %w", err)
	}
	key := bot.NormalizeName(typed)
	for _, j := range all {
		if n := bot.NormalizeName(j.Name); key != "" && (n == "jobcenter "+key || strings.TrimPrefix(key, "jobcenter ") == n) {
			return j, nil
		}
	}
	names := make([]string, len(all))
	for i, j := range all {
		names[i] = j.Name
	}
	return bot.Jobcenter{}, bot.Errorf(bot.NotFound, "%s", c.tr(
		"Jeg kender intet jobcenter, der hedder »"+clip(typed)+"«. Kendte jobcentre: "+strings.Join(names, ", ")+".",
		"I know no jobcenter called »"+clip(typed)+"«. Known jobcenters: "+strings.Join(names, ", ")+"."))
}

// splitAt splits words at the first separator word ("=", "til", "to",
// "->"), or returns ok false when there is none.
func splitAt(words []string, seps ...string) (left, right []string, ok bool) {
	for i, w := range words {
		for _, sep := range seps {
			if strings.EqualFold(w, sep) && i > 0 && i < len(words)-1 {
				return words[:i], words[i+1:], true
			}
		}
	}
	return words, nil, false
}
