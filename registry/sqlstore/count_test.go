package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// TestCountApplicationsPlan: counting by stage reads the stage index, not
// the table, on both dialects.
func TestCountApplicationsPlan(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		s := planStore(t, b, "count", nil)
		plan := explain(t, s, sqlstore.CountApplicationsSQL, nil, pgSettings(false)...)
		requirePlan(t, s.Dialect(), plan, false, "applications_stage")

		counts, err := s.CountApplications(context.Background())
		require.NoError(t, err)
		want := registry.NewStageCounts()
		want[registry.StageSubmitted], want[registry.StageVerifying] = 150, 150 // planRows: half and half
		require.Equal(t, want, counts)
	})
}
