package commands

import (
	"context"
	"fmt"
	"strings"

	"kontaktbot/bot"
)

// Announcements go to channels set up from chat: a lead types »kanal
// stillinger« in the Slack or Teams channel that is to carry the
// jobcenter's open positions. A position is announced in the positions
// channel of its consultant's jobcenter and of each partner jobcenter;
// later changes update those posts in place, by their receipts.

func runChannelPositions(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	return s.setChannel(ctx, c, args, bot.ChannelPositions)
}

func runChannelIntroDays(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	return s.setChannel(ctx, c, args, bot.ChannelIntroDays)
}

// purposeName is what a channel of that purpose carries, in lang.
func purposeName(lang bot.Lang, purpose string) string {
	if purpose == bot.ChannelIntroDays {
		return tr(lang, "intromøder", "intro days")
	}
	return tr(lang, "ledige stillinger", "open positions")
}

// channelName is how a channel is named in a reply.
func channelName(ch bot.Channel) string { return "#" + ch.ID }

func channelNames(chs []bot.Channel) string {
	names := make([]string, len(chs))
	for i, ch := range chs {
		names[i] = channelName(ch)
	}
	return strings.Join(names, ", ")
}

// setChannel makes the channel the command was typed in the announcement
// channel for purpose of the jobcenter args name (the caller's by
// default). A lead may set it for their own jobcenter, an admin for any.
func (s *Service) setChannel(ctx context.Context, c *call, args []string, purpose string) (bot.Message, error) {
	ch := c.req.Channel
	if ch.ID == "" {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Jeg kan ikke se, hvilken kanal du skriver fra. Skriv kommandoen i selve den kanal, der skal have opslagene om "+purposeName(c.lang, purpose)+", ikke i en privat besked til mig.",
			"I cannot tell which channel you are writing from. Type the command in the very channel that is to carry the "+purposeName(c.lang, purpose)+", not in a private message to me."))
	}
	j, err := s.jobcenterOrOwn(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if j.ID != c.actor.JobcenterID && c.actor.Role != bot.RoleAdmin {
		return bot.Message{}, bot.Errorf(bot.Forbidden, "%s", c.tr(
			"Som leder kan du sætte kanalen op for dit eget jobcenter. Bed en leder i "+j.Name+" eller en administrator om at gøre det.",
			"As a lead you can set up the channel of your own jobcenter. Ask a lead in "+j.Name+" or an admin to do it."))
	}
	var old bot.Channel
	j, err = s.people.UpdateJobcenter(ctx, j.ID, func(x *bot.Jobcenter) error {
		old = x.Channels[purpose]
		if x.Channels == nil {
			x.Channels = map[string]bot.Channel{}
		}
		x.Channels[purpose] = ch
		return nil
	}, c.entry(bot.AuditChannel, j.ID, 0, j.Name, purpose+": "+channelName(ch)))
	if err != nil {
		return bot.Message{}, fmt.Errorf("set channel: %w", err)
	}
	if old == ch {
		return bot.Reply(c.tr(
			"Denne kanal ("+channelName(ch)+") er allerede "+genitive(bot.Danish, j.Name)+" kanal for "+purposeName(c.lang, purpose)+". Intet er ændret.",
			"This channel ("+channelName(ch)+") already is "+genitive(bot.English, j.Name)+" channel for "+purposeName(c.lang, purpose)+". Nothing changed.")), nil
	}
	text := c.tr("✅ Denne kanal ("+channelName(ch)+") er nu "+genitive(bot.Danish, j.Name)+" kanal for "+purposeName(c.lang, purpose)+".",
		"✅ This channel ("+channelName(ch)+") is now "+genitive(bot.English, j.Name)+" channel for "+purposeName(c.lang, purpose)+".")
	if purpose == bot.ChannelPositions {
		text += c.tr(" Nye stillinger fra "+j.Name+" og dets samarbejdspartnere bliver slået op her.",
			" New positions from "+j.Name+" and its partners will be announced here.")
	}
	if old.ID != "" {
		text += c.tr(" Før gik de til "+channelName(old)+".", " Before, they went to "+channelName(old)+".")
	}
	return bot.Reply(text), nil
}

// genitive is name's possessive in lang: "Jobcenter Sorøs",
// "Jobcenter Sorø's".
func genitive(lang bot.Lang, name string) string {
	if lang == bot.English {
		return name + "'s"
	}
	switch name[len(name)-1] {
	case 's', 'x', 'z', 'S', 'X', 'Z':
		return name + "'"
	}
	return name + "s"
}

// jobcenterOrOwn is the jobcenter args name, or the caller's when args
// are empty.
func (s *Service) jobcenterOrOwn(ctx context.Context, c *call, args []string) (bot.Jobcenter, error) {
	if len(args) > 0 {
		return s.jobcenter(ctx, c, args)
	}
	j, err := s.people.Jobcenter(ctx, c.actor.JobcenterID)
	if err != nil {
		return j, fmt.Errorf("own jobcenter: %w", err)
	}
	return j, nil
}

