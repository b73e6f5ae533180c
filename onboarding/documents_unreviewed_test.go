package onboarding_test

import (
	"bytes"
	"net/http"
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

// A reference of a kind staff do not read (the IRDA licence, by default)
// is still relied on only once the operator holds its document: an upload
// of another file leaves it waiting, the referenced file settles it, and
// no staff review opens for it.
func TestUnreviewedReferenceWaitsForItsDocument(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	licence := documenttest.PDF(1024, "IRDAI certificate of registration")
	other := documenttest.PDF(1024, "another certificate")
	app := w.application(verifier.CategoryPayer)
	app.Documents = append(app.Documents, hcxonboard.Document{Kind: hcxonboard.DocIRDALicence,
		URI: "s3://payer-docs/irdai.pdf", SHA256: digest(licence), MediaType: document.PDF})
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	up := openOf(a, onboarding.KindUpload, verifier.ReqIRDARegistrationNumber)
	require.Len(t, up, 1, "the IRDA licence reference waits on its document")
	assert.Contains(t, up[0].Message, digest(licence))
	assert.NotContains(t, up[0].Message, "staff read it", "no person reads this kind")
	res := requirement(t, a, verifier.ReqIRDARegistrationNumber)
	assert.Equal(t, verifier.Pending, res.Outcome)

	// Another file of the kind is stored, and settles nothing.
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocIRDALicence, "", bytes.NewReader(other), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, openOf(a, onboarding.KindUpload, verifier.ReqIRDARegistrationNumber), 1)

	// The referenced file settles it, with no review.
	d, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocIRDALicence, "", bytes.NewReader(licence), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Empty(t, openOf(a, onboarding.KindUpload, verifier.ReqIRDARegistrationNumber))
	assert.Empty(t, openOf(a, onboarding.KindReview, verifier.ReqIRDARegistrationNumber))
	var settled bool
	for _, tk := range a.Tasks {
		if tk.Kind == onboarding.KindUpload && tk.Requirement == verifier.ReqIRDARegistrationNumber {
			settled = tk.State == onboarding.TaskDone && tk.Document == d.ID
		}
	}
	assert.True(t, settled, "the upload task names the document that settled it")
	// The signatory letter, a reviewed kind, still waits on its upload.
	assert.Len(t, openOf(a, onboarding.KindUpload, verifier.ReqSignatoryLetter), 1)
}

// A reference of an unread kind given as an https address is fetched, its
// digest verified, and the application goes on with no person waiting; a
// file with another digest leaves it waiting for an upload.
func TestUnreviewedReferenceFetchedSettlesAlone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	proof := documenttest.PDF(2048, "registered address proof")
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/address.pdf" {
			http.NotFound(rw, r)
			return
		}
		_, _ = rw.Write(proof)
	}))
	w := newDocWorld(t, nil, onboarding.WithFetcher(trustingFetcher(t, srv.Server)), onboarding.WithDocumentReview())

	a, err := w.svc.Submit(ctx, w.bsp(proof, srv.URL+"/address.pdf"))
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage, "held with its digest verified, nothing else waits")
	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	assert.Equal(t, digest(proof), docs[0].SHA256)
	assert.Contains(t, eventActions(t, w.svc, a.ID), onboarding.ActionDocumentUploaded)

	b, err := w.svc.Submit(ctx, w.bsp(documenttest.PDF(2048, "not what the address serves"), srv.URL+"/address.pdf"))
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, b.Stage)
	up := openOf(b, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, up, 1)
	assert.Contains(t, up[0].Message, "Refused: the file at its address does not have the reference's SHA-256 digest")
}
