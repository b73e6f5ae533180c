package readiness_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An endpoint_url's host is a DNS name or an address written the one
// way every parser reads alike. An address in any other form — or a host
// other software reads as an address — is refused at endpoint_url, before
// anything is sent, with a message that says a DNS name is needed; even
// when the operator's client would let the address through (here every
// name and address is allowed and resolves to loopback).
func TestEndpointURLAmbiguousAddressIsRefused(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	for _, raw := range []string{
		"https://203.0.113.7./hcx",      // a trailing dot
		"https://127.0.0.1../hcx",       // trailing dots
		"https://203.0.113.7...:8443/",  // trailing dots, with a port
		"https://127.0.0.1。。/hcx",       // trailing ideographic full stops
		"https://[::ffff:203.0.113.7]/", // IPv4-mapped IPv6
		"https://[::ffff:7f00:1]/",      // the same, in hexadecimal
		"https://[fe80::1%25eth0]/hcx",  // IPv6 with a zone
		"https://[2001:db8:0:0::1]/",    // IPv6, not in its shortest form
		"https://2130706433/hcx",        // 127.0.0.1 as one decimal number
		"https://0x7f.1/hcx",            // hexadecimal, shortened
		"https://127.1/hcx",             // shortened dotted form
		"https://０x7f.０.０.１/hcx",        // full-width digits, IDNA-mapped to ASCII
		"https://127。0。0。1/hcx",         // ideographic full stops, which IDNA reads as dots
		"https://127.0.0.⒈/hcx",         // DIGIT ONE FULL STOP, which browsers' IDNA maps to "1."
		"https://127.0.0.%E2%92%88/hcx", // the same, percent-encoded
		"https://127.0.0.1﹒/hcx",        // SMALL FULL STOP, mapped to "."
	} {
		t.Run(raw, func(t *testing.T) {
			t.Parallel()
			target := p.Target()
			target.EndpointURL = raw
			u, err := url.Parse(raw)
			require.NoError(t, err)
			client := rt.Client(t, p.Host, u.Hostname())
			rep := op.Checker(t, client).Check(context.Background(), target)
			res := requireFailure(t, rep, readiness.CheckEndpointURL, readiness.ProblemInvalidTarget, "DNS name", "endpoint_url")
			assert.Contains(t, res.Message, "endpoint_url")
			assert.Contains(t, res.Message, "address")
			assert.Equal(t, 0, rep.Attempts, "nothing is sent to an ambiguous address")
			assert.Empty(t, rep.URL)
			for _, c := range []readiness.Check{readiness.CheckDNS, readiness.CheckConnect, readiness.CheckTLS, readiness.CheckHTTP, readiness.CheckChallenge} {
				assert.Equal(t, "skipped", outcomes(rep)[c], c)
			}
			assert.Len(t, rep.Failures(), 1, "the registered certificates are sound: %v", outcomes(rep))
		})
	}
}

// An address written canonically is checked as a name is: a participant
// whose TLS certificate names that address is ready.
func TestEndpointURLCanonicalAddressIsChecked(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithHost("127.0.0.1"))
	rep := op.Checker(t, rt.Client(t, "127.0.0.1")).Check(context.Background(), p.Target())
	require.True(t, rep.Ready, "%v", outcomes(rep))
	res := result(t, rep, readiness.CheckEndpointURL)
	assert.Contains(t, res.Message, "IP address")
	assert.Contains(t, res.Message, "DNS host names only", "the engine's rule is told")

	// An IPv6 address in brackets passes endpoint_url too (nothing listens
	// there: the check goes on to connect).
	target := p.Target()
	target.EndpointURL = "https://[2001:db8::1]:8443/hcx"
	rep = op.Checker(t, rt.Client(t, "2001:db8::1")).Check(context.Background(), target)
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckEndpointURL], "%v", outcomes(rep))
	assert.False(t, rep.Ready)
}

// The test the issue asks for, written the plain way: a participant on
// httptest.NewTLSServer, checked at the server's own URL (127.0.0.1) with
// the server's client, is ready; the same participant holding another
// key than its registered certificate's is not.
func TestParticipantAtHTTPTestURL(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, tc := range []struct {
		name  string
		keyAt int
		ready bool
	}{{"its own key", 0, true}, {"another key", 2, false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			srv := httptest.NewTLSServer(mux)
			defer srv.Close()
			op := rt.NewOperator(1)
			checker := op.Checker(t, srv.Client())
			h, err := participant.NewHandler(
				participant.WithParticipant("hosp_rakshi_012345@hcx", participant.Keys{Encryption: rt.RSAKey(tc.keyAt)}),
				participant.WithOperator(op.Issuer, participant.StaticKeys(checker.JWKS())),
			)
			require.NoError(t, err)
			mux.Handle("/api"+participant.Path, h)
			rep := checker.Check(context.Background(), readiness.Target{
				ParticipantCode: "hosp_rakshi_012345@hcx",
				EndpointURL:     srv.URL + "/api",
				EncryptionCert:  rt.CertificatePEM(rt.RSAKey(0), "encryption", now.AddDate(0, -1, 0), now.AddDate(1, 0, 0)),
			})
			if tc.ready {
				require.True(t, rep.Ready, "%v", outcomes(rep))
				return
			}
			requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemWrongKey)
		})
	}
}

// Host names that hold digits, even ones shaped like an address in their
// leading labels, are DNS names and pass; so do single-label names such
// as localhost that tests and staging use.
func TestEndpointURLDNSNamesWithDigitsPass(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for _, host := range []string{
		"203-0-113-7.hospital.example.com",
		"203.0.113.7.hospital.example.com",
		"1hospital.example.com",
		"hcx2.example.in",
		"hospital.xn--h2brj9c",            // a punycode top-level label
		"10.20.30.40.hospital.example.in", // every label numeric but the last two
		"localhost",
	} {
		t.Run(host, func(t *testing.T) {
			t.Parallel()
			p := rt.NewParticipant(t, op, rt.WithHost(host))
			rep := op.Checker(t, rt.Client(t, host)).Check(context.Background(), p.Target())
			require.True(t, rep.Ready, "%s: %v", host, outcomes(rep))
			u, err := url.Parse(p.EndpointURL)
			require.NoError(t, err)
			assert.Equal(t, host, u.Hostname())
			_, port, _ := net.SplitHostPort(u.Host)
			assert.NotEmpty(t, port)
		})
	}
}
