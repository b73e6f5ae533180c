package onboarding_test

import (
	"bytes"
	"context"
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

// The person who approved an application's review may not also take it
// live; another person may, and the audit actor is whoever did.
func TestFourEyesAtGoLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	reviewed := func(t *testing.T, svc *onboarding.Service) *onboarding.Application {
		t.Helper()
		a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
		_, err = svc.Decide(ctx, a.ID, onlyTask(t, a, onboarding.KindReview).ID,
			onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "registrar confirmed"})
		require.NoError(t, err)
		_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.regulator.example"))
		require.NoError(t, err)
		_, err = svc.Provision(ctx, a.ID)
		require.NoError(t, err)
		return a
	}
	checklist := func(by string) onboarding.Checklist {
		return onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: by, Note: "pilot with two payers"}
	}

	svc := w.service(registry.NewMemoryStore())
	a := reviewed(t, svc)
	_, err := svc.GoLive(ctx, a.ID, checklist("staff:asha"))
	require.ErrorIs(t, err, onboarding.ErrFourEyes)
	assert.Contains(t, err.Error(), "staff:asha approved task")
	live, err := svc.GoLive(ctx, a.ID, checklist("staff:ravi"))
	require.NoError(t, err)
	assert.Equal(t, registry.StageLive, live.Stage)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, "staff:ravi", last.Actor)
	assert.Contains(t, last.Reason, "pilot with two payers")

	solo := w.service(registry.NewMemoryStore(), onboarding.WithFourEyes(false))
	b := reviewed(t, solo)
	_, err = solo.GoLive(ctx, b.ID, checklist("staff:asha"))
	require.NoError(t, err, "one person may do both where the operator says so")
}

// Four eyes hold across a send-back: the person who approved a review in
// an earlier round, superseded by the amendment, still may not take the
// application live when another person approved the later round. The
// amendment does not launder the first approver.
func TestFourEyesAcrossAnAmendment(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	first, second := documenttest.PDF(900, "address proof, page one"), documenttest.PDF(950, "address proof, page two")
	app := w.bsp(first, "s3://bucket/one.pdf")
	app.Documents = append(app.Documents, hcxonboard.Document{Kind: hcxonboard.DocAddressProof, URI: "s3://bucket/two.pdf",
		SHA256: digest(second), MediaType: document.PDF})
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	for _, pdf := range [][]byte{first, second} {
		_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
		require.NoError(t, err)
	}
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 2)
	approve := func(reviewer string, task onboarding.Task) {
		t.Helper()
		require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, reviewer, task.Document))
		a, err = w.svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: reviewer, Reason: "address matches"})
		require.NoError(t, err)
	}
	approve("staff:asha", reviews[0])

	_, err = w.svc.SendBack(ctx, a.ID, "staff:ravi", "give the registered office's pincode")
	require.NoError(t, err)
	fixed := app.Clone()
	fixed.Address.Pincode = "560002"
	a, err = w.svc.Amend(ctx, a.ID, fixed)
	require.NoError(t, err)
	again := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, again, 2, "the amended application's documents are read again")
	for _, task := range again {
		approve("staff:ravi", task)
	}
	require.Equal(t, registry.StageDetails, a.Stage)
	_, err = w.svc.SubmitDetails(ctx, a.ID, w.details("hcx.policypal.example"))
	require.NoError(t, err)
	_, err = w.svc.Provision(ctx, a.ID)
	require.NoError(t, err)

	checklist := func(by string) onboarding.Checklist {
		return onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: by}
	}
	for _, approver := range []string{"staff:asha", "staff:ravi", "STAFF:Asha "} {
		_, err = w.svc.GoLive(ctx, a.ID, checklist(approver))
		require.ErrorIs(t, err, onboarding.ErrFourEyes, "%s approved a review of this application", approver)
	}
	assert.Contains(t, err.Error(), "another person takes it live")
	live, err := w.svc.GoLive(ctx, a.ID, checklist("staff:meera"))
	require.NoError(t, err)
	assert.Equal(t, registry.StageLive, live.Stage)
}
