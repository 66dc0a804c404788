package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

// introBot is a bot in Jobcenter Sorø, partner of Slagelse and Ringsted
// (Holbæk is no partner), with a recording notifier. Anne is admin, Tove
// coordinator, Lis lead; Hanne and Per are consultants in Sorø, Sanne in
// Slagelse, Bo a coordinator in Holbæk. L-tek and Danish Crown are companies.
func introBot(t testing.TB) (*testBot, *recorder) {
	t.Helper()
	rec := &recorder{}
	b := newBot(t, withNotifier(rec), withJobcenter("Jobcenter Sorø"))
	setUpIntro(b)
	return b, rec
}

// setUpIntro gives b the people, jobcenters and companies of introBot.
func setUpIntro(b *testBot) {
	b.t.Helper()
	for _, who := range []string{"Anne", "Tove", "Lis", "Hanne", "Per", "Sanne", "Bo"} {
		b.ok(who, "hjælp")
	}
	for _, line := range []string{"rolle Tove tovholder", "rolle Lis leder", "rolle Bo tovholder",
		"jobcenter add Jobcenter Slagelse", "jobcenter add Jobcenter Ringsted", "jobcenter add Jobcenter Holbæk",
		"jobcenter partner Jobcenter Sorø og Jobcenter Slagelse", "jobcenter partner Jobcenter Sorø og Jobcenter Ringsted",
		"jobcenter join Sanne = Jobcenter Slagelse", "jobcenter join Bo = Jobcenter Holbæk",
		"company add L-tek", "company add Danish Crown"} {
		b.ok("Anne", line)
	}
}

func (b *testBot) jobcenterIDOf(name string) uint64 {
	b.t.Helper()
	j, err := b.db.JobcenterByName(context.Background(), name)
	if err != nil {
		b.t.Fatalf("jobcenter %q: %v", name, err)
	}
	return j.ID
}

func (b *testBot) personIDOf(name string) uint64 {
	b.t.Helper()
	p, err := b.db.ConsultantByName(context.Background(), name)
	if err != nil {
		b.t.Fatalf("person %q: %v", name, err)
	}
	return p.ID
}

func (b *testBot) introDayOf(id uint64) bot.IntroDay {
	b.t.Helper()
	d, err := b.db.IntroDay(context.Background(), id)
	if err != nil {
		b.t.Fatalf("intro day %d: %v", id, err)
	}
	return d
}

func (b *testBot) candidatesOf(id uint64) []bot.Candidate {
	b.t.Helper()
	cs, err := b.db.Candidates(context.Background(), id)
	if err != nil {
		b.t.Fatalf("candidates of %d: %v", id, err)
	}
	return cs
}

func (b *testBot) candidateOf(ref string) bot.Candidate {
	b.t.Helper()
	c, err := b.db.CandidateByRef(context.Background(), ref)
	if err != nil {
		b.t.Fatalf("candidate %q: %v", ref, err)
	}
	return c
}

// useIntroChannel makes the channel id the jobcenter's intro-day channel,
// typed there by the admin.
func (b *testBot) useIntroChannel(jobcenter, id string) {
	b.t.Helper()
	b.okIn(bot.Channel{Platform: "test", ID: id}, "Anne", "kanal intromøder "+jobcenter)
	if j, _ := b.db.JobcenterByName(context.Background(), jobcenter); j.Channels[bot.ChannelIntroDays].ID != id {
		b.t.Fatalf("%s has intro-day channel %+v", jobcenter, j.Channels)
	}
}

// planned is intro day #1 on Thursday 3 December with Slagelse and Ringsted.
func planned(t testing.TB) (*testBot, *recorder) {
	t.Helper()
	b, rec := introBot(t)
	b.ok("Tove", "intromøde ny 3/12 kl. 9-12 Sorø Bibliotek jobcentre Slagelse, Ringsted")
	return b, rec
}

