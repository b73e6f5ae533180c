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

// An operator's own category runs end to end through the engine: its
// review requirement opens a task staff decide, a missing requirement of
// it is refused on the application's face, and the participant goes live.
func TestOperatorCategoryEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	research := verifier.DefaultPolicies()[verifier.CategoryRegulator].Without(verifier.ReqCaseReview).With(
		verifier.Requirement{ID: "ethics_approval", Description: "Approval of an institutional ethics committee",
			Check: verifier.RequireDocument("ethics_approval", "approval of your institutional ethics committee")},
		verifier.Requirement{ID: "data_use_review", Description: "The data asked for",
			Check: verifier.RequireReview("the data you ask for and how you anonymise it")},
	)
	research.Category, research.Title = "research", "Research bodies"
	resolver := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
		if role == hcxonboard.RoleResearch {
			return []verifier.Category{"research"}, nil
		}
		return verifier.ResolveRole(role, app)
	})
	checker, err := verifier.New(verifier.WithPolicy(research), verifier.WithResolver(resolver),
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
	require.ErrorAs(t, err, &refused, "the operator's requirement is missing: refused on its face")
	res, ok := refused.Report.Result("ethics_approval")
	require.True(t, ok)
	assert.Equal(t, verifier.Missing, res.Outcome)

	app.Documents = []hcxonboard.Document{{Kind: "ethics_approval", URI: "https://ihe.example/iec-approval.pdf",
		SHA256: strings.Repeat("ab", 32), MediaType: "application/pdf"}}
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.Contains(t, a.Report.Categories, verifier.Category("research"))
	review := onlyTask(t, a, onboarding.KindReview)
	assert.Equal(t, verifier.RequirementID("data_use_review"), review.Requirement)

	_, err = svc.Decide(ctx, a.ID, review.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "anonymised extracts only"})
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.ihe.example"))
	require.NoError(t, err)
	_, err = svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	a, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, a.Status)
}

// The engine lists the policies of the verifier it was built with, the
// operator's own category among them; a verifier that does not list its
// policies leaves the list empty rather than guessing.
func TestServiceListsItsVerifiersPolicies(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	research := verifier.DefaultPolicies()[verifier.CategoryRegulator]
	research.Category, research.Title = "research", "Research bodies"
	checker, err := verifier.New(verifier.WithPolicy(research))
	require.NoError(t, err)
	ps := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(checker)).Policies()
	require.Len(t, ps, len(verifier.Categories())+1)
	assert.Equal(t, verifier.Category("research"), ps[len(ps)-1].Category)

	assert.Len(t, w.service(registry.NewMemoryStore()).Policies(), len(verifier.Categories()), "the built-in policies alone")
	own := verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
		return &verifier.Report{}, nil
	})
	assert.Nil(t, w.service(registry.NewMemoryStore(), onboarding.WithVerifier(own)).Policies())
}
