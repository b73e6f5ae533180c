package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// The SQL stores name a claimed HPR ID masked in their errors, as the
// memory store does (registry.ShownClaim), and keep it whole in
// ClaimError.Claim.
func TestClaimErrorsMaskHPRIDs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "claims")
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		const hpr = "hpr:12-3456-1234-4321"
		require.NoError(t, s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted, Claims: []string{hpr}}}))

		err = s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-2", Stage: registry.StageSubmitted, Claims: []string{hpr}}})
		var ce *registry.ClaimError
		require.True(t, errors.As(err, &ce), "%v", err)
		require.Equal(t, hpr, ce.Claim)
		require.Contains(t, err.Error(), "hpr:**-****-****-4321")
		require.NotContains(t, err.Error(), "3456-1234")

		_, err = s.ApplicationByClaim(ctx, "hpr:98-7654-3210-1234")
		require.ErrorIs(t, err, registry.ErrNotFound)
		require.Contains(t, err.Error(), "hpr:**-****-****-1234")
		require.NotContains(t, err.Error(), "7654-3210")

		holder, err := s.ApplicationByClaim(ctx, hpr)
		require.NoError(t, err)
		require.Equal(t, "app-1", holder.ID)
	})
}
