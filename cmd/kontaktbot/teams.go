package main

import (
	"errors"
	"fmt"
	"net/http"

	"kontaktbot/bot/teams"
	"kontaktbot/commands"
	"kontaktbot/storage"
)

// teamsParts is Microsoft Teams as the environment configures it.
type teamsParts struct {
	appID     string
	client    *teams.Client
	validator *teams.Validator
	notifier  *teams.Notifier
	tenants   map[string]string
	// serviceURLs are Microsoft's connector hosts plus BOTFRAMEWORK_SERVICE_URLS.
	serviceURLs *teams.ServiceURLs
}

// teamsSetup reads Teams' configuration; nil when Teams is not configured
// (neither MICROSOFT_APP_ID nor MICROSOFT_APP_PASSWORD). Without the app id
// it refuses to start: every token would name some audience, and none
// could be checked against ours.
func (e *env) teamsSetup(db *storage.DB) (*teamsParts, error) {
	id, password := e.getenv("MICROSOFT_APP_ID"), e.getenv("MICROSOFT_APP_PASSWORD")
	switch {
	case id == "" && password == "":
		return nil, nil
	case id == "":
		return nil, errors.New("teams: MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not: set the bot's Microsoft app id (a GUID, from its Azure Bot registration); without it no Bot Framework token can be checked")
	case password == "":
		return nil, errors.New("teams: MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is not: set the client secret of the bot's Azure app registration, which the bot needs to answer")
	}
	tenants, err := e.tenantJobcenters()
	if err != nil {
		return nil, err
	}
	tokenURL := e.getenv("BOTFRAMEWORK_TOKEN_URL")
	if tokenURL == "" {
		tokenURL = teams.TokenURL(e.getenv("MICROSOFT_APP_TENANT_ID"))
	}
	urls, err := teams.NewServiceURLs(e.getenv("BOTFRAMEWORK_SERVICE_URLS"))
	if err != nil {
		return nil, fmt.Errorf("BOTFRAMEWORK_SERVICE_URLS: %w", err)
	}
	t := &teamsParts{appID: id, tenants: tenants, serviceURLs: urls}
	if t.client, err = teams.NewClient(teams.ClientConfig{AppID: id, AppPassword: password, TokenURL: tokenURL,
		Clock: e.clock, Metrics: e.metrics, Logger: e.log, ServiceURLs: urls}); err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	if t.validator, err = teams.NewValidator(teams.ValidatorConfig{AppID: id,
		MetadataURL: e.getenv("BOTFRAMEWORK_OPENID_METADATA_URL"), Clock: e.clock, Logger: e.log}); err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	t.notifier = teams.NewNotifier(t.client, db, e.clock, e.log)
	return t, nil
}

// mount serves the Bot Framework's messages at /api/messages with svc.
func (t *teamsParts) mount(e *env, mux *http.ServeMux, db *storage.DB, svc *commands.Service) error {
	h, err := teams.NewHandler(teams.HandlerConfig{AppID: t.appID, Validator: t.validator, Connector: t.client,
		Commands: svc, Store: db, Seen: db, Jobcenters: t.tenants, ServiceURLs: t.serviceURLs, Clock: e.clock, Logger: e.log})
	if err != nil {
		return err
	}
	mux.Handle("POST /api/messages", h)
	e.log.Info("teams: Bot Framework messages at /api/messages")
	return nil
}

// tenantJobcenters is the Teams allow-list: TEAMS_TENANT_JOBCENTERS, or,
// when that is empty, the one tenant of a single-tenant bot
// (MICROSOFT_APP_TENANT_ID), whose people join the default jobcenter.
// Any other tenant is refused.
func (e *env) tenantJobcenters() (map[string]string, error) {
	tenants, err := parseTeamMap(e.getenv("TEAMS_TENANT_JOBCENTERS"), e.getenv("KONTAKTBOT_JOBCENTER"))
	if err != nil {
		return nil, fmt.Errorf("TEAMS_TENANT_JOBCENTERS: %w", err)
	}
	if tenant := e.getenv("MICROSOFT_APP_TENANT_ID"); len(tenants) == 0 && tenant != "" {
		tenants[tenant] = jobcenterOr(e.getenv("KONTAKTBOT_JOBCENTER"))
	}
	if len(tenants) == 0 {
		e.log.Warn("TEAMS_TENANT_JOBCENTERS and MICROSOFT_APP_TENANT_ID are empty: every Teams tenant is refused until one is named (<tenant id>=Jobcenter Odense)")
	}
	return tenants, nil
}
