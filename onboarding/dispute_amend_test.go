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

// TestAmendKeepsAnIdentityDispute: an application waiting on an identity
// dispute that staff send back can be amended; the amendment claims the
// identity anew, and since another participant still holds it, staff
// decide the dispute again — the amendment neither fails for good on the
// held identity nor takes it without staff.
func TestAmendKeepsAnIdentityDispute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithIdentityDisputes(true))
	holder, _ := live(t, w, svc)

	app := w.application(verifier.CategoryPayer)
	app.Identifiers = holder.Submitted.Identifiers
	app.PrimaryEmail = "someone@else.example"
	claimant, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, claimant.Stage, "reasons: %v", claimant.Reasons)
	disputes := func(a *onboarding.Application) []onboarding.Task {
		var out []onboarding.Task
		for _, tk := range a.OpenTasks() {
			if tk.Requirement == onboarding.RequirementIdentityDispute {
				out = append(out, tk)
			}
		}
		return out
	}
	require.Len(t, disputes(claimant), 1)

	_, err = svc.SendBack(ctx, claimant.ID, "staff:asha", "participant_name: as on the IRDAI certificate")
	require.NoError(t, err)
	fixed := app.Clone()
	fixed.ParticipantName = "Suraksha General Insurance Co. Ltd."
	a, err := svc.Amend(ctx, claimant.ID, fixed)
	require.NoError(t, err, "the amendment goes in; the dispute is staff's to decide")
	assert.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
	got := disputes(a)
	require.Len(t, got, 1, "staff decide the dispute again")
	assert.Contains(t, got[0].Message, holder.Participant.ParticipantCode)

	// Approving it still waits on the holder.
	_, err = svc.Decide(ctx, a.ID, got[0].ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "documents match"})
	require.ErrorIs(t, err, onboarding.ErrIdentityTaken)

	t.Run("without disputes the amendment is refused the identity", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		holder, err := svc.Submit(ctx, w.application(verifier.CategoryTPA))
		require.NoError(t, err)
		other := w.application(verifier.CategoryTPA)
		a, err := svc.Submit(ctx, other)
		require.NoError(t, err)
		_, err = svc.SendBack(ctx, a.ID, "staff:asha", "identifiers: check the IRDA number")
		require.NoError(t, err)
		taken := other.Clone()
		taken.Identifiers = holder.Submitted.Identifiers
		_, err = svc.Amend(ctx, a.ID, taken)
		require.ErrorIs(t, err, onboarding.ErrIdentityTaken)
	})
}
