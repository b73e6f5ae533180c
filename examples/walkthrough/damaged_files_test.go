package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// details.json and demo-readiness.json are written by the operator at
// every start: one missing or damaged is said as such, with the way out
// (start the operator again), not as Go's "open …: no such file" or
// "unexpected EOF".
func TestFilesTheOperatorRewritesSayHowToGetThemBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	details := filepath.Join(dir, "details.json")

	_, err := loadDetails(details)
	require.Error(t, err)
	assert.Contains(t, err.Error(), details+" is missing")
	assert.Contains(t, err.Error(), "the operator writes it at every start")
	assert.Contains(t, err.Error(), "start it again")
	assert.NotContains(t, err.Error(), "open "+details)

	require.NoError(t, os.WriteFile(details, []byte("{"), 0o600))
	_, err = loadDetails(details)
	require.Error(t, err)
	assert.Contains(t, err.Error(), details+" is damaged")
	assert.Contains(t, err.Error(), "start it again")

	manifest := filepath.Join(dir, readinessFile)
	require.NoError(t, os.WriteFile(manifest, []byte("x"), 0o600))
	_, err = startEndpoints(context.Background(), dir, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), manifest+" is damaged")
	assert.Contains(t, err.Error(), "start it again")

	require.NoError(t, os.WriteFile(manifest, []byte(`{"issuer": "hcx", "jwks_path": "/readiness-jwks.json",
	  "endpoint_host": "participants.hcx-demo.localhost", "encryption_key": "gone.pem", "signing_key": "gone.pem"}`), 0o600))
	_, err = startEndpoints(context.Background(), dir, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "gone.pem")+" is missing")
	assert.Contains(t, err.Error(), "start it again")
}
