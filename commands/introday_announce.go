package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"kontaktbot/bot"
)

// An intro day is announced in the intro-day channel of its host and of
// every jobcenter taking part, whichever platform each uses. A long list
// is several posts; their receipts are kept on the intro day in order,
// per channel, so that announcing again edits the same posts in place:
// the first ones with the new parts, new posts for parts that are new,
// and a short "no more" in posts the list no longer needs.

// wordHere asks for the announcement in the channel the command is typed in too.
var wordHere = word("her", "here", "kanal", "channel")

// announceLang is the language of announcements: channels shared by
// Danish jobcenters read Danish.
const announceLang = bot.Danish

// target is a channel to announce in, and whose it is.
type target struct {
	ch    bot.Channel
	label string
}

func channelKey(ch bot.Channel) string { return ch.Platform + "/" + ch.Team + "/" + ch.ID }

func runIntroDayAnnounce(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	d, rest, err := s.introDayAt(ctx, c, args, "introday announce")
	if err != nil {
		return bot.Message{}, err
	}
	here := len(rest) == 1 && wordHere.Is(rest[0])
	if len(rest) > 0 && !here {
		return bot.Message{}, usageError(s, c, "introday announce")
	}
	if err := s.mayManage(ctx, c, d); err != nil {
		return bot.Message{}, err
	}
	if bot.Day(d.Date).Before(bot.Day(c.now)) {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Intromøde "+dayRef(d.ID)+" blev holdt "+bot.FormatDate(d.Date, c.lang)+", så det annonceres ikke igen. »intromøde status "+itoa(int(d.ID))+"« viser tallene.",
			"Intro day "+dayRef(d.ID)+" was held on "+bot.FormatDate(d.Date, c.lang)+", so it is not announced again. »introday status "+itoa(int(d.ID))+"« shows the numbers."))
	}
	if s.notifier == nil {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Jeg har ingen forbindelse til chatkanaler her, så intet er annonceret. Spørg din administrator.",
			"I have no connection to chat channels here, so nothing was announced. Ask your admin."))
	}
	targets, err := s.announceTargets(ctx, c, d, here)
	if err != nil {
		return bot.Message{}, err
	}
	view, err := s.introDayView(ctx, d)
	if err != nil {
		return bot.Message{}, err
	}
	msgs := RenderIntroDay(announceLang, view)
	receipts, failed := s.publish(ctx, d, targets, msgs)
	if _, err := s.introDays.UpdateIntroDay(ctx, d.ID, func(x *bot.IntroDay) error { x.Announced = receipts; return nil }); err != nil {
		return bot.Message{}, fmt.Errorf("store announcement receipts: %w", err)
	}
	return announceReply(c, d, targets, failed, len(msgs)), nil
}

// announceTargets returns the intro-day channels of the host and of the
// jobcenters taking part, every channel announced in before, and, when
// here is set, the channel the command came from; each once.
func (s *Service) announceTargets(ctx context.Context, c *call, d bot.IntroDay, here bool) ([]target, error) {
	var out []target
	seen := map[string]bool{}
	addTarget := func(ch bot.Channel, label string) {
		if ch.ID == "" || seen[channelKey(ch)] {
			return
		}
		seen[channelKey(ch)] = true
		out = append(out, target{ch: ch, label: label})
	}
	var names []string
	for _, id := range append([]uint64{d.HostID}, d.Jobcenters...) {
		j, err := s.introDays.Jobcenter(ctx, id)
		if errors.Is(err, bot.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("jobcenter %d: %w", id, err)
		}
		if !slices.Contains(names, j.Name) {
			names = append(names, j.Name)
		}
		addTarget(j.Channels[bot.ChannelIntroDays], j.Name)
	}
	for _, r := range d.Announced {
		addTarget(r.Channel, "#"+r.Channel.ID)
	}
	if here {
		if c.req.Channel.ID == "" {
			return nil, bot.Errorf(bot.Invalid, "%s", c.tr("Her er ingen kanal at annoncere i; skriv kommandoen i den kanal, listen skal stå i.",
				"There is no channel here to announce in; type the command in the channel the list should go to."))
		}
		addTarget(c.req.Channel, c.tr("denne kanal", "this channel"))
	}
	if len(out) == 0 {
		id := itoa(int(d.ID))
		return nil, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Ingen af jobcentrene ("+joinComma(names)+") har en kanal til intromøder, så intet er annonceret. En leder eller administrator sætter den op ved at skrive »kanal intromøder« i kanalen; eller skriv »intromøde annoncér "+id+" her« i den kanal, listen skal stå i.",
			"None of the jobcenters ("+joinComma(names)+") has an intro-day channel, so nothing was announced. A lead or admin sets one up by typing »channel introdays« in the channel; or type »introday announce "+id+" here« in the channel the list should go to."))
	}
	return out, nil
}

