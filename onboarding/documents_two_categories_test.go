package onboarding_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An application in two categories whose requirements of one id ask for
// documents of different kinds — one naming its kind, one built on
// verifier.RequireDocument alone — waits on an upload of every reference
// either check relied on, whichever category runs first.
func TestDocumentRequirementOfTwoCategoriesHoldsEveryKind(t *testing.T) {
	t.Parallel()
	named := verifier.DocumentRequirement("ethics_approval", "ethics_approval", "Approval of an institutional ethics committee")
	unnamed := verifier.Requirement{ID: "ethics_approval", Description: "Resolution of the governing board",
		Check: verifier.RequireDocument("board_resolution", "resolution of your governing board")}
	for _, c := range []struct {
		name         string
		first, later verifier.Requirement
	}{
		{"named first", named, unnamed},
		{"unnamed first", unnamed, named},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			w0 := newWorld(t)
			base := verifier.DefaultPolicies()[verifier.CategoryRegulator].Without(verifier.ReqCaseReview)
			one, two := base.With(c.first), base.With(c.later)
			one.Category, two.Category = "research", "research_board"
			resolver := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
				if role == hcxonboard.RoleResearch {
					return []verifier.Category{"research", "research_board"}, nil
				}
				return verifier.ResolveRole(role, app)
			})
			checker, err := verifier.New(verifier.WithPolicy(one), verifier.WithPolicy(two), verifier.WithResolver(resolver),
				verifier.WithSandboxVerifier(w0.sandbox), verifier.WithClock(w0.clock.Now))
			require.NoError(t, err)
			w := newDocWorld(t, []document.Option{document.WithKinds(slices.Concat(document.Kinds, []string{"ethics_approval", "board_resolution"})...)},
				onboarding.WithVerifier(checker), onboarding.WithSandbox(w0.sandbox))
			ethics := documenttest.PDF(2048, "ethics committee approval")
			board := documenttest.PDF(2048, "board resolution")
			a, err := w.svc.Submit(ctx, &hcxonboard.Application{ApplicationID: fmt.Sprintf("research-%d", appSeq.Add(1)),
				ParticipantName: "Institute of Health Economics", Roles: []hcxonboard.Role{hcxonboard.RoleResearch},
				PrimaryEmail: "hcx@ihe.example", PrimaryMobile: "9000012001", SandboxCertificate: w0.certificate(hcxonboard.RoleResearch),
				Documents: []hcxonboard.Document{
					{Kind: "ethics_approval", URI: "s3://ihe/e.pdf", SHA256: digest(ethics), MediaType: document.PDF},
					{Kind: "board_resolution", URI: "s3://ihe/b.pdf", SHA256: digest(board), MediaType: document.PDF},
				}})
			require.NoError(t, err)
			assert.Equal(t, registry.StageVerifying, a.Stage, "bare references settle nothing")
			assert.Equal(t, verifier.Pending, requirement(t, a, "ethics_approval").Outcome)
			var kinds []string
			for _, up := range openOf(a, onboarding.KindUpload, "ethics_approval") {
				kinds = append(kinds, up.DocumentKind)
			}
			assert.ElementsMatch(t, []string{"ethics_approval", "board_resolution"}, kinds, "an upload of each reference relied on")
		})
	}
}
