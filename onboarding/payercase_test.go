package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A payer code typed in capitals (from a letter, a spreadsheet) reaches the
// payer the registry knows under it in lower case, as every code this
// engine issues is written; a code no participant holds in either case is
// kept as typed.
func TestPayerCodeInAnotherCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	payer, _ := live(t, w, svc)
	code := payer.Participant.ParticipantCode
	require.Equal(t, strings.ToLower(code), code)

	app := w.application(verifier.CategoryEmpanelledProvider)
	app.Empanelment.PayerCode = " " + strings.ToUpper(code) + " "
	_, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	reqs, err := svc.ApprovalRequests(ctx, code)
	require.NoError(t, err)
	require.Len(t, reqs, 1, "the payer sees the request")
	outs, err := svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{
		{ApplicationID: reqs[0].ApplicationID, TaskID: reqs[0].TaskID, Approve: true}})
	require.NoError(t, err)
	require.NoError(t, outs[0].Err, "and answers it")
	assert.Equal(t, registry.StageDetails, outs[0].Application.Stage)

	app = w.application(verifier.CategoryEmpanelledProvider)
	app.Empanelment.PayerCode = "NOT_A_PAYER@HCXTEST"
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Len(t, a.OpenTasks(), 1)
	assert.Equal(t, "NOT_A_PAYER@HCXTEST", a.OpenTasks()[0].Recipient)
}
