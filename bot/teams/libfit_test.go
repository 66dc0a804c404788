package teams_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/connector/auth"
	"github.com/infracloudio/msbotbuilder-go/core"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
)

// TestLibraryAdapterWithOurParts: msbotbuilder-go's own adapter, given our
// validator and client in place of its faulty ones, parses and
// authenticates an incoming request and updates an activity through the
// fake connector.
func TestLibraryAdapterWithOurParts(t *testing.T) {
	t.Parallel()
	a, clock := newAuthFake(t)
	fake := teamstest.NewConnector(t, teamstest.ConnectorConfig{})
	c, err := teams.NewClient(teams.ClientConfig{AppID: fake.AppID, AppPassword: fake.AppPassword, TokenURL: fake.TokenURL, Clock: clock,
		ServiceURLs: allowed(t, fake.URL)})
	if err != nil {
		t.Fatal(err)
	}
	adapter := &core.BotFrameworkAdapter{
		AdapterSetting: core.AdapterSetting{AppID: "app-id-1", CredentialProvider: auth.SimpleCredentialProvider{AppID: "app-id-1"}},
		TokenValidator: mustValidator(t, a.MetadataURL, clock),
		Client:         c,
	}
	body := `{"type":"message","id":"1","channelId":"msteams","serviceUrl":"` + a.ServiceURL + `","text":"mine",` +
		`"from":{"id":"29:1","aadObjectId":"aad-1"},"conversation":{"id":"a:1","tenantId":"t-1"},"recipient":{"id":"28:bot"}}`
	for kind, wantOK := range map[teamstest.TokenKind]bool{teamstest.TokenValid: true, teamstest.TokenExpired: false, teamstest.TokenWrongAudience: false} {
		req := httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(body))
		req.Header.Set("Authorization", a.Header(kind))
		act, err := adapter.ParseRequest(context.Background(), req)
		if (err == nil) != wantOK {
			t.Errorf("%v: ParseRequest err = %v, want ok %v", kind, err, wantOK)
		}
		if wantOK && act.Text != "mine" {
			t.Errorf("parsed %+v", act)
		}
	}
	update := schema.Activity{Type: schema.Message, ID: "1:reply", Text: "opdateret", ServiceURL: fake.URL,
		Conversation: schema.ConversationAccount{ID: "a:1"}}
	if err := adapter.UpdateActivity(context.Background(), update); err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls()
	last := calls[len(calls)-1]
	if last.Route != teamstest.RouteUpdate || last.ConversationID != "a:1" || last.ActivityID != "1:reply" || last.Activity.Text != "opdateret" {
		t.Fatalf("update through the library: %+v", last)
	}
}
