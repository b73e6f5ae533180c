package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// selfTest is a participant's endpoint on localhost whose handler trusts
// the key file the command writes, and the files the command reads.
type selfTest struct {
	p                        *rt.Participant
	dir, jwks, ca, enc, sign string
}

func newSelfTest(t *testing.T, opts ...rt.Option) *selfTest {
	t.Helper()
	dir := t.TempDir()
	s := &selfTest{dir: dir, jwks: filepath.Join(dir, "selftest.jwks")}
	base := []rt.Option{
		rt.WithHost("localhost"),
		rt.WithoutDefaultOperator(),
		rt.WithHandlerOptions(participant.WithOperator(DefaultIssuer, participant.FileKeys(s.jwks))),
	}
	s.p = rt.NewParticipant(t, nil, append(base, opts...)...)
	s.ca = write(t, dir, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rt.SharedCA().Cert.Raw})))
	s.enc = write(t, dir, "enc.pem", s.p.EncryptionCert)
	s.sign = write(t, dir, "sign.pem", s.p.SigningCert)
	return s
}

func write(t *testing.T, dir, name, data string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
	return path
}

func (s *selfTest) args(extra ...string) []string {
	return append([]string{
		"-code", s.p.Code, "-endpoint", s.p.EndpointURL,
		"-encryption-cert", s.enc, "-signing-cert", s.sign,
		"-ca", s.ca, "-allow-private", "-retries", "0", "-timeout", "5s",
	}, extra...)
}

func runArgs(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSelfTestReady(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	code, out, errOut := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
	require.Equal(t, exitReady, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "PASS  encryption_key")
	assert.Contains(t, out, "PASS  signing_key")
	assert.Contains(t, out, "READY (1 attempt, challenge ")
	assert.Contains(t, errOut, "wrote the throw-away key")

	// The key file holds a public key only.
	data, err := os.ReadFile(s.jwks)
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"d"`)
}

func TestSelfTestJSON(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	code, out, _ := runArgs(t, "", s.args("-jwks-out", s.jwks, "-json")...)
	require.Equal(t, exitReady, code, out)
	var rep readiness.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Ready)
	assert.Equal(t, DefaultIssuer, rep.Issuer)
	assert.Len(t, rep.Checks, len(readiness.Checks))
}

func TestSelfTestWrongKey(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t, rt.WithHandlerKeys(participant.Keys{Encryption: rt.RSAKey(2), Signing: rt.RSAKey(1)}))
	code, out, _ := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
	require.Equal(t, exitNotReady, code, out)
	assert.Contains(t, out, "FAIL  encryption_key")
	assert.Contains(t, out, "problem: wrong_key")
	assert.Contains(t, out, "fix: The private key your endpoint decrypts with")
	assert.Contains(t, out, "NOT READY: encryption_key (wrong_key)")
	assert.Contains(t, out, "Your endpoint's logs name the last challenge")
}

// Without the key file the handler does not trust the run's key, and
// the report says how to fix that: for this self-test, not by reaching
// an operator's published key set.
func TestSelfTestKeyNotInstalled(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	code, out, _ := runArgs(t, "", s.args()...)
	require.Equal(t, exitNotReady, code, out)
	assert.Contains(t, out, "problem: operator_keys_unavailable")
	assert.Contains(t, out, "run again with -jwks-out set to the file your handler's participant.FileKeys reads")

	// With -json, standard output stays the report alone.
	code, out, errOut := runArgs(t, "", s.args("-json")...)
	require.Equal(t, exitNotReady, code, out)
	var rep readiness.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Contains(t, errOut, "-jwks-out")
}

// A handler that does not trust the self-test's operator at all is told
// how to: the self-test's issuer, read from a file this command writes.
func TestSelfTestOperatorNotConfigured(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t, rt.WithHandlerOptions(participant.WithOperator("another-operator", participant.FileKeys(filepath.Join(t.TempDir(), "x.jwks")))))
	code, out, _ := runArgs(t, "", append(s.args("-jwks-out", s.jwks), "-issuer", "my-selftest")...)
	require.Equal(t, exitNotReady, code, out)
	assert.Contains(t, out, "problem: operator_not_trusted")
	assert.Contains(t, out, `participant.WithOperator("my-selftest", participant.FileKeys(`+s.jwks+`))`)
}

// With -wait the command prints the key set and waits; the participant
// installs it, then presses Enter.
func TestSelfTestWait(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	var errOut syncBuffer
	var out bytes.Buffer
	stdin := readerFunc(func(p []byte) (int, error) {
		text := errOut.String()
		start := strings.Index(text, ":\n") + 2
		end := strings.Index(text, "\nthen press Enter")
		require.Positive(t, end)
		require.NoError(t, os.WriteFile(s.jwks, []byte(text[start:end]), 0o600))
		return copy(p, "\n"), nil
	})
	code := run(context.Background(), s.args("-wait"), stdin, &out, &errOut)
	require.Equal(t, exitReady, code, out.String())
}

func TestSelfTestUnreachable(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	s.p.Server.Close()
	code, out, _ := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
	require.Equal(t, exitNotReady, code, out)
	assert.Contains(t, out, "FAIL  connect")
	assert.Contains(t, out, "problem: connection_refused")
	assert.Contains(t, out, "SKIP  encryption_key")
}

// Without -allow-private, a loopback endpoint is what the HCX could not
// reach either.
func TestSelfTestPrivateAddressRefused(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	args := []string{"-code", s.p.Code, "-endpoint", s.p.EndpointURL, "-encryption-cert", s.enc, "-ca", s.ca, "-retries", "0"}
	code, out, _ := runArgs(t, "", args...)
	require.Equal(t, exitNotReady, code, out)
	assert.Contains(t, out, "problem: address_not_public")
}

func TestUsage(t *testing.T) {
	t.Parallel()
	code, _, errOut := runArgs(t, "", "-h")
	assert.Equal(t, exitReady, code)
	for _, w := range []string{"usage: readiness", "participant.FileKeys", "Exit status: 0 ready, 1 not ready, 2 bad usage", "-jwks-out", "-allow-private", "Before the operator has given you a participant code"} {
		assert.Contains(t, errOut, w)
	}

	code, _, errOut = runArgs(t, "", "-code", "x@hcx")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "usage:")
	assert.Contains(t, errOut, "readiness: missing -endpoint and -encryption-cert", "the run names what it lacks")

	code, _, errOut = runArgs(t, "", "-code", "x@hcx", "-endpoint", "https://a.example/x")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "readiness: missing -encryption-cert\n")

	dir := t.TempDir()
	for _, args := range [][]string{
		{"-code", "x", "-endpoint", "https://a.example/x", "-encryption-cert", filepath.Join(dir, "missing.pem")},
		{"-code", "x", "-endpoint", "https://a.example/x", "-encryption-cert", "http://a.example/enc.pem"},
		{"-code", "x", "-endpoint", "https://a.example/x", "-encryption-cert", "https://a.example/enc.pem", "-ca", filepath.Join(dir, "missing.pem")},
		{"-code", "x", "-endpoint", "https://a.example/x", "-encryption-cert", "https://a.example/enc.pem", "-retries", "99"},
		{"-code", "x", "-endpoint", "https://a.example/x", "-encryption-cert", "https://a.example/enc.pem", "extra"},
		{"-nope"},
	} {
		code, _, errOut := runArgs(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// syncBuffer is a bytes.Buffer safe for the command and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