// introDayView resolves the names an announcement shows.
func (s *Service) introDayView(ctx context.Context, d bot.IntroDay) (IntroDayView, error) {
	jc := s.jobcenterNames(ctx)
	people := map[uint64]string{}
	person := func(id uint64) string {
		if n, ok := people[id]; ok || id == 0 {
			return n
		}
		n := "#" + itoa(int(id))
		if p, err := s.introDays.Consultant(ctx, id); err == nil {
			n = p.Name
		}
		people[id] = n
		return n
	}
	v := IntroDayView{ID: d.ID, Date: d.Date, Place: d.Place, Host: jc(d.HostID), Coordinator: person(d.Coordinator)}
	for _, id := range d.Jobcenters {
		v.Jobcenters = append(v.Jobcenters, jc(id))
	}
	for _, id := range d.CompanyIDs {
		name := "#" + itoa(int(id))
		if co, err := s.introDays.Company(ctx, id); err == nil {
			name = co.Name
		} else if !errors.Is(err, bot.ErrNotFound) {
			return v, fmt.Errorf("company %d: %w", id, err)
		}
		v.Companies = append(v.Companies, name)
	}
	cands, err := s.introDays.Candidates(ctx, d.ID)
	if err != nil {
		return v, fmt.Errorf("candidates: %w", err)
	}
	for _, x := range cands {
		v.Candidates = append(v.Candidates, CandidateView{Reference: x.Reference, Home: jc(x.HomeJobcenterID),
			Referrer: person(x.ReferrerID), Skills: x.Skills, Wishes: x.Wishes})
	}
	return v, nil
}

// publish posts or updates msgs in every target and returns the receipts
// to keep, per channel in part order, and the targets that failed. A
// failed update keeps the old receipt; a failed post stops that channel,
// so a channel's receipts stay its parts 1, 2, … without gaps.
func (s *Service) publish(ctx context.Context, d bot.IntroDay, targets []target, msgs []bot.Message) ([]bot.Receipt, []target) {
	old := map[string][]bot.Receipt{}
	for _, r := range d.Announced {
		old[channelKey(r.Channel)] = append(old[channelKey(r.Channel)], r)
	}
	var out []bot.Receipt
	var failed []target
	for _, t := range targets {
		prev := old[channelKey(t.ch)]
		var firstErr error
		for i := range max(len(msgs), len(prev)) {
			msg := AnnouncementEnd(announceLang, d.ID)
			if i < len(msgs) {
				msg = msgs[i]
			}
			var r bot.Receipt
			var err error
			if i < len(prev) {
				if r, err = noPanic(func() (bot.Receipt, error) { return s.notifier.UpdateMessage(ctx, prev[i], msg) }); err != nil {
					r = prev[i]
				}
			} else {
				r, err = noPanic(func() (bot.Receipt, error) { return s.notifier.PostToChannel(ctx, t.ch, msg) })
			}
			if err != nil {
				s.log.Warn("intro day announcement failed", "introday", d.ID, "channel", channelKey(t.ch), "part", i+1, "err", err)
				firstErr = cmpErr(firstErr, err)
				if i >= len(prev) {
					break
				}
			}
			if r.Channel.ID == "" {
				r.Channel = t.ch // a platform that answers without it
			}
			out = append(out, r)
		}
		if firstErr != nil {
			failed = append(failed, t)
		}
	}
	return out, failed
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func announceReply(c *call, d bot.IntroDay, targets, failed []target, parts int) bot.Message {
	verb := c.tr("annonceret", "announced")
	if len(d.Announced) > 0 {
		verb = c.tr("opdateret", "updated")
	}
	var ok []string
	for _, t := range targets {
		if !slices.ContainsFunc(failed, func(f target) bool { return channelKey(f.ch) == channelKey(t.ch) }) {
			ok = append(ok, t.label)
		}
	}
	id := itoa(int(d.ID))
	partsNote := ""
	if parts > 1 {
		partsNote = c.tr(" i "+counted(parts, "besked", "beskeder"), " in "+counted(parts, "message", "messages"))
	}
	var failNote string
	if len(failed) > 0 {
		labels := make([]string, len(failed))
		for i, f := range failed {
			labels[i] = f.label
		}
		failNote = c.tr(" ⚠️ Kunne ikke nå: "+joinComma(labels)+". Prøv igen om lidt med »intromøde annoncér "+id+"«; det, der allerede er sendt, bliver opdateret, ikke gentaget.",
			" ⚠️ Could not reach: "+joinComma(labels)+". Try again shortly with »introday announce "+id+"«; what was sent is updated, not repeated.")
	}
	if len(ok) == 0 {
		return bot.Message{Error: true, Blocks: []bot.Block{bot.Text{Text: c.tr(
			"Intromøde "+dayRef(d.ID)+" kunne ikke annonceres nu.", "Intro day "+dayRef(d.ID)+" could not be announced now.") + failNote}}}
	}
	return bot.Reply(c.tr("📣 Intromøde "+dayRef(d.ID)+" er "+verb+partsNote+" i: "+joinComma(ok)+".",
		"📣 Intro day "+dayRef(d.ID)+" is "+verb+partsNote+" in: "+joinComma(ok)+".") + failNote)
}
