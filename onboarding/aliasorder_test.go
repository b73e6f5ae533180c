package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The professional applies first under her HPR address; someone then
// files (no authentication is needed to submit) under her HPR number and
// never confirms. When she confirms HPR's code, her own, earlier,
// authenticated application is not rejected for the later one: staff
// decide the dispute.
func TestFirstClaimantIsNotRejectedByALaterOtherForm(t *testing.T) {
	ctx := context.Background()
	const address = "asha.rao@hpr.abdm" // hprNumber's address in the fake HPR
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	mine := w.application(verifier.CategoryABDMPractitioner)
	mine.Identifiers.HPRID = address
	m, err := svc.Submit(ctx, mine)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, m.Stage, "reasons: %v", m.Reasons)
	code, ok := w.hfr.LastHPROTP(address)
	require.True(t, ok)

	squat, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner)) // her HPR number, later
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, squat.Stage, "reasons: %v", squat.Reasons)

	m, err = svc.ConfirmOTP(ctx, m.ID, onlyTask(t, m, onboarding.KindOTP).ID, code)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, m.Stage,
		"the first, HPR-authenticated application is rejected for a later unauthenticated one: %v", m.Reasons)
}
