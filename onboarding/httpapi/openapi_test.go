package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

type openAPI struct {
	OpenAPI    string                               `json:"openapi"`
	Paths      map[string]map[string]map[string]any `json:"paths"`
	Components struct {
		Schemas map[string]any `json:"schemas"`
	} `json:"components"`
}

func fetchOpenAPI(t *testing.T, f *fixture) (openAPI, []byte) {
	t.Helper()
	res := f.do(request{method: http.MethodGet, path: "/openapi.json"})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "application/json; charset=utf-8", res.header.Get("Content-Type"))
	var doc openAPI
	require.NoError(t, json.Unmarshal(res.body, &doc))
	return doc, res.body
}

// Every route the mux serves is documented, and every documented
// operation reaches the route it documents.
func TestOpenAPIMatchesTheMux(t *testing.T) {
	t.Parallel()
	for _, console := range []bool{true, false} {
		f := newFixture(t, httpapi.WithConsole(console))
		doc, _ := fetchOpenAPI(t, f)
		assert.Equal(t, httpapi.OpenAPIVersion, doc.OpenAPI)

		registered := f.h.Patterns()
		require.Len(t, registered, len(f.h.Routes()))
		for _, p := range registered {
			method, path, ok := strings.Cut(p, " ")
			require.True(t, ok, p)
			ops, ok := doc.Paths[strings.TrimSuffix(path, "{$}")]
			require.True(t, ok, "path of %s is not documented", p)
			_, ok = ops[strings.ToLower(method)]
			assert.True(t, ok, "%s is not documented", p)
			if !console {
				assert.False(t, strings.HasPrefix(path, "/console/"), "console disabled but %s registered", p)
			}
		}

		documented := 0
		wildcard := regexp.MustCompile(`\{[a-z]+\}`)
		for path, ops := range doc.Paths {
			for method := range ops {
				documented++
				m := strings.ToUpper(method)
				target := wildcard.ReplaceAllString(path, "x1")
				r := httptest.NewRequest(m, target, nil)
				got := f.h.MatchPattern(r)
				assert.Equal(t, m+" "+path, strings.TrimSuffix(got, "{$}"), "%s %s is not served by its route", m, path)
			}
		}
		assert.Equal(t, len(registered), documented)
	}
}

