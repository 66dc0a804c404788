package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
	"kontaktbot/bot/slack"
	"kontaktbot/storage"
)

// interactivity is the interactivity endpoints over the slacktest Web API,
// a response_url recorder and a recording handler, at the tests' clock.
type interactivity struct {
	web  *webAPI
	hook *responseURL
	f    *fakeHandler
	it   *slack.Interactivity
}

func newInteractivity(t *testing.T, f *fakeHandler, seen slack.EventLog) *interactivity {
	t.Helper()
	web := newWebAPI(t)
	it, err := slack.NewInteractivity(slack.InteractivityConfig{
		Verifier: MustVerifier(t, testSecret, func() time.Time { return now }), Handler: f, API: web.client(),
		People: knownPeople{"slack/T0001/U0ENGLISH": {Name: "Emma", Lang: bot.English}},
		Seen:   seen, Clock: bot.ClockFunc(func() time.Time { return now }),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &interactivity{web: web, hook: newResponseURL(t), f: f, it: it}
}

// payload reads a payload of testdata as Slack sends it, lets edit change
// it, and points its response_url (also in a modal's metadata) at the
// recorder.
func (e *interactivity) payload(t *testing.T, name string, edit func(p map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(testdata(t, name), &p); err != nil {
		t.Fatal(err)
	}
	if _, ok := p["response_url"]; ok {
		p["response_url"] = e.hook.srv.URL + "/actions"
	}
	if v, ok := p["view"].(map[string]any); ok {
		v["private_metadata"] = strings.Replace(v["private_metadata"].(string),
			"https://hooks.slack.com/actions/T0001/5555555555/abcdefghijklmnop", e.hook.srv.URL+"/actions", 1)
	}
	if edit != nil {
		edit(p)
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// interact posts payload signed to /slack/interactions, as Slack does:
// a form with one field, payload.
func (e *interactivity) interact(t *testing.T, payload []byte, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	if header == nil {
		header = sign(testSecret, now.Unix(), body)
	}
	rec := post(t, e.it.Interactions(), header, body)
	e.it.Wait()
	return rec
}

// event posts an Events API body signed to /slack/events, as JSON.
func (e *interactivity) event(t *testing.T, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	for k, v := range sign(testSecret, now.Unix(), body) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.it.Events().ServeHTTP(rec, req)
	e.it.Wait()
	return rec
}

func setAction(value string) func(map[string]any) {
	return func(p map[string]any) {
		p["actions"].([]any)[0].(map[string]any)["value"] = value
	}
}

// setInput sets what the person entered in a modal's input.
func setInput(block, field, value string) func(map[string]any) {
	return func(p map[string]any) {
		vals := p["view"].(map[string]any)["state"].(map[string]any)["values"].(map[string]any)
		in := vals[block].(map[string]any)[block].(map[string]any)
		if field == "selected_option" {
			in[field].(map[string]any)["value"] = value
			return
		}
		in[field] = value
	}
}

func TestInteractionsRefuseUnsigned(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	payload := e.payload(t, "block_actions.json", setAction("snooze Ærø Maskinfabrik 1w"))
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	stale := sign(testSecret, now.Add(-6*time.Minute).Unix(), body)
	wrong := sign("another secret", now.Unix(), body)
	for name, h := range map[string]http.Header{"unsigned": {}, "stale": stale, "wrong secret": wrong} {
		if rec := e.interact(t, payload, h); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, rec.Code)
		}
		eventBody := testdata(t, "app_home_opened.json")
		req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(eventBody))
		for k, v := range h {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		e.it.Events().ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("events, %s: status %d, want 401", name, rec.Code)
		}
	}
	e.it.Wait()
	if n := len(e.f.requests()); n != 0 {
		t.Fatalf("%d commands ran for refused requests", n)
	}
	if n := len(e.web.calls); n != 0 {
		t.Fatalf("%d Web API calls for refused requests", n)
	}
}

// TestLogContactButtonOpensModal: the nudge's "log contact" button opens
// the modal at once with the company filled in, today's date and a visit
// as the kind; nothing is run or stored yet.
func TestLogContactButtonOpensModal(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	rec := e.interact(t, e.payload(t, "block_actions.json", nil), nil)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("ack: %d %q, want an empty 200", rec.Code, rec.Body)
	}
	opens := e.web.callsOf("views.open")
	if len(opens) != 1 {
		t.Fatalf("views.open called %d times", len(opens))
	}
	if got := opens[0].Form.Get("trigger_id"); got != "13345224609.738474920.8088930838d88f008e0" {
		t.Errorf("trigger_id %q", got)
	}
	view := opens[0].View
	if view["callback_id"] != slack.VisitCallback || view["type"] != "modal" {
		t.Fatalf("view %v", view)
	}
	var meta map[string]string
	if err := json.Unmarshal([]byte(view["private_metadata"].(string)), &meta); err != nil || meta["company"] != "Ærø Maskinfabrik" ||
		meta["channel"] != "D0123ABC" || meta["response_url"] != e.hook.srv.URL+"/actions" {
		t.Fatalf("private_metadata %v (%v)", view["private_metadata"], err)
	}
	text, _ := json.Marshal(view["blocks"])
	for _, want := range []string{`"initial_date":"2026-09-01"`, `"value":"visit"`, "Ærø Maskinfabrik", `"action_id":"note"`, `"multiline":true`} {
		if !strings.Contains(string(text), want) {
			t.Errorf("modal blocks lack %s:\n%s", want, text)
		}
	}
	if reqs := e.f.requests(); len(reqs) != 1 || reqs[0].OpenForm == nil || *reqs[0].OpenForm != (bot.FormRef{Kind: bot.FormVisit, Subject: "Ærø Maskinfabrik"}) || reqs[0].Text != "" {
		t.Fatalf("the button asked %+v, want only the visit form", reqs)
	}
}

// TestFormButtonOpensItsForm: a button that names its form (as nudges and
// cards now render them) opens that form; the command line it also carries
// is not run.
func TestFormButtonOpensItsForm(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	msg := bot.Message{Blocks: []bot.Block{bot.Buttons{Buttons: []bot.Button{
		{Label: "Planlæg", Command: "planlæg L-tek", Form: &bot.FormRef{Kind: bot.FormPlan, Subject: "L-tek"}}}}}}
	blocks, _ := json.Marshal(slack.Blocks(msg))
	var rendered []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &rendered); err != nil || len(rendered) != 1 || len(rendered[0].Elements) != 1 {
		t.Fatalf("rendered %s (%v)", blocks, err)
	}
	btn := rendered[0].Elements[0]
	e.interact(t, e.payload(t, "block_actions.json", func(p map[string]any) {
		a := p["actions"].([]any)[0].(map[string]any)
		a["action_id"], a["value"] = btn.ActionID, btn.Value
	}), nil)
	if view := e.web.lastView("views.open"); view == nil || view["callback_id"] != slack.PlanCallback {
		t.Fatalf("views.open view %v", view)
	}
	if reqs := e.f.requests(); len(reqs) != 1 || reqs[0].OpenForm == nil || reqs[0].OpenForm.Subject != "L-tek" {
		t.Fatalf("requests %+v", reqs)
	}
}

