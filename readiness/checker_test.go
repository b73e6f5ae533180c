package readiness_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// outcomes maps each check to its outcome, or to its problem when it
// failed, for compact assertions.
func outcomes(r readiness.Report) map[readiness.Check]string {
	m := map[readiness.Check]string{}
	for _, c := range r.Checks {
		if c.Outcome == readiness.Failed {
			m[c.Check] = string(c.Problem)
		} else {
			m[c.Check] = string(c.Outcome)
		}
	}
	return m
}

func result(t *testing.T, r readiness.Report, c readiness.Check) readiness.Result {
	t.Helper()
	res, ok := r.Result(c)
	require.True(t, ok, "no result for %s", c)
	return res
}

// requireFailure asserts that check c failed with problem p and a hint
// that contains each of words, and that every other check either passed
// or was skipped after the failure.
func requireFailure(t *testing.T, r readiness.Report, c readiness.Check, p readiness.Problem, words ...string) readiness.Result {
	t.Helper()
	require.False(t, r.Ready, "report: %+v", r)
	res := result(t, r, c)
	require.Equal(t, readiness.Failed, res.Outcome, "check %s: %+v\nreport: %v", c, res, outcomes(r))
	require.Equal(t, p, res.Problem, "check %s: %+v", c, res)
	require.NotEmpty(t, res.Message)
	require.NotEmpty(t, res.Hint, "a failed check has a hint")
	for _, w := range words {
		assert.Contains(t, res.Hint, w)
	}
	return res
}

var allPassed = map[readiness.Check]string{
	readiness.CheckEndpointURL: "passed", readiness.CheckDNS: "passed", readiness.CheckConnect: "passed",
	readiness.CheckTLS: "passed", readiness.CheckHTTP: "passed", readiness.CheckChallenge: "passed",
	readiness.CheckEncryptionKey: "passed", readiness.CheckSigningKey: "passed",
}

func TestCheckCorrectParticipantIsReady(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())

	require.True(t, rep.Ready, "%v", outcomes(rep))
	assert.Equal(t, allPassed, outcomes(rep))
	assert.Equal(t, "ready", rep.Summary())
	assert.Equal(t, 1, rep.Attempts)
	assert.Equal(t, p.EndpointURL+readiness.Path, rep.URL)
	assert.Equal(t, op.Issuer, rep.Issuer)
	assert.Equal(t, op.KeyID, rep.KeyID)
	assert.NotEmpty(t, rep.ChallengeID)
	tlsRes := result(t, rep, readiness.CheckTLS)
	assert.Equal(t, "TLS 1.3", tlsRes.TLSVersion)
	require.NotNil(t, tlsRes.NotAfter)
	assert.Empty(t, tlsRes.Hint, "a certificate valid for 90 days needs no hint")
	assert.Equal(t, http.StatusOK, result(t, rep, readiness.CheckHTTP).HTTPStatus)
	assert.NotNil(t, result(t, rep, readiness.CheckEncryptionKey).NotAfter)
}

func TestCheckReportJSON(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	data, err := json.Marshal(rep)
	require.NoError(t, err)
	var back readiness.Report
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, rep.Ready, back.Ready)
	assert.Equal(t, rep.Checks, back.Checks)

	var raw map[string]any
	require.NoError(t, json.Unmarshal(data, &raw))
	for _, k := range []string{"participant_code", "endpoint_url", "url", "ready", "issuer", "key_id", "challenge_id", "attempts", "checked_at", "duration_ms", "checks"} {
		assert.Contains(t, raw, k)
	}
	first := raw["checks"].([]any)[0].(map[string]any)
	assert.Equal(t, "endpoint_url", first["check"])
	assert.Equal(t, "passed", first["outcome"])
	assert.NotContains(t, first, "problem", "empty problems are left out")
}

func TestCheckWrongEncryptionKey(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	// The handler decrypts with key 2; the registered certificate is key 0's.
	p := rt.NewParticipant(t, op, rt.WithHandlerKeys(participant.Keys{Encryption: rt.RSAKey(2), Signing: rt.RSAKey(1)}))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())

	res := requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemWrongKey, "encryption_cert")
	assert.Contains(t, res.Message, "does not match")
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckChallenge], "the endpoint itself is fine")
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckSigningKey])
	assert.Equal(t, "not ready: encryption_key (wrong_key)", rep.Summary())
}

