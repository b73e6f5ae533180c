package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// A SQLite Store prepares each read shape once and reuses it; past the
// bound it reads unprepared, with the same answers; a closed Store's
// cache prepares nothing more.
func TestReadStatementsArePreparedOncePerShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "reads.db"))
	require.NoError(t, err)
	require.NotNil(t, s.reads)
	cached := func() int {
		s.reads.mu.Lock()
		defer s.reads.mu.Unlock()
		return len(s.reads.stmts)
	}
	byEmail := func(v string) registry.Query {
		return registry.Query{Filters: map[string]registry.Condition{registry.FieldEmail: registry.Eq(v)}}
	}
	_, err = s.SearchParticipants(ctx, byEmail("a@x.example"))
	require.NoError(t, err)
	n := cached()
	require.Positive(t, n)
	_, err = s.SearchParticipants(ctx, byEmail("b@x.example"))
	require.NoError(t, err)
	require.Equal(t, n, cached(), "another value, the same shape")

	// Or lists of every length are shapes of their own, up to the bound;
	// the walk stops a few shapes past it (longer lists cost more to
	// prepare and show nothing more).
	past := 0
	for i := 1; i <= registry.MaxQueryValues && past < 3; i++ {
		vs := make([]string, i)
		for j := range vs {
			vs[j] = fmt.Sprintf("c%d@hcx", j)
		}
		for _, f := range []string{registry.FieldCode, registry.FieldEmail, registry.FieldMobile} {
			full := cached() == maxCachedReads
			hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{f: {Or: vs}}})
			require.NoError(t, err, "a shape past the bound still reads")
			require.Empty(t, hits)
			if full {
				past++
			}
		}
	}
	require.GreaterOrEqual(t, past, 3, "the walk went past the bound")
	require.Equal(t, maxCachedReads, cached(), "bounded")
	_, err = s.SearchParticipants(ctx, byEmail("c@x.example"))
	require.NoError(t, err, "a shape past the bound still reads")

	require.NoError(t, s.Close())
	require.Zero(t, cached())
	require.Nil(t, s.prepared(ctx, "SELECT 1"), "a closed cache prepares nothing")
}
