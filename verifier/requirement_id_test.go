package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// Requirement IDs an operator adds are as stable a contract as the
// built-in ones, whether they come from a policy file, a Policy built in
// code or a role verifier: the same rule holds for all three, so that a
// policy written in code can also be published as a file.
func TestRequirementIDsFollowOneRule(t *testing.T) {
	t.Parallel()
	review := verifier.RequireReview("a site visit")
	for _, id := range []verifier.RequirementID{"  ", "Site Visit", "site/visit", "site visit"} {
		p := verifier.DefaultPolicies()[verifier.CategoryTPA].With(verifier.Requirement{ID: id, Check: review})
		_, err := verifier.New(verifier.WithPolicy(p))
		assert.ErrorContains(t, err, "verifier: WithPolicy tpa: requirement id", "%q", id)
		assert.ErrorContains(t, err, "use lower-case letters, digits", "%q", id)

		rv := verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
			return &verifier.Report{Requirements: []verifier.Result{{ID: id, Outcome: verifier.Satisfied}}}, nil
		})
		c := offlineChecker(t, verifier.WithRoleVerifier(hcxonboard.RoleTPA, rv))
		r, err := c.Verify(context.Background(), loadApp(t, "tpa_ready.json"))
		assert.Nil(t, r)
		assert.ErrorContains(t, err, "verifier: the verifier of role agency.tpa returned requirement id", "%q", id)
	}
	p := verifier.DefaultPolicies()[verifier.CategoryTPA].With(verifier.Requirement{ID: "site_visit.v2", Check: review})
	_, err := verifier.New(verifier.WithPolicy(p))
	require.NoError(t, err)
}

// The document kind a requirement names follows the policy file's rule
// too: the engine holds and staff read documents by it, and the
// operator's document store takes uploads of it.
func TestRequirementDocumentKindFollowsTheFileRule(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"Ethics Approval", "ethics-approval", "ethics/approval"} {
		p := verifier.DefaultPolicies()[verifier.CategoryTPA].With(verifier.DocumentRequirement("ethics_approval", kind, "Approval of an ethics committee"))
		_, err := verifier.New(verifier.WithPolicy(p))
		assert.ErrorContains(t, err, "verifier: WithPolicy tpa: requirement ethics_approval: document kind", "%q", kind)
	}
	p := verifier.DefaultPolicies()[verifier.CategoryTPA].With(verifier.DocumentRequirement("ethics_approval", "ethics_approval", "Approval of an ethics committee"))
	_, err := verifier.New(verifier.WithPolicy(p))
	require.NoError(t, err)
}