func TestIntroDayNew(t *testing.T) {
	t.Parallel()
	b, _ := introBot(t)
	got := b.ok("Tove", "intromøde ny 3/12 kl. 9-12 Sorø Bibliotek jobcentre Slagelse og Jobcenter Ringsted")
	contains(t, got, "✅ Intromøde #1: torsdag 3. december 2026, kl. 9-12 Sorø Bibliotek",
		"Vært: Jobcenter Sorø; med: Jobcenter Sorø, Jobcenter Slagelse, Jobcenter Ringsted", "intromøde kandidat 1 <reference>")
	d := b.introDayOf(1)
	if !d.Date.Equal(day(2026, 12, 3)) || d.Place != "kl. 9-12 Sorø Bibliotek" || d.HostID != b.jobcenterIDOf("Jobcenter Sorø") ||
		d.Coordinator != b.personIDOf("Tove") || len(d.Jobcenters) != 3 || d.Jobcenters[1] != b.jobcenterIDOf("Jobcenter Slagelse") {
		t.Errorf("stored intro day: %+v", d)
	}
	// Not on a day the jobcenter is closed: today is a Sunday.
	contains(t, b.refused("Lis", "introday new today Sorø Jobcenter, lokale 2"), "kan ikke holdes søndag 22. november 2026", "(søndag)",
		"Første åbne dag derefter er mandag 23. november 2026", "Intet er gemt")
	// A lead may plan one too, alone and tomorrow; ids count on, and are shown as #N.
	contains(t, b.ok("Lis", "introday new tomorrow Sorø Jobcenter, lokale 2"), "Intromøde #2", "mandag 23. november 2026", "Sorø Jobcenter, lokale 2")
	if d := b.introDayOf(2); len(d.Jobcenters) != 1 || d.Coordinator != b.personIDOf("Lis") {
		t.Errorf("second intro day: %+v", d)
	}
	b.ok("Anne", "sprog en")
	contains(t, b.ok("Anne", "introday new 2026-12-10 Slagelse Library"), "✅ Intro day #3: Thursday 10 December 2026, Slagelse Library", "introday announce 3")
}

