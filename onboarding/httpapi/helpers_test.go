package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
	"github.com/openhcx/hcxonboard/verifier"
)

const (
	staffID    = "asha"
	staffToken = "staff-token-asha-0123456789abcdef"
)

// outbox records what the engine sends: the one-time codes above all.
type outbox struct {
	mu   sync.Mutex
	msgs []onboarding.Message
}

// testOTPKey is the tests' one-time-code key.
var testOTPKey = bytes.Repeat([]byte{7}, 32)

func (o *outbox) Notify(_ context.Context, m onboarding.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

// lastCode returns the newest one-time code sent for an application.
func (o *outbox) lastCode(appID string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.msgs) - 1; i >= 0; i-- {
		if m := o.msgs[i]; m.Kind == onboarding.MessageOTP && m.ApplicationID == appID {
			return m.Code
		}
	}
	return ""
}

// fixture is a real engine over the memory store, with the HFR and ROHINI
// fakes, a trusted sandbox issuer and an access-token key, behind a
// Handler.
type fixture struct {
	t      testing.TB
	svc    *onboarding.Service
	h      *httpapi.Handler
	out    *outbox
	issuer *sandbox.Issuer
	hfr    *hfrtest.Server
}

func newFixture(t *testing.T, opts ...httpapi.Option) *fixture {
	t.Helper()
	return newFixtureWith(t, nil, opts...)
}

// newFixtureWith also takes options for the engine.
func newFixtureWith(t *testing.T, engine []onboarding.Option, opts ...httpapi.Option) *fixture {
	t.Helper()
	return newFixtureOn(t, registry.NewMemoryStore(), engine, opts...)
}

// newFixtureOn is newFixtureWith over the given store.
func newFixtureOn(t testing.TB, store registry.Store, engine []onboarding.Option, opts ...httpapi.Option) *fixture {
	t.Helper()
	hf := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(hf.Close)
	hc, err := hf.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = hc.Close() })
	rs := rohinitest.NewServer()
	t.Cleanup(rs.Close)
	lookup, err := rs.Lookup()
	require.NoError(t, err)

	sbxKey, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	issuer, err := sandbox.NewIssuer("sbx-test", sbxKey, sandbox.WithValidity(365*24*time.Hour))
	require.NoError(t, err)
	entry, err := issuer.TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	trust, err := sandbox.NewTrustList(entry)
	require.NoError(t, err)
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(trust))
	require.NoError(t, err)
	v, err := verifier.New(verifier.WithSandboxVerifier(sv), verifier.WithFacilityRegistry(hc),
		verifier.WithProfessionalRegistry(hc), verifier.WithRohiniLookup(lookup))
	require.NoError(t, err)
	tokKey, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	tokens, err := credential.NewTokens(tokKey)
	require.NoError(t, err)

	out := &outbox{}
	svc, err := onboarding.New(store, append([]onboarding.Option{
		onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(testOTPKey), onboarding.WithNotifier(out), onboarding.WithVerifier(v),
		onboarding.WithSandbox(sv), onboarding.WithTokens(tokens), onboarding.WithFacilityOTP(hc)}, engine...)...)
	require.NoError(t, err)
	staff, err := httpapi.StaffTokens(map[string]string{staffID: staffToken})
	require.NoError(t, err)
	h, err := httpapi.New(svc, append([]httpapi.Option{httpapi.WithStaffAuth(staff)}, opts...)...)
	require.NoError(t, err)
	return &fixture{t: t, svc: svc, h: h, out: out, issuer: issuer, hfr: hf}
}

// cert issues a sandbox certificate for roles.
func (f *fixture) cert(subject string, roles ...hcxonboard.Role) string {
	f.t.Helper()
	tok, err := f.issuer.Issue(sandbox.Claims{Subject: subject, Roles: roles})
	require.NoError(f.t, err)
	return tok
}

// regulator is an application that waits on a staff review (case_review).
func (f *fixture) regulator(name string) *hcxonboard.Application {
	return &hcxonboard.Application{
		ParticipantName:        name,
		Roles:                  []hcxonboard.Role{hcxonboard.RoleRegulator},
		PrimaryEmail:           "hcx@regulator.example",
		PrimaryMobile:          "9000010001",
		SandboxCertificate:     f.cert("reg-1", hcxonboard.RoleRegulator),
		SandboxParticipantCode: "reg-1",
	}
}

