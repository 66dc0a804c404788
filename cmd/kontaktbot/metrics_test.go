package main

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// getWith GETs url with an Authorization header (none when auth is "").
func getWith(t *testing.T, url, auth string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// isPrometheus reports whether a /metrics answer is Prometheus' text
// format with the process' own metrics in it.
func isPrometheus(h http.Header, body string) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "text/plain") && strings.Contains(body, "# TYPE go_goroutines gauge")
}

// TestMetricsOnlyOnTheirListener: without a token the public listener has
// no /metrics at all; the loopback metrics listener answers it.
func TestMetricsOnlyOnTheirListener(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil, "--db", filepath.Join(t.TempDir(), "k.db"))
	if code, _ := get(t, s.url+"/metrics"); code != http.StatusNotFound {
		t.Errorf("public /metrics: %d, want 404", code)
	}
	if !strings.HasPrefix(s.metrics, "http://127.0.0.1:") {
		t.Fatalf("metrics listener at %q, want loopback", s.metrics)
	}
	if code, h, body := getWith(t, s.metrics, ""); code != http.StatusOK || !isPrometheus(h, body) {
		t.Errorf("metrics listener: %d %s %.80q", code, h.Get("Content-Type"), body)
	}
	// It serves nothing else: not the platforms, not the pages.
	base := strings.TrimSuffix(s.metrics, "/metrics")
	for _, path := range []string{"/", "/healthz", "/privacy"} {
		if code, _ := get(t, base+path); code != http.StatusNotFound {
			t.Errorf("metrics listener %s: %d, want 404", path, code)
		}
	}
}

// TestMetricsToken: with KONTAKTBOT_METRICS_TOKEN the public listener
// serves /metrics to the bearer of the token only, and so does the
// metrics listener.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef0123456789abcdef"
	s := startServer(t, map[string]string{"KONTAKTBOT_METRICS_TOKEN": token}, "--db", filepath.Join(t.TempDir(), "k.db"))
	for _, url := range []string{s.url + "/metrics", s.metrics} {
		for _, auth := range []string{"", "Bearer wrong", "Bearer " + token[:len(token)-1], "Basic " + token, token} {
			code, h, body := getWith(t, url, auth)
			if code != http.StatusUnauthorized || strings.Contains(body, "go_goroutines") {
				t.Errorf("%s with %q: %d %.80q, want 401 and nothing", url, auth, code, body)
			}
			if h.Get("WWW-Authenticate") == "" {
				t.Errorf("%s with %q: no WWW-Authenticate", url, auth)
			}
		}
		if code, h, body := getWith(t, url, "Bearer "+token); code != http.StatusOK || !isPrometheus(h, body) {
			t.Errorf("%s with the token: %d %.80q", url, code, body)
		}
	}
}

// TestMetricsOff: KONTAKTBOT_METRICS_ADDR=off serves no metrics listener;
// without a token /metrics is nowhere.
func TestMetricsOff(t *testing.T) {
	t.Parallel()
	// The flag, as KONTAKTBOT_METRICS_ADDR would be: startServer sets
	// the flag, which outranks the environment.
	s := startServer(t, nil, "--db", filepath.Join(t.TempDir(), "k.db"), "--metrics-addr", "off")
	if s.metrics != "" {
		t.Errorf("metrics listener at %q although off", s.metrics)
	}
	if code, _ := get(t, s.url+"/metrics"); code != http.StatusNotFound {
		t.Errorf("public /metrics: %d, want 404", code)
	}
	if code, _ := get(t, s.url+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
}

// TestMetricsConfigRefused: a token short enough to guess and a metrics
// address that is taken stop serve at start, saying what to set.
func TestMetricsConfigRefused(t *testing.T) {
	t.Parallel()
	_, _, err := runCmd(t, "", map[string]string{"KONTAKTBOT_METRICS_TOKEN": "hemmelig"},
		"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db"))
	if err == nil || !strings.Contains(err.Error(), "KONTAKTBOT_METRICS_TOKEN") {
		t.Errorf("short token: err = %v", err)
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, _, err = runCmd(t, "", map[string]string{"KONTAKTBOT_METRICS_ADDR": taken.Addr().String()},
		"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db"))
	if err == nil || !strings.Contains(err.Error(), "KONTAKTBOT_METRICS_ADDR") {
		t.Errorf("taken address: err = %v", err)
	}
}