func TestIntroDayLifecycle(t *testing.T) {
	t.Parallel()
	b, _ := planned(t)
	contains(t, b.ok("Tove", "intromøde virksomhed 1 L-tek"), "✅ L-tek kommer til intromøde #1 (03.12.2026); 1 virksomhed i alt")
	b.ok("Tove", "introday company #1 Danish Crown")
	if d := b.introDayOf(1); len(d.CompanyIDs) != 2 || d.CompanyIDs[0] != b.company("L-tek").ID {
		t.Errorf("companies: %v", d.CompanyIDs)
	}

	got := b.ok("Hanne", "intromøde kandidat 1 ks-14 kompetencer truckkort, lager ønsker fast job fra januar")
	contains(t, got, "✅ KS-14 fra Jobcenter Sorø står nu på listen til intromøde #1", "henvisende konsulent")
	b.ok("Sanne", "intromøde kandidat #1 AB-2 kompetencer rengøring")
	b.ok("Tove", "intromøde kandidat 1 KS-15 fra Ringsted") // the coordinator writes another jobcenter's
	contains(t, b.refused("Hanne", "intromøde kandidat 1 KS-16 fra Ringsted"), "Du henviser kandidater fra dit eget jobcenter", "tovholder (Tove)")
	cs := b.candidatesOf(1)
	if len(cs) != 3 {
		t.Fatalf("candidates: %+v", cs)
	}
	ks := b.candidateOf("KS-14")
	if ks.Reference != "KS-14" || ks.Skills != "truckkort, lager" || ks.Wishes != "fast job fra januar" || ks.Stage != bot.StageInvited ||
		ks.HomeJobcenterID != b.jobcenterIDOf("Jobcenter Sorø") || ks.ReferrerID != b.personIDOf("Hanne") || len(ks.History) != 1 {
		t.Errorf("KS-14: %+v", ks)
	}
	if ab := b.candidateOf("ab2"); ab.HomeJobcenterID != b.jobcenterIDOf("Jobcenter Slagelse") || ab.ReferrerID != b.personIDOf("Sanne") {
		t.Errorf("AB-2: %+v", ab)
	}
	if k15 := b.candidateOf("KS 15"); k15.HomeJobcenterID != b.jobcenterIDOf("Jobcenter Ringsted") {
		t.Errorf("KS-15: %+v", k15)
	}

	// invited → internship: by default two weeks from the working day
	// after the intro day (Thursday 3 December).
	contains(t, b.ok("Tove", "intromøde match 1 KS-14 L-tek"), "🤝 KS-14 er matchet med L-tek: praktik fra 04.12.2026 til og med 17.12.2026 (2 uger)")
	ks = b.candidateOf("KS-14")
	if ks.Stage != bot.StageInternship || ks.CompanyID != b.company("L-tek").ID || !ks.InternshipStart.Equal(day(2026, 12, 4)) ||
		!ks.InternshipEnd.Equal(day(2026, 12, 17)) || len(ks.History) != 2 {
		t.Errorf("KS-14 after match: %+v", ks)
	}
	b.ok("Tove", "intromøde match 1 KS-14 L-tek") // sent twice: one event
	if ks = b.candidateOf("KS-14"); len(ks.History) != 2 {
		t.Errorf("a repeated match added history: %+v", ks.History)
	}
	contains(t, b.ok("Lis", "intromøde match 1 ab-2 Danish Crown uger 3 start 1/12"), "01.12.2026 til og med 21.12.2026 (3 uger)")
	if ab := b.candidateOf("AB-2"); !ab.InternshipEnd.Equal(day(2026, 12, 21)) || ab.Stage != bot.StageInternship {
		t.Errorf("AB-2 after match: %+v", ab)
	}

	// internship → meeting → outcome, by the referring consultant.
	contains(t, b.ok("Hanne", "kandidat KS-14 møde 10/12 kursus AMU truckcertifikat"), "Uddannelsesmødet for KS-14 er noteret til torsdag 10.12.2026 om kurset AMU truckcertifikat")
	ks = b.candidateOf("KS-14")
	if ks.Stage != bot.StageMeeting || !ks.Meeting.Equal(day(2026, 12, 10)) || ks.Course != "AMU truckcertifikat" || len(ks.History) != 3 {
		t.Errorf("KS-14 after meeting: %+v", ks)
	}
	contains(t, b.ok("Hanne", "kandidat ks14 udfald løntilskud"), "✅ KS-14 er afsluttet med udfaldet løntilskud")
	if ks = b.candidateOf("KS-14"); ks.Stage != bot.StageOutcome || ks.Outcome != commands.OutcomeWageSubsidy || len(ks.History) != 4 {
		t.Errorf("KS-14 after outcome: %+v", ks)
	}
	// A coordinator may record it for a candidate someone else referred.
	b.ok("Tove", "kandidat AB-2 udfald job")
	contains(t, b.ok("Hanne", "kandidat KS-14"), "KS-14", "Intromøde: #1 (03.12.2026", "Henvist af: Hanne", "Praktik: L-tek", "Udfald: løntilskud")

	st := b.say("Per", "intromøde status 1")
	if st.Error || !st.Public {
		t.Fatalf("status: error %v, public %v: %s", st.Error, st.Public, st.PlainText())
	}
	contains(t, st.PlainText(), "Kandidater: 3", "Virksomheder: 2",
		"Jobcenter Sorø: 0 inviteret · 0 mødt/matchet · 0 i praktik · 0 til uddannelsesmøde · 1 afsluttet (løntilskud 1)",
		"Jobcenter Slagelse: 0 inviteret · 0 mødt/matchet · 0 i praktik · 0 til uddannelsesmøde · 1 afsluttet (job 1)",
		"Jobcenter Ringsted: 1 inviteret", "I alt: 1 inviteret · 0 mødt/matchet · 0 i praktik · 0 til uddannelsesmøde · 2 afsluttet (job 1, løntilskud 1)")
	lacks(t, st.PlainText(), "KS-14", "AB-2", "KS-15") // numbers, not people

	contains(t, b.ok("Sanne", "intromøder"), "#1 03.12.2026, kl. 9-12 Sorø Bibliotek — vært Jobcenter Sorø — 3 kandidater, 2 virksomheder")
	contains(t, b.ok("Bo", "introday list"), "ingen kommende intromøder") // Holbæk is no partner
}

