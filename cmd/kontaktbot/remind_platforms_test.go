package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	neturl "net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
	"kontaktbot/bot/teams/teamstest"
	"kontaktbot/storage"
)

const remindAppID = "6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f5a"

// workingTuesday is a working Tuesday some 40 days ahead, when the
// fixture's companies are overdue and no weekly digest is due.
func workingTuesday() time.Time {
	for n := 40; ; n += 7 {
		if d := bot.AddDays(workingMonday(n), 1); bot.NewCalendar().IsWorkingDay(d) {
			return d
		}
	}
}

// mixedFixture is a file with three consultants, each with an overdue
// company: Hanne has used only the console, Sofie Slack, and Mette Teams
// (with her personal chat stored, at serviceURL).
func mixedFixture(t *testing.T, serviceURL string) string {
	t.Helper()
	db := remindFixture(t)
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		hanne, err := d.ConsultantByName(ctx, "Hanne")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			name, company string
			id            bot.Identity
		}{
			{"Sofie", "Sofies Smedie", bot.Identity{Platform: "slack", Team: "T1", User: "U0SOFIE"}},
			{"Mette", "Mettes Møbler", bot.Identity{Platform: "teams", Team: "tenant-1", User: "aad-mette"}},
		} {
			c, err := d.CreateConsultant(ctx, bot.Consultant{Name: p.name, JobcenterID: hanne.JobcenterID, Role: bot.RoleConsultant,
				Lang: bot.Danish, Identities: []bot.Identity{p.id}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.CreateCompany(ctx, bot.Company{Name: p.company, OwnerID: c.ID, CadenceDays: 14, LastContact: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		ref, _ := json.Marshal(teams.ConversationRef{ServiceURL: serviceURL, ConversationID: "a:1mette", TenantID: "tenant-1",
			ChannelID: "msteams", BotID: "28:" + remindAppID, UserAADID: "aad-mette", Type: teams.Personal})
		if _, err := d.PutConversation(ctx, teams.PersonKey("tenant-1", "aad-mette"), ref); err != nil {
			t.Fatal(err)
		}
	})
	return db
}

// nudge returns the stored nudge of the person named name on day.
func nudge(t *testing.T, db, name string, day time.Time) bot.Delivery {
	t.Helper()
	var out bot.Delivery
	inspect(t, db, func(ctx context.Context, d *storage.DB) {
		p, err := d.ConsultantByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := d.Deliveries(ctx, bot.JobNudge, day)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ds {
			if x.To == p.ID {
				out = x
				return
			}
		}
		t.Fatalf("no nudge planned for %s on %s: %+v", name, day.Format(time.DateOnly), ds)
	})
	return out
}

// slackFake is slacktest's Web API with DMs opened, read and posted by us, and
// chat.postMessage answering status when it is not 200.
type slackFake struct {
	srv    *slacktest.Server
	mu     sync.Mutex
	posts  []neturl.Values
	status int
}

func newSlackFake(t *testing.T, status int) *slackFake {
	t.Helper()
	f := &slackFake{status: status}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/conversations.open", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D-%s"}}`, r.Form.Get("users"))
		})
		// A retry first looks in the DM for the message a failed try may
		// have left: none here.
		c.Handle("/conversations.history", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"ok":true,"messages":[]}`)
		})
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			f.mu.Lock()
			f.posts = append(f.posts, r.Form)
			status := f.status
			f.mu.Unlock()
			if status != http.StatusOK {
				http.Error(w, "upstream trouble", status)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000100"}`, r.Form.Get("channel"))
		})
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	return f
}

func (f *slackFake) env() map[string]string {
	return map[string]string{"SLACK_SIGNING_SECRET": "s3cret", "SLACK_BOT_TOKEN": "xoxb-test",
		"SLACK_API_URL": f.srv.GetAPIURL(), "SLACK_TEAM_JOBCENTERS": "T1"}
}

func (f *slackFake) postsTo(channel string) []neturl.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []neturl.Values
	for _, p := range f.posts {
		if p.Get("channel") == channel {
			out = append(out, p)
		}
	}
	return out
}

