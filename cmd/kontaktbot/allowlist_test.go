package main

import (
	"log/slog"
	"maps"
	"strings"
	"testing"
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
