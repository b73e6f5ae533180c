package onboarding_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// numberedDocs is a server answering /doc/<i> with the i-th numbered
// address proof while serving is set (else 404), and file gives that proof.
func numberedDocs(t *testing.T, serving *atomic.Bool) (*countingServer, func(int) []byte) {
	t.Helper()
	file := func(i int) []byte { return documenttest.PDF(1024, "forged address proof "+strconv.Itoa(i)) }
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/doc/"))
		if err != nil || serving != nil && !serving.Load() {
			http.NotFound(rw, r)
			return
		}
		_, _ = rw.Write(file(i))
	}))
	return srv, file
}

// referencing is a BSP application whose address proof is n references,
// each to its own numbered file on srv.
func referencing(w *docWorld, srv *countingServer, file func(int) []byte, n int) *hcxonboard.Application {
	app := w.application(verifier.CategoryBSP)
	app.Documents = nil
	for i := range n {
		app.Documents = append(app.Documents, hcxonboard.Document{Kind: hcxonboard.DocAddressProof,
			URI: fmt.Sprintf("%s/doc/%d", srv.URL, i), SHA256: digest(file(i)), MediaType: document.PDF})
	}
	return app
}

// An application cannot make the operator fetch and store more than
// MaxDocumentUploads documents by listing references: what it fetches
// counts with what the applicant uploads, and a call fetches no more than
// the application may still have stored.
func TestFetchedReferencesAreBoundedByMaxDocumentUploads(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const n = onboarding.MaxDocumentUploads // the most an application may list
	srv, file := numberedDocs(t, nil)
	w := newDocWorld(t, nil, onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	a, err := w.svc.Submit(ctx, referencing(w, srv, file, n))
	require.NoError(t, err)
	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.LessOrEqual(t, len(docs), onboarding.MaxDocumentUploads)
	require.LessOrEqual(t, int(srv.hits.Load()), onboarding.MaxDocumentUploads, "fetches one call makes")
	require.NotEmpty(t, docs, "the call fetched some")
	require.Len(t, eventsOf(t, w.svc, a.ID, onboarding.ActionDocumentUploaded), len(docs), "each held document is recorded")

	// Rechecks take the rest, up to the limit; every fetch stores a
	// document that is recorded, and no call fetches more than one may.
	for range n {
		hits := srv.hits.Load()
		a, err = w.svc.Recheck(ctx, a.ID)
		require.NoError(t, err)
		require.LessOrEqual(t, int(srv.hits.Load()-hits), onboarding.MaxDocumentUploads, "fetches one call makes")
		if srv.hits.Load() == hits {
			break
		}
	}
	require.EqualValues(t, onboarding.MaxDocumentUploads, srv.hits.Load(), "one fetch per document held")
	docs, err = w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, docs, onboarding.MaxDocumentUploads)
	require.Len(t, eventsOf(t, w.svc, a.ID, onboarding.ActionDocumentUploaded), len(docs))

	require.Empty(t, openOf(a, onboarding.KindUpload, verifier.ReqAddressProof))

	// Neither a recheck nor an upload stores more.
	hits := srv.hits.Load()
	_, err = w.svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hits, srv.hits.Load(), "a recheck fetches nothing once the limit is reached")
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(file(n)), "applicant")
	require.ErrorIs(t, err, onboarding.ErrTooManyDocuments)
	docs, err = w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, docs, onboarding.MaxDocumentUploads)
}

// eventsOf returns the application's audit events with the action.
func eventsOf(t *testing.T, svc *onboarding.Service, id, action string) []string {
	t.Helper()
	var out []string
	for _, a := range eventActions(t, svc, id) {
		if a == action {
			out = append(out, a)
		}
	}
	return out
}

// Documents the applicant uploaded count against what the operator may
// fetch for the application, and the other way round.
func TestFetchedAndUploadedDocumentsCountTogether(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const n = 8
	var serving atomic.Bool
	srv, file := numberedDocs(t, &serving)
	w := newDocWorld(t, nil, onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	a, err := w.svc.Submit(ctx, referencing(w, srv, file, n)) // 404: all wait
	require.NoError(t, err)
	const uploaded = onboarding.MaxDocumentUploads - 3
	for i := range uploaded {
		_, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocSignatoryLetter, "", bytes.NewReader(documenttest.PDF(1024, fmt.Sprint("filler ", i))), "applicant")
		require.NoError(t, err)
	}
	serving.Store(true)
	hits := srv.hits.Load()
	_, err = w.svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	require.LessOrEqual(t, srv.hits.Load()-hits, int32(3), "a recheck fetches no more than the application may still have stored")
	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, docs, onboarding.MaxDocumentUploads)
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(file(n)), "applicant")
	require.ErrorIs(t, err, onboarding.ErrTooManyDocuments)

	// The references past the limit wait, saying why, and are not
	// fetched.
	hits = srv.hits.Load()
	a, err = w.svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hits, srv.hits.Load())
	waiting := openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, waiting, n-3)
	for _, u := range waiting {
		assert.Contains(t, u.Message, fmt.Sprintf("the application had %d documents stored, the most one may", onboarding.MaxDocumentUploads))
	}
}

// A recheck fetches a reference while the applicant uploads the same
// file: the upload settles the task, so the fetched copy is not recorded,
// and it is not left in the store either.
func TestFetchedDocumentNotRecordedIsNotLeftInTheStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pdf := documenttest.PDF(2048, "address proof fetched while uploaded")
	var block atomic.Bool
	hit, release := make(chan struct{}, 1), make(chan struct{})
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !block.Load() {
			http.NotFound(rw, r)
			return
		}
		hit <- struct{}{}
		<-release
		_, _ = rw.Write(pdf)
	}))
	w := newDocWorld(t, nil, onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	a, err := w.svc.Submit(ctx, w.bsp(pdf, srv.URL+"/address.pdf")) // 404: the upload task waits
	require.NoError(t, err)
	block.Store(true)
	done := make(chan error, 1)
	go func() { _, err := w.svc.Recheck(ctx, a.ID); done <- err }()
	select {
	case <-hit:
	case <-time.After(5 * time.Second):
		t.Fatal("recheck did not fetch")
	}
	d, err := w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "application/pdf", bytes.NewReader(pdf), "applicant")
	require.NoError(t, err)
	close(release)
	require.NoError(t, <-done)

	docs, err := w.svc.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, docs, len(eventsOf(t, w.svc, a.ID, onboarding.ActionDocumentUploaded)), "every held document has its document_uploaded audit event")
	require.Len(t, docs, 1)
	require.Equal(t, d.ID, docs[0].ID, "the applicant's upload is the one held")
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	require.Equal(t, d.ID, reviews[0].Document)
}

// An application may list no more documents than it may ever have stored:
// each reference is a task, and a fetch.
func TestApplicationListsAtMostMaxDocumentUploads(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newDocWorld(t, nil)
	app := w.application(verifier.CategoryBSP)
	ref := app.Documents[0]
	app.Documents = nil
	for i := range onboarding.MaxDocumentUploads + 1 {
		d := ref
		d.URI = fmt.Sprintf("%s?copy=%d", ref.URI, i)
		app.Documents = append(app.Documents, d)
	}
	_, err := w.svc.Submit(ctx, app)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	assert.Contains(t, err.Error(), fmt.Sprintf("at most %d", onboarding.MaxDocumentUploads))

	app.Documents = app.Documents[:onboarding.MaxDocumentUploads]
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.NotEqual(t, registry.StageRejected, a.Stage, "reasons: %v", a.Reasons)
}