func TestIntroDayEnglish(t *testing.T) {
	t.Parallel()
	b, _ := planned(t)
	b.ok("Hanne", "language en")
	contains(t, b.ok("Hanne", "introday candidate 1 KS-14 skills welding wishes days"), "✅ KS-14 from Jobcenter Sorø is now on the list of intro day #1")
	contains(t, b.refused("Hanne", "introday candidate 1 Karen Hansen"), "That looks like a name", "never a name or CPR number")
	contains(t, b.refused("Hanne", "candidate KS-14 outcome maybe"), "not an outcome", "job, wage-subsidy, internship, course or none")
	contains(t, b.ok("Hanne", "candidate KS-14 outcome wage subsidy"), "closed with the outcome wage subsidy")
	contains(t, b.ok("Hanne", "introday status 1"), "Jobcenter Sorø: 0 invited · 0 attended/matched · 0 in internship · 0 at education meeting · 1 closed (wage subsidy 1)")
}

func TestIntroDayHelp(t *testing.T) {
	t.Parallel()
	b, _ := introBot(t)
	contains(t, b.ok("Hanne", "hjælp intromøde kandidat"), "intromøde kandidat <nr> <reference>", "aldrig navn eller CPR-nummer", "borgeren må ikke kunne genkendes")
	contains(t, b.ok("Tove", "hjælp intromøde"), "intromøde ny <dato> <sted>", "intromøde match <nr> <reference> <virksomhed>")
	contains(t, b.ok("Hanne", "hjælp"), "kandidat <reference>", "intromøde kandidat")
	lacks(t, b.ok("Hanne", "hjælp"), "intromøde ny") // a consultant cannot plan one
	contains(t, b.refused("Tove", "intromøde nyt 3/12 Sorø"), "»nyt« kender jeg ikke", "intromøde ny <dato> <sted>")
}

