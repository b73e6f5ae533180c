package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's category that words a requirement of the guideline's id
// its own way has its applications show its words, not the built-in
// category's; one that gives it no words shows none.
func TestConsoleTitleOfAnOperatorRequirementSharingAnID(t *testing.T) {
	t.Parallel()
	for i, mine := range []string{"The data asked for and how it is anonymised", ""} {
		t.Run(fmt.Sprintf("described %q", mine), func(t *testing.T) {
			t.Parallel()
			research := verifier.DefaultPolicies()[verifier.CategoryRegulator].Without(verifier.ReqCaseReview).With(
				verifier.Requirement{ID: verifier.ReqCaseReview, Description: mine,
					Check: verifier.RequireReview("the data you ask for and how you anonymise it")},
			)
			p := researchApplicationPage(t, research, fmt.Sprintf("ihe-%d", i+2))
			if mine != "" {
				assert.Contains(t, p.body, mine, "the research category's own words for case_review")
			}
			assert.NotContains(t, p.body, "Worked on a case to case basis", "not the regulator's")
		})
	}
}
