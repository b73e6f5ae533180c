package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// seeded is a Handler over a store seeded with participant records
// directly, for what the specification's routes write and search.
type seeded struct {
	t *testing.T
	h *httpapi.Handler
}

func newSeeded(t *testing.T, ps []*hcxonboard.Participant, opts ...httpapi.Option) *seeded {
	t.Helper()
	return newSeededIn(t, registry.NewMemoryStore(), ps, opts...)
}

// newSeededIn seeds the given store.
func newSeededIn(t *testing.T, store registry.Store, ps []*hcxonboard.Participant, opts ...httpapi.Option) *seeded {
	t.Helper()
	ctx := context.Background()
	for i, p := range ps {
		require.NoError(t, store.Create(ctx, registry.Write{
			Application: &registry.Application{ID: "app-" + p.ParticipantCode, ParticipantCode: p.ParticipantCode,
				Stage: registry.StageLive, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt, State: json.RawMessage(`{}`)},
			Participant: p,
		}), "participant %d", i)
	}
	svc, err := onboarding.New(store, minimalEngine()...)
	require.NoError(t, err)
	staff, err := httpapi.StaffTokens(map[string]string{staffID: staffToken})
	require.NoError(t, err)
	h, err := httpapi.New(svc, append([]httpapi.Option{httpapi.WithStaffAuth(staff)}, opts...)...)
	require.NoError(t, err)
	return &seeded{t: t, h: h}
}

func (s *seeded) do(req request) response {
	f := &fixture{t: s.t, h: s.h}
	return f.do(req)
}

// specFixture is a registry of four that differ in every searchable field.
func specFixture(t *testing.T) []*hcxonboard.Participant {
	t.Helper()
	cert := validDetails(t).EncryptionCert
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	return []*hcxonboard.Participant{
		{ParticipantCode: "payr_surak_000001@hcx", ParticipantName: "Suraksha General Insurance", Roles: []hcxonboard.Role{hcxonboard.RolePayer},
			PrimaryEmail: "ops@suraksha.example", PrimaryMobile: "9000000001", Status: hcxonboard.StatusActive,
			AdditionalEmail: []string{"a@suraksha.example", "b@suraksha.example", "c@suraksha.example"},
			EndpointURL:     "https://hcx.suraksha.example/v0.9", EncryptionCert: cert, EncryptionCertExpiry: 1893456000000,
			SigningCertPath: cert, SigningCertExpiry: 1893456000001, SchemeCode: "default",
			LinkedRegistryCodes: []string{"148@irda"}, CreatedAt: at(1), UpdatedAt: at(1)},
		{ParticipantCode: "hosp_cityho_000002@hcx", ParticipantName: "City Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleProvider, hcxonboard.RoleHospital},
			PrimaryEmail: "desk@cityhospital.example", PrimaryMobile: "9000000002", Status: hcxonboard.StatusActive,
			LinkedRegistryCodes: []string{"IN2710000002@hfr"}, CreatedAt: at(2), UpdatedAt: at(5)},
		{ParticipantCode: "agen_medias_000003@hcx", ParticipantName: "MediAssist TPA", Roles: []hcxonboard.Role{hcxonboard.RoleTPA},
			PrimaryEmail: "tpa@mediassist.example", PrimaryMobile: "9000000003", Status: hcxonboard.StatusInactive,
			CreatedAt: at(3), UpdatedAt: at(3)},
		{ParticipantCode: "rese_lab000_000004@hcx", ParticipantName: "Research Lab", Roles: []hcxonboard.Role{hcxonboard.RoleResearch},
			PrimaryMobile: "9000000004", Status: hcxonboard.StatusCreated, CreatedAt: at(4), UpdatedAt: at(4)},
	}
}

type specAnswer struct {
	Timestamp    *int64           `json:"timestamp"`
	Participants []map[string]any `json:"participants"`
}

func codesOf(a specAnswer) []string {
	out := []string{}
	for _, p := range a.Participants {
		out = append(out, p["participant_code"].(string))
	}
	return out
}

var staffAuth = "Bearer " + staffToken