// The document is well formed: unique operation ids, a success answer for
// each operation, every $ref resolvable, every path wildcard declared.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	doc, raw := fetchOpenAPI(t, f)
	ids := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			id, _ := op["operationId"].(string)
			require.NotEmpty(t, id, "%s %s", method, path)
			assert.False(t, ids[id], "operationId %s twice", id)
			ids[id] = true
			responses, _ := op["responses"].(map[string]any)
			require.NotEmpty(t, responses, id)
			hasSuccess := false
			for st := range responses {
				if st[0] == '2' || st[0] == '3' {
					hasSuccess = true
				}
			}
			assert.True(t, hasSuccess, id)
			assert.Contains(t, responses, "405", id)
			var declared []string
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm := p.(map[string]any)
				if pm["in"] == "path" {
					declared = append(declared, "{"+pm["name"].(string)+"}")
				}
			}
			for _, w := range regexp.MustCompile(`\{[a-z]+\}`).FindAllString(path, -1) {
				assert.Contains(t, declared, w, "%s: wildcard %s undeclared", id, w)
			}
		}
	}
	for _, ref := range regexp.MustCompile(`"\$ref": "#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		assert.Contains(t, doc.Components.Schemas, ref[1], "dangling $ref")
	}

	// Request bodies are the Go types the handlers decode.
	apply := doc.Paths["/v1/onboarding/applications"]["post"]
	body := apply["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	// The request's schema is named apart from the answer's: an answer
	// carries every member, a request only what the server needs.
	assert.Equal(t, "#/components/schemas/hcxonboard.ApplicationInput", body["$ref"])
	app := doc.Components.Schemas["hcxonboard.ApplicationInput"].(map[string]any)
	props := app["properties"].(map[string]any)
	for _, field := range []string{"participant_name", "roles", "primary_email", "primary_mobile", "sandbox_certificate", "identifiers", "documents"} {
		assert.Contains(t, props, field)
	}
	// A request takes every spelling of a role the server reads; an
	// answer only the specification's.
	roles := props["roles"].(map[string]any)["items"].(map[string]any)["oneOf"].([]any)
	names := roles[0].(map[string]any)["enum"]
	assert.Contains(t, names, "provider.hospital")
	assert.Contains(t, names, "payor")
	assert.Contains(t, roles[1].(map[string]any)["enum"], float64(10002))
	assert.ElementsMatch(t, []any{"participant_name", "primary_mobile", "roles", "sandbox_certificate", "sandbox_participant_code"}, app["required"])
	answered := doc.Components.Schemas["hcxonboard.Application"].(map[string]any)
	answeredRoles := answered["properties"].(map[string]any)["roles"].(map[string]any)["items"].(map[string]any)
	assert.Contains(t, answeredRoles["enum"], "payer")
	assert.NotContains(t, answeredRoles["enum"], "payor")
	assert.Contains(t, answered["required"], "identifiers", "an answer always carries identifiers")
	envelope := doc.Components.Schemas["ErrorResponse"].(map[string]any)["properties"].(map[string]any)
	assert.Contains(t, envelope, "timestamp")
	assert.Contains(t, envelope, "error")
}

// The routes of the trust and decision work are documented with their
// closed vocabularies.
func TestOpenAPIDocumentsDecisionRoutesAndEnums(t *testing.T) {
	t.Parallel()
	_, body := fetchOpenAPI(t, newFixture(t))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(body, &doc))
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{
		"/v1/onboarding/applications/{id}/decline", "/v1/onboarding/applications/{id}/step-up",
		"/v1/onboarding/applications/{id}/applicant-token", "/v1/onboarding/staff/applications/{id}/send-back",
		"/v1/onboarding/payer/approvals",
	} {
		assert.Contains(t, paths, p)
	}
	assert.Contains(t, paths["/v1/onboarding/applications/{id}"], "patch", "amendments")
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	enumOf := func(schema, field string) []any {
		t.Helper()
		s, ok := schemas[schema].(map[string]any)
		require.True(t, ok, "schema %s", schema)
		f, ok := s["properties"].(map[string]any)[field].(map[string]any)
		require.True(t, ok, "%s.%s", schema, field)
		e, _ := f["enum"].([]any)
		return e
	}
	assert.ElementsMatch(t, []any{"approve", "reject"}, enumOf("DecisionRequest", "decision"))
	assert.ElementsMatch(t, []any{"approve", "reject"}, enumOf("ApprovalDecision", "decision"))
	assert.ElementsMatch(t, []any{"details", "deboard"}, enumOf("StepUpRequest", "purpose"))
	assert.ElementsMatch(t, []any{"voluntary", "regulator", "hcx"}, enumOf("DeboardRequest", "initiator"))
}

// Every route the document calls open answers without a credential, and
// one that answers 401 without one names its credential: a client
// generated from the document sends the participant's access token to the
// payer routes and to participant/update.
func TestOpenAPISecurityMatchesWhatRoutesAsk(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	doc, _ := fetchOpenAPI(t, f)
	for _, rt := range []struct{ method, path, body string }{
		{http.MethodGet, "/v1/onboarding/payer/approvals", ""},
		{http.MethodPost, "/v1/onboarding/payer/approvals", `{"decisions":[]}`},
		{http.MethodPost, "/v0.9/participant/update", `{}`},
	} {
		op := doc.Paths[rt.path][strings.ToLower(rt.method)]
		require.NotNil(t, op, rt.path)
		assert.Equal(t, []any{map[string]any{"participantToken": []any{}}}, op["security"], "%s %s", rt.method, rt.path)
		req := request{method: rt.method, path: rt.path}
		if rt.body != "" {
			req.body = rt.body
		}
		assert.Equal(t, http.StatusUnauthorized, f.do(req).status, "%s %s without a token", rt.method, rt.path)
	}
	for _, r := range f.h.Routes() {
		if r.Pattern == "/v1/onboarding/payer/approvals" || r.Pattern == "/v0.9/participant/update" {
			assert.Equal(t, "participant", r.Auth, r.Pattern)
		}
	}
}
