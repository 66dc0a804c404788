package teams_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"testing"

	"kontaktbot/bot/teams"
)

func TestPackage(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := teams.WritePackage(&buf, teams.PackageOptions{AppID: "00000000-0000-4000-8000-000000000001", URL: "https://bot.example.dk",
		Commands: []teams.Command{{Name: "visit", Description: "Noter en kontakt"}, {Name: "help", Description: "Hjælp"}}})
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var m struct {
		ManifestVersion string `json:"manifestVersion"`
		ID              string
		Bots            []struct {
			BotID        string                                        `json:"botId"`
			Scopes       []string                                      `json:"scopes"`
			CommandLists []struct{ Commands []struct{ Title string } } `json:"commandLists"`
		}
		ValidDomains []string `json:"validDomains"`
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.ManifestVersion != "1.17" || len(m.Bots) != 1 || len(m.Bots[0].Scopes) != 3 || m.Bots[0].CommandLists[0].Commands[0].Title != "visit" || m.ValidDomains[0] != "bot.example.dk" {
		t.Errorf("manifest: %+v", m)
	}
	for name, size := range map[string]int{"color.png": 192, "outline.png": 32} {
		img, err := png.Decode(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %v, want %dx%d", name, b, size, size)
		}
		if name == "outline.png" {
			checkOutline(t, img)
		}
	}
	if err := teams.WritePackage(io.Discard, teams.PackageOptions{AppID: "x", URL: "http://insecure"}); err == nil {
		t.Error("http url accepted")
	}
}

// checkOutline: Teams wants only white and transparent, and some of each.
func checkOutline(t *testing.T, img image.Image) {
	white, clear := 0, 0
	for y := range 32 {
		for x := range 32 {
			r, g, b, a := img.At(x, y).RGBA()
			switch {
			case a == 0:
				clear++
			case r == 0xffff && g == 0xffff && b == 0xffff && a == 0xffff:
				white++
			default:
				t.Fatalf("outline pixel %d,%d is %x %x %x %x", x, y, r, g, b, a)
			}
		}
	}
	if white == 0 || clear == 0 {
		t.Errorf("outline has %d white and %d transparent pixels", white, clear)
	}
}
