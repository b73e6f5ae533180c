package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/notify/route"
	"github.com/openhcx/hcxonboard/notify/webhook"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/registry"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestTransportFlags(t *testing.T) {
	t.Parallel()
	smtp := []string{"-smtp-host", "smtp.operator.example", "-smtp-from", "HCX Onboarding <onboarding@operator.example>"}
	for _, tc := range []struct {
		name string
		args []string
		env  func(string) string
		want string
	}{
		{"SMTP security not one of the three", append(smtp, "-smtp-security", "ssl"), env(), `-smtp-security "ssl": want starttls, tls or plain`},
		{"SMTP port out of range", append(smtp, "-smtp-port", "70000"), env(), "-smtp-port 70000"},
		{"SMTP host with a port", []string{"-smtp-host", "smtp.operator.example:587", "-smtp-from", "onboarding@operator.example"}, env(),
			`-smtp-host "smtp.operator.example:587" carries a port: give the host alone and the port with -smtp-port`},
		{"plain text to a relay off this machine", append(smtp, "-smtp-security", "plain"), env(),
			`-smtp-security plain is only for a relay on this machine (localhost or a loopback address); for smtp.operator.example use starttls (port 587) or tls (port 465)`},
		{"SMTP host without sender", []string{"-smtp-host", "smtp.operator.example"}, env(), "-smtp-host needs -smtp-from"},
		{"sender without host", []string{"-smtp-from", "onboarding@operator.example"}, env(), "need -smtp-host"},
		{"security without host", []string{"-smtp-security", "tls"}, env(), "need -smtp-host"},
		{"staff mailbox not an address", append(smtp, "-staff-email", "review staff"), env(), `-staff-email "review staff": want a bare e-mail address`},
		{"staff mailbox a participant code", append(smtp, "-staff-email", "review@hcx"), env(), `-staff-email "review@hcx"`},
		{"staff mailbox with a display name", append(smtp, "-staff-email", "Review <review@operator.example>"), env(), "-staff-email"},
		{"staff mailbox without host", []string{"-staff-email", "review@operator.example"}, env(), "-staff-email needs -smtp-host"},
		{"SMTP user without password", append(smtp, "-smtp-user", "onboarding"), env(), "-smtp-user needs the password in SMTP_PASSWORD"},
		{"SMS user without URL", []string{"-sms-user", "operator"}, env(), "need -sms-url"},
		{"SMS form without URL", []string{"-sms-form"}, env(), "need -sms-url"},
		{"SMS user without password", []string{"-sms-url", "https://sms.example/send?to={{.To}}", "-sms-user", "operator"}, env(), "SMS_PASSWORD"},
		{"SMS user and an Authorization header", []string{"-sms-url", "https://sms.example/send?to={{.To}}", "-sms-user", "operator"},
			env(envSMSPassword, "sms-secret", envSMSAuthorization, "Bearer sms-token"), "-sms-user and SMS_AUTHORIZATION both set the Authorization header"},
		{"outbox interval not positive", []string{"-outbox-interval", "0s"}, env(), "-outbox-interval 0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseFlagsEnv(tc.args, io.Discard, tc.env)
			require.ErrorContains(t, err, tc.want)
		})
	}

	// Nothing configured: the console, as the demo always did.
	cfg, err := parseFlagsEnv(nil, io.Discard, env(envSMTPPassword, "set-for-something-else"))
	require.NoError(t, err)
	assert.False(t, cfg.tx.configured())
	assert.Empty(t, cfg.tx.smtpPassword, "no -smtp-user: the password is not read")

	// Everything: the secrets come from the environment, not the flags.
	cfg, err = parseFlagsEnv(append(smtp, "-smtp-port", "2525", "-smtp-security", "tls", "-smtp-user", "onboarding",
		"-staff-email", "review@operator.example", "-webhooks",
		"-sms-url", "https://sms.example/send?to={{.To}}&text={{.Text}}", "-sms-user", "operator", "-sms-form"), io.Discard,
		env(envSMTPPassword, "mail-secret", envSMSPassword, "sms-secret"))
	require.NoError(t, err)
	assert.True(t, cfg.tx.configured())
	assert.Equal(t, transportConfig{smtpHost: "smtp.operator.example", smtpFrom: "HCX Onboarding <onboarding@operator.example>",
		smtpSecurity: "tls", smtpPort: 2525, smtpUser: "onboarding", smtpPassword: "mail-secret", staffEmail: "review@operator.example",
		webhooks: true, smsURL: "https://sms.example/send?to={{.To}}&text={{.Text}}", smsUser: "operator", smsPassword: "sms-secret",
		smsForm: true}, cfg.tx)

	// The gateway's Authorization header instead of basic auth.
	cfg, err = parseFlagsEnv([]string{"-sms-url", "https://sms.example/send?to={{.To}}&text={{.Text}}"}, io.Discard,
		env(envSMSPassword, "unused", envSMSAuthorization, "Bearer sms-token"))
	require.NoError(t, err)
	assert.Equal(t, "Bearer sms-token", cfg.tx.smsAuthorization)
	assert.Empty(t, cfg.tx.smsPassword, "no -sms-user: the password is not read")

	// The operator refuses to start on a bad value, naming it.
	err = run(context.Background(), append([]string{"-data", t.TempDir(), "-smtp-security", "ssl"}, smtp...), io.Discard)
	require.ErrorContains(t, err, `-smtp-security "ssl"`)

	// What the transports themselves refuse, at start too.
	deps := notifierDeps{console: onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil }),
		participants: participants{}, signingKey: testKey(t), metrics: metrics.New()}
	_, _, err = newNotifier(transportConfig{smtpHost: "smtp.operator.example", smtpFrom: "onboarding@operator.example", smtpSecurity: "plain"}, deps)
	require.ErrorContains(t, err, "e-mail (-smtp-*)", "plain text to a host off this machine")
	_, _, err = newNotifier(transportConfig{smtpSecurity: "starttls", smsURL: "https://sms.example/send?to={{.Nope}}"}, deps)
	require.ErrorContains(t, err, "SMS (-sms-url)")
	desc := ""
	_, desc, err = newNotifier(transportConfig{smtpHost: "127.0.0.1", smtpFrom: "onboarding@operator.example", smtpSecurity: "plain",
		staffEmail: "review@operator.example"}, deps)
	require.NoError(t, err, "plain text to a loopback relay")
	assert.Equal(t, "e-mail by SMTP (127.0.0.1), staff messages to review@operator.example; the rest printed to this console, except one-time and decline codes, which no transport takes and none is printed", desc)
}

