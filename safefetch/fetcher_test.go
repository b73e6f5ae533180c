package safefetch_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/safefetch"
)

// server is a TLS test server that counts its requests.
type server struct {
	*httptest.Server
	hits atomic.Int32
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *server) hostPort() string { return s.Listener.Addr().String() }

func (s *server) port() string {
	_, p, _ := net.SplitHostPort(s.hostPort())
	return p
}

// trusting lets a Fetcher reach s: its address allowed, its certificate
// trusted.
func (s *server) trusting() []safefetch.Option {
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	return []safefetch.Option{safefetch.WithAllowedHosts(s.hostPort()), safefetch.WithRootCAs(pool)}
}

// resolver maps names to addresses; other names do not resolve.
func resolver(names map[string]string) safefetch.Resolver {
	return safefetch.ResolverFunc(func(_ context.Context, _, host string) ([]netip.Addr, error) {
		a, ok := names[strings.TrimSuffix(strings.ToLower(host), ".")]
		if !ok {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		var out []netip.Addr
		for _, s := range strings.Split(a, ",") {
			out = append(out, netip.MustParseAddr(s))
		}
		return out, nil
	})
}

func newFetcher(t *testing.T, opts ...safefetch.Option) *safefetch.Fetcher {
	t.Helper()
	f, err := safefetch.New(opts...)
	require.NoError(t, err)
	return f
}

// assertClean checks that an error's text names no address, port or
// network error.
func assertClean(t *testing.T, err error, ports ...string) {
	t.Helper()
	msg := err.Error()
	for _, bad := range []string{"127.0.0.1", "::1", "[::", "10.0.0.1", "192.168.", "169.254", "100.100.100.200",
		"0.0.0.0", "fd00", "dial tcp", "connect:", "lookup ", "x509:", "tls:", "localhost"} {
		assert.NotContains(t, msg, bad, "error text %q", msg)
	}
	for _, p := range ports {
		assert.NotContains(t, msg, p, "error text %q names a port", msg)
	}
}

func requireKind(t *testing.T, err error, kind safefetch.Kind) *safefetch.Error {
	t.Helper()
	require.Error(t, err)
	var fe *safefetch.Error
	require.ErrorAs(t, err, &fe, "error %v", err)
	require.Equal(t, kind, fe.Kind, "error %q", err)
	return fe
}

func TestGetRefusesAddressesThatAreNotPublic(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("secret")) })
	port := srv.port()
	f := newFetcher(t, safefetch.WithResolver(resolver(map[string]string{
		"certs.example.org":    "127.0.0.1",
		"mixed.example.org":    "93.184.215.14,127.0.0.1",
		"metadata.example.org": "169.254.169.254",
		"ula.example.org":      "fd00:ec2::254",
		"mapped.example.org":   "::ffff:127.0.0.1",
		"nat64.example.org":    "64:ff9b::7f00:1",
	})))
	urls := []string{
		"https://127.0.0.1:" + port + "/cert.pem",
		"https://[::1]:" + port + "/cert.pem",
		"https://[::ffff:127.0.0.1]:" + port + "/cert.pem",
		"https://0.0.0.0:" + port + "/cert.pem",
		"https://127.1.2.3:" + port + "/",
		"https://10.0.0.1/cert.pem",
		"https://172.16.4.4/cert.pem",
		"https://192.168.1.1/cert.pem",
		"https://100.64.0.1/",
		"https://169.254.169.254/latest/meta-data/",
		"https://100.100.100.200/latest/meta-data/",
		"https://[fd00:ec2::254]/latest/meta-data/",
		"https://[fe80::1]/",
		"https://224.0.0.1/",
		"https://255.255.255.255/",
		"https://192.0.2.1/",
		"https://certs.example.org:" + port + "/cert.pem", // a public-looking name resolving to loopback
		"https://CERTS.example.org.:" + port + "/cert.pem",
		"https://mixed.example.org:" + port + "/cert.pem", // one bad address spoils the name
		"https://metadata.example.org/latest/meta-data/",
		"https://ula.example.org/",
		"https://mapped.example.org:" + port + "/",
		"https://nat64.example.org:" + port + "/",
	}
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			t.Parallel()
			_, err := f.Get(context.Background(), u)
			fe := requireKind(t, err, safefetch.AddressRefused)
			require.ErrorIs(t, err, safefetch.ErrRefused)
			require.NotErrorIs(t, err, safefetch.ErrFetch)
			assert.Equal(t, "safefetch: the address is not allowed (not a public internet address)", err.Error())
			assert.Equal(t, "the address is not allowed (not a public internet address)", fe.Reason())
			assert.Error(t, fe.Cause(), "the cause is kept for the logs")
			assertClean(t, err, port)
		})
	}
	assert.Zero(t, srv.hits.Load(), "nothing reached the server")
}

