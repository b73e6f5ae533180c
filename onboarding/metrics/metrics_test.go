package metrics_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
	"github.com/openhcx/hcxonboard/verifier"
)

// clock is a settable clock, shared by the engine and the collector.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// transport stands for a real one: it records what it sends, or fails.
type transport struct {
	mu   sync.Mutex
	sent []onboarding.Message
	fail bool
}

func (tr *transport) Notify(_ context.Context, m onboarding.Message) error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.fail {
		return errors.New("the relay is down")
	}
	tr.sent = append(tr.sent, m)
	return nil
}

func (tr *transport) setFail(on bool) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.fail = on
}

func (tr *transport) count() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return len(tr.sent)
}

// scrape GETs url and parses the answer with the Prometheus text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Type"), "text/plain")
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	require.NoError(t, err)
	return fams
}

// sample returns the value of the family's sample whose labels are
// exactly want (a counter's, a gauge's or a histogram's count).
func sample(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	require.True(t, ok, "family %s is scraped", name)
	require.NotEmpty(t, f.GetHelp(), "family %s has its help", name)
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if len(got) != len(want) {
			continue
		}
		match := true
		for k, v := range want {
			match = match && got[k] == v
		}
		if !match {
			continue
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue()
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount())
		}
		require.Fail(t, "unexpected type", "%s is a %s", name, f.GetType())
	}
	require.Fail(t, "no such sample", "%s%v", name, want)
	return 0
}

