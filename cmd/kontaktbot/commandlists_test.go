package main

import (
	"slices"
	"testing"

	"kontaktbot/bot/slack"
	"kontaktbot/commands"
)

// TestCommandListsComeFromTheTable checks that the Slack slash commands and
// the Teams menu are exactly the table's rows marked for them, in the
// marked order, and that unmarking a row takes it out of both.
func TestCommandListsComeFromTheTable(t *testing.T) {
	t.Parallel()
	specs := commands.New(nil, commands.Config{}).Specs()
	table := map[string]bool{}
	var slash, menu []string
	for _, s := range specs {
		table[s.Name] = true
	}
	for _, c := range slashCommands(specs) {
		if c.Name != slack.CatchAll && !table[c.Name] {
			t.Errorf("slash command /%s is not in the command table", c.Name)
		}
		slash = append(slash, c.Name)
	}
	for _, c := range teamsCommands(specs) {
		if !table[c.Name] {
			t.Errorf("menu entry %q is not in the command table", c.Name)
		}
		menu = append(menu, c.Name)
	}
	if want := []string{"visit", "company", "mine", "snooze", "plan", "away", "coverage", "position", "introday", slack.CatchAll}; !slices.Equal(slash, want) {
		t.Errorf("slash commands %v, want %v", slash, want)
	}
	if want := []string{"visit", "company", "mine", "plan", "snooze", "away", "coverage", "position", "introday", "help"}; !slices.Equal(menu, want) {
		t.Errorf("menu %v, want %v", menu, want)
	}

	for i := range specs {
		if specs[i].Name == "snooze" {
			specs[i].Slash, specs[i].Menu = 0, 0
		}
	}
	for _, c := range slashCommands(specs) {
		if c.Name == "snooze" {
			t.Error("an unmarked row is still a slash command")
		}
	}
	for _, c := range teamsCommands(specs) {
		if c.Name == "snooze" {
			t.Error("an unmarked row is still in the Teams menu")
		}
	}
}
