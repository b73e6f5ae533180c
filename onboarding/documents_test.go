package onboarding_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// offline is a fetcher that resolves no name, so a test never reaches the
// network: an https reference to a public name cannot be fetched.
func offline(t testing.TB) *safefetch.Fetcher {
	t.Helper()
	f, err := safefetch.New(safefetch.WithResolver(testResolver(nil)))
	require.NoError(t, err)
	return f
}

// docWorld is an engine with a filesystem document store.
type docWorld struct {
	*world
	store registry.Store
	docs  *document.Dir
	svc   *onboarding.Service
}

func newDocWorld(t *testing.T, docOpts []document.Option, opts ...onboarding.Option) *docWorld {
	t.Helper()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	dir, err := document.NewDir(t.TempDir(), store, docOpts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = dir.Close() })
	base := []onboarding.Option{onboarding.WithDocuments(dir), onboarding.WithFetcher(offline(t))}
	return &docWorld{world: w, store: store, docs: dir, svc: w.service(store, append(base, opts...)...)}
}

// bsp is a BSP application whose only waiting requirement is its address
// proof, referenced by the content's digest at uri.
func (w *docWorld) bsp(content []byte, uri string) *hcxonboard.Application {
	app := w.application(verifier.CategoryBSP)
	app.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocAddressProof, URI: uri, SHA256: digest(content), MediaType: document.PDF}}
	return app
}

func openOf(a *onboarding.Application, kind string, req verifier.RequirementID) []onboarding.Task {
	var out []onboarding.Task
	for _, t := range a.OpenTasks() {
		if t.Kind == kind && t.Requirement == req {
			out = append(out, t)
		}
	}
	return out
}

func requirement(t *testing.T, a *onboarding.Application, id verifier.RequirementID) verifier.Result {
	t.Helper()
	res, ok := a.Report.Result(id)
	require.True(t, ok, "no %s in the report", id)
	return res
}

func eventActions(t *testing.T, svc *onboarding.Service, id string) []string {
	t.Helper()
	es, err := svc.Events(t.Context(), id)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

// The accepting path: the reference waits for its document, the upload
// matches it, a staff review reads it, and its approval settles the
// requirement.
func TestUploadedDocumentIsReviewedBeforeTheRequirementSettles(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	pdf := documenttest.PDF(2048, "address proof of PolicyPal")
	a, err := w.svc.Submit(ctx, w.bsp(pdf, "https://docs.policypal.example/address.pdf"))
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "the address proof is not read yet: %v", a.Reasons)
	assert.Equal(t, verifier.Pending, requirement(t, a, verifier.ReqAddressProof).Outcome)
	uploads := openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, uploads, 1)
	assert.Contains(t, uploads[0].Message, digest(pdf))
	// The operator tried the https address and could not reach it.
	assert.Contains(t, uploads[0].Message, "could not fetch it")
	assert.Empty(t, openOf(a, onboarding.KindReview, verifier.ReqAddressProof))

	// A reviewer cannot wave the document through before it is held.
	_, err = w.svc.Decide(ctx, a.ID, uploads[0].ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha"})
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)

	d, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "application/pdf", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	assert.Equal(t, digest(pdf), d.SHA256)
	assert.Equal(t, document.PDF, d.MediaType)
	assert.EqualValues(t, len(pdf), d.Size)
	assert.Equal(t, "applicant", d.UploadedBy)

	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	up, ok := a.Task(uploads[0].ID)
	require.True(t, ok)
	assert.Equal(t, onboarding.TaskDone, up.State)
	assert.Equal(t, d.ID, up.Document)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	assert.Equal(t, d.ID, reviews[0].Document)
	assert.Contains(t, reviews[0].Message, d.ID)
	assert.Equal(t, onboarding.Staff, reviews[0].Recipient)
	assert.NotEmpty(t, w.notes.of(onboarding.MessageReviewRequest, a.ID), "staff are asked to read it")

	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	assert.Equal(t, d, docs[0])
	got, rc, err := w.svc.Document(ctx, a.ID, d.ID)
	require.NoError(t, err)
	body, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, pdf, body)
	assert.Equal(t, d, got)

	require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, "staff:asha", d.ID), "the reviewer reads it")
	a, err = w.svc.Decide(ctx, a.ID, reviews[0].ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "the utility bill names the registered address"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	res := requirement(t, a, verifier.ReqAddressProof)
	assert.Equal(t, verifier.Satisfied, res.Outcome)
	assert.Contains(t, res.Message, "approved by staff:asha")

	assert.Equal(t, []string{onboarding.ActionSubmit, onboarding.ActionRegister, onboarding.ActionDocumentRefused,
		onboarding.ActionDocumentUploaded, onboarding.ActionViewDocument, onboarding.ActionApprove, onboarding.ActionVerified}, eventActions(t, w.svc, a.ID))
	require.NoError(t, w.svc.VerifyChain(ctx, a.ID))
}

