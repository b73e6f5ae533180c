package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A payer's reason is a reason a person gives, like a staff
// decision's: bounded by MaxReasonLength and UTF-8 (Decide enforces it;
// AnswerApprovals must too), or an authenticated payer fills the audit
// trail that staff read whole.
func TestPayerAnswerReasonIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	payer, _ := live(t, w, svc)
	code := payer.Participant.ParticipantCode

	app := w.application(verifier.CategoryEmpanelledProvider)
	app.Empanelment.PayerCode = code
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	reqs, err := svc.ApprovalRequests(ctx, code)
	require.NoError(t, err)
	require.Len(t, reqs, 1)

	huge := strings.Repeat("X", 500*onboarding.MaxReasonLength) // 500 KB
	// The same reason through Decide is refused.
	_, err = svc.Decide(ctx, a.ID, reqs[0].TaskID, onboarding.Decision{Approve: false, Reviewer: "staff:asha", Reason: huge})
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)

	outs, err := svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{
		{ApplicationID: a.ID, TaskID: reqs[0].TaskID, Approve: true, Reason: huge}})
	require.NoError(t, err)
	events, _ := svc.Events(ctx, a.ID)
	total := 0
	for _, e := range events {
		total += len(e.Reason)
	}
	require.ErrorIs(t, outs[0].Err, onboarding.ErrInvalidArgument,
		"a %d-byte payer reason was accepted; the audit trail now holds %d bytes of reasons", len(huge), total)
}
