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
	svc, sq := newSquat(t)
	w, genuine, forged := sq.world, sq.genuine, sq.forged

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

	_, err = svc.Decide(ctx, b.ID, sandboxReview(t, b).ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "checked with the sandbox"})
	require.NoError(t, err, "the holder's certificate, approved, takes its iss+jti")
	_, err = svc.Decide(ctx, a.ID, sandboxReview(t, a).ID, onboarding.Decision{Approve: true, Reviewer: "staff:ravi", Reason: "looks fine"})
	require.ErrorIs(t, err, onboarding.ErrIdentityTaken, "the same certificate cannot back a second participant")
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, openOf(a, onboarding.KindReview, verifier.ReqSandboxCertificate), 1)
}

// squat is an engine without a trust list, so that no sandbox
// certificate's signature is checked, and two certificates of one issuer
// name and id: the holder's, signed by the issuer, and a forgery.
type squat struct {
	world           *world
	genuine, forged string
}

func newSquat(t *testing.T) (*onboarding.Service, squat) {
	t.Helper()
	w := newWorld(t)
	noTrust, err := sandbox.NewVerifier()
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSandbox(noTrust))
	roles := []hcxonboard.Role{hcxonboard.RoleRegulator}
	genuine, err := w.issuer.Issue(sandbox.Claims{Subject: "victim-1", ID: "cert-42", Roles: roles})
	require.NoError(t, err)
	forged, err := w.rogue.Issue(sandbox.Claims{Subject: "attacker-1", ID: "cert-42", Roles: roles})
	require.NoError(t, err)
	return svc, squat{world: w, genuine: genuine, forged: forged}
}

// sandboxReview is the open review of app's sandbox certificate.
func sandboxReview(t *testing.T, app *onboarding.Application) onboarding.Task {
	t.Helper()
	tasks := openOf(app, onboarding.KindReview, verifier.ReqSandboxCertificate)
	require.Len(t, tasks, 1)
	return tasks[0]
}
