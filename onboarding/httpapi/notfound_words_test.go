package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A path no route serves — the base URL a newcomer opens first, a typo —
// says where the routes are, in the envelope.
func TestUnknownPathSaysWhereTheRoutesAre(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, path := range []string{"/", "/v1/onboarding/aplications"} {
		res := f.do(request{method: http.MethodGet, path: path})
		assert.Equal(t, http.StatusNotFound, res.status, path)
		e := res.envelope(t)
		assert.Equal(t, "ERR_INVALID_REQUEST", e.Error.Code, path)
		assert.Contains(t, e.Error.Message, "no route for "+path, path)
		assert.Contains(t, e.Error.Message, "GET /openapi.json", path)
	}
	res := f.do(request{method: http.MethodGet, path: "/openapi.json"})
	assert.Equal(t, http.StatusOK, res.status, "the document it names is there")
}
