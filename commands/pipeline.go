package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kontaktbot/bot"
)

// After an intro day a candidate goes on through the pipeline: a match
// starts an internship (candidates.go), then the referring consultant
// holds an education meeting and records the outcome with »candidate«.

// Option words of »candidate«.
var (
	wordMeeting = word("møde", "meeting", "uddannelsesmøde")
	wordOutcome = word("udfald", "outcome", "resultat", "result")
	wordCourse  = word("kursus", "course")
)

// Outcomes, as stored in Candidate.Outcome.
const (
	OutcomeJob         = "job"
	OutcomeWageSubsidy = "wage-subsidy"
	OutcomeInternship  = "internship"
	OutcomeCourse      = "course"
	OutcomeNone        = "none"
)

// outcomes are the words for each outcome. The typed words are joined
// before they are compared, so every spelling here is written without
// spaces: »mere praktik« is »merepraktik«, »wage subsidy« »wagesubsidy«.
var outcomes = []Choice[string]{
	{word("job", "job", "ordinærtjob", "ansat", "ansættelse", "employed"), OutcomeJob},
	{word("løntilskud", "wage-subsidy", "wagesubsidy", "lontilskud"), OutcomeWageSubsidy},
	{word("praktik", "internship", "virksomhedspraktik", "merepraktik"), OutcomeInternship},
	{word("kursus", "course", "uddannelse", "education", "amu"), OutcomeCourse},
	{word("intet", "none", "ingen", "nothing"), OutcomeNone},
}

// outcomeName is an outcome in lang.
func outcomeName(lang bot.Lang, o string) string {
	switch o {
	case OutcomeJob:
		return "job"
	case OutcomeWageSubsidy:
		return lang.Pick("løntilskud", "wage subsidy")
	case OutcomeInternship:
		return lang.Pick("mere praktik", "further internship")
	case OutcomeCourse:
		return lang.Pick("kursus", "course")
	case OutcomeNone:
		return lang.Pick("intet", "none")
	}
	return o
}

// stageName is a stage in lang.
func stageName(lang bot.Lang, st bot.Stage) string {
	switch st {
	case bot.StageInvited:
		return lang.Pick("inviteret", "invited")
	case bot.StageAttended:
		return lang.Pick("mødt", "attended")
	case bot.StageMatched:
		return lang.Pick("matchet", "matched")
	case bot.StageInternship:
		return lang.Pick("i praktik", "in internship")
	case bot.StageMeeting:
		return lang.Pick("uddannelsesmøde", "education meeting")
	case bot.StageOutcome:
		return lang.Pick("afsluttet", "closed")
	}
	return string(st)
}

// runCandidate shows a candidate, or records the education meeting or the
// outcome: »kandidat KS-14 [møde <dato> [kursus <tekst>] | udfald <udfald>]«.
func runCandidate(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		return bot.Message{}, usageError(s, c, "candidate")
	}
	cand, err := s.introDays.CandidateByRef(ctx, args[0])
	if errors.Is(err, bot.ErrNotFound) {
		return bot.Message{}, bot.Errorf(bot.NotFound, "%s", c.tr(
			"Jeg kender ingen kandidat med referencen »"+clip(args[0])+"«. Kandidater kommer på listen med »intromøde kandidat <nr> <reference>«.",
			"I know no candidate with the reference »"+clip(args[0])+"«. Candidates join a list with »introday candidate <no> <reference>«."))
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("candidate by ref: %w", err)
	}
	if len(args) == 1 {
		if err := s.seeCandidate(ctx, c, cand); err != nil {
			return bot.Message{}, err
		}
		msg := s.candidateCard(ctx, c, cand)
		path, err := s.candidatePath(ctx, c, cand.Reference)
		if err != nil {
			return bot.Message{}, err
		}
		if len(path) > 1 {
			msg.Blocks = append(msg.Blocks, bot.List{Title: c.tr("Forløb på tværs af intromøder", "Path across intro days"), Items: path})
		}
		return msg, nil
	}
	if err := s.mayRecord(ctx, c, cand); err != nil {
		return bot.Message{}, err
	}
	switch {
	case wordMeeting.Is(args[1]):
		return s.recordMeeting(ctx, c, cand, args[2:])
	case wordOutcome.Is(args[1]):
		return s.recordOutcome(ctx, c, cand, args[2:])
	}
	return bot.Message{}, usageError(s, c, "candidate")
}