func TestIntroDayRefusals(t *testing.T) {
	t.Parallel()
	b, rec := planned(t)
	b.ok("Tove", "intromøde virksomhed 1 L-tek")
	b.ok("Hanne", "intromøde kandidat 1 KS-14")
	tests := []struct {
		who, line string
		want      []string
	}{
		{"Hanne", "intromøde ny 4/12 Sorø", []string{"Det må du ikke med din rolle (konsulent)"}},
		{"Tove", "intromøde ny 3/12", []string{"Sådan skrives det", "intromøde ny <dato> <sted>"}},
		{"Tove", "intromøde ny i går Sorø", []string{"21.11.2026 er allerede passeret"}},
		{"Tove", "intromøde ny 2026-11-01 Sorø", []string{"01.11.2026 er allerede passeret"}},
		{"Tove", "intromøde ny 2028-01-01 Sorø", []string{"mere end et år"}},
		{"Tove", "intromøde ny snart Sorø", []string{"»snart« kan jeg ikke læse som en dato"}},
		{"Tove", "intromøde ny 4/12 jobcentre Slagelse", []string{"Skriv, hvor"}},
		{"Tove", "intromøde ny 4/12 Slagelse jobcentre Ringsted, Atlantis", []string{"Jeg kender intet jobcenter, der hedder »Atlantis«", "Kendte jobcentre: Jobcenter Sorø, Jobcenter Slagelse"}},
		{"Tove", "intromøde ny 3/12 kl. 9-12 sorø bibliotek", []string{"Der er allerede intromøde #1 03.12.2026"}},
		{"Tove", "intromøde virksomhed 9 L-tek", []string{"Jeg kender intet intromøde #9", "Kommende: #1 (03.12.2026)"}},
		{"Tove", "intromøde virksomhed x L-tek", []string{"»x« er ikke et intromødes nummer"}},
		{"Tove", "intromøde virksomhed 1", []string{"Sådan skrives det"}},
		{"Tove", "intromøde virksomhed 1 Ukendt Maskinfabrik", []string{"Jeg kender ingen virksomhed, der hedder »Ukendt Maskinfabrik«"}},
		{"Tove", "intromøde virksomhed 1 l-tek", []string{"L-tek står allerede på listen til intromøde #1"}},
		{"Hanne", "intromøde virksomhed 1 Danish Crown", []string{"Det må du ikke med din rolle"}},
		{"Bo", "intromøde virksomhed 1 Danish Crown", []string{"holdes af Jobcenter Sorø sammen med Jobcenter Slagelse, Jobcenter Ringsted;", "kun deres tovholdere"}},
		{"Hanne", "intromøde kandidat 1 ks14", []string{"KS14 står allerede på listen til intromøde #1"}},
		{"Hanne", "intromøde kandidat 1 Karen Hansen", []string{"Det ligner et navn", "aldrig med navn eller CPR-nummer"}},
		{"Hanne", "intromøde kandidat 1 Karen", []string{"skal have et nummer", "kan være et navn"}},
		{"Hanne", "intromøde kandidat 1 KarenMarieHansen7", []string{"for lang", "kan være et navn"}},
		{"Hanne", "intromøde kandidat 1 KS 14", []string{"ét ord uden mellemrum"}},
		{"Hanne", "intromøde kandidat 1 karen@mail.dk", []string{"bogstaver, tal og bindestreg"}},
		{"Hanne", "intromøde kandidat 1", []string{"Skriv kandidatens reference"}},
		{"Hanne", "intromøde kandidat 1 KS-20 fra Atlantis", []string{"Jeg kender intet jobcenter, der hedder »Atlantis«"}},
		{"Tove", "intromøde kandidat 1 KS-21 fra Holbæk", []string{"Jobcenter Holbæk er ikke med på intromøde #1"}},
		{"Hanne", "intromøde kandidat 1 KS-22 kompetencer " + strings.Repeat("svejsning ", 25), []string{"Kompetencer er for lang"}},
		{"Hanne", "intromøde kandidat 1 KS-22 kompetencer truck 010190-1234", []string{"CPR-nummer"}},
		{"Hanne", "intromøde kandidat 1 KS-22 ønsker job 0101901234", []string{"CPR-nummer"}},
		{"Hanne", "intromøde kandidat 1 010190-1234", []string{"CPR-nummer"}},
		{"Tove", "intromøde match 1 ZZ-9 L-tek", []string{"»ZZ-9« står ikke på listen til intromøde #1", "På listen: KS-14."}},
		{"Tove", "intromøde match 1 KS-14 L-tek uger 0", []string{"fra 1 til 52 uger"}},
		{"Tove", "intromøde match 1 KS-14 L-tek uger 53", []string{"»53« uger går ikke"}},
		{"Tove", "intromøde match 1 KS-14 L-tek uger to", []string{"»to« uger går ikke"}},
		{"Tove", "intromøde match 1 KS-14 L-tek start i går", []string{"21.11.2026 er allerede passeret"}},
		{"Tove", "intromøde match 1 KS-14 Ukendt Maskinfabrik", []string{"Jeg kender ingen virksomhed"}},
		{"Tove", "intromøde match 1 KS-14 L-tek start 010190-1234", []string{"CPR-nummer"}},
		{"Tove", "intromøde match 1 KS-14", []string{"Sådan skrives det"}},
		{"Hanne", "intromøde match 1 KS-14 L-tek", []string{"Det må du ikke med din rolle"}},
		{"Per", "kandidat KS-14 udfald job", []string{"Kun den konsulent, der henviste KS-14"}},
		{"Per", "kandidat KS-14 møde 10/12", []string{"Kun den konsulent, der henviste KS-14"}},
		{"Bo", "kandidat KS-14 udfald job", []string{"kun deres tovholdere"}},
		{"Hanne", "kandidat KS-14 udfald måske", []string{"»måske« er ikke et udfald", "job, løntilskud, praktik, kursus eller intet"}},
		{"Hanne", "kandidat KS-14 udfald", []string{"Skriv udfaldet: job, løntilskud, praktik, kursus eller intet"}},
		{"Hanne", "kandidat ZZ-9 udfald job", []string{"ingen kandidat med referencen »ZZ-9«"}},
		{"Hanne", "kandidat KS-14 møde i går", []string{"21.11.2026 er allerede passeret"}},
		{"Hanne", "kandidat KS-14 møde", []string{"Der mangler en dato"}},
		{"Hanne", "kandidat KS-14 møde 10/12 kursus 010190-1234", []string{"CPR-nummer"}},
		{"Hanne", "kandidat KS-14 hvad", []string{"Sådan skrives det"}},
		{"Tove", "intromøde annoncér 1", []string{"Ingen af jobcentrene (Jobcenter Sorø, Jobcenter Slagelse, Jobcenter Ringsted) har en kanal til intromøder", "kanal intromøder"}},
		{"Tove", "intromøde annoncér 1 her", []string{"Her er ingen kanal"}},
		{"Tove", "intromøde status", []string{"Sådan skrives det"}},
	}
	for _, tt := range tests {
		contains(t, b.refused(tt.who, tt.line), tt.want...)
	}
	// Nothing was stored by any of them.
	if days, _ := b.db.IntroDaysFrom(context.Background(), day(2026, 1, 1)); len(days) != 1 {
		t.Errorf("intro days: %+v", days)
	}
	d := b.introDayOf(1)
	if len(d.CompanyIDs) != 1 || len(d.Jobcenters) != 3 || len(d.Announced) != 0 {
		t.Errorf("intro day #1 changed: %+v", d)
	}
	cs := b.candidatesOf(1)
	if len(cs) != 1 || cs[0].Stage != bot.StageInvited || len(cs[0].History) != 1 || cs[0].Skills != "" {
		t.Errorf("candidates changed: %+v", cs)
	}
	if posts, updates := sentCounts(rec); posts+updates != 0 {
		t.Errorf("sent %d posts and %d updates", posts, updates)
	}

	// Once the day has been held, its list is closed; the pipeline goes on.
	b.clock.Add(12 * 24 * time.Hour)
	contains(t, b.refused("Hanne", "intromøde kandidat 1 KS-30"), "blev holdt 03.12.2026")
	contains(t, b.refused("Tove", "intromøde annoncér 1"), "blev holdt 03.12.2026")
	b.ok("Tove", "intromøde match 1 KS-14 L-tek")
	contains(t, b.refused("Tove", "intromøde virksomhed 9 L-tek"), "Der er ingen kommende intromøder")
}