// Every v0.9 operator on every kind of field, through the route the
// SDKs call, answered in the specification's envelope.
func TestSpecSearchOperators(t *testing.T) {
	t.Parallel()
	s := newSeeded(t, specFixture(t))
	const (
		payer = "payr_surak_000001@hcx"
		hosp  = "hosp_cityho_000002@hcx"
		tpa   = "agen_medias_000003@hcx"
		lab   = "rese_lab000_000004@hcx"
	)
	tests := []struct {
		name, filters string
		want          []string
	}{
		{"eq on the code, as the SDK sends it", `{"participant_code":{"eq":"` + payer + `"}}`, []string{payer}},
		{"neq", `{"status":{"neq":"Active"}}`, []string{tpa, lab}},
		{"contains", `{"participant_name":{"contains":"hospital"}}`, []string{hosp}},
		{"notContains", `{"participant_name":{"notContains":"I"}}`, []string{lab}},
		{"startsWith", `{"participant_code":{"startsWith":"hosp_"}}`, []string{hosp}},
		{"notStartsWith", `{"participant_code":{"notStartsWith":"hosp_"}}`, []string{payer, tpa, lab}},
		{"endsWith", `{"primary_email":{"endsWith":"@MEDIASSIST.example"}}`, []string{tpa}},
		{"notEndsWith", `{"primary_email":{"notEndsWith":".example"}}`, []string{lab}},
		{"or, the spec's example", `{"roles":{"or":["provider","payor"]}}`, []string{payer, hosp}},
		{"gt on a string", `{"primary_mobile":{"gt":"9000000002"}}`, []string{tpa, lab}},
		{"gte on a string", `{"primary_mobile":{"gte":"9000000002"}}`, []string{hosp, tpa, lab}},
		{"lt on a string", `{"participant_name":{"lt":"M"}}`, []string{hosp}},
		{"lte on a list", `{"roles":{"lte":"payer"}}`, []string{payer, tpa}},
		{"between on a string", `{"participant_code":{"between":["agen","payr~"]}}`, []string{payer, hosp, tpa}},
		{"between on a time", `{"created_at":{"between":["2026-01-01T02:00:00Z","2026-01-01T03:00:00Z"]}}`, []string{hosp, tpa}},
		{"gt on a time", `{"updated_at":{"gt":"2026-01-01T04:00:00Z"}}`, []string{hosp}},
		{"several fields are ANDed", `{"roles":{"eq":"provider"},"status":{"eq":"Active"}}`, []string{hosp}},
		{"payor reads as payer", `{"roles":{"eq":"payor"}}`, []string{payer}},
		{"neq payor", `{"roles":{"neq":"payor"}}`, []string{hosp, tpa, lab}},
		{"InActive reads as Inactive", `{"status":{"eq":"InActive"}}`, []string{tpa}},
		{"linked codes", `{"linked_registry_codes":{"endsWith":"@hfr"}}`, []string{hosp}},
		{"no hit is an empty list", `{"participant_code":{"eq":"nobody@hcx"}}`, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
				body: `{"filters":` + tc.filters + `}`})
			require.Equal(t, http.StatusOK, res.status, "%s", res.body)
			var a specAnswer
			res.decode(t, &a)
			require.NotNil(t, a.Timestamp, "the envelope's timestamp is required")
			assert.Positive(t, *a.Timestamp)
			require.NotNil(t, a.Participants, "participants is a list, never null: %s", res.body)
			assert.NotContains(t, string(res.body), "null", "no member is null")
			assert.Equal(t, tc.want, codesOf(a))
		})
	}
}

func TestSpecSearchRefusals(t *testing.T) {
	t.Parallel()
	s := newSeeded(t, specFixture(t))
	tests := []struct {
		name, body, auth, code string
		status                 int
	}{
		{"no token", `{"filters":{}}`, "", httpapi.CodeAccessDenied, http.StatusUnauthorized},
		{"a token that is no token", `{"filters":{}}`, "Bearer abc.def.ghi", httpapi.CodeAccessDenied, http.StatusUnauthorized},
		{"an unknown field", `{"filters":{"osid":{"eq":"x"}}}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"an unknown operator", `{"filters":{"roles":{"in":["x"]}}}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"another unknown operator", `{"filters":{"participant_name":{"like":"x"}}}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"a limit in words", `{"filters":{},"limit":"ten"}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"a limit not whole", `{"filters":{},"limit":1.5}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"an offset in words", `{"filters":{},"offset":"a"}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"a negative limit", `{"filters":{},"limit":-1}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"malformed JSON", `{"filters":`, staffAuth, httpapi.CodeInvalidPayload, http.StatusBadRequest},
		{"a time that is none", `{"filters":{"created_at":{"gt":"yesterday"}}}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"between of one", `{"filters":{"participant_code":{"between":["a"]}}}`, staffAuth, httpapi.CodeInvalidSearch, http.StatusBadRequest},
		{"not JSON", `filters=1`, staffAuth, httpapi.CodeInvalidPayload, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: tc.auth, body: tc.body})
			require.Equal(t, tc.status, res.status, "%s", res.body)
			assert.Equal(t, tc.code, res.envelope(t).Error.Code)
		})
	}
}

