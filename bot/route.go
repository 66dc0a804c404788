package bot

import (
	"context"
	"fmt"
)

// Platforms is a Notifier over several platforms, by platform name
// ("slack", "teams", "console"): a channel's message goes to its own
// platform; a person's to the platform of their first identity that has
// one here (the order they first used the bot in).
type Platforms map[string]Notifier

var _ Notifier = Platforms(nil)

// SendToPerson sends msg on the first platform that knows to; a person with no
// identity on any of them is unreachable (ErrUnreachable).
func (p Platforms) SendToPerson(ctx context.Context, to Consultant, msg Message) (Receipt, error) {
	for _, id := range to.Identities {
		if n, ok := p[id.Platform]; ok {
			return n.SendToPerson(ctx, to, msg)
		}
	}
	return Receipt{}, fmt.Errorf("%s has used no platform that is configured here: %w", to.Name, ErrUnreachable)
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