// localhost resolves through the system's resolver.
func TestGetRefusesLocalhost(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("secret")) })
	_, err := newFetcher(t).Get(context.Background(), "https://localhost:"+srv.port()+"/")
	require.Error(t, err)
	var fe *safefetch.Error
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, []safefetch.Kind{safefetch.AddressRefused, safefetch.NoSuchHost}, fe.Kind, "%v", err)
	assertClean(t, err, srv.port())
	assert.Zero(t, srv.hits.Load())
}

func TestGetRefusesURLs(t *testing.T) {
	t.Parallel()
	f := newFetcher(t)
	cases := []struct {
		url    string
		kind   safefetch.Kind
		reason string
	}{
		{"http://certs.example.org/cert.pem", safefetch.SchemeRefused, "only https URLs are fetched"},
		{"HTTP://127.0.0.1/cert.pem", safefetch.SchemeRefused, "only https URLs are fetched"},
		{"ftp://certs.example.org/cert.pem", safefetch.SchemeRefused, "only https URLs are fetched"},
		{"file:///etc/passwd", safefetch.SchemeRefused, "only https URLs are fetched"},
		{"gopher://127.0.0.1:6379/_INFO", safefetch.SchemeRefused, "only https URLs are fetched"},
		{"/relative/cert.pem", safefetch.SchemeRefused, "only https URLs are fetched"},
		{"https:///cert.pem", safefetch.URLRefused, "is not an absolute https URL with a host name"},
		{"https://user:pw@certs.example.org/cert.pem", safefetch.URLRefused, "URLs carrying user information are not fetched"},
		{"https://exa mple.org/", safefetch.URLRefused, "is not an absolute https URL with a host name"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			_, err := f.Get(context.Background(), tc.url)
			fe := requireKind(t, err, tc.kind)
			require.ErrorIs(t, err, safefetch.ErrRefused)
			assert.Equal(t, tc.reason, fe.Reason())
			assertClean(t, err)
		})
	}
}

func TestGetFetchesFromAnAllowedHost(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/cert.pem", r.URL.Path)
		_, _ = w.Write([]byte("-----BEGIN CERTIFICATE-----\n"))
	})
	f := newFetcher(t, srv.trusting()...)
	body, err := f.Get(context.Background(), srv.URL+"/cert.pem")
	require.NoError(t, err)
	assert.Equal(t, "-----BEGIN CERTIFICATE-----\n", string(body))

	// By name, through the test resolver: the name is allowed, any port.
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	byName := newFetcher(t, safefetch.WithAllowedHosts("Example.COM."), safefetch.WithRootCAs(pool),
		safefetch.WithResolver(resolver(map[string]string{"example.com": "127.0.0.1"})))
	body, err = byName.Get(context.Background(), "https://example.com:"+srv.port()+"/cert.pem")
	require.NoError(t, err)
	assert.NotEmpty(t, body)

	// Another port of the same address is not allowed.
	other := newServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("secret")) })
	_, err = f.Get(context.Background(), other.URL+"/")
	requireKind(t, err, safefetch.AddressRefused)
	assertClean(t, err, other.port())
	assert.Zero(t, other.hits.Load())
}

