package rohini_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/rohini"
)

// A look-up given an HTTP client with a redirect policy of its own (a
// hop limit, say) still keeps its API key on the configured server: a
// redirect to another host must not carry the header there.
func TestHeaderStaysOnServerWithCallersRedirectPolicy(t *testing.T) {
	const key = "sk_live_3f9a7c1e5b"
	var leaked atomic.Value
	leaked.Store("")
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("X-Api-Key"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"rohini_id":"8900080336704","name":"Elsewhere Hospital"}`))
	}))
	defer elsewhere.Close()
	lookup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
	}))
	defer lookup.Close()

	hc := &http.Client{CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	l, err := rohini.NewHTTPLookup(lookup.URL, rohini.WithHeader("X-Api-Key", key), rohini.WithHTTPClient(hc))
	require.NoError(t, err)
	defer l.CloseIdleConnections()
	_, _ = l.Hospital(context.Background(), "8900080336704")
	assert.Empty(t, leaked.Load(), "the API key went to another host")
}
