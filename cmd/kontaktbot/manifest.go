package main

import (
	"fmt"
	"slices"
	"strings"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/commands"
)

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

// slashCommands describes each slash command from the command table, in
// the order of the rows' Slash positions: its description is the Danish
// summary, its usage hint the Danish usage of it and of every command that
// begins with its name, the name left out (Slack shows it already). A
// sub-command keeps its English word ("/company add"), since that is what
// the slash command's name is joined to. /kontakt takes every command.
func slashCommands(specs []commands.Spec) []slack.SlashCommand {
	var out []slack.SlashCommand
	for _, top := range ordered(specs, func(s commands.Spec) int { return s.Slash }) {
		name := top.Name
		c := slack.SlashCommand{Name: name, Description: top.Summary[bot.Danish]}
		var hints []string
		for _, s := range specs {
			if s.Name != name && !strings.HasPrefix(s.Name, name+" ") {
				continue
			}
			if h := slashHint(s, strings.TrimPrefix(s.Name, name)); h != "" {
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

// slashHint is s's Danish usage with its Danish name replaced by sub, the
// English words that follow the slash command's name ("" or " add").
func slashHint(s commands.Spec, sub string) string {
	alts := strings.Split(s.Usage[bot.Danish], " | ")
	for i, a := range alts {
		alts[i] = strings.TrimSpace(sub + strings.TrimPrefix(a, s.Da))
	}
	return strings.TrimSpace(strings.Join(alts, " | "))
}

// ordered returns the specs whose position (from pos) is above zero, in
// the order of their positions: the slash commands or the Teams menu.
func ordered(specs []commands.Spec, pos func(commands.Spec) int) []commands.Spec {
	var out []commands.Spec
	for _, s := range specs {
		if pos(s) > 0 {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b commands.Spec) int { return pos(a) - pos(b) })
	return out
}