// withPartners returns the jobcenter with the id followed by its partners,
// skipping a partner that no longer exists.
func (s *Service) withPartners(ctx context.Context, id uint64) ([]bot.Jobcenter, error) {
	own, err := s.people.Jobcenter(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("jobcenter #%d: %w", id, err)
	}
	out := []bot.Jobcenter{own}
	for _, pid := range own.Partners {
		p, err := s.people.Jobcenter(ctx, pid)
		if isNotFound(err) || pid == id {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("partner jobcenter #%d: %w", pid, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// announceChannels returns the channels for purpose of the jobcenters,
// each channel once.
func announceChannels(js []bot.Jobcenter, purpose string) []bot.Channel {
	var out []bot.Channel
	seen := map[bot.Channel]bool{}
	for _, j := range js {
		ch, ok := j.Channels[purpose]
		if !ok || ch.ID == "" || seen[ch] {
			continue
		}
		seen[ch] = true
		out = append(out, ch)
	}
	return out
}

// runChannel lists the announcement channels of the caller's jobcenter and
// its partners.
func runChannel(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) > 0 {
		// »kanal stillinger« and »kanal intromøder« are commands of their
		// own, so any word here is one this command does not know.
		pos, intro, ch := s.find("channel positions").In(c.lang), s.find("channel introdays").In(c.lang), s.find("channel").In(c.lang)
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr(
			"Skriv »"+pos+"« eller »"+intro+"« i den kanal, der skal have opslagene, eller »"+ch+"« alene for at se, hvilke kanaler der er sat op.",
			"Type »"+pos+"« or »"+intro+"« in the channel that is to carry the announcements, or »"+ch+"« alone to see which channels are set up."))
	}
	js, err := s.withPartners(ctx, c.actor.JobcenterID)
	if err != nil {
		return bot.Message{}, err
	}
	items := make([]string, 0, len(js))
	for _, j := range js {
		line := j.Name
		if j.ID == c.actor.JobcenterID {
			line += c.tr(" (dit)", " (yours)")
		}
		parts := make([]string, 0, 2)
		for _, purpose := range []string{bot.ChannelPositions, bot.ChannelIntroDays} {
			where := c.tr("ikke sat op", "not set up")
			if ch := j.Channels[purpose]; ch.ID != "" {
				where = channelName(ch) + " (" + ch.Platform + ")"
			}
			parts = append(parts, purposeName(c.lang, purpose)+": "+where)
		}
		items = append(items, line+" — "+strings.Join(parts, "; "))
	}
	return bot.Message{Blocks: []bot.Block{
		bot.Heading{Text: c.tr("Kanaler til opslag", "Announcement channels")},
		bot.List{Items: items},
		bot.Text{Text: c.tr(
			"En leder sætter en kanal op ved at skrive »kanal stillinger« eller »kanal intromøder« i selve kanalen.",
			"A lead sets a channel up by typing »channel positions« or »channel introdays« in the channel itself.")},
	}}, nil
}

// posted says what became of a position's announcements when it was
// announced or changed.
type posted struct {
	off       bool          // no notifier: nothing is sent
	jobcenter string        // whose channels were looked for
	done      []bot.Channel // posted or updated
	failed    []bot.Channel
	lost      bool // posted, but the receipts could not be stored
	broken    bool // the channels could not be looked up
}

// announce posts a new position to the positions channels of its
// jobcenter and the partners and stores the receipts. It never fails the
// command: the position is stored already, so a failure is logged and
// told in the reply.
func (s *Service) announce(ctx context.Context, p bot.Position) (bot.Position, posted) {
	var res posted
	if s.notifier == nil {
		res.off = true
		return p, res
	}
	js, err := s.withPartners(ctx, p.JobcenterID)
	if err != nil {
		s.log.Error("announce position: channels", "position", p.ID, "err", err)
		res.broken = true
		return p, res
	}
	res.jobcenter = js[0].Name
	chs := announceChannels(js, bot.ChannelPositions)
	msg := s.announcement(ctx, p)
	var receipts []bot.Receipt
	for _, ch := range chs {
		r, err := noPanic(func() (bot.Receipt, error) { return s.notifier.PostToChannel(ctx, ch, msg) })
		if err != nil {
			s.log.Error("announce position", "position", p.ID, "platform", ch.Platform, "channel", ch.ID, "err", err)
			res.failed = append(res.failed, ch)
			continue
		}
		if r.Channel.ID == "" {
			r.Channel = ch // a platform that answers without it
		}
		receipts = append(receipts, r)
		res.done = append(res.done, ch)
	}
	if len(receipts) == 0 {
		return p, res
	}
	stored, err := s.positions.UpdatePosition(ctx, p.ID, func(x *bot.Position) error {
		x.Announced = append(x.Announced, receipts...)
		return nil
	})
	if err != nil {
		s.log.Error("announce position: store receipts", "position", p.ID, "err", err)
		res.lost = true
		return p, res
	}
	return stored, res
}

// reannounce updates every announcement of p in place and stores the
// receipts the platform returns. Failures are logged: p itself is stored.
func (s *Service) reannounce(ctx context.Context, p bot.Position) (bot.Position, posted) {
	var res posted
	if len(p.Announced) == 0 {
		return p, res
	}
	if s.notifier == nil {
		res.off = true
		return p, res
	}
	msg := s.announcement(ctx, p)
	was := p.Announced
	now := make([]bot.Receipt, len(was))
	changed := false
	for i, r := range was {
		nr, err := noPanic(func() (bot.Receipt, error) { return s.notifier.UpdateMessage(ctx, r, msg) })
		if err != nil {
			s.log.Error("update announcement", "position", p.ID, "platform", r.Channel.Platform, "channel", r.Channel.ID, "err", err)
			res.failed = append(res.failed, r.Channel)
			now[i] = r
			continue
		}
		if nr.MessageID == "" {
			nr = r // the platform kept the message as it was
		}
		now[i], changed = nr, changed || nr != r
		res.done = append(res.done, r.Channel)
	}
	if !changed {
		return p, res
	}
	stored, err := s.positions.UpdatePosition(ctx, p.ID, func(x *bot.Position) error {
		// Replace only what was updated: another change may have come in
		// between, and its receipts win.
		for i := range x.Announced {
			if i < len(was) && x.Announced[i] == was[i] {
				x.Announced[i] = now[i]
			}
		}
		return nil
	})
	if err != nil {
		s.log.Error("update announcement: store receipts", "position", p.ID, "err", err)
		res.lost = true
		return p, res
	}
	return stored, res
}

// noPanic calls the notifier through send and turns a panic in it
// (msbotbuilder-go panics on an unreachable token endpoint) into an error:
// the position is stored by then, and the reply must still say so.
func noPanic(send func() (bot.Receipt, error)) (r bot.Receipt, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("notifier panicked: %v", p)
		}
	}()
	return send()
}

