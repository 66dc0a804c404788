package commands_test

import (
	"strings"
	"testing"

	"kontaktbot/bot"
)

// TestEveryCommandHasTwoNames checks the table's promise: each command has
// a Danish and an English name, its usage and example in each language
// begin with that language's name, and both names and both examples reach
// the command (help for a line shows the command the line runs).
func TestEveryCommandHasTwoNames(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp") // the first person is the admin, who may see every command
	b.ok("Eve", "hjælp")
	b.ok("Eve", "language en")
	b.ok("Anne", "rolle Eve admin")
	for _, s := range b.svc.Specs() {
		if s.Name == "" || s.Da == "" {
			t.Errorf("%q/%q: a command needs a Danish and an English name", s.Name, s.Da)
			continue
		}
		for _, lang := range []bot.Lang{bot.Danish, bot.English} {
			name := s.In(lang)
			if !strings.HasPrefix(s.Usage[lang], name) {
				t.Errorf("%s: %s usage %q does not begin with %q", s.Name, lang, s.Usage[lang], name)
			}
			if ex := s.Example[lang]; ex != name && !strings.HasPrefix(ex, name+" ") {
				t.Errorf("%s: %s example %q does not begin with %q", s.Name, lang, ex, name)
			}
			for _, who := range []string{"Anne", "Eve"} { // a Danish and an English reader
				for _, line := range []string{name, s.Example[lang]} {
					if got := b.ok(who, "hjælp "+line); !strings.HasPrefix(got, s.Usage[langOf(who)]) {
						t.Errorf("help for %q reaches another command:\n%s", line, got)
					}
				}
			}
		}
	}
}

func langOf(who string) bot.Lang {
	if who == "Eve" {
		return bot.English
	}
	return bot.Danish
}

// TestHelpSpeaksTheReadersLanguage checks that help for one command shows
// its example and keywords in the reader's language and names the other
// language's name as also accepted.
func TestHelpSpeaksTheReadersLanguage(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	contains(t, b.ok("Hanne", "hjælp virksomhed opret"), "virksomhed opret <navn>", "Eksempel: virksomhed opret Ærø", "Nøgleord: cvr, kadence, ejer, niveau, område, normal, intensiveret", "Også: company add")
	b.ok("Hanne", "sprog en")
	got := b.ok("Hanne", "help besøg")
	contains(t, got, "visit <company>", "Example: visit L-tek", "Also: besøg")
	lacks(t, got, "Eksempel")
	contains(t, b.ok("Hanne", "hjælp virksomhed opret"), "Keywords: cvr, cadence, owner, tier, area, normal, intensified")
	contains(t, b.ok("Hanne", "help candidate"), "Keywords: meeting, course, outcome, job, wage-subsidy, internship, none")
	list := b.ok("Hanne", "help")
	contains(t, list, "• company add <name>", "• undo —", "• language da|en")
	lacks(t, list, "virksomhed opret", "fortryd")
}

// TestNoNameShadowsAnother checks that no command's name or alias is also
// another command's English or Danish name: the lookup keeps the first,
// so the second would silently be unreachable under that name.
func TestNoNameShadowsAnother(t *testing.T) {
	t.Parallel()
	owner := map[string]string{}
	specs := newBot(t).svc.Specs()
	for _, s := range specs {
		for _, n := range []string{s.Name, s.Da} {
			if o, ok := owner[strings.ToLower(n)]; ok && o != s.Name {
				t.Errorf("%q names both %s and %s", n, o, s.Name)
			}
			owner[strings.ToLower(n)] = s.Name
		}
	}
	for _, s := range specs {
		for _, a := range s.Aliases {
			if o, ok := owner[strings.ToLower(a)]; ok && o != s.Name {
				t.Errorf("alias %q of %s is %s's name", a, s.Name, o)
			}
		}
	}
}
