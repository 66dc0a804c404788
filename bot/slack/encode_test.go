package slack_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
)

// sameAsEncodingJSON fails unless the reply encoder writes r exactly as
// encoding/json does.
func sameAsEncodingJSON(tb testing.TB, r *slack.Reply) {
	tb.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		tb.Fatal(err)
	}
	got, err := slack.EncodeReply(r)
	if err != nil || !bytes.Equal(got, want) {
		tb.Fatalf("encoder wrote\n%s\nencoding/json\n%s\n(%v)", got, want, err)
	}
}

func TestEncodeReplyAsEncodingJSON(t *testing.T) {
	t.Parallel()
	odd := "tab\tnl\ncr\r\b\f\x01\x1f \"quote\" \\ <x> & y \u2028 \u2029 æøå 😀 \xff\xfe broken"
	msgs := []bot.Message{
		{}, bot.Reply(""), bot.Reply(odd), bigMessage(),
		{Public: true, Blocks: []bot.Block{bot.Heading{Text: odd}, bot.Text{Text: odd}, bot.Fields{Fields: []bot.Field{{Label: odd, Value: odd}, {Value: "v"}}},
			bot.List{Title: odd, Items: []string{odd, "b"}}, bot.Divider{}, bot.Buttons{Buttons: []bot.Button{{Label: odd, Command: odd, Primary: true}, {Label: "x", Command: "y"}}}}},
		{Blocks: []bot.Block{bot.List{Items: make([]string, 3000)}}}, // cut to 50 blocks with a context block
	}
	for _, m := range msgs {
		r := slack.Response(m)
		sameAsEncodingJSON(t, r)
		r.ReplaceOriginal = true
		sameAsEncodingJSON(t, r)
	}
	// What the renderer never makes is left to encoding/json, still the same.
	r := slack.Response(bot.Reply("x"))
	r.Username, r.Blocks.BlockSet = "kontaktbot", append(r.Blocks.BlockSet, slackapi.NewImageBlock("https://x/y.png", "alt", "", nil))
	sameAsEncodingJSON(t, r)
	sameAsEncodingJSON(t, &slack.Reply{Blocks: &slackapi.Blocks{}})
	sameAsEncodingJSON(t, &slack.Reply{Blocks: &slackapi.Blocks{BlockSet: []slackapi.Block{slackapi.NewActionBlock("a"), slackapi.NewContextBlock("c")}}})
	if got, _ := slack.EncodeReply(slack.Response(bot.Reply(strings.Repeat("a", 10)))); !json.Valid(got) {
		t.Fatalf("invalid JSON %s", got)
	}
}

// FuzzEncodeReply: for any text in any part of a message, the reply
// encoder writes what encoding/json writes.
func FuzzEncodeReply(f *testing.F) {
	f.Add("Overskrift", "*fed* & _kursiv_ <x>", "L-tek", "visit 1", true)
	f.Add("\u2028", "\xff\x00\t\"", "æøå 😀", "", false)
	f.Fuzz(func(t *testing.T, heading, text, item, command string, public bool) {
		msg := bot.Message{Public: public, Blocks: []bot.Block{
			bot.Heading{Text: heading}, bot.Text{Text: text},
			bot.Fields{Fields: []bot.Field{{Label: item, Value: text}, {Label: heading}}},
			bot.List{Title: heading, Items: []string{item, text}}, bot.Divider{},
			bot.Buttons{Buttons: []bot.Button{{Label: text, Command: command, Primary: public}, {Label: item, Command: text}}},
		}}
		sameAsEncodingJSON(t, slack.Response(msg))
	})
}
