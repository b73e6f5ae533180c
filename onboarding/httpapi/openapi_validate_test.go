package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// pemDecoder lets kin-openapi read the certificates' PEM answers, as the
// document describes them (a string).
var pemDecoder sync.Once

// docRouter loads the handler's own OpenAPI document with kin-openapi,
// which validates it, and routes requests by it.
func docRouter(t *testing.T, f *fixture) routers.Router {
	t.Helper()
	pemDecoder.Do(func() { openapi3filter.RegisterBodyDecoder("application/x-pem-file", openapi3filter.FileBodyDecoder) })
	_, raw := fetchOpenAPI(t, f)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	return router
}

// checked sends req to the handler and validates the request and the real
// response against the document.
func (f *fixture) checked(router routers.Router, req request) response {
	f.t.Helper()
	res := f.do(req)
	var body []byte
	switch b := req.body.(type) {
	case nil:
	case string:
		body = []byte(b)
	case []byte:
		body = b
	default:
		// Sent as JSON by do; the document is checked on the response.
		body = nil
	}
	r := httptest.NewRequest(req.method, "http://example.com"+req.path, bytes.NewReader(body))
	if req.body != nil {
		ct := req.contentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	if req.auth != "" {
		r.Header.Set("Authorization", req.auth)
	}
	route, params, err := router.FindRoute(r)
	require.NoError(f.t, err, "%s %s is not in the document", req.method, req.path)
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); res.status < http.StatusBadRequest {
		// What the server accepts, the document accepts; it may refuse
		// more of what the server refuses.
		require.NoError(f.t, err, "%s %s: request", req.method, req.path)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.status, Header: res.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(res.body)
	require.NoError(f.t, openapi3filter.ValidateResponse(context.Background(), out),
		"%s %s answered %d %s, which the document does not describe", req.method, req.path, res.status, res.body)
	return res
}

// The specification's routes answer what the OpenAPI document says, in
// every record profile: search (with queryString), read, update, both
// token routes and the certificates, their refusals included.
func TestSpecRoutesMatchTheDocument(t *testing.T) {
	t.Parallel()
	for _, profile := range credential.Profiles() {
		t.Run(string(profile), func(t *testing.T) {
			t.Parallel()
			f := newFixtureWith(t, []onboarding.Option{onboarding.WithStepUp(false)}, httpapi.WithProfile(profile))
			router := docRouter(t, f)
			ctx := context.Background()
			a, secret := f.live("Documented Regulator")
			code := a.Participant.ParticipantCode
			waiting, _ := f.submit(f.regulator("Waiting Regulator"))
			tok, err := f.svc.Token(ctx, code, secret)
			require.NoError(t, err)
			const formCT = "application/x-www-form-urlencoded"

			for _, body := range []string{
				`{"filters":{}}`,
				`{"filters":{"participant_code":{"eq":"` + code + `"}}}`,
				`{"filters":{"participant_name":{"queryString":"regulator"},"status":{"or":["Active","Created"]}},"limit":5}`,
				`{"filters":{"created_at":{"between":["2020-01-01T00:00:00Z","2100-01-01T00:00:00Z"]}},"offset":1}`,
				`{"filters":{"participant_name":{"queryString":"regul*"}}}`, // refused
				`{"filters":{"osid":{"eq":"x"}}}`,                           // refused
			} {
				f.checked(router, request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok.Value), body: body})
			}
			for _, c := range []string{code, waiting.Participant.ParticipantCode, "nobody@hcx"} {
				f.checked(router, request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth,
					body: `{"participant_code":"` + c + `"}`})
				f.checked(router, request{method: http.MethodGet, path: "/v0.9/participant/read/" + url.PathEscape(c), auth: staffAuth})
				f.checked(router, request{method: http.MethodGet, path: "/certificates/" + url.PathEscape(c) + "/encryption_cert.pem"})
			}
			f.checked(router, request{method: http.MethodGet, path: "/certificates/" + url.PathEscape(code) + "/signing_cert.pem"})

			renewed, err := selfSigned()
			require.NoError(t, err)
			for _, cert := range []string{renewed, base64.StdEncoding.EncodeToString([]byte(renewed)), "not a certificate"} {
				f.checked(router, request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value),
					body: `{"participant_code":"` + code + `","endpoint_url":"https://hcx.documented.example/v0.9","encryption_cert":` +
						jsonString(cert) + `}`})
			}

			form := url.Values{"participant_code": {code}, "username": {code}, "secret": {secret}}.Encode()
			f.checked(router, request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate", contentType: formCT, body: form})
			f.checked(router, request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate",
				body: `{"participant_code":"` + code + `","username":"` + code + `","secret":"` + secret + `"}`})
			f.checked(router, request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate", contentType: formCT,
				body: strings.Replace(form, "secret=", "secret=x", 1)})
			f.checked(router, request{method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token", contentType: formCT,
				body: url.Values{"grant_type": {"password"}, "client_id": {"registry-frontend"}, "username": {code}, "password": {secret}}.Encode()})
		})
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
