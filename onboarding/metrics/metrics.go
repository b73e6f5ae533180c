package metrics

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Namespace prefixes every metric name.
const Namespace = "hcxonboard"

// RegistryBuckets are the buckets, in seconds, of
// hcxonboard_registry_request_duration_seconds: registry calls take from
// tens of milliseconds to the clients' timeouts (10 to 30 seconds).
var RegistryBuckets = []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Metrics counts what happens as it happens: deliveries by transport
// (Notifier), registry calls (RoundTripper, HFRRoundTripper) and token
// requests (ObserveToken). It is a prometheus.Collector, safe for
// concurrent use; the store's families are the StateCollector's.
type Metrics struct {
	deliveries *prometheus.CounterVec
	failures   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	regErrors  *prometheus.CounterVec
	tokens     *prometheus.CounterVec
}

var _ prometheus.Collector = (*Metrics)(nil)

// New returns the counters. Every token route and outcome starts at zero;
// each transport and registry starts at zero when Notifier or
// RoundTripper first names it.
func New() *Metrics {
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "notify", Name: "deliveries_total",
			Help: "Messages a transport delivered."}, []string{"transport"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "notify", Name: "failures_total",
			Help: "Messages a transport failed to deliver (the outbox retries them)."}, []string{"transport"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Subsystem: "registry", Name: "request_duration_seconds",
			Help:    "Duration of HTTP calls to outside registries, from request to answer headers, whatever the answer.",
			Buckets: RegistryBuckets}, []string{"registry"}),
		regErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "registry", Name: "errors_total",
			Help: "HTTP calls to outside registries that got no answer or an HTTP 429 or 5xx."}, []string{"registry"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "tokens_total",
			Help: "Requests for a participant access token, by route and outcome (issued, refused, failed)."}, []string{"route", "outcome"}),
	}
	for _, route := range []string{httpapi.TokenRouteV1, httpapi.TokenRouteSpec, httpapi.TokenRouteKeycloak} {
		for _, outcome := range []string{httpapi.TokenIssued, httpapi.TokenRefused, httpapi.TokenFailed} {
			m.tokens.WithLabelValues(route, outcome)
		}
	}
	return m
}

// Describe sends the descriptions of the counters.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.deliveries.Describe(ch)
	m.failures.Describe(ch)
	m.latency.Describe(ch)
	m.regErrors.Describe(ch)
	m.tokens.Describe(ch)
}

// Collect sends the counters.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.deliveries.Collect(ch)
	m.failures.Collect(ch)
	m.latency.Collect(ch)
	m.regErrors.Collect(ch)
	m.tokens.Collect(ch)
}

// ObserveToken counts one request for an access token; it is an
// httpapi.TokenObserver:
//
//	httpapi.New(svc, httpapi.WithTokenObserver(m.ObserveToken))
func (m *Metrics) ObserveToken(route, outcome string) {
	m.tokens.WithLabelValues(label(route), label(outcome)).Inc()
}

// label makes s a label value Prometheus takes (valid UTF-8): the names
// callers give are meant to be plain words, and a mistake must not panic.
func label(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

var _ httpapi.TokenObserver = (*Metrics)(nil).ObserveToken