// TestFormRefusedBeforeOpening: a form the commands refuse (an unknown
// company) opens no modal; the refusal reaches the person.
func TestFormRefusedBeforeOpening(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{reply: func(bot.Request) bot.Message {
		return bot.Message{Error: true, Blocks: []bot.Block{bot.Text{Text: "⚠️ Jeg kender ingen virksomhed, der hedder »Ærø Maskinfabrik«."}}}
	}}, nil)
	e.interact(t, e.payload(t, "block_actions.json", nil), nil)
	e.it.Wait()
	if n := len(e.web.callsOf("views.open")); n != 0 {
		t.Fatalf("views.open called %d times", n)
	}
	if posted := e.hook.posted(); len(posted) != 1 || !strings.Contains(posted[0]["text"].(string), "kender ingen virksomhed") {
		t.Fatalf("response_url got %v", posted)
	}
}

// TestSnoozeButtonRunsItsCommand: any other button runs its line as the
// person who clicked, and the answer reaches them through response_url.
func TestSnoozeButtonRunsItsCommand(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	rec := e.interact(t, e.payload(t, "block_actions.json", setAction("snooze Ærø Maskinfabrik 1w")), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	reqs := e.f.requests()
	if len(reqs) != 1 || reqs[0].Text != "snooze Ærø Maskinfabrik 1w" ||
		reqs[0].From != (bot.Identity{Platform: "slack", Team: "T0001", User: "U2147483697"}) || reqs[0].Channel.ID != "D0123ABC" {
		t.Fatalf("requests %+v", reqs)
	}
	posted := e.hook.posted()
	if len(posted) != 1 || posted[0]["response_type"] != "ephemeral" || posted[0]["text"] != "ok: snooze Ærø Maskinfabrik 1w" {
		t.Fatalf("response_url got %v", posted)
	}
	if n := len(e.web.callsOf("views.open")); n != 0 {
		t.Fatalf("views.open called %d times for a snooze", n)
	}
}

// TestVisitModalSubmission stores the contact the modal describes and
// confirms it where the button was.
func TestVisitModalSubmission(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{reply: func(req bot.Request) bot.Message {
		return bot.Reply("✅ Gemt: " + req.Submit.Values["kind"] + " hos " + req.Submit.Subject)
	}}, nil)
	note := "3. december mødte Lars\nom to <svejsere> & en smed"
	rec := e.interact(t, e.payload(t, "view_submission.json", setInput("note", "value", note)), nil)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("ack %d %q: want an empty 200, which closes the modal", rec.Code, rec.Body)
	}
	// The fields travel as fields: no command line, so nothing in the note
	// can be read as a date or a kind.
	reqs := e.f.requests()
	want := bot.Submission{Form: bot.FormVisit, Subject: "Ærø Maskinfabrik", Values: map[string]string{"date": "2026-09-01", "kind": "phone", "note": note}}
	if len(reqs) != 1 || reqs[0].Submit == nil || reqs[0].Text != "" || reqs[0].From.User != "U2147483697" || reqs[0].Channel.ID != "D0123ABC" ||
		reqs[0].Submit.Form != want.Form || reqs[0].Submit.Subject != want.Subject || !maps.Equal(reqs[0].Submit.Values, want.Values) {
		t.Fatalf("requests %+v, want the submission %+v", reqs, want)
	}
	posted := e.hook.posted()
	if len(posted) != 1 || !strings.HasPrefix(posted[0]["text"].(string), "✅ Gemt: phone hos Ærø") || posted[0]["response_type"] != "ephemeral" {
		t.Fatalf("confirmation %v", posted)
	}
}

