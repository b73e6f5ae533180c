package onboarding_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Under WithHPRAPIOnly the HPR look-up (which returns both the number and
// the address of the professional) settles hpr_check, and both forms of
// the id are held: the same professional does not onboard a second time
// under the other form.
func TestHPRAPIOnlyHoldsBothFormsOfTheID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := apiOnlyService(t, w)

	first, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner)) // hprNumber
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, first.Stage, "reasons: %v", first.Reasons)
	res, ok := first.Report.Result(verifier.ReqHPRCheck)
	require.True(t, ok)
	require.Equal(t, verifier.Satisfied, res.Outcome, res.Message)

	second := w.application(verifier.CategoryABDMPractitioner)
	second.Identifiers.HPRID = "asha.rao@hpr.abdm" // the same professional's address in the fake HPR
	second.PrimaryEmail, second.PrimaryMobile = "someone@else.example", "9811100000"
	got, err := svc.Submit(ctx, second)
	require.NoError(t, err)
	rejectedFor(t, got, "is already registered with this HCX")
}

// TestHPRFormLearntOnRecheckGoesToStaff: two applications hold one
// professional's HPR id under its two forms, each submitted while HPR was
// down. When the first is checked again, HPR's record names the form the
// other holds: the recheck does not fail on every run — under
// WithIdentityDisputes staff decide who the professional is
// (identity_dispute), and the application goes on holding the form it
// gave.
func TestHPRFormLearntOnRecheckGoesToStaff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := apiOnlyService(t, w, onboarding.WithIdentityDisputes(true))

	const address = "asha.rao@hpr.abdm"
	// HPR is down for one look-up of each form.
	w.hfr.FailNext(hprNumber, http.StatusServiceUnavailable, 1, "")
	w.hfr.FailNext(address, http.StatusServiceUnavailable, 1, "")
	first, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner))
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, first.Stage, "reasons: %v", first.Reasons)
	onlyTask(t, first, onboarding.KindRetry)
	second := w.application(verifier.CategoryABDMPractitioner)
	second.Identifiers.HPRID = address
	second.PrimaryEmail, second.PrimaryMobile = "someone@else.example", "9811100000"
	b, err := svc.Submit(ctx, second)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, b.Stage, "reasons: %v", b.Reasons)
	onlyTask(t, b, onboarding.KindRetry)

	// HPR is back: its record of the first names the address the second holds.
	a, err := svc.Recheck(ctx, first.ID)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, a.Stage)
	var disputes int
	for _, tk := range a.OpenTasks() {
		if tk.Requirement == onboarding.RequirementIdentityDispute {
			disputes++
		}
	}
	require.Equal(t, 1, disputes, "open tasks: %+v", a.OpenTasks())
	// The second, checked again, meets the number the first holds.
	b, err = svc.Recheck(ctx, b.ID)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, b.Stage)
}

// apiOnlyService is a service on a memory store whose verifier settles
// hpr_check by HPR's look-up alone (verifier.WithHPRAPIOnly).
func apiOnlyService(t *testing.T, w *world, opts ...onboarding.Option) *onboarding.Service {
	t.Helper()
	v, err := verifier.New(
		verifier.WithSandboxVerifier(w.sandbox),
		verifier.WithProfessionalRegistry(w.hfrCli),
		verifier.WithClock(w.clock.Now),
		verifier.WithHPRAPIOnly(true),
	)
	require.NoError(t, err)
	return w.service(registry.NewMemoryStore(), append([]onboarding.Option{onboarding.WithVerifier(v)}, opts...)...)
}
