package slack

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
)

// People finds the consultant a platform identity belongs to; storage.DB
// meets it. It returns bot.ErrNotFound for a person never seen.
type People interface {
	ConsultantByIdentity(ctx context.Context, id bot.Identity) (bot.Consultant, error)
}

// NameTimeout bounds one users.info call: the command still has to answer
// within Slack's 3 seconds.
const NameTimeout = 800 * time.Millisecond

// maxCachedNames bounds the memory of names looked up.
const maxCachedNames = 10000

// Names is a Requester that resolves people: a newcomer is named by their
// real name from users.info (not their handle), and a user mention
// ("<@U123>" or "<@U123|hanne>") becomes the mentioned consultant's name,
// so "company assign L-tek <@U123|hanne>" reaches the command language as
// "company assign L-tek Hanne Jensen". A known person costs no API call;
// names looked up are remembered (scope users:read).
type Names struct {
	api     *slackapi.Client
	people  People
	teams   TeamJobcenters
	log     *slog.Logger
	metrics bot.Metrics

	mu    sync.Mutex
	cache map[string]string // identity key -> real name
}

// NewNames returns a Names; teams may be nil, log and m too.
func NewNames(api *slackapi.Client, people People, teams TeamJobcenters, log *slog.Logger, m bot.Metrics) *Names {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if m == nil {
		m = bot.NopMetrics{}
	}
	return &Names{api: api, people: people, teams: teams, log: log, metrics: m, cache: map[string]string{}}
}

var mention = regexp.MustCompile(`<@([UW][A-Z0-9]+)(\|[^>]*)?>`)

// Request turns cmd into a request with names and mentions resolved.
func (n *Names) Request(ctx context.Context, cmd slackapi.SlashCommand) bot.Request {
	cmd.Text = mention.ReplaceAllStringFunc(cmd.Text, func(m string) string {
		sub := mention.FindStringSubmatch(m)
		label := strings.TrimPrefix(strings.TrimPrefix(sub[2], "|"), "@")
		if name := n.name(ctx, cmd.TeamID, sub[1]); name != "" {
			return escapeText(name)
		}
		if label != "" {
			return escapeText(label)
		}
		return "@" + sub[1]
	})
	req := Request(cmd)
	req.Jobcenter = n.teams.of(cmd)
	if name := n.name(ctx, cmd.TeamID, cmd.UserID); name != "" {
		req.Name = name
	}
	return req
}

// escapeText keeps a name from being read as one of Slack's escapes.
var escapeText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// name is the consultant's stored name, else the real name from
// users.info, else "".
func (n *Names) name(ctx context.Context, team, user string) string {
	id := bot.Identity{Platform: Platform, Team: team, User: user}
	c, err := n.people.ConsultantByIdentity(ctx, id)
	if err == nil {
		return c.Name
	}
	if !errors.Is(err, bot.ErrNotFound) {
		n.log.Warn("slack: consultant lookup failed", "err", err)
	}
	n.mu.Lock()
	name, ok := n.cache[id.Key()]
	n.mu.Unlock()
	if ok {
		return name
	}
	ctx, cancel := context.WithTimeout(ctx, NameTimeout)
	defer cancel()
	u, err := n.api.GetUserInfoContext(ctx, user)
	if err != nil {
		n.metrics.PlatformCall(Platform, "users.info", "error")
		n.log.Warn("slack: users.info failed; using the handle", "err", err)
		if ctx.Err() == nil && !isRateLimit(err) {
			n.remember(id, "") // no such user: do not ask on every command
		}
		return ""
	}
	n.metrics.PlatformCall(Platform, "users.info", "ok")
	name = strings.TrimSpace(u.RealName)
	if name == "" {
		name = strings.TrimSpace(u.Profile.RealName)
	}
	if name == "" {
		name = strings.TrimSpace(u.Profile.DisplayName)
	}
	n.remember(id, name)
	return name
}

func (n *Names) remember(id bot.Identity, name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.cache) >= maxCachedNames {
		clear(n.cache)
	}
	n.cache[id.Key()] = name
}

func isRateLimit(err error) bool {
	var rl *slackapi.RateLimitedError
	return errors.As(err, &rl)
}
