package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator policy file that checks the HFR facility under requirement IDs
// of its own choosing (the checks are the built-in ones) no longer holds the
// facility: identities() keys on the built-in requirement IDs, not on the
// checks that ran, so a second applicant onboards the same HFR facility.
func TestRenamedHFRRequirementStillHoldsTheFacility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	pf, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "policies": [
	  {"category": "abdm_provider", "title": "ABDM providers", "requirements": [
	    {"id": "sandbox_certificate"},
	    {"id": "facility_id", "check": "hfr_id"},
	    {"id": "facility_in_hfr", "check": "hfr_lookup"},
	    {"id": "facility_manager_otp", "check": "hfr_manager_otp"}]}]}`))
	require.NoError(t, err)
	v, err := verifier.New(
		verifier.WithSandboxVerifier(w.sandbox),
		verifier.WithFacilityRegistry(w.hfrCli),
		verifier.WithClock(w.clock.Now),
		verifier.WithPolicyFile(pf),
	)
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(v))

	app := w.application(verifier.CategoryABDMProvider)
	first, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, first.Stage, "reasons: %v", first.Reasons)

	second := w.application(verifier.CategoryABDMProvider)
	second.Identifiers = app.Identifiers
	second.PrimaryEmail, second.PrimaryMobile = "someone@else.example", "9811100000"
	got, err := svc.Submit(ctx, second)
	require.NoError(t, err)
	rejectedFor(t, got, "is already registered with this HCX")
}
