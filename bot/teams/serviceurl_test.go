package teams_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
)

func TestServiceURLs(t *testing.T) {
	t.Parallel()
	extra, err := teams.NewServiceURLs("http://127.0.0.1:5000, https://Bot.Example.dk/api\thttp://[::1]:7000/")
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := teams.NewServiceURLs("")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range teams.DefaultServiceURLs() {
		u = strings.Replace(u, "*.", "europe.webchat.", 1)
		if !defaults.Allows(u) || !(*teams.ServiceURLs)(nil).Allows(u) || !extra.Allows(u) {
			t.Errorf("default %q not allowed", u)
		}
	}
	tests := []struct {
		url          string
		byDefault    bool
		withExtra    bool
		onlyExtraNot bool
	}{
		{url: "https://smba.trafficmanager.net/emea/", byDefault: true},
		{url: "https://smba.trafficmanager.net/amer/v3/conversations/a%3A1/activities", byDefault: true},
		{url: "https://smba.trafficmanager.net/teams/", byDefault: true},
		{url: "HTTPS://SMBA.TrafficManager.NET/emea/", byDefault: true},
		{url: "https://smba.trafficmanager.net", byDefault: true},
		{url: "https://europe.webchat.botframework.com/", byDefault: true},
		{url: "https://Directline.BotFramework.com/v3/", byDefault: true},
		{url: "https://smba.infra.gcc.teams.microsoft.com/teams", byDefault: true},
		{url: "https://smba.infra.gov.teams.microsoft.us/teams", byDefault: true},
		{url: "https://smba.infra.dod.teams.microsoft.us/teams", byDefault: true},
		{url: "https://evil.example/"},
		{url: "https://botframework.com/"},
		{url: "https://evilbotframework.com/"},
		{url: "https://smba.trafficmanager.net.evil.example/emea/"},
		{url: "https://smba.trafficmanager.net@evil.example/emea/"},
		{url: "https://user@smba.trafficmanager.net/emea/"},
		{url: "http://smba.trafficmanager.net/emea/"},
		{url: "https://smba.trafficmanager.net:8443/emea/"},
		{url: "https://smba.trafficmanager.net/emea/?next=https://evil.example/"},
		{url: "smba.trafficmanager.net/emea"},
		{url: ""},
		{url: "http://127.0.0.1:5000/v3/conversations", withExtra: true},
		{url: "http://127.0.0.1:5000", withExtra: true},
		{url: "HTTP://127.0.0.1:5000/", withExtra: true},
		{url: "http://127.0.0.1:5001/"},
		{url: "https://127.0.0.1:5000/"},
		{url: "http://[::1]:7000/v3", withExtra: true},
		{url: "https://bot.example.dk/api/v3/conversations", withExtra: true},
		{url: "https://BOT.EXAMPLE.DK/api/", withExtra: true},
		{url: "https://bot.example.dk/api", withExtra: true},
		{url: "https://bot.example.dk/apix/"},
		{url: "https://bot.example.dk/"},
		{url: "http://bot.example.dk/api/"},
	}
	for _, tt := range tests {
		if got := defaults.Allows(tt.url); got != tt.byDefault {
			t.Errorf("defaults: Allows(%q) = %v", tt.url, got)
		}
		if got := (*teams.ServiceURLs)(nil).Allows(tt.url); got != tt.byDefault {
			t.Errorf("nil: Allows(%q) = %v", tt.url, got)
		}
		if got, want := extra.Allows(tt.url), tt.byDefault || tt.withExtra; got != want {
			t.Errorf("with extra: Allows(%q) = %v", tt.url, got)
		}
	}
	for _, bad := range []string{"http://bot.example.dk/", "http://10.0.0.1/", "ftp://bot.example.dk/", "https://bot.example.dk/?a=b",
		"https://bot.example.dk/#x", "https://u:p@bot.example.dk/", "https://a.*.example/", "bot.example.dk", "https://"} {
		if _, err := teams.NewServiceURLs(bad); err == nil {
			t.Errorf("NewServiceURLs(%q): no error", bad)
		}
	}
}

