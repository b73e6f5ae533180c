package hfrtest_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A test that moves its client's clock — to expire the cached session
// token, say — meets a fake that takes the TIMESTAMP it is sent: the
// gateway's tolerance for drift is unpublished, so the fake checks it only
// when asked (WithClockSkew).
func TestClientOnAMovedClock(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	clock := &testClock{t: time.Now()}
	c, err := srv.Client(hfr.WithClock(clock.now))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	id := hfrtest.DemoFacilities()[0].Facility.ID
	ctx := context.Background()
	_, err = c.Facility(ctx, id)
	require.NoError(t, err)
	_, err = c.Facility(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 1, srv.SessionRequests(), "the token is cached")

	clock.advance(hfrtest.DefaultTokenTTL) // past expiresIn − 60 s
	_, err = c.Facility(ctx, id)
	require.NoError(t, err, "a TIMESTAMP twenty minutes ahead of the fake's clock")
	assert.Equal(t, 2, srv.SessionRequests(), "an expired token is refreshed")
}

// WithClockSkew restores the check, against the fake's own clock
// (WithClock), which Client hands the client it makes.
func TestClockSkewChecked(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)}
	srv := hfrtest.NewServer(hfrtest.WithSeed(true), hfrtest.WithClock(clock.now), hfrtest.WithClockSkew(5*time.Minute))
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	id := hfrtest.DemoFacilities()[0].Facility.ID
	_, err = c.Facility(context.Background(), id)
	require.NoError(t, err, "the client runs on the fake's clock")

	req, err := http.NewRequest(http.MethodPost, srv.URL+hfrtest.PathSessionV3,
		strings.NewReader(`{"clientId":"`+hfrtest.DefaultClientID+`","clientSecret":"`+hfrtest.DefaultClientSecret+`","grantType":"client_credentials"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("REQUEST-ID", "8f4f7a44-3b0e-4b8e-9d5e-1d1d3c1f0a11")
	req.Header.Set("X-CM-ID", "sbx")
	req.Header.Set("TIMESTAMP", clock.now().Add(-time.Hour).Format("2006-01-02T15:04:05.000Z"))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an hour behind the fake's clock")
}
