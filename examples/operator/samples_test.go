package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/verifier"
)

// writtenSamples writes the samples into a fresh data directory, as the
// operator does at start, and returns the directory, the demo sandbox,
// the demo participant keys and the samples.
func writtenSamples(t *testing.T, fakeHFR bool) (string, *demoSandbox, participantKeys, samples) {
	t.Helper()
	dir := t.TempDir()
	key, err := loadKeys(filepath.Join(dir, "operator.seed"))
	require.NoError(t, err)
	demo, err := newDemoSandbox(key.sandbox)
	require.NoError(t, err)
	pk, err := loadParticipantKeys(dir)
	require.NoError(t, err)
	s, err := writeSamples(dir, demo, fakeHFR, pk)
	require.NoError(t, err)
	return dir, demo, pk, s
}

// Every verification category has a sample: it falls in its category, its
// sandbox certificate names it (sub = sandbox_participant_code) for its
// roles, and the documents it references are written beside it.
func TestSamplesCoverEveryCategory(t *testing.T) {
	t.Parallel()
	dir, demo, _, s := writtenSamples(t, true)
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(demo.trust))
	require.NoError(t, err)

	seen := map[verifier.Category]bool{}
	for _, a := range s.applications {
		f, err := os.Open(a.path)
		require.NoError(t, err)
		app, err := hcxonboard.DecodeApplication(f)
		f.Close()
		require.NoError(t, err, a.path)
		cats, err := verifier.Categorize(app)
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{a.category}, cats, a.path)
		seen[a.category] = true

		cert, err := sv.Verify(context.Background(), app.SandboxCertificate, app.Roles)
		require.NoError(t, err, a.path)
		assert.Equal(t, app.SandboxParticipantCode, cert.Subject, a.path)
		for _, d := range app.Documents {
			found := false
			_ = filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() {
					b, _ := os.ReadFile(path)
					sum := sha256.Sum256(b)
					found = found || hex.EncodeToString(sum[:]) == d.SHA256
				}
				return nil
			})
			assert.True(t, found, "%s: the %s it references is in the data directory", a.path, d.Kind)
		}
	}
	for _, c := range verifier.Categories() {
		assert.True(t, seen[c], "a sample of %s", c)
	}
}

// details.json registers certificates for the demo participants' keys,
// which the data directory keeps, marked demo-only, across restarts.
func TestDetailsMatchTheDemoParticipantKeys(t *testing.T) {
	t.Parallel()
	dir, _, pk, s := writtenSamples(t, false)

	b, err := os.ReadFile(s.details)
	require.NoError(t, err)
	var d onboarding.Details
	require.NoError(t, json.Unmarshal(b, &d))
	for _, tc := range []struct {
		cert, keyFile string
	}{{d.EncryptionCert, demoEncryptionKeyFile}, {d.SigningCertPath, demoSigningKeyFile}} {
		block, _ := pem.Decode([]byte(tc.cert))
		require.NotNil(t, block, tc.keyFile)
		cert, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		raw, err := os.ReadFile(filepath.Join(dir, tc.keyFile))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(raw), "DEMO ONLY"), "%s is marked demo-only", tc.keyFile)
		keys, err := participant.KeysFromPEM(raw, nil)
		require.NoError(t, err, tc.keyFile)
		assert.True(t, keys.Encryption.Public().(*rsa.PublicKey).Equal(cert.PublicKey), "%s is the key of its certificate", tc.keyFile)
	}

	again, err := loadParticipantKeys(dir)
	require.NoError(t, err)
	assert.True(t, again.encryption.Equal(pk.encryption), "a restart keeps the keys")
	assert.True(t, again.signing.Equal(pk.signing))
	assert.False(t, pk.encryption.Equal(pk.signing), "two keys, not one")

	require.NoError(t, os.WriteFile(filepath.Join(dir, demoSigningKeyFile), []byte("DEMO ONLY\nno key here\n"), 0o600))
	_, err = loadParticipantKeys(dir)
	require.ErrorContains(t, err, "delete it to start afresh")
}

// A sample goes live once per data directory: after a restart on the same
// directory, the same sample submitted again is refused as the first
// run's — its sandbox certificate is the one the first run claimed — and
// never taken as a second participant.
func TestRestartedOperatorRefusesASampleAlreadyClaimed(t *testing.T) {
	dir := t.TempDir()
	submit := func(base string) string { // the new application's stage
		t.Helper()
		app, err := os.ReadFile(filepath.Join(dir, "application-bsp.json"))
		require.NoError(t, err)
		res, err := http.Post(base+"/v1/onboarding/applications", "application/json", bytes.NewReader(app))
		require.NoError(t, err)
		defer res.Body.Close()
		var out struct {
			Application struct {
				Stage string `json:"stage"`
			} `json:"application"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return out.Application.Stage
	}
	base, _, stop := start(t, "-data", dir)
	require.Equal(t, "verifying", submit(base))
	require.Equal(t, "rejected", submit(base), "the same run: the certificate is already claimed")
	require.NoError(t, stop())

	base, _, _ = start(t, "-data", dir)
	assert.Equal(t, "rejected", submit(base), "after a restart: the same sample is the first run's")
}
