package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// otherFacilityHFR is an HFR client whose look-up answers with the record
// of another facility.
type otherFacilityHFR struct {
	*hfr.Client
}

func (c otherFacilityHFR) Facility(ctx context.Context, id string) (hfr.Facility, error) {
	f, err := c.Client.Facility(ctx, id)
	f.ID, f.Name, f.Pincode = "IN2910000999", "Another Hospital", "110001"
	return f, err
}

// TestConsentedFetchTakesOnlyTheFacilitysRecord: after the manager's code
// the engine fills the participant from HFR's record of the facility
// applied for, never from a record of another facility an HFR client
// answered with.
func TestConsentedFetchTakesOnlyTheFacilitysRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(otherFacilityHFR{w.hfrCli}))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	code, ok := w.hfr.LastOTP(abdmFacility)
	require.True(t, ok)
	out, err := svc.ConfirmOTP(ctx, a.ID, task.ID, code)
	require.NoError(t, err)
	assert.Equal(t, onboarding.SourceApplicant, out.Sources["participant_name"])
	assert.Equal(t, onboarding.SourceApplicant, out.Sources["address"])
	assert.Equal(t, "Sanjeevani Multispeciality Hospital", out.Participant.ParticipantName)
	assert.NotEqual(t, "110001", out.Participant.Address.Pincode)
}
