package onboarding_test

import (
	"context"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

// trustingFetcher may reach srv, a loopback test server, and trusts its
// certificate: how an operator's test rig is allowed.
func trustingFetcher(t testing.TB, srv *httptest.Server, opts ...safefetch.Option) *safefetch.Fetcher {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	f, err := safefetch.New(append([]safefetch.Option{
		safefetch.WithAllowedHosts(srv.Listener.Addr().String()), safefetch.WithRootCAs(pool)}, opts...)...)
	require.NoError(t, err)
	return f
}

// countingServer is a TLS server that counts the requests it gets.
type countingServer struct {
	*httptest.Server
	hits atomic.Int32
}

func newCountingServer(t testing.TB, h http.Handler) *countingServer {
	t.Helper()
	cs := &countingServer{}
	cs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.hits.Add(1)
		h.ServeHTTP(w, r)
	}))
	cs.Config.ErrorLog = log.New(io.Discard, "", 0)
	cs.StartTLS()
	t.Cleanup(cs.Close)
	return cs
}

func (cs *countingServer) port() string {
	_, p, _ := net.SplitHostPort(cs.Listener.Addr().String())
	return p
}

// testResolver resolves the names given, and no others.
func testResolver(names map[string]string) safefetch.Resolver {
	return safefetch.ResolverFunc(func(_ context.Context, _, host string) ([]netip.Addr, error) {
		if a, ok := names[strings.ToLower(strings.TrimSuffix(host, "."))]; ok {
			return []netip.Addr{netip.MustParseAddr(a)}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	})
}

// assertNoInternals checks that a text the caller sees names no address,
// port or network error.
func assertNoInternals(t *testing.T, text string, ports ...string) {
	t.Helper()
	for _, bad := range []string{"127.0.0.1", "::1", "[::", "0.0.0.0", "10.0.0.1", "192.168.", "169.254",
		"dial tcp", "connect:", "lookup ", "x509", "tls:"} {
		assert.NotContains(t, text, bad, "text %q", text)
	}
	for _, p := range ports {
		assert.NotContains(t, text, p, "text %q names a port", text)
	}
}

const notAllowed = "the address is not allowed (not a public internet address)"

func TestSubmitDetailsRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// internal answers with a valid certificate, if anything reaches it.
	internal := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(w.cert.valid))
	}))
	port := internal.port()
	mux := http.NewServeMux()
	mux.HandleFunc("/cert.pem", func(rw http.ResponseWriter, _ *http.Request) { _, _ = rw.Write([]byte(w.cert.valid)) })
	mux.HandleFunc("/to-internal", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, internal.URL+"/cert.pem", http.StatusFound)
	})
	mux.HandleFunc("/to-name", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://certs.participant.example:"+port+"/cert.pem", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(rw http.ResponseWriter, r *http.Request) { http.Redirect(rw, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/big", func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(w.cert.valid + strings.Repeat("#", 70<<10)))
	})
	mux.HandleFunc("/slow", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	allowed := newCountingServer(t, mux)
	fetcher := trustingFetcher(t, allowed.Server, safefetch.WithTimeout(3*time.Second), // long enough for a loaded machine; "slow" waits 10 s
		safefetch.WithResolver(testResolver(map[string]string{
			"certs.participant.example":    "127.0.0.1",
			"metadata.participant.example": "169.254.169.254",
		})))

	cases := []struct {
		name, url, reason string
		refused           bool // ErrRefused rather than ErrFetch
	}{
		{"loopback", "https://127.0.0.1:" + port + "/cert.pem", notAllowed, true},
		{"IPv6 loopback", "https://[::1]:" + port + "/cert.pem", notAllowed, true},
		{"IPv4-mapped loopback", "https://[::ffff:127.0.0.1]:" + port + "/cert.pem", notAllowed, true},
		{"unspecified", "https://0.0.0.0:" + port + "/cert.pem", notAllowed, true},
		{"private 10/8", "https://10.0.0.1/cert.pem", notAllowed, true},
		{"private 192.168/16", "https://192.168.1.1:8443/cert.pem", notAllowed, true},
		{"cloud metadata", "https://169.254.169.254/latest/meta-data/iam/security-credentials/", notAllowed, true},
		{"public name resolving to loopback", "https://certs.participant.example:" + port + "/cert.pem", notAllowed, true},
		{"public name resolving to metadata", "https://metadata.participant.example/latest/meta-data/", notAllowed, true},
		{"redirect to loopback", allowed.URL + "/to-internal", notAllowed, true},
		{"redirect to a name resolving to loopback", allowed.URL + "/to-name", notAllowed, true},
		{"plain http", "http://127.0.0.1:" + port + "/cert.pem", "only https URLs are fetched", true},
		{"over the size cap", allowed.URL + "/big", "the response is larger than 65536 bytes", false},
		{"slow", allowed.URL + "/slow", "timed out", false},
		{"too many redirects", allowed.URL + "/loop", "too many redirects (more than 3)", false},
	}
	for _, field := range []string{onboarding.FieldEncryptionCert, onboarding.FieldSigningCertPath} {
		for _, tc := range cases {
			t.Run(field+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				svc := w.service(registry.NewMemoryStore(), onboarding.WithFetcher(fetcher))
				a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
				require.NoError(t, err)
				require.Equal(t, registry.StageDetails, a.Stage)
				d := w.details("hcx.bsp-one.example")
				if field == onboarding.FieldEncryptionCert {
					d.EncryptionCert = tc.url
				} else {
					d.SigningCertPath = tc.url
				}
				_, err = svc.SubmitDetails(ctx, a.ID, d)
				var de *onboarding.DetailsError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, field, de.Field)
				assert.Equal(t, "could not be fetched: "+tc.reason, de.Reason)
				assert.EqualError(t, err, "onboarding: invalid details: "+field+": could not be fetched: "+tc.reason)
				if tc.refused {
					assert.ErrorIs(t, err, safefetch.ErrRefused)
				} else {
					assert.ErrorIs(t, err, safefetch.ErrFetch)
				}
				assert.NotErrorIs(t, err, onboarding.ErrUnavailable, "the caller's URL, not an outage")
				assertNoInternals(t, err.Error(), port, allowed.port())

				cur, err := svc.Application(ctx, a.ID)
				require.NoError(t, err)
				assert.Equal(t, registry.StageDetails, cur.Stage)
				assert.Equal(t, a.Version, cur.Version)
			})
		}
	}
	t.Cleanup(func() { assert.Zero(t, internal.hits.Load(), "nothing reached the internal server") })
}