// Rejecting a document review rejects the application, as any review.
func TestRejectedDocumentRejectsTheApplication(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	pdf := documenttest.PDF(512, "a letter")
	app := w.application(verifier.CategoryCorporateSponsor)
	app.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter, URI: "s3://bucket/letter.pdf", SHA256: digest(pdf)}}
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	up := openOf(a, onboarding.KindUpload, verifier.ReqSignatoryLetter)
	require.Len(t, up, 1)
	assert.NotContains(t, up[0].Message, "fetch", "an s3 address is not fetched")

	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocSignatoryLetter, "", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqSignatoryLetter)
	require.Len(t, reviews, 1)
	a, err = w.svc.Decide(ctx, a.ID, reviews[0].ID, onboarding.Decision{Reviewer: "staff:asha", Reason: "not signed by a director"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageRejected, a.Stage)
	require.Len(t, a.Reasons, 1)
	assert.Contains(t, a.Reasons[0], "not signed by a director")
}

// Refused uploads store nothing and record nothing.
func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, []document.Option{document.WithMaxSize(4 << 10)})
	pdf := documenttest.PDF(1024, "proof")
	a, err := w.svc.Submit(ctx, w.bsp(pdf, "https://docs.policypal.example/address.pdf"))
	require.NoError(t, err)
	before := eventActions(t, w.svc, a.ID)

	cases := []struct {
		name, kind, mediaType string
		body                  []byte
		want                  error
	}{
		{"a PNG declared as a PDF", hcxonboard.DocAddressProof, "application/pdf", documenttest.PNG(4, 4), document.ErrMismatch},
		{"too large", hcxonboard.DocAddressProof, "", documenttest.PDF(5<<10, "big"), document.ErrTooLarge},
		{"HTML", hcxonboard.DocAddressProof, "", []byte("<!doctype html><script>alert(1)</script>"), document.ErrUnsupportedType},
		{"unknown kind", "selfie", "", pdf, document.ErrInvalid},
	}
	for _, tc := range cases {
		_, err := w.svc.UploadDocument(ctx, a.ID, tc.kind, tc.mediaType, bytes.NewReader(tc.body), "applicant")
		var rej *document.RejectError
		require.ErrorAs(t, err, &rej, tc.name)
		assert.ErrorIs(t, err, tc.want, tc.name)
		assert.NotEmpty(t, rej.Message, tc.name)
	}
	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	assert.Empty(t, docs)
	assert.Equal(t, before, eventActions(t, w.svc, a.ID))

	_, err = w.svc.UploadDocument(ctx, "no-such-application", hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	_, err = w.svc.Documents(ctx, "no-such-application")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	_, _, err = w.svc.Document(ctx, a.ID, "0190a000-0000-7000-8000-000000000000")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), " ")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
}

