package hfr_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

func TestRedirectsNotFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/hiecm/gateway/v3/sessions":
			io.WriteString(w, `{"accessToken":"tok","expiresIn":1200}`)
		case "/v4/int/FacilityManagement/v1.5/facility/search":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		default:
			elsewhere.Add(1)
			io.WriteString(w, hitBody)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := hfr.New(hfr.WithGatewayURL(srv.URL), hfr.WithRegistryURL(srv.URL+"/v4/int"), hfr.WithCredentials("id", "secret"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	_, err = c.Facility(context.Background(), "IN2910000123")
	var apiErr *hfr.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
	assert.Zero(t, elsewhere.Load(), "the bearer token is not carried to another URL")
}
