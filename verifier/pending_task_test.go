package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// A pending result says what it waits on (Result.Task). An operator's
// check or role verifier that leaves Task empty waits on a person, as
// the onboarding engine already treats it: the report says so, for the
// tools and applicants that read it.
func TestPendingWithoutTaskWaitsOnReview(t *testing.T) {
	t.Parallel()
	tpa := verifier.DefaultPolicies()[verifier.CategoryTPA].With(verifier.Requirement{ID: "site_visit",
		Check: func(context.Context, *verifier.Input) verifier.Result {
			return verifier.Result{Outcome: verifier.Pending, Message: "Staff visit the office"}
		}})
	rv := verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
		return &verifier.Report{Requirements: []verifier.Result{{ID: "insurer_register", Outcome: verifier.Pending, Message: "Staff check the register"}}}, nil
	})
	c := trustedChecker(t, verifier.WithPolicy(tpa), verifier.WithRoleVerifier(hcxonboard.RoleTPA, rv))
	r, err := c.Verify(context.Background(), loadApp(t, "tpa_ready.json"))
	require.NoError(t, err)
	assertResult(t, r, want{id: "site_visit", outcome: verifier.Pending, task: verifier.TaskReview, msg: "visit"})
	assertResult(t, r, want{id: "insurer_register", outcome: verifier.Pending, task: verifier.TaskReview, msg: "register"})
	assertResult(t, r, want{id: verifier.ReqSystemAdminOTP, outcome: verifier.Pending, task: verifier.TaskOTP})
}
