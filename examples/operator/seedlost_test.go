//go:build unix

package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operator.seed holds the keys that sealed every audit trail, hashed every
// one-time code and signed every applicant token in registry.db. Deleted
// (as an error about it once told) while the database stays, a new seed
// would show every trail as broken and refuse every code and token given:
// the operator refuses instead, says how to go on, and writes no new seed.
// With nothing in the database, a new seed is no loss and it starts.
func TestRunRefusesANewSeedBesideRecords(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "hcxonboard-demo")
	seed := filepath.Join(dir, "operator.seed")

	_, _, stop := start(t, "-data", dir, "-profile", "own", "-readiness", "off")
	require.NoError(t, stop())
	require.NoError(t, os.Remove(seed))
	_, _, stop = start(t, "-data", dir, "-profile", "own", "-readiness", "off")
	require.NoError(t, stop(), "no application yet: a new seed loses nothing")

	submitSample(t, dir, "-data", dir, "-profile", "own", "-readiness", "off")

	require.NoError(t, os.Remove(seed))
	err := runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, seed)
	assert.ErrorContains(t, err, "restore")
	assert.ErrorContains(t, err, "delete "+dir+" to start afresh")
	assert.Equal(t, 1, exitStatus(err))
	_, serr := os.Lstat(seed)
	assert.ErrorIs(t, serr, os.ErrNotExist, "no new seed written beside the records")

	require.NoError(t, os.WriteFile(seed, []byte("zz\n"), 0o600))
	err = runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, "not 64 hex digits")
	assert.ErrorContains(t, err, "delete "+dir+" to start afresh", "not the seed alone, which would break the records")
}

// With -db elsewhere, starting afresh deletes both.
func TestRunRefusesANewSeedBesideRecordsElsewhere(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "hcxonboard-demo")
	db := filepath.Join(t.TempDir(), "registry.db")
	submitSample(t, dir, "-data", dir, "-db", db, "-profile", "own", "-readiness", "off")
	require.NoError(t, os.Remove(filepath.Join(dir, "operator.seed")))
	err := runRefused(t, "-data", dir, "-db", db, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, "delete "+dir+" and "+db+" to start afresh")
}

// submitSample starts the operator with args, submits the bsp sample it
// wrote into dir, and stops it.
func submitSample(t *testing.T, dir string, args ...string) {
	t.Helper()
	base, _, stop := start(t, args...)
	app, err := os.ReadFile(filepath.Join(dir, "application-bsp.json"))
	require.NoError(t, err)
	res, err := http.Post(base+"/v1/onboarding/applications", "application/json", bytes.NewReader(app))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	require.NoError(t, stop())
}