func TestIntroDayPartnerJoins(t *testing.T) {
	t.Parallel()
	b, _ := introBot(t)
	b.ok("Tove", "intromøde ny 3/12 Sorø Bibliotek")
	// Slagelse is Sorø's partner: a candidate from there brings it in.
	contains(t, b.ok("Sanne", "intromøde kandidat 1 AB-2"), "Jobcenter Slagelse er nu med på intromødet")
	if d := b.introDayOf(1); len(d.Jobcenters) != 2 || d.Jobcenters[1] != b.jobcenterIDOf("Jobcenter Slagelse") {
		t.Errorf("jobcenters: %v", d.Jobcenters)
	}
	// A coordinator in Holbæk, no partner, may not change it.
	contains(t, b.refused("Bo", "intromøde match 1 AB-2 L-tek"), "kun deres tovholdere")
}

// FuzzIntroDayLines sends arbitrary intro-day and candidate lines through
// the command path into a real database: no line may panic or get an
// empty reply, and whatever is stored keeps the privacy rules: references
// of 2..16 letters, digits and hyphens with a digit, short notes, and no
// CPR number anywhere.
func FuzzIntroDayLines(f *testing.F) {
	for _, s := range []string{
		"intromøde kandidat 1 KS-14 kompetencer truck ønsker lager", "intromøde kandidat 1 Karen Hansen", "intromøde kandidat #1 ab-2 fra Slagelse",
		"intromøde kandidat 1 KS-3 fra", "intromøde kandidat 1 ks 4 kompetencer", "intromøde match 1 KS-14 L-tek start 1/12 uger 3",
		"intromøde match 1 KS-14 L-tek uger", "intromøde match 1 KS-14 start", "kandidat KS-14 møde 10/12 kursus AMU", "kandidat KS-14 udfald løntilskud",
		"intromøde ny 3/12 Sorø jobcentre Slagelse, , og", "intromøde status #1", "intromøde annoncér 1 her", "intromøde virksomhed 1 L-tek",
		"intromøde kandidat 1 KS-9 ønsker 010190-1234",
	} {
		f.Add(s)
	}
	b, _ := planned(f)
	b.useIntroChannel("Jobcenter Sorø", "C-soroe")
	f.Fuzz(func(t *testing.T, line string) {
		tb := *b
		tb.t = t
		who := "Tove"
		if len(line)%2 == 0 {
			who = "Hanne"
		}
		if m := tb.say(who, line); strings.TrimSpace(m.PlainText()) == "" {
			t.Fatalf("%q: empty reply", line)
		}
		cs, err := tb.db.Candidates(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			n := utf8.RuneCountInString(c.Reference)
			if n < 2 || n > 16 || !strings.ContainsAny(c.Reference, "0123456789") || strings.ContainsFunc(c.Reference, func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
			}) {
				t.Fatalf("%q: stored the reference %q", line, c.Reference)
			}
			for _, text := range []string{c.Reference, c.Skills, c.Wishes, c.Course} {
				if bot.ContainsCPR(text) || utf8.RuneCountInString(text) > 200 {
					t.Fatalf("%q: stored %q", line, text)
				}
			}
		}
	})
}

