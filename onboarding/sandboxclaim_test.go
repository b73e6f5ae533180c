package onboarding_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestParticipantCertificateSingleUseWithoutEngineSandbox: the
// engine's documented configuration "Without WithSandbox the verifier's
// sandbox_certificate requirement decides" must still keep a participant
// certificate single-use (ARCHITECTURE: its iss+jti backs one production
// participant).
func TestParticipantCertificateSingleUseWithoutEngineSandbox(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	// w.verifier checks certificates against the trust list
	// (verifier.WithSandboxVerifier); the engine itself has no WithSandbox.
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode(instanceCode),
		onboarding.WithNotifier(w.notes),
		onboarding.WithVerifier(w.verifier),
		onboarding.WithFacilityOTP(w.hfrCli),
		onboarding.WithProfessionalAuth(w.hfrCli),
		onboarding.WithTokens(w.tokenKey),
		onboarding.WithClock(w.clock.Now),
		onboarding.WithOTPKey(otpKey),
		onboarding.WithLogger(slog.New(slog.NewJSONHandler(w.logs, nil))),
	)
	require.NoError(t, err)

	const name = "Suraksha General Insurance Company Limited"
	cert := w.participantCertificate("sbx-suraksha", name, hcxonboard.RolePayer)
	withCert := func(irda string) *hcxonboard.Application {
		a := w.application(verifier.CategoryPayer)
		a.SandboxCertificate, a.SandboxParticipantCode = cert, "sbx-suraksha"
		a.Identifiers.IRDARegistrationNumber = irda
		return a
	}
	first, err := svc.Submit(ctx, withCert("148"))
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, first.Stage, "reasons: %v", first.Reasons)
	res, ok := first.Report.Result(verifier.ReqSandboxCertificate)
	require.True(t, ok)
	require.Equal(t, verifier.Satisfied, res.Outcome, "the certificate was verified against the trust list: %s", res.Message)

	reuse, err := svc.Submit(ctx, withCert("149"))
	require.NoError(t, err)
	require.Equal(t, registry.StageRejected, reuse.Stage,
		"the same participant certificate (same iss+jti) backed a second participant %s: stage %s, reasons %v",
		participantCode(reuse), reuse.Stage, reuse.Reasons)
}

func participantCode(a *onboarding.Application) string {
	if a.Participant == nil {
		return ""
	}
	return a.Participant.ParticipantCode
}
