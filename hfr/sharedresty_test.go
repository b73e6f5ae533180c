package hfr_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/go-resty/resty/v2"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// A resty client is shared by its owner, who keeps sending on it while an
// hfr.Client is built on it: New must not write the http.Client's fields
// under the feet of those requests (run with -race), nor change how the
// owner's own requests follow redirects.
func TestNewDoesNotRewriteASharedRestyClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/r" {
			http.Redirect(w, r, "/ok", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	rc := resty.New()

	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // the owner's own traffic
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = rc.R().Get(srv.URL + "/r")
		}
	}()
	for range 50 {
		c, err := hfr.New(hfr.WithGatewayURL(srv.URL), hfr.WithRegistryURL(srv.URL+"/v4/int"),
			hfr.WithCredentials("id", "s3cr3t-secret"), hfr.WithRestyClient(rc))
		require.NoError(t, err)
		_ = c.Close()
	}
	close(stop)
	wg.Wait()

	res, err := rc.R().Get(srv.URL + "/r")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode(), "the owner's resty client no longer follows its own same-host redirect")
}