// participants is a registry of participants held in a map.
type participants map[string]hcxonboard.Participant

func (ps participants) Participant(_ context.Context, code string) (*hcxonboard.Participant, error) {
	p, ok := ps[code]
	if !ok {
		return nil, fmt.Errorf("%w: participant %q", registry.ErrNotFound, code)
	}
	return &p, nil
}

func (ps participants) SearchParticipants(context.Context, registry.Query) ([]hcxonboard.Participant, error) {
	return nil, nil
}

func testKey(t *testing.T) jwk.Key {
	t.Helper()
	k, err := jwk.FromRaw(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32)))
	require.NoError(t, err)
	return k
}

// The router sends by the kind of address: mobile numbers to the SMS
// gateway, participants to their webhooks, signed with the key the
// operator's JWKS publishes, the rest to the console; each counted.
func TestNotifierRoutes(t *testing.T) {
	t.Parallel()
	key := testKey(t)
	tokens, err := credential.NewTokens(key)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	tokens.JWKSHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/onboarding/jwks", nil))
	jwks, err := jwk.Parse(rec.Body.Bytes())
	require.NoError(t, err)

	var (
		mu       sync.Mutex
		smsTexts []string
		hooks    []*webhook.Delivery
	)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/sms":
			// Not require: FailNow must not run off the test's goroutine.
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			user, pass, _ := r.BasicAuth()
			if user != "operator" || pass != "sms-secret" {
				http.Error(w, "who?", http.StatusUnauthorized)
				return
			}
			smsTexts = append(smsTexts, r.PostForm.Get("to")+" "+r.PostForm.Get("text"))
		case "/hcx":
			d, err := webhook.Verify(r, jwks)
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			hooks = append(hooks, d)
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	var console []string
	m := metrics.New()
	cfg := transportConfig{smtpSecurity: "starttls", webhooks: true, smsURL: srv.URL + "/sms?to={{.To}}&text={{.Text}}",
		smsUser: "operator", smsPassword: "sms-secret", smsForm: true}
	n, desc, err := newNotifier(cfg, notifierDeps{
		console: onboarding.NotifierFunc(func(_ context.Context, msg onboarding.Message) error {
			mu.Lock()
			defer mu.Unlock()
			console = append(console, msg.To)
			return nil
		}),
		participants: participants{"payr_demo_1@hcx": {ParticipantCode: "payr_demo_1@hcx", EndpointURL: srv.URL + "/hcx"},
			"hosp_new_2@hcx": {ParticipantCode: "hosp_new_2@hcx"}},
		signingKey: key, tokens: tokens, metrics: m, client: srv.Client(),
	})
	require.NoError(t, err)
	assert.Contains(t, desc, "SMS through the gateway")
	assert.Contains(t, desc, "participants by signed webhook (key "+tokens.KeyID()+")", "the kid the JWKS publishes")

	ctx := context.Background()
	require.NoError(t, n.Notify(ctx, onboarding.Message{ID: "app-1/1/0", Kind: onboarding.MessageOTP, To: "98765 43210", Code: "493817"}))
	require.NoError(t, n.Notify(ctx, onboarding.Message{ID: "app-2/3/0", Kind: onboarding.MessageApprovalRequest, To: "payr_demo_1@hcx",
		ApplicationID: "app-2", Subject: "Please confirm an empanelment"}))
	require.NoError(t, n.Notify(ctx, onboarding.Message{ID: "app-2/3/1", Kind: onboarding.MessageReviewRequest, To: onboarding.Staff}))
	err = n.Notify(ctx, onboarding.Message{ID: "app-2/3/2", Kind: onboarding.MessageOTP, To: "admin@hospital.example", Code: "111222"})
	require.ErrorIs(t, err, route.ErrNoTransport, "no e-mail transport: a code is never printed instead")
	err = n.Notify(ctx, onboarding.Message{ID: "app-3/1/0", Kind: onboarding.MessageOnboarded, To: "hosp_new_2@hcx"})
	require.ErrorIs(t, err, webhook.ErrNoEndpoint)

	mu.Lock()
	assert.Equal(t, []string{"+919876543210 493817 is your HCX onboarding code. Never share it."}, smsTexts)
	require.Len(t, hooks, 1)
	assert.Equal(t, "app-2/3/0", hooks[0].ID)
	assert.Equal(t, []string{onboarding.Staff}, console, "no staff transport: the console")
	mu.Unlock()

	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(m))
	fams, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range fams {
		for _, s := range f.GetMetric() {
			if strings.HasPrefix(f.GetName(), "hcxonboard_notify_") {
				got[f.GetName()+" "+s.GetLabel()[0].GetValue()] = s.GetCounter().GetValue()
			}
		}
	}
	assert.Equal(t, map[string]float64{
		"hcxonboard_notify_deliveries_total console": 1, "hcxonboard_notify_failures_total console": 1,
		"hcxonboard_notify_deliveries_total sms": 1, "hcxonboard_notify_failures_total sms": 0,
		"hcxonboard_notify_deliveries_total webhook": 1, "hcxonboard_notify_failures_total webhook": 1,
	}, got)

	// Webhooks without the tokens whose JWKS verifies them: refused.
	_, _, err = newNotifier(transportConfig{smtpSecurity: "starttls", webhooks: true}, notifierDeps{console: onboarding.NotifierFunc(
		func(context.Context, onboarding.Message) error { return nil }), signingKey: key, metrics: m})
	require.ErrorContains(t, err, "webhooks: no signing key")

	// No transport: the console alone, counted as such.
	n, desc, err = newNotifier(transportConfig{smtpSecurity: "starttls"}, notifierDeps{console: onboarding.NotifierFunc(
		func(context.Context, onboarding.Message) error { return nil }), metrics: m})
	require.NoError(t, err)
	assert.Equal(t, "printed to this console (no transport configured)", desc)
	require.NoError(t, n.Notify(ctx, onboarding.Message{Kind: onboarding.MessageOnboarded, To: "not an address at all"}),
		"the console prints every address, as it always did")
}