// mayRecord lets the referring consultant record a candidate's meeting
// and outcome, and those who may manage the candidate's intro day.
func (s *Service) mayRecord(ctx context.Context, c *call, cand bot.Candidate) error {
	if cand.ReferrerID == c.actor.ID {
		return nil
	}
	if c.actor.Role.Rank() >= bot.RoleCoordinator.Rank() {
		d, err := s.introDays.IntroDay(ctx, cand.IntroDayID)
		if err != nil {
			return fmt.Errorf("candidate's intro day: %w", err)
		}
		return s.mayManage(ctx, c, d)
	}
	return bot.Errorf(bot.Forbidden, "%s", c.tr(
		"Kun den konsulent, der henviste "+cand.Reference+", eller en tovholder, leder eller administrator kan notere det.",
		"Only the consultant who referred "+cand.Reference+", or a coordinator, lead or admin, can record that."))
}

func (s *Service) recordMeeting(ctx context.Context, c *call, cand bot.Candidate, words []string) (bot.Message, error) {
	dateWords, courseText := words, []string(nil)
	for i, w := range words {
		if wordCourse.Is(w) {
			dateWords, courseText = words[:i], words[i+1:]
			break
		}
	}
	day, err := dayAhead(c, dateWords, c.tr("kandidat "+cand.Reference+" møde 10/12 kursus AMU truckcertifikat", "candidate "+cand.Reference+" meeting 10/12 course AMU forklift"), Ahead)
	if err != nil {
		return bot.Message{}, err
	}
	course, err := note(c, courseText, c.tr("kurset", "the course"))
	if err != nil {
		return bot.Message{}, err
	}
	if cand.Stage == bot.StageOutcome {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			cand.Reference+" er allerede afsluttet med udfaldet "+outcomeName(c.lang, cand.Outcome)+", så intet er gemt. Ret udfaldet med »kandidat "+cand.Reference+" udfald …«.",
			cand.Reference+" is already closed with the outcome "+outcomeName(c.lang, cand.Outcome)+", so nothing was saved. Correct the outcome with »candidate "+cand.Reference+" outcome …«."))
	}
	cand, err = s.introDays.UpdateCandidate(ctx, cand.IntroDayID, cand.Reference, func(x *bot.Candidate) error {
		if x.Stage == bot.StageMeeting && x.Meeting.Equal(day) && x.Course == course {
			return nil // sent twice
		}
		x.Stage, x.Meeting, x.Course = bot.StageMeeting, day, course
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID, What: "education meeting " + day.Format(time.DateOnly) + courseSuffix(course)})
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("record meeting: %w", err)
	}
	courseNote := ""
	if course != "" {
		courseNote = c.tr(" om kurset "+course, " about the course "+course)
	}
	return bot.Reply(c.tr(
		"📅 Uddannelsesmødet for "+cand.Reference+" er noteret til "+bot.FormatDay(day, c.lang)+courseNote+". Notér udfaldet bagefter med »kandidat "+cand.Reference+" udfald job|løntilskud|praktik|kursus|intet«.",
		"📅 The education meeting for "+cand.Reference+" is recorded for "+bot.FormatDay(day, c.lang)+courseNote+". Record the outcome afterwards with »candidate "+cand.Reference+" outcome job|wage-subsidy|internship|course|none«.")), nil
}

func courseSuffix(course string) string {
	if course == "" {
		return ""
	}
	return ", course " + course
}

func (s *Service) recordOutcome(ctx context.Context, c *call, cand bot.Candidate, words []string) (bot.Message, error) {
	outcome, ok := choose(outcomes, strings.Join(words, ""))
	if !ok {
		what := c.tr("Skriv udfaldet: ", "Give the outcome: ")
		if len(words) > 0 {
			what = c.tr("»"+clip(strings.Join(words, " "))+"« er ikke et udfald. Skriv et af: ", "»"+clip(strings.Join(words, " "))+"« is not an outcome. Write one of: ")
		}
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", what+orList(c.lang, names(outcomes, c.lang))+c.tr(
			", fx »kandidat "+cand.Reference+" udfald job«. Intet er gemt.",
			", e.g. »candidate "+cand.Reference+" outcome job«. Nothing was saved."))
	}
	cand, err := s.introDays.UpdateCandidate(ctx, cand.IntroDayID, cand.Reference, func(x *bot.Candidate) error {
		if x.Stage == bot.StageOutcome && x.Outcome == outcome {
			return nil // sent twice
		}
		x.Stage, x.Outcome = bot.StageOutcome, outcome
		x.History = append(x.History, bot.Event{At: c.now, By: c.actor.ID, What: "outcome " + outcome})
		return nil
	})
	if err != nil {
		return bot.Message{}, fmt.Errorf("record outcome: %w", err)
	}
	return bot.Reply(c.tr(
		"✅ "+cand.Reference+" er afsluttet med udfaldet "+outcomeName(c.lang, outcome)+". Tak for indsatsen!",
		"✅ "+cand.Reference+" is closed with the outcome "+outcomeName(c.lang, outcome)+". Thank you for the work!")), nil
}

