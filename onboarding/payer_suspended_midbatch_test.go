package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A payer suspended while its answers are being recorded answers no
// more of them: each answer is taken from a payer that may answer then,
// not only at the start of the call.
func TestPayerSuspendedMidBatchAnswersNoMore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var (
		svc       *onboarding.Service
		armed     bool
		payerID   string
		suspErr   error
		suspended bool
	)
	notes := onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if armed && !suspended {
			// The first answer's rejection is told: staff suspend the
			// payer before its next answer is recorded.
			suspended = true // Suspend's own notices come back here
			_, suspErr = svc.Suspend(ctx, payerID, "staff:asha", "fraud investigation")
		}
		return w.notes.Notify(ctx, m)
	})
	svc = w.service(registry.NewMemoryStore(), onboarding.WithNotifier(notes))
	payer, _ := live(t, w, svc)
	payerID = payer.ID
	code := payer.Participant.ParticipantCode
	for range 2 {
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = code
		_, err := svc.Submit(ctx, app)
		require.NoError(t, err)
	}
	reqs, err := svc.ApprovalRequests(ctx, code)
	require.NoError(t, err)
	require.Len(t, reqs, 2)

	armed = true
	outs, err := svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{
		{ApplicationID: reqs[0].ApplicationID, TaskID: reqs[0].TaskID, Reason: "not empanelled with us"},
		{ApplicationID: reqs[1].ApplicationID, TaskID: reqs[1].TaskID, Approve: true},
	})
	require.NoError(t, err)
	require.True(t, suspended, "the payer was suspended during the call")
	require.NoError(t, suspErr)
	require.NoError(t, outs[0].Err, "answered before the suspension")
	require.ErrorIs(t, outs[1].Err, onboarding.ErrNotActive, "answered after the payer's suspension")
	a, err := svc.Application(ctx, reqs[1].ApplicationID)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "the request still waits")
}