// A reference nobody uploaded keeps its requirement waiting, through
// rechecks and uploads of other files.
func TestReferenceWithoutUploadKeepsWaiting(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	pdf := documenttest.PDF(1024, "the referenced proof")
	a, err := w.svc.Submit(ctx, w.bsp(pdf, "https://docs.policypal.example/address.pdf"))
	require.NoError(t, err)
	up := openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, up, 1)

	// Another file, and the right file under another kind, hold nothing.
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(documenttest.PDF(1024, "another file")), "applicant")
	require.NoError(t, err)
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocFacilityLicence, "", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, a.Stage)
	assert.Len(t, openOf(a, onboarding.KindUpload, verifier.ReqAddressProof), 1)
	assert.Empty(t, openOf(a, onboarding.KindReview, verifier.ReqAddressProof))
	assert.Equal(t, verifier.Pending, requirement(t, a, verifier.ReqAddressProof).Outcome)

	// The file under its own kind settles the wait.
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Empty(t, openOf(a, onboarding.KindUpload, verifier.ReqAddressProof))
	assert.Len(t, openOf(a, onboarding.KindReview, verifier.ReqAddressProof), 1)

	// Staff may give up on an upload that never comes: that rejects.
	b, err := w.svc.Submit(ctx, w.bsp(documenttest.PDF(1024, "never uploaded"), "gs://bucket/proof.pdf"))
	require.NoError(t, err)
	up = openOf(b, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, up, 1)
	b, err = w.svc.Decide(ctx, b.ID, up[0].ID, onboarding.Decision{Reviewer: "staff:asha", Reason: "no address proof after three reminders"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageRejected, b.Stage)
	_, err = w.svc.UploadDocument(ctx, b.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
}

// An https reference is fetched through the safe fetcher from an
// allow-listed host: a wrong digest is refused and nothing is stored; the
// right one is stored and read by staff.
func TestFetchedReferenceIsCheckedAgainstItsDigest(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pdf := documenttest.PDF(4096, "government approval letter")
	other := documenttest.PDF(4096, "something else")
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/letter.pdf":
			_, _ = rw.Write(pdf)
		case "/page.html":
			_, _ = rw.Write([]byte("<html>a login page</html>"))
		default:
			http.NotFound(rw, r)
		}
	}))
	w := newDocWorld(t, nil, onboarding.WithFetcher(trustingFetcher(t, srv.Server)))

	// The reference's digest is another file's: refused.
	wrong := w.bsp(other, srv.URL+"/letter.pdf")
	a, err := w.svc.Submit(ctx, wrong)
	require.NoError(t, err)
	up := openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, up, 1)
	assert.Contains(t, up[0].Message, "Refused: the file at its address does not have the reference's SHA-256 digest "+digest(other))
	assert.NotContains(t, up[0].Message, digest(pdf), "what the file there hashes to is no business of the applicant's")
	assertNoInternals(t, up[0].Message, srv.port())
	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	assert.Empty(t, docs)
	assert.Contains(t, eventActions(t, w.svc, a.ID), onboarding.ActionDocumentRefused)
	// A recheck fetches again and, finding the same, records nothing new.
	n := len(eventActions(t, w.svc, a.ID))
	_, err = w.svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, eventActions(t, w.svc, a.ID), n+1, "the recheck; the refusal stands as written")
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	up = openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, up, 1)
	assert.Contains(t, up[0].Message, "Refused: the file at its address does not have the reference's SHA-256 digest")

	// An address answering HTML with the right digest is still refused by
	// the policy.
	html := []byte("<html>a login page</html>")
	ca, err := w.svc.Submit(ctx, w.bsp(html, srv.URL+"/page.html"))
	require.NoError(t, err)
	up = openOf(ca, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, up, 1)
	assert.Contains(t, up[0].Message, "Refused: the file at its address has the reference's digest, but the file is not")

	// The right digest: fetched, stored, and waiting on staff.
	b, err := w.svc.Submit(ctx, w.bsp(pdf, srv.URL+"/letter.pdf"))
	require.NoError(t, err)
	assert.Empty(t, openOf(b, onboarding.KindUpload, verifier.ReqAddressProof))
	reviews := openOf(b, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	docs, err = w.svc.Documents(ctx, b.ID)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	assert.Equal(t, digest(pdf), docs[0].SHA256)
	assert.Equal(t, "system", docs[0].UploadedBy)
	assert.Equal(t, docs[0].ID, reviews[0].Document)
	assert.Equal(t, []string{onboarding.ActionSubmit, onboarding.ActionRegister, onboarding.ActionDocumentUploaded}, eventActions(t, w.svc, b.ID))
	require.NoError(t, w.svc.RecordDocumentView(ctx, b.ID, "staff:asha", reviews[0].Document))
	b, err = w.svc.Decide(ctx, b.ID, reviews[0].ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, b.Stage)
}

