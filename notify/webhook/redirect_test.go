package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify/webhook"
)

// A delivery redirected with a change of method — a POST answered 302,
// which a client follows as a GET without the body — is not delivered,
// though the GET's page answers 200; a 307 keeps the POST and its body,
// and is followed.
func TestRedirectIsNoDelivery(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	for status, delivered := range map[int]bool{http.StatusFound: false, http.StatusSeeOther: false, http.StatusTemporaryRedirect: true} {
		var (
			mu     sync.Mutex
			bodies []string
			gets   int
		)
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.URL.Path == "/hooks/hcx":
				http.Redirect(w, r, "/hooks/v2", status)
			case r.Method == http.MethodPost:
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
			default:
				gets++
				_, _ = io.WriteString(w, "<html>Welcome</html>")
			}
		}))
		t.Cleanup(srv.Close)
		resolve := func(context.Context, string) (string, error) { return srv.URL + "/hooks/hcx", nil }
		s, err := webhook.New(key, resolve, webhook.WithClient(srv.Client()))
		require.NoError(t, err)
		err = s.Notify(context.Background(), approvalRequest())
		mu.Lock()
		if delivered {
			require.NoError(t, err, "%d", status)
			require.Len(t, bodies, 1)
			assert.NotEmpty(t, bodies[0])
		} else {
			require.Error(t, err, "%d: the endpoint got %d body-less GET", status, gets)
			assert.Zero(t, gets, "%d", status)
		}
		mu.Unlock()
	}
}

// Each attempt is signed when it is sent: a receiver refusing old
// deliveries by their signing time takes a retry after a long wait.
func TestEachAttemptIsSignedAnew(t *testing.T) {
	t.Parallel()
	key, jwks := signingKey(t, jwa.EdDSA, "k1")
	e := newEndpoint(t, answer{http.StatusServiceUnavailable, "30"})
	var mu sync.Mutex
	now := testNow
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
		return ctx.Err()
	}
	s := newSender(t, key, e, webhook.WithClock(clock), webhook.WithSleep(sleep))
	require.NoError(t, s.Notify(context.Background(), approvalRequest()))
	got := e.requests()
	require.Len(t, got, 2)
	for i, want := range []time.Time{testNow, testNow.Add(30 * time.Second)} {
		d, err := webhook.Verify(got[i].request(), jwks)
		require.NoError(t, err)
		assert.True(t, d.SignedAt.Equal(want), "attempt %d signed at %v, sent at %v", i+1, d.SignedAt, want)
	}
}
