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

// TestDisputedIdentityIsNotPublished: an application waiting on an
// identity dispute does not hold the identity, and its participant record
// does not publish it either (linked_registry_codes) — a search of the
// registry finds the holder alone — until staff approve the dispute.
func TestDisputedIdentityIsNotPublished(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithIdentityDisputes(true))
	holder, err := svc.Submit(ctx, w.application(verifier.CategoryRohiniProvider))
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, holder.Stage, "reasons: %v", holder.Reasons)
	code := holder.Submitted.Identifiers.RohiniID + "@rohini"
	require.Contains(t, holder.Participant.LinkedRegistryCodes, code)

	app := w.application(verifier.CategoryRohiniProvider)
	app.PrimaryEmail = "someone@else.example"
	claimant, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, claimant.Stage, "a dispute waits on staff: %v", claimant.Reasons)
	assert.NotContains(t, claimant.Participant.LinkedRegistryCodes, code, "a disputed identity is not published")
	found, err := svc.Search(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldLinkedCodes: {Eq: &code}}})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, holder.Participant.ParticipantCode, found[0].ParticipantCode)

	var dispute string
	for _, tk := range claimant.OpenTasks() {
		if tk.Requirement == onboarding.RequirementIdentityDispute {
			dispute = tk.ID
		}
	}
	require.NotEmpty(t, dispute)
	_, err = svc.Withdraw(ctx, holder.ID, "applicant", "not ours")
	require.NoError(t, err)
	a, err := svc.Decide(ctx, claimant.ID, dispute, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "documents match"})
	require.NoError(t, err)
	assert.Contains(t, a.Participant.LinkedRegistryCodes, code, "approved, the identity is the claimant's and published")
}
