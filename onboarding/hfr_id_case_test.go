package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestHFRIDInLowerCaseIsTheFacility: an HFR ID typed in lower case or
// with spaces around it is the facility HFR knows in upper case — the
// one the checks looked up and the identity held — so the manager's
// intimation is addressed to that facility (IN2910000123@hfr, as every
// other intimation and the linked registry code write it) and names it
// so, and the manager's code is the facility's.
func TestHFRIDInLowerCaseIsTheFacility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	for _, typed := range []string{" in2910000123 ", abdmFacility} {
		app := w.application(verifier.CategoryABDMProvider)
		app.Identifiers.HFRID = typed
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
		assert.Equal(t, []string{abdmFacility + "@hfr"}, a.Participant.LinkedRegistryCodes[:1])

		intimations := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
		require.Len(t, intimations, 1)
		assert.Equal(t, abdmFacility+"@hfr", intimations[0].To, "typed %q", typed)
		assert.Contains(t, intimations[0].Body, "HFR facility "+abdmFacility)

		code, ok := w.hfr.LastOTP(abdmFacility)
		require.True(t, ok)
		a, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, code)
		require.NoError(t, err)
		assert.Equal(t, registry.StageDetails, a.Stage)
		assert.Equal(t, "hfr", a.Sources["address"])

		// The facility's identity is held: withdrawn, it is free for the
		// next spelling.
		_, err = svc.Withdraw(ctx, a.ID, "applicant", "trying the other spelling")
		require.NoError(t, err)
	}
}
