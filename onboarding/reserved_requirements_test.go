package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The engine keeps three requirement IDs for tasks of its own:
// identity_dispute, amendment and certificate_expired. An operator's
// requirement under one of them would settle the engine's task when its
// check passed — an identity dispute closed with nobody deciding it — so
// a verifier whose policies use one is refused at New, and a report that
// carries one (a role verifier's result) fails the verification.
func TestEngineRequirementIDsAreReserved(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	passes := func(context.Context, *verifier.Input) verifier.Result {
		return verifier.Result{Outcome: verifier.Satisfied, Message: "no dispute here"}
	}
	for _, id := range []verifier.RequirementID{onboarding.RequirementIdentityDispute, onboarding.RequirementAmendment, onboarding.RequirementCertificateExpired} {
		tpa := verifier.DefaultPolicies()[verifier.CategoryTPA].With(verifier.Requirement{ID: id, Check: passes})
		v, err := verifier.New(verifier.WithPolicy(tpa), verifier.WithSandboxVerifier(w.sandbox), verifier.WithClock(w.clock.Now))
		require.NoError(t, err)
		_, err = onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode(instanceCode), onboarding.WithNotifier(w.notes),
			onboarding.WithOTPKey(otpKey), onboarding.WithVerifier(v))
		require.ErrorIs(t, err, onboarding.ErrInvalidOption, id)
		assert.ErrorContains(t, err, "requirement "+string(id)+" of category tpa", id)
	}

	// At run time: a role verifier's result.
	rv := verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
		return &verifier.Report{Requirements: []verifier.Result{{ID: onboarding.RequirementIdentityDispute, Outcome: verifier.Satisfied, Message: "none"}}}, nil
	})
	v, err := verifier.New(verifier.WithRoleVerifier(hcxonboard.RoleTPA, rv), verifier.WithSandboxVerifier(w.sandbox), verifier.WithClock(w.clock.Now))
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(v))
	_, err = svc.Submit(context.Background(), w.application(verifier.CategoryTPA))
	require.Error(t, err)
	assert.ErrorContains(t, err, "identity_dispute")
	assert.ErrorContains(t, err, "keeps for its own tasks")
}
