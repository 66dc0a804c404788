package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot/teams/teamstest"
)

// TestServeTeamsServiceURLAllowList: without BOTFRAMEWORK_SERVICE_URLS only
// Microsoft's connector hosts are allowed, so a signed activity naming the
// loopback fake is refused 403 and the fake gets neither a call nor a
// token request; a prefix that is plain http off loopback stops serve.
func TestServeTeamsServiceURLAllowList(t *testing.T) {
	t.Parallel()
	const appID = "6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f5a"
	conn := teamstest.NewConnector(t, teamstest.ConnectorConfig{AppID: appID, AppPassword: "hemmelig"})
	auth := teamstest.NewAuth(t, teamstest.AuthOptions{AppID: appID, ServiceURL: conn.URL, Now: time.Now()})
	env := map[string]string{"MICROSOFT_APP_ID": appID, "MICROSOFT_APP_PASSWORD": "hemmelig",
		"BOTFRAMEWORK_TOKEN_URL": conn.TokenURL, "BOTFRAMEWORK_OPENID_METADATA_URL": auth.MetadataURL}
	s := startServer(t, env, "--db", filepath.Join(t.TempDir(), "k.db"))
	body := teamsActivity(t, conn.URL, "company add Ikke Gemt ApS", "personal", "a:1personalCONV")
	if code := postActivity(t, s.url, auth.Header(teamstest.TokenValid), body); code != http.StatusForbidden {
		t.Errorf("activity from a service url off the allow-list: %d, want 403", code)
	}
	if n, f := len(conn.Calls()), conn.TokenFetches(); n != 0 || f != 0 {
		t.Errorf("%d connector calls, %d token fetches; want none", n, f)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}

	env["BOTFRAMEWORK_SERVICE_URLS"] = "https://smba.example.eu/ http://10.1.2.3/"
	_, _, err := runCmd(t, "", env, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db"))
	if err == nil || !strings.Contains(err.Error(), "BOTFRAMEWORK_SERVICE_URLS") || !strings.Contains(err.Error(), "http://10.1.2.3/") {
		t.Errorf("plain http off loopback: err = %v, want a refusal naming the variable and the prefix", err)
	}
}
