package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/verifier"
)

// The console titles a requirement of an operator's own category from
// the policies the engine was built with, not only the built-in ones; a
// requirement without a description shows its bare id, and the built-in
// requirements keep the guideline's titles.
func TestConsoleTitlesOperatorRequirements(t *testing.T) {
	t.Parallel()
	research := verifier.DefaultPolicies()[verifier.CategoryRegulator].Without(verifier.ReqCaseReview).With(
		verifier.Requirement{ID: "data_use_review", Description: "The data asked for and how it is anonymised",
			Check: verifier.RequireReview("the data you ask for and how you anonymise it")},
		verifier.Requirement{ID: "board_minutes_review",
			Check: verifier.RequireReview("the minutes of the board that approved joining")},
	)
	p := researchApplicationPage(t, research, "ihe-1")
	assert.Regexp(t, `data_use_review</span><div class="muted">The data asked for and how it is anonymised</div>`, p.body,
		"the operator's requirement carries its description as its title")
	assert.Contains(t, p.body, `board_minutes_review</span></td>`, "no description: the bare id, no empty title")
	assert.NotRegexp(t, `board_minutes_review</span><div`, p.body)
	assert.Regexp(t, `sandbox_certificate</span><div class="muted">[^<]+</div>`, p.body, "a built-in requirement keeps its title")
}

// researchApplicationPage submits a research body's application under
// research, an operator's category for the research role, and answers
// its console page as staff see it.
func researchApplicationPage(t *testing.T, research verifier.Policy, code string) page {
	t.Helper()
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
	app.SandboxCertificate, app.SandboxParticipantCode = f.cert(code, hcxonboard.RoleResearch), code
	a, _ := f.submit(app)
	require.Equal(t, []verifier.Category{"research"}, a.Report.Categories)

	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, p.status)
	return p
}
