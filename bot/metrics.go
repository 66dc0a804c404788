package bot

import "time"

// Metrics counts what the bot does, for operators. cmd/ backs it with
// Prometheus; everything else only calls it. The values passed are a few
// fixed words, never user input, so they are safe as metric labels.
type Metrics interface {
	// Command records one command: its table name ("visit", "?" when
	// unknown), its outcome ("ok", "refused", "error") and how long it took.
	Command(name, outcome string, took time.Duration)
	// Delivery records one try at a scheduled message: outcome "sent" or "failed".
	Delivery(kind JobKind, outcome string)
	// PlatformCall records one call to a platform's API (platform "slack",
	// method "chat.postMessage"): outcome "ok", "error" or "ratelimited".
	PlatformCall(platform, method, outcome string)
}

// NopMetrics is Metrics that counts nothing: the default where none is given.
type NopMetrics struct{}

// Command does nothing.
func (NopMetrics) Command(string, string, time.Duration) {}

// Delivery does nothing.
func (NopMetrics) Delivery(JobKind, string) {}

// PlatformCall does nothing.
func (NopMetrics) PlatformCall(string, string, string) {}