func TestGetFailures(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("A", 16<<10)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/down":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/big":
			_, _ = w.Write([]byte(big))
		case "/big-streamed":
			for range 8 {
				_, _ = w.Write([]byte(big))
				w.(http.Flusher).Flush()
			}
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "/slow-body":
			_, _ = w.Write([]byte("-----BEGIN"))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/to-http":
			http.Redirect(w, r, "http://certs.example.org/cert.pem", http.StatusFound)
		case "/hop":
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			if n < 3 {
				http.Redirect(w, r, fmt.Sprintf("/hop?n=%d", n+1), http.StatusFound)
				return
			}
			_, _ = w.Write([]byte("arrived"))
		default:
			_, _ = w.Write([]byte("ok"))
		}
	})
	loopback := newServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("secret")) })
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := closed.Addr().String()
	_, closedPort, _ := net.SplitHostPort(closedAddr)
	require.NoError(t, closed.Close())

	opts := append(srv.trusting(), safefetch.WithMaxBytes(8192), safefetch.WithTimeout(500*time.Millisecond),
		safefetch.WithAllowedHosts(closedAddr, "wrong.example.org", "nowhere.example.org"),
		safefetch.WithResolver(resolver(map[string]string{"wrong.example.org": "127.0.0.1"})))
	f := newFetcher(t, opts...)
	untrusting := newFetcher(t, safefetch.WithAllowedHosts(srv.hostPort()))
	// An allowed server that sends the fetch on to a loopback one.
	redirect := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loopback.URL+"/internal", http.StatusFound)
	})
	viaRedirect := newFetcher(t, redirect.trusting()...)

	cases := []struct {
		name   string
		f      *safefetch.Fetcher
		url    string
		kind   safefetch.Kind
		reason string
	}{
		{"not found", f, srv.URL + "/missing", safefetch.HTTPStatus, "answered HTTP 404"},
		{"server down", f, srv.URL + "/down", safefetch.HTTPStatus, "answered HTTP 503"},
		{"over the size cap", f, srv.URL + "/big", safefetch.TooLarge, "the response is larger than 8192 bytes"},
		{"over the size cap, streamed", f, srv.URL + "/big-streamed", safefetch.TooLarge, "the response is larger than 8192 bytes"},
		{"slow to answer", f, srv.URL + "/slow", safefetch.Timeout, "timed out"},
		{"slow body", f, srv.URL + "/slow-body", safefetch.Timeout, "timed out"},
		{"redirect loop", f, srv.URL + "/loop", safefetch.TooManyRedirects, "too many redirects (more than 3)"},
		{"redirect to http", f, srv.URL + "/to-http", safefetch.SchemeRefused,
			"was redirected to a URL that is not https; only https URLs are fetched"},
		{"redirect to loopback", viaRedirect, redirect.URL + "/cert.pem", safefetch.AddressRefused, "the address is not allowed (not a public internet address)"},
		{"connection refused", f, "https://" + closedAddr + "/", safefetch.ConnectionRefused, "the host refused the connection"},
		{"name does not resolve", f, "https://nowhere.example.org/", safefetch.NoSuchHost, "the host name does not resolve"},
		{"certificate for another host", f, "https://wrong.example.org:" + srv.port() + "/", safefetch.TLSFailed,
			"TLS handshake failed: certificate not valid for the host"},
		{"untrusted certificate", untrusting, srv.URL + "/", safefetch.TLSFailed,
			"TLS handshake failed: certificate not issued by a trusted authority"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, err := tc.f.Get(context.Background(), tc.url)
			assert.Empty(t, len(body))
			fe := requireKind(t, err, tc.kind)
			assert.Equal(t, tc.reason, fe.Reason())
			assert.Equal(t, "safefetch: "+tc.reason, err.Error())
			assertClean(t, err, srv.port(), loopback.port(), redirect.port(), closedPort)
		})
	}
	t.Run("three redirects are followed", func(t *testing.T) {
		t.Parallel()
		body, err := f.Get(context.Background(), srv.URL+"/hop?n=0")
		require.NoError(t, err)
		assert.Equal(t, "arrived", string(body))
	})
	t.Run("no redirects", func(t *testing.T) {
		t.Parallel()
		none := newFetcher(t, append(srv.trusting(), safefetch.WithMaxRedirects(0))...)
		_, err := none.Get(context.Background(), srv.URL+"/hop?n=2")
		requireKind(t, err, safefetch.TooManyRedirects)
	})
	t.Run("the caller gives up", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(50 * time.Millisecond); cancel() }()
		slow := newFetcher(t, append(srv.trusting(), safefetch.WithTimeout(5*time.Second))...)
		_, err := slow.Get(ctx, srv.URL+"/slow")
		require.ErrorIs(t, err, context.Canceled)
	})
	assert.Zero(t, loopback.hits.Load(), "the redirect never reached the loopback server")
}

