package sqlstoretest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

func TestWithSearchPath(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "postgres://u:p@h:5432/db?search_path=s1&sslmode=disable",
		sqlstoretest.WithSearchPath("postgres://u:p@h:5432/db?sslmode=disable", "s1"))
	assert.Equal(t, "host=h dbname=db search_path=s1", sqlstoretest.WithSearchPath("host=h dbname=db", "s1"))
}

func TestSQLiteStoreIsFreshAndUsable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlstoretest.SQLite(t)
	_, err := s.Application(ctx, "absent")
	require.ErrorIs(t, err, registry.ErrNotFound)
	a := &registry.Application{ID: "a1", Stage: registry.StageSubmitted}
	require.NoError(t, s.Create(ctx, registry.Write{Application: a}))
	_, err = s.Application(ctx, "a1")
	require.NoError(t, err)
	other := sqlstoretest.SQLite(t)
	assert.NotSame(t, s, other, "each call opens its own store")
	_, err = other.Application(ctx, "a1")
	require.ErrorIs(t, err, registry.ErrNotFound, "each store is a database of its own, though all start as one copy")
	require.NoError(t, other.Create(ctx, registry.Write{Application: &registry.Application{ID: "a1", Stage: registry.StageSubmitted}}))
}
