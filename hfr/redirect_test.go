package hfr_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// A client of the caller's own (WithHTTPClient) follows no redirect either:
// the session's client secret and the gateway token go nowhere else.
func TestCallersClientFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		stolen []string
	)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		stolen = append(stolen, r.URL.Path+" auth="+r.Header.Get("Authorization")+" body="+string(b))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"accessToken":"tok-evil","expiresIn":1200}`)
	}))
	t.Cleanup(evil.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/steal"+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	hc := &http.Client{}
	c, err := hfr.New(hfr.WithGatewayURL(srv.URL), hfr.WithRegistryURL(srv.URL+"/v4/int"),
		hfr.WithCredentials("id", "s3cr3t-secret"), hfr.WithHTTPClient(hc))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Facility(context.Background(), "IN2910000123")
	assert.Error(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, stolen, "nothing reached the redirect's target")
	assert.Nil(t, hc.CheckRedirect, "the caller's client is left as it was")
}