func TestClientIsGuarded(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			_, _ = w.Write([]byte(strings.Repeat("B", 2048)))
			return
		}
		_, _ = w.Write([]byte(`{"keys":[]}`))
	})
	f := newFetcher(t, append(srv.trusting(), safefetch.WithMaxBytes(1024))...)
	c := f.Client()
	got, ok := safefetch.FromClient(c)
	assert.True(t, ok)
	assert.Same(t, f, got)
	_, ok = safefetch.FromClient(srv.Client())
	assert.False(t, ok, "a plain client is not guarded")
	_, ok = safefetch.FromClient(nil)
	assert.False(t, ok)

	resp, err := c.Get(srv.URL + "/keys.json")
	require.NoError(t, err)
	assert.Equal(t, `{"keys":[]}`, readAll(t, resp))

	resp, err = c.Get(srv.URL + "/big")
	require.NoError(t, err)
	_, err = readAllErr(resp)
	requireKind(t, err, safefetch.TooLarge)

	other := newServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("secret")) })
	_, err = c.Get(other.URL + "/")
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	requireKind(t, ue.Err, safefetch.AddressRefused)
	assertClean(t, ue.Err, other.port())
	_, err = c.Get("http://certs.example.org/")
	requireKind(t, err, safefetch.SchemeRefused)

	c.Timeout = time.Nanosecond // changing a Client leaves f alone
	_, err = f.Client().Get(srv.URL + "/keys.json")
	require.NoError(t, err)
	assert.Zero(t, other.hits.Load())
}

func readAllErr(resp *http.Response) ([]byte, error) {
	defer func() { _ = resp.Body.Close() }()
	return io.ReadAll(resp.Body)
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := readAllErr(resp)
	require.NoError(t, err)
	return string(b)
}

func TestOptions(t *testing.T) {
	t.Parallel()
	bad := map[string]safefetch.Option{
		"zero timeout":        safefetch.WithTimeout(0),
		"hour timeout":        safefetch.WithTimeout(time.Hour),
		"zero bytes":          safefetch.WithMaxBytes(0),
		"huge cap":            safefetch.WithMaxBytes(1 << 40),
		"negative redirects":  safefetch.WithMaxRedirects(-1),
		"many redirects":      safefetch.WithMaxRedirects(50),
		"empty host":          safefetch.WithAllowedHosts(" "),
		"URL as host":         safefetch.WithAllowedHosts("https://keys.internal/"),
		"bad port":            safefetch.WithAllowedHosts("keys.internal:99999"),
		"nil resolver":        safefetch.WithResolver(nil),
		"nil pool":            safefetch.WithRootCAs(nil),
		"nil option":          nil,
		"bad IPv6":            safefetch.WithAllowedHosts("fe80::zz"),
		"host with user info": safefetch.WithAllowedHosts("user@keys.internal"),
		"port without a host": safefetch.WithAllowedHosts(":8443"),
	}
	for name, o := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := safefetch.New(o)
			require.Error(t, err)
		})
	}
	good := []safefetch.Option{
		safefetch.WithTimeout(time.Second), safefetch.WithMaxBytes(1), safefetch.WithMaxRedirects(0),
		safefetch.WithAllowedHosts("keys.internal", "keys.internal:8443", "127.0.0.1:40123", "[::1]:8443", "::1"),
		safefetch.WithResolver(net.DefaultResolver), safefetch.WithRootCAs(x509.NewCertPool()),
	}
	_, err := safefetch.New(good...)
	require.NoError(t, err)
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	for k := safefetch.SchemeRefused; k <= safefetch.BadResponse; k++ {
		e := &safefetch.Error{Kind: k}
		refused := k == safefetch.SchemeRefused || k == safefetch.URLRefused || k == safefetch.AddressRefused
		assert.Equal(t, refused, errors.Is(e, safefetch.ErrRefused), "kind %d", k)
		assert.Equal(t, !refused, errors.Is(e, safefetch.ErrFetch), "kind %d", k)
		assert.NotEmpty(t, e.Reason())
		assert.Nil(t, errors.Unwrap(e), "the cause stays behind Cause")
	}
}