// Without a document store the engine takes references as before; with
// one but no kinds to read, documents are held and no person waits.
func TestDocumentsAreOptIn(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	pdf := documenttest.PDF(512, "x")
	dw := &docWorld{world: w}
	a, err := svc.Submit(ctx, dw.bsp(pdf, "https://docs.policypal.example/address.pdf"))
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	_, err = svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	require.ErrorIs(t, err, onboarding.ErrNotConfigured)
	_, err = svc.Documents(ctx, a.ID)
	require.ErrorIs(t, err, onboarding.ErrNotConfigured)

	none := newDocWorld(t, nil, onboarding.WithDocumentReview())
	a, err = none.svc.Submit(ctx, none.bsp(pdf, "https://docs.policypal.example/address.pdf"))
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, a.Stage, "a reference is relied on only once its document is held")
	assert.Len(t, openOf(a, onboarding.KindUpload, verifier.ReqAddressProof), 1)
	_, err = none.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	a, err = none.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	assert.Empty(t, a.OpenTasks())

	// The facility licence is read only when asked for.
	lic := newDocWorld(t, nil, onboarding.WithDocumentReview(hcxonboard.DocFacilityLicence))
	app := lic.application(verifier.CategoryRohiniProvider)
	app.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocFacilityLicence, URI: "s3://b/licence.pdf", SHA256: digest(pdf)}}
	a, err = lic.svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.Len(t, openOf(a, onboarding.KindUpload, verifier.ReqFacilityDetails), 1)

	for _, bad := range []onboarding.Option{onboarding.WithDocuments(nil), onboarding.WithDocumentReview("selfie")} {
		_, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("x"), onboarding.WithNotifier(w.notes),
			onboarding.WithOTPKey(otpKey), bad)
		require.ErrorIs(t, err, onboarding.ErrInvalidOption)
	}
}

// The database store keeps documents beside their applications.
func TestDocumentsInSQLite(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	store := sqlstoretest.SQLite(t)
	docs, err := store.Documents(document.WithMaxSize(1 << 20))
	require.NoError(t, err)
	svc := w.service(store, onboarding.WithDocuments(docs), onboarding.WithFetcher(offline(t)))
	assert.EqualValues(t, 1<<20, svc.MaxDocumentSize())
	pdf := documenttest.PDF(2048, "sqlite")
	dw := &docWorld{world: w}
	a, err := svc.Submit(ctx, dw.bsp(pdf, "https://docs.policypal.example/address.pdf"))
	require.NoError(t, err)
	d, err := svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	assert.Equal(t, d.ID, reviews[0].Document)
	require.NoError(t, svc.RecordDocumentView(ctx, a.ID, "staff:asha", reviews[0].Document))
	a, err = svc.Decide(ctx, a.ID, reviews[0].ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	// Past verification, no more uploads.
	_, err = svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	var te *onboarding.TransitionError
	require.ErrorAs(t, err, &te)
	assert.True(t, errors.Is(err, onboarding.ErrIllegalTransition))
}

// A cancelled context stops an upload before anything is stored.
func TestUploadHonoursTheContext(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t, nil)
	pdf := documenttest.PDF(512, "ctx")
	a, err := w.svc.Submit(t.Context(), w.bsp(pdf, "s3://b/p.pdf"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", strings.NewReader(string(pdf)), "applicant")
	require.Error(t, err)
	docs, err := w.svc.Documents(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Empty(t, docs)
}

// Sent back and amended, an application's references match the documents
// already held, and staff read them again.
func TestAmendedReferencesMatchHeldDocuments(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	pdf := documenttest.PDF(1024, "held before the amendment")
	app := w.bsp(pdf, "s3://bucket/proof.pdf")
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	d, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	a, err = w.svc.SendBack(ctx, a.ID, "staff:asha", "give the registered office's pincode")
	require.NoError(t, err)
	// While sent back, uploads are still taken.
	extra, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocSignatoryLetter, "", bytes.NewReader(documenttest.PDF(600, "extra")), "applicant")
	require.NoError(t, err)

	fixed := app.Clone()
	fixed.Address.Pincode = "560002"
	a, err = w.svc.Amend(ctx, a.ID, fixed)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	assert.Equal(t, d.ID, reviews[0].Document)
	assert.Empty(t, openOf(a, onboarding.KindUpload, verifier.ReqAddressProof))
	assert.Contains(t, eventActions(t, w.svc, a.ID), onboarding.ActionDocumentMatched)
	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, docs, 2)
	assert.Equal(t, extra.ID, docs[1].ID)
}

// A benefit service provider's address proof: the application references
// it by digest, the applicant uploads the file, staff read it and approve,
// and the requirement is settled.
func ExampleWithDocuments() {
	ctx := context.Background()
	sandboxKey, err := credential.GenerateEd25519Key(rand.Reader)
	check(err)
	sandboxOperator, err := sandbox.NewIssuer("sandbox.example", sandboxKey, sandbox.WithValidity(24*time.Hour))
	check(err)
	trusted, err := sandboxOperator.TrustedIssuer(hcxonboard.RoleBSP)
	check(err)
	trustList, err := sandbox.NewTrustList(trusted)
	check(err)
	sandboxVerifier, err := sandbox.NewVerifier(sandbox.WithTrustList(trustList))
	check(err)

	store := registry.NewMemoryStore()
	dir, err := os.MkdirTemp("", "documents")
	check(err)
	defer os.RemoveAll(dir)
	docs, err := document.NewDir(dir, store) // or, beside the registry in SQL: sqlstore's Store.Documents()
	check(err)
	defer docs.Close()
	otpKey := make([]byte, 32) // kept outside the database in real life
	_, err = rand.Read(otpKey)
	check(err)
	svc, err := onboarding.New(store,
		onboarding.WithInstanceCode("hcx"),
		onboarding.WithOTPKey(otpKey),
		onboarding.WithSandbox(sandboxVerifier),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })),
		onboarding.WithDocuments(docs),
	)
	check(err)

	letter := documenttest.PDF(1024, "rent agreement of the registered office")
	sum := sha256.Sum256(letter)
	cert, err := sandboxOperator.Issue(sandbox.Claims{Subject: "policypal", Roles: []hcxonboard.Role{hcxonboard.RoleBSP}})
	check(err)
	app, err := svc.Submit(ctx, &hcxonboard.Application{
		ParticipantName: "PolicyPal Beneficiary Platform",
		Roles:           []hcxonboard.Role{hcxonboard.RoleBSP},
		PrimaryEmail:    "onboarding@policypal.example",
		PrimaryMobile:   "9000012001",
		Identifiers:     hcxonboard.Identifiers{GSTIN: "27AAPFU0939F1ZV"},
		Documents: []hcxonboard.Document{{Kind: hcxonboard.DocAddressProof, URI: "s3://policypal/address-proof.pdf",
			SHA256: hex.EncodeToString(sum[:]), MediaType: document.PDF}},
		BSP:                    &hcxonboard.BSPDetails{StakeholdersServiced: []string{"policyholder"}},
		SandboxCertificate:     cert,
		SandboxParticipantCode: "policypal",
	})
	check(err)
	for _, t := range app.OpenTasks() {
		fmt.Println(app.Stage, "waits on", t.Kind, "of", t.Requirement)
	}

	_, err = svc.UploadDocument(ctx, app.ID, hcxonboard.DocAddressProof, document.PDF, bytes.NewReader(letter), "applicant")
	check(err)
	app, err = svc.Application(ctx, app.ID)
	check(err)
	for _, t := range app.OpenTasks() {
		fmt.Println(app.Stage, "waits on", t.Kind, "of", t.Requirement, "reading the uploaded document:", t.Document != "")
		// The reviewer reads it first: the console records each view as
		// it serves the document, and only a reader may approve.
		check(svc.RecordDocumentView(ctx, app.ID, "staff:asha", t.Document))
		app, err = svc.Decide(ctx, app.ID, t.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "names the registered office"})
		check(err)
	}
	fmt.Println(app.Stage)
	// Output:
	// verifying waits on upload of address_proof
	// verifying waits on review of address_proof reading the uploaded document: true
	// details
}