// created tells, after a new position, where it was announced.
func (r posted) created(c *call) string {
	switch {
	case r.off:
		return c.tr(" Den er ikke annonceret: denne opsætning af kontaktbot sender ingen opslag til kanaler.",
			" It was not announced: this setup of kontaktbot sends no announcements to channels.")
	case r.broken:
		return c.tr(" Stillingen er gemt, men kunne ikke annonceres på grund af en intern fejl, som er logget. Sig det gerne til din administrator.",
			" The position is saved, but could not be announced because of an internal error, which is logged. Please tell your admin.")
	case len(r.done) == 0 && len(r.failed) == 0:
		jc := orDash(r.jobcenter)
		return c.tr(" Den er ikke annonceret, for hverken "+jc+" eller dets samarbejdspartnere har en kanal til stillinger. En leder kan skrive »kanal stillinger« i den kanal, der skal have opslagene.",
			" It was not announced: neither "+jc+" nor its partners have a channel for positions. A lead can type »channel positions« in the channel that is to carry them.")
	}
	text := ""
	if len(r.done) > 0 {
		text += c.tr(" Annonceret i ", " Announced in ") + channelNames(r.done) + "."
	}
	if len(r.failed) > 0 {
		text += c.tr(" Stillingen er gemt, men kunne ikke annonceres i "+channelNames(r.failed)+", fordi kanalen ikke svarede. Fejlen er logget; sig det gerne til din administrator.",
			" The position is saved, but could not be announced in "+channelNames(r.failed)+" because the channel did not answer. The error is logged; please tell your admin.")
	}
	return text + r.lostNote(c)
}

// changed tells, after a change, whether the announcements were updated.
func (r posted) changed(c *call) string {
	text := ""
	switch {
	case r.off:
		text = c.tr(" Opslagene er ikke opdateret: denne opsætning af kontaktbot sender ingen opslag til kanaler.",
			" The announcements were not updated: this setup of kontaktbot sends nothing to channels.")
	case len(r.done) > 0:
		text = c.tr(" Opslaget er opdateret i ", " The announcement is updated in ") + channelNames(r.done) + "."
	}
	if len(r.failed) > 0 {
		text += c.tr(" Opslaget i "+channelNames(r.failed)+" kunne ikke opdateres; fejlen er logget.",
			" The announcement in "+channelNames(r.failed)+" could not be updated; the error is logged.")
	}
	return text + r.lostNote(c)
}

func (r posted) lostNote(c *call) string {
	if !r.lost {
		return ""
	}
	return c.tr(" Opslaget kunne ikke kobles til stillingen, så senere ændringer når ikke frem til kanalen.",
		" The announcement could not be linked to the position, so later changes will not reach the channel.")
}
