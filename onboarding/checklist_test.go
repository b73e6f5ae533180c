package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// The operator's go-live checklist may require the participant's own
// confirmations beyond the guideline's pilot and staff training.
func TestGoLiveChecklist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithGoLiveChecklist(onboarding.ChecklistPilotCompleted,
		onboarding.ChecklistStaffTrained, onboarding.ChecklistCertificateFetched, onboarding.ChecklistFirewallAllowsHCX))
	assert.Len(t, svc.GoLiveChecklist(), 4)
	a, _ := provisioned(t, w, svc)

	c := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"}
	_, err := svc.GoLive(ctx, a.ID, c)
	require.ErrorIs(t, err, onboarding.ErrNotReady)
	assert.Contains(t, err.Error(), "certificate_fetched")
	assert.Contains(t, err.Error(), "firewall_allows_hcx")
	c.CertificateFetched = true
	_, err = svc.GoLive(ctx, a.ID, c)
	require.ErrorIs(t, err, onboarding.ErrNotReady)
	assert.NotContains(t, err.Error(), "certificate_fetched")
	c.FirewallAllowsHCX = true
	got, err := svc.GoLive(ctx, a.ID, c)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, got.Status)
	require.NotNil(t, got.Checklist)
	assert.True(t, got.Checklist.CertificateFetched && got.Checklist.FirewallAllowsHCX, "the confirmations are recorded")

	def := w.service(registry.NewMemoryStore())
	assert.Equal(t, onboarding.DefaultGoLiveChecklist, def.GoLiveChecklist(), "by default the guideline's two")

	_, err = onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode(instanceCode), onboarding.WithNotifier(w.notes),
		onboarding.WithGoLiveChecklist("pilot_done"))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
}
