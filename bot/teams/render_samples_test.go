package teams_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
)

// cardsOut, when set, is a folder where TestWriteCardSamples writes cards
// as kontaktbot sends them, one NAME.json each; CI renders them with
// Microsoft's adaptivecards renderer in headless Chromium and checks the
// screenshots (.ci/teams-cards.sh).
var cardsOut = flag.String("cards-out", "", "write Adaptive Card samples as JSON into this folder")

// renderSamples are the cards to render: every kind of block, a form with
// its error shown, a list long enough to be summarised, and text people
// typed in markdown.
func renderSamples() map[string]map[string]any {
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	long := make([]string, 80)
	for i := range long {
		long[i] = fmt.Sprintf("Virksomhed %d ApS: %d dage over kadencen", i+1, 80-i)
	}
	return map[string]map[string]any{
		"nudge": teams.Card(bot.Message{Blocks: []bot.Block{
			bot.Heading{Text: "God morgen! 3 virksomheder venter på kontakt"},
			bot.Text{Text: "*Ærø Maskinfabrik* er _14 dage_ over sin kadence"},
			bot.Fields{Fields: []bot.Field{{Label: "Sidste kontakt", Value: "3. nov: besøg"}, {Label: "Kadence", Value: "30 dage"},
				{Label: "Konsulent", Value: "Hanne Jensen"}}},
			bot.Divider{},
			bot.List{Title: "Også forfaldne", Items: []string{"Brødrene Hansen (42 dage)", "Sorø Tømrer (35 dage)"}},
			bot.Buttons{Buttons: []bot.Button{
				{Label: "Noter kontakt: Ærø Maskinfabrik", Command: "besøg Ærø Maskinfabrik", Primary: true,
					Form: &bot.FormRef{Kind: bot.FormVisit, Subject: "Ærø Maskinfabrik"}},
				{Label: "Udsæt 1 uge", Command: "udsæt Ærø Maskinfabrik 1u"},
				{Label: "Planlæg", Command: "planlæg Ærø Maskinfabrik", Form: &bot.FormRef{Kind: bot.FormPlan, Subject: "Ærø Maskinfabrik"}},
			}},
		}}),
		"visit-form-error": teams.FormCard(bot.VisitForm("L-tek", now, bot.Danish).Refill(
			map[string]string{"date": "2026-11-21", "kind": string(bot.KindPhone), "note": "Talte med Lars om to svejsere"},
			"Datoen lørdag 21.11.2026 ligger i fremtiden, så intet er gemt.", bot.InputDate)),
		"plan-form": teams.FormCard(bot.PlanForm("L-tek", now, bot.Danish)),
		// A name and a note in markdown, which must show as typed.
		"escaped-text": teams.Card(bot.Message{Blocks: []bot.Block{
			bot.Heading{Text: evilName},
			bot.Text{Text: "*" + evilName + "* er _14 dage_ over sin kadence"},
			bot.Fields{Fields: []bot.Field{{Label: "Virksomhed", Value: evilName},
				{Label: "Note", Value: "# Ring til <https://evil.example>\n1. `kode` ~~slet~~ &lbrack;x&rbrack;"}}},
			bot.List{Title: "Også forfaldne", Items: []string{evilName, "- " + evilName}},
		}}),
		"long-list": teams.Card(bot.Message{Blocks: []bot.Block{
			bot.Heading{Text: "Dine virksomheder, de mest forfaldne først"},
			bot.List{Title: "Forfaldne", Items: long},
			bot.Buttons{Buttons: []bot.Button{{Label: "Vis alle", Command: "company list"}}},
		}}),
	}
}

// TestWriteCardSamples writes the samples when -cards-out is given. Run
// alone it checks only that every sample encodes.
func TestWriteCardSamples(t *testing.T) {
	for name, card := range renderSamples() {
		data, err := json.MarshalIndent(card, "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if *cardsOut == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(*cardsOut, name+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
