package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Routes served beside the Handler are in its document, not among its
// routes, and the Handler does not answer them itself.
func TestDocumentedRoutesBeside(t *testing.T) {
	t.Parallel()
	f := newFixture(t, httpapi.WithDocumentedRoutes(
		httpapi.DocumentedRoute{Path: "/metrics", Summary: "Prometheus metrics", MediaType: "text/plain"},
		httpapi.DocumentedRoute{Path: "/keys.json", Summary: "Keys", MediaType: "application/jwk-set+json"}))
	doc, _ := fetchOpenAPI(t, f)
	for _, p := range []string{"/metrics", "/keys.json"} {
		assert.Contains(t, doc.Paths, p)
		for _, rt := range f.h.Routes() {
			assert.NotEqual(t, p, rt.Pattern, "not among the routes the Handler serves")
		}
		res := f.do(request{method: http.MethodGet, path: p})
		assert.Equal(t, http.StatusNotFound, res.status, "%s is served beside the Handler, not by it", p)
	}

	for name, d := range map[string]httpapi.DocumentedRoute{
		"one of its own":   {Path: "/openapi.json", MediaType: "application/json"},
		"no leading slash": {Path: "metrics", MediaType: "text/plain"},
		"no media type":    {Path: "/metrics"},
	} {
		_, err := httpapi.New(f.svc, httpapi.WithDocumentedRoutes(d))
		assert.Error(t, err, name)
	}
	_, err := httpapi.New(f.svc, httpapi.WithDocumentedRoutes(httpapi.DocumentedRoute{Path: "/x", MediaType: "text/plain"},
		httpapi.DocumentedRoute{Path: "/x", MediaType: "text/plain"}))
	require.Error(t, err, "listed twice")
}

// The key set answers 304 to a client that has it (If-None-Match), and
// the document says so.
func TestJWKSNotModifiedIsDocumented(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/jwks"})
	require.Equal(t, http.StatusOK, res.status)
	etag := res.header.Get("ETag")
	require.NotEmpty(t, etag)
	again := f.do(request{method: http.MethodGet, path: "/v1/onboarding/jwks", header: http.Header{"If-None-Match": {etag}}})
	require.Equal(t, http.StatusNotModified, again.status)

	doc, _ := fetchOpenAPI(t, f)
	responses, _ := doc.Paths["/v1/onboarding/jwks"]["get"]["responses"].(map[string]any)
	assert.Contains(t, responses, "304")
}
