package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/verifier"
)

// docDecoders lets kin-openapi read the bodies the document describes as
// strings or binary: pages, the style sheet, certificates and documents.
var docDecoders sync.Once

func registerDocDecoders() {
	docDecoders.Do(func() {
		for _, mt := range []string{"text/html", "text/css", "application/x-pem-file", document.PDF, document.PNG, document.JPEG} {
			openapi3filter.RegisterBodyDecoder(mt, openapi3filter.FileBodyDecoder)
		}
	})
}

// exchange is one request through the validating handler: what the
// document said of the request and of the answer.
type exchange struct {
	status     int
	header     http.Header
	body       []byte
	requestErr error // the document's verdict on the request (nil: it validates)
}

// docValidator serves the handler and checks every request it accepts and
// every answer it gives against the handler's own OpenAPI document,
// counting, per documented operation, the answers with its success
// status.
type docValidator struct {
	t      *testing.T
	router routers.Router
	next   http.Handler

	mu   sync.Mutex
	ok   map[string]int // "METHOD /path" → success answers
	last exchange
}

func newDocValidator(t *testing.T, f *fixture, ok map[string]int) *docValidator {
	t.Helper()
	registerDocDecoders()
	return &docValidator{t: t, router: docRouter(t, f), next: f.h, ok: ok}
}

