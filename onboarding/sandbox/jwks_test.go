package sandbox

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/safefetch"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: t0} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// keyServer serves a key set over TLS and counts requests.
type keyServer struct {
	*httptest.Server
	body   atomic.Pointer[[]byte]
	hits   atomic.Int32
	accept atomic.Value // last Accept header
}

func newKeyServer(t *testing.T, body []byte) *keyServer {
	t.Helper()
	ks := &keyServer{}
	ks.body.Store(&body)
	ks.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ks.hits.Add(1)
		ks.accept.Store(r.Header.Get("Accept"))
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(*ks.body.Load())
	}))
	t.Cleanup(ks.Close)
	return ks
}

func (ks *keyServer) serve(body []byte) { ks.body.Store(&body) }

// setOf serializes the public keys of issuers as one JWKS.
func setOf(t testing.TB, issuers ...*Issuer) []byte {
	t.Helper()
	all := jwk.NewSet()
	for _, iss := range issuers {
		set, err := iss.PublicJWKS()
		require.NoError(t, err)
		k, _ := set.Key(0)
		require.NoError(t, all.AddKey(k))
	}
	b, err := json.Marshal(all)
	require.NoError(t, err)
	return b
}

// fetcherFor is a Fetcher that may reach srv, a loopback test server, and
// trusts its certificate: how tests and an operator's rig reach a key
// server that is not on the public internet.
func fetcherFor(t testing.TB, srv *httptest.Server, opts ...safefetch.Option) *safefetch.Fetcher {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	f, err := safefetch.New(append([]safefetch.Option{safefetch.WithAllowedHosts(srv.Listener.Addr().String()),
		safefetch.WithRootCAs(pool), safefetch.WithMaxBytes(MaxJWKSSize)}, opts...)...)
	require.NoError(t, err)
	return f
}

func remoteVerifier(t *testing.T, srv *httptest.Server, path string, clock *testClock, opts ...VerifierOption) *Verifier {
	t.Helper()
	tl := trustListOf(t, TrustedIssuer{ID: "sbx-remote", Roles: []hcxonboard.Role{provider}, JWKSURL: srv.URL + path})
	opts = append([]VerifierOption{WithTrustList(tl), WithFetcher(fetcherFor(t, srv)), WithClock(clock.Now)}, opts...)
	v, err := NewVerifier(opts...)
	require.NoError(t, err)
	return v
}

func TestJWKSURLFetchAndCache(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-remote", "ed25519")
	ks := newKeyServer(t, setOf(t, iss))
	clock := newTestClock()
	v := remoteVerifier(t, ks.Server, "/keys.json", clock, WithJWKSCacheTTL(5*time.Minute))
	tok := issue(t, iss, baseClaims())
	ctx := context.Background()

	cert, err := v.Verify(ctx, tok, []hcxonboard.Role{hospital})
	require.NoError(t, err)
	assert.True(t, cert.Trusted)
	assert.Contains(t, ks.accept.Load(), "application/jwk-set+json")

	clock.Advance(4 * time.Minute)
	_, err = v.Verify(ctx, tok, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 1, ks.hits.Load(), "served from the cache within the TTL")

	clock.Advance(2 * time.Minute)
	_, err = v.Verify(ctx, tok, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, ks.hits.Load(), "fetched again after the TTL")

	// A key dropped from the set stops being trusted at the next fetch.
	other := newTestIssuer(t, "sbx-remote", "ed25519b")
	ks.serve(setOf(t, other))
	clock.Advance(6 * time.Minute)
	_, err = v.Verify(ctx, tok, nil)
	require.ErrorIs(t, err, ErrSignature)
}

func TestJWKSURLKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey := newTestIssuer(t, "sbx-remote", "ed25519")
	newKey := newTestIssuer(t, "sbx-remote", "p256")
	ks := newKeyServer(t, setOf(t, oldKey))
	clock := newTestClock()
	v := remoteVerifier(t, ks.Server, "/keys.json", clock)
	ctx := context.Background()
	tok := issue(t, newKey, baseClaims())

	_, err := v.Verify(ctx, tok, nil)
	require.ErrorIs(t, err, ErrSignature)
	assert.Contains(t, err.Error(), "has no key with kid")

	ks.serve(setOf(t, oldKey, newKey))
	_, err = v.Verify(ctx, tok, nil)
	require.ErrorIs(t, err, ErrSignature, "an unknown kid refetches at most once a minute")
	assert.EqualValues(t, 1, ks.hits.Load())

	clock.Advance(61 * time.Second)
	_, err = v.Verify(ctx, tok, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, ks.hits.Load())
	_, err = v.Verify(ctx, issue(t, oldKey, baseClaims()), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, ks.hits.Load())
}

func TestJWKSURLFailures(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-remote", "ed25519")
	tok := issue(t, iss, baseClaims())
	weak, err := jwk.PublicKeyOf(rawKey("rsa1024"))
	require.NoError(t, err)
	huge := `{"keys":[],"pad":"` + strings.Repeat("A", MaxJWKSSize) + `"}`

	tests := []struct {
		name    string
		status  int
		body    string
		path    string
		wantErr error
		wantMsg string
	}{
		{name: "server error", status: http.StatusInternalServerError, body: "secret stack trace", wantMsg: "HTTP status 500"},
		{name: "not found", status: http.StatusNotFound, wantMsg: "HTTP status 404"},
		{name: "body over the cap", status: http.StatusOK, body: huge, wantErr: hcxonboard.ErrTooLarge, wantMsg: "more than 1048576 bytes"},
		{name: "not JSON", status: http.StatusOK, body: "<html>secret</html>", wantMsg: "key set: not a JSON object"},
		{name: "empty set", status: http.StatusOK, body: `{"keys":[]}`, wantMsg: "key set holds no keys"},
		{name: "RSA under 2048 bits", status: http.StatusOK, body: jsonText(t, map[string]any{"keys": []any{weak}}), wantMsg: "RSA key is 1024 bits"},
		{name: "private key published", status: http.StatusOK, body: jsonText(t, map[string]any{"keys": []any{jwkOf(t, rawKey("ed25519"))}}),
			wantMsg: "is a private key"},
		{name: "query is not repeated", status: http.StatusForbidden, path: "/keys?api_key=hunter2", wantMsg: `"sbx-remote": HTTP status 403`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			path := tt.path
			if path == "" {
				path = "/keys.json"
			}
			v := remoteVerifier(t, srv, path, newTestClock())
			_, err := v.Verify(context.Background(), tok, nil)
			require.ErrorIs(t, err, ErrKeysUnavailable)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			}
			t.Log(err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Contains(t, err.Error(), `sandbox operator "sbx-remote"`)
			assert.NotContains(t, err.Error(), "secret")
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestJWKSURLFailureBackoff(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-remote", "ed25519")
	var fail atomic.Bool
	fail.Store(true)
	var hits atomic.Int32
	body := setOf(t, iss)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		if fail.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	clock := newTestClock()
	v := remoteVerifier(t, srv, "/keys.json", clock)
	tok := issue(t, iss, baseClaims())
	ctx := context.Background()

	for range 3 {
		_, err := v.Verify(ctx, tok, nil)
		require.ErrorIs(t, err, ErrKeysUnavailable)
	}
	assert.EqualValues(t, 1, hits.Load(), "a failure is remembered briefly")

	fail.Store(false)
	clock.Advance(failureBackoff)
	_, err := v.Verify(ctx, tok, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, hits.Load())
}

func TestJWKSURLTransportSecurity(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-remote", "ed25519")
	tok := issue(t, iss, baseClaims())
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(setOf(t, iss))
	}))
	t.Cleanup(plain.Close)
	tl := trustListOf(t, TrustedIssuer{ID: "sbx-remote", Roles: []hcxonboard.Role{provider}, JWKSURL: plain.URL + "/keys.json"})

	_, err := NewVerifier(WithTrustList(tl))
	require.ErrorIs(t, err, ErrInvalidTrustList)
	assert.Contains(t, err.Error(), "uses plain http")

	v, err := NewVerifier(WithTrustList(tl), WithAllowHTTP(), WithClock(fixedClock(t0)), WithHTTPClient(plain.Client()))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), tok, nil)
	require.NoError(t, err)

	// The default fetcher never fetches plain http, so WithAllowHTTP needs
	// a client of the caller's own.
	_, err = NewVerifier(WithTrustList(tl), WithAllowHTTP())
	require.ErrorIs(t, err, ErrInvalidTrustList)
	assert.Contains(t, err.Error(), "WithAllowHTTP needs WithHTTPClient")

	// An https endpoint may not send us to plain http.
	redirect := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/keys.json", http.StatusFound)
	}))
	t.Cleanup(redirect.Close)
	rv := remoteVerifier(t, redirect, "/keys.json", newTestClock())
	_, err = rv.Verify(context.Background(), tok, nil)
	require.ErrorIs(t, err, ErrKeysUnavailable)
	require.ErrorIs(t, err, safefetch.ErrRefused)
	assert.Contains(t, err.Error(), "fetching the key set: was redirected to a URL that is not https")

	// Nor may it through a client of the caller's own.
	tlr := trustListOf(t, TrustedIssuer{ID: "sbx-remote", Roles: []hcxonboard.Role{provider}, JWKSURL: redirect.URL + "/keys.json"})
	cv, err := NewVerifier(WithTrustList(tlr), WithHTTPClient(redirect.Client()), WithClock(fixedClock(t0)))
	require.NoError(t, err)
	_, err = cv.Verify(context.Background(), tok, nil)
	require.ErrorIs(t, err, ErrKeysUnavailable)
	assert.Contains(t, err.Error(), `redirect to a "http" URL refused`)

	// Through a client of the caller's own, a chain of three redirects is
	// followed and a fourth refused.
	var chain *httptest.Server
	chain = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err != nil || n == 0 {
			_, _ = w.Write(setOf(t, iss))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("%s/hop/%d", chain.URL, n-1), http.StatusFound)
	}))
	t.Cleanup(chain.Close)
	for hops, ok := range map[int]bool{3: true, 4: false} {
		tlc := trustListOf(t, TrustedIssuer{ID: "sbx-remote", Roles: []hcxonboard.Role{provider}, JWKSURL: fmt.Sprintf("%s/hop/%d", chain.URL, hops)})
		v, err := NewVerifier(WithTrustList(tlc), WithHTTPClient(chain.Client()), WithClock(fixedClock(t0)))
		require.NoError(t, err)
		_, err = v.Verify(context.Background(), tok, nil)
		if ok {
			require.NoError(t, err, "%d redirects", hops)
		} else {
			require.ErrorIs(t, err, ErrKeysUnavailable, "%d redirects", hops)
			assert.Contains(t, err.Error(), "more than 3 redirects")
		}
	}
}

