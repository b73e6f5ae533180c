package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's category given as a policy file, as examples/operator
// loads it: the engine refuses an application missing the category's
// document and opens the category's review task once it is given.
func TestOperatorCategoryFromPolicyFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "name": "Demo HCX", "policies": [
	  {"category": "research", "title": "Research bodies", "roles": ["research"], "requirements": [
	    {"id": "sandbox_certificate"},
	    {"id": "ethics_approval", "check": "document:ethics_approval", "description": "Approval of an institutional ethics committee"},
	    {"id": "data_use_review", "check": "review", "description": "The data asked for and how it is anonymised"}]}]}`))
	require.NoError(t, err)
	checker, err := verifier.New(verifier.WithPolicyFile(f),
		verifier.WithSandboxVerifier(w.sandbox), verifier.WithClock(w.clock.Now))
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(checker))

	app := &hcxonboard.Application{
		ParticipantName: "Institute of Health Economics", Roles: []hcxonboard.Role{hcxonboard.RoleResearch},
		PrimaryEmail: "hcx@ihe.example", PrimaryMobile: "9000012001",
		SandboxCertificate: w.certificate(hcxonboard.RoleResearch),
	}
	_, err = svc.Submit(ctx, app)
	var refused *onboarding.RefusedError
	require.ErrorAs(t, err, &refused, "the operator's document is missing: refused on its face")
	res, ok := refused.Report.Result("ethics_approval")
	require.True(t, ok)
	assert.Equal(t, verifier.Missing, res.Outcome)
	assert.Equal(t, []verifier.Category{"research"}, refused.Report.Categories)

	app.Documents = []hcxonboard.Document{{Kind: "ethics_approval", URI: "https://ihe.example/iec-approval.pdf",
		SHA256: strings.Repeat("ab", 32), MediaType: "application/pdf"}}
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{"research"}, a.Report.Categories)
	var reviews []verifier.RequirementID
	for _, task := range a.Tasks {
		if task.Kind == onboarding.KindReview {
			reviews = append(reviews, task.Requirement)
		}
	}
	assert.Contains(t, reviews, verifier.RequirementID("data_use_review"))
}
