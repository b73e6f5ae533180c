package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
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
			research.Category, research.Title = "research", "Research bodies"
			resolver := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
				if role == hcxonboard.RoleResearch {
					return []verifier.Category{"research"}, nil
				}
				return verifier.ResolveRole(role, app)
			})
			checker, err := verifier.New(verifier.WithPolicy(research), verifier.WithResolver(resolver))
			require.NoError(t, err)
			f := newFixtureWith(t, []onboarding.Option{onboarding.WithVerifier(checker)})
			srv := httptest.NewServer(f.h)
			t.Cleanup(srv.Close)

			app := f.regulator("Institute of Health Economics")
			app.Roles = []hcxonboard.Role{hcxonboard.RoleResearch}
			code := fmt.Sprintf("ihe-%d", i+2)
			app.SandboxCertificate, app.SandboxParticipantCode = f.cert(code, hcxonboard.RoleResearch), code
			a, _ := f.submit(app)
			require.Equal(t, []verifier.Category{"research"}, a.Report.Categories)

			b := newBrowser(t, srv)
			b.login(staffToken)
			p := b.get("/console/applications/" + a.ID)
			require.Equal(t, http.StatusOK, p.status)
			if mine != "" {
				assert.Contains(t, p.body, mine, "the research category's own words for case_review")
			}
			assert.NotContains(t, p.body, "Worked on a case to case basis", "not the regulator's")
		})
	}
}
