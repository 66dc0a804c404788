package slack_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"
)

// webAPI plays Slack's Web API in tests: slack-go's slacktest server with
// handlers of ours bound for what it lacks or answers too simply
// (conversations.open, conversations.history, chat.postMessage, chat.update,
// users.info, views.open, views.push, views.publish, views.update). Every
// call, to any method, is recorded in calls before it is answered. Methods
// left to slacktest (auth.test, bots.info, ...) get its default answers;
// any other method gets {"ok":false,"error":"unknown_method"}.
//
// rateLimit[m] = k makes the next k calls of method m answer 429 with
// Retry-After: 1 (client's OptionRetry, or the Notifier with
// clientNoRetry, waits that out); limitNth does the same for chosen calls.
// Hold mu to touch rateLimit directly.
type webAPI struct {
	srv     *slacktest.Server
	api     *slackapi.Client
	noRetry *slackapi.Client

	mu        sync.Mutex
	calls     []apiCall
	posted    []url.Values // every message posted, for history
	views     int          // views opened, pushed or published, for their ids
	rateLimit map[string]int
	limitAt   map[string]map[int]bool // method -> numbers of the calls to answer 429
	seen      map[string]int          // method -> calls so far
	uploads   map[string][]byte       // file id -> the bytes POSTed to its upload URL
	nextFile  int
}

// apiCall is one call the fake received.
type apiCall struct {
	Method string
	// Form holds the call's arguments: the form (and query) fields, or for
	// a JSON body (views.*) its top-level fields, objects as JSON text.
	Form url.Values
	// View is the parsed "view" argument of a views.* call, else nil.
	View map[string]any
	At   time.Time // when it arrived
	// Limited says the call was answered 429 (an injected rate limit).
	Limited bool
}

// slacktestServes are the Web API methods that slacktest answers and we
// leave to it. Its handlers are unexported, so a second, plain slacktest
// server answers them, behind our recorder.
var slacktestServes = []string{"auth.test", "bots.info", "users.lookupByEmail", "chat.postEphemeral",
	"conversations.info", "conversations.create", "conversations.setTopic", "conversations.setPurpose",
	"conversations.rename", "conversations.invite", "conversations.inviteShared", "reactions.add",
	"apps.connections.open", "rtm.connect", "rtm.start"}

// newWebAPI starts the fake on loopback; tb's cleanup stops it.
func newWebAPI(tb testing.TB) *webAPI {
	tb.Helper()
	w := &webAPI{rateLimit: map[string]int{}, limitAt: map[string]map[int]bool{}, seen: map[string]int{}, uploads: map[string][]byte{}}
	defaults := slacktest.NewTestServer()
	defaults.Start()
	tb.Cleanup(defaults.Stop)
	u, err := url.Parse(defaults.GetAPIURL())
	if err != nil {
		tb.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	ours := map[string]func(http.ResponseWriter, apiCall){
		"conversations.open": w.openConversation, "conversations.history": w.history,
		"chat.postMessage": w.postMessage, "chat.update": w.update, "users.info": w.userInfo,
		"views.open": w.view, "views.push": w.view, "views.publish": w.view, "views.update": w.view,
		"files.getUploadURLExternal": w.uploadURL, "files.completeUploadExternal": w.completeUpload,
	}
	// slacktest runs the Binders before it registers its defaults and
	// skips a pattern already taken: so ours win.
	w.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		for method, answer := range ours {
			c.Handle("/"+method, w.record(func(rw http.ResponseWriter, _ *http.Request, call apiCall) { answer(rw, call) }))
		}
		for _, method := range slacktestServes {
			c.Handle("/"+method, w.record(func(rw http.ResponseWriter, r *http.Request, _ apiCall) { proxy.ServeHTTP(rw, r) }))
		}
		c.Handle("/upload/", http.HandlerFunc(w.receiveUpload))
		c.Handle("/", w.record(func(rw http.ResponseWriter, _ *http.Request, _ apiCall) {
			w.reply(rw, map[string]any{"ok": false, "error": "unknown_method"})
		}))
	})
	w.srv.Start()
	tb.Cleanup(w.srv.Stop)
	// Enough idle connections that 32 concurrent senders reuse theirs.
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128}
	tb.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	w.api = slackapi.New("xoxb-test", slackapi.OptionAPIURL(w.srv.GetAPIURL()),
		slackapi.OptionHTTPClient(hc), slackapi.OptionRetry(2))
	w.noRetry = slackapi.New("xoxb-test", slackapi.OptionAPIURL(w.srv.GetAPIURL()), slackapi.OptionHTTPClient(hc))
	return w
}

// client returns a client of the fake, with the bot token and two retries
// of a 429, as cmd/ makes it for the Web API calls other than the
// Notifier's.
func (w *webAPI) client() *slackapi.Client { return w.api }

// clientNoRetry returns a client of the fake over the same transport, with
// the bot token and no OptionRetry: a 429 comes back as a
// *slackapi.RateLimitedError at once. The Notifier is given one, as cmd/
// makes it, because it waits out 429s itself.
func (w *webAPI) clientNoRetry() *slackapi.Client { return w.noRetry }

