package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Four eyes count a staff member's answer to a payer's approval request,
// given on the payer's behalf, as that person's approval: they may not
// also take the provider live. The payer's own answer is no staff
// member's, so it stops nobody.
func TestFourEyesCountsAnAnswerForAPayer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	payer, _ := live(t, w, svc)
	code := payer.Participant.ParticipantCode

	provider := func(host string, answer func(a *onboarding.Application, task onboarding.Task)) *onboarding.Application {
		t.Helper()
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = code
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		answer(a, onlyTask(t, a, onboarding.KindApproval))
		_, err = svc.SubmitDetails(ctx, a.ID, w.details(host))
		require.NoError(t, err)
		_, err = svc.Provision(ctx, a.ID)
		require.NoError(t, err)
		return a
	}
	checklist := func(by string) onboarding.Checklist {
		return onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: by}
	}

	forPayer := provider("hcx.shanti.example", func(a *onboarding.Application, task onboarding.Task) {
		_, err := svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "the payer confirmed by letter"})
		require.NoError(t, err)
	})
	_, err := svc.GoLive(ctx, forPayer.ID, checklist("staff:asha"))
	require.ErrorIs(t, err, onboarding.ErrFourEyes, "asha answered the payer's request for it")
	_, err = svc.GoLive(ctx, forPayer.ID, checklist("staff:ravi"))
	require.NoError(t, err)

	byPayer := provider("hcx.shanti-two.example", func(a *onboarding.Application, task onboarding.Task) {
		outs, err := svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{{ApplicationID: a.ID, TaskID: task.ID, Approve: true}})
		require.NoError(t, err)
		require.NoError(t, outs[0].Err)
	})
	_, err = svc.GoLive(ctx, byPayer.ID, checklist("staff:asha"))
	require.NoError(t, err, "the payer answered for itself")
}
