package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/bot/teams/teamstest"
	"kontaktbot/storage"
)

var activitySeq atomic.Int64

// teamsActivity is the personal message of bot/teams' testdata, as Teams
// sends it, with text, conversation and service URL set.
func teamsActivity(t *testing.T, serviceURL, text, convType, convID string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../bot/teams/testdata/message-personal.json")
	if err != nil {
		t.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(data, &act); err != nil {
		t.Fatal(err)
	}
	act["text"], act["serviceUrl"] = text, serviceURL
	act["id"] = fmt.Sprintf("activity-%d", activitySeq.Add(1)) // Teams repeats an id only to deliver again
	conv := act["conversation"].(map[string]any)
	conv["conversationType"], conv["id"] = convType, convID
	if convType == "channel" {
		act["channelData"].(map[string]any)["team"] = map[string]any{"id": "19:team@thread.tacv2"}
	}
	out, _ := json.Marshal(act)
	return out
}

func postActivity(t *testing.T, url, auth string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/api/messages", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// TestServeTeams: serve answers Teams at /api/messages with our validator
// and client against a fake Bot Framework: a signed message is run and
// answered with a card, badly signed ones get 401 and change nothing, a
// newcomer joins their tenant's jobcenter, and a position announced from
// the personal chat is posted to the team channel that was made the
// jobcenter's announcement channel.
func TestServeTeams(t *testing.T) {
	t.Parallel()
	const appID = "6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f5a"
	conn := teamstest.NewConnector(t, teamstest.ConnectorConfig{AppID: appID, AppPassword: "hemmelig"})
	auth := teamstest.NewAuth(t, teamstest.AuthOptions{AppID: appID, ServiceURL: conn.URL, Now: time.Now()})
	db := filepath.Join(t.TempDir(), "k.db")
	s := startServer(t, map[string]string{"MICROSOFT_APP_ID": appID, "MICROSOFT_APP_PASSWORD": "hemmelig",
		"BOTFRAMEWORK_TOKEN_URL": conn.TokenURL, "BOTFRAMEWORK_OPENID_METADATA_URL": auth.MetadataURL,
		"BOTFRAMEWORK_SERVICE_URLS": conn.URL, "TEAMS_TENANT_JOBCENTERS": "tenant-1=Jobcenter Svendborg",
		"KONTAKTBOT_ADMINS": "6b1e4a3c-0000-4000-8000-000000000001"}, "--db", db)
	valid := auth.Header(teamstest.TokenValid)
	personal := func(text string) []byte { return teamsActivity(t, conn.URL, text, "personal", "a:1personalCONV") }

	if code := postActivity(t, s.url, valid, personal("company add Ærø Maskinfabrik")); code != 200 {
		t.Fatalf("company add: %d", code)
	}
	sent := conn.Calls()
	if len(sent) != 1 || sent[0].Route != teamstest.RouteSend || sent[0].ConversationID != "a:1personalCONV" ||
		!strings.Contains(string(sent[0].Body), "Ærø Maskinfabrik") || !strings.Contains(string(sent[0].Body), "application/vnd.microsoft.card.adaptive") {
		t.Fatalf("reply: %+v", sent)
	}
	for _, kind := range []teamstest.TokenKind{teamstest.TokenExpired, teamstest.TokenWrongAudience, teamstest.TokenWrongIssuer,
		teamstest.TokenUnendorsed, teamstest.TokenGarbage} {
		if code := postActivity(t, s.url, auth.Header(kind), personal("company add Ikke Gemt ApS")); code != http.StatusUnauthorized {
			t.Errorf("%v: %d, want 401", kind, code)
		}
	}
	if code := postActivity(t, s.url, "", personal("company add Ikke Gemt ApS")); code != http.StatusUnauthorized {
		t.Errorf("no Authorization: %d, want 401", code)
	}
	if n := len(conn.Calls()); n != 1 {
		t.Fatalf("%d connector calls after refused requests, want still 1", n)
	}

	channel := teamsActivity(t, conn.URL, "<at>kontaktbot</at> kanal stillinger", "channel", "19:chan@thread.tacv2")
	if code := postActivity(t, s.url, valid, channel); code != 200 {
		t.Fatalf("kanal stillinger: %d", code)
	}
	if code := postActivity(t, s.url, valid, personal("stilling Ærø Maskinfabrik svejser antal 2")); code != 200 {
		t.Fatalf("stilling: %d", code)
	}
	var announced bool
	for _, c := range conn.Calls() {
		if c.Route == teamstest.RouteSend && c.ConversationID == "19:chan@thread.tacv2" && strings.Contains(string(c.Body), "svejser") {
			announced = true
		}
	}
	if !announced {
		t.Errorf("no announcement in the team channel: %+v", conn.Calls())
	}
	if n := conn.TokenFetches(); n != 1 {
		t.Errorf("%d token fetches, want 1 (cached)", n)
	}
	if meta, keys := auth.Fetches(); meta != 1 || keys != 1 {
		t.Errorf("OpenID fetches: metadata %d, keys %d; want 1 and 1 (cached)", meta, keys)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		mustCompany(t, ctx, d, "Ærø Maskinfabrik")
		if exact, _, err := d.FindCompanies(ctx, bot.NormalizeName("Ikke Gemt ApS"), 0); err != nil || exact != nil {
			t.Errorf("a refused request stored a company: %v %v", exact, err)
		}
		p, err := d.ConsultantByIdentity(ctx, bot.Identity{Platform: "teams", Team: "tenant-1", User: "6b1e4a3c-0000-4000-8000-000000000001"})
		if err != nil || p.Name != "Mette Jensen" {
			t.Fatalf("consultant: %+v %v", p, err)
		}
		if j, err := d.Jobcenter(ctx, p.JobcenterID); err != nil || j.Name != "Jobcenter Svendborg" {
			t.Errorf("jobcenter of a newcomer from tenant-1: %+v %v", j, err)
		}
	})
}

func TestServeTeamsNeedsAppID(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{{"MICROSOFT_APP_PASSWORD": "x"}, {"MICROSOFT_APP_ID": "6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f5a"}} {
		_, _, err := runCmd(t, "", env, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db"))
		if err == nil || !strings.Contains(err.Error(), "MICROSOFT_APP_") {
			t.Errorf("%v: err = %v, want a refusal naming what is missing", env, err)
		}
	}
}