func (v *docValidator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		v.t.Errorf("read the request body: %v", err)
		return
	}
	served := r.Clone(r.Context())
	served.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	v.next.ServeHTTP(rec, served)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())

	ex := exchange{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	defer func() {
		v.mu.Lock()
		v.last = ex
		v.mu.Unlock()
	}()
	what := r.Method + " " + r.URL.RequestURI()
	vr := r.Clone(r.Context())
	vr.URL = &url.URL{Scheme: "http", Host: "example.com", Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	vr.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := v.router.FindRoute(vr)
	if err != nil {
		v.t.Errorf("%s is not in the document (answered %d): %v", what, rec.Code, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	ex.requestErr = openapi3filter.ValidateRequest(context.Background(), in)
	if ex.requestErr != nil && rec.Code < http.StatusBadRequest {
		v.t.Errorf("%s: the server accepted (%d) a request the document refuses: %v\nrequest body: %.600s",
			what, rec.Code, ex.requestErr, body)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		v.t.Errorf("%s answered %d, which the document does not describe: %v\nbody: %.1500s", what, rec.Code, err, rec.Body.Bytes())
	}
	if rec.Code < http.StatusBadRequest && route.Operation.Responses.Status(rec.Code) != nil {
		v.mu.Lock()
		v.ok[route.Method+" "+route.Path]++
		v.mu.Unlock()
	}
}

// do sends one request through the validator, as fixture.do does.
func (v *docValidator) do(req request) exchange {
	v.t.Helper()
	v.ServeHTTP(httptest.NewRecorder(), req.build(v.t))
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.last
}

// want sends req and requires the status.
func (v *docValidator) want(status int, req request) exchange {
	v.t.Helper()
	ex := v.do(req)
	require.Equal(v.t, status, ex.status, "%s %s: %s", req.method, req.path, ex.body)
	return ex
}

// refused sends a request the server refuses with status and requires the
// document to refuse it too.
func (v *docValidator) refused(status int, req request) {
	v.t.Helper()
	ex := v.want(status, req)
	assert.Error(v.t, ex.requestErr, "%s %s: the server refuses %v; the document should too", req.method, req.path, req.body)
}

func (e exchange) decode(t *testing.T, dst any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(e.body, dst), "body: %s", e.body)
}

// flakyNotifier records every message and fails those to one address.
type flakyNotifier struct {
	out  *outbox
	mu   sync.Mutex
	fail string
}

func (n *flakyNotifier) Notify(ctx context.Context, m onboarding.Message) error {
	n.mu.Lock()
	fail := n.fail != "" && m.To == n.fail
	n.mu.Unlock()
	if fail {
		return fmt.Errorf("relay refused the message")
	}
	return n.out.Notify(ctx, m)
}

func (n *flakyNotifier) failFor(to string) {
	n.mu.Lock()
	n.fail = to
	n.mu.Unlock()
}

// Every route of the route table is driven with real requests, each
// request and each answer validated against the handler's own OpenAPI
// document; a route without a success answer here fails the test, so a
// new route comes with its coverage.
func TestEveryRouteMatchesTheDocument(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{now: time.Now()}
	notes := &flakyNotifier{out: &outbox{}}
	apps := &engineApps{}
	docs, err := document.NewDir(t.TempDir(), apps)
	require.NoError(t, err)
	t.Cleanup(func() { _ = docs.Close() })
	op := readinesstest.NewOperator(12)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	// A second staff member: the one who approved a review does not also
	// take the application live (four eyes).
	const approverToken = "staff-token-ravi-0123456789abcdef"
	twoStaff, err := httpapi.StaffTokens(map[string]string{staffID: staffToken, "ravi": approverToken})
	require.NoError(t, err)
	f := newFixtureWith(t, []onboarding.Option{
		onboarding.WithNotifier(notes), onboarding.WithClock(clk.Now), onboarding.WithNoticePeriod(7 * 24 * time.Hour),
		onboarding.WithDocuments(docs), onboarding.WithReadiness(checker, false, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}),
		onboarding.WithOutboxDeadAfter(time.Minute),
	}, httpapi.WithClock(clk.Now), httpapi.WithStaffAuth(twoStaff))
	f.out = notes.out
	apps.svc = f.svc
	ok := map[string]int{}
	v := newDocValidator(t, f, ok)
	staff := bearer(staffToken)
	const (
		appsPath  = "/v1/onboarding/applications"
		staffPath = "/v1/onboarding/staff/applications"
		formCT    = "application/x-www-form-urlencoded"
	)
	openTask := func(id, kind string) string { t.Helper(); return openTaskOf(t, f, id, kind) }
	var applied httpapi.ApplyResponse

	// Apply: the smallest application the server takes, a full one, and
	// refusals the document refuses too.
	minimal := map[string]any{
		"participant_name": "Minimal Regulator", "roles": []string{"agency.regulator"},
		"primary_email": "hcx@minimal.example", "primary_mobile": "9000010009",
		"sandbox_certificate": f.cert("reg-min", hcxonboard.RoleRegulator), "sandbox_participant_code": "reg-min",
	}
	ex := v.want(http.StatusCreated, request{method: http.MethodPost, path: appsPath, body: minimal})
	require.NoError(t, ex.requestErr, "the minimal application validates against the document")
	ex.decode(t, &applied)
	// An optional member given as null reads as absent, for the server
	// and for the document.
	withNulls := map[string]any{"address": nil, "application_id": nil}
	for k, val := range minimal {
		withNulls[k] = val
	}
	withNulls["sandbox_certificate"], withNulls["sandbox_participant_code"] = f.cert("reg-null", hcxonboard.RoleRegulator), "reg-null"
	withNulls["participant_name"] = "Nullable Regulator"
	ex = v.want(http.StatusCreated, request{method: http.MethodPost, path: appsPath, body: withNulls})
	require.NoError(t, ex.requestErr, "optional members may be null in the document as on the server")
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: appsPath, body: `{"participant_nmae":"x"}`})
	delete(minimal, "sandbox_participant_code")
	v.refused(http.StatusUnprocessableEntity, request{method: http.MethodPost, path: appsPath, body: minimal})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: appsPath, body: `{"roles":["astronaut"]}`})
	// The parts of an application are asked for by category, not member by
	// member: a regulator's sparse system admin and document pass.
	sparse := map[string]any{}
	for k, val := range minimal {
		sparse[k] = val
	}
	sparse["sandbox_participant_code"] = "reg-min"
	sparse["participant_name"] = "Sparse Regulator"
	sparse["system_admin"] = map[string]any{"email": "it@sparse.example"}
	sparse["documents"] = []any{map[string]any{"kind": hcxonboard.DocSignatoryLetter, "uri": "s3://sparse/letter.pdf"}}
	sparse["identifiers"] = map[string]any{"facility_licence": map[string]any{"number": "REG-1"}}
	sparse["roles"] = []any{10004} // NHCX's code for agency.regulator, as a JSON number
	v.want(http.StatusCreated, request{method: http.MethodPost, path: appsPath, body: sparse})
	regApp := f.regulator("Routed Regulator")
	v.want(http.StatusCreated, request{method: http.MethodPost, path: appsPath, body: regApp}).decode(t, &applied)
	reg, regTok := applied.Application.ID, applied.ApplicantToken
	v.want(http.StatusOK, request{method: http.MethodGet, path: appsPath + "/" + reg, auth: bearer(regTok)})
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + reg + "/applicant-token", auth: bearer(regTok)}).decode(t, &applied)
	regTok = applied.ApplicantToken

	// One-time codes: a payer's system admin.
	payerApp := f.payer()
	// A letter the operator does not fetch (no https address): the test
	// stays off the network.
	payerApp.Documents[0].URI = "s3://suraksha-docs/signatory-letter.pdf"
	v.want(http.StatusCreated, request{method: http.MethodPost, path: appsPath, body: payerApp}).decode(t, &applied)
	payer, payerTok := applied.Application.ID, applied.ApplicantToken
	otp := openTask(payer, onboarding.KindOTP)
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + payer + "/tasks/" + otp + "/otp/resend", auth: bearer(payerTok)})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: appsPath + "/" + payer + "/tasks/" + otp + "/otp",
		auth: bearer(payerTok), body: `{"otp":"1","code":"2"}`})
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + payer + "/tasks/" + otp + "/otp",
		auth: bearer(payerTok), body: httpapi.OTPRequest{OTP: f.out.lastCode(payer)}})

	// Staff: the queue, the application, its trail, a recheck, a
	// send-back and the amendment, a decision.
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=all&limit=10&offset=0", auth: staff})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?stage=verifying", auth: staff})
	v.refused(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?limit=5000", auth: staff})
	v.refused(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?stage=dreaming", auth: staff})
	v.refused(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/onboarding/staff/certificates/expiring?within_days=9999", auth: staff})
	v.want(http.StatusOK, request{method: http.MethodGet, path: staffPath + "/" + reg, auth: staff})
	v.want(http.StatusOK, request{method: http.MethodGet, path: staffPath + "/" + reg + "/events", auth: staff})
	v.want(http.StatusOK, request{method: http.MethodPost, path: staffPath + "/" + reg + "/recheck", auth: staff})
	v.want(http.StatusOK, request{method: http.MethodPost, path: staffPath + "/" + reg + "/send-back", auth: staff,
		body: httpapi.ReasonRequest{Reason: "spell the name as on the licence"}})
	v.want(http.StatusOK, request{method: http.MethodPatch, path: appsPath + "/" + reg, auth: bearer(regTok),
		contentType: "application/merge-patch+json", body: `{"participant_name":"Routed Regulator Office"}`})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: staffPath + "/" + reg + "/tasks/" +
		openTask(reg, onboarding.KindReview) + "/decision", auth: staff, body: `{"decision":"maybe"}`})
	v.want(http.StatusOK, request{method: http.MethodPost, path: staffPath + "/" + reg + "/tasks/" +
		openTask(reg, onboarding.KindReview) + "/decision", auth: staff,
		body: httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "confirmed with the registrar"}})

	// Step 3 with a participant that answers the readiness checks, step 4,
	// go-live.
	part := readinesstest.NewParticipant(t, op, readinesstest.WithCode(mustApp(t, f, reg).Participant.ParticipantCode))
	v.want(http.StatusOK, request{method: http.MethodPut, path: appsPath + "/" + reg + "/details", auth: bearer(regTok),
		body: onboarding.Details{EndpointURL: part.EndpointURL, EncryptionCert: part.EncryptionCert, SigningCertPath: part.SigningCert}})
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + reg + "/readiness", auth: bearer(regTok)})
	// Asked again at once: refused until the minute is over.
	again := v.want(http.StatusTooManyRequests, request{method: http.MethodPost, path: appsPath + "/" + reg + "/readiness", auth: bearer(regTok)})
	assert.Equal(t, "60", again.header.Get("Retry-After"))
	var creds httpapi.CredentialsResponse
	v.want(http.StatusCreated, request{method: http.MethodPost, path: appsPath + "/" + reg + "/credentials", auth: bearer(regTok)}).decode(t, &creds)
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: staffPath + "/" + reg + "/go-live", auth: staff,
		body: `{"pilot_completed":"yes"}`})
	v.want(http.StatusOK, request{method: http.MethodPost, path: staffPath + "/" + reg + "/go-live", auth: bearer(approverToken),
		body: httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true}})
	code := creds.ParticipantCode

	// Secrets and tokens.
	var rotated httpapi.CredentialsResponse
	v.want(http.StatusCreated, request{method: http.MethodPost, path: "/v1/onboarding/credentials/rotate",
		body: httpapi.RotateRequest{ParticipantCode: code, Secret: creds.Secret, OverlapSeconds: 60}}).decode(t, &rotated)
	var tok httpapi.TokenResponse
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/v1/onboarding/token",
		body: httpapi.TokenRequest{ParticipantCode: code, Secret: rotated.Secret}}).decode(t, &tok)
	v.want(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/onboarding/token",
		body: httpapi.TokenRequest{ParticipantCode: code, Secret: "wrong"}})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/v1/onboarding/jwks"})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/auth/realms/hcx/protocol/openid-connect/certs"})
	v.want(http.StatusNotFound, request{method: http.MethodGet, path: "/auth/realms/nobody/protocol/openid-connect/certs"})
	v.want(http.StatusOK, request{method: http.MethodGet, path: appsPath + "/" + reg, auth: bearer(tok.AccessToken)})

	// The registry search, by a participant and by staff; refusals of
	// unknown fields and operators the document refuses too.
	for _, q := range []string{
		`{}`,
		`{"filters":{"roles":{"eq":"agency.regulator"},"status":{"or":["Active","Created"]}},"limit":5}`,
		`{"filters":{"participant_name":{"notContains":"x","startsWith":"R"},"created_at":{"gte":"2020-01-01T00:00:00Z"}}}`,
		`{"filters":{"participant_code":{"between":["0","z"]}},"offset":1}`,
	} {
		v.want(http.StatusOK, request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: bearer(tok.AccessToken), body: q})
		v.want(http.StatusOK, request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: staff, body: q})
	}
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: staff,
		body: `{"filters":{"osid":{"eq":"x"}}}`})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: staff,
		body: `{"filters":{"roles":{"like":"x"}}}`})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: staff,
		body: `{"filters":{"roles":{}}}`})

	// The specification's routes.
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok.AccessToken),
		body: `{"filters":{"participant_name":{"queryString":"routed"},"roles":{"eq":"agency.regulator"}}}`})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok.AccessToken),
		body: `{"filters":{"osid":{"eq":"x"}}}`})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok.AccessToken),
		body: `{"filters":{"participant_name":{"queryString":"regul*"}}}`})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok.AccessToken),
		body: `{"filters":{"created_at":{"eq":"2020-01-01T00:00:00Z"}}}`})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: staff,
		body: `{"filters":{"status":{"eq":"Active"}},"limit":5000}`})
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staff,
		body: `{"participant_code":"` + code + `"}`})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/v0.9/participant/read/" + url.PathEscape(code), auth: staff})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/certificates/" + url.PathEscape(code) + "/encryption_cert.pem"})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/certificates/" + url.PathEscape(code) + "/signing_cert.pem"})
	var spec struct {
		AccessToken string `json:"access_token"`
	}
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate", contentType: formCT,
		body: url.Values{"participant_code": {code}, "username": {code}, "secret": {rotated.Secret}}.Encode()}).decode(t, &spec)
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token", contentType: formCT,
		body: url.Values{"grant_type": {"client_credentials"}, "username": {code}, "password": {rotated.Secret}}.Encode()})
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token", contentType: formCT,
		body: url.Values{"grant_type": {"password"}, "client_id": {"registry-frontend"}, "username": {code}, "password": {rotated.Secret}}.Encode()})
	// Keycloak ignores the parameters of other grants, and so do the route
	// and the document.
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token", contentType: formCT,
		body: url.Values{"grant_type": {"password"}, "username": {code}, "password": {rotated.Secret}, "scope": {"openid"}, "totp": {""}}.Encode()})
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + reg + "/step-up", auth: bearer(tok.AccessToken),
		body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDetails}})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: appsPath + "/" + reg + "/step-up", auth: bearer(tok.AccessToken),
		body: `{"purpose":"fun"}`})
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(spec.AccessToken),
		body: map[string]any{"participant_code": code, "endpoint_url": part.EndpointURL, "encryption_cert": part.EncryptionCert,
			"step_up_code": f.out.lastCode(reg)}})

	// Suspension, reinstatement, an announced de-boarding and its appeal,
	// the due de-boardings, certificates about to expire.
	reason := httpapi.ReasonRequest{Reason: "routed"}
	v.want(http.StatusOK, request{method: http.MethodPost, path: staffPath + "/" + reg + "/suspend", auth: staff, body: reason})
	v.want(http.StatusOK, request{method: http.MethodPost, path: staffPath + "/" + reg + "/reinstate", auth: staff, body: reason})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: staffPath + "/" + reg + "/deboard", auth: staff,
		body: `{"initiator":"cosmic","reason":"x"}`})
	v.want(http.StatusOK, request{method: http.MethodPost, path: staffPath + "/" + reg + "/deboard", auth: staff,
		body: httpapi.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Reason: "licence withdrawn"}})
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + reg + "/appeal", auth: bearer(tok.AccessToken),
		body: httpapi.ReasonRequest{Reason: "the licence was renewed"}})
	v.want(http.StatusOK, request{method: http.MethodPost, path: "/v1/onboarding/staff/deboardings/process", auth: staff})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/v1/onboarding/staff/certificates/expiring?within_days=400", auth: staff})
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + reg + "/compromise", auth: bearer(tok.AccessToken),
		body: httpapi.ReasonRequest{Reason: "the secret was in a public repository"}})
	// The operator issues the participant a new secret.
	v.want(http.StatusCreated, request{method: http.MethodPost, path: staffPath + "/" + reg + "/credentials", auth: bearer(approverToken)})

	// A voluntary de-boarding with the step-up code.
	leaving, leavingSecret := f.live("Leaving Regulator")
	leavingTok, err := f.svc.Token(ctx, leaving.Participant.ParticipantCode, leavingSecret)
	require.NoError(t, err)
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + leaving.ID + "/step-up", auth: bearer(leavingTok.Value),
		body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDeboard}})
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + leaving.ID + "/deboard", auth: bearer(leavingTok.Value),
		body: httpapi.DeboardVoluntaryRequest{Reason: "moving to another HCX", StepUpCode: f.out.lastCode(leaving.ID)}})

	// Withdrawal.
	withdrawn, withdrawnTok := f.submit(f.regulator("Withdrawn Regulator"))
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + withdrawn.ID + "/withdraw", auth: bearer(withdrawnTok),
		body: httpapi.ReasonRequest{Reason: "applied twice"}})

	// The facility manager declines.
	hospital, _ := f.submit(&hcxonboard.Application{
		ParticipantName: "Sanjeevani Multispeciality Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail: "admin@sanjeevani.example", PrimaryMobile: "9000066001",
		Identifiers: hcxonboard.Identifiers{HFRID: "IN2910000123"}, Address: &hcxonboard.Address{Pincode: "560034"},
		SandboxCertificate: f.cert("hosp-1", hcxonboard.RoleHospital), SandboxParticipantCode: "hosp-1",
	})
	var decline string
	f.out.mu.Lock()
	for _, m := range f.out.msgs {
		if m.Kind == onboarding.MessageHFRIntimation && m.ApplicationID == hospital.ID {
			decline = m.Code
		}
	}
	f.out.mu.Unlock()
	require.NotEmpty(t, decline)
	v.want(http.StatusOK, request{method: http.MethodPost, path: appsPath + "/" + hospital.ID + "/decline",
		body: httpapi.DeclineRequest{Code: decline, Reason: "we did not apply"}})

	// Documents: an upload, the applicant's and staff's lists.
	pdf := documenttest.PDF(3000, "address proof")
	bsp, bspTok := f.submit(f.bsp(pdf))
	v.want(http.StatusOK, request{method: http.MethodGet, path: appsPath + "/" + bsp.ID + "/documents", auth: bearer(bspTok)})
	v.refused(http.StatusBadRequest, request{method: http.MethodPost, path: appsPath + "/" + bsp.ID + "/documents",
		auth: bearer(bspTok), contentType: document.PDF, body: pdf})
	var held httpapi.Document
	v.want(http.StatusCreated, request{method: http.MethodPost, path: appsPath + "/" + bsp.ID + "/documents?kind=" + hcxonboard.DocAddressProof,
		auth: bearer(bspTok), contentType: document.PDF, body: pdf}).decode(t, &held)
	v.want(http.StatusOK, request{method: http.MethodGet, path: appsPath + "/" + bsp.ID + "/documents", auth: bearer(bspTok)})
	v.want(http.StatusOK, request{method: http.MethodGet, path: staffPath + "/" + bsp.ID + "/documents", auth: staff})
	v.want(http.StatusOK, request{method: http.MethodGet, path: staffPath + "/" + bsp.ID + "/documents/" + held.ID, auth: staff})

	// A dead letter, listed and sent again.
	notes.failFor("staff") // the review request
	f.submit(f.regulator("Unnoticed Regulator"))
	clk.add(10 * time.Minute)
	_, err = f.svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	notes.failFor("")
	var letters httpapi.OutboxResponse
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox?limit=10", auth: staff}).decode(t, &letters)
	require.NotEmpty(t, letters.Messages)
	v.want(http.StatusNoContent, request{method: http.MethodPost, path: "/v1/onboarding/staff/outbox/retry", auth: staff,
		body: httpapi.RetryRequest{ID: letters.Messages[0].ID}})

	// A payer's approvals: it goes live, two hospitals name it. (A
	// fixture without a document store: the letters stay references.)
	pf := newFixture(t)
	pv := newDocValidator(t, pf, ok)
	pa, _ := pf.submit(pf.payer())
	_, err = pf.svc.ConfirmOTP(ctx, pa.ID, openTaskOf(t, pf, pa.ID, onboarding.KindOTP), pf.out.lastCode(pa.ID))
	require.NoError(t, err)
	_, err = pf.svc.SubmitDetails(ctx, pa.ID, validDetails(t))
	require.NoError(t, err)
	payerCreds, err := pf.svc.Provision(ctx, pa.ID)
	require.NoError(t, err)
	_, err = pf.svc.GoLive(ctx, pa.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	payerAccess, err := pf.svc.Token(ctx, payerCreds.ParticipantCode, payerCreds.Secret)
	require.NoError(t, err)
	for i, name := range []string{"Shanti Community Hospital", "Karuna Nursing Home"} {
		pf.submit(&hcxonboard.Application{
			ParticipantName: name, Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
			PrimaryEmail: "desk@hospital.example", PrimaryMobile: "9000012000",
			Address: &hcxonboard.Address{Street: "MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001"},
			Identifiers: hcxonboard.Identifiers{FacilityLicence: &hcxonboard.FacilityLicence{
				Number: "KPME/BR/2020/031" + strconv.Itoa(i+1), ValidUntil: time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}},
			SystemAdmin: &hcxonboard.Contact{Name: "Prakash Gowda", Email: "it@hospital.example", Mobile: "9000012001"},
			Documents: []hcxonboard.Document{{Kind: hcxonboard.DocEmpanelmentProof, URI: "https://docs.hospital.example/empanelment.pdf",
				SHA256: strings.Repeat("4c", 32), MediaType: "application/pdf"}},
			Empanelment:            &hcxonboard.Empanelment{PayerCode: payerCreds.ParticipantCode, Scheme: "SHAS", EmpanelmentID: "EMP-" + name[:5]},
			SandboxCertificate:     pf.cert("hosp-"+name[:5], hcxonboard.RoleHospital),
			SandboxParticipantCode: "hosp-" + name[:5],
		})
	}
	var approvals httpapi.ApprovalRequestsResponse
	pv.want(http.StatusOK, request{method: http.MethodGet, path: "/v1/onboarding/payer/approvals", auth: bearer(payerAccess.Value)}).decode(t, &approvals)
	require.Len(t, approvals.Requests, 2)
	decisions := httpapi.ApprovalDecisionsRequest{}
	for i, q := range approvals.Requests {
		d := httpapi.ApprovalDecision{ApplicationID: q.ApplicationID, TaskID: q.TaskID, Decision: httpapi.DecisionApprove}
		if i == 1 {
			d.Decision, d.Reason = httpapi.DecisionReject, "not on our list"
		}
		decisions.Decisions = append(decisions.Decisions, d)
	}
	pv.refused(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/onboarding/payer/approvals", auth: bearer(payerAccess.Value),
		body: `{"decisions":[{"application_id":"a","task_id":"t","decision":"perhaps"}]}`})
	pv.want(http.StatusOK, request{method: http.MethodPost, path: "/v1/onboarding/payer/approvals", auth: bearer(payerAccess.Value), body: decisions})

	// Empty answers are empty lists, never null.
	for _, req := range []request{
		{method: http.MethodGet, path: "/v1/onboarding/payer/approvals", auth: bearer(payerAccess.Value)},
		{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: staff, body: `{"filters":{"participant_code":{"eq":"nobody@hcx"}}}`},
		{method: http.MethodPost, path: "/v0.9/participant/search", auth: staff, body: `{"filters":{"participant_code":{"eq":"nobody@hcx"}}}`},
		{method: http.MethodGet, path: "/v1/onboarding/staff/applications?participant_code=nobody@hcx", auth: staff},
		{method: http.MethodGet, path: "/v1/onboarding/staff/certificates/expiring?within_days=0", auth: staff},
		{method: http.MethodGet, path: "/v1/onboarding/staff/outbox", auth: staff},
	} {
		ex := pv.want(http.StatusOK, req)
		assert.NotContains(t, string(ex.body), "null", "%s %s", req.method, req.path)
	}

	// The process's own routes.
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/healthz"})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/readyz"})
	v.want(http.StatusOK, request{method: http.MethodGet, path: "/openapi.json"})

	// The console, in a browser-like client through the validator.
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	b.get("/console/")
	b.get("/console/static/console.css")
	csrf := b.login(staffToken)
	consoleApp := "/console/applications/"
	review, _ := f.submit(f.regulator("Console Regulator"))
	for _, p := range []string{"/console/", "/console/queue?waiting=all&offset=0", consoleApp + review.ID, consoleApp + bsp.ID + "/documents/" + held.ID,
		"/console/participants?name=Regulator&status=Active&offset=0", "/console/participants/" + url.PathEscape(code), "/console/outbox"} {
		pg := b.get(p)
		require.Less(t, pg.status, 400, "%s: %s", p, pg.body)
	}
	post := func(path string, form url.Values) {
		t.Helper()
		form.Set("csrf", csrf)
		res := b.post(path, form, "")
		require.Equal(t, http.StatusSeeOther, res.status, "%s: %s", path, res.body)
	}
	post(consoleApp+review.ID+"/recheck", url.Values{})
	post(consoleApp+review.ID+"/send-back", url.Values{"reason": {"the name differs from the licence"}})
	amended := f.regulator("Console Regulator Office")
	_, err = f.svc.Amend(ctx, review.ID, amended)
	require.NoError(t, err)
	post(consoleApp+review.ID+"/tasks/"+openTask(review.ID, onboarding.KindReview)+"/decision", url.Values{"decision": {"approve"}, "reason": {"ok"}})
	cpart := readinesstest.NewParticipant(t, op, readinesstest.WithCode(mustApp(t, f, review.ID).Participant.ParticipantCode))
	_, err = f.svc.SubmitDetails(ctx, review.ID, onboarding.Details{EndpointURL: cpart.EndpointURL, EncryptionCert: cpart.EncryptionCert, SigningCertPath: cpart.SigningCert})
	require.NoError(t, err)
	post(consoleApp+review.ID+"/readiness", url.Values{})
	_, err = f.svc.Provision(ctx, review.ID)
	require.NoError(t, err)
	post(consoleApp+review.ID+"/go-live", url.Values{"pilot_completed": {"on"}, "staff_trained": {"on"}})
	post(consoleApp+review.ID+"/suspend", url.Values{"reason": {"SLA breach"}})
	post(consoleApp+review.ID+"/reinstate", url.Values{"reason": {"fixed"}})
	post(consoleApp+review.ID+"/deboard", url.Values{"initiator": {"hcx"}, "reason": {"repeated attacks"}})
	post("/console/outbox/retry", url.Values{"id": {letters.Messages[0].ID}})
	post("/console/logout", url.Values{})

	// Every route answered with its documented success at least once.
	for _, rt := range f.h.AllRoutes() {
		key := rt.Method + " " + strings.TrimSuffix(rt.Path, "{$}")
		assert.Positive(t, ok[key], "%s was not exercised with a success answer against the document", key)
	}
	assert.Len(t, ok, len(f.h.AllRoutes()))
}

