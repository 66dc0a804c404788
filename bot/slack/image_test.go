package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
)

// chartImage is a picture as the chart command makes one: a PNG's bytes.
var chartImage = bot.Image{PNG: append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1, 2, 3, 0}, 500)...),
	Title: "Dækning uge for uge: Jobcenter Sorø", Alt: "uge 22–47: uge 47 65 % (mål 85 %)", FileName: "daekning-2026-11-22.png"}

// mustUploaded checks that the image was shared in channel with
// files.uploadV2's three calls, and that its bytes arrived whole.
func mustUploaded(t *testing.T, api *webAPI, channel string, im bot.Image) {
	t.Helper()
	urls, dones := api.called("files.getUploadURLExternal"), api.called("files.completeUploadExternal")
	if len(urls) != 1 || len(dones) != 1 {
		t.Fatalf("%d upload URLs asked, %d uploads completed", len(urls), len(dones))
	}
	if f := urls[0].Form; f.Get("filename") != im.FileName || f.Get("length") != "2008" || f.Get("alt_txt") != im.Alt {
		t.Errorf("files.getUploadURLExternal %v", f)
	}
	var files []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(dones[0].Form.Get("files")), &files); err != nil || len(files) != 1 || files[0].Title != im.Title {
		t.Fatalf("files.completeUploadExternal files %q (%v)", dones[0].Form.Get("files"), err)
	}
	if ch := dones[0].Form.Get("channel_id"); ch != channel {
		t.Errorf("shared in %q, want %q", ch, channel)
	}
	if got := api.uploaded(files[0].ID); !bytes.Equal(got, im.PNG) {
		t.Errorf("uploaded %d bytes, want the PNG's %d", len(got), len(im.PNG))
	}
}

// A message with a picture is posted as blocks, and the picture follows
// as a file shared in the same DM.
func TestNotifierSharesAPictureAfterItsMessage(t *testing.T) {
	t.Parallel()
	api := newWebAPI(t)
	n := slack.NewNotifier(api.clientNoRetry(), bot.ClockFunc(time.Now), nil, nil)
	n.Interval = time.Millisecond
	msg := bot.Message{Key: "digest/2026-11-23/7", Blocks: []bot.Block{bot.Heading{Text: "Ugens overblik"}, bot.Text{Text: "*Uge 47: 65 %*"}, chartImage}}
	if _, err := n.SendToPerson(context.Background(), hanne, msg); err != nil {
		t.Fatal(err)
	}
	posts := api.called("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(posts[0].Form.Get("blocks")), &blocks); err != nil || len(blocks) != 2 {
		t.Errorf("blocks %s: %v", posts[0].Form.Get("blocks"), err)
	}
	if !strings.Contains(posts[0].Form.Get("text"), "uge 47 65 %") {
		t.Errorf("the notification text lacks the picture's alt text: %q", posts[0].Form.Get("text"))
	}
	mustUploaded(t, api, "D-U7", chartImage)
	if first, last := posts[0].At, api.called("files.completeUploadExternal")[0].At; last.Before(first) {
		t.Error("the picture was shared before its message")
	}
}

// A slash command's answer is ephemeral and cannot carry a file: the
// answer says the chart comes as a DM, and it does.
func TestSlashCommandSendsItsPictureToTheDM(t *testing.T) {
	t.Parallel()
	api := newWebAPI(t)
	n := slack.NewNotifier(api.clientNoRetry(), bot.ClockFunc(time.Now), nil, nil)
	n.Interval = time.Millisecond
	f := &fakeHandler{reply: func(req bot.Request) bot.Message {
		return bot.Message{Blocks: []bot.Block{bot.Heading{Text: "Dækning uge for uge: Jobcenter Sorø"}, chartImage, bot.Text{Text: "*Uge 47: 65 %*"}}}
	}}
	c := slack.NewCommands(MustVerifier(t, testSecret, func() time.Time { return now }), f, nil, nil, nil)
	c.SetImageSender(n)
	body := testdata(t, "visit.txt")
	r := decodeReply(t, post(t, c, sign(testSecret, now.Unix(), body), body))
	c.Wait()
	if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "direkte besked") || !strings.Contains(r.Text, "Uge 47: 65 %") || strings.Contains(r.Text, "[Dækning") {
		t.Errorf("answer %+v", r)
	}
	if opens := api.called("conversations.open"); len(opens) != 1 || opens[0].Form.Get("users") != "U2147483697" {
		t.Fatalf("conversations.open %v", opens)
	}
	mustUploaded(t, api, "D-U2147483697", chartImage)

	// Without an ImageSender the picture is left out, and nothing says it comes.
	c = slack.NewCommands(MustVerifier(t, testSecret, func() time.Time { return now }), f, nil, nil, nil)
	r = decodeReply(t, post(t, c, sign(testSecret, now.Unix(), body), body))
	if strings.Contains(r.Text, "direkte besked") || !strings.Contains(r.Text, "Uge 47: 65 %") {
		t.Errorf("answer without a sender %+v", r)
	}
}

// A line typed in the bot's DM is answered there, the picture too.
func TestDirectMessageSharesItsPicture(t *testing.T) {
	t.Parallel()
	web := newWebAPI(t)
	n := slack.NewNotifier(web.clientNoRetry(), bot.ClockFunc(time.Now), nil, nil)
	n.Interval = time.Millisecond
	f := &fakeHandler{reply: func(bot.Request) bot.Message {
		return bot.Message{Blocks: []bot.Block{bot.Text{Text: "*Uge 47: 65 %*"}, chartImage}}
	}}
	it, err := slack.NewInteractivity(slack.InteractivityConfig{Verifier: MustVerifier(t, testSecret, func() time.Time { return now }),
		Handler: f, API: web.client(), Clock: bot.ClockFunc(func() time.Time { return now }), Images: n})
	if err != nil {
		t.Fatal(err)
	}
	e := &interactivity{web: web, hook: newResponseURL(t), f: f, it: it}
	e.event(t, testdata(t, "message_im.json"))
	it.Wait()
	if posts := web.called("chat.postMessage"); len(posts) != 1 || !strings.Contains(posts[0].Form.Get("text"), "Uge 47: 65 %") {
		t.Fatalf("answers %+v", posts)
	}
	mustUploaded(t, web, "D-U2147483697", chartImage)
}