func TestJWKSURLConcurrentVerifiesShareOneFetch(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-remote", "ed25519")
	body := setOf(t, iss)
	release := make(chan struct{})
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		<-release
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	v := remoteVerifier(t, srv, "/keys.json", newTestClock())
	tok := issue(t, iss, baseClaims())

	// A caller that gives up does not spoil the fetch for the others.
	quitter, cancel := context.WithCancel(context.Background())
	quit := make(chan error, 1)
	go func() {
		_, err := v.Verify(quitter, tok, nil)
		quit <- err
	}()
	require.Eventually(t, func() bool { return hits.Load() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	err := <-quit
	require.ErrorIs(t, err, ErrKeysUnavailable)
	require.ErrorIs(t, err, context.Canceled)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), tok, nil)
			errs <- err
		})
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, hits.Load(), "one fetch served every caller")
}

// jwks_url may not make the operator connect to an address that is not
// public, and the error says so without naming the address.
func TestJWKSURLRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-remote", "ed25519")
	tok := issue(t, iss, baseClaims())
	// internal serves the right key set, if anything reaches it.
	internal := newKeyServer(t, setOf(t, iss))
	_, port, err := net.SplitHostPort(internal.Listener.Addr().String())
	require.NoError(t, err)
	allowed := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-internal":
			http.Redirect(w, r, internal.URL+"/keys.json", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/big":
			_, _ = w.Write([]byte(`{"keys":[],"pad":"` + strings.Repeat("A", 4096) + `"}`))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(allowed.Close)
	resolver := safefetch.ResolverFunc(func(_ context.Context, _, host string) ([]netip.Addr, error) {
		if host == "keys.sandbox-one.example" {
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	})
	rig := fetcherFor(t, allowed, safefetch.WithResolver(resolver), safefetch.WithTimeout(300*time.Millisecond),
		safefetch.WithMaxBytes(1024))

	const notAllowed = "fetching the key set: the address is not allowed (not a public internet address)"
	cases := []struct {
		name, url string
		fetcher   *safefetch.Fetcher // nil: the default
		want      string
		refused   bool
	}{
		{"loopback", internal.URL + "/keys.json", nil, notAllowed, true},
		{"IPv6 loopback", "https://[::1]:" + port + "/keys.json", nil, notAllowed, true},
		{"IPv4-mapped loopback", "https://[::ffff:127.0.0.1]:" + port + "/keys.json", nil, notAllowed, true},
		{"unspecified", "https://0.0.0.0:" + port + "/keys.json", nil, notAllowed, true},
		{"private 10/8", "https://10.0.0.1/keys.json", nil, notAllowed, true},
		{"private 192.168/16", "https://192.168.1.1/keys.json", nil, notAllowed, true},
		{"cloud metadata", "https://169.254.169.254/latest/meta-data/", nil, notAllowed, true},
		{"public name resolving to loopback", "https://keys.sandbox-one.example:" + port + "/keys.json", rig, notAllowed, true},
		{"redirect to loopback", allowed.URL + "/to-internal", rig, notAllowed, true},
		{"over the size cap", allowed.URL + "/big", rig, "hcxonboard: input too large: key set is more than 1024 bytes", false},
		{"slow", allowed.URL + "/slow", rig, "fetching the key set: timed out", false},
		{"too many redirects", allowed.URL + "/loop", rig, "fetching the key set: too many redirects (more than 3)", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tl := trustListOf(t, TrustedIssuer{ID: "sbx-remote", Roles: []hcxonboard.Role{provider}, JWKSURL: tc.url})
			opts := []VerifierOption{WithTrustList(tl), WithClock(fixedClock(t0))}
			if tc.fetcher != nil {
				opts = append(opts, WithFetcher(tc.fetcher))
			}
			v, err := NewVerifier(opts...)
			require.NoError(t, err)
			_, err = v.Verify(context.Background(), tok, nil)
			require.ErrorIs(t, err, ErrKeysUnavailable)
			assert.Equal(t, `sandbox: issuer keys unavailable: sandbox operator "sbx-remote": `+tc.want, err.Error())
			if tc.refused {
				assert.ErrorIs(t, err, safefetch.ErrRefused)
			} else if tc.name != "over the size cap" {
				assert.ErrorIs(t, err, safefetch.ErrFetch)
			} else {
				assert.ErrorIs(t, err, hcxonboard.ErrTooLarge)
			}
			for _, bad := range []string{"127.0.0.1", "::1", "[::", "0.0.0.0", "10.0.0.1", "192.168", "169.254",
				port, "dial tcp", "connect:"} {
				assert.NotContains(t, err.Error(), bad)
			}
		})
	}
	t.Cleanup(func() { assert.Zero(t, internal.hits.Load(), "nothing reached the internal key server") })
}

func TestFetcherOptions(t *testing.T) {
	t.Parallel()
	f, err := safefetch.New()
	require.NoError(t, err)
	_, err = NewVerifier(WithFetcher(f), WithHTTPClient(http.DefaultClient))
	require.ErrorContains(t, err, "mutually exclusive")
	_, err = NewVerifier(WithFetcher(nil))
	require.ErrorContains(t, err, "nil fetcher")
	_, err = NewVerifier(WithFetcher(f))
	require.NoError(t, err)
}
