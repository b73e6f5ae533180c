package onboarding_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A payer, as itself, lists the approval requests addressed to it and
// answers several at once; each answer is audited with the payer as actor.
func TestPayersAnswerForThemselves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	payer, _ := live(t, w, svc)
	code := payer.Participant.ParticipantCode
	other, _ := live(t, w, svc)

	var ids []string
	for range 3 {
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = code
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		require.Len(t, a.OpenTasks(), 1, "one request per payer: %+v", a.OpenTasks())
		ids = append(ids, a.ID)
	}
	reqs, err := svc.ApprovalRequests(ctx, code)
	require.NoError(t, err)
	require.Len(t, reqs, 3)
	assert.Equal(t, "SHAS-EMP-2024-0456", reqs[0].EmpanelmentID)
	none, err := svc.ApprovalRequests(ctx, other.Participant.ParticipantCode)
	require.NoError(t, err)
	assert.Empty(t, none, "addressed to another payer")

	// Another payer cannot answer them.
	outs, err := svc.AnswerApprovals(ctx, other.Participant.ParticipantCode, []onboarding.ApprovalAnswer{
		{ApplicationID: reqs[0].ApplicationID, TaskID: reqs[0].TaskID, Approve: true}})
	require.NoError(t, err)
	require.ErrorIs(t, outs[0].Err, onboarding.ErrNotFound)

	outs, err = svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{
		{ApplicationID: reqs[0].ApplicationID, TaskID: reqs[0].TaskID, Approve: true, Reason: "empanelled since 2021"},
		{ApplicationID: reqs[1].ApplicationID, TaskID: reqs[1].TaskID, Approve: true},
		{ApplicationID: reqs[2].ApplicationID, TaskID: reqs[2].TaskID, Approve: false}, // no reason
	})
	require.NoError(t, err)
	require.NoError(t, outs[0].Err)
	require.NoError(t, outs[1].Err)
	require.ErrorIs(t, outs[2].Err, onboarding.ErrInvalidArgument)
	for _, o := range outs[:2] {
		assert.Equal(t, registry.StageDetails, o.Application.Stage)
		events, err := svc.Events(ctx, o.ApplicationID)
		require.NoError(t, err)
		last := events[len(events)-2] // approve, then verified
		assert.Equal(t, onboarding.ActionApprove, last.Action)
		assert.Equal(t, "payer:"+code, last.Actor)
		assert.NotContains(t, last.Reason, "on behalf")
	}
	outs, err = svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{{ApplicationID: reqs[0].ApplicationID, TaskID: reqs[0].TaskID, Approve: true}})
	require.NoError(t, err)
	require.ErrorIs(t, outs[0].Err, onboarding.ErrIllegalTransition, "answered once")

	// Staff may still decide for the payer, recorded as such.
	a, err := svc.Decide(ctx, reqs[2].ApplicationID, reqs[2].TaskID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "payer confirmed by letter"})
	require.NoError(t, err)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.Contains(t, events[len(events)-2].Reason, "on behalf of payer "+code)

	// Only an Active payer answers.
	_, err = svc.ApprovalRequests(ctx, "nobody@hcxtest")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	provider := w.application(verifier.CategoryBSP)
	b, err := svc.Submit(ctx, provider)
	require.NoError(t, err)
	_, err = svc.ApprovalRequests(ctx, b.Participant.ParticipantCode)
	require.ErrorIs(t, err, onboarding.ErrNotActive)
}

// A payer's key for signed proofs comes from the signing certificate it
// registered.
func TestRegistryPayers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	a, _ := provisioned(t, w, svc)
	d := w.details("hcx.suraksha.example")
	d.SigningCertPath = w.cert.valid
	_, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	a, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)

	dir := onboarding.RegistryPayers(store, nil)
	key, err := dir.SigningKey(ctx, a.Participant.ParticipantCode)
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(w.cert.valid))
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, cert.PublicKey, key)

	_, err = dir.SigningKey(ctx, "nobody@hcxtest")
	require.ErrorIs(t, err, verifier.ErrUnknownPayer)
	bsp, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	_, err = dir.SigningKey(ctx, bsp.Participant.ParticipantCode)
	require.ErrorIs(t, err, verifier.ErrUnknownPayer, "not a payer")
}
