package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/console"
	"kontaktbot/commands"
	"kontaktbot/reminders"
	"kontaktbot/storage"
)

// TestNudgeButtonsRunInTheCommandTable checks that every button of a
// morning nudge sends a line the command table accepts, under the command's
// name in the recipient's language: reminders writes those names itself,
// since it may not import commands.
func TestNudgeButtonsRunInTheCommandTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, bot.Copenhagen)
	clock := bot.ClockFunc(func() time.Time { return now })
	db, err := storage.Open(filepath.Join(t.TempDir(), "k.db"), storage.Options{Timeout: 2 * time.Second, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := commands.New(db, commands.Config{Clock: clock})
	say := func(text string) string {
		return svc.Handle(ctx, bot.Request{From: console.Identity("Hanne"), Name: "Hanne", Text: text, Channel: console.Channel}).PlainText()
	}
	say("virksomhed opret Bager Hansen kadence 14")
	specs := svc.Specs()
	for _, lang := range []bot.Lang{bot.Danish, bot.English} {
		say("sprog " + string(lang))
		msg := reminders.Render(bot.Delivery{Kind: bot.JobNudge, Day: now, Items: []bot.NudgeItem{{Name: "Bager Hansen", CadenceDays: 14, OverdueDays: 3}}}, lang, now)
		n := 0
		for _, b := range msg.Blocks {
			rs, ok := b.(bot.Rows)
			if !ok {
				continue
			}
			for _, btn := range rs.Rows[0].Actions {
				n++
				named := false
				for _, s := range specs {
					named = named || strings.HasPrefix(btn.Command, s.In(lang)+" ")
				}
				if !named {
					t.Errorf("%s button %q does not begin with a command's %s name", lang, btn.Command, lang)
				}
				got := say(btn.Command)
				if strings.Contains(got, "kender jeg ikke") || strings.Contains(got, "don't know") {
					t.Errorf("%s button %q is not accepted: %s", lang, btn.Command, got)
				}
			}
		}
		if n != 4 {
			t.Errorf("%s nudge has %d buttons, want 4", lang, n)
		}
	}
}
