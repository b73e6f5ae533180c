package rohinitest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestDemoHospitals(t *testing.T) {
	t.Parallel()
	demo := rohinitest.DemoHospitals()
	require.NotEmpty(t, demo)
	assert.Equal(t, rohinitest.DemoID, demo[0].ID)
	seen := map[string]bool{}
	for _, h := range demo {
		require.NoError(t, rohini.Validate(h.ID), h.Name)
		assert.False(t, seen[h.ID], "duplicate %s", h.ID)
		seen[h.ID] = true
		assert.NotEmpty(t, h.Name)
		assert.Len(t, h.Pincode, 6)
		assert.NotEmpty(t, h.State)
		assert.False(t, h.ValidUntil.IsZero())
	}
	demo[0].Name = "changed"
	assert.NotEqual(t, "changed", rohinitest.DemoHospitals()[0].Name, "each call returns a fresh copy")
}

// The wire format, read without the adapter, so a change in either side shows.
func TestServerWireFormat(t *testing.T) {
	t.Parallel()
	srv := rohinitest.NewServer()
	t.Cleanup(srv.Close) // after the parallel subtests, unlike defer
	hc := srv.Client()

	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		wantBody   map[string]string
	}{
		{
			name: "GET found", method: http.MethodGet, path: "/hospitals/" + rohinitest.DemoID, wantStatus: 200,
			wantBody: map[string]string{
				"rohini_id": rohinitest.DemoID, "hospital_name": "Shree Sai Multispeciality Hospital",
				"address": "Plot 14, Sector 21, Kharghar", "district": "Raigad", "state": "Maharashtra",
				"pincode": "410210", "status": "Active", "valid_until": "2029-03-31",
			},
		},
		{name: "GET unknown", method: http.MethodGet, path: "/hospitals/8900000000005", wantStatus: 404, wantBody: map[string]string{"error": "hospital not found"}},
		{name: "POST found", method: http.MethodPost, path: "/hospitals", body: `{"rohini_id":"8900080412156"}`, wantStatus: 200},
		{name: "POST bad body", method: http.MethodPost, path: "/hospitals", body: `{}`, wantStatus: 400},
		// WithMethod("POST") alone keeps the default path, id included.
		{name: "POST with id in path", method: http.MethodPost, path: "/hospitals/8900080412156", body: `{"rohini_id":"8900080412156"}`, wantStatus: 200},
		{name: "POST path and body disagree", method: http.MethodPost, path: "/hospitals/8900080412156", body: `{"rohini_id":"` + rohinitest.DemoID + `"}`, wantStatus: 400},
		{name: "POST with id in path, bad body", method: http.MethodPost, path: "/hospitals/8900080412156", body: `{"rohini_id":`, wantStatus: 400},
		{name: "wrong method", method: http.MethodDelete, path: "/hospitals/" + rohinitest.DemoID, wantStatus: 405},
		{name: "unknown path", method: http.MethodGet, path: "/other", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(context.Background(), tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			resp, err := hc.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			if tt.wantBody != nil {
				var got map[string]string
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
				assert.Equal(t, tt.wantBody, got)
			}
		})
	}
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	get := func(t *testing.T, srv *rohinitest.Server) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/hospitals/"+rohinitest.DemoID, nil)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}

	t.Run("FailNext then recover", func(t *testing.T) {
		t.Parallel()
		srv := rohinitest.NewServer()
		defer srv.Close()
		srv.FailNext(http.StatusTooManyRequests, 2, "7")
		for range 2 {
			resp, _ := get(t, srv)
			assert.Equal(t, 429, resp.StatusCode)
			assert.Equal(t, "7", resp.Header.Get("Retry-After"))
		}
		resp, _ := get(t, srv)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, 3, srv.Requests())
	})
	t.Run("FailNext cleared and out-of-range status ignored", func(t *testing.T) {
		t.Parallel()
		srv := rohinitest.NewServer()
		defer srv.Close()
		srv.FailNext(503, 3, "")
		srv.FailNext(503, 0, "")
		resp, _ := get(t, srv)
		assert.Equal(t, 200, resp.StatusCode)
		srv.FailNext(42, 1, "")
		resp, _ = get(t, srv)
		assert.Equal(t, 200, resp.StatusCode)
	})
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		srv := rohinitest.NewServer()
		defer srv.Close()
		srv.SetMalformed(true)
		resp, body := get(t, srv)
		assert.Equal(t, 200, resp.StatusCode)
		assert.False(t, json.Valid([]byte(body)))
		srv.SetMalformed(false)
		_, body = get(t, srv)
		assert.True(t, json.Valid([]byte(body)))
	})
	t.Run("mismatch", func(t *testing.T) {
		t.Parallel()
		srv := rohinitest.NewServer()
		defer srv.Close()
		srv.SetMismatch(true)
		_, body := get(t, srv)
		var got map[string]string
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		assert.NotEqual(t, rohinitest.DemoID, got["rohini_id"])
		assert.NoError(t, rohini.Validate(got["rohini_id"]), "the wrong id is still well-formed")
	})
	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		srv := rohinitest.NewServer()
		defer srv.Close()
		srv.SetLatency(200 * time.Millisecond)
		start := time.Now()
		resp, _ := get(t, srv)
		assert.Equal(t, 200, resp.StatusCode)
		assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
	})
	t.Run("latency abandoned by the client", func(t *testing.T) {
		t.Parallel()
		srv := rohinitest.NewServer()
		defer srv.Close()
		srv.SetLatency(time.Hour)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/hospitals/"+rohinitest.DemoID, nil)
		require.NoError(t, err)
		_, err = srv.Client().Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		// Close returns promptly only if the handler gave up too.
	})
	t.Run("required header", func(t *testing.T) {
		t.Parallel()
		srv := rohinitest.NewServer(rohinitest.WithRequiredHeader("X-Api-Key", "k-123456"))
		defer srv.Close()
		resp, body := get(t, srv)
		assert.Equal(t, 401, resp.StatusCode)
		assert.NotContains(t, body, "k-123456")
	})
}