func TestCheckWrongSigningKey(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithHandlerKeys(participant.Keys{Encryption: rt.RSAKey(0), Signing: rt.RSAKey(2)}))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	requireFailure(t, rep, readiness.CheckSigningKey, readiness.ProblemWrongKey, "signing certificate")
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckEncryptionKey])
}

func TestCheckNoSigningKeyButCertificateRegistered(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithHandlerKeys(participant.Keys{Encryption: rt.RSAKey(0)}))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	requireFailure(t, rep, readiness.CheckSigningKey, readiness.ProblemNoSignature, "Keys.Signing")
}

func TestCheckWithoutSigningCertificateSkipsSigning(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithHandlerKeys(participant.Keys{Encryption: rt.RSAKey(0)}))
	target := p.Target()
	target.SigningCert = ""
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
	require.True(t, rep.Ready, "%v", outcomes(rep))
	res := result(t, rep, readiness.CheckSigningKey)
	assert.Equal(t, readiness.Skipped, res.Outcome)
	assert.Contains(t, res.Message, "no signing certificate")
}

func TestCheckRSAOAEP(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	rep := op.Checker(t, rt.Client(t, p.Host), readiness.WithKeyEncryption(jwa.RSA_OAEP)).Check(context.Background(), p.Target())
	require.True(t, rep.Ready, "%v", outcomes(rep))
	assert.Contains(t, result(t, rep, readiness.CheckEncryptionKey).Message, "RSA-OAEP,")
}

func TestCheckUnreachableHost(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	p := rt.NewParticipant(t, op)
	target := p.Target()
	target.EndpointURL = "https://" + net.JoinHostPort(p.Host, itoa(port)) + rt.BasePath

	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
	requireFailure(t, rep, readiness.CheckConnect, readiness.ProblemConnectionRefused, p.Host, "firewall")
	assert.Equal(t, 2, rep.Attempts, "a refused connection is retried")
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckDNS])
	for _, c := range []readiness.Check{readiness.CheckTLS, readiness.CheckHTTP, readiness.CheckChallenge, readiness.CheckEncryptionKey, readiness.CheckSigningKey} {
		assert.Equal(t, "skipped", outcomes(rep)[c], c)
	}
	assert.NotContains(t, result(t, rep, readiness.CheckConnect).Message, "127.0.0.1", "no addresses in messages")
}

func TestCheckHostDoesNotResolve(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	target := p.Target()
	target.EndpointURL = "https://hospital.invalid/hcx"
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
	requireFailure(t, rep, readiness.CheckDNS, readiness.ProblemDNS, "hospital.invalid", "public DNS")
	assert.Equal(t, 1, rep.Attempts, "a name that does not resolve is not retried")
}

func TestCheckAddressNotPublic(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	// The operator's client is not told the host is allowed: it resolves
	// to loopback, which the SSRF guard refuses.
	rep := op.Checker(t, rt.Client(t)).Check(context.Background(), p.Target())
	requireFailure(t, rep, readiness.CheckConnect, readiness.ProblemAddressNotPublic, "public address")
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckDNS])
}

