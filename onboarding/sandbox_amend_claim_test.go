package onboarding_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An unchecked sandbox certificate approved by staff stays consumed
// through an amendment that keeps it, although the amendment supersedes
// the approved review: a forgery naming the same iss+jti, approved later,
// is refused ErrIdentityTaken.
func TestAmendKeepsAnApprovedSandboxClaim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, sq := newSquat(t)
	w, genuine, forged := sq.world, sq.genuine, sq.forged

	vic := w.application(verifier.CategoryRegulator)
	vic.ParticipantName = "Victim Authority"
	vic.SandboxCertificate, vic.SandboxParticipantCode = genuine, "victim-1"
	b, err := svc.Submit(ctx, vic)
	require.NoError(t, err)
	b, err = svc.Decide(ctx, b.ID, sandboxReview(t, b).ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "checked with the sandbox"})
	require.NoError(t, err, "the holder's certificate, approved, takes its iss+jti")
	require.Equal(t, registry.StageVerifying, b.Stage)

	// A reviewer asks for a typo fix; the applicant amends its name only.
	b, err = svc.SendBack(ctx, b.ID, "staff:asha", "spell the authority's name as on its letterhead")
	require.NoError(t, err)
	fixed := b.Submitted.Clone()
	fixed.ParticipantName = "Victim Regulatory Authority"
	_, err = svc.Amend(ctx, b.ID, fixed)
	require.NoError(t, err)

	// The forgery, filed now and approved by a less careful reviewer.
	atk := w.application(verifier.CategoryRegulator)
	atk.ParticipantName = "Attacker Authority"
	atk.SandboxCertificate, atk.SandboxParticipantCode = forged, "attacker-1"
	a, err := svc.Submit(ctx, atk)
	require.NoError(t, err)
	_, err = svc.Decide(ctx, a.ID, sandboxReview(t, a).ID, onboarding.Decision{Approve: true, Reviewer: "staff:ravi", Reason: "looks fine"})
	assert.ErrorIs(t, err, onboarding.ErrIdentityTaken,
		"the certificate staff approved for the victim stays consumed through an amendment that did not touch it")
}
