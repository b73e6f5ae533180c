package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestHPRAuthenticationFillsTheNameWhenADifferenceIsReviewed: HPR's
// authentication proves the applicant is the professional HPR holds, so
// the participant's name is HPR's — as HFR's record fills a facility's
// after its manager's consent — whether or not the name typed matched; a
// person reviews the difference, and approving it leaves HPR's name in
// the registry, not the one typed.
func TestHPRAuthenticationFillsTheNameWhenADifferenceIsReviewed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryABDMPractitioner)
	app.ParticipantName = "Dr. A. Rao Clinic"
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
	assert.Equal(t, onboarding.SourceApplicant, a.Sources["participant_name"])
	code, ok := w.hfr.LastHPROTP(hprNumber)
	require.True(t, ok)
	a, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, code)
	require.NoError(t, err)
	review := onlyTask(t, a, onboarding.KindReview)
	var name verifier.Finding
	for _, f := range review.Findings {
		if f.Field == "name" {
			name = f
		}
	}
	assert.Equal(t, verifier.Finding{Field: "name", Applicant: "Dr. A. Rao Clinic", Registry: "Asha Rao", Source: "hpr"}, name,
		"the review shows both sides")
	a, err = svc.Decide(ctx, a.ID, review.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "her clinic's name"})
	require.NoError(t, err)
	require.Equal(t, registry.StageDetails, a.Stage)
	assert.Equal(t, "Asha Rao", a.Participant.ParticipantName, "the name HPR holds")
	assert.Equal(t, onboarding.SourceHPR, a.Sources["participant_name"])
}