func TestCheckTLSCertificateProblems(t *testing.T) {
	t.Parallel()
	now := time.Now()
	ca := rt.SharedCA()
	tests := []struct {
		name    string
		opt     rt.Option
		problem readiness.Problem
		words   []string
	}{
		{"expired", rt.WithServerCertificate(ca.TLSCertificate(now.Add(-48*time.Hour), now.Add(-24*time.Hour), rt.Host)),
			readiness.ProblemTLSCertificateExpired, []string{"Renew", rt.Host}},
		{"not yet valid", rt.WithServerCertificate(ca.TLSCertificate(now.Add(24*time.Hour), now.Add(48*time.Hour), rt.Host)),
			readiness.ProblemTLSCertificateExpired, []string{"not valid until", rt.Host, "clock"}},
		{"other host", rt.WithServerCertificate(ca.TLSCertificate(now.Add(-time.Hour), now.Add(24*time.Hour), "other.example.org")),
			readiness.ProblemTLSCertificateHost, []string{rt.Host, "subject alternative names"}},
		{"untrusted authority", rt.WithServerCertificate(rt.NewCA().TLSCertificate(now.Add(-time.Hour), now.Add(24*time.Hour), rt.Host)),
			readiness.ProblemTLSUntrusted, []string{"public certificate authority"}},
		{"TLS 1.1", rt.WithTLSConfig(func(c *tls.Config) { c.MaxVersion = tls.VersionTLS11 }),
			readiness.ProblemTLSVersion, []string{"TLS 1.2"}},
	}
	op := rt.NewOperator(1)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := rt.NewParticipant(t, op, tc.opt)
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckTLS, tc.problem, tc.words...)
			assert.Equal(t, 1, rep.Attempts, "TLS failures are not retried")
			assert.Equal(t, "passed", outcomes(rep)[readiness.CheckConnect])
			if tc.problem == readiness.ProblemTLSCertificateHost {
				assert.Contains(t, res.Message, "other.example.org")
			}
		})
	}
}

// A cache or a stub in front of the handler answers with the answer to
// an earlier challenge.
func TestCheckReplayedAnswer(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	var mu sync.Mutex
	var stored []byte
	caching := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if stored == nil {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				stored = rec.Body.Bytes()
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(stored)
		})
	}
	p := rt.NewParticipant(t, op, rt.WithMiddleware(caching))
	c := op.Checker(t, rt.Client(t, p.Host))
	first := c.Check(context.Background(), p.Target())
	require.True(t, first.Ready, "%v", outcomes(first))

	second := c.Check(context.Background(), p.Target())
	res := requireFailure(t, second, readiness.CheckChallenge, readiness.ProblemReplay, "uncached")
	assert.Contains(t, res.Message, first.ChallengeID)
	assert.NotEqual(t, first.ChallengeID, second.ChallengeID, "each check sends a new jti")
	assert.Equal(t, "skipped", outcomes(second)[readiness.CheckEncryptionKey], "an answer to another challenge proves nothing")
}

// A proxy that retries POSTs delivers the challenge twice; the handler
// refuses the second delivery as a replay.
func TestCheckChallengeDeliveredTwice(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	twice := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			first := r.Clone(r.Context())
			first.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(httptest.NewRecorder(), first)
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
		})
	}
	p := rt.NewParticipant(t, op, rt.WithMiddleware(twice))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	res := requireFailure(t, rep, readiness.CheckChallenge, readiness.ProblemReplay, "retrying POSTs")
	assert.Contains(t, res.Message, "replay")
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckHTTP], "the handler is there")
}

func TestCheckChallengeNotSignedByTheOperator(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	impostor := rt.NewOperator(2)
	impostor.KeyID = op.KeyID // same kid, another key
	tests := []struct {
		name    string
		checker *rt.Operator
		trusted participant.Option
		msg     string
	}{
		{"another key under the operator's kid", impostor, participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS())), "bad_signature"},
		{"a kid the operator does not have", rt.NewOperator(3), participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS())), "unknown_key"},
		{"an issuer the endpoint does not trust", op, participant.WithOperator("another-hcx", participant.StaticKeys(op.JWKS())), "unknown_issuer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := rt.NewParticipant(t, op, rt.WithoutDefaultOperator(), rt.WithHandlerOptions(tc.trusted))
			rep := tc.checker.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckChallenge, readiness.ProblemOperatorNotTrusted, "JWKS", tc.checker.KeyID)
			assert.Contains(t, res.Message, tc.msg)
			assert.Equal(t, 1, rep.Attempts)
			assert.Equal(t, "skipped", outcomes(rep)[readiness.CheckEncryptionKey])
		})
	}
}

func TestCheckWrongParticipant(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithCode("someone_else@hcx"))
	target := p.Target()
	target.ParticipantCode = rt.Code
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
	res := requireFailure(t, rep, readiness.CheckChallenge, readiness.ProblemWrongParticipant, rt.Code)
	assert.Contains(t, res.Message, "someone_else@hcx")
}