func TestSpecRead(t *testing.T) {
	t.Parallel()
	s := newSeeded(t, specFixture(t))
	for name, req := range map[string]request{
		"POST by participant_code": {method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth,
			body: `{"participant_code":"hosp_cityho_000002@hcx"}`},
		"GET by path": {method: http.MethodGet, path: "/v0.9/participant/read/hosp_cityho_000002@hcx", auth: staffAuth},
	} {
		res := s.do(req)
		require.Equal(t, http.StatusOK, res.status, "%s: %s", name, res.body)
		var a specAnswer
		res.decode(t, &a)
		assert.Equal(t, []string{"hosp_cityho_000002@hcx"}, codesOf(a), name)
	}
	for name, req := range map[string]request{
		"unknown code": {method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth, body: `{"participant_code":"nobody@hcx"}`},
		"no code":      {method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth, body: `{}`},
		"by path":      {method: http.MethodGet, path: "/v0.9/participant/read/nobody@hcx", auth: staffAuth},
	} {
		res := s.do(req)
		require.Equal(t, http.StatusNotFound, res.status, name)
		assert.Equal(t, httpapi.CodeInvalidParticipantCode, res.envelope(t).Error.Code, name)
	}
	res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/read", body: `{"participant_code":"hosp_cityho_000002@hcx"}`})
	assert.Equal(t, http.StatusUnauthorized, res.status, "read needs a token too")
}

// How each profile writes the same record.
func TestSpecRecordProfiles(t *testing.T) {
	t.Parallel()
	ps := specFixture(t)
	code := ps[0].ParticipantCode
	read := func(t *testing.T, opts ...httpapi.Option) map[string]any {
		s := newSeeded(t, ps, opts...)
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
			body: `{"filters":{"participant_code":{"eq":"` + code + `"}}}`})
		require.Equal(t, http.StatusOK, res.status, "%s", res.body)
		var a specAnswer
		res.decode(t, &a)
		require.Len(t, a.Participants, 1)
		return a.Participants[0]
	}
	certURL := "http://example.com/certificates/" + code + "/encryption_cert.pem"

	t.Run("spec, the default", func(t *testing.T) {
		t.Parallel()
		p := read(t)
		assert.Equal(t, []any{"payer"}, p["roles"])
		assert.Equal(t, certURL, p["encryption_cert"])
		assert.Equal(t, "http://example.com/certificates/"+code+"/signing_cert.pem", p["signing_cert_path"])
		assert.InDelta(t, 1893456000001, p["signing_cert_expiry"], 0)
		assert.NotContains(t, p, "osOwner")
		assert.NotContains(t, p, "created_at")
		assert.Len(t, p["additional_email"], 3)
	})
	t.Run("platform", func(t *testing.T) {
		t.Parallel()
		p := read(t, httpapi.WithProfile(credential.ProfilePlatform), httpapi.WithPublicURL("https://hcx.example.org/api/"))
		assert.Equal(t, []any{"payor"}, p["roles"])
		assert.Equal(t, "https://hcx.example.org/api/certificates/"+code+"/encryption_cert.pem", p["encryption_cert"])
		assert.Equal(t, []any{credential.OwnerID(code)}, p["osOwner"])
		assert.Equal(t, credential.RecordID(code), p["osid"])
		assert.InDelta(t, 1893456000001, p["sigining_cert_expiry"], 0, "the platform's spelling")
		assert.NotContains(t, p, "signing_cert_expiry")
		assert.Len(t, p["additional_email"], 2, "the platform's schema allows two")
		for _, f := range []string{"participant_code", "participant_name", "roles", "primary_mobile", "status", "encryption_cert", "endpoint_url"} {
			assert.Contains(t, p, f, "required by the platform's schema")
		}
	})
	t.Run("own", func(t *testing.T) {
		t.Parallel()
		p := read(t, httpapi.WithProfile(credential.ProfileOwn))
		assert.True(t, strings.HasPrefix(p["encryption_cert"].(string), "-----BEGIN CERTIFICATE-----"), "inline")
	})
}