// payer is an application that waits on the system admin's one-time code.
func (f *fixture) payer() *hcxonboard.Application {
	return &hcxonboard.Application{
		ParticipantName: "Suraksha General Insurance Company Limited",
		Roles:           []hcxonboard.Role{hcxonboard.RolePayer},
		PrimaryEmail:    "hcx.onboarding@suraksha-insurance.example",
		PrimaryMobile:   "9000011001",
		Identifiers:     hcxonboard.Identifiers{IRDARegistrationNumber: "148", IRDAUserID: "SGIC-HCX-01"},
		SystemAdmin:     &hcxonboard.Contact{Name: "Anita Rao", Email: "anita.rao@suraksha-insurance.example", Mobile: "9000011002"},
		Documents: []hcxonboard.Document{{
			Kind: hcxonboard.DocSignatoryLetter, URI: "https://docs.suraksha-insurance.example/signatory-letter.pdf",
			SHA256: strings.Repeat("ab", 32), MediaType: "application/pdf",
		}},
		SandboxCertificate:     f.cert("payer-1", hcxonboard.RolePayer),
		SandboxParticipantCode: "payer-1",
	}
}

// submit files an application straight through the engine and returns it
// with its applicant token.
func (f *fixture) submit(app *hcxonboard.Application) (*onboarding.Application, string) {
	f.t.Helper()
	a, err := f.svc.Submit(context.Background(), app)
	require.NoError(f.t, err)
	return a, f.h.ApplicantToken(a.ID)
}

// approveReview settles an application's open review task.
func (f *fixture) approveReview(a *onboarding.Application) *onboarding.Application {
	f.t.Helper()
	for _, t := range a.OpenTasks() {
		if t.Kind == onboarding.KindReview {
			var err error
			a, err = f.svc.Decide(context.Background(), a.ID, t.ID, onboarding.Decision{Approve: true, Reviewer: "staff:test"})
			require.NoError(f.t, err)
		}
	}
	return a
}

// live takes a regulator application to Active and returns it with the
// participant's secret.
func (f *fixture) live(name string) (*onboarding.Application, string) {
	f.t.Helper()
	ctx := context.Background()
	a, _ := f.submit(f.regulator(name))
	a = f.approveReview(a)
	require.Equal(f.t, registry.StageDetails, a.Stage)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(f.t))
	require.NoError(f.t, err)
	creds, err := f.svc.Provision(ctx, a.ID)
	require.NoError(f.t, err)
	a, err = f.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:approver"})
	require.NoError(f.t, err)
	require.Equal(f.t, hcxonboard.StatusActive, a.Status)
	return a, creds.Secret
}

// request sends one request to the handler.
type request struct {
	method, path string
	body         any         // marshalled to JSON unless a string or []byte
	auth         string      // Authorization header value
	contentType  string      // default application/json for a body; noContentType for none
	header       http.Header // more request headers
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) envelope(t *testing.T) httpapi.ErrorResponse {
	t.Helper()
	var e httpapi.ErrorResponse
	require.NoError(t, json.Unmarshal(r.body, &e), "body: %s", r.body)
	require.NotZero(t, e.Timestamp)
	return e
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

func (f *fixture) do(req request) response {
	f.t.Helper()
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req.build(f.t))
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// build makes the HTTP request req describes: its body as given, or
// marshalled to JSON, with its content type, authorization and headers.
func (req request) build(t testing.TB) *http.Request {
	t.Helper()
	var body io.Reader = http.NoBody
	switch b := req.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(t, err)
		body = bytes.NewReader(data)
	}
	r := httptest.NewRequest(req.method, req.path, body)
	if req.body != nil {
		ct := req.contentType
		switch ct {
		case "":
			r.Header.Set("Content-Type", "application/json")
		case noContentType:
		default:
			r.Header.Set("Content-Type", ct)
		}
	}
	if req.auth != "" {
		r.Header.Set("Authorization", req.auth)
	}
	for k, vs := range req.header {
		r.Header[k] = vs
	}
	return r
}

// noContentType as a request's contentType sends its body without one.
const noContentType = "-"

func bearer(tok string) string { return "Bearer " + tok }

var (
	certOnce sync.Once
	certPEM  string
	certErr  error
)

// validDetails are step-3 details the engine accepts: an https endpoint
// with a DNS name and a fresh RSA-2048 certificate.
func validDetails(t testing.TB) onboarding.Details {
	t.Helper()
	certOnce.Do(func() { certPEM, certErr = selfSigned() })
	require.NoError(t, certErr)
	return onboarding.Details{EndpointURL: "https://hcx.participant.example/v0.9", EncryptionCert: certPEM}
}

func selfSigned() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hcx.participant.example"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}
