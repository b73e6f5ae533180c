package hfr_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// A gateway session that cannot be opened is an outage whatever the
// session endpoint answered — a 404 there is a gateway moved or
// misconfigured — never "no such facility" or "no such professional":
// HFR and HPR were never asked.
func TestSessionFailureIsNeverNotFound(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		status int
		body   string
	}{
		{"404 text", http.StatusNotFound, "404 page not found"},
		{"400 bad request", http.StatusBadRequest, `{"error":"bad request"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			asked := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/sessions") {
					w.WriteHeader(c.status)
					_, _ = w.Write([]byte(c.body))
					return
				}
				asked++
				w.WriteHeader(http.StatusNotFound)
			}))
			defer srv.Close()
			cl, err := hfr.New(hfr.WithGatewayURL(srv.URL), hfr.WithRegistryURL(srv.URL+"/v4/int"),
				hfr.WithCredentials("client-id", "client-secret-value"))
			require.NoError(t, err)
			defer cl.Close()
			_, err = cl.Professional(context.Background(), "71-2665-5777-1234")
			require.Error(t, err)
			require.NotErrorIs(t, err, hfr.ErrNotFound)
			require.ErrorIs(t, err, hfr.ErrUnavailable)
			_, err = cl.Facility(context.Background(), "IN2910000123")
			require.NotErrorIs(t, err, hfr.ErrNotFound)
			require.ErrorIs(t, err, hfr.ErrUnavailable)
			require.Zero(t, asked, "the registry is never asked without a session")
		})
	}
}
