package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A route served beside the Handler is mounted for its own method only, so
// a request with another method falls through to the Handler: it answers
// 405 with Allow in the error envelope, as for its own routes, not 404.
func TestDocumentedRouteWrongMethodIs405(t *testing.T) {
	t.Parallel()
	f := newFixture(t, httpapi.WithDocumentedRoutes(
		httpapi.DocumentedRoute{Path: "/metrics", Summary: "Prometheus metrics", MediaType: "text/plain"},
		httpapi.DocumentedRoute{Method: http.MethodPost, Path: "/hook", Summary: "A hook", MediaType: "application/json"}))
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPost, "/metrics", "GET, HEAD"},
		{http.MethodDelete, "/metrics", "GET, HEAD"},
		{http.MethodGet, "/hook", "POST"},
	} {
		res := f.do(request{method: tc.method, path: tc.path})
		require.Equal(t, http.StatusMethodNotAllowed, res.status, "%s %s: %s", tc.method, tc.path, res.body)
		assert.Equal(t, tc.allow, res.header.Get("Allow"), "%s %s", tc.method, tc.path)
		var env struct {
			Timestamp int64 `json:"timestamp"`
			Error     struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		require.NoError(t, json.Unmarshal(res.body, &env), "%s", res.body)
		assert.NotZero(t, env.Timestamp)
		assert.Equal(t, "ERR_INVALID_REQUEST", env.Error.Code)
	}
}