// openTaskOf is the id of an open task of the kind.
func openTaskOf(t *testing.T, f *fixture, id, kind string) string {
	t.Helper()
	for _, tk := range mustApp(t, f, id).OpenTasks() {
		if tk.Kind == kind {
			return tk.ID
		}
	}
	require.Failf(t, "no open task", "%s of %s", kind, id)
	return ""
}

func mustApp(t *testing.T, f *fixture, id string) *onboarding.Application {
	t.Helper()
	a, err := f.svc.Application(context.Background(), id)
	require.NoError(t, err)
	return a
}

// Every operation carries an example, and every example is one its
// schema accepts: kin-openapi checks them when it validates the document,
// and refuses a document whose example breaks its schema.
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel()
	_, raw := fetchOpenAPI(t, newFixture(t))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	operations := 0
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			operations++
			b, err := json.Marshal(op)
			require.NoError(t, err)
			assert.Contains(t, string(b), `"example":`, "%s %s has no example", method, path)
		}
	}
	assert.Len(t, newFixture(t).h.AllRoutes(), operations)
	load := func(raw []byte) error {
		d, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			return err
		}
		return d.Validate(context.Background(), openapi3.EnableExamplesValidation())
	}
	require.NoError(t, load(raw))
	for name, opts := range map[string][]httpapi.Option{
		"three spec bases, no console": {httpapi.WithSpecAPI("/v0.8", "/v0.9", ""), httpapi.WithConsole(false)},
		"platform profile":             {httpapi.WithProfile(credential.ProfilePlatform)},
	} {
		_, other := fetchOpenAPI(t, newFixture(t, opts...))
		require.NoError(t, load(other), name)
	}

	// A decision example the schema refuses fails the document.
	op := doc["paths"].(map[string]any)["/v1/onboarding/staff/applications/{id}/tasks/{task}/decision"].(map[string]any)["post"].(map[string]any)
	media := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)
	assert.Equal(t, httpapi.DecisionApprove, media["example"].(map[string]any)["decision"])
	media["example"] = map[string]any{"decision": "maybe"}
	tampered, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.Error(t, load(tampered))
}

