package slack_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v2"

	"kontaktbot/bot/slack"
)

// schemaDir holds the platforms' published schemas, beside the checkout.
const schemaDir = "../../../shared/schemas/"

// manifestSchema compiles Slack's app manifest schema, or skips when the
// shared folder is absent (a bare clone; CI always has it).
func manifestSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaDir + "slack-app-manifest-1.0.0.json")
	if os.IsNotExist(err) {
		t.Skip("../shared/schemas is absent: the manifest is checked against Slack's schema in CI")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(lookaheadRegexp)
	if err := c.AddResource("manifest.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("manifest.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lookaheadRegexp is Go's regexp plus the one form of ECMA regex Slack's
// schema uses that Go lacks: a negative lookahead at the start,
// "^(?!L)R", which matches when ^L does not and ^R does.
func lookaheadRegexp(pattern string) (jsonschema.Regexp, error) {
	if re, err := regexp.Compile(pattern); err == nil {
		return re, nil
	}
	rest, ok := strings.CutPrefix(pattern, "^(?!")
	depth, end := 1, -1
	for i := 0; ok && i < len(rest) && end < 0; i++ {
		switch {
		case rest[i] == '\\':
			i++
		case rest[i] == '(':
			depth++
		case rest[i] == ')':
			if depth--; depth == 0 {
				end = i
			}
		}
	}
	if end < 0 {
		return nil, fmt.Errorf("unsupported regex %q", pattern)
	}
	not, err := regexp.Compile("^(?:" + rest[:end] + ")")
	if err != nil {
		return nil, err
	}
	then, err := regexp.Compile("^" + rest[end+1:])
	if err != nil {
		return nil, err
	}
	return lookahead{pattern, not, then}, nil
}

type lookahead struct {
	pattern   string
	not, then *regexp.Regexp
}

func (l lookahead) MatchString(s string) bool { return !l.not.MatchString(s) && l.then.MatchString(s) }
func (l lookahead) String() string            { return l.pattern }

// fromYAML reads YAML as the JSON document it stands for.
func fromYAML(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("manifest is not YAML: %v\n%s", err, data)
	}
	j, err := json.Marshal(jsonValue(v))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func jsonValue(v any) any {
	switch v := v.(type) {
	case map[any]any:
		m := map[string]any{}
		for k, x := range v {
			m[fmt.Sprint(k)] = jsonValue(x)
		}
		return m
	case []any:
		for i := range v {
			v[i] = jsonValue(v[i])
		}
	}
	return v
}

var manifestCommands = []slack.SlashCommand{
	{Name: "visit", Description: "Noter en kontakt med en virksomhed; nulstiller kadencen.", UsageHint: "<virksomhed> [dato] <note>"},
	{Name: "kontakt", Description: strings.Repeat("æ", 2500), UsageHint: strings.Repeat("ø", 1500)},
}

func TestManifestValidatesAgainstSlackSchema(t *testing.T) {
	t.Parallel()
	schema := manifestSchema(t)
	for _, opts := range []slack.ManifestOptions{
		{URL: "https://kontaktbot.odense.dk/", Commands: manifestCommands},
		{Socket: true, Commands: manifestCommands},
	} {
		out, err := slack.Manifest(opts)
		if err != nil {
			t.Fatal(err)
		}
		doc := fromYAML(t, out)
		if err := schema.Validate(doc); err != nil {
			t.Errorf("manifest (socket %v) is not valid: %v\n%s", opts.Socket, err, out)
		}
		m := doc.(map[string]any)
		features := m["features"].(map[string]any)
		cmds := features["slash_commands"].([]any)
		visit := cmds[0].(map[string]any)
		if visit["command"] != "/visit" || visit["should_escape"] != true {
			t.Errorf("/visit: %v", visit)
		}
		settings := m["settings"].(map[string]any)
		interactivity := settings["interactivity"].(map[string]any)
		if opts.Socket {
			if settings["socket_mode_enabled"] != true || visit["url"] != nil || interactivity["request_url"] != nil {
				t.Errorf("socket mode manifest names addresses: %v", settings)
			}
		} else if visit["url"] != "https://kontaktbot.odense.dk/slack/commands" ||
			interactivity["request_url"] != "https://kontaktbot.odense.dk/slack/interactions" ||
			settings["event_subscriptions"].(map[string]any)["request_url"] != "https://kontaktbot.odense.dk/slack/events" {
			t.Errorf("endpoints: %v %v", visit, settings)
		}
	}
}

func TestManifestAsksForTheNeededScopesOnly(t *testing.T) {
	t.Parallel()
	out, err := slack.Manifest(slack.ManifestOptions{URL: "https://h.example", Commands: manifestCommands})
	if err != nil {
		t.Fatal(err)
	}
	doc := fromYAML(t, out).(map[string]any)
	got := fmt.Sprint(doc["oauth_config"].(map[string]any)["scopes"].(map[string]any)["bot"])
	if got != "[commands chat:write im:write im:history users:read files:write]" {
		t.Errorf("bot scopes %s", got)
	}
}

func TestManifestRefusesABadURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "kontaktbot.odense.dk", "ftp://h", "https://", "https://h/?x=1"} {
		if _, err := slack.Manifest(slack.ManifestOptions{URL: u}); err == nil || !strings.Contains(err.Error(), "--url") {
			t.Errorf("url %q: %v", u, err)
		}
	}
}
