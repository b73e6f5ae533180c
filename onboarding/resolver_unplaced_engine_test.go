package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's resolver that places an application in no category, and
// says nothing, must not let the engine take it on with only the
// requirements every category shares: staff review it case by case
// before it goes on to step 3.
func TestEngineReviewsAnApplicationInNoCategory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	nowhere := verifier.ResolverFunc(func(*hcxonboard.Application) ([]verifier.Category, error) { return nil, nil })
	v, err := verifier.New(verifier.WithSandboxVerifier(w.sandbox), verifier.WithResolver(nowhere), verifier.WithClock(w.clock.Now))
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(v))

	a, err := svc.Submit(ctx, w.application(verifier.CategoryTPA))
	require.NoError(t, err)
	assert.Empty(t, a.Report.Categories)
	assert.NotEqual(t, registry.StageDetails, a.Stage, "taken on without a category's checks")
	review := onlyTask(t, a, onboarding.KindReview)
	assert.Equal(t, verifier.ReqCaseReview, review.Requirement)
}
