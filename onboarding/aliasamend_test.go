package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An application that HPR authenticated (and so holds the professional's
// number and address as aliases) and that is then amended so that it no
// longer names that professional must free her: Amend says "identities
// are claimed anew", the aliases too.
func TestAmendFreesHPRAliases(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	app := w.application(verifier.CategoryABDMPractitioner)
	app.ParticipantName = "Dr. Vikram Seth" // differs from HPR: a review waits after the code
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
	code, ok := w.hfr.LastHPROTP(hprNumber)
	require.True(t, ok)
	a, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, code)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage)

	a, err = svc.SendBack(ctx, a.ID, "staff:asha", "you are the hospital, not a practitioner: apply as the hospital")
	require.NoError(t, err)

	hospital := w.application(verifier.CategoryABDMProvider)
	hospital.ApplicationID = app.ApplicationID
	a, err = svc.Amend(ctx, a.ID, hospital)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, a.Stage, "reasons: %v", a.Reasons)

	// The professional now applies herself, under her HPR number or her address.
	for _, id := range []string{hprNumber, "asha.rao@hpr.abdm"} {
		doctor := w.application(verifier.CategoryABDMPractitioner)
		doctor.Identifiers.HPRID = id
		d, err := svc.Submit(ctx, doctor)
		require.NoError(t, err)
		require.NotEqual(t, registry.StageRejected, d.Stage,
			"%s: refused an HPR identity only a hospital application amended away from it still holds: %v", id, d.Reasons)
	}
}
