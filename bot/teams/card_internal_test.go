package teams

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// TestSizeBound: for every kind of card, the bound that lets Card skip an
// encoding is never below the real encoded length, also for text that
// JSON escapes (control characters, <, >, &, invalid UTF-8, U+2028); and
// a value of another type gives no bound.
func TestSizeBound(t *testing.T) {
	t.Parallel()
	nasty := "a\x01<b>&\"\\\u2028\xff æøå \t\n" + strings.Repeat("<", 50)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	msgs := map[string]bot.Message{
		"text": {Blocks: []bot.Block{bot.Heading{Text: nasty}, bot.Text{Text: nasty}, bot.Divider{}}},
		"fields": {Blocks: []bot.Block{bot.Fields{Fields: []bot.Field{{Label: nasty, Value: nasty}}},
			bot.List{Title: nasty, Items: []string{nasty, "x"}}}},
		"buttons": {Blocks: []bot.Block{bot.Buttons{Buttons: []bot.Button{{Label: nasty, Command: nasty, Primary: true}}}}},
		"form":    {Form: new(bot.VisitForm(nasty, now, bot.Danish))},
		"empty":   {},
	}
	for name, msg := range msgs {
		card := Card(msg)
		b, err := json.Marshal(card)
		if err != nil {
			t.Fatal(err)
		}
		n, ok := sizeBound(card)
		if !ok || n < len(b) {
			t.Errorf("%s: bound %d (ok %v) for %d bytes", name, n, ok, len(b))
		}
		if got := size(card); got < len(b) {
			t.Errorf("%s: size %d below the %d bytes encoded", name, got, len(b))
		}
	}
	if _, ok := sizeBound(map[string]any{"x": 1.5}); ok {
		t.Error("a float gave a bound")
	}
}