func TestSpecBasePaths(t *testing.T) {
	t.Parallel()
	ps := specFixture(t)
	search := func(s *seeded, path string) int {
		return s.do(request{method: http.MethodPost, path: path, auth: staffAuth, body: `{"filters":{}}`}).status
	}
	s := newSeeded(t, ps)
	assert.Equal(t, http.StatusOK, search(s, "/v0.9/participant/search"))
	assert.Equal(t, http.StatusNotFound, search(s, "/v0.8/participant/search"))
	assert.Equal(t, http.StatusNotFound, search(s, "/participant/search"))

	s = newSeeded(t, ps, httpapi.WithSpecAPI("/v0.8", "/v0.9", ""))
	for _, p := range []string{"/v0.8/participant/search", "/v0.9/participant/search", "/participant/search"} {
		assert.Equal(t, http.StatusOK, search(s, p), p)
	}
	s = newSeeded(t, ps, httpapi.WithSpecAPI())
	assert.Equal(t, http.StatusNotFound, search(s, "/v0.9/participant/search"))

	for name, opt := range map[string]httpapi.Option{
		"trailing slash":     httpapi.WithSpecAPI("/v0.9/"),
		"no leading slash":   httpapi.WithSpecAPI("v0.9"),
		"twice":              httpapi.WithSpecAPI("/v0.9", "/v0.9"),
		"a wildcard":         httpapi.WithSpecAPI("/{x}"),
		"public URL no host": httpapi.WithPublicURL("https:///x"),
		"public URL query":   httpapi.WithPublicURL("https://hcx.example?x=1"),
		"public URL ftp":     httpapi.WithPublicURL("ftp://hcx.example"),
		"unknown profile":    httpapi.WithProfile("nhcx-v2"),
		"realm with slash":   httpapi.WithKeycloakRealms("a/b"),
	} {
		_, err := httpapi.New(newService(t), opt)
		require.ErrorIs(t, err, httpapi.ErrInvalidOption, name)
	}
}

// minimalEngine is the least an engine is built with.
func minimalEngine() []onboarding.Option {
	return []onboarding.Option{onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(testOTPKey), onboarding.WithNotifier(&outbox{})}
}

func newService(t *testing.T) *onboarding.Service {
	svc, err := onboarding.New(registry.NewMemoryStore(), minimalEngine()...)
	require.NoError(t, err)
	return svc
}