// TestVisitModalFieldErrors: bad input is answered in the modal, under the
// field it is about, and the modal stays open.
func TestVisitModalFieldErrors(t *testing.T) {
	t.Parallel()
	refuse := func(req bot.Request) bot.Message {
		if m := fakeAnswer(req); m.Error {
			return m
		}
		f := bot.VisitForm(req.Submit.Subject, now, bot.Danish)
		if req.Submit.Values["date"] == "2030-01-01" {
			f = f.Refill(req.Submit.Values, "Datoen 1. januar 2030 ligger i fremtiden.", bot.InputDate)
		} else {
			f = f.Refill(req.Submit.Values, "Noten ligner et CPR-nummer og er ikke gemt.", bot.InputNote)
		}
		return bot.Message{Error: true, Blocks: []bot.Block{bot.Text{Text: "⚠️ " + f.Error}}, Form: &f}
	}
	for _, tc := range []struct {
		name, block, field, value string
		wantField, wantText       string
		ran                       bool
	}{
		{"empty note", "note", "value", "   ", slack.BlockNote, "Skriv en kort note", true},
		{"future date", "date", "selected_date", "2030-01-01", slack.BlockDate, "ligger i fremtiden", true},
		{"refused note", "note", "value", "010190-1234", slack.BlockNote, "CPR", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newInteractivity(t, &fakeHandler{reply: refuse}, nil)
			rec := e.interact(t, e.payload(t, "view_submission.json", setInput(tc.block, tc.field, tc.value)), nil)
			var got struct {
				Action string            `json:"response_action"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Action != "errors" {
				t.Fatalf("answer %q (%v), want response_action errors", rec.Body, err)
			}
			if !strings.Contains(got.Errors[tc.wantField], tc.wantText) || len(got.Errors) != 1 {
				t.Fatalf("errors %v, want %q under %s", got.Errors, tc.wantText, tc.wantField)
			}
			if ran := len(e.f.requests()) > 0; ran != tc.ran {
				t.Fatalf("command ran: %v, want %v", ran, tc.ran)
			}
			if n := len(e.hook.posted()); n != 0 {
				t.Fatalf("%d confirmations posted for a refusal", n)
			}
		})
	}
}

// TestPlanButtonAndModal: "Plan" opens a date modal; submitting it plans.
func TestPlanButtonAndModal(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	e.interact(t, e.payload(t, "block_actions.json", setAction("plan Ærø Maskinfabrik")), nil)
	view := e.web.lastView("views.open")
	if view == nil || view["callback_id"] != slack.PlanCallback {
		t.Fatalf("views.open view %v", view)
	}
	e.interact(t, e.payload(t, "view_submission.json", func(p map[string]any) {
		v := p["view"].(map[string]any)
		v["callback_id"] = slack.PlanCallback
		v["state"] = map[string]any{"values": map[string]any{"date": map[string]any{"date": map[string]any{"type": "datepicker", "selected_date": "2026-09-15"}}}}
	}), nil)
	reqs := e.f.requests()
	if len(reqs) != 2 || reqs[1].Submit == nil || reqs[1].Submit.Form != bot.FormPlan || reqs[1].Submit.Values["date"] != "2026-09-15" {
		t.Fatalf("requests %+v", reqs)
	}
}

// TestModalSpeaksEnglish: the modal is the form the commands answer with,
// in the language they chose for the person.
func TestModalSpeaksEnglish(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	e.interact(t, e.payload(t, "block_actions.json", func(p map[string]any) {
		p["user"].(map[string]any)["id"] = "U0ENGLISH"
	}), nil)
	view := e.web.lastView("views.open")
	if title, _ := view["title"].(map[string]any); title["text"] != "Log contact" {
		t.Fatalf("title %v", view["title"])
	}
}

// TestButtonWithoutModal: when views.open fails (an expired trigger), the
// button still answers: its line runs and the reply says what is missing.
func TestButtonWithoutModal(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	e.interact(t, e.payload(t, "block_actions.json", func(p map[string]any) { p["trigger_id"] = "" }), nil)
	if reqs := e.f.requests(); len(reqs) != 1 || reqs[0].Text != "visit Ærø Maskinfabrik" {
		t.Fatalf("requests %+v", reqs)
	}
	if len(e.hook.posted()) != 1 {
		t.Fatal("no answer through response_url")
	}
}

func TestInteractionPanicIsAnswered(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{reply: func(bot.Request) bot.Message { panic("boom") }}, nil)
	rec := e.interact(t, e.payload(t, "view_submission.json", nil), nil)
	if !strings.Contains(rec.Body.String(), "intern fejl") {
		t.Fatalf("answer %q, want the internal-error text under a field", rec.Body)
	}
	rec = e.interact(t, []byte(`{"type":"block_actions","actions":"not a list"}`), nil)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("garbage payload: %d", rec.Code)
	}
}

func TestURLVerification(t *testing.T) {
	t.Parallel()
	e := newInteractivity(t, &fakeHandler{}, nil)
	rec := e.event(t, testdata(t, "url_verification.json"))
	if rec.Code != http.StatusOK || rec.Body.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("challenge answer %d %q", rec.Code, rec.Body)
	}
}

// TestAppHomeOpened publishes the person's home tab from »coverage« and
// »mine«, once per event id, even when Slack retries after a restart.
func TestAppHomeOpened(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	db, err := storage.Open(path, storage.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeHandler{reply: func(req bot.Request) bot.Message {
		return bot.Message{Blocks: []bot.Block{bot.Heading{Text: "svar på " + req.Text}, bot.List{Items: []string{"Ærø Maskinfabrik — 12 dage over"}}}}
	}}
	e := newInteractivity(t, f, db)
	body := testdata(t, "app_home_opened.json")
	if rec := e.event(t, body); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	pubs := e.web.callsOf("views.publish")
	if len(pubs) != 1 || pubs[0].Form.Get("user_id") != "U2147483697" || pubs[0].View["type"] != "home" {
		t.Fatalf("views.publish calls %+v", pubs)
	}
	blocks, _ := json.Marshal(pubs[0].View["blocks"])
	if !strings.Contains(string(blocks), "svar på coverage") || !strings.Contains(string(blocks), "svar på mine") || !strings.Contains(string(blocks), "Ærø") {
		t.Fatalf("home tab blocks %s", blocks)
	}
	if reqs := f.requests(); len(reqs) != 2 || reqs[0].From != (bot.Identity{Platform: "slack", Team: "T0001", User: "U2147483697"}) {
		t.Fatalf("requests %+v", reqs)
	}
	// Slack retries; we restarted in between.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = storage.Open(path, storage.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e2, _ := slack.NewInteractivity(slack.InteractivityConfig{Verifier: MustVerifier(t, testSecret, func() time.Time { return now }),
		Handler: f, API: e.web.client(), Seen: db, Clock: bot.ClockFunc(func() time.Time { return now })})
	e.it = e2
	e.event(t, body)
	if n := len(e.web.callsOf("views.publish")); n != 1 {
		t.Fatalf("views.publish called %d times for one event id", n)
	}
	var other map[string]any
	_ = json.Unmarshal(body, &other)
	other["event_id"] = "Ev-another"
	next, _ := json.Marshal(other)
	e.event(t, next)
	if n := len(e.web.callsOf("views.publish")); n != 2 {
		t.Fatalf("a new event id published %d times in all, want 2", n)
	}
}

// TestViewsWithinLimits: a company name of any length gives a modal Slack
// accepts, and the home tab stays within 100 blocks.
func TestViewsWithinLimits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Ærø & Søn <Maskinfabrik> ", 400)
	for _, v := range []any{slack.Modal(bot.VisitForm(long, now, bot.Danish), ""), slack.Modal(bot.PlanForm(long, now, bot.English), "")} {
		data, _ := json.Marshal(v)
		var view struct {
			Title  struct{ Text string } `json:"title"`
			Blocks []jsonBlock           `json:"blocks"`
		}
		if err := json.Unmarshal(data, &view); err != nil {
			t.Fatal(err)
		}
		if utf8.RuneCountInString(view.Title.Text) > slack.MaxModalTitle {
			t.Errorf("title %q", view.Title.Text)
		}
		if len(data) > 0 && !strings.Contains(string(data), `"type":"input"`) {
			t.Error("no input blocks")
		}
		var sections []jsonBlock // checkLimits knows message blocks; inputs carry only short labels of ours
		for _, b := range view.Blocks {
			if b.Type != "input" {
				sections = append(sections, b)
			}
		}
		checkLimits(t, sections)
	}
	big := bigMessage()
	home := slack.HomeView(big, big, big)
	if n := len(home.Blocks.BlockSet); n > slack.MaxHomeBlocks {
		t.Fatalf("home tab has %d blocks", n)
	}
}

func init() {
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	addTSSample("modal_visit", "View", slack.Modal(bot.VisitForm("Ærø Maskinfabrik", at, bot.Danish), `{"company":"Ærø Maskinfabrik"}`))
	addTSSample("modal_plan", "View", slack.Modal(bot.PlanForm("L-tek", at, bot.English), ""))
	addTSSample("home_tab", "View", slack.HomeView(bigMessage(), bot.Reply("Dine virksomheder: 3")))
}

// TestSocketModeModal: over Socket Mode (no signing secret) a modal's
// submission is answered in the acknowledgement, field errors included,
// and a good one is run.
func TestSocketModeModal(t *testing.T) {
	t.Parallel()
	fake := newFakeSocketMode(t)
	f := &fakeHandler{}
	it, err := slack.NewInteractivity(slack.InteractivityConfig{Handler: f, Clock: bot.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	api := slackapi.New("xoxb-test", slackapi.OptionAPIURL(fake.srv.URL+"/"), slackapi.OptionAppLevelToken("xapp-1-test"))
	sock := slack.NewSocket(api, slack.SocketHandlers{Interaction: it.Interaction, Event: it.Event}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sock.Run(ctx) }()
	defer func() { cancel(); <-done }()
	c := fake.connection(t)
	e := &interactivity{hook: newResponseURL(t)}
	var p map[string]any
	json.Unmarshal(e.payload(t, "view_submission.json", setInput("note", "value", "")), &p)
	ack := fake.send(t, c, "m1", "interactive", p)
	payload, _ := ack["payload"].(map[string]any)
	if payload["response_action"] != "errors" || payload["errors"].(map[string]any)[slack.BlockNote] == nil {
		t.Fatalf("ack %v, want a note error", ack)
	}
	json.Unmarshal(e.payload(t, "view_submission.json", nil), &p)
	if ack := fake.send(t, c, "m2", "interactive", p); ack["payload"] != nil {
		t.Fatalf("good submission acknowledged with %v, want none (the modal closes)", ack["payload"])
	}
	it.Wait()
	if reqs := f.requests(); len(reqs) != 2 || reqs[1].Submit == nil || reqs[1].Submit.Values["note"] != "mødte Lars om to svejsere" {
		t.Fatalf("requests %+v", reqs)
	}
	if len(e.hook.posted()) != 1 {
		t.Fatal("no confirmation through response_url")
	}
}

// TestDirectMessage: a line typed in the bot's Messages tab runs like a
// slash command and is answered in that DM; the bot's own posts, edits
// and a retried event are not.
func TestDirectMessage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	db, err := storage.Open(path, storage.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := &fakeHandler{}
	e := newInteractivity(t, f, db)
	body := testdata(t, "message_im.json")
	if rec := e.event(t, body); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	e.event(t, body) // Slack's retry
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Text != "visit Ærø Maskinfabrik mødte lars om to svejsere" ||
		reqs[0].From != (bot.Identity{Platform: "slack", Team: "T0001", User: "U2147483697"}) || reqs[0].Channel.ID != "D0123ABC" {
		t.Fatalf("requests %+v", reqs)
	}
	posts := e.web.callsOf("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != "D0123ABC" || !strings.Contains(posts[0].Form.Get("text"), "ok: visit Ærø") {
		t.Fatalf("answers %+v", posts)
	}
	for i, edit := range []func(ev map[string]any){
		func(ev map[string]any) { ev["bot_id"] = "B123"; delete(ev, "user") },
		func(ev map[string]any) { ev["subtype"] = "message_changed" },
		func(ev map[string]any) { ev["channel_type"] = "channel" },
	} {
		var p map[string]any
		json.Unmarshal(body, &p)
		p["event_id"] = "Ev-other-" + string(rune('a'+i))
		edit(p["event"].(map[string]any))
		data, _ := json.Marshal(p)
		e.event(t, data)
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("%d commands ran; the bot's own posts, edits and channel messages must not run", n)
	}
}

// TestRowsOverflowMenu: a nudge line's actions are an overflow menu beside
// it; choosing »Noter kontakt« opens the visit form, choosing »Udsæt«
// runs its line. A single action is a button; a line without any is text.
func TestRowsOverflowMenu(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Østergårds Maskinfabrik ", 4) // its form button would pass 150
	msg := bot.Message{Blocks: []bot.Block{bot.Rows{Title: "Forfaldne", Rows: []bot.Row{
		{Text: "*L-tek* — 3 dage over", Actions: []bot.Button{
			{Label: "Noter kontakt", Command: "besøg L-tek", Primary: true, Form: &bot.FormRef{Kind: bot.FormVisit, Subject: "L-tek"}},
			{Label: "Udsæt 1 uge", Command: "udsæt L-tek 1u"},
			{Label: "Planlæg", Command: "planlæg L-tek", Form: &bot.FormRef{Kind: bot.FormPlan, Subject: "L-tek"}},
			{Label: "Vis kort", Command: "virksomhed L-tek"}}},
		{Text: "✅ *Ærø Smedie* — kontakt noteret"},
		{Text: "*Bager & Søn* — i dag", Actions: []bot.Button{{Label: "Vis kort", Command: "virksomhed Bager & Søn"}}},
		{Text: "*" + long + "*", Actions: []bot.Button{
			{Label: "Noter kontakt", Command: "besøg " + long, Primary: true, Form: &bot.FormRef{Kind: bot.FormVisit, Subject: long}},
			{Label: "Udsæt 1 uge", Command: "udsæt " + long + " 1u"}}},
	}}}}
	data, _ := json.Marshal(slack.Blocks(msg))
	type option struct {
		Value string `json:"value"`
		Text  struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	var rendered []struct {
		Type string `json:"type"`
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
		Accessory *struct {
			Type     string   `json:"type"`
			ActionID string   `json:"action_id"`
			Value    string   `json:"value"`
			Options  []option `json:"options"`
		} `json:"accessory"`
	}
	if err := json.Unmarshal(data, &rendered); err != nil || len(rendered) != 5 {
		t.Fatalf("rendered %d blocks: %s (%v)", len(rendered), data, err)
	}
	if rendered[0].Text.Text != "*Forfaldne*" || rendered[0].Accessory != nil {
		t.Errorf("title block %+v", rendered[0])
	}
	menu := rendered[1].Accessory
	if rendered[1].Text.Text != "• *L-tek* — 3 dage over" || menu == nil || menu.Type != "overflow" || len(menu.Options) != 4 {
		t.Fatalf("first line %s", data)
	}
	if rendered[2].Accessory != nil || rendered[2].Text.Text != "• ✅ *Ærø Smedie* — kontakt noteret" {
		t.Errorf("done line %+v", rendered[2])
	}
	if a := rendered[3].Accessory; a == nil || a.Type != "button" || a.Value != "virksomhed Bager & Søn" || rendered[3].Text.Text != "• *Bager &amp; Søn* — i dag" {
		t.Errorf("one action: %s", data)
	}
	if a := rendered[4].Accessory; a == nil || len(a.Options) != 2 || a.Options[0].Value != "visit "+long {
		t.Errorf("a long name's form option keeps only the form and subject: %s", data)
	}
	for _, o := range append(menu.Options, rendered[4].Accessory.Options...) {
		if n := len([]rune(o.Value)); n > slack.MaxOptionValue {
			t.Errorf("option value of %d characters", n)
		}
	}

	choose := func(e *interactivity, value string) {
		e.interact(t, e.payload(t, "block_actions.json", func(p map[string]any) {
			a := p["actions"].([]any)[0].(map[string]any)
			delete(a, "value")
			a["type"], a["action_id"], a["selected_option"] = "overflow", menu.ActionID, map[string]any{"value": value, "text": map[string]any{"type": "plain_text", "text": "x"}}
		}), nil)
		e.it.Wait()
	}
	e := newInteractivity(t, &fakeHandler{}, nil)
	choose(e, menu.Options[0].Value)
	if view := e.web.lastView("views.open"); view == nil || view["callback_id"] != slack.VisitCallback {
		t.Fatalf("Noter kontakt: views.open view %v", view)
	}
	e = newInteractivity(t, &fakeHandler{}, nil)
	choose(e, menu.Options[1].Value)
	if reqs := e.f.requests(); len(reqs) != 1 || reqs[0].Text != "udsæt L-tek 1u" {
		t.Fatalf("Udsæt: requests %+v", reqs)
	}
	if n := len(e.web.callsOf("views.open")); n != 0 {
		t.Fatalf("views.open called %d times for a snooze", n)
	}
	e = newInteractivity(t, &fakeHandler{}, nil)
	choose(e, rendered[4].Accessory.Options[0].Value)
	if view := e.web.lastView("views.open"); view == nil || view["callback_id"] != slack.VisitCallback {
		t.Fatalf("long name's Noter kontakt: views.open view %v", view)
	}
}