// TestClientSendsNoTokenOffAllowList: a service URL off the allow-list gets
// neither token nor message from any call, and no token is even fetched.
func TestClientSendsNoTokenOffAllowList(t *testing.T) {
	t.Parallel()
	out := &outside{}
	r := newClientRig(t, func(c *teams.ClientConfig) { c.HTTPClient = &http.Client{Transport: out} })
	ctx := context.Background()
	act := schema.Activity{Type: schema.Message, Text: "hej"}
	for _, su := range []string{"https://evil.example/", "HTTPS://EVIL.EXAMPLE/", "https://smba.trafficmanager.net@evil.example/emea/",
		"https://smba.trafficmanager.net.evil.example/emea/", "http://smba.trafficmanager.net/emea/"} {
		if _, err := r.client.Send(ctx, su, "a:conv", act); !errors.Is(err, teams.ErrServiceURL) {
			t.Errorf("send to %s: err = %v, want ErrServiceURL", su, err)
		}
		if err := r.client.Update(ctx, su, "a:conv", "1:act", act); !errors.Is(err, teams.ErrServiceURL) {
			t.Errorf("update at %s: err = %v, want ErrServiceURL", su, err)
		}
		if err := r.client.DeleteActivity(ctx, su, "a:conv", "1:act"); !errors.Is(err, teams.ErrServiceURL) {
			t.Errorf("delete at %s: err = %v, want ErrServiceURL", su, err)
		}
		if _, err := r.client.CreateConversation(ctx, su, schema.ConversationParameters{}); !errors.Is(err, teams.ErrServiceURL) {
			t.Errorf("create at %s: err = %v, want ErrServiceURL", su, err)
		}
		target, err := url.Parse(su + "v3/conversations/a:conv/activities")
		if err != nil {
			t.Fatal(err)
		}
		if err := r.client.Post(*target, act); !errors.Is(err, teams.ErrServiceURL) {
			t.Errorf("library post to %s: err = %v, want ErrServiceURL", su, err)
		}
	}
	if reqs, tokens := out.seen(); len(reqs) != 0 || tokens != 0 {
		t.Errorf("requests off the allow-list: %v (%d with a token)", reqs, tokens)
	}
	if n := r.fake.TokenFetches(); n != 0 {
		t.Errorf("%d token fetches for calls that go nowhere", n)
	}
	// The allowed connector, on the same client, still gets its call.
	if _, err := r.client.Send(ctx, r.fake.URL, "a:conv", act); err != nil {
		t.Fatalf("send to the allowed connector: %v", err)
	}
}

// TestHandlerRefusesServiceURLOffAllowList: an activity naming
// https://evil.example/, with a token that names it too, is refused 403
// before anything is stored or sent, and the refusal is logged at warn.
func TestHandlerRefusesServiceURLOffAllowList(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, su := range []string{"https://evil.example/", "https://smba.trafficmanager.net.evil.example/emea/"} {
		act := personal(t, "company add Ikke Gemt ApS")
		act["serviceUrl"] = su
		b, err := json.Marshal(act)
		if err != nil {
			t.Fatal(err)
		}
		header := "Bearer " + r.auth.Token(teamstest.TokenOptions{ServiceURL: su})
		if err := r.v.Authenticate(context.Background(), mustActivity(t, b), header); err != nil {
			t.Fatalf("the token for %s must be good, so that the allow-list is what refuses: %v", su, err)
		}
		if code := r.postRaw(header, b); code != http.StatusForbidden {
			t.Errorf("serviceUrl %s: status %d, want 403", su, code)
		}
	}
	if reqs, tokens := r.outside.seen(); len(reqs) != 0 || tokens != 0 {
		t.Errorf("requests off the allow-list: %v (%d with a token)", reqs, tokens)
	}
	if n := len(r.bf.Calls()); n != 0 {
		t.Errorf("%d connector calls for refused activities", n)
	}
	all, err := r.db.Conversations(context.Background(), "")
	if err != nil || len(all) != 0 {
		t.Errorf("refused activities stored %d references: %v", len(all), err)
	}
	if logs := r.logs.String(); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "evil.example") {
		t.Errorf("refusal not logged at warn: %s", logs)
	}
	// The allowed service URL, in other letters, is the same one.
	act := personal(t, "company add Gemt ApS")
	act["serviceUrl"] = strings.ToUpper(r.bf.URL[:len("http://")]) + r.bf.URL[len("http://"):]
	b, _ := json.Marshal(act)
	if code := r.postRaw(r.good(), b); code != http.StatusOK || len(r.sent()) != 1 {
		t.Errorf("allowed service url in capitals: status %d, %d sent", code, len(r.sent()))
	}
}

func mustActivity(t *testing.T, b []byte) schema.Activity {
	t.Helper()
	var act schema.Activity
	if err := json.Unmarshal(b, &act); err != nil {
		t.Fatal(err)
	}
	return act
}