// The token routes: v0.9's and Keycloak's, through the engine's Token.
func TestSpecTokenRoutes(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	f := newFixture(t, httpapi.WithClock(func() time.Time { return fixed }))
	a, secret := f.live("Insurance Regulatory Authority")
	code := a.Participant.ParticipantCode
	email := "hcx@regulator.example"

	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	const formCT = "application/x-www-form-urlencoded"
	kc := "/auth/realms/swasth-hcx-participants/protocol/openid-connect/token"
	gen := "/v0.9/participant/auth/token/generate"

	ok := map[string]request{
		"v0.9, form, username the code": {method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", code, "username", code, "secret", secret)},
		"v0.9, form, username the e-mail in upper case": {method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", code, "username", strings.ToUpper(email), "secret", secret)},
		"v0.9, JSON": {method: http.MethodPost, path: gen,
			body: map[string]string{"participant_code": code, "username": email, "secret": secret}},
		"Keycloak, as the SDK sends it": {method: http.MethodPost, path: kc, contentType: formCT,
			body: "client_id=registry-frontend&username=" + url.QueryEscape(email) + "&password=" + url.QueryEscape(secret) + "&grant_type=password"},
		"Keycloak, username the code, realm hcx": {method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token",
			contentType: formCT, body: form("grant_type", "password", "username", code, "password", secret)},
	}
	for name, req := range ok {
		res := f.do(req)
		require.Equal(t, http.StatusOK, res.status, "%s: %s", name, res.body)
		var tok map[string]any
		res.decode(t, &tok)
		assert.Equal(t, "Bearer", tok["token_type"], name)
		assert.InDelta(t, 3600, tok["expires_in"], 0, name)
		claims, err := f.svc.VerifyToken(context.Background(), tok["access_token"].(string))
		require.NoError(t, err, name)
		assert.Equal(t, code, claims.ParticipantCode, name)

		// The token opens the specification's search.
		res = f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok["access_token"].(string)),
			body: `{"filters":{"participant_code":{"eq":"` + code + `"}}}`})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", name, res.body)
	}

	// Every credential failure: the one answer of /v1/onboarding/token.
	want := refusalOf(f.do(request{method: http.MethodPost, path: "/v1/onboarding/token",
		body: httpapi.TokenRequest{ParticipantCode: code, Secret: "wrong"}}))
	require.Equal(t, http.StatusUnauthorized, want.status)
	other, otherSecret := f.live("Another Regulator")
	refused := map[string]request{
		"v0.9 wrong secret": {method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", code, "username", code, "secret", "hcxs_wrong")},
		"v0.9 unknown code": {method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", "nobody@hcx", "username", "nobody@hcx", "secret", secret)},
		"v0.9 no username": {method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", code, "secret", secret)},
		"v0.9 another participant's code as username": {method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", code, "username", other.Participant.ParticipantCode, "secret", secret)},
		"v0.9 another participant's secret": {method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", code, "username", code, "secret", otherSecret)},
		"v0.9 empty form": {method: http.MethodPost, path: gen, contentType: formCT, body: ""},
		"Keycloak wrong password": {method: http.MethodPost, path: kc, contentType: formCT,
			body: form("grant_type", "password", "username", email, "password", "nope")},
		"Keycloak unknown e-mail": {method: http.MethodPost, path: kc, contentType: formCT,
			body: form("grant_type", "password", "username", "someone@else.example", "password", secret)},
		"Keycloak no username": {method: http.MethodPost, path: kc, contentType: formCT,
			body: form("grant_type", "password", "password", secret)},
	}
	// The Keycloak route answers the same status and headers in OAuth's
	// shape, as Keycloak does: an OAuth client library reads its error
	// code, invalid_grant.
	wantKC := want
	wantKC.body = `{"error":"invalid_grant","error_description":"the participant code and secret were not accepted"}` + "\n"
	for name, req := range refused {
		if strings.HasPrefix(req.path, "/auth/realms/") {
			assert.Equal(t, wantKC, refusalOf(f.do(req)), name)
			continue
		}
		assert.Equal(t, want, refusalOf(f.do(req)), name)
	}

	// Not credentials: the request itself is wrong. The Keycloak route
	// says so as Keycloak does, with an OAuth error code.
	for name, tc := range map[string]struct {
		req    request
		status int
		oauth  string
	}{
		"unknown realm": {request{method: http.MethodPost, path: "/auth/realms/master/protocol/openid-connect/token", contentType: formCT,
			body: form("grant_type", "password", "username", email, "password", secret)}, http.StatusNotFound, "invalid_request"},
		"client_credentials grant": {request{method: http.MethodPost, path: kc, contentType: formCT,
			body: form("grant_type", "client_credentials", "client_id", "x", "client_secret", "y")}, http.StatusBadRequest, "unsupported_grant_type"},
		"Keycloak takes no JSON": {request{method: http.MethodPost, path: kc,
			body: map[string]string{"grant_type": "password", "username": email, "password": secret}}, http.StatusUnsupportedMediaType, "invalid_request"},
		"Keycloak, an unknown query parameter": {request{method: http.MethodPost, path: kc + "?grant_type=password", contentType: formCT,
			body: form("grant_type", "password", "username", email, "password", secret)}, http.StatusBadRequest, "invalid_request"},
		"an unknown form field": {request{method: http.MethodPost, path: gen, contentType: formCT,
			body: form("participant_code", code, "username", code, "secret", secret, "role", "admin")}, http.StatusBadRequest, ""},
		"a field given twice": {request{method: http.MethodPost, path: gen, contentType: formCT,
			body: "participant_code=a&participant_code=b"}, http.StatusBadRequest, ""},
		"text/plain": {request{method: http.MethodPost, path: gen, contentType: "text/plain", body: "x"}, http.StatusUnsupportedMediaType, ""},
		"GET":        {request{method: http.MethodGet, path: gen}, http.StatusMethodNotAllowed, ""},
	} {
		res := f.do(tc.req)
		assert.Equal(t, tc.status, res.status, "%s: %s", name, res.body)
		if tc.oauth == "" {
			res.envelope(t)
			continue
		}
		var e httpapi.OAuthError
		require.NoError(t, json.Unmarshal(res.body, &e), "%s: %s", name, res.body)
		assert.Equal(t, tc.oauth, e.Error, name)
		assert.NotEmpty(t, e.ErrorDescription, name)
	}

	// A compromise report revokes the secret on every route.
	require.NoError(t, f.svc.ReportCompromise(context.Background(), code, "participant:"+code, "leaked"))
	for name, req := range ok {
		if strings.HasPrefix(req.path, "/auth/realms/") {
			assert.Equal(t, wantKC, refusalOf(f.do(req)), "after the compromise report: %s", name)
			continue
		}
		assert.Equal(t, want, refusalOf(f.do(req)), "after the compromise report: %s", name)
	}
}

// A Handler and engine in the reference platform's profile: the token
// the Keycloak route answers carries what the platform's gateway reads,
// and its sub is the osOwner of the participant's record, which the
// gateway matches.
func TestPlatformProfileEndToEnd(t *testing.T) {
	t.Parallel()
	f := platformFixture(t)
	a, secret := f.live("Insurance Regulatory Authority")

	res := f.do(request{method: http.MethodPost, path: "/auth/realms/swasth-hcx-participants/protocol/openid-connect/token",
		contentType: "application/x-www-form-urlencoded",
		body:        url.Values{"grant_type": {"password"}, "client_id": {"registry-frontend"}, "username": {a.Participant.ParticipantCode}, "password": {secret}}.Encode()})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var tok httpapi.SpecTokenResponse
	res.decode(t, &tok)
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok.AccessToken, ".")[1])
	require.NoError(t, err)
	var claims struct {
		Sub         string   `json:"sub"`
		Entity      []string `json:"entity"`
		RealmAccess struct {
			Roles []string `json:"roles"`
		} `json:"realm_access"`
	}
	require.NoError(t, json.Unmarshal(raw, &claims))
	assert.Equal(t, []string{"Organisation"}, claims.Entity)
	assert.Equal(t, []string{"agency.regulator"}, claims.RealmAccess.Roles)

	res = f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: bearer(tok.AccessToken),
		body: `{"participant_code":"` + a.Participant.ParticipantCode + `"}`})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var ans specAnswer
	res.decode(t, &ans)
	assert.Equal(t, []any{claims.Sub}, ans.Participants[0]["osOwner"], "the gateway's caller check: osOwner[0] = sub")

	// The JWKS publishes the RS256 key first.
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/jwks"})
	set, err := jwk.Parse(res.body)
	require.NoError(t, err)
	first, _ := set.Key(0)
	assert.Equal(t, "RS256", first.Algorithm().String())
}