func TestCheckClockSkew(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithHandlerOptions(participant.WithClock(func() time.Time { return time.Now().Add(10 * time.Minute) })))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	requireFailure(t, rep, readiness.CheckChallenge, readiness.ProblemClockSkew, "NTP")
}

func TestCheckHTTPProblems(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	answer := func(status int, body string, header ...string) rt.Option {
		return rt.WithMiddleware(func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for i := 0; i+1 < len(header); i += 2 {
					w.Header().Set(header[i], header[i+1])
				}
				w.WriteHeader(status)
				_, _ = io.WriteString(w, body)
			})
		})
	}
	tests := []struct {
		name     string
		opt      rt.Option
		problem  readiness.Problem
		words    []string
		attempts int
	}{
		{"gateway refuses", answer(http.StatusForbidden, "<html>denied</html>"), readiness.ProblemHTTPStatus, []string{"WAF", "allow-list"}, 1},
		{"server error", answer(http.StatusInternalServerError, ""), readiness.ProblemHTTPStatus, []string{"logs"}, 1},
		{"bad gateway", answer(http.StatusBadGateway, ""), readiness.ProblemHTTPStatus, []string{"load balancer"}, 2},
		{"redirect", answer(http.StatusTemporaryRedirect, "", "Location", "https://elsewhere.example.com/x?sig=secret"), readiness.ProblemRedirect, []string{"redirects"}, 1},
		{"a page, not the handler", answer(http.StatusOK, "<html>welcome</html>"), readiness.ProblemBadAnswer, []string{"readiness/participant"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := rt.NewParticipant(t, op, tc.opt)
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckHTTP, tc.problem, tc.words...)
			assert.Equal(t, tc.attempts, rep.Attempts)
			assert.NotContains(t, res.Message, "secret", "queries are not repeated")
			assert.Equal(t, "passed", outcomes(rep)[readiness.CheckTLS])
		})
	}
}

func TestCheckHandlerNotMounted(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	target := p.Target()
	target.EndpointURL = strings.TrimSuffix(p.EndpointURL, rt.BasePath) + "/elsewhere"
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
	res := requireFailure(t, rep, readiness.CheckHTTP, readiness.ProblemHTTPStatus, "/elsewhere"+readiness.Path, "Mount")
	assert.Equal(t, http.StatusNotFound, res.HTTPStatus)
}

func TestCheckRetriesUntilTheEndpointAnswers(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	var mu sync.Mutex
	calls := 0
	flaky := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			n := calls
			mu.Unlock()
			if n == 1 {
				http.Error(w, "starting", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	p := rt.NewParticipant(t, op, rt.WithMiddleware(flaky))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	require.True(t, rep.Ready, "%v", outcomes(rep))
	assert.Equal(t, 2, rep.Attempts)
}

func TestCheckTimeout(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	slow := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			// Read the body, so the server notices the client leaving.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})
	}
	p := rt.NewParticipant(t, op, rt.WithMiddleware(slow))
	c := op.Checker(t, rt.Client(t, p.Host), readiness.WithTimeout(200*time.Millisecond), readiness.WithRetries(1, 10*time.Millisecond))
	rep := c.Check(context.Background(), p.Target())
	res := requireFailure(t, rep, readiness.CheckHTTP, readiness.ProblemTimeout, "answer POST")
	assert.Contains(t, res.Message, "did not answer in time")
	assert.Equal(t, 2, rep.Attempts)
}

func TestCheckCanceled(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(ctx, p.Target())
	require.False(t, rep.Ready)
	require.Len(t, rep.Failures(), 1)
	assert.Equal(t, readiness.ProblemCanceled, rep.Failures()[0].Problem)
	assert.Equal(t, 1, rep.Attempts)
}

func TestCheckRegisteredCertificates(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	now := time.Now()
	soon := rt.CertificatePEM(rt.RSAKey(0), "soon", now.Add(-time.Hour), now.Add(10*24*time.Hour))
	expired := rt.CertificatePEM(rt.RSAKey(0), "expired", now.Add(-48*time.Hour), now.Add(-time.Hour))

	t.Run("base64 of PEM, expiring soon", func(t *testing.T) {
		t.Parallel()
		target := p.Target()
		target.EncryptionCert = b64(soon)
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
		require.True(t, rep.Ready, "%v", outcomes(rep))
		assert.Contains(t, result(t, rep, readiness.CheckEncryptionKey).Hint, "expires on")
	})
	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		target := p.Target()
		target.EncryptionCert = expired
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
		requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemCertificateExpired, "Renew")
		assert.Equal(t, "passed", outcomes(rep)[readiness.CheckChallenge], "the rest still runs")
	})
	t.Run("not a certificate", func(t *testing.T) {
		t.Parallel()
		target := p.Target()
		target.EncryptionCert = "hello"
		target.SigningCert = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
		requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemCertificate, "PEM")
		requireFailure(t, rep, readiness.CheckSigningKey, readiness.ProblemCertificate, "PEM")
	})
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		target := p.Target()
		target.EncryptionCert = ""
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
		requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemCertificate, "RSA key")
	})
	t.Run("by URL", func(t *testing.T) {
		t.Parallel()
		mux := http.NewServeMux()
		mux.HandleFunc("/enc.pem", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, p.EncryptionCert) })
		base := rt.Serve(t, "certs.example.com", mux)
		target := p.Target()
		target.EncryptionCert = base + "/enc.pem"
		rep := op.Checker(t, rt.Client(t, p.Host, "certs.example.com")).Check(context.Background(), target)
		require.True(t, rep.Ready, "%v", outcomes(rep))

		target.EncryptionCert = base + "/missing.pem"
		rep = op.Checker(t, rt.Client(t, p.Host, "certs.example.com")).Check(context.Background(), target)
		res := requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemCertificate, "https URL")
		assert.Contains(t, res.Message, "HTTP 404")
	})
}

