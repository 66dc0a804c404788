package commands_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// BenchmarkRenderIntroDay builds the announcement of an intro day with 200
// candidates and 40 companies, with realistic skills and wishes (150
// characters each): the pure rendering, split into messages within the
// platforms' limits. The target is under 10 ms.
func BenchmarkRenderIntroDay(b *testing.B) {
	v := bigView(40, 200, 150)
	b.ReportAllocs()
	parts := 0
	for b.Loop() {
		parts = len(commands.RenderIntroDay(bot.Danish, v))
	}
	b.ReportMetric(float64(parts), "messages")
}

// BenchmarkAnnounceIntroDay re-announces such an intro day end to end, in
// two channels: the line parsed, the day, its companies and candidates
// read from bbolt, the messages rendered and handed to a notifier that
// answers at once, and the receipts committed (fsync'd).
func BenchmarkAnnounceIntroDay(b *testing.B) {
	tb := newBot(b, withNotifier(&nopNotifier{}), withJobcenter("Jobcenter Sorø"))
	setUpIntro(tb)
	tb.ok("Tove", "intromøde ny 3/12 kl. 9-12 Sorø Bibliotek jobcentre Slagelse, Ringsted")
	tb.useIntroChannel("Jobcenter Sorø", "C-soroe")
	tb.useIntroChannel("Jobcenter Slagelse", "C-slagelse")
	bigDay(b, tb)
	tb.ok("Tove", "intromøde annoncér 1")
	b.ReportAllocs()
	for b.Loop() {
		if m := tb.say("Tove", "intromøde annoncér 1"); m.Error {
			b.Fatal(m.PlainText())
		}
	}
}

// nopNotifier confirms every message at once and keeps nothing.
type nopNotifier struct{ seq atomic.Int64 }

func (n *nopNotifier) SendToPerson(ctx context.Context, to bot.Consultant, msg bot.Message) (bot.Receipt, error) {
	return n.PostToChannel(ctx, bot.Channel{Platform: "test", ID: "@" + to.Name}, msg)
}

func (n *nopNotifier) PostToChannel(_ context.Context, ch bot.Channel, _ bot.Message) (bot.Receipt, error) {
	return bot.Receipt{Channel: ch, MessageID: "m" + strconv.FormatInt(n.seq.Add(1), 10)}, nil
}

func (n *nopNotifier) UpdateMessage(_ context.Context, r bot.Receipt, _ bot.Message) (bot.Receipt, error) {
	return r, nil
}
