package main

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestShutdownStopsSchedulerFirstAndLetsRequestsFinish: on SIGTERM (ctx
// ends) what must stop first stops before the servers shut down, and a
// request in flight still gets its whole answer within the grace period.
func TestShutdownStopsSchedulerFirstAndLetsRequestsFinish(t *testing.T) {
	t.Parallel()
	var order []string
	var schedulerStopped atomic.Bool
	inFlight, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inFlight)
		<-release
		if !schedulerStopped.Load() {
			http.Error(w, "the scheduler still ran", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "svar")
	})
	ls := listeners{grace: 5 * time.Second}
	ls.first = append(ls.first, func() { schedulerStopped.Store(true); order = append(order, "scheduler") })
	ln, err := ls.listen("127.0.0.1:0", h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ls.serve(ctx) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-inFlight
	cancel() // SIGTERM
	time.Sleep(50 * time.Millisecond)
	close(release)
	if body := <-got; body != "svar" {
		t.Errorf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	if len(order) != 1 || !schedulerStopped.Load() {
		t.Errorf("first hooks: %v", order)
	}
}

func TestShutdownGraceSetting(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 20 * time.Second, "45s": 45 * time.Second} {
		if got, err := shutdownGrace(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"0s", "-1s", "soon", "1h"} {
		if _, err := shutdownGrace(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