// seeCandidate refuses a candidate's card to a reader who may not see its
// intro day's list; the referring consultant always may.
func (s *Service) seeCandidate(ctx context.Context, c *call, cand bot.Candidate) error {
	if cand.ReferrerID == c.actor.ID {
		return nil
	}
	d, err := s.introDays.IntroDay(ctx, cand.IntroDayID)
	if err != nil {
		return fmt.Errorf("candidate's intro day: %w", err)
	}
	return s.seeIntroDay(ctx, c, d, "intro day candidate")
}

// candidateCard shows where a candidate is in the pipeline.
func (s *Service) candidateCard(ctx context.Context, c *call, cand bot.Candidate) bot.Message {
	names := s.jobcenterNames(ctx)
	f := []bot.Field{
		{Label: c.tr("Intromøde", "Intro day"), Value: dayRef(cand.IntroDayID)},
		{Label: c.tr("Jobcenter", "Jobcenter"), Value: names(cand.HomeJobcenterID)},
		{Label: c.tr("Status", "Stage"), Value: stageName(c.lang, cand.Stage)},
	}
	if d, err := s.introDays.IntroDay(ctx, cand.IntroDayID); err == nil {
		f[0].Value += " (" + bot.FormatDate(d.Date, c.lang) + ", " + clip(d.Place) + ")"
	}
	if p, err := s.introDays.Consultant(ctx, cand.ReferrerID); err == nil {
		f = append(f, bot.Field{Label: c.tr("Henvist af", "Referred by"), Value: p.Name})
	}
	if cand.CompanyID != 0 {
		co := "#" + itoa(int(cand.CompanyID))
		if x, err := s.introDays.Company(ctx, cand.CompanyID); err == nil {
			co = x.Name
		}
		f = append(f, bot.Field{Label: c.tr("Praktik", "Internship"), Value: co + ", " + bot.FormatDate(cand.InternshipStart, c.lang) + " – " + bot.FormatDate(cand.InternshipEnd, c.lang)})
	}
	if !cand.Meeting.IsZero() {
		f = append(f, bot.Field{Label: c.tr("Uddannelsesmøde", "Education meeting"), Value: bot.FormatDate(cand.Meeting, c.lang) + courseSuffixLang(c, cand.Course)})
	}
	if cand.Outcome != "" {
		f = append(f, bot.Field{Label: c.tr("Udfald", "Outcome"), Value: outcomeName(c.lang, cand.Outcome)})
	}
	return bot.Message{Blocks: []bot.Block{bot.Heading{Text: cand.Reference}, bot.Fields{Fields: f}}}
}

func courseSuffixLang(c *call, course string) string {
	if course == "" {
		return ""
	}
	return c.tr(", kursus: ", ", course: ") + course
}

// candidatePath is one line per intro day the reference has been on, in
// the order they were planned, for the days the reader may see (the
// referring consultant sees their own): the day, the stage reached, the
// internship, the education meeting and the outcome.
func (s *Service) candidatePath(ctx context.Context, c *call, ref string) ([]string, error) {
	all, err := s.introDays.CandidatesByRef(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("candidate path: %w", err)
	}
	know := s.knower(ctx, c)
	var out []string
	for _, cand := range all {
		d, err := s.introDays.IntroDay(ctx, cand.IntroDayID)
		if err != nil {
			return nil, fmt.Errorf("candidate path: %w", err)
		}
		if cand.ReferrerID != c.actor.ID {
			ok, err := s.mayKnowIntroDay(ctx, c, d, know)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, s.pathLine(ctx, c, d, cand))
	}
	return out, nil
}

// pathLine is one intro day of a candidate's path.
func (s *Service) pathLine(ctx context.Context, c *call, d bot.IntroDay, cand bot.Candidate) string {
	parts := []string{c.tr("intromøde ", "intro day ") + dayRef(d.ID) + " " + bot.FormatDate(d.Date, c.lang) + ": " + stageName(c.lang, cand.Stage)}
	if cand.CompanyID != 0 {
		co := "#" + itoa(int(cand.CompanyID))
		if x, err := s.introDays.Company(ctx, cand.CompanyID); err == nil {
			co = x.Name
		}
		parts = append(parts, c.tr("praktik hos ", "internship at ")+co+" "+bot.FormatDate(cand.InternshipStart, c.lang)+" – "+bot.FormatDate(cand.InternshipEnd, c.lang))
	}
	if !cand.Meeting.IsZero() {
		parts = append(parts, c.tr("uddannelsesmøde ", "education meeting ")+bot.FormatDate(cand.Meeting, c.lang)+courseSuffixLang(c, cand.Course))
	}
	if cand.Outcome != "" {
		parts = append(parts, c.tr("udfald ", "outcome ")+outcomeName(c.lang, cand.Outcome))
	}
	return strings.Join(parts, " · ")
}