// limitNth makes the nth calls of method (counting every call from 1,
// retries included) answer 429 with Retry-After: 1.
func (w *webAPI) limitNth(method string, nth ...int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.limitAt[method] == nil {
		w.limitAt[method] = map[int]bool{}
	}
	for _, n := range nth {
		w.limitAt[method][n] = true
	}
}

// callsOf returns the calls of method so far, in order of arrival,
// including those answered 429.
func (w *webAPI) callsOf(method string) []apiCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []apiCall
	for _, c := range w.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// called is callsOf, by the name the first tests used.
func (w *webAPI) called(method string) []apiCall { return w.callsOf(method) }

// lastView returns the view of the last call of method (views.open, ...)
// that was not answered 429, or nil if there was none.
func (w *webAPI) lastView(method string) map[string]any {
	calls := w.callsOf(method)
	for i := len(calls) - 1; i >= 0; i-- {
		if !calls[i].Limited {
			return calls[i].View
		}
	}
	return nil
}

// record returns a handler that records the call, answers 429 if one is
// due, and else lets answer answer it. answer gets the request with its
// body restored, for the proxy.
func (w *webAPI) record(answer func(http.ResponseWriter, *http.Request, apiCall)) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		c, err := w.read(r)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		w.seen[c.Method]++
		if w.rateLimit[c.Method] > 0 {
			w.rateLimit[c.Method]--
			c.Limited = true
		} else if w.limitAt[c.Method][w.seen[c.Method]] {
			c.Limited = true
		}
		w.calls = append(w.calls, c)
		w.mu.Unlock()
		if c.Limited {
			rw.Header().Set("Retry-After", "1")
			rw.Header().Set("Content-Type", "application/json")
			rw.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(rw, `{"ok":false,"error":"ratelimited"}`)
			return
		}
		answer(rw, r, c)
	}
}

// read reads the call r makes, leaving r's body readable again.
func (*webAPI) read(r *http.Request) (apiCall, error) {
	c := apiCall{Method: strings.TrimPrefix(r.URL.Path, "/"), Form: r.URL.Query(), At: time.Now()}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return c, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/json":
		var args map[string]any
		if err := json.Unmarshal(body, &args); err != nil {
			return c, fmt.Errorf("%s: JSON body: %w", c.Method, err)
		}
		for k, v := range args {
			if s, ok := v.(string); ok {
				c.Form.Set(k, s)
			} else {
				b, _ := json.Marshal(v)
				c.Form.Set(k, string(b))
			}
		}
		c.View, _ = args["view"].(map[string]any)
	case len(body) > 0:
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return c, fmt.Errorf("%s: form: %w", c.Method, err)
		}
		for k, vs := range f {
			c.Form[k] = append(c.Form[k], vs...)
		}
	}
	return c, nil
}

func (*webAPI) reply(rw http.ResponseWriter, v any) {
	rw.Header().Set("Content-Type", "application/json")
	json.NewEncoder(rw).Encode(v)
}

func (w *webAPI) openConversation(rw http.ResponseWriter, c apiCall) {
	w.reply(rw, map[string]any{"ok": true, "channel": map[string]any{"id": "D-" + c.Form.Get("users")}})
}

