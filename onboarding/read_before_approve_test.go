package onboarding_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A document review is approved only by a reviewer who was served the
// document it reads, in the version it reads: knowing the task's
// fingerprint, or another person's reading, or reading another document
// of the application, or an earlier version, proves nothing.
func TestApprovingADocumentNeedsTheReviewerToHaveReadIt(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	letter := documenttest.PDF(1200, "address proof, first version")
	app := w.bsp(letter, "s3://bucket/address.pdf")
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	d, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(letter), "applicant")
	require.NoError(t, err)
	other, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocSignatoryLetter, "", bytes.NewReader(documenttest.PDF(700, "unrelated")), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	review := reviews[0]
	require.Equal(t, d.ID, review.Document)
	approve := onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "address matches", Seen: review.Fingerprint}

	// The attack: approve a document never opened, with the fingerprint
	// the application's view hands anyone.
	_, err = w.svc.Decide(ctx, a.ID, review.ID, approve)
	require.ErrorIs(t, err, onboarding.ErrNotRead)
	require.ErrorIs(t, err, onboarding.ErrNotReady, "answered as a conflict with the application's state")
	assert.Contains(t, err.Error(), d.ID, "names the document to open")
	assert.Contains(t, err.Error(), "open it", "names the next step")
	// Another person's reading, or reading another document, is not hers.
	require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, "staff:ravi", d.ID))
	require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, "staff:asha", other.ID))
	_, err = w.svc.Decide(ctx, a.ID, review.ID, approve)
	require.ErrorIs(t, err, onboarding.ErrNotRead)
	cur, err := w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	still, _ := cur.Task(review.ID)
	assert.Equal(t, onboarding.TaskOpen, still.State, "nothing was settled")

	// Sent back and amended to a new version of the document: reading the
	// earlier version does not count for it.
	require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, "staff:asha", d.ID))
	_, err = w.svc.SendBack(ctx, a.ID, "staff:asha", "the address proof is out of date: upload this year's")
	require.NoError(t, err)
	newer := documenttest.PDF(1300, "address proof, second version")
	fixed := app.Clone()
	fixed.Documents = w.bsp(newer, "s3://bucket/address-2025.pdf").Documents
	_, err = w.svc.Amend(ctx, a.ID, fixed)
	require.NoError(t, err)
	d2, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(newer), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews = openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	require.Equal(t, d2.ID, reviews[0].Document)
	approve.Seen = ""
	_, err = w.svc.Decide(ctx, a.ID, reviews[0].ID, approve)
	require.ErrorIs(t, err, onboarding.ErrNotRead, "the earlier version was read, not this one")

	// The accepting case: the reviewer was served this version.
	require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, "STAFF:Asha", d2.ID))
	a, err = w.svc.Decide(ctx, a.ID, reviews[0].ID, approve)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
}

// Rejecting a document needs no reading (one that will not open is
// rejected too), and an operator may turn the rule off.
func TestReadBeforeApprovalScope(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for _, tc := range []struct {
		name    string
		opts    []onboarding.Option
		approve bool
	}{
		{name: "reject unread", approve: false},
		{name: "rule off", opts: []onboarding.Option{onboarding.WithReadBeforeApproval(false)}, approve: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newDocWorld(t, nil, tc.opts...)
			pdf := documenttest.PDF(800, "address proof")
			a, err := w.svc.Submit(ctx, w.bsp(pdf, "s3://bucket/a.pdf"))
			require.NoError(t, err)
			_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
			require.NoError(t, err)
			a, err = w.svc.Application(ctx, a.ID)
			require.NoError(t, err)
			review := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)[0]
			a, err = w.svc.Decide(ctx, a.ID, review.ID, onboarding.Decision{Approve: tc.approve, Reviewer: "staff:asha", Reason: "the scan does not open"})
			require.NoError(t, err)
			want := registry.StageRejected
			if tc.approve {
				want = registry.StageDetails
			}
			assert.Equal(t, want, a.Stage)
		})
	}
}
