package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/url"
)

// Command is one entry of the Teams command menu: a name as typed and a
// short description. The lead fills it from the command table, which this
// package may not import.
type Command struct{ Name, Description string }

// PackageOptions describe the app package. AppID and URL are required.
type PackageOptions struct {
	AppID    string // the Microsoft app id (a GUID) the bot signs in as
	URL      string // https base URL where /api/messages is served
	Version  string // manifest version; "1.0.0" by default
	Commands []Command
}

// WritePackage writes the Teams app package to w: a zip of manifest.json
// (schema v1.17, a bot for personal, team and groupChat scopes with the
// commands as its command list), color.png 192x192 and outline.png 32x32
// (white on transparent), as Teams' upload asks.
func WritePackage(w io.Writer, opts PackageOptions) error {
	if opts.AppID == "" || opts.URL == "" {
		return errors.New("teams package: app id and url are required")
	}
	u, err := url.Parse(opts.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("teams package: url %q must be https://host", opts.URL)
	}
	manifest, err := json.MarshalIndent(Manifest(opts, u.Hostname()), "", "  ")
	if err != nil {
		return fmt.Errorf("teams package: %w", err)
	}
	z := zip.NewWriter(w)
	for _, f := range []struct {
		name string
		data func() ([]byte, error)
	}{
		{"manifest.json", func() ([]byte, error) { return manifest, nil }},
		{"color.png", func() ([]byte, error) {
			return icon(192, color.NRGBA{0x1f, 0x6f, 0xb2, 0xff}, color.NRGBA{0xff, 0xff, 0xff, 0xff})
		}},
		{"outline.png", func() ([]byte, error) { return icon(32, color.NRGBA{}, color.NRGBA{0xff, 0xff, 0xff, 0xff}) }},
	} {
		data, err := f.data()
		if err != nil {
			return fmt.Errorf("teams package: %s: %w", f.name, err)
		}
		fw, err := z.Create(f.name)
		if err != nil {
			return fmt.Errorf("teams package: %w", err)
		}
		if _, err := fw.Write(data); err != nil {
			return fmt.Errorf("teams package: %w", err)
		}
	}
	return z.Close()
}

// Manifest returns the app manifest as a JSON-ready map.
func Manifest(opts PackageOptions, domain string) map[string]any {
	version := opts.Version
	if version == "" {
		version = "1.0.0"
	}
	cmds := []any{}
	for i, c := range opts.Commands {
		if i == 10 { // Teams shows at most 10 commands per list
			break
		}
		cmds = append(cmds, map[string]any{"title": clip(c.Name, 32), "description": clip(c.Description, 128)})
	}
	scopes := []string{"personal", "team", "groupChat"}
	return map[string]any{
		"$schema":         "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
		"manifestVersion": "1.17",
		"version":         version,
		"id":              opts.AppID,
		"developer": map[string]any{"name": "kontaktbot", "websiteUrl": opts.URL, "privacyUrl": opts.URL + "/privacy",
			"termsOfUseUrl": opts.URL + "/terms"},
		"name":        map[string]any{"short": "kontaktbot", "full": "kontaktbot: virksomhedskontakter"},
		"description": map[string]any{"short": "Noter og planlæg kontakter med virksomheder", "full": "kontaktbot hjælper jobcentrets virksomhedskonsulenter med at notere besøg, holde kadencen og dele ledige stillinger."},
		"icons":       map[string]any{"color": "color.png", "outline": "outline.png"},
		"accentColor": "#1F6FB2",
		"bots": []any{map[string]any{"botId": opts.AppID, "scopes": scopes, "supportsFiles": false, "isNotificationOnly": false,
			"commandLists": []any{map[string]any{"scopes": scopes, "commands": cmds}}}},
		"permissions":  []string{"identity", "messageTeamMembers"},
		"validDomains": []string{domain},
	}
}

// icon draws a size x size PNG: a "k" in fg on bg.
func icon(size int, bg, fg color.NRGBA) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	s := float64(size)
	for y := range size {
		for x := range size {
			fx, fy := float64(x)/s, float64(y)/s
			stem := fx >= 0.28 && fx < 0.40 && fy >= 0.18 && fy < 0.82
			d := fy - 0.5
			arm := fx >= 0.40 && fx < 0.74 && ((d < 0 && abs(fx-0.40+d*0.9) < 0.07) || (d >= 0 && abs(fx-0.40-d*0.9) < 0.07))
			if stem || arm {
				img.SetNRGBA(x, y, fg)
			} else {
				img.SetNRGBA(x, y, bg)
			}
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
