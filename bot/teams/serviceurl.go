package teams

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// DefaultServiceURLs returns the connector hosts Microsoft documents for
// Teams and the Bot Framework: the public cloud's smba.trafficmanager.net
// (every region's path under it), the Bot Framework's own hosts, and
// Teams' GCC, GCC High and DoD clouds. "*." stands for any subdomain.
func DefaultServiceURLs() []string {
	return []string{
		"https://smba.trafficmanager.net/",
		"https://*.botframework.com/",
		"https://smba.infra.gcc.teams.microsoft.com/",
		"https://smba.infra.gov.teams.microsoft.us/",
		"https://smba.infra.dod.teams.microsoft.us/",
	}
}

// ErrServiceURL is wrapped by a Client call to a service URL the allow-list
// does not hold: the bot's token is not sent there.
var ErrServiceURL = errors.New("teams: service url is not an allowed Bot Framework host")

// ServiceURLs is the allow-list of Bot Framework service URLs: the bot's
// token goes only to them, and an activity naming another is refused.
// The zero value and nil allow DefaultServiceURLs only. Scheme and host
// compare case-insensitively, the path as a prefix on a segment boundary.
type ServiceURLs struct {
	prefixes []urlPrefix
}

// urlPrefix is one parsed allow-list entry.
type urlPrefix struct {
	scheme, host, port string // lower case; host "*.x" is any subdomain of x
	path               string // "" or a path ending in "/"
}

// NewServiceURLs returns DefaultServiceURLs plus extra: URL prefixes
// separated by commas or spaces, as BOTFRAMEWORK_SERVICE_URLS holds them
// (for a sovereign cloud, or a test's loopback connector). A prefix must be
// https, or http on a loopback address (127.0.0.0/8, ::1, localhost), and
// hold no user, query or fragment; otherwise NewServiceURLs says which.
func NewServiceURLs(extra string) (*ServiceURLs, error) {
	s := &ServiceURLs{prefixes: slices.Clone(defaultPrefixes)}
	for _, raw := range strings.FieldsFunc(extra, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		p, err := parsePrefix(raw)
		if err != nil {
			return nil, fmt.Errorf("teams service urls: %w", err)
		}
		s.prefixes = append(s.prefixes, p)
	}
	return s, nil
}

// defaultPrefixes is DefaultServiceURLs parsed; a test checks that every
// one of them parses.
var defaultPrefixes = func() []urlPrefix {
	var ps []urlPrefix
	for _, raw := range DefaultServiceURLs() {
		if p, err := parsePrefix(raw); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}()

func parsePrefix(raw string) (urlPrefix, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return urlPrefix{}, fmt.Errorf("%q: %w", raw, err)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return urlPrefix{}, fmt.Errorf("%q is not a URL prefix of the form https://host/path", raw)
	}
	p := urlPrefix{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port(), path: u.EscapedPath()}
	switch {
	case p.scheme == "http" && !loopback(p.host):
		return urlPrefix{}, fmt.Errorf("%q: plain http is allowed for loopback addresses only; use https", raw)
	case p.scheme != "https" && p.scheme != "http":
		return urlPrefix{}, fmt.Errorf("%q: scheme must be https", raw)
	case strings.Contains(strings.TrimPrefix(p.host, "*."), "*"):
		return urlPrefix{}, fmt.Errorf("%q: only a leading \"*.\" may stand for subdomains", raw)
	}
	if p.path != "" && !strings.HasSuffix(p.path, "/") {
		p.path += "/"
	}
	return p, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Allows reports whether raw, a service URL or a URL under one, starts
// with an allowed prefix. A URL with a user, a query or a fragment, or
// of another scheme, port or host, is not allowed; neither is "".
func (s *ServiceURLs) Allows(raw string) bool {
	prefixes := defaultPrefixes
	if s != nil && len(s.prefixes) > 0 {
		prefixes = s.prefixes
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return false
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	path := u.EscapedPath()
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	for _, p := range prefixes {
		if p.scheme == scheme && p.port == port && p.matchHost(host) && strings.HasPrefix(path, p.path) {
			return true
		}
	}
	return false
}

func (p urlPrefix) matchHost(host string) bool {
	if parent, ok := strings.CutPrefix(p.host, "*."); ok {
		return strings.HasSuffix(host, "."+parent) && len(host) > len(parent)+1
	}
	return host == p.host
}

// sameServiceURL reports whether a and b name the same service URL:
// scheme and host compared case-insensitively, port and path exactly, a
// trailing slash aside. Either one empty or unparsable is never the same.
func sameServiceURL(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil || ua.Host == "" || ub.Host == "" {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Hostname(), ub.Hostname()) &&
		ua.Port() == ub.Port() && ua.User.String() == ub.User.String() &&
		strings.TrimSuffix(ua.EscapedPath(), "/") == strings.TrimSuffix(ub.EscapedPath(), "/") &&
		ua.RawQuery == ub.RawQuery && ua.Fragment == ub.Fragment
}

// origin is the scheme and host of a URL, for logs and errors: the path of
// a connector URL names a conversation.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return strconv.Quote(raw)
	}
	return u.Scheme + "://" + u.Host
}
