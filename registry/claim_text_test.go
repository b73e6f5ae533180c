package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// A claim on a professional's HPR ID is a person's identity: the memory
// store's errors name it masked, and keep it whole in ClaimError.Claim for
// the caller. Claims of organisations show as they are.
func TestClaimErrorsMaskHPRIDs(t *testing.T) {
	ctx := context.Background()
	store := registry.NewMemoryStore()
	const hpr, addr, hfr = "hpr:12-3456-1234-4321", "hpr:asha.verma@hpr.abdm", "hfr:IN2910000123"
	first := &registry.Application{ID: "app-1", Stage: registry.StageSubmitted, Claims: []string{hpr, addr, hfr}}
	require.NoError(t, store.Create(ctx, registry.Write{Application: first}))

	for claim, shown := range map[string]string{hpr: "hpr:**-****-****-4321", addr: "hpr:a*********@hpr.abdm"} {
		err := store.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-2", Stage: registry.StageSubmitted, Claims: []string{claim}}})
		var ce *registry.ClaimError
		require.True(t, errors.As(err, &ce), "%v", err)
		require.Equal(t, claim, ce.Claim, "the field keeps the claim whole")
		require.Equal(t, "app-1", ce.ApplicationID)
		require.Contains(t, err.Error(), shown)
		require.NotContains(t, err.Error(), claim[4:], "the error names the HPR ID in clear")
	}
	err := store.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-2", Stage: registry.StageSubmitted, Claims: []string{hfr}}})
	require.ErrorIs(t, err, registry.ErrClaimed)
	require.Contains(t, err.Error(), `"hfr:IN2910000123"`, "a facility's id shows as it is")

	_, err = store.ApplicationByClaim(ctx, "hpr:98-7654-3210-1234")
	require.ErrorIs(t, err, registry.ErrNotFound)
	require.Contains(t, err.Error(), "hpr:**-****-****-1234")
	require.NotContains(t, err.Error(), "7654-3210")

	err = store.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-3", Stage: registry.StageSubmitted,
		Claims: []string{"hpr:98-7654-3210-1234", "hpr:98-7654-3210-1234"}}})
	require.Error(t, err)
	require.Contains(t, err.Error(), "twice")
	require.NotContains(t, err.Error(), "7654-3210")

	holder, err := store.ApplicationByClaim(ctx, hpr)
	require.NoError(t, err)
	require.Equal(t, "app-1", holder.ID)
}

func TestShownClaim(t *testing.T) {
	for claim, want := range map[string]string{
		"hpr:71-1234-5678-9012":         "hpr:**-****-****-9012",
		"hpr:71123456789012":            "hpr:**********9012",
		"hpr:asha.verma@hpr.abdm":       "hpr:a*********@hpr.abdm",
		"hfr:IN2910000123":              "hfr:IN2910000123",
		"rohini:8900080123456":          "rohini:8900080123456",
		"irda:insurer:123":              "irda:insurer:123",
		"sandbox:https://issuer|cert-1": "sandbox:https://issuer|cert-1",
	} {
		require.Equal(t, want, registry.ShownClaim(claim), claim)
	}
}