// The operator's log keeps what the caller is not told.
func TestSubmitDetailsLogsTheFetchCause(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	d := w.details("hcx.bsp-one.example")
	d.EncryptionCert = "https://10.1.2.3/cert.pem?token=hunter2"
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.ErrorIs(t, err, safefetch.ErrRefused)
	assert.NotContains(t, err.Error(), "10.1.2.3")
	logs := w.logs.String()
	assert.Contains(t, logs, "certificate URL not fetched")
	assert.Contains(t, logs, "10.1.2.3", "the operator sees the address")
	assert.NotContains(t, logs, "hunter2", "the query is not logged")
}

// Without WithFetcher the default fetcher guards; a plain HTTPClient in
// the certificate rules is refused rather than opening a way around it.
func TestSubmitDetailsDefaultFetcherRefusesLoopback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(w.cert.valid))
	}))
	_, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithNotifier(w.notes), onboarding.WithOTPKey(otpKey),
		onboarding.WithCertificateRules(onboarding.CertificateRules{HTTPClient: srv.Client()}))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption, "a plain client is refused")
	for name, opts := range map[string][]onboarding.Option{
		"default":        nil,
		"rules replaced": {onboarding.WithCertificateRules(onboarding.CertificateRules{MinRSABits: 3072})},
	} {
		t.Run(name, func(t *testing.T) {
			svc := w.service(registry.NewMemoryStore(), opts...)
			a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
			require.NoError(t, err)
			d := w.details("hcx.bsp-one.example")
			d.EncryptionCert = srv.URL + "/cert.pem"
			_, err = svc.SubmitDetails(ctx, a.ID, d)
			require.ErrorIs(t, err, safefetch.ErrRefused)
			assert.EqualError(t, err, "onboarding: invalid details: encryption_cert: could not be fetched: "+notAllowed)
		})
	}
	assert.Zero(t, srv.hits.Load())
}

func TestSubmitDetailsFetchesFromAnAllowedHost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(w.cert.valid))
	}))
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	d := w.details("hcx.bsp-one.example")
	d.EncryptionCert = srv.URL + "/enc.pem"
	d.SigningCertPath = srv.URL + "/sig.pem"
	a, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	assert.Equal(t, registry.StageCredentials, a.Stage)
	assert.Equal(t, w.cert.validNotAfter.UnixMilli(), a.Participant.EncryptionCertExpiry)
	assert.Equal(t, w.cert.validNotAfter.UnixMilli(), a.Participant.SigningCertExpiry)
	assert.EqualValues(t, 2, srv.hits.Load())
}

// Nothing is fetched for an application that does not exist or does not
// stand where it may take details.
func TestSubmitDetailsFetchesNothingBeforeTheApplicationAllowsIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(w.cert.valid))
	}))
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	d := w.details("hcx.bsp-one.example")
	d.EncryptionCert = srv.URL + "/enc.pem"
	d.SigningCertPath = srv.URL + "/sig.pem"

	_, err := svc.SubmitDetails(ctx, "0190d7a0-0000-7000-8000-000000000000", d)
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	_, err = svc.SubmitDetails(ctx, "", d)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)

	verifying, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, verifying.Stage)
	_, err = svc.SubmitDetails(ctx, verifying.ID, d)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)

	withdrawn, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	_, err = svc.Withdraw(ctx, withdrawn.ID, "applicant", "changed our mind")
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, withdrawn.ID, d)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)

	assert.Zero(t, srv.hits.Load(), "no request before the application allows the call")

	// The same details go through, and are fetched, once it does.
	ready, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, ready.ID, d)
	require.NoError(t, err)
	assert.EqualValues(t, 2, srv.hits.Load())
}
