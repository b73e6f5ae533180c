package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// demoEndpoint serves a readiness handler for code, with the demo
// participants' keys from dir, trusting checker, over TLS with cert, on
// loopback; it returns the port.
func demoEndpoint(t *testing.T, dir, code string, checker *readiness.Checker, cert tls.Certificate) int {
	t.Helper()
	enc, err := os.ReadFile(filepath.Join(dir, demoEncryptionKeyFile))
	require.NoError(t, err)
	sig, err := os.ReadFile(filepath.Join(dir, demoSigningKeyFile))
	require.NoError(t, err)
	keys, err := participant.KeysFromPEM(enc, sig)
	require.NoError(t, err)
	h, err := participant.NewHandler(participant.WithParticipant(code, keys),
		participant.WithOperator(checker.Issuer(), participant.StaticKeys(checker.JWKS())))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/hcx"+readiness.Path, h)
	srv := httptest.NewUnstartedServer(mux)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

// The demo's one allowance: its own host name reaches loopback, with a
// port, over TLS from the demo CA. An IP address, another CA, or any
// other private address stays refused.
func TestDemoReadinessAllowsOnlyItsOwnEndpoints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pk, err := loadParticipantKeys(dir)
	require.NoError(t, err)
	ready, err := newDemoReadiness(dir, readinessRequired, "hcx", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	require.NoError(t, err)
	require.NotNil(t, ready.checker)
	assert.Len(t, ready.options(), 2, "WithReadiness and the demo's endpoint rules")

	pair, err := os.ReadFile(filepath.Join(dir, demoEndpointTLSFile))
	require.NoError(t, err)
	assert.Contains(t, string(pair), "DEMO ONLY")
	demoCert, err := tls.X509KeyPair(pair, pair)
	require.NoError(t, err)
	const code = "hosp_demo01_000001@hcx"
	port := demoEndpoint(t, dir, code, ready.checker, demoCert)

	encPEM, err := selfSignedPEM(pk.encryption, "encryption")
	require.NoError(t, err)
	sigPEM, err := selfSignedPEM(pk.signing, "signing")
	require.NoError(t, err)
	target := func(host string, port int) readiness.Target {
		return readiness.Target{ParticipantCode: code, EncryptionCert: encPEM, SigningCert: sigPEM,
			EndpointURL: "https://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/hcx"}
	}
	ctx := context.Background()

	rep := ready.checker.Check(ctx, target(demoEndpointHost, port))
	require.True(t, rep.Ready, rep.Summary())
	for _, c := range readiness.Checks {
		r, ok := rep.Result(c)
		require.True(t, ok, c)
		assert.Equal(t, readiness.Passed, r.Outcome, c)
	}

	// The same endpoint at its address: the demo allows its one host name
	// to reach loopback, not loopback itself, so nothing is sent.
	rep = ready.checker.Check(ctx, target("127.0.0.1", port))
	assert.False(t, rep.Ready, "loopback by address is not the demo's host")
	assert.Equal(t, readiness.ProblemAddressNotPublic, failure(t, rep).Problem, rep.Summary())
	assert.Equal(t, readiness.CheckConnect, failure(t, rep).Check, rep.Summary())

	// The demo's host, but a certificate the demo CA did not issue.
	other := readinesstest.NewCA().TLSCertificate(time.Now().Add(-time.Hour), time.Now().Add(time.Hour), demoEndpointHost)
	rep = ready.checker.Check(ctx, target(demoEndpointHost, demoEndpoint(t, dir, code, ready.checker, other)))
	assert.False(t, rep.Ready)
	assert.Equal(t, readiness.ProblemTLSUntrusted, failure(t, rep).Problem, rep.Summary())

	var m demoReadinessManifest
	b, err := os.ReadFile(filepath.Join(dir, demoReadinessFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, demoReadinessManifest{DemoOnly: m.DemoOnly, Mode: readinessRequired, Issuer: "hcx", KeyID: ready.checker.KeyID(),
		JWKSPath: readinessJWKSPath, EndpointHost: demoEndpointHost, CA: demoCAFile, TLS: demoEndpointTLSFile,
		EncryptionKey: demoEncryptionKeyFile, SigningKey: demoSigningKeyFile}, m)

	// Off: no checker, no engine options, and the walkthrough finds no
	// manifest.
	off, err := newDemoReadiness(dir, readinessOff, "hcx", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	require.NoError(t, err)
	assert.Nil(t, off.checker)
	assert.Empty(t, off.options())
	_, err = os.Stat(filepath.Join(dir, demoReadinessFile))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func failure(t *testing.T, rep readiness.Report) readiness.Result {
	t.Helper()
	f := rep.Failures()
	require.NotEmpty(t, f)
	return f[0]
}

// The scheduler runs in the operator's process: details given, the
// readiness check runs at its next pass without anyone asking, and
// /readyz answers while its passes go on. The operator publishes the key
// its challenges are signed with.
func TestSchedulerRunsInProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, out, _ := start(t, "-data", dir, "-schedule-interval", "1s")
	banner := out.String()
	assert.Contains(t, banner, "Schedule: due work every 1s")
	assert.Contains(t, banner, "registry waits, readiness re-checks")
	assert.Contains(t, banner, "Readiness: required before go-live")
	assert.Contains(t, banner, "DEMO ONLY: endpoints may name a port")

	status, body := get(t, base+readinessJWKSPath)
	require.Equal(t, http.StatusOK, status)
	set, err := jwk.Parse([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, 1, set.Len())

	// A regulator: one staff review, then step 3.
	app, err := os.ReadFile(filepath.Join(dir, "application-regulator.json"))
	require.NoError(t, err)
	var applied struct {
		ApplicantToken string `json:"applicant_token"`
		Application    struct {
			ID    string `json:"id"`
			Tasks []struct {
				ID   string `json:"id"`
				Kind string `json:"kind"`
			} `json:"tasks"`
		} `json:"application"`
	}
	send(t, http.MethodPost, base+"/v1/onboarding/applications", "", app, http.StatusCreated, &applied)
	id, token := applied.Application.ID, applied.ApplicantToken
	require.Len(t, applied.Application.Tasks, 1)
	send(t, http.MethodPost, base+"/v1/onboarding/staff/applications/"+id+"/tasks/"+applied.Application.Tasks[0].ID+"/decision",
		staffToken(t, banner), []byte(`{"decision":"approve","reason":"test"}`), http.StatusOK, nil)

	// An endpoint on the demo's host where nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	details, err := os.ReadFile(filepath.Join(dir, "details.json"))
	require.NoError(t, err)
	var d onboarding.Details
	require.NoError(t, json.Unmarshal(details, &d))
	d.EndpointURL = "https://" + net.JoinHostPort(demoEndpointHost, strconv.Itoa(closed)) + "/hcx"
	body2, err := json.Marshal(d)
	require.NoError(t, err)
	send(t, http.MethodPut, base+"/v1/onboarding/applications/"+id+"/details", token, body2, http.StatusOK, nil)

	var a struct {
		Readiness *onboarding.ReadinessRecord `json:"readiness"`
	}
	require.Eventually(t, func() bool {
		send(t, http.MethodGet, base+"/v1/onboarding/applications/"+id, token, nil, http.StatusOK, &a)
		return a.Readiness != nil
	}, 60*time.Second, 200*time.Millisecond, "the scheduler checks readiness after step 3; output:\n%s", out)
	assert.False(t, a.Readiness.Report.Ready)
	assert.Equal(t, readiness.ProblemConnectionRefused, failure(t, a.Readiness.Report).Problem)

	status, body = get(t, base+"/readyz")
	assert.Equal(t, http.StatusOK, status, body)
}

// send makes a JSON request and decodes the answer into out.
func send(t *testing.T, method, url, token string, body []byte, want int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, want, res.StatusCode, "%s %s: %s", method, url, b)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out))
	}
}

// -readiness off: no checks, no published key, no demo allowance.
func TestReadinessOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, out, _ := start(t, "-data", dir, "-readiness", "off", "-profile", "nhcx")
	assert.Contains(t, out.String(), "Readiness: off")
	assert.NotContains(t, out.String(), "readiness re-checks", "the scheduler has no readiness to re-check")
	assert.Contains(t, out.String(), "write the nhcx profile")
	status, _ := get(t, base+readinessJWKSPath)
	assert.Equal(t, http.StatusNotFound, status)
	_, err := os.Stat(filepath.Join(dir, demoReadinessFile))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
