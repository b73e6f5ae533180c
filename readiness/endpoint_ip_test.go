package readiness_test

import (
	"context"
	"net"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An endpoint_url must name its host by DNS name: the HCX routes to a
// participant by name and verifies its certificate for that name. An IP
// literal — or a host other software reads as one — is refused at
// endpoint_url, before anything is sent, with a message that says a DNS
// name is needed; even when the operator's client would let the address
// through (here every name and address is allowed and resolves to
// loopback).
func TestEndpointURLIPLiteralIsRefused(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	for _, raw := range []string{
		"https://203.0.113.7/hcx",
		"https://203.0.113.7:8443/hcx",
		"https://203.0.113.7./hcx",      // a trailing dot
		"https://127.0.0.1../hcx",       // trailing dots
		"https://203.0.113.7...:8443/",  // trailing dots, with a port
		"https://127.0.0.1。。/hcx",       // trailing ideographic full stops
		"https://127.0.0.1/hcx",         // loopback
		"https://[2001:db8::1]/",        // IPv6
		"https://[::1]:8443/hcx",        // IPv6 loopback, with a port
		"https://[::ffff:203.0.113.7]/", // IPv4-mapped IPv6
		"https://[fe80::1%25eth0]/hcx",  // IPv6 with a zone
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
			assert.Contains(t, res.Message, "IP address")
			assert.Equal(t, 0, rep.Attempts, "nothing is sent to an IP literal")
			assert.Empty(t, rep.URL)
			for _, c := range []readiness.Check{readiness.CheckDNS, readiness.CheckConnect, readiness.CheckTLS, readiness.CheckHTTP, readiness.CheckChallenge} {
				assert.Equal(t, "skipped", outcomes(rep)[c], c)
			}
			assert.Len(t, rep.Failures(), 1, "the registered certificates are sound: %v", outcomes(rep))
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