func TestCheckInvalidTarget(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	c := op.Checker(t, rt.Client(t))
	for _, target := range []readiness.Target{
		{ParticipantCode: "p@hcx", EndpointURL: "http://hospital.example.com/hcx"},
		{ParticipantCode: "p@hcx", EndpointURL: "https://user:pw@hospital.example.com/hcx"},
		{ParticipantCode: "p@hcx", EndpointURL: "https://hospital.example.com/hcx?x=1"},
		{ParticipantCode: "p@hcx", EndpointURL: ""},
		{EndpointURL: "https://hospital.example.com/hcx"},
	} {
		rep := c.Check(context.Background(), target)
		res := result(t, rep, readiness.CheckEndpointURL)
		assert.Equal(t, readiness.ProblemInvalidTarget, res.Problem, "%+v", target)
		assert.Zero(t, rep.Attempts, "nothing is sent for %+v", target)
		assert.Equal(t, "skipped", outcomes(rep)[readiness.CheckDNS])
	}
}

func TestNewRequiresItsOptions(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	client := rt.Client(t)
	_, err := readiness.New(readiness.WithIssuer("x"), readiness.WithHTTPClient(client))
	assert.ErrorIs(t, err, readiness.ErrInvalidOption)
	assert.ErrorContains(t, err, "WithSigner")
	_, err = readiness.New(readiness.WithSigner(op.Key, ""), readiness.WithHTTPClient(client))
	assert.ErrorContains(t, err, "WithIssuer")
	_, err = readiness.New(readiness.WithSigner(op.Key, ""), readiness.WithIssuer("x"))
	assert.ErrorContains(t, err, "WithHTTPClient")
	for _, o := range []readiness.Option{
		readiness.WithTimeout(0), readiness.WithRetries(9, time.Second), readiness.WithRetries(1, 0),
		readiness.WithChallengeTTL(time.Hour), readiness.WithKeyEncryption(jwa.RSA1_5), readiness.WithClock(nil),
		readiness.WithRand(nil), readiness.WithSigner(nil, ""), readiness.WithHTTPClient(nil), nil,
	} {
		_, err := readiness.New(readiness.WithSigner(op.Key, ""), readiness.WithIssuer("x"), readiness.WithHTTPClient(client), o)
		assert.ErrorIs(t, err, readiness.ErrInvalidOption)
	}
	c, err := readiness.New(readiness.WithSigner(op.Key, ""), readiness.WithIssuer("x"), readiness.WithHTTPClient(client))
	require.NoError(t, err)
	assert.NotEmpty(t, c.KeyID(), "the kid defaults to the thumbprint")
	k, ok := c.JWKS().Key(0)
	require.True(t, ok)
	assert.Equal(t, c.KeyID(), k.KeyID())
	assert.Equal(t, jwa.EdDSA.String(), k.Algorithm().String())
}

