package onboarding_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/verifier"
)

// gatedDocs holds a replica's upload between storing the file and
// recording it, until released.
type gatedDocs struct {
	document.Store
	stored, release chan struct{}
}

func (g *gatedDocs) Put(ctx context.Context, d document.Document, content io.Reader) (document.Document, error) {
	out, err := g.Store.Put(ctx, d, content)
	close(g.stored)
	<-g.release
	return out, err
}

// TestUploadSettlesItsReferenceWithItsOwnCopy races two replicas on one
// database uploading the same referenced file for the last upload the
// application may have: B has stored its copy but not recorded it when A
// uploads. A's upload settles the reference with A's own copy — not B's,
// which B takes back when its write is refused — so the review staff get
// opens a document that is there.
func TestUploadSettlesItsReferenceWithItsOwnCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	path := filepath.Join(t.TempDir(), "registry.db")
	replica := func(wrap func(document.Store) document.Store) *onboarding.Service {
		s, err := sqlstore.OpenSQLite(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		docs, err := s.Documents(document.WithMaxSize(1 << 20))
		require.NoError(t, err)
		return w.service(s, onboarding.WithDocuments(wrap(docs)), onboarding.WithFetcher(offline(t)))
	}
	gate := &gatedDocs{stored: make(chan struct{}), release: make(chan struct{})}
	svcA := replica(func(d document.Store) document.Store { return d })
	svcB := replica(func(d document.Store) document.Store { gate.Store = d; return gate })

	pdf := documenttest.PDF(2048, "address proof")
	a, err := svcA.Submit(ctx, (&docWorld{world: w}).bsp(pdf, "s3://bucket/address.pdf"))
	require.NoError(t, err)
	uploads := openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, uploads, 1)
	for i := range onboarding.MaxDocumentUploads - 1 {
		_, err := svcA.UploadDocument(ctx, a.ID, hcxonboard.DocSignatoryLetter, "", bytes.NewReader(documenttest.PDF(1024, fmt.Sprint("filler ", i))), "applicant")
		require.NoError(t, err)
	}

	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, errB = svcB.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	}()
	<-gate.stored
	dA, errA := svcA.UploadDocument(ctx, a.ID, hcxonboard.DocAddressProof, "", bytes.NewReader(pdf), "applicant")
	close(gate.release)
	<-done
	require.NoError(t, errA)
	require.ErrorIs(t, errB, onboarding.ErrTooManyDocuments)

	a, err = svcA.Application(ctx, a.ID)
	require.NoError(t, err)
	up, ok := a.Task(uploads[0].ID)
	require.True(t, ok)
	require.Equal(t, onboarding.TaskDone, up.State)
	require.Equal(t, dA.ID, up.Document, "settled by the upload that was recorded")
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	_, _, err = svcA.Document(ctx, a.ID, reviews[0].Document)
	require.NoError(t, err, "the review's document is there")
}

// TestFetchedCopyOfAnotherReplicaIsNotMatched races two replicas on one
// database rechecking the same fetchable reference: A has stored its
// fetched copy but not recorded it when B rechecks. B does not settle the
// reference with A's copy, which A deletes once its write finds the task
// settled: B fetches its own, and the review staff get opens a document
// that is there, with its audit event.
func TestFetchedCopyOfAnotherReplicaIsNotMatched(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	pdf := documenttest.PDF(2048, "address proof fetched twice")
	var serving atomic.Bool
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !serving.Load() {
			http.NotFound(rw, r)
			return
		}
		_, _ = rw.Write(pdf)
	}))
	path := filepath.Join(t.TempDir(), "registry.db")
	replica := func(wrap func(document.Store) document.Store) *onboarding.Service {
		s, err := sqlstore.OpenSQLite(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		docs, err := s.Documents(document.WithMaxSize(1 << 20))
		require.NoError(t, err)
		return w.service(s, onboarding.WithDocuments(wrap(docs)), onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	}
	gate := &gatedDocs{stored: make(chan struct{}), release: make(chan struct{})}
	svcA := replica(func(d document.Store) document.Store { gate.Store = d; return gate })
	svcB := replica(func(d document.Store) document.Store { return d })

	a, err := svcB.Submit(ctx, (&docWorld{world: w}).bsp(pdf, srv.URL+"/address.pdf")) // 404: the upload task waits
	require.NoError(t, err)
	uploads := openOf(a, onboarding.KindUpload, verifier.ReqAddressProof)
	require.Len(t, uploads, 1)
	serving.Store(true)

	var errA error
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, errA = svcA.Recheck(ctx, a.ID)
	}()
	<-gate.stored
	_, errB := svcB.Recheck(ctx, a.ID)
	close(gate.release)
	<-done
	require.NoError(t, errA)
	require.NoError(t, errB)

	a, err = svcB.Application(ctx, a.ID)
	require.NoError(t, err)
	up, ok := a.Task(uploads[0].ID)
	require.True(t, ok)
	require.Equal(t, onboarding.TaskDone, up.State)
	reviews := openOf(a, onboarding.KindReview, verifier.ReqAddressProof)
	require.Len(t, reviews, 1)
	_, _, err = svcB.Document(ctx, a.ID, reviews[0].Document)
	require.NoError(t, err, "the review's document is there")
	docs, err := svcB.Documents(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, docs, 1, "A's unrecorded copy is deleted")
	require.Equal(t, reviews[0].Document, docs[0].ID)
	require.Len(t, eventsOf(t, svcB, a.ID, onboarding.ActionDocumentUploaded), 1)
}