// An intro day is refused on a public holiday and on the host jobcenter's
// own closed days (not on another jobcenter's); an internship asked to
// start on a closed day starts on the host's next open day, and says so.
func TestIntroDayOnClosedDays(t *testing.T) {
	t.Parallel()
	b, _ := introBot(t)
	b.ok("Anne", "jobcenter lukkedage Jobcenter Sorø = 2026-12-04 personaledag")
	contains(t, b.refused("Tove", "intromøde ny 25/12 Sorø Bibliotek"), "kan ikke holdes fredag 25. december 2026", "(juledag)", "mandag 28. december 2026")
	contains(t, b.refused("Tove", "intromøde ny 4/12 Sorø Bibliotek"), "(personaledag)", "mandag 7. december 2026")
	b.ok("Anne", "sprog en")
	contains(t, b.refused("Anne", "introday new 12/12 Slagelse"), "cannot be held on Saturday 12 December 2026", "(Saturday)", "Nothing was saved")
	// Holbæk is open on Sorø's staff day; the refused ones were not stored.
	contains(t, b.ok("Bo", "intromøde ny 4/12 Holbæk"), "Intromøde #1")
	b.ok("Tove", "intromøde ny 3/12 Sorø Bibliotek")
	b.ok("Tove", "intromøde kandidat 2 KS-14")
	got := b.ok("Tove", "intromøde match 2 KS-14 L-tek start 4/12")
	contains(t, got, "praktik fra 07.12.2026 til og med 20.12.2026", "04.12.2026 er en lukkedag (personaledag), så praktikken starter første åbne dag derefter")
	if ks := b.candidateOf("KS-14"); !ks.InternshipStart.Equal(day(2026, 12, 7)) {
		t.Errorf("KS-14 starts %v, want Monday 7 December", ks.InternshipStart)
	}
}
