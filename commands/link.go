package commands

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"kontaktbot/bot"
)

// LinkCodeLife is how long a code from »forbind« may be typed on the other
// platform.
const LinkCodeLife = 15 * time.Minute

// linkAlphabet has no letters that look like digits (no I, L, O, 0, 1):
// the code is read in one chat and typed in another.
const linkAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// linkLen is the code's length: 31^8 codes, so guessing one of the few
// alive within their 15 minutes is hopeless.
const linkLen = 8

// maxLinkCodes bounds the codes kept: each »forbind« without a code adds
// one, and a person asking twice keeps only the newest.
const maxLinkCodes = 10000

// linkCodes are the codes »forbind« has handed out: each names the
// consultant it was given to, and is used once. They live in memory; a
// restart costs a waiting person one more »forbind«.
type linkCodes struct {
	mu    sync.Mutex
	codes map[string]linkCode
}

type linkCode struct {
	consultant uint64
	expires    time.Time
}

// issue returns a new code for the consultant, valid until now+LinkCodeLife,
// replacing any they had.
func (l *linkCodes) issue(consultant uint64, now time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, c := range l.codes {
		if c.consultant == consultant || !now.Before(c.expires) || len(l.codes) >= maxLinkCodes {
			delete(l.codes, k)
		}
	}
	for {
		b := make([]byte, linkLen)
		rand.Read(b) // never fails (crypto/rand)
		for i := range b {
			b[i] = linkAlphabet[int(b[i])%len(linkAlphabet)]
		}
		if _, taken := l.codes[string(b)]; !taken {
			l.codes[string(b)] = linkCode{consultant: consultant, expires: now.Add(LinkCodeLife)}
			return string(b)
		}
	}
}

// take returns the consultant a live code was given to and forgets it.
func (l *linkCodes) take(code string, now time.Time) (uint64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.codes[code]
	delete(l.codes, code)
	return c.consultant, ok && now.Before(c.expires)
}

// cleanCode reads a code as people type it: any case, with a dash or
// spaces in between.
func cleanCode(words []string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.Join(words, "")))
}

func runLink(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) == 0 {
		code := s.links.issue(c.actor.ID, c.now)
		shown := code[:4] + "-" + code[4:]
		return bot.Message{Blocks: []bot.Block{bot.Text{Text: c.tr(
			"Din kode er *"+shown+"*. Skriv »forbind "+shown+"« til kontaktbot i den anden chat (Slack eller Teams) inden 15 minutter. "+
				"Så kender jeg dig begge steder, med dine virksomheder og påmindelser.",
			"Your code is *"+shown+"*. Type »link "+shown+"« to kontaktbot in the other chat (Slack or Teams) within 15 minutes. "+
				"Then I know you in both, with your companies and nudges.")}}}, nil
	}
	owner, ok := s.links.take(cleanCode(args), c.now)
	switch {
	case !ok:
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Den kode kender jeg ikke, eller den er udløbet (en kode gælder 15 minutter og kan bruges én gang). Skriv »forbind« i den anden chat for en ny.",
			"I don't know that code, or it has expired (a code lasts 15 minutes and works once). Type »link« in the other chat for a new one."))
	case owner == c.actor.ID:
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Den kode er givet her. Skriv den i den anden chat (Slack eller Teams), der skal forbindes med denne; skriv »forbind« for en ny.",
			"That code was given here. Type it in the other chat (Slack or Teams) that should be linked with this one; type »link« for a new one."))
	}
	// By the one record (ActorID) about the other (PersonID): whichever
	// remains, its access request finds the entry.
	linked, err := s.people.LinkConsultants(ctx, owner, c.actor.ID, c.entry(bot.AuditLink, c.actor.JobcenterID, owner, c.actor.Name, "records #"+itoa(int(owner))+" and #"+itoa(int(c.actor.ID))))
	if errors.Is(err, bot.ErrConflict) {
		return bot.Message{}, bot.Errorf(bot.Conflict, "%s", c.tr(
			"Du har allerede virksomheder, kontakter eller stillinger begge steder, så jeg kan ikke bare lægge dem sammen. "+
				"Bed en leder flytte virksomhederne til den ene (»virksomhed tildel <virksomhed> <person>«), og forbind så igen.",
			"You already have companies, contacts or positions in both places, so I can't simply put them together. "+
				"Ask a lead to move the companies to one of them (»company assign <company> <person>«), then link again."))
	}
	if err != nil {
		return bot.Message{}, fmt.Errorf("link: %w", err)
	}
	var where []string
	for _, id := range linked.Identities {
		name := map[string]string{"slack": "Slack", "teams": "Teams", "console": c.tr("konsollen", "the console")}[id.Platform]
		if name == "" {
			name = id.Platform
		}
		if !slices.Contains(where, name) {
			where = append(where, name)
		}
	}
	return bot.Reply(c.tr("✅ Forbundet: du er "+linked.Name+" i "+strings.Join(where, " og ")+", med de samme virksomheder og påmindelser.",
		"✅ Linked: you are "+linked.Name+" in "+strings.Join(where, " and ")+", with the same companies and nudges.")), nil
}
