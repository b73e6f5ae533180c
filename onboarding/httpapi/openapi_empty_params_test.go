package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A query parameter given empty counts as not given, as the console's
// own search form sends a field left blank (name=&code=&status=&role=);
// the document accepts what the server does.
func TestEmptyQueryParametersMatchTheDocument(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := newDocValidator(t, f, map[string]int{})
	for _, path := range []string{
		"/v1/onboarding/staff/applications?waiting=&limit=&offset=&cursor=",
		"/v1/onboarding/staff/certificates/expiring?limit=",
		"/v1/onboarding/staff/outbox?limit=",
	} {
		ex := v.do(request{method: http.MethodGet, path: path, auth: staffAuth})
		assert.Equal(t, http.StatusOK, ex.status, "%s: %s", path, ex.body)
		assert.NoError(t, ex.requestErr, "%s: the server accepts it; the document should too", path)
	}

	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	b.login(staffToken)
	for _, path := range []string{
		"/console/participants?name=&code=&status=&role=",
		"/console/queue?waiting=&offset=",
	} {
		p := b.get(path)
		require.Equal(t, http.StatusOK, p.status, "%s: %s", path, p.body)
	}
}
