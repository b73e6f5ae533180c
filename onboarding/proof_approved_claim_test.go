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

// TestApprovedUncheckedProofIsSingleUse: an operator without a payer
// directory cannot check a signed empanelment proof's signature, so the
// payer (or staff for it) approves the empanelment. The approved proof
// then backs that participant only: another application carrying the
// same proof is refused it when its approval is written.
func TestApprovedUncheckedProofIsSingleUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	v, err := verifier.New(verifier.WithSandboxVerifier(w.sandbox), verifier.WithClock(w.clock.Now))
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(v))

	approve := func(a *onboarding.Application) (*onboarding.Application, error) {
		t.Helper()
		var id string
		for _, tk := range a.OpenTasks() {
			if tk.Kind == onboarding.KindApproval {
				id = tk.ID
			}
		}
		require.NotEmpty(t, id, "the payer is asked: %+v", a.OpenTasks())
		return svc.Decide(ctx, a.ID, id, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "payer confirmed by phone"})
	}

	first := w.application(verifier.CategoryEmpanelledProvider)
	first.Empanelment.Proof = w.proof(first.Empanelment.EmpanelmentID)
	a, err := svc.Submit(ctx, first)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)

	again := w.application(verifier.CategoryEmpanelledProvider)
	again.Empanelment.Proof = first.Empanelment.Proof
	b, err := svc.Submit(ctx, again)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, b.Stage, "unchecked, the proof is not yet spent: %v", b.Reasons)

	_, err = approve(a)
	require.NoError(t, err)
	_, err = approve(b)
	require.ErrorIs(t, err, onboarding.ErrIdentityTaken, "the proof backs the first participant")
	assert.Contains(t, err.Error(), "already backs participant "+a.Participant.ParticipantCode)

	// Withdrawn, the first frees it.
	_, err = svc.Withdraw(ctx, a.ID, "applicant", "wrong entity")
	require.NoError(t, err)
	_, err = approve(b)
	require.NoError(t, err)
}
