// Package metrics exposes the onboarding engine's operation as Prometheus
// metrics (github.com/prometheus/client_golang). It is the only package of
// the module that imports a metrics library: the engine (package
// onboarding), its HTTP API (onboarding/httpapi) and the stores (registry)
// offer plain Go hooks, and this package turns them into collectors.
//
// Two collectors hold them. A Metrics counts what happens as it happens
// (deliveries, registry calls, token requests); a StateCollector reads
// what the store holds at each scrape. Register both, wrap what Metrics
// counts, and serve the registry:
//
//	m := metrics.New()
//	notifier := m.Notifier("email", mailer)               // deliveries and failures
//	svc, err := onboarding.New(store, onboarding.WithNotifier(notifier), …)
//	state, err := metrics.NewStateCollector(svc)           // stages, task age, outbox
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(m, state)
//	lookup, err := rohini.NewHTTPLookup(url, rohini.WithHTTPClient(
//		&http.Client{Transport: m.RoundTripper(metrics.RegistryRohini, nil)}))
//	h, err := httpapi.New(svc, httpapi.WithTokenObserver(m.ObserveToken))
//	mux.Handle("GET /metrics", metrics.Handler(reg, logger))
//
// # The families
//
// Read from the store at each scrape by the StateCollector, bounded by
// WithScrapeTimeout:
//
//   - hcxonboard_applications{stage}: applications in each stage
//     (gauge; every stage, zero included), one GROUP BY over the indexed
//     stage column (registry.StageCounter).
//   - hcxonboard_task_oldest_age_seconds{waiting}: for each kind of task
//     an application can wait on (onboarding.WaitingKinds: review,
//     approval, otp, …), the age of the oldest such task still open,
//     counted from when the task opened, not from its application's
//     submission: a certificate_expired task opened an hour ago is an
//     hour old (gauge; 0 when none is open). It reads the staff queue for
//     that kind, indexed in submission order, only as far as an
//     application submitted before the oldest task found
//     (onboarding.Service.OldestWaiting).
//   - hcxonboard_outbox_messages{state}: outbox messages pending delivery
//     and dead letters (gauge, states "pending" and "dead"); absent when
//     the engine keeps no outbox.
//
// Counted as they happen:
//
//   - hcxonboard_notify_deliveries_total{transport} and
//     hcxonboard_notify_failures_total{transport}: messages each
//     transport delivered and failed to deliver (counters; Notifier).
//   - hcxonboard_registry_request_duration_seconds{registry}: the time of
//     each HTTP call to an outside registry, from sending the request to
//     its answer's headers, whatever the answer (histogram; RoundTripper,
//     HFRRoundTripper). Registries: "hfr", "hpr", "gateway" (the ABDM
//     gateway's sessions), "rohini".
//   - hcxonboard_registry_errors_total{registry}: those calls that failed:
//     no answer (a connection error, a timeout) or HTTP 429 or 5xx
//     (counter). A 4xx such as "no such facility" is an answer, not an
//     error; a call its caller canceled before the answer (a client that
//     hung up, a shutdown) is left out of both registry families.
//   - hcxonboard_tokens_total{route,outcome}: requests for an access
//     token by route ("v1", "spec", "keycloak") and outcome ("issued",
//     "refused", "failed"), from httpapi.WithTokenObserver (counter).
//
// No label carries personal data, a participant code or an address: the
// label values are the fixed names above and the transport and registry
// names the operator gives.
package metrics
