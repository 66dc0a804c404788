package bot

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoNotifier is wrapped by Platforms.SendToPerson when the person is
// known on a chat platform that has no notifier in this process (remind
// run without Slack's token, the console with a Slack user in the file).
// Nothing was sent and nothing is wrong with the person: the message stays
// owed, for a process that has that platform (serve).
var ErrNoNotifier = errors.New("the person's platform is not configured in this process")

// Platforms is a Notifier over several platforms, by platform name
// ("slack", "teams", "console"): a channel's message goes to its own
// platform; a person's to the platform of their first chat identity that
// has one here (the order they first used the bot in). The console is a
// person's platform only when they have used no other: whoever has used
// Slack or Teams reads their messages there, not in a terminal.
type Platforms map[string]Notifier

var _ Notifier = Platforms(nil)

// Route returns the platform a message to the person takes, and whether it
// has a notifier here. With ok false, platform is the chat platform they
// would be reached on elsewhere, or "" when no process can reach them: no
// identity at all, or only the console's when the console is not here.
func (p Platforms) Route(to Consultant) (platform string, ok bool) {
	console := false
	for _, id := range to.Identities {
		if id.Platform == ConsolePlatform {
			console = true
			continue
		}
		if _, ok := p[id.Platform]; ok {
			return id.Platform, true
		}
		if platform == "" {
			platform = id.Platform
		}
	}
	if _, here := p[ConsolePlatform]; console && here && platform == "" {
		return ConsolePlatform, true
	}
	return platform, false
}

// SendToPerson sends msg on the person's platform (see Route). A person no
// process can reach is unreachable (ErrUnreachable); one whose chat
// platform has no notifier here gets ErrNoNotifier, and nothing is sent.
func (p Platforms) SendToPerson(ctx context.Context, to Consultant, msg Message) (Receipt, error) {
	platform, ok := p.Route(to)
	switch {
	case ok:
		return p[platform].SendToPerson(ctx, to, msg)
	case platform == "":
		return Receipt{}, fmt.Errorf("%s has used no chat platform: %w", to.Name, ErrUnreachable)
	}
	return Receipt{}, fmt.Errorf("%s is reached on %s: %w", to.Name, platform, ErrNoNotifier)
}

// PostToChannel posts to ch on its platform.
func (p Platforms) PostToChannel(ctx context.Context, ch Channel, msg Message) (Receipt, error) {
	n, err := p.of(ch)
	if err != nil {
		return Receipt{}, err
	}
	return n.PostToChannel(ctx, ch, msg)
}

// UpdateMessage updates r's message on its platform.
func (p Platforms) UpdateMessage(ctx context.Context, r Receipt, msg Message) (Receipt, error) {
	n, err := p.of(r.Channel)
	if err != nil {
		return Receipt{}, err
	}
	return n.UpdateMessage(ctx, r, msg)
}

func (p Platforms) of(ch Channel) (Notifier, error) {
	if n, ok := p[ch.Platform]; ok {
		return n, nil
	}
	return nil, fmt.Errorf("channel %s is on %q, which is not configured here", ch.ID, ch.Platform)
}
