package teams_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"kontaktbot/bot"
	"kontaktbot/bot/teams"
)

// panicOnce panics on its first command, with the command's text in the
// panic value (as a careless fmt.Sprintf would put it there), then runs
// the real commands.
type panicOnce struct {
	inner   teams.Handler
	runtime bool // panic with a runtime error instead
	calls   atomic.Int64
}

func (p *panicOnce) Handle(ctx context.Context, req bot.Request) bot.Message {
	if p.calls.Add(1) == 1 {
		if p.runtime {
			var words []string
			_ = words[len(req.Text)] // index out of range
		}
		panic(fmt.Sprintf("boom while running %q", req.Text))
	}
	return p.inner.Handle(ctx, req)
}

// TestHandlerRecoversPanic: a command that panics on the first delivery
// of an activity is answered 500 and logged at error without the
// message's text; Teams' redelivery of the same activity is then handled
// and answered, and a third delivery is a duplicate again.
func TestHandlerRecoversPanic(t *testing.T) {
	t.Parallel()
	for _, runtimeErr := range []bool{false, true} {
		t.Run(fmt.Sprintf("runtime error %v", runtimeErr), func(t *testing.T) {
			t.Parallel()
			p := &panicOnce{runtime: runtimeErr}
			r := newRigOpts(t, rigOptions{commands: func(h teams.Handler) teams.Handler { p.inner = h; return p }})
			const secret = "Panik og Persondata ApS"
			act := personal(t, "company add "+secret)
			if code := r.post(t, r.good(), act); code != http.StatusInternalServerError {
				t.Fatalf("first delivery: status %d, want 500", code)
			}
			logs := r.logs.String()
			if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "panicked") || !strings.Contains(logs, "recover_test.go") {
				t.Errorf("panic not logged at error with its stack:\n%s", logs)
			}
			if strings.Contains(logs, "Panik") {
				t.Errorf("the log holds the message text:\n%s", logs)
			}
			if runtimeErr && !strings.Contains(logs, "index out of range") {
				t.Errorf("a runtime error's message is not logged:\n%s", logs)
			}
			if n := len(r.sent()); n != 0 {
				t.Fatalf("%d replies after a panic", n)
			}
			if code := r.post(t, r.good(), act); code != http.StatusOK {
				t.Fatalf("redelivery: status %d, want 200", code)
			}
			if n := len(r.sent()); n != 1 || !strings.Contains(r.last(t), secret) {
				t.Fatalf("redelivery: %d replies, want 1 naming the company", n)
			}
			mustCompany(t, r, secret)
			if code := r.post(t, r.good(), act); code != http.StatusOK || len(r.sent()) != 1 || p.calls.Load() != 2 {
				t.Errorf("third delivery: status %d, %d replies, %d command runs; want 200, 1, 2", code, len(r.sent()), p.calls.Load())
			}
		})
	}
}

func mustCompany(t *testing.T, r *rig, name string) {
	t.Helper()
	exact, _, err := r.db.FindCompanies(context.Background(), bot.NormalizeName(name), 0)
	if err != nil || exact == nil {
		t.Fatalf("company %q not stored: %v", name, err)
	}
}