// A document reference pointing at the operator's own network is never
// fetched: the default fetcher refuses loopback, private and metadata
// addresses, and the refusal names none of them.
func TestDocumentReferencesCannotReachInternalAddresses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pdf := documenttest.PDF(2048, "signatory letter")
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { _, _ = rw.Write(pdf) }))
	w := newDocWorld(t, nil, onboarding.WithFetcher(defaultSafeFetcher(t)))
	for _, uri := range []string{
		srv.URL + "/letter.pdf",
		"https://[::1]:" + srv.port() + "/letter.pdf",
		"https://169.254.169.254/latest/meta-data/",
		"https://10.0.0.1/letter.pdf",
		"http://example.org/letter.pdf",
	} {
		a, err := w.svc.Submit(ctx, w.bsp(pdf, uri))
		require.NoError(t, err, uri)
		up := openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
		require.Len(t, up, 1, uri)
		if strings.HasPrefix(uri, "https://") {
			assert.Contains(t, up[0].Message, "could not fetch it", uri)
		}
		assertNoInternals(t, up[0].Message, srv.port())
		docs, err := w.svc.Documents(ctx, a.ID)
		require.NoError(t, err)
		assert.Empty(t, docs, uri)
	}
	assert.Zero(t, srv.hits.Load(), "no request reached the internal server")
}

// defaultSafeFetcher is safefetch's default, as an operator runs it.
func defaultSafeFetcher(t *testing.T) *safefetch.Fetcher {
	t.Helper()
	f, err := safefetch.New()
	require.NoError(t, err)
	return f
}
