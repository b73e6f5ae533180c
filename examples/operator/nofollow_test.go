//go:build unix

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A link planted where the operator writes a demo file is replaced, not
// followed: the file it pointed at is as it was.
func TestDemoFilesDoNotFollowAPlantedSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "authorized_keys")
	require.NoError(t, os.WriteFile(victim, []byte("the operator user's own key\n"), 0o600))
	for _, name := range []string{demoCAFile, demoEndpointTLSFile, demoReadinessFile} {
		require.NoError(t, os.Symlink(victim, filepath.Join(dir, name)))
	}
	keys, err := loadKeys(filepath.Join(dir, "operator.seed"))
	require.NoError(t, err)
	_, _ = newDemoReadiness(dir, readinessOptional, "hcx", keys.readiness)
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "the operator user's own key\n", string(data))
	for _, name := range []string{demoCAFile, demoEndpointTLSFile, demoReadinessFile} {
		info, err := os.Lstat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.True(t, info.Mode().IsRegular(), "%s is a file of the operator's own", name)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
	}
}

func TestSamplesDoNotFollowAPlantedSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(victim, []byte("kept\n"), 0o600))
	require.NoError(t, os.Symlink(victim, filepath.Join(dir, "trust-list.json")))
	keys, err := loadKeys(filepath.Join(dir, "operator.seed"))
	require.NoError(t, err)
	demo, err := newDemoSandbox(keys.sandbox)
	require.NoError(t, err)
	pk, err := loadParticipantKeys(dir)
	require.NoError(t, err)
	_, err = writeSamples(dir, demo, true, pk)
	require.NoError(t, err)
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "kept\n", string(data))
}

func TestCodeLogDoesNotFollowAPlantedSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(victim, []byte("kept\n"), 0o600))
	require.NoError(t, os.Symlink(victim, filepath.Join(dir, demoCodesFile)))
	err := newCodeLog(dir).record(demoCode{Channel: "hfr", FacilityID: "IN2910000123", Code: "123456"})
	require.Error(t, err)
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "kept\n", string(data))
}
