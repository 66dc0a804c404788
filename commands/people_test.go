package commands_test

import (
	"context"
	"testing"

	"kontaktbot/bot"
)

var t0 = context.Background()

func TestRolesAndHelp(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	admin := b.ok("Anne", "hjælp")
	contains(t, admin, "rolle <person>", "jobcenter opret", "besøg <virksomhed>")
	cons := b.ok("Hanne", "hjælp")
	contains(t, cons, "besøg <virksomhed>", "mine")
	lacks(t, cons, "rolle <person>", "jobcenter opret", "virksomhed tildel")
	contains(t, b.refused("Hanne", "role Hanne admin"), "rolle")
	contains(t, b.refused("Hanne", "jobcenter add Jobcenter Sorø"), "rolle")
	if p := b.person("Hanne"); p.Role != bot.RoleConsultant {
		t.Errorf("Hanne's role = %s", p.Role)
	}
	contains(t, b.ok("Anne", "rolle Hanne leder"), "Hanne er nu leder")
	contains(t, b.ok("Hanne", "hjælp"), "virksomhed tildel")
	contains(t, b.refused("Anne", "rolle Anne konsulent"), "eneste admin")
	contains(t, b.refused("Anne", "rolle Hanne chef"), "Rollen skal være")
	contains(t, b.refused("Anne", "rolle Hanna Jensen leder"), "ingen person", "Mente du", "Hanne")
	contains(t, b.ok("Hanne", "help visit"), "Eksempel", "besøg L-tek", "Også: visit, kontakt, log")
	contains(t, b.refused("Hanne", "help role"), "ingen kommando")
}

func TestUnknownAndEmptyCommands(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	contains(t, b.ok("Hanne", ""), "det kan du skrive")
	contains(t, b.ok("Hanne", "   /  "), "det kan du skrive")
	contains(t, b.refused("Hanne", "vist L-tek mødte"), "Mente du »visit«")
	contains(t, b.refused("Hanne", "frobnicate"), "kender jeg ikke", "hjælp")
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	contains(t, b.ok("Hanne", "language en"), "English")
	contains(t, b.ok("Hanne", "company add L-tek"), "Registered", "cadence 30 days")
	contains(t, b.ok("Hanne", "visit L-tek met Lars"), "Saved", "22 Nov 2026")
	contains(t, b.refused("Hanne", "visit L-tek tomorrow met Lars"), "in the future")
	contains(t, b.ok("Hanne", "help"), "what you can type")
	contains(t, b.ok("Hanne", "sprog da"), "dansk")
	contains(t, b.refused("Hanne", "sprog fransk"), "sprog da")
}

func TestJobcenters(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("Anne", "hjælp")
	b.ok("Hanne", "hjælp")
	contains(t, b.ok("Anne", "jobcenter add Jobcenter Sorø"), "Oprettet")
	b.ok("Anne", "jobcenter add Jobcenter Slagelse")
	contains(t, b.refused("Anne", "jobcenter add jobcenter sorø"), "findes allerede")
	contains(t, b.ok("Anne", "jobcenter partner Jobcenter Sorø og Slagelse"), "deler nu")
	contains(t, b.ok("Anne", "jobcenter partner Jobcenter Sorø Jobcenter Slagelse"), "deler nu") // idempotent
	contains(t, b.refused("Anne", "jobcenter partner Sorø og Sorø"), "sig selv")
	contains(t, b.refused("Anne", "jobcenter partner Sorø og Atlantis"), "intet jobcenter", "Jobcenter Slagelse")
	contains(t, b.ok("Anne", "jobcenter join Hanne = Sorø"), "Hanne hører nu til Jobcenter Sorø")
	contains(t, b.ok("Anne", "jobcenter join Hanne Jobcenter Slagelse"), "Slagelse")
	list := b.ok("Hanne", "jobcenter")
	contains(t, list, "Jobcenter Sorø — samarbejder med Jobcenter Slagelse", "Jobcenter Slagelse — samarbejder med Jobcenter Sorø (dit)")
	sorø, err := b.db.JobcenterByName(t0, "Jobcenter Sorø")
	if err != nil || len(sorø.Partners) != 1 {
		t.Errorf("Sorø partners = %+v (%v), want exactly one", sorø.Partners, err)
	}
}
