package onboarding_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A role the operator's resolver refuses makes sandbox_certificate
// invalid. The engine, which checks the certificate itself (WithSandbox),
// lays its own sandbox result over that requirement, but the refusal
// stands: the application is refused, not taken on with no category and
// no check.
func TestEngineKeepsResolverRefusal(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	refusing := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
		if role == hcxonboard.RoleRegulator {
			return nil, fmt.Errorf("%w: this HCX does not onboard %s", hcxonboard.ErrUnknownRole, role)
		}
		return verifier.ResolveRole(role, app)
	})
	v, err := verifier.New(verifier.WithSandboxVerifier(w.sandbox), verifier.WithResolver(refusing), verifier.WithClock(w.clock.Now))
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(v))
	app := w.application(verifier.CategoryRegulator)

	// The verifier alone refuses it.
	rep, err := v.Verify(ctx, app)
	require.NoError(t, err)
	require.Equal(t, verifier.VerdictInvalid, rep.Verdict)

	_, err = svc.Submit(ctx, app)
	var refused *onboarding.RefusedError
	require.ErrorAs(t, err, &refused, "the resolver refused the role: the engine must not take the application")
	res, ok := refused.Report.Result(verifier.ReqSandboxCertificate)
	require.True(t, ok)
	require.Equal(t, verifier.Invalid, res.Outcome)
	require.Contains(t, res.Message, "this HCX does not onboard agency.regulator")
}
