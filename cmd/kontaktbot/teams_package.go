package main

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/commands"
)

const teamsPackageUsage = "usage: kontaktbot teams-package --app-id GUID --url https://host --out kontaktbot.zip"

// guid is the form Teams requires of the app id and the bot id.
var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$`)

// teamsPackage writes the Teams app package (a zip to upload in Teams or
// its admin center) for the bot registered as --app-id and served at --url.
// Nothing is written unless every argument is right.
func (e *env) teamsPackage(args []string) error {
	fs := e.flagSet("teams-package")
	appID := fs.String("app-id", "", "the Microsoft app id (a GUID) of the Azure Bot registration")
	u := fs.String("url", "", "the https address where serve answers, e.g. https://kontaktbot.example.dk")
	out := fs.String("out", "", "the zip file to write, e.g. kontaktbot.zip")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q; %s", pos[0], teamsPackageUsage)
	}
	base, err := teamsOptions(*appID, *u, *out)
	if err != nil {
		return err
	}
	var zip bytes.Buffer
	err = teams.WritePackage(&zip, teams.PackageOptions{AppID: *appID, URL: base,
		Commands: teamsCommands(commands.New(nil, commands.Config{}).Specs())})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, zip.Bytes(), 0o644); err != nil {
		return fmt.Errorf("teams-package: %w", err)
	}
	fmt.Fprintf(e.stdout, "Teams-pakke skrevet til %s (upload den i Teams eller i Teams Admin Center)\n", *out)
	return nil
}

// teamsOptions checks the arguments and returns the base URL without a
// trailing slash, so that the manifest's links have no double slash.
func teamsOptions(appID, rawURL, out string) (string, error) {
	switch {
	case appID == "":
		return "", fmt.Errorf("teams-package needs --app-id: the Microsoft app id (a GUID) of the bot's Azure registration; %s", teamsPackageUsage)
	case !guid.MatchString(appID):
		return "", fmt.Errorf("--app-id %q is not a GUID like 00000000-0000-4000-8000-000000000001 (the Microsoft app id of the bot's Azure registration); %s", appID, teamsPackageUsage)
	case rawURL == "":
		return "", fmt.Errorf("teams-package needs --url: the https address where serve answers Teams; %s", teamsPackageUsage)
	case out == "":
		return "", fmt.Errorf("teams-package needs --out: the zip file to write; %s", teamsPackageUsage)
	}
	p, err := url.Parse(rawURL)
	if err != nil || p.Scheme != "https" || p.Hostname() == "" || p.User != nil || p.RawQuery != "" || p.Fragment != "" {
		return "", fmt.Errorf("--url %q must be an https address like https://kontaktbot.example.dk (Teams talks only to https); %s", rawURL, teamsPackageUsage)
	}
	return strings.TrimRight(rawURL, "/"), nil
}

// teamsCommands is the Teams command menu from the command table, in the
// order of the rows' Menu positions: each command by its name with its
// Danish summary, shortened to fit. Teams shows at most ten per list; the
// rest are a "hjælp" away.
func teamsCommands(specs []commands.Spec) []teams.Command {
	var out []teams.Command
	for _, s := range ordered(specs, func(s commands.Spec) int { return s.Menu }) {
		out = append(out, teams.Command{Name: s.Name, Description: menuDescription(s.Summary[bot.Danish])})
	}
	return out
}

// maxMenuDescription is the longest command description Teams accepts.
const maxMenuDescription = 128

// menuDescription shortens a summary that Teams would refuse at the last
// comma or semicolon that leaves room for the ellipsis, so the menu does not
// break off mid-word.
func menuDescription(s string) string {
	rs := []rune(s)
	if len(rs) <= maxMenuDescription {
		return s
	}
	head := string(rs[:maxMenuDescription-1])
	if i := strings.LastIndexAny(head, ",;"); i > 0 {
		head = head[:i]
	}
	return strings.TrimSpace(head) + "…"
}
