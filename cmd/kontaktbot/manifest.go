package main

import (
	"fmt"
	"strings"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/commands"
)

// slashNames are the slash commands the Slack app installs; /kontakt takes
// every command of the table.
var slashNames = []string{"visit", "company", "mine", "snooze", "plan", "away", "coverage", "position", "introday"}

// slackManifest prints the Slack app manifest (YAML) for serve at --url.
func (e *env) slackManifest(args []string) error {
	fs := e.flagSet("slack-manifest")
	u := fs.String("url", "", "the address Slack reaches serve at, e.g. https://kontaktbot.example.dk")
	socket := fs.Bool("socket", false, "Socket Mode: no inbound address needed (SLACK_APP_TOKEN)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q; usage: kontaktbot slack-manifest --url https://host [--socket]", pos[0])
	}
	if *u == "" && !*socket {
		return fmt.Errorf("slack-manifest needs --url https://host (where Slack reaches serve) or --socket")
	}
	out, err := slack.Manifest(slack.ManifestOptions{URL: *u, Socket: *socket, Commands: slashCommands(commands.New(nil, commands.Config{}).Specs())})
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}

// slashCommands describes each slash command from the command table: its
// description is the Danish summary, its usage hint every usage that
// begins with its name, the name left out (Slack shows it already).
func slashCommands(specs []commands.Spec) []slack.SlashCommand {
	var out []slack.SlashCommand
	for _, name := range slashNames {
		c := slack.SlashCommand{Name: name}
		var hints []string
		for _, s := range specs {
			if s.Name != name && !strings.HasPrefix(s.Name, name+" ") {
				continue
			}
			if s.Name == name {
				c.Description = s.Summary[bot.Danish]
			}
			u := s.Usage[bot.Danish]
			if !strings.HasPrefix(u, name) {
				u = s.Usage[bot.English] // the Danish form begins with a Danish word
			}
			if h := strings.TrimSpace(strings.TrimPrefix(u, name)); h != "" {
				hints = append(hints, h)
			}
		}
		c.UsageHint = strings.Join(hints, " | ")
		out = append(out, c)
	}
	return append(out, slack.SlashCommand{Name: slack.CatchAll,
		Description: "Alle kontaktbots kommandoer: skriv fx /kontakt visit L-tek mødte Lars, eller /kontakt hjælp.",
		UsageHint:   "<kommando> … | hjælp"})
}
