package slack

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v2"
)

// SlashCommand is one slash command of the app, from the command table.
type SlashCommand struct {
	Name        string // without the slash: "visit"
	Description string
	UsageHint   string
}

// ManifestOptions is what an app manifest is made of.
type ManifestOptions struct {
	// URL is where serve is reached from Slack (https://host); empty with
	// Socket, where Slack needs no address of ours.
	URL string
	// Socket asks for Socket Mode: events, commands and buttons arrive
	// over a connection the bot opens, so no inbound traffic is needed.
	Socket   bool
	Commands []SlashCommand
}

// Scopes are the bot token scopes kontaktbot needs, and no more:
// commands for slash commands; chat:write to post DMs and to channels it
// was invited to; im:write to open a DM (conversations.open); im:history
// to read back the bot's own DM messages, so a nudge is not sent twice
// after a crash, and to receive what people type to it there (message.im);
// users:read for a newcomer's real name (users.info); files:write to share
// a chart as a file (files.uploadV2).
var Scopes = []string{"commands", "chat:write", "im:write", "im:history", "users:read", "files:write"}

// BotEvents are the events the app subscribes to: the App Home tab, and
// lines typed to the bot in its Messages tab (message.im, read with
// im:history).
var BotEvents = []string{"app_home_opened", "message.im"}

type manifest struct {
	Display  display  `yaml:"display_information"`
	Features features `yaml:"features"`
	OAuth    oauth    `yaml:"oauth_config"`
	Settings settings `yaml:"settings"`
}

type display struct {
	Name            string `yaml:"name"`
	Description     string `yaml:"description"`
	BackgroundColor string `yaml:"background_color"`
	LongDescription string `yaml:"long_description"`
}

type features struct {
	AppHome       appHome        `yaml:"app_home"`
	BotUser       botUser        `yaml:"bot_user"`
	SlashCommands []slashCommand `yaml:"slash_commands"`
}

type appHome struct {
	HomeTab          bool `yaml:"home_tab_enabled"`
	MessagesTab      bool `yaml:"messages_tab_enabled"`
	MessagesReadOnly bool `yaml:"messages_tab_read_only_enabled"`
}

type botUser struct {
	DisplayName  string `yaml:"display_name"`
	AlwaysOnline bool   `yaml:"always_online"`
}

type slashCommand struct {
	Command      string `yaml:"command"`
	URL          string `yaml:"url,omitempty"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint,omitempty"`
	ShouldEscape bool   `yaml:"should_escape"`
}

type oauth struct {
	Scopes struct {
		Bot []string `yaml:"bot"`
	} `yaml:"scopes"`
}

type settings struct {
	Events        events        `yaml:"event_subscriptions"`
	Interactivity interactivity `yaml:"interactivity"`
	OrgDeploy     bool          `yaml:"org_deploy_enabled"`
	SocketMode    bool          `yaml:"socket_mode_enabled"`
	TokenRotation bool          `yaml:"token_rotation_enabled"`
}

type events struct {
	RequestURL string   `yaml:"request_url,omitempty"`
	BotEvents  []string `yaml:"bot_events"`
}

type interactivity struct {
	Enabled    bool   `yaml:"is_enabled"`
	RequestURL string `yaml:"request_url,omitempty"`
}

const longDescription = "kontaktbot holder styr på jobcentrets faste virksomhedskontakter. " +
	"Noter et besøg på sekunder med /visit, få hver arbejdsmorgen én påmindelse om de virksomheder, " +
	"der har ventet længere end aftalt, og del ledige stillinger og intromøder med nabojobcentrene. " +
	"Skriv /kontakt hjælp for alle kommandoer."

// Manifest returns the app manifest as YAML, to paste into "Create an app
// from a manifest". Slash commands are escaped (should_escape) so that a
// mention arrives as <@U123|name>, which the adapter resolves to a
// consultant. It refuses a URL that is not an absolute http(s) address.
func Manifest(opts ManifestOptions) ([]byte, error) {
	base := strings.TrimRight(opts.URL, "/")
	if !opts.Socket || base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			return nil, fmt.Errorf("slack manifest: --url must be the address Slack reaches the bot at, such as https://kontaktbot.odense.dk, not %q", opts.URL)
		}
	}
	endpoint := func(path string) string {
		if opts.Socket {
			return ""
		}
		return base + path
	}
	m := manifest{
		Display: display{Name: "kontaktbot", BackgroundColor: "#1d4f91", LongDescription: longDescription,
			Description: "Faste virksomhedskontakter for jobcentrets virksomhedskonsulenter."},
		Features: features{AppHome: appHome{HomeTab: true, MessagesTab: true},
			BotUser: botUser{DisplayName: "kontaktbot", AlwaysOnline: true}},
		Settings: settings{SocketMode: opts.Socket,
			Events:        events{RequestURL: endpoint("/slack/events"), BotEvents: BotEvents},
			Interactivity: interactivity{Enabled: true, RequestURL: endpoint("/slack/interactions")}},
	}
	m.OAuth.Scopes.Bot = Scopes
	for _, c := range opts.Commands {
		m.Features.SlashCommands = append(m.Features.SlashCommands, slashCommand{
			Command: "/" + c.Name, URL: endpoint("/slack/commands"), ShouldEscape: true,
			Description: clipRunes(c.Description, 2000), UsageHint: clipRunes(c.UsageHint, 1000)})
	}
	return yaml.Marshal(m)
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
