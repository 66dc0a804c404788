package commands_test

import (
	"context"
	"testing"

	"kontaktbot/bot"
)

// jobcenterNamed returns the stored jobcenter.
func (b *testBot) jobcenterNamed(name string) bot.Jobcenter {
	b.t.Helper()
	j, err := b.db.JobcenterByName(context.Background(), name)
	if err != nil {
		b.t.Fatalf("jobcenter %q: %v", name, err)
	}
	return j
}

func TestChannelSetup(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	b := newBot(t, withNotifier(rec), withJobcenter("Jobcenter Sorø"))
	for _, who := range []string{"Anne", "Lis", "Hanne", "Sofie"} {
		b.ok(who, "hjælp")
	}
	for _, line := range []string{"rolle Lis leder", "jobcenter add Jobcenter Slagelse", "jobcenter add Jobcenter Ringsted",
		"jobcenter partner Sorø og Slagelse", "jobcenter join Sofie = Slagelse"} {
		b.ok("Anne", line)
	}

	got := b.okIn(soroCh, "Lis", "kanal stillinger")
	contains(t, got, "✅ Denne kanal (#C-SORO) er nu Jobcenter Sorøs kanal for ledige stillinger.",
		"Nye stillinger fra Jobcenter Sorø og dets samarbejdspartnere bliver slået op her.")
	if j := b.jobcenterNamed("Jobcenter Sorø"); j.Channels[bot.ChannelPositions] != soroCh || len(j.Channels) != 1 {
		t.Errorf("channels %+v, want positions in C-SORO", j.Channels)
	}
	contains(t, b.okIn(soroCh, "Lis", "kanal stillinger"), "allerede Jobcenter Sorøs kanal", "Intet er ændret")

	intro := bot.Channel{Platform: "slack", Team: "T-SORO", ID: "C-INTRO"}
	contains(t, b.okIn(intro, "Lis", "kanal intromøder"), "(#C-INTRO) er nu Jobcenter Sorøs kanal for intromøder.")
	moved := bot.Channel{Platform: "slack", Team: "T-SORO", ID: "C-JOB"}
	contains(t, b.okIn(moved, "Lis", "channel positions"), "(#C-JOB) er nu Jobcenter Sorøs kanal for ledige stillinger", "Før gik de til #C-SORO.")
	if j := b.jobcenterNamed("Jobcenter Sorø"); j.Channels[bot.ChannelPositions] != moved || j.Channels[bot.ChannelIntroDays] != intro {
		t.Errorf("channels %+v", j.Channels)
	}

	// Refusals change nothing.
	contains(t, b.refusedIn(soroCh, "Hanne", "kanal stillinger"), "rolle")
	contains(t, b.refused("Lis", "kanal stillinger"), "Jeg kan ikke se, hvilken kanal du skriver fra", "ikke i en privat besked")
	contains(t, b.refusedIn(slagelseCh, "Lis", "kanal stillinger Jobcenter Slagelse"), "dit eget jobcenter", "Jobcenter Slagelse")
	contains(t, b.refusedIn(slagelseCh, "Anne", "kanal stillinger Atlantis"), "intet jobcenter", "Jobcenter Ringsted")
	contains(t, b.refused("Hanne", "kanal noget"), "»kanal stillinger«", "»kanal intromøder«")
	if j := b.jobcenterNamed("Jobcenter Sorø"); j.Channels[bot.ChannelPositions] != moved || len(j.Channels) != 2 {
		t.Errorf("channels after refusals %+v", j.Channels)
	}
	if j := b.jobcenterNamed("Jobcenter Slagelse"); len(j.Channels) != 0 {
		t.Errorf("Slagelse's channels after refusals %+v", j.Channels)
	}

	// An admin may set any jobcenter's channel.
	contains(t, b.okIn(slagelseCh, "Anne", "kanal stillinger Slagelse"), "(#19:slagelse) er nu Jobcenter Slagelses kanal")
	if j := b.jobcenterNamed("Jobcenter Slagelse"); j.Channels[bot.ChannelPositions] != slagelseCh {
		t.Errorf("Slagelse's channels %+v", j.Channels)
	}

	list := b.ok("Hanne", "kanal")
	contains(t, list, "Kanaler til opslag",
		"Jobcenter Sorø (dit) — ledige stillinger: #C-JOB (slack); intromøder: #C-INTRO (slack)",
		"Jobcenter Slagelse — ledige stillinger: #19:slagelse (teams); intromøder: ikke sat op")
	lacks(t, list, "Ringsted")

	// Positions go to positions channels only, never to an intro-day one.
	b.ok("Hanne", "company add L-tek")
	b.ok("Hanne", "stilling L-tek Svejser")
	if got := channelsOf(rec.sentPosts()); len(got) != 2 || got[0] != moved || got[1] != slagelseCh {
		t.Errorf("posted to %+v, want C-JOB and Slagelse's", got)
	}
}

func TestChannelConsoleEnglishAndHelp(t *testing.T) {
	t.Parallel()
	b := newBot(t, withJobcenter("Jobcenter Sorø"))
	b.ok("Anne", "hjælp")
	b.ok("Hanne", "hjælp")
	console := bot.Channel{Platform: "console", ID: "kanal"} // the console's pseudo channel
	contains(t, b.okIn(console, "Anne", "kanal intro"), "(#kanal) er nu Jobcenter Sorøs kanal for intromøder.")
	if j := b.jobcenterNamed("Jobcenter Sorø"); j.Channels[bot.ChannelIntroDays] != console {
		t.Errorf("channels %+v", j.Channels)
	}
	b.ok("Anne", "language en")
	contains(t, b.okIn(console, "Anne", "channel positions"), "✅ This channel (#kanal) is now Jobcenter Sorø's channel for open positions.",
		"New positions from Jobcenter Sorø and its partners will be announced here.")
	contains(t, b.refused("Anne", "channel introdays"), "I cannot tell which channel you are writing from")
	contains(t, b.ok("Anne", "channel"), "Announcement channels", "Jobcenter Sorø (yours) — open positions: #kanal (console); intro days: #kanal (console)")

	lacks(t, b.ok("Hanne", "hjælp"), "kanal stillinger")
	contains(t, b.ok("Hanne", "hjælp"), "kanal — Vis kanalerne")
	contains(t, b.ok("Anne", "help"), "channel positions [jobcenter]", "channel introdays [jobcenter]")
}