// The operator answers /metrics with every family, and counts a refused
// token.
func TestMetricsRoute(t *testing.T) {
	t.Parallel()
	base, out, stop := start(t, "-data", t.TempDir())
	assert.Contains(t, out.String(), "Metrics:  "+base+"/metrics")
	assert.Contains(t, out.String(), "Messages: printed to this console")

	res, err := http.Post(base+"/v1/onboarding/token", "application/json",
		strings.NewReader(`{"participant_code":"nobody@hcx","secret":"hcxs_wrong"}`))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	status, _ := get(t, base+"/healthz")
	require.Equal(t, http.StatusOK, status)

	status, body := get(t, base+"/metrics")
	require.Equal(t, http.StatusOK, status)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	require.NoError(t, err)
	for _, name := range []string{"hcxonboard_applications", "hcxonboard_task_oldest_age_seconds", "hcxonboard_outbox_messages",
		"hcxonboard_notify_deliveries_total", "hcxonboard_notify_failures_total", "hcxonboard_registry_request_duration_seconds",
		"hcxonboard_registry_errors_total", "hcxonboard_tokens_total", "go_goroutines", "process_cpu_seconds_total"} {
		require.Contains(t, fams, name)
	}
	value := func(name string, labels ...string) float64 {
		for _, s := range fams[name].GetMetric() {
			got := []string{}
			for _, l := range s.GetLabel() {
				got = append(got, l.GetName()+"="+l.GetValue())
			}
			if strings.Join(got, ",") == strings.Join(labels, ",") {
				switch fams[name].GetType() {
				case dto.MetricType_COUNTER:
					return s.GetCounter().GetValue()
				case dto.MetricType_HISTOGRAM:
					return float64(s.GetHistogram().GetSampleCount())
				default:
					return s.GetGauge().GetValue()
				}
			}
		}
		require.Failf(t, "no sample", "%s%v", name, labels)
		return 0
	}
	assert.Equal(t, float64(1), value("hcxonboard_tokens_total", "outcome=refused", "route=v1"))
	assert.Equal(t, float64(0), value("hcxonboard_tokens_total", "outcome=issued", "route=v1"))
	assert.Equal(t, float64(0), value("hcxonboard_applications", "stage=live"))
	assert.Equal(t, float64(0), value("hcxonboard_outbox_messages", "state=dead"))
	for _, r := range []string{"gateway", "hfr", "hpr", "rohini"} {
		value("hcxonboard_registry_request_duration_seconds", "registry="+r)
	}
	value("hcxonboard_notify_deliveries_total", "transport=console")
	require.NoError(t, stop())
}
