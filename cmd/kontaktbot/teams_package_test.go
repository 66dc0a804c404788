package main

import (
	"archive/zip"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/commands"
)

const testAppID = "6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f5a"

// teamsManifest is the part of manifest.json the tests hold to account.
type teamsManifest struct {
	ID   string `json:"id"`
	Bots []struct {
		BotID        string   `json:"botId"`
		Scopes       []string `json:"scopes"`
		CommandLists []struct {
			Scopes   []string `json:"scopes"`
			Commands []struct{ Title, Description string }
		} `json:"commandLists"`
	} `json:"bots"`
	Developer    struct{ WebsiteURL, PrivacyURL string }
	ValidDomains []string `json:"validDomains"`
}

func TestTeamsPackageFromTheCommandTable(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "kontaktbot.zip")
	stdout, _, err := runCmd(t, "", nil, "teams-package", "--app-id", testAppID, "--url", "https://kontaktbot.odense.dk/", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, out) {
		t.Errorf("stdout does not name the file: %q", stdout)
	}
	files := readZip(t, out)
	var m teamsManifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.ID != testAppID || len(m.Bots) != 1 || m.Bots[0].BotID != testAppID {
		t.Errorf("app id %q, bots %+v; want both %s", m.ID, m.Bots, testAppID)
	}
	if !slices.Equal(m.ValidDomains, []string{"kontaktbot.odense.dk"}) {
		t.Errorf("validDomains %v", m.ValidDomains)
	}
	if m.Developer.PrivacyURL != "https://kontaktbot.odense.dk/privacy" {
		t.Errorf("privacyUrl %q: the trailing slash of --url must not double", m.Developer.PrivacyURL)
	}
	if len(m.Bots) == 1 {
		checkTeamsBot(t, m)
	}
	checkIcon(t, files["color.png"], 192, false)
	checkIcon(t, files["outline.png"], 32, true)
}

// checkTeamsBot: the bot is in every scope, and its one command list is
// the menu from the command table, described by the Danish summaries.
func checkTeamsBot(t *testing.T, m teamsManifest) {
	t.Helper()
	b := m.Bots[0]
	want := []string{"groupChat", "personal", "team"}
	if got := slices.Sorted(slices.Values(b.Scopes)); !slices.Equal(got, want) {
		t.Errorf("bot scopes %v, want %v", b.Scopes, want)
	}
	if len(b.CommandLists) != 1 {
		t.Fatalf("%d command lists, want 1", len(b.CommandLists))
	}
	if got := slices.Sorted(slices.Values(b.CommandLists[0].Scopes)); !slices.Equal(got, want) {
		t.Errorf("command list scopes %v, want %v", b.CommandLists[0].Scopes, want)
	}
	summaries := map[string]string{}
	for _, s := range commands.New(nil, commands.Config{}).Specs() {
		summaries[s.Name] = s.Summary[bot.Danish]
	}
	var titles []string
	for _, c := range b.CommandLists[0].Commands {
		titles = append(titles, c.Title)
		want, ok := summaries[c.Title]
		shortened := strings.HasSuffix(c.Description, "…") && strings.HasPrefix(want, strings.TrimSuffix(c.Description, "…"))
		if !ok || want == "" || c.Description != want && !shortened || len([]rune(c.Description)) > 128 {
			t.Errorf("command %q: description %q, want the table's Danish summary %q, shortened to 128 characters", c.Title, c.Description, want)
		}
	}
	menu := []string{"visit", "company", "mine", "plan", "snooze", "away", "coverage", "position", "introday", "help"}
	if len(titles) > 10 || !slices.Equal(titles, menu) {
		t.Errorf("command menu %v, want %v (Teams shows at most 10)", titles, menu)
	}
}

func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	files := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	for _, name := range []string{"manifest.json", "color.png", "outline.png"} {
		if len(files[name]) == 0 {
			t.Fatalf("the package lacks %s; it has %d files", name, len(files))
		}
	}
	return files
}

// checkIcon decodes a PNG of size x size; an outline icon must be only
// white and transparent, with some of each, as Teams requires.
func checkIcon(t *testing.T, data []byte, size int, outline bool) {
	t.Helper()
	img, err := png.Decode(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
		t.Fatalf("icon is %dx%d, want %dx%d", b.Dx(), b.Dy(), size, size)
	}
	if outline {
		checkOutlinePixels(t, img)
	}
}

func checkOutlinePixels(t *testing.T, img image.Image) {
	t.Helper()
	white, clear := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			switch {
			case a == 0:
				clear++
			case r == 0xffff && g == 0xffff && bl == 0xffff && a == 0xffff:
				white++
			default:
				t.Fatalf("outline pixel %d,%d is neither white nor transparent: %x %x %x %x", x, y, r, g, bl, a)
			}
		}
	}
	if white == 0 || clear == 0 {
		t.Errorf("outline has %d white and %d transparent pixels, want some of each", white, clear)
	}
}

func TestTeamsPackageRefusesBadArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "kontaktbot.zip")
	for _, tc := range []struct {
		name string
		args []string
		want string // in the error, besides the usage line
	}{
		{"no app id", []string{"--url", "https://h.dk", "--out", out}, "--app-id"},
		{"app id not a GUID", []string{"--app-id", "kontaktbot", "--url", "https://h.dk", "--out", out}, "not a GUID"},
		{"GUID in braces", []string{"--app-id", "{" + testAppID + "}", "--url", "https://h.dk", "--out", out}, "not a GUID"},
		{"no url", []string{"--app-id", testAppID, "--out", out}, "--url"},
		{"http url", []string{"--app-id", testAppID, "--url", "http://h.dk", "--out", out}, "https"},
		{"url without scheme", []string{"--app-id", testAppID, "--url", "h.dk", "--out", out}, "https"},
		{"no out", []string{"--app-id", testAppID, "--url", "https://h.dk"}, "--out"},
		{"stray argument", []string{"--app-id", testAppID, "--url", "https://h.dk", "--out", out, "extra"}, "unexpected"},
	} {
		_, _, err := runCmd(t, "", nil, append([]string{"teams-package"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), teamsPackageUsage) {
			t.Errorf("%s: %v; want an error about %s with the usage line", tc.name, err, tc.want)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
		t.Errorf("refused arguments left files behind: %v %v", entries, err)
	}
}
