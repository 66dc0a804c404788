package main

import (
	"context"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot/teams/teamstest"
	"kontaktbot/storage"
)

// TestParseTeamMap: the allow-list names each organisation with its
// jobcenter; only a list of one may leave the jobcenter out, and then it
// joins the single-jobcenter default.
func TestParseTeamMap(t *testing.T) {
	for _, c := range []struct {
		in, fallback string
		want         map[string]string
		err          string
	}{
		{in: "", want: map[string]string{}},
		{in: "T1=Jobcenter Sorø; E9=Jobcenter Slagelse", want: map[string]string{"T1": "Jobcenter Sorø", "E9": "Jobcenter Slagelse"}},
		{in: "T1", fallback: "Jobcenter Odense", want: map[string]string{"T1": "Jobcenter Odense"}},
		{in: "T1", want: map[string]string{"T1": "Jobcenter"}},
		{in: "T1; T2=Jobcenter Sorø", err: "T1 has no jobcenter"},
		{in: "T1 Jobcenter Sorø", err: "is not TEAM=Jobcenter name"},
		{in: "T1=", err: "is not TEAM=Jobcenter name"},
		{in: "T1=A; T1=B", err: "named twice"},
	} {
		got, err := parseTeamMap(c.in, c.fallback)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseTeamMap(%q) = %v, %v; want an error with %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || !maps.Equal(got, c.want) {
			t.Errorf("parseTeamMap(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// TestTenantJobcenters: a single-tenant bot lets its own tenant in, into
// the default jobcenter; with TEAMS_TENANT_JOBCENTERS set, only those; with
// neither, no tenant at all.
func TestTenantJobcenters(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want map[string]string
	}{
		{map[string]string{"MICROSOFT_APP_TENANT_ID": "ten-1", "KONTAKTBOT_JOBCENTER": "Jobcenter Odense"}, map[string]string{"ten-1": "Jobcenter Odense"}},
		{map[string]string{"MICROSOFT_APP_TENANT_ID": "ten-1", "TEAMS_TENANT_JOBCENTERS": "ten-2=Jobcenter Sorø"}, map[string]string{"ten-2": "Jobcenter Sorø"}},
		{map[string]string{}, map[string]string{}},
	} {
		e := testEnv(c.env)
		got, err := e.tenantJobcenters()
		if err != nil || !maps.Equal(got, c.want) {
			t.Errorf("%v: %v, %v; want %v", c.env, got, err, c.want)
		}
	}
}

// testEnv is an env over the variables in vars, logging nowhere.
func testEnv(vars map[string]string) *env {
	return &env{getenv: func(k string) string { return vars[k] }, log: slog.New(slog.DiscardHandler)}
}

// TestServeRefusesUnlistedOrganisations: through the real endpoints, a
// signed Slack command from a workspace SLACK_TEAM_JOBCENTERS does not name,
// and a signed Teams message from a tenant TEAMS_TENANT_JOBCENTERS does not
// name, get the polite refusal, and the file holds no person and no
// jobcenter afterwards.
func TestServeRefusesUnlistedOrganisations(t *testing.T) {
	t.Parallel()
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	const appID = "6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f5a"
	conn := teamstest.NewConnector(t, teamstest.ConnectorConfig{AppID: appID, AppPassword: "hemmelig"})
	auth := teamstest.NewAuth(t, teamstest.AuthOptions{AppID: appID, ServiceURL: conn.URL, Now: time.Now()})
	db := filepath.Join(t.TempDir(), "k.db")
	s := startServer(t, map[string]string{"SLACK_SIGNING_SECRET": secret, "SLACK_TEAM_JOBCENTERS": "T2=Jobcenter Sorø",
		"MICROSOFT_APP_ID": appID, "MICROSOFT_APP_PASSWORD": "hemmelig",
		"BOTFRAMEWORK_TOKEN_URL": conn.TokenURL, "BOTFRAMEWORK_OPENID_METADATA_URL": auth.MetadataURL,
		"BOTFRAMEWORK_SERVICE_URLS": conn.URL, "TEAMS_TENANT_JOBCENTERS": "tenant-2=Jobcenter Sorø"}, "--db", db)

	code, body := slackPost(t, s.url, secret, "/kontakt", "company add Ærø Maskinfabrik") // from T1
	if code != 200 || !strings.Contains(body, "ikke sat op") || !strings.Contains(body, "T1") || strings.Contains(body, "Oprettet") {
		t.Errorf("Slack from an unlisted workspace: %d %s", code, body)
	}
	personal := teamsActivity(t, conn.URL, "company add Ærø Maskinfabrik", "personal", "a:1personalCONV") // from tenant-1
	if code := postActivity(t, s.url, auth.Header(teamstest.TokenValid), personal); code != 200 {
		t.Errorf("Teams from an unlisted tenant: %d", code)
	}
	if sent := conn.Calls(); len(sent) != 1 || !strings.Contains(string(sent[0].Body), "ikke sat op") {
		t.Errorf("Teams reply: %+v", sent)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	d, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	people, _ := d.Consultants(context.Background())
	js, _ := d.Jobcenters(context.Background())
	if len(people) != 0 || len(js) != 0 {
		t.Errorf("stored for unlisted organisations: people %+v, jobcenters %+v", people, js)
	}
}
