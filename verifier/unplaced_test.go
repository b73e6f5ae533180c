package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// A resolver that places an application in no category at all, without
// an error, must not leave it with only the requirements every category
// shares: that report would read ready, and the engine would take the
// applicant live on a sandbox certificate, a name and a mobile number.
// Staff judge it case by case instead.
func TestResolverPlacingNobodyGoesToReview(t *testing.T) {
	t.Parallel()
	skipResearch := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
		if role == hcxonboard.RoleResearch {
			return nil, nil // falls into no category
		}
		return verifier.ResolveRole(role, app)
	})
	nobody := verifier.ResolverFunc(func(*hcxonboard.Application) ([]verifier.Category, error) { return nil, nil })
	tests := []struct {
		name     string
		resolver verifier.Resolver
		app      *hcxonboard.Application
	}{
		{"ByRole, the only role unplaced", skipResearch, researchApp(t)},
		{"ResolverFunc returning nothing", nobody, loadApp(t, "tpa_ready.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := trustedChecker(t, verifier.WithResolver(tt.resolver))
			r, err := c.Verify(context.Background(), tt.app)
			require.NoError(t, err)
			assert.Empty(t, r.Categories)
			assertResult(t, r, want{id: verifier.ReqCaseReview, outcome: verifier.Pending, task: verifier.TaskReview,
				msg: "could not place the application in a category"})
			assertResult(t, r, want{id: verifier.ReqSandboxCertificate, outcome: verifier.Satisfied})
		})
	}

	// An application with another role that is placed keeps that
	// category's policy, and no case review: the unplaced role adds no
	// requirement, as ByRole documents.
	app := researchApp(t)
	app.Roles = append(app.Roles, hcxonboard.RoleRegulator)
	app.SandboxCertificate = issueCert(t, "research", hcxonboard.RoleResearch, hcxonboard.RoleRegulator)
	r, err := trustedChecker(t, verifier.WithResolver(skipResearch)).Verify(context.Background(), app)
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{verifier.CategoryRegulator}, r.Categories)
	assertResult(t, r, want{id: verifier.ReqCaseReview, outcome: verifier.Pending, task: verifier.TaskReview,
		msg: "case by case"})
}

// An operator who checks a role in code alone — a resolver that places
// it in no category, and a verifier for the role — gets that verifier's
// checks, and no case review on top: the application is not unchecked.
func TestRoleCheckedInCodeAloneNeedsNoCategory(t *testing.T) {
	t.Parallel()
	inCodeOnly := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
		if role == hcxonboard.RoleResearch {
			return nil, nil
		}
		return verifier.ResolveRole(role, app)
	})
	ethics := verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
		return &verifier.Report{Requirements: []verifier.Result{{ID: "ethics_approval", Outcome: verifier.Pending,
			Task: verifier.TaskReview, Message: "Staff read the ethics committee's approval"}}}, nil
	})
	c := trustedChecker(t, verifier.WithResolver(inCodeOnly), verifier.WithRoleVerifier(hcxonboard.RoleResearch, ethics))
	r, err := c.Verify(context.Background(), researchApp(t))
	require.NoError(t, err)
	_, hasCaseReview := r.Result(verifier.ReqCaseReview)
	assert.False(t, hasCaseReview, "%v", ids(r))
	assertResult(t, r, want{id: "ethics_approval", outcome: verifier.Pending, task: verifier.TaskReview})
}
