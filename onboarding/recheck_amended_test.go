package onboarding_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// meanwhileVerifier runs a hook once, after the checks it wraps have
// answered and before their caller records the answer: what another call
// does while a registry is being asked.
type meanwhileVerifier struct {
	verifier.Verifier
	hook atomic.Pointer[func()]
}

func (v *meanwhileVerifier) Verify(ctx context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
	rep, err := v.Verifier.Verify(ctx, app)
	if h := v.hook.Swap(nil); h != nil {
		(*h)()
	}
	return rep, err
}

// A recheck (staff's, or the scheduler's before a registry wait runs out)
// checks the application as it was read. An amendment stored while the
// registries were asked makes that report stale: it is about another
// application. It must not be taken into the amended one, where it would
// settle what the amendment opened — here, a review of a name HFR does
// not hold, closed "by the checks" with no one looking at the mismatch.
func TestRecheckDoesNotApplyAReportOfTheApplicationBeforeAnAmendment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	v := &meanwhileVerifier{Verifier: w.verifier}
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(v))
	app := w.application(verifier.CategoryABDMProvider)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	_, err = svc.SendBack(ctx, a.ID, "staff:asha", "address: give the branch's")
	require.NoError(t, err)

	renamed := app.Clone()
	renamed.ParticipantName = "Sanjeevani Hospital and Research Centre" // not the name HFR holds
	var amended *onboarding.Application
	var amendErr error
	hook := func() { amended, amendErr = svc.Amend(ctx, a.ID, renamed) }
	v.hook.Store(&hook)

	rechecked, err := svc.RecheckBy(ctx, a.ID, "staff:ravi")
	require.NoError(t, amendErr)
	var review onboarding.Task
	for _, task := range amended.Tasks {
		if task.Kind == onboarding.KindReview && task.Requirement == verifier.ReqHFRLookup {
			review = task
		}
	}
	require.Equal(t, onboarding.TaskOpen, review.State, "the amendment's name differs from HFR's: a person reviews it")

	if err == nil {
		// A recheck that went on checked the amended application.
		assert.Equal(t, renamed.ParticipantName, rechecked.Submitted.ParticipantName)
	} else {
		require.ErrorIs(t, err, onboarding.ErrConflict)
	}
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	got, ok := a.Task(review.ID)
	require.True(t, ok)
	assert.Equal(t, onboarding.TaskOpen, got.State, "the mismatch still waits on a person: %s", got.Reason)
	assert.Empty(t, got.DecidedBy)
	assert.Equal(t, registry.StageVerifying, a.Stage)
	for _, res := range a.Report.Requirements {
		if res.ID == verifier.ReqHFRLookup {
			assert.NotEqual(t, verifier.Satisfied, res.Outcome, "the stored report is the amended application's")
		}
	}
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
}
