package onboarding_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestRecheckFindsTheCertificateSpent: a participant certificate that
// could not be checked at submission (its sandbox's revocation service
// was down) is checked again by Recheck; when another participant has
// spent it meanwhile, the application is rejected naming it — rather
// than every recheck failing while the application waits for ever.
func TestRecheckFindsTheCertificateSpent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var down atomic.Bool
	trusted, err := w.issuer.TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	list, err := sandbox.NewTrustList(trusted)
	require.NoError(t, err)
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(list), sandbox.WithClock(w.clock.Now),
		sandbox.WithRevocation(sandbox.RevocationFunc(func(context.Context, string, string) (bool, error) {
			if down.Load() {
				return false, errors.New("revocation service down")
			}
			return false, nil
		})))
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSandbox(sv))

	const subject = "sbx-suraksha"
	cert := w.participantCertificate(subject, "", hcxonboard.RolePayer)
	first := w.application(verifier.CategoryPayer)
	first.SandboxCertificate, first.SandboxParticipantCode = cert, subject
	a, err := svc.Submit(ctx, first)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)

	down.Store(true)
	again := w.application(verifier.CategoryPayer)
	again.SandboxCertificate, again.SandboxParticipantCode = cert, subject
	b, err := svc.Submit(ctx, again)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, b.Stage, "unchecked, the certificate waits: %v", b.Reasons)

	down.Store(false)
	b, err = svc.Recheck(ctx, b.ID)
	require.NoError(t, err)
	rejectedFor(t, b, "sandbox_certificate: sandbox certificate")
	rejectedFor(t, b, "already backs participant "+a.Participant.ParticipantCode)
}
