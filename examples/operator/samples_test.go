package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/verifier"
)

// Every verification category has a sample: it falls in its category, its
// sandbox certificate names it (sub = sandbox_participant_code) for its
// roles, and the documents it references are written beside it.
func TestSamplesCoverEveryCategory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, err := loadKeys(filepath.Join(dir, "operator.seed"))
	require.NoError(t, err)
	demo, err := newDemoSandbox(key.sandbox)
	require.NoError(t, err)
	s, err := writeSamples(dir, demo, true)
	require.NoError(t, err)
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
