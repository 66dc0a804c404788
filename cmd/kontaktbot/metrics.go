package main

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kontaktbot/bot"
)

// metrics is bot.Metrics on Prometheus: one registry per serve, so tests
// running several servers in one process do not collide.
type metrics struct {
	reg        *prometheus.Registry
	commands   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	deliveries *prometheus.CounterVec
	calls      *prometheus.CounterVec
	rateLimits *prometheus.CounterVec
}

var _ bot.Metrics = (*metrics)(nil)

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kontaktbot_commands_total",
			Help: "Commands run, by table name and outcome (ok, refused, error).",
		}, []string{"command", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kontaktbot_command_duration_seconds",
			Help:    "Time to run a command, from request to reply, by table name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"command"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kontaktbot_deliveries_total",
			Help: "Tries at scheduled messages (nudges, digests, intro-day and internship reminders), by kind and outcome (sent, failed).",
		}, []string{"kind", "outcome"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kontaktbot_platform_calls_total",
			Help: "Calls to a chat platform's API, by platform, method and outcome (ok, error, ratelimited).",
		}, []string{"platform", "method", "outcome"}),
		rateLimits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kontaktbot_platform_rate_limited_total",
			Help: "Answers 429 (rate limited) from a chat platform's API, by platform.",
		}, []string{"platform"}),
	}
	m.reg.MustRegister(m.commands, m.latency, m.deliveries, m.calls, m.rateLimits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) Command(name, outcome string, took time.Duration) {
	m.commands.WithLabelValues(name, outcome).Inc()
	m.latency.WithLabelValues(name).Observe(took.Seconds())
}

func (m *metrics) Delivery(kind bot.JobKind, outcome string) {
	m.deliveries.WithLabelValues(string(kind), outcome).Inc()
}

func (m *metrics) PlatformCall(platform, method, outcome string) {
	m.calls.WithLabelValues(platform, method, outcome).Inc()
	if outcome == "ratelimited" {
		m.rateLimits.WithLabelValues(platform).Inc()
	}
}

// handler serves the registry at /metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
