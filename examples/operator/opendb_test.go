//go:build unix

package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry/sqlstore"
	_ "modernc.org/sqlite"
)

// A registry.db that is not a SQLite database (damaged, or some other
// file under that name) is refused with what to do: move it aside or
// start afresh, not only SQLite's "file is not a database (26)".
func TestRunSaysWhatToDoWithADamagedDatabase(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "hcxonboard-demo")
	require.NoError(t, os.Mkdir(dir, 0o700))
	db := filepath.Join(dir, "registry.db")
	require.NoError(t, os.WriteFile(db, []byte("this is not a database, it is a shopping list\n"), 0o600))

	err := runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, db)
	assert.ErrorContains(t, err, "not a SQLite database")
	assert.ErrorContains(t, err, "delete "+dir+" to start afresh")
	assert.ErrorContains(t, err, "-db")
	assert.NotContains(t, err.Error(), "(26)", "SQLite's result code means nothing to an operator")
	assert.Equal(t, 1, exitStatus(err), "a damaged database is no usage error")
}

// A database a newer operator migrated says so, and what to do.
func TestRunSaysWhatToDoWithANewerDatabase(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "hcxonboard-demo")
	require.NoError(t, os.Mkdir(dir, 0o700))
	db := filepath.Join(dir, "registry.db")
	store, err := sqlstore.OpenSQLite(context.Background(), db)
	require.NoError(t, err)
	require.NoError(t, store.Close())
	require.NoError(t, bumpSchemaVersion(db))

	err = runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
	assert.ErrorIs(t, err, sqlstore.ErrSchemaTooNew)
	assert.ErrorContains(t, err, db)
	assert.ErrorContains(t, err, "newer version of this operator")
	assert.ErrorContains(t, err, "delete "+dir+" to start afresh")
}

// bumpSchemaVersion records a migration this program does not know, as a
// newer operator would have.
func bumpSchemaVersion(path string) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', '2030-01-01T00:00:00Z')")
	return err
}