// TestScrape drives real work — an application through the engine to
// Active and another stuck on an undelivered code, tokens issued and
// refused, registry calls against the HFR and ROHINI fakes — and checks
// every family of a /metrics scrape.
func TestScrape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	m := metrics.New()

	// The outside world: a sandbox operator, HFR and ROHINI.
	sbxKey, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	issuer, err := sandbox.NewIssuer("sbx-metrics", sbxKey, sandbox.WithValidity(365*24*time.Hour))
	require.NoError(t, err)
	entry, err := issuer.TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	trust, err := sandbox.NewTrustList(entry)
	require.NoError(t, err)
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(trust))
	require.NoError(t, err)
	hfrFake := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(hfrFake.Close)
	hfrClient, err := hfrFake.Client(hfr.WithHTTPClient(&http.Client{Transport: m.HFRRoundTripper(nil)}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = hfrClient.Close() })
	rohiniFake := rohinitest.NewServer()
	t.Cleanup(rohiniFake.Close)
	lookup, err := rohiniFake.Lookup(rohini.WithHTTPClient(&http.Client{Transport: m.RoundTripper(metrics.RegistryRohini, nil)}),
		rohini.WithRetry(1, time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(lookup.CloseIdleConnections)
	rules, err := verifier.New(verifier.WithSandboxVerifier(sv), verifier.WithFacilityRegistry(hfrClient),
		verifier.WithProfessionalRegistry(hfrClient), verifier.WithRohiniLookup(lookup))
	require.NoError(t, err)

	// The engine, its one transport counted as "email".
	mail := &transport{}
	tokKey, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	tokens, err := credential.NewTokens(tokKey, credential.WithClock(clk.Now))
	require.NoError(t, err)
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode("hcx"),
		onboarding.WithOTPKey(bytes.Repeat([]byte{9}, 32)),
		onboarding.WithNotifier(m.Notifier("email", mail)),
		onboarding.WithVerifier(rules),
		onboarding.WithSandbox(sv),
		onboarding.WithTokens(tokens),
		onboarding.WithClock(clk.Now),
	)
	require.NoError(t, err)
	state, err := metrics.NewStateCollector(svc, metrics.WithClock(clk.Now))
	require.NoError(t, err)
	h, err := httpapi.New(svc, httpapi.WithTokenObserver(m.ObserveToken))
	require.NoError(t, err)

	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(m))
	require.NoError(t, reg.Register(state))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(reg, nil))
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	// Before any work: every family is there, at zero.
	fams := scrape(t, srv.URL+"/metrics")
	for _, st := range registry.Stages() {
		require.Zero(t, sample(t, fams, "hcxonboard_applications", map[string]string{"stage": string(st)}))
	}
	for _, kind := range onboarding.WaitingKinds() {
		require.Zero(t, sample(t, fams, "hcxonboard_task_oldest_age_seconds", map[string]string{"waiting": kind}))
	}
	for _, r := range []string{"gateway", "hfr", "hpr", "rohini"} {
		require.Zero(t, sample(t, fams, "hcxonboard_registry_request_duration_seconds", map[string]string{"registry": r}))
		require.Zero(t, sample(t, fams, "hcxonboard_registry_errors_total", map[string]string{"registry": r}))
	}
	require.Zero(t, sample(t, fams, "hcxonboard_outbox_messages", map[string]string{"state": "pending"}))
	require.Zero(t, sample(t, fams, "hcxonboard_notify_failures_total", map[string]string{"transport": "email"}))
	require.Zero(t, sample(t, fams, "hcxonboard_tokens_total", map[string]string{"route": "keycloak", "outcome": "issued"}))

	// A regulator goes live: submission, staff review, details, secret,
	// go-live.
	cert := func(subject string, roles ...hcxonboard.Role) string {
		tok, err := issuer.Issue(sandbox.Claims{Subject: subject, Roles: roles})
		require.NoError(t, err)
		return tok
	}
	reg1, err := svc.Submit(ctx, &hcxonboard.Application{
		ParticipantName: "Insurance Regulatory Authority", Roles: []hcxonboard.Role{hcxonboard.RoleRegulator},
		PrimaryEmail: "hcx@regulator.example", PrimaryMobile: "9000010001",
		SandboxCertificate: cert("reg-1", hcxonboard.RoleRegulator), SandboxParticipantCode: "reg-1",
	})
	require.NoError(t, err)
	clk.Advance(2 * time.Hour)
	fams = scrape(t, srv.URL+"/metrics")
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_applications", map[string]string{"stage": string(reg1.Stage)}))
	require.Equal(t, float64(2*3600), sample(t, fams, "hcxonboard_task_oldest_age_seconds", map[string]string{"waiting": onboarding.KindReview}),
		"the regulator has waited two hours on its review")

	for _, task := range reg1.OpenTasks() {
		require.Equal(t, onboarding.KindReview, task.Kind)
		reg1, err = svc.Decide(ctx, reg1.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "staff:reviewer"})
		require.NoError(t, err)
	}
	reg1, err = svc.SubmitDetails(ctx, reg1.ID, onboarding.Details{EndpointURL: "https://hcx.regulator.example/v0.9", EncryptionCert: selfSigned(t)})
	require.NoError(t, err)
	creds, err := svc.Provision(ctx, reg1.ID)
	require.NoError(t, err)
	reg1, err = svc.GoLive(ctx, reg1.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:approver"})
	require.NoError(t, err)
	require.Equal(t, registry.StageLive, reg1.Stage)

	// An intermediary's admin code cannot be sent: it waits in the outbox.
	mail.setFail(true)
	isnp, err := svc.Submit(ctx, &hcxonboard.Application{
		ParticipantName: "Care Connect Intermediary", Roles: []hcxonboard.Role{hcxonboard.RoleISNP},
		PrimaryEmail: "onboarding@isnp.example", PrimaryMobile: "9000011001",
		SystemAdmin:        &hcxonboard.Contact{Name: "Fatima Khan", Email: "fatima@isnp.example", Mobile: "9000011002"},
		Documents:          []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter, URI: "https://docs.isnp.example/letter.pdf", SHA256: strings.Repeat("ab", 32), MediaType: "application/pdf"}},
		SandboxCertificate: cert("isnp-1", hcxonboard.RoleISNP), SandboxParticipantCode: "isnp-1",
	})
	require.NoError(t, err)
	require.Equal(t, onboarding.KindOTP, isnp.OpenTasks()[0].Kind)
	mail.setFail(false)
	clk.Advance(90 * time.Second)

	// Tokens: the live regulator gets one; a wrong secret is refused.
	for _, secret := range []string{creds.Secret, "hcxs_wrong"} {
		body, err := json.Marshal(httpapi.TokenRequest{ParticipantCode: reg1.Participant.ParticipantCode, Secret: secret})
		require.NoError(t, err)
		res, err := http.Post(srv.URL+"/v1/onboarding/token", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		res.Body.Close()
	}

	// Registry calls: HFR (its gateway session first) and HPR, and ROHINI
	// answering 503 once before the retry finds the hospital.
	_, err = hfrClient.Facility(ctx, hfrtest.DemoFacilities()[0].Facility.ID)
	require.NoError(t, err)
	_, err = hfrClient.Professional(ctx, hfrtest.DemoProfessionals()[0].HPRID)
	require.NoError(t, err)
	rohiniFake.FailNext(http.StatusServiceUnavailable, 1, "")
	_, err = lookup.Hospital(ctx, rohinitest.DemoHospitals()[0].ID)
	require.NoError(t, err)

	fams = scrape(t, srv.URL+"/metrics")
	want := registry.NewStageCounts()
	want[registry.StageLive], want[isnp.Stage] = 1, 1
	for st, n := range want {
		require.Equal(t, float64(n), sample(t, fams, "hcxonboard_applications", map[string]string{"stage": string(st)}), st)
	}
	for _, kind := range onboarding.WaitingKinds() {
		age := 0.0
		if kind == onboarding.KindOTP {
			age = 90 // the intermediary, since it was submitted
		}
		require.Equal(t, age, sample(t, fams, "hcxonboard_task_oldest_age_seconds", map[string]string{"waiting": kind}), kind)
	}
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_outbox_messages", map[string]string{"state": "pending"}))
	require.Equal(t, float64(0), sample(t, fams, "hcxonboard_outbox_messages", map[string]string{"state": "dead"}))
	require.NotZero(t, mail.count())
	require.Equal(t, float64(mail.count()), sample(t, fams, "hcxonboard_notify_deliveries_total", map[string]string{"transport": "email"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_notify_failures_total", map[string]string{"transport": "email"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_tokens_total", map[string]string{"route": "v1", "outcome": "issued"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_tokens_total", map[string]string{"route": "v1", "outcome": "refused"}))
	require.Zero(t, sample(t, fams, "hcxonboard_tokens_total", map[string]string{"route": "v1", "outcome": "failed"}))
	for _, r := range []string{"gateway", "hfr", "hpr"} {
		require.NotZero(t, sample(t, fams, "hcxonboard_registry_request_duration_seconds", map[string]string{"registry": r}), r)
		require.Zero(t, sample(t, fams, "hcxonboard_registry_errors_total", map[string]string{"registry": r}), r)
	}
	require.Equal(t, float64(2), sample(t, fams, "hcxonboard_registry_request_duration_seconds", map[string]string{"registry": "rohini"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_registry_errors_total", map[string]string{"registry": "rohini"}))
	require.Equal(t, dto.MetricType_HISTOGRAM, fams["hcxonboard_registry_request_duration_seconds"].GetType())

	// The code goes out at its retry, still live: the outbox drains.
	clk.Advance(time.Minute)
	sent, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, sent)
	fams = scrape(t, srv.URL+"/metrics")
	require.Zero(t, sample(t, fams, "hcxonboard_outbox_messages", map[string]string{"state": "pending"}))
	require.Equal(t, float64(mail.count()), sample(t, fams, "hcxonboard_notify_deliveries_total", map[string]string{"transport": "email"}))
}

// failingSource fails what it is told to.
type failingSource struct {
	count, oldest, depth error
}

func (s failingSource) CountApplications(context.Context) (map[registry.Stage]int, error) {
	if s.count != nil {
		return nil, s.count
	}
	return registry.NewStageCounts(), nil
}

func (s failingSource) OldestWaiting(context.Context, string) (time.Time, bool, error) {
	return time.Time{}, false, s.oldest
}

func (s failingSource) OutboxDepth(context.Context) (map[registry.OutboxState]int, error) {
	if s.depth != nil {
		return nil, s.depth
	}
	return map[registry.OutboxState]int{registry.OutboxPending: 3, registry.OutboxDead: 1}, nil
}

// A family whose read fails is left out of the scrape, which still
// serves the others and logs the error without the personal data it
// quoted; an engine without an outbox has no outbox family, and no error.
func TestScrapeErrors(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	for _, c := range []struct {
		name    string
		src     failingSource
		present []string
		absent  []string
		logged  string
	}{
		{name: "every read answers", src: failingSource{},
			present: []string{"hcxonboard_applications", "hcxonboard_task_oldest_age_seconds", "hcxonboard_outbox_messages"}},
		{name: "the count fails", src: failingSource{count: errors.New("database is locked for admin@hospital.example")},
			present: []string{"hcxonboard_task_oldest_age_seconds", "hcxonboard_outbox_messages"},
			absent:  []string{"hcxonboard_applications"}, logged: "count applications"},
		{name: "no outbox", src: failingSource{depth: onboarding.ErrNotConfigured},
			present: []string{"hcxonboard_applications", "hcxonboard_task_oldest_age_seconds"},
			absent:  []string{"hcxonboard_outbox_messages"}},
		{name: "the queue fails", src: failingSource{oldest: context.DeadlineExceeded},
			present: []string{"hcxonboard_applications", "hcxonboard_outbox_messages"},
			absent:  []string{"hcxonboard_task_oldest_age_seconds"}, logged: "oldest application waiting on review"},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs.Reset()
			state, err := metrics.NewStateCollector(c.src)
			require.NoError(t, err)
			reg := prometheus.NewRegistry()
			require.NoError(t, reg.Register(state))
			require.NoError(t, reg.Register(metrics.New()))
			srv := httptest.NewServer(metrics.Handler(reg, log))
			defer srv.Close()
			fams := scrape(t, srv.URL)
			for _, name := range c.present {
				require.Contains(t, fams, name)
			}
			for _, name := range c.absent {
				require.NotContains(t, fams, name)
			}
			require.Contains(t, fams, "hcxonboard_tokens_total", "the counters are served whatever the store does")
			if c.logged == "" {
				require.Empty(t, logs.String())
				return
			}
			require.Contains(t, logs.String(), c.logged)
			require.NotContains(t, logs.String(), "admin@hospital.example")
			_, err = reg.Gather()
			require.Error(t, err, "Gather reports the failed family")
		})
	}

	// The values of a source that answers.
	state, err := metrics.NewStateCollector(failingSource{})
	require.NoError(t, err)
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(state))
	srv := httptest.NewServer(metrics.Handler(reg, nil))
	defer srv.Close()
	fams := scrape(t, srv.URL)
	require.Equal(t, float64(3), sample(t, fams, "hcxonboard_outbox_messages", map[string]string{"state": "pending"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_outbox_messages", map[string]string{"state": "dead"}))
	require.Zero(t, sample(t, fams, "hcxonboard_applications", map[string]string{"stage": "live"}))
}

// syncBuffer is a log sink safe for the handler's goroutine and the test's.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func TestStateCollectorOptions(t *testing.T) {
	t.Parallel()
	_, err := metrics.NewStateCollector(nil)
	require.ErrorIs(t, err, metrics.ErrInvalidOption)
	for name, opt := range map[string]metrics.Option{
		"nil option":       nil,
		"empty kind":       metrics.WithWaitingKinds("review", ""),
		"kind twice":       metrics.WithWaitingKinds("review", "review"),
		"zero timeout":     metrics.WithScrapeTimeout(0),
		"negative timeout": metrics.WithScrapeTimeout(-time.Second),
		"nil clock":        metrics.WithClock(nil),
	} {
		_, err := metrics.NewStateCollector(failingSource{}, opt)
		require.ErrorIs(t, err, metrics.ErrInvalidOption, name)
	}

	// The kinds given are the ones measured, and only those.
	state, err := metrics.NewStateCollector(failingSource{}, metrics.WithWaitingKinds("approval"), metrics.WithScrapeTimeout(time.Second),
		metrics.WithClock(time.Now))
	require.NoError(t, err)
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(state))
	fams, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range fams {
		if f.GetName() == "hcxonboard_task_oldest_age_seconds" {
			require.Len(t, f.GetMetric(), 1)
			require.Equal(t, "approval", f.GetMetric()[0].GetLabel()[0].GetValue())
		}
	}
}

// The wrappers pass what they wrap through unchanged, and count.
func TestWrappers(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(m))

	ok := &transport{}
	n := m.Notifier("webhook", ok)
	msg := onboarding.Message{ID: "app-1/1/0", Kind: onboarding.MessageOnboarded, To: "payr_1@hcx"}
	require.NoError(t, n.Notify(context.Background(), msg))
	require.Equal(t, []onboarding.Message{msg}, ok.sent)
	ok.setFail(true)
	require.EqualError(t, n.Notify(context.Background(), msg), "the relay is down")
	require.Error(t, m.Notifier("sms", nil).Notify(context.Background(), msg), "a nil transport fails, not panics")
	m.Notifier("bad\xffname", ok) // a label Prometheus would refuse is mended, not a panic

	// A registry that answers 404 (an answer), 429 and 500 (errors), and
	// one that is not there at all.
	statuses := []int{http.StatusNotFound, http.StatusTooManyRequests, http.StatusInternalServerError}
	var i int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.WriteHeader(statuses[i])
		i++
	}))
	defer srv.Close()
	client := &http.Client{Transport: m.RoundTripper(metrics.RegistryRohini, srv.Client().Transport)}
	for _, want := range statuses {
		res, err := client.Get(srv.URL + "/hospital/1")
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, want, res.StatusCode)
	}
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	_, err := client.Get(gone.URL)
	require.Error(t, err)
	client.CloseIdleConnections()

	srv2 := httptest.NewServer(metrics.Handler(reg, nil))
	defer srv2.Close()
	fams := scrape(t, srv2.URL)
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_notify_deliveries_total", map[string]string{"transport": "webhook"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_notify_failures_total", map[string]string{"transport": "webhook"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_notify_failures_total", map[string]string{"transport": "sms"}))
	require.Zero(t, sample(t, fams, "hcxonboard_notify_deliveries_total", map[string]string{"transport": "bad\uFFFDname"}))
	require.Equal(t, float64(4), sample(t, fams, "hcxonboard_registry_request_duration_seconds", map[string]string{"registry": "rohini"}))
	require.Equal(t, float64(3), sample(t, fams, "hcxonboard_registry_errors_total", map[string]string{"registry": "rohini"}),
		"429, 500 and no answer; not the 404")
}

