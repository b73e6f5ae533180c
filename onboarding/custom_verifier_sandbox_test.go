package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// With WithSandbox the engine's result takes the place of the verifier's
// sandbox_certificate result, and the verifier is never consulted about
// the certificate (it is given the application without it): a verifier
// that calls an absent certificate invalid refuses no application whose
// certificate the engine found good.
func TestCustomVerifierSandboxResultReplaced(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	strict := verifier.VerifierFunc(func(ctx context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
		rep, err := w.verifier.Verify(ctx, app)
		if err != nil {
			return nil, err
		}
		for i, r := range rep.Requirements {
			if r.ID == verifier.ReqSandboxCertificate && strings.TrimSpace(app.SandboxCertificate) == "" {
				rep.Requirements[i].Outcome = verifier.Invalid
				rep.Requirements[i].Message = "a sandbox certificate is required"
			}
		}
		rep.Verdict = verifier.VerdictOf(rep.Requirements)
		return rep, nil
	})
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(strict))
	app := w.application(verifier.CategoryRegulator)
	require.NotEmpty(t, app.SandboxCertificate)
	_, err := svc.Submit(ctx, app)
	require.NoError(t, err, "the engine checked the certificate itself (WithSandbox) and found it good")
}