// The console's forms name the same closed vocabularies as the JSON
// API.
func TestOpenAPIConsoleFormEnums(t *testing.T) {
	t.Parallel()
	_, raw := fetchOpenAPI(t, newFixture(t))
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	s := doc.Components.Schemas
	assert.ElementsMatch(t, []string{httpapi.DecisionApprove, httpapi.DecisionReject}, s["decisionForm"].Properties["decision"].Enum)
	assert.Equal(t, s["DecisionRequest"].Properties["decision"].Enum, s["decisionForm"].Properties["decision"].Enum)
	assert.ElementsMatch(t, []string{onboarding.InitiatorVoluntary, onboarding.InitiatorRegulator, onboarding.InitiatorHCX},
		s["deboardForm"].Properties["initiator"].Enum)
	assert.Equal(t, s["DeboardRequest"].Properties["initiator"].Enum, s["deboardForm"].Properties["initiator"].Enum)
}

// An answer whose lists are nil says [] and {}, as the document declares
// them, never null: an application submitted without roles or
// identifiers, a report without categories.
func TestAnswersNeverCarryNullLists(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, raw := fetchOpenAPI(t, f)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err)
	app := httpapi.Application{ID: "01890000-0000-7000-8000-000000000000", Stage: "details",
		Participant: &hcxonboard.Participant{ParticipantCode: "x@hcx", ParticipantName: "X", Status: hcxonboard.StatusCreated},
		Submitted:   &hcxonboard.Application{ParticipantName: "X", BSP: &hcxonboard.BSPDetails{}},
		Report:      &verifier.Report{Verdict: verifier.VerdictReady}}
	rec := httptest.NewRecorder()
	f.h.WriteJSON(rec, http.StatusOK, app)
	body := rec.Body.String()
	assert.NotContains(t, body, "null")
	for _, want := range []string{`"tasks":[]`, `"roles":[]`, `"categories":[]`, `"stakeholders_serviced":[]`} {
		assert.Contains(t, body, want)
	}
	assert.Contains(t, body, `"primary_mobile":""`, "other members are written as encoding/json writes them")
	assert.NotContains(t, body, `"sources"`, "omitempty still omits")
	var v any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v))
	require.NoError(t, doc.Components.Schemas["Application"].Value.VisitJSON(v))
}