// plainClient is an ordinary client, not safefetch's: the Checker reads
// its raw errors too. It dials every host at addr.
func plainClient(addr string, insecure bool) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, host string) (net.Conn, error) {
			if strings.HasPrefix(host, "nxdomain") {
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "nxdomain", IsNotFound: true}}
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{RootCAs: rt.SharedCA().Pool, MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure}, //nolint:gosec // the insecure case is under test
	}}
}

func TestCheckWithAPlainClient(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	now := time.Now()
	good := rt.NewParticipant(t, op)
	expired := rt.NewParticipant(t, op, rt.WithServerCertificate(rt.SharedCA().TLSCertificate(now.Add(-48*time.Hour), now.Add(-time.Hour), rt.Host)))
	otherHost := rt.NewParticipant(t, op, rt.WithServerCertificate(rt.SharedCA().TLSCertificate(now.Add(-time.Hour), now.Add(time.Hour), "other.example.org")))
	untrusted := rt.NewParticipant(t, op, rt.WithServerCertificate(rt.NewCA().TLSCertificate(now.Add(-time.Hour), now.Add(time.Hour), rt.Host)))
	closed := rt.NewParticipant(t, op)
	closed.Server.Close()

	tests := []struct {
		name     string
		p        *rt.Participant
		endpoint string
		insecure bool
		check    readiness.Check
		problem  readiness.Problem
	}{
		{"no such host", good, "https://nxdomain.example.com/hcx", false, readiness.CheckDNS, readiness.ProblemDNS},
		{"refused", closed, "", false, readiness.CheckConnect, readiness.ProblemConnectionRefused},
		{"expired", expired, "", false, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired},
		{"other host", otherHost, "", false, readiness.CheckTLS, readiness.ProblemTLSCertificateHost},
		{"untrusted", untrusted, "", false, readiness.CheckTLS, readiness.ProblemTLSUntrusted},
		// A client that skips verification does not make a bad certificate pass.
		{"insecure client, other host", otherHost, "", true, readiness.CheckTLS, readiness.ProblemTLSUntrusted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := tc.p.Target()
			if tc.endpoint != "" {
				target.EndpointURL = tc.endpoint
			}
			addr := strings.TrimPrefix(tc.p.Server.URL, "https://")
			c := op.Checker(t, plainClient(addr, tc.insecure), readiness.WithRetries(0, time.Millisecond))
			rep := c.Check(context.Background(), target)
			requireFailure(t, rep, tc.check, tc.problem)
		})
	}

	rep := op.Checker(t, plainClient(strings.TrimPrefix(good.Server.URL, "https://"), false)).Check(context.Background(), good.Target())
	require.True(t, rep.Ready, "%v", outcomes(rep))
}

// MaxDuration covers the two certificate fetches and every attempt at the
// timeout, with the waits between attempts (doubling, capped at 30 s).
func TestMaxDurationBoundsACheck(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	c := op.Checker(t, rt.Client(t, rt.Host), readiness.WithTimeout(readiness.DefaultTimeout), readiness.WithRetries(readiness.DefaultRetries, readiness.DefaultRetryWait))
	assert.Equal(t, 5*readiness.DefaultTimeout+time.Second+2*time.Second, c.MaxDuration())

	c = op.Checker(t, rt.Client(t, rt.Host), readiness.WithTimeout(2*time.Second), readiness.WithRetries(4, 20*time.Second))
	assert.Equal(t, 7*2*time.Second+(20+30+30+30)*time.Second, c.MaxDuration())

	c = op.Checker(t, rt.Client(t, rt.Host), readiness.WithTimeout(time.Second), readiness.WithRetries(0, time.Second))
	assert.Equal(t, 3*time.Second, c.MaxDuration(), "no retries, no waits")
}