func TestCertificatesByURL(t *testing.T) {
	t.Parallel()
	// The renewal below is the participant's own, without the step-up
	// code the engine asks of it by default.
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithStepUp(false)})
	a, _ := f.live("Insurance Regulatory Authority")
	path := "/certificates/" + url.PathEscape(a.Participant.ParticipantCode) + "/encryption_cert.pem"
	res := f.do(request{method: http.MethodGet, path: path})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	assert.Equal(t, "application/x-pem-file", res.header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(res.body, []byte("-----BEGIN CERTIFICATE-----\n")), "the SDK tests the first line")
	assert.Equal(t, validDetails(t).EncryptionCert, string(res.body))
	etag := res.header.Get("ETag")
	require.NotEmpty(t, etag)
	assert.Contains(t, res.header.Get("Cache-Control"), "max-age=")

	// Revalidation.
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("If-None-Match", etag)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusNotModified, w.Code)
	assert.Empty(t, w.Body.Bytes())

	// HEAD, and the URL the record carries is this one.
	assert.Equal(t, http.StatusOK, f.do(request{method: http.MethodHead, path: path}).status)
	res = f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth,
		body: `{"participant_code":"` + a.Participant.ParticipantCode + `"}`})
	var ans specAnswer
	res.decode(t, &ans)
	assert.Equal(t, "http://example.com"+path, ans.Participants[0]["encryption_cert"])
	assert.NotContains(t, ans.Participants[0], "signing_cert_path", "no signing certificate given")

	// A renewed certificate shows at the same URL with a new ETag.
	renewed, err := selfSigned()
	require.NoError(t, err)
	_, err = f.svc.SubmitDetails(context.Background(), a.ID, onboarding.Details{
		EndpointURL: "https://hcx.participant.example/v0.9", EncryptionCert: renewed, SigningCertPath: renewed})
	require.NoError(t, err)
	res = f.do(request{method: http.MethodGet, path: path})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, renewed, string(res.body))
	assert.NotEqual(t, etag, res.header.Get("ETag"))
	res = f.do(request{method: http.MethodGet, path: "/certificates/" + a.Participant.ParticipantCode + "/signing_cert.pem"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, renewed, string(res.body))

	for name, p := range map[string]string{
		"unknown participant": "/certificates/nobody@hcx/encryption_cert.pem",
		"over-long code":      "/certificates/" + strings.Repeat("x", 600) + "/encryption_cert.pem",
	} {
		res := f.do(request{method: http.MethodGet, path: p})
		assert.Equal(t, http.StatusNotFound, res.status, name)
		assert.Equal(t, httpapi.CodeInvalidParticipantCode, res.envelope(t).Error.Code, name)
	}
}

