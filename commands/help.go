package commands

import (
	"context"
	"slices"
	"strings"

	"kontaktbot/bot"
)

// runHelp lists the commands the person's role allows, or explains one.
// It is generated from the command table, so it cannot fall out of date.
func runHelp(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) > 0 {
		return s.helpFor(c, strings.Join(args, " "))
	}
	items := make([]string, 0, len(s.table))
	for _, cmd := range s.table {
		if cmd.allowed(c.actor.Role) {
			items = append(items, cmd.Usage[c.lang]+" — "+cmd.Summary[c.lang])
		}
	}
	return bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: c.tr("kontaktbot: det kan du skrive", "kontaktbot: what you can type")},
		bot.List{Items: items},
		bot.Text{Text: c.tr(
			"Navne skrives uden anførselstegn. Datoer: 3/12, 03.12.2026, 3. december, i går, i morgen, sidste fredag, på fredag, uge 50, om 2 uger. En dato, jeg ikke kan læse, gemmer intet. »hjælp <kommando>« viser et eksempel.",
			"Names need no quotes. Dates: 3/12, 2026-12-03, 3 December, yesterday, tomorrow, last friday, next friday, week 50, in 2 weeks. A date I cannot read saves nothing. »help <command>« shows an example.")},
	}}, nil
}

func (s *Service) helpFor(c *call, topic string) (bot.Message, error) {
	cmd, _ := s.lookup(topic)
	if cmd == nil || !cmd.allowed(c.actor.Role) {
		return bot.Message{}, bot.Errorf(bot.NotFound, "%s", c.tr(
			"Der er ingen kommando »"+clip(topic)+"«, som du kan bruge. Skriv »hjælp« for at se dem alle.",
			"There is no command »"+clip(topic)+"« that you can use. Type »help« to see them all."))
	}
	var related []string
	for _, other := range s.table {
		if other != cmd && other.allowed(c.actor.Role) && strings.HasPrefix(other.Name, cmd.Name+" ") {
			related = append(related, other.Usage[c.lang])
		}
	}
	blocks := []bot.Block{
		bot.Heading{Text: cmd.Usage[c.lang]},
		bot.Text{Text: cmd.Summary[c.lang]},
		bot.Fields{Fields: []bot.Field{{Label: c.tr("Eksempel", "Example"), Value: cmd.exampleIn(c.lang)}}},
	}
	if len(cmd.Words) > 0 {
		var words []string
		for _, w := range cmd.Words {
			if !slices.Contains(words, w.In(c.lang)) { // »kursus« is a keyword and an outcome
				words = append(words, w.In(c.lang))
			}
		}
		blocks = append(blocks, bot.Fields{Fields: []bot.Field{{Label: c.tr("Nøgleord", "Keywords"), Value: strings.Join(words, ", ")}}})
	}
	// The other language's name is accepted too; say so beside the aliases.
	var also []string
	if other := c.lang.Pick(cmd.Name, cmd.Da); other != cmd.In(c.lang) {
		also = append(also, other)
	}
	if also = append(also, cmd.Aliases...); len(also) > 0 {
		blocks = append(blocks, bot.Fields{Fields: []bot.Field{{Label: c.tr("Også", "Also"), Value: strings.Join(also, ", ")}}})
	}
	if len(related) > 0 {
		blocks = append(blocks, bot.List{Title: c.tr("Beslægtede", "Related"), Items: related})
	}
	return bot.Message{Blocks: blocks}, nil
}