func (w *webAPI) postMessage(rw http.ResponseWriter, c apiCall) {
	w.mu.Lock()
	w.posted = append(w.posted, c.Form)
	ts := fmt.Sprintf("1700000000.%06d", len(w.posted))
	w.mu.Unlock()
	w.reply(rw, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": ts})
}

func (w *webAPI) update(rw http.ResponseWriter, c apiCall) {
	w.reply(rw, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts")})
}

// userInfo knows U2 and U7; anyone else is user_not_found.
func (w *webAPI) userInfo(rw http.ResponseWriter, c apiCall) {
	names := map[string]string{"U2": "Lars Larsen", "U7": "Hanne Jensen"}
	name, ok := names[c.Form.Get("user")]
	if !ok {
		w.reply(rw, map[string]any{"ok": false, "error": "user_not_found"})
		return
	}
	w.reply(rw, map[string]any{"ok": true, "user": map[string]any{"id": c.Form.Get("user"), "real_name": name}})
}

// history answers with the channel's posted messages, metadata included.
func (w *webAPI) history(rw http.ResponseWriter, c apiCall) {
	w.mu.Lock()
	msgs := []map[string]any{}
	for i, p := range w.posted {
		if p.Get("channel") != c.Form.Get("channel") {
			continue
		}
		m := map[string]any{"type": "message", "ts": fmt.Sprintf("1700000000.%06d", i+1), "text": p.Get("text")}
		if md := p.Get("metadata"); md != "" {
			var v any
			json.Unmarshal([]byte(md), &v)
			m["metadata"] = v
		}
		msgs = append(msgs, m)
	}
	w.mu.Unlock()
	w.reply(rw, map[string]any{"ok": true, "messages": msgs})
}

// uploadURL answers files.getUploadURLExternal with a new file id and an
// upload URL on the fake itself (slack-go sends the token only to Slack's
// hosts or the API URL's).
func (w *webAPI) uploadURL(rw http.ResponseWriter, c apiCall) {
	if c.Form.Get("filename") == "" || c.Form.Get("length") == "" || c.Form.Get("length") == "0" {
		w.reply(rw, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	w.mu.Lock()
	w.nextFile++
	id := fmt.Sprintf("F%04d", w.nextFile)
	w.mu.Unlock()
	w.reply(rw, map[string]any{"ok": true, "file_id": id, "upload_url": w.srv.GetAPIURL() + "upload/" + id})
}

// receiveUpload keeps the file part POSTed to an upload URL, as Slack's
// file servers take it.
func (w *webAPI) receiveUpload(rw http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	f, _, err := r.FormFile("file")
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(f)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	w.mu.Lock()
	w.uploads[id] = data
	w.mu.Unlock()
	fmt.Fprint(rw, "OK - ", len(data))
}

// completeUpload answers files.completeUploadExternal for files uploaded
// before; any other id is file_not_found.
func (w *webAPI) completeUpload(rw http.ResponseWriter, c apiCall) {
	var files []map[string]any
	if err := json.Unmarshal([]byte(c.Form.Get("files")), &files); err != nil || len(files) == 0 {
		w.reply(rw, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range files {
		if _, ok := w.uploads[fmt.Sprint(f["id"])]; !ok {
			w.reply(rw, map[string]any{"ok": false, "error": "file_not_found"})
			return
		}
	}
	w.reply(rw, map[string]any{"ok": true, "files": files})
}

// uploaded returns the bytes uploaded as file id.
func (w *webAPI) uploaded(id string) []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.uploads[id]
}

// view answers views.open, .push, .publish and .update with the view's id:
// views.update keeps the view_id it was given.
func (w *webAPI) view(rw http.ResponseWriter, c apiCall) {
	if c.View == nil {
		w.reply(rw, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	id := c.Form.Get("view_id")
	if id == "" {
		w.mu.Lock()
		w.views++
		id = fmt.Sprintf("V%06d", w.views)
		w.mu.Unlock()
	}
	w.reply(rw, map[string]any{"ok": true, "view": map[string]any{"id": id}})
}

func TestWebAPIRecordsViewsAndLeavesTheRestToSlacktest(t *testing.T) {
	t.Parallel()
	w := newWebAPI(t)
	api := w.client()
	modal := slackapi.ModalViewRequest{Type: slackapi.VTModal, CallbackID: "log_visit",
		Title: slackapi.NewTextBlockObject(slackapi.PlainTextType, "Besøg", false, false)}
	v, err := api.OpenView("T-trigger", modal)
	if err != nil || !strings.HasPrefix(v.ID, "V") {
		t.Fatalf("views.open: %+v %v", v, err)
	}
	modal.CallbackID = "log_visit_2"
	if u, err := api.UpdateView(modal, "", "", v.ID); err != nil || u.ID != v.ID {
		t.Errorf("views.update: %+v %v", u, err)
	}
	home := slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, CallbackID: "home"}
	if _, err := api.PublishView("U7", home, ""); err != nil {
		t.Errorf("views.publish: %v", err)
	}
	if got := w.lastView("views.open"); got["callback_id"] != "log_visit" || got["type"] != "modal" {
		t.Errorf("views.open view %v", got)
	}
	if got := w.lastView("views.update"); got["callback_id"] != "log_visit_2" {
		t.Errorf("views.update view %v", got)
	}
	if c := w.callsOf("views.open"); len(c) != 1 || c[0].Form.Get("trigger_id") != "T-trigger" {
		t.Errorf("views.open calls %+v", c)
	}
	if c := w.callsOf("views.update"); len(c) != 1 || c[0].Form.Get("view_id") != v.ID {
		t.Errorf("views.update calls %+v", c)
	}
	if c := w.callsOf("views.publish"); len(c) != 1 || c[0].Form.Get("user_id") != "U7" || w.lastView("views.publish")["type"] != "home" {
		t.Errorf("views.publish calls %+v", c)
	}
	// slacktest's own answer, recorded all the same.
	if a, err := api.AuthTest(); err != nil || a.UserID == "" || len(w.callsOf("auth.test")) != 1 {
		t.Errorf("auth.test: %+v %v, %d calls", a, err, len(w.callsOf("auth.test")))
	}
	if _, err := api.GetTeamInfo(); err == nil || !strings.Contains(err.Error(), "unknown_method") || len(w.callsOf("team.info")) != 1 {
		t.Errorf("team.info: %v, %d calls", err, len(w.callsOf("team.info")))
	}
	w.limitNth("views.publish", 2)
	start := time.Now()
	if _, err := api.PublishView("U7", home, ""); err != nil || time.Since(start) < time.Second {
		t.Errorf("views.publish after a 429: %v after %v", err, time.Since(start))
	}
	if c := w.callsOf("views.publish"); len(c) != 3 || !c[1].Limited || c[2].Limited {
		t.Errorf("views.publish calls %+v", c)
	}
}
