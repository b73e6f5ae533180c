package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -db names a SQLite file. A PostgreSQL connection string given to it is
// refused at start, naming the flag and never echoing the password,
// rather than taken for a file path: that would create directories named
// after the URL and print the password in the banner.
func TestDatabaseConnectionStringIsRefused(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"postgres://hcx:s3cret@db.internal:5432/registry?sslmode=verify-full",
		"postgresql://hcx:s3cret@db.internal/registry",
		"host=db.internal dbname=registry user=hcx password=s3cret sslmode=verify-full",
	} {
		_, err := parseFlags([]string{"-db", dsn}, io.Discard)
		require.Error(t, err, dsn)
		assert.Contains(t, err.Error(), "-db", dsn)
		assert.Contains(t, err.Error(), "SQLite", dsn)
		assert.NotContains(t, err.Error(), "s3cret", dsn)
	}

	// The operator starts nothing and creates no file for it.
	dir := t.TempDir()
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", filepath.Join(dir, "data"),
		"-db", "postgres://hcx:s3cret@db.internal:5432/registry"}, io.Discard)
	require.Error(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written for a refused -db")

	// File paths, odd ones too, stay file paths.
	for _, path := range []string{"registry.db", filepath.Join(dir, "a b", "r=1.db"), "./host=x.db"} {
		cfg, err := parseFlags([]string{"-db", path}, io.Discard)
		require.NoError(t, err, path)
		assert.Equal(t, path, cfg.db)
	}
}