func TestServerSeedsAndAdd(t *testing.T) {
	t.Parallel()
	own := rohini.Hospital{ID: "8900000000005", Name: "Only One", ValidUntil: time.Date(2030, 1, 2, 15, 4, 5, 0, time.UTC)}
	srv := rohinitest.NewServer(rohinitest.WithHospitals(own))
	defer srv.Close()
	l, err := srv.Lookup(rohini.WithRetry(0, time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	defer l.CloseIdleConnections()
	ctx := context.Background()

	got, err := l.Hospital(ctx, own.ID)
	require.NoError(t, err)
	assert.Equal(t, own, got, "a time of day survives the round trip")

	_, err = l.Hospital(ctx, rohinitest.DemoID)
	require.ErrorIs(t, err, rohini.ErrNotFound, "WithHospitals replaces the demo seed")

	demo := rohinitest.DemoHospitals()[0]
	srv.Add(demo)
	got, err = l.Hospital(ctx, rohinitest.DemoID)
	require.NoError(t, err)
	assert.Equal(t, demo, got)
}

func TestServerConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := rohinitest.NewServer()
	defer srv.Close()
	l, err := srv.Lookup(rohini.WithRetry(5, time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	defer l.CloseIdleConnections()

	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				srv.FailNext(503, 1, "")
			case 1:
				srv.SetLatency(time.Duration(i) * time.Millisecond)
			case 2:
				srv.Add(rohini.Hospital{ID: "8900000000005", Name: "Added"})
			}
			_, _ = l.Hospital(context.Background(), rohinitest.DemoID)
			_ = srv.Requests()
		})
	}
	wg.Wait()
	assert.GreaterOrEqual(t, srv.Requests(), 16)
}

// Close ends injected latency at once, as hfrtest's fake does: a request
// held by a client that never gives up must not hold Close for the whole
// delay.
func TestCloseEndsLatency(t *testing.T) {
	t.Parallel()
	s := rohinitest.NewServer()
	s.SetLatency(time.Minute)
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err := hc.Get(s.URL + "/hospitals/" + rohinitest.DemoID)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { return s.Requests() == 1 }, 5*time.Second, time.Millisecond)
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the injected latency")
	}
	<-done
}

// The fake serves what rohini.HTTPLookup sends by default, for POST too:
// WithMethod("POST") alone keeps DefaultPath, so the id is in the path as
// well as in the body.
func TestServerAnswersPOSTOnTheDefaultPath(t *testing.T) {
	t.Parallel()
	srv := rohinitest.NewServer()
	defer srv.Close()
	l, err := srv.Lookup(rohini.WithMethod(http.MethodPost), rohini.WithRetry(0, 0, 0))
	require.NoError(t, err)
	defer l.CloseIdleConnections()

	got, err := l.Hospital(context.Background(), rohinitest.DemoID)
	require.NoError(t, err)
	assert.Equal(t, rohinitest.DemoHospitals()[0], got)

	_, err = l.Hospital(context.Background(), "8900000000005")
	require.ErrorIs(t, err, rohini.ErrNotFound)
}

// A validity with a time of day comes back to the second and below: the
// fake does not round what a test seeded.
func TestServerKeepsFractionalSeconds(t *testing.T) {
	t.Parallel()
	own := rohini.Hospital{ID: "8900000000005", Name: "Only One", ValidUntil: time.Date(2030, 1, 2, 15, 4, 5, 123456789, time.UTC)}
	srv := rohinitest.NewServer(rohinitest.WithHospitals(own))
	defer srv.Close()
	l, err := srv.Lookup(rohini.WithRetry(0, 0, 0))
	require.NoError(t, err)
	defer l.CloseIdleConnections()

	got, err := l.Hospital(context.Background(), own.ID)
	require.NoError(t, err)
	assert.Equal(t, own, got)
}