func TestHFRRegistryOf(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/api/hiecm/gateway/v3/sessions":                metrics.RegistryGateway,
		"/gateway/v0.5/sessions":                        metrics.RegistryGateway,
		"/v1/FacilityManagement/v1.5/facility/search":   metrics.RegistryHFR,
		"/v1/v1.5/facility/sendOtpToContact":            metrics.RegistryHFR,
		"/v1/v1/search/searchByHprId/71-1234-5678-9012": metrics.RegistryHPR,
		"/v1/apis/v1/doctors/fetch-professional-info":   metrics.RegistryHPR,
		"/v1/api/v1/auth/init":                          metrics.RegistryHPR,
		"/v1/v1/account/information":                    metrics.RegistryHPR,
	} {
		r := httptest.NewRequest(http.MethodPost, "https://registry.example"+path, nil)
		require.Equal(t, want, metrics.HFRRegistryOf(r), path)
	}
}

// selfSigned is an RSA-2048 encryption certificate the engine accepts.
func selfSigned(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hcx.regulator.example"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// A transport that panics failed to deliver: the engine recovers the
// panic and makes the message a dead letter, and the failure is counted,
// as the dead letter is; a transport that delivers is still counted so.
func TestNotifierCountsAPanickingTransport(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(m))
	msg := onboarding.Message{ID: "app-1/1/0", Kind: onboarding.MessageOnboarded, To: "payr_1@hcx"}

	panicking := m.Notifier("webhook", onboarding.NotifierFunc(func(context.Context, onboarding.Message) error {
		panic("the transport's bug")
	}))
	require.PanicsWithValue(t, "the transport's bug", func() { _ = panicking.Notify(context.Background(), msg) },
		"the panic goes on to the engine, which recovers it")
	require.NoError(t, m.Notifier("email", &transport{}).Notify(context.Background(), msg))

	srv := httptest.NewServer(metrics.Handler(reg, nil))
	defer srv.Close()
	fams := scrape(t, srv.URL)
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_notify_failures_total", map[string]string{"transport": "webhook"}))
	require.Zero(t, sample(t, fams, "hcxonboard_notify_deliveries_total", map[string]string{"transport": "webhook"}))
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_notify_deliveries_total", map[string]string{"transport": "email"}))
	require.Zero(t, sample(t, fams, "hcxonboard_notify_failures_total", map[string]string{"transport": "email"}))
}

// A registry call that the engine gave up on (its caller hung up: the
// request's context was canceled) is not the registry's error, nor a
// measure of its latency; one that timed out waiting for the registry is
// an error.
func TestRoundTripperLeavesCanceledCallsOut(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(m))
	arrived := make(chan struct{}, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done() // never answers
	}))
	defer srv.Close()
	client := &http.Client{Transport: m.RoundTripper(metrics.RegistryRohini, srv.Client().Transport)}
	get := func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/hospital/1", nil)
		require.NoError(t, err)
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	require.ErrorIs(t, get(ctx), context.Canceled)

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, get(ctx), context.DeadlineExceeded)
	client.CloseIdleConnections()

	srv2 := httptest.NewServer(metrics.Handler(reg, nil))
	defer srv2.Close()
	fams := scrape(t, srv2.URL)
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_registry_errors_total", map[string]string{"registry": "rohini"}),
		"the timeout, not the call its caller canceled")
	require.Equal(t, float64(1), sample(t, fams, "hcxonboard_registry_request_duration_seconds", map[string]string{"registry": "rohini"}))
}