func teamsEnv(conn *teamstest.Connector) map[string]string {
	return map[string]string{"MICROSOFT_APP_ID": remindAppID, "MICROSOFT_APP_PASSWORD": "hemmelig",
		"BOTFRAMEWORK_TOKEN_URL": conn.TokenURL, "BOTFRAMEWORK_SERVICE_URLS": conn.URL,
		"TEAMS_TENANT_JOBCENTERS": "tenant-1=Jobcenter Svendborg"}
}

func sendsTo(conn *teamstest.Connector, conversation string) []teamstest.ConnectorCall {
	var out []teamstest.ConnectorCall
	for _, c := range conn.Calls() {
		if c.Route == teamstest.RouteSend && c.ConversationID == conversation {
			out = append(out, c)
		}
	}
	return out
}

// TestRemindLeavesChatUsersForTheirPlatform: remind with no platform in
// its environment prints and marks only the console user's nudge; the
// Slack and Teams users' stay owed, and the output says where and why.
// Run again with Slack's environment it DMs the Slack user once, and with
// Teams' the Teams user.
func TestRemindLeavesChatUsersForTheirPlatform(t *testing.T) {
	t.Parallel()
	conn := teamstest.NewConnector(t, teamstest.ConnectorConfig{AppID: remindAppID, AppPassword: "hemmelig"})
	sl := newSlackFake(t, http.StatusOK)
	db := mixedFixture(t, conn.URL)
	day := workingTuesday()

	dry := mustRun(t, "", nil, "remind", "--db", db, "--at", rfc(day, 8), "--dry-run")
	for _, want := range []string{"── ville sende til Hanne (nudge) ──", "1 besked ville vente på Slack: Slack er ikke sat op her",
		"1 besked ville vente på Teams: Teams er ikke sat op her", ": 1 besked ville blive sendt; intet er gemt"} {
		if !strings.Contains(dry, want) {
			t.Errorf("dry run lacks %q:\n%s", want, dry)
		}
	}
	if strings.Contains(dry, "til Sofie") || strings.Contains(dry, "til Mette") {
		t.Errorf("the dry run would print a chat user's nudge:\n%s", dry)
	}

	out := mustRun(t, "", nil, "remind", "--db", db, "--at", rfc(day, 8))
	if !strings.Contains(out, "── besked til Hanne ──") || strings.Contains(out, "Sofie") || strings.Contains(out, "Mette") {
		t.Errorf("without platforms remind should print Hanne's nudge only:\n%s", out)
	}
	for _, want := range []string{"1 sendt", "1 besked venter på Slack og er ikke markeret sendt: Slack er ikke sat op her",
		"1 besked venter på Teams og er ikke markeret sendt: Teams er ikke sat op her"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if d := nudge(t, db, "Hanne", day); d.Delivered.IsZero() {
		t.Errorf("Hanne's printed nudge is not marked delivered: %+v", d)
	}
	for _, name := range []string{"Sofie", "Mette"} {
		if d := nudge(t, db, name, day); d.Done() || d.Attempts != 0 {
			t.Errorf("%s's nudge after a run without her platform: %+v, want owed and untried", name, d)
		}
	}

	// The bot token alone is not Slack as serve is configured: remind says
	// what is missing and sends nothing.
	out = mustRun(t, "", map[string]string{"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": sl.srv.GetAPIURL()},
		"remind", "--db", db, "--at", rfc(day, 8))
	if !strings.Contains(out, "1 besked venter på Slack og er ikke markeret sendt: SLACK_BOT_TOKEN er sat, men") ||
		!strings.Contains(out, "SLACK_SIGNING_SECRET eller SLACK_APP_TOKEN") || len(sl.postsTo("D-U0SOFIE")) != 0 {
		t.Errorf("remind with the bot token alone should say what is missing:\n%s", out)
	}
	for hh := 9; hh <= 10; hh++ { // the second run finds nothing owed on Slack
		out = mustRun(t, "", sl.env(), "remind", "--db", db, "--at", rfc(day, hh))
		if strings.Contains(out, "besked til") {
			t.Errorf("with Slack, remind printed a nudge to the terminal:\n%s", out)
		}
	}
	if posts := sl.postsTo("D-U0SOFIE"); len(posts) != 1 || !strings.Contains(posts[0].Get("text")+posts[0].Get("blocks"), "Sofies Smedie") {
		t.Errorf("Slack DMs to Sofie: %v, want her nudge once", posts)
	}
	if d := nudge(t, db, "Sofie", day); d.Delivered.IsZero() || d.Receipt.Channel.ID != "D-U0SOFIE" {
		t.Errorf("Sofie's nudge: %+v, want delivered in her DM", d)
	}
	if d := nudge(t, db, "Mette", day); d.Done() {
		t.Errorf("Mette's nudge was marked done by a run with Slack alone: %+v", d)
	}

	out = mustRun(t, "", teamsEnv(conn), "remind", "--db", db, "--at", rfc(day, 11))
	if !strings.Contains(out, "1 sendt") || strings.Contains(out, "venter på") {
		t.Errorf("with Teams, remind should send Mette's nudge:\n%s", out)
	}
	if sends := sendsTo(conn, "a:1mette"); len(sends) != 1 || !strings.Contains(string(sends[0].Body), "Mettes Møbler") {
		t.Errorf("Teams sends to Mette: %+v, want her nudge once", sends)
	}
	if d := nudge(t, db, "Mette", day); d.Delivered.IsZero() {
		t.Errorf("Mette's nudge: %+v, want delivered", d)
	}
	if posts := sl.postsTo("D-U0SOFIE"); len(posts) != 1 {
		t.Errorf("Sofie got %d DMs, want still 1", len(posts))
	}
}

// TestRemindPlatformFailureIsNotMarkedSent: with both platforms configured
// and both failing (Slack answering 500, Teams 429 with a long
// Retry-After), remind fails, says so, and marks neither nudge sent; once
// the platforms answer, a later run delivers both.
func TestRemindPlatformFailureIsNotMarkedSent(t *testing.T) {
	t.Parallel()
	conn := teamstest.NewConnector(t, teamstest.ConnectorConfig{AppID: remindAppID, AppPassword: "hemmelig"})
	conn.Fail(teamstest.RouteSend, 1000, http.StatusTooManyRequests, "120")
	sl := newSlackFake(t, http.StatusInternalServerError)
	db := mixedFixture(t, conn.URL)
	day := workingTuesday()
	env := sl.env()
	for k, v := range teamsEnv(conn) {
		env[k] = v
	}

	out, _, err := runCmd(t, "", env, "remind", "--db", db, "--at", rfc(day, 8))
	if err == nil || !strings.Contains(err.Error(), "could not be delivered") {
		t.Errorf("remind with failing platforms: err %v, want one saying so", err)
	}
	if !strings.Contains(out, "1 sendt, 2 fejlet (prøves igen)") || strings.Contains(out, "Sofie") || strings.Contains(out, "Mette") {
		t.Errorf("output:\n%s", out)
	}
	if len(sl.postsTo("D-U0SOFIE")) == 0 || len(sendsTo(conn, "a:1mette")) == 0 {
		t.Fatalf("the platforms were not tried: slack %v, teams %+v", sl.posts, conn.Calls())
	}
	for _, name := range []string{"Sofie", "Mette"} {
		if d := nudge(t, db, name, day); d.Done() || d.LastError == "" {
			t.Errorf("%s's nudge after her platform failed: %+v, want owed with the error", name, d)
		}
	}

	sl.mu.Lock()
	sl.status = http.StatusOK
	sl.mu.Unlock()
	conn.Fail(teamstest.RouteSend, 0, 0, "")
	if out := mustRun(t, "", env, "remind", "--db", db, "--at", rfc(day, 11)); !strings.Contains(out, "2 sendt, 0 fejlet") {
		t.Errorf("a later run once the platforms answer:\n%s", out)
	}
	for _, name := range []string{"Sofie", "Mette"} {
		if d := nudge(t, db, name, day); d.Delivered.IsZero() {
			t.Errorf("%s's nudge: %+v, want delivered", name, d)
		}
	}
}