// The certificate of a participant whose record holds none is a 404 in
// the envelope; base64 PEM (as step 3 accepts it) is served as PEM.
func TestCertificateForms(t *testing.T) {
	t.Parallel()
	ps := specFixture(t)
	pemText := ps[0].EncryptionCert
	ps[0].EncryptionCert = base64.StdEncoding.EncodeToString([]byte("\n" + pemText))
	s := newSeeded(t, ps)
	res := s.do(request{method: http.MethodGet, path: "/certificates/" + ps[0].ParticipantCode + "/encryption_cert.pem"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, pemText, string(res.body))
	res = s.do(request{method: http.MethodGet, path: "/certificates/" + ps[1].ParticipantCode + "/encryption_cert.pem"})
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, httpapi.CodeInvalidCertificate, res.envelope(t).Error.Code)
}

// The OpenAPI document describes the specification's routes as they
// answer: both bodies of the v0.9 token route, the Keycloak form, PEM
// certificates with revalidation, bounds as strings and participants as a
// required list.
func TestSpecOpenAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, httpapi.WithSpecAPI("/v0.8", "/v0.9", ""))
	doc, _ := fetchOpenAPI(t, f)
	for _, base := range []string{"/v0.8", "/v0.9", ""} {
		for _, p := range []string{"/participant/search", "/participant/read", "/participant/auth/token/generate"} {
			require.Contains(t, doc.Paths, base+p)
			require.Contains(t, doc.Paths[base+p], "post", base+p)
		}
		require.Contains(t, doc.Paths[base+"/participant/read/{code}"], "get")
	}
	gen := doc.Paths["/v0.9/participant/auth/token/generate"]["post"]
	content := gen["requestBody"].(map[string]any)["content"].(map[string]any)
	assert.Contains(t, content, "application/json")
	assert.Contains(t, content, "application/x-www-form-urlencoded")
	assert.Contains(t, gen["responses"], "401")

	kc := doc.Paths["/auth/realms/{realm}/protocol/openid-connect/token"]["post"]
	content = kc["requestBody"].(map[string]any)["content"].(map[string]any)
	assert.Equal(t, []string{"application/x-www-form-urlencoded"}, keysOf(content))
	assert.Contains(t, kc["responses"], "401")
	assert.NotContains(t, kc["responses"], "403", "no CSRF check outside the console")

	cert := doc.Paths["/certificates/{code}/encryption_cert.pem"]["get"]
	ok := cert["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
	assert.Equal(t, []string{"application/x-pem-file"}, keysOf(ok))
	assert.Contains(t, cert["responses"], "304")
	assert.Contains(t, cert["responses"], "404")

	resp := doc.Components.Schemas["SpecSearchResponse"].(map[string]any)
	assert.ElementsMatch(t, []any{"participants", "timestamp"}, resp["required"])
	assert.Equal(t, "array", resp["properties"].(map[string]any)["participants"].(map[string]any)["type"])
	cond := doc.Components.Schemas["registry.Condition"].(map[string]any)["properties"].(map[string]any)
	for _, op := range []string{"eq", "neq", "contains", "notContains", "startsWith", "notStartsWith", "endsWith", "notEndsWith", "gt", "gte", "lt", "lte"} {
		assert.Equal(t, "string", cond[op].(map[string]any)["type"], op)
	}
	assert.Equal(t, "string", cond["between"].(map[string]any)["items"].(map[string]any)["type"])
	assert.Equal(t, "array", cond["or"].(map[string]any)["type"])

	// The specification's search takes every operator of the registry's
	// search and queryString.
	search := doc.Paths["/v0.9/participant/search"]["post"]
	body := search["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	assert.Equal(t, "#/components/schemas/SpecSearchRequest", body["$ref"])
	req := doc.Components.Schemas["SpecSearchRequest"].(map[string]any)["properties"].(map[string]any)
	for _, p := range []string{"filters", "limit", "offset", "cursor"} {
		assert.Contains(t, req, p)
	}
	// The filters name the searchable fields; the time fields take the
	// bound operators only.
	filters := req["filters"].(map[string]any)
	assert.Equal(t, false, filters["additionalProperties"])
	byField := filters["properties"].(map[string]any)
	assert.ElementsMatch(t, registry.Fields(), keysOf(byField))
	for field, s := range byField {
		want := "#/components/schemas/SpecCondition"
		if field == registry.FieldCreatedAt || field == registry.FieldUpdatedAt {
			want = "#/components/schemas/SpecTimeCondition"
		}
		assert.Equal(t, want, s.(map[string]any)["$ref"], field)
	}
	timeOps := doc.Components.Schemas["SpecTimeCondition"].(map[string]any)["properties"].(map[string]any)
	assert.ElementsMatch(t, []string{"gt", "gte", "lt", "lte", "between", "queryString"}, keysOf(timeOps))
	spec := doc.Components.Schemas["SpecCondition"].(map[string]any)
	assert.Equal(t, false, spec["additionalProperties"])
	specOps := spec["properties"].(map[string]any)
	for op := range cond {
		assert.Equal(t, cond[op], specOps[op], op)
	}
	assert.Equal(t, "string", specOps["queryString"].(map[string]any)["type"])
	assert.Len(t, specOps, len(cond)+1)
	assert.NotContains(t, spec, "required", "every operator is optional")
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Under the specification's profile (the default) a beneficiary platform's
// record carries the specification's spelling of its role, and a search
// finds it by either spelling.
func TestSpecProfileSpellsBSPAsTheSpecification(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)
	bsp := &hcxonboard.Participant{ParticipantCode: "bsp_claimm_000009@hcx", ParticipantName: "ClaimMitra",
		Roles: []hcxonboard.Role{hcxonboard.RoleBSP}, PrimaryEmail: "ops@claimmitra.example", PrimaryMobile: "9000000009",
		Status: hcxonboard.StatusActive, EndpointURL: "https://hcx.claimmitra.example/v0.9",
		EncryptionCert: validDetails(t).EncryptionCert, CreatedAt: at, UpdatedAt: at}
	s := newSeeded(t, []*hcxonboard.Participant{bsp})
	res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth,
		body: `{"participant_code":"` + bsp.ParticipantCode + `"}`})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var a specAnswer
	res.decode(t, &a)
	assert.Equal(t, []any{"BSP"}, a.Participants[0]["roles"])
	for _, spelling := range []string{"BSP", "bsp"} {
		res = s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
			body: `{"filters":{"roles":{"eq":"` + spelling + `"}}}`})
		require.Equal(t, http.StatusOK, res.status, "%s", res.body)
		res.decode(t, &a)
		assert.Equal(t, []string{bsp.ParticipantCode}, codesOf(a), spelling)
	}
}

// platformFixture is a Handler and engine in the reference platform's
// profile, its access tokens RS256 under a fresh key.
func platformFixture(t *testing.T) *fixture {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	jk, err := jwk.FromRaw(key)
	require.NoError(t, err)
	tokens, err := credential.NewTokens(jk, credential.WithProfile(credential.ProfilePlatform))
	require.NoError(t, err)
	return newFixtureWith(t, []onboarding.Option{onboarding.WithTokens(tokens)}, httpapi.WithProfile(credential.ProfilePlatform))
}
