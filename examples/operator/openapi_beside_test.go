package main

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"
)

// Everything the operator's server answers is in its OpenAPI document,
// the routes served beside the API included: a client that validates
// against the document finds the metrics, the policy and the readiness
// key set there, and their answers match it.
func TestRoutesBesideTheAPIAreDocumented(t *testing.T) {
	t.Parallel()
	base, _, _ := start(t, "-data", t.TempDir())
	status, raw := get(t, base+"/openapi.json")
	require.Equal(t, http.StatusOK, status)
	doc, err := openapi3.NewLoader().LoadFromData([]byte(raw))
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	openapi3filter.RegisterBodyDecoder("text/plain", openapi3filter.FileBodyDecoder)

	for _, path := range []string{metricsPath, policyPath, readinessJWKSPath} {
		res, err := http.Get(base + path)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", path, body)

		req, err := http.NewRequest(http.MethodGet, "http://example.com"+path, nil)
		require.NoError(t, err)
		route, params, err := router.FindRoute(req)
		require.NoError(t, err, "%s is not in the document", path)
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		require.NoError(t, openapi3filter.ValidateRequest(context.Background(), in))
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(body)
		require.NoError(t, openapi3filter.ValidateResponse(context.Background(), out), "%s answered what the document does not describe", path)
	}
}
