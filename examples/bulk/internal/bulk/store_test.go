package bulk_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/registry"
)

// TestOpenSQLiteKeepsApplications onboards a few rows into a SQLite file
// in either synchronous mode, reopens it, and finds them there.
func TestOpenSQLiteKeepsApplications(t *testing.T) {
	t.Parallel()
	for _, durable := range []bool{true, false} {
		name := map[bool]string{true: "full", false: "normal"}[durable]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "registry.db")
			rows, _ := list(t, 12, 4)
			demo, err := bulk.NewDemo(rows, bulk.DemoOptions{})
			require.NoError(t, err)
			t.Cleanup(demo.Close)

			store, err := bulk.OpenSQLite(ctx, path, durable)
			require.NoError(t, err)
			svc, err := demo.Service(store)
			require.NoError(t, err)
			results, err := (&bulk.Onboarder{Service: svc, Store: store, Certify: demo.Certify, Workers: 3}).Run(ctx, rows)
			require.NoError(t, err)
			require.NoError(t, store.Close())

			again, err := bulk.OpenSQLite(ctx, path, durable)
			require.NoError(t, err)
			t.Cleanup(func() { _ = again.Close() })
			for i, res := range results {
				require.NoError(t, res.Err)
				stored, err := again.ApplicationByKey(ctx, rows[i].Key)
				require.NoError(t, err)
				assert.Equal(t, res.App.ID, stored.ID)
			}
			_, err = again.ApplicationByKey(ctx, "no-such-key")
			assert.ErrorIs(t, err, registry.ErrNotFound)
		})
	}
}

func TestOpenSQLiteRejectsBadPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		durable bool
	}{
		{"empty, durable", "", true},
		{"empty, normal", "", false},
		{"a directory, normal", dir, false},
		{"in a missing directory, durable", filepath.Join(dir, "missing", "x.db"), true},
		{"in a missing directory, normal", filepath.Join(dir, "missing", "x.db"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := bulk.OpenSQLite(context.Background(), tt.path, tt.durable)
			assert.Error(t, err)
		})
	}
}
