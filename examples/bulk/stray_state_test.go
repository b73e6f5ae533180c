package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A -db that cannot be a registry (a directory, a file that is not a
// SQLite database, a path whose directory does not exist) stops the run
// before it leaves anything behind: no row-state file beside it, which a
// later run on a good -db of that name would read as its own.
func TestBulkBadRegistryLeavesNoStateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "list.csv")
	_, _, err := runCmd(t, "-generate", "3", "-o", list)
	require.NoError(t, err)
	notDB := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notDB, []byte("not a database, but long enough to be read as one's header\n"), 0o600))
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o700))

	for name, db := range map[string]string{
		"a directory":       sub,
		"not a database":    notDB,
		"no such directory": filepath.Join(dir, "missing", "list.db"),
	} {
		_, _, err := runCmd(t, "-quiet", "-db", db, list)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), db, name)
		_, err = os.Lstat(statePath(db))
		assert.ErrorIs(t, err, os.ErrNotExist, "%s: the refused run made %s", name, statePath(db))
	}

	// A good -db gets its state beside it.
	good := filepath.Join(dir, "good.db")
	_, _, err = runCmd(t, "-quiet", "-db", good, list)
	require.NoError(t, err)
	_, err = os.Stat(statePath(good))
	assert.NoError(t, err)
}
