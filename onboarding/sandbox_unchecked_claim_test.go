package onboarding_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Without a trust list no sandbox certificate's signature is checked, so
// none consumes its iss+jti until a person has approved it: a forgery
// naming another's issuer and id does not block the real holder, and once
// staff approve the holder's, the forgery cannot be approved too.
func TestUncheckedSandboxCertificateConsumesNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	noTrust, err := sandbox.NewVerifier()
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSandbox(noTrust))
	roles := []hcxonboard.Role{hcxonboard.RoleRegulator}

	forged, err := w.rogue.Issue(sandbox.Claims{Subject: "attacker-1", ID: "cert-42", Roles: roles})
	require.NoError(t, err)
	genuine, err := w.issuer.Issue(sandbox.Claims{Subject: "victim-1", ID: "cert-42", Roles: roles})
	require.NoError(t, err)

	atk := w.application(verifier.CategoryRegulator)
	atk.ParticipantName = "Attacker Authority"
	atk.SandboxCertificate, atk.SandboxParticipantCode = forged, "attacker-1"
	a, err := svc.Submit(ctx, atk)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage)

	vic := w.application(verifier.CategoryRegulator)
	vic.ParticipantName = "Victim Authority"
	vic.SandboxCertificate, vic.SandboxParticipantCode = genuine, "victim-1"
	b, err := svc.Submit(ctx, vic)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, b.Stage, "reasons: %v", b.Reasons)

	review := func(app *onboarding.Application) onboarding.Task {
		t.Helper()
		tasks := openOf(app, onboarding.KindReview, verifier.ReqSandboxCertificate)
		require.Len(t, tasks, 1)
		return tasks[0]
	}
	_, err = svc.Decide(ctx, b.ID, review(b).ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "checked with the sandbox"})
	require.NoError(t, err, "the holder's certificate, approved, takes its iss+jti")
	_, err = svc.Decide(ctx, a.ID, review(a).ID, onboarding.Decision{Approve: true, Reviewer: "staff:ravi", Reason: "looks fine"})
	require.ErrorIs(t, err, onboarding.ErrIdentityTaken, "the same certificate cannot back a second participant")
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, openOf(a, onboarding.KindReview, verifier.ReqSandboxCertificate), 1)
}
