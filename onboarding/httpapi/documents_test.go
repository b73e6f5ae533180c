package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// engineApps tells a document store which applications exist by asking
// the engine, which the fixture builds after the store: set svc before
// the first request.
type engineApps struct{ svc *onboarding.Service }

func (e *engineApps) Application(ctx context.Context, id string) (*registry.Application, error) {
	a, err := e.svc.Application(ctx, id)
	if errors.Is(err, onboarding.ErrNotFound) {
		return nil, registry.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &registry.Application{ID: a.ID}, nil
}

// docFixture is the fixture with a filesystem document store whose size
// cap is limit.
func docFixture(t *testing.T, limit int64, opts ...httpapi.Option) *fixture {
	t.Helper()
	apps := &engineApps{}
	dir, err := document.NewDir(t.TempDir(), apps, document.WithMaxSize(limit))
	require.NoError(t, err)
	t.Cleanup(func() { _ = dir.Close() })
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithDocuments(dir)}, opts...)
	apps.svc = f.svc
	return f
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// bsp is a BSP application whose address proof, referenced by its digest,
// is the one thing waiting on staff.
func (f *fixture) bsp(proof []byte) *hcxonboard.Application {
	return &hcxonboard.Application{
		ParticipantName: "PolicyPal Beneficiary Platform",
		Roles:           []hcxonboard.Role{hcxonboard.RoleBSP},
		PrimaryEmail:    "onboarding@policypal.example",
		PrimaryMobile:   "9000012001",
		Identifiers:     hcxonboard.Identifiers{GSTIN: "27AAPFU0939F1ZV"},
		Documents: []hcxonboard.Document{{Kind: hcxonboard.DocAddressProof, URI: "s3://policypal-docs/address-proof.pdf",
			SHA256: sha(proof), MediaType: document.PDF}},
		BSP:                    &hcxonboard.BSPDetails{StakeholdersServiced: []string{"policyholder"}},
		SandboxCertificate:     f.cert("bsp-1", hcxonboard.RoleBSP),
		SandboxParticipantCode: "bsp-1",
	}
}

func documentsPath(id string) string { return "/v1/onboarding/applications/" + id + "/documents" }

func (f *fixture) upload(id, token, kind, contentType string, body []byte) response {
	f.t.Helper()
	return f.do(request{method: http.MethodPost, path: documentsPath(id) + "?kind=" + url.QueryEscape(kind),
		body: body, contentType: contentType, auth: bearer(token)})
}

// Upload, match, review, approve: the requirement is settled, over HTTP.
func TestUploadedDocumentIsReviewedAndApproved(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	pdf := documenttest.PDF(3000, "address proof")
	a, tok := f.submit(f.bsp(pdf))
	require.Equal(t, registry.StageVerifying, a.Stage)

	res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", pdf)
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var d httpapi.Document
	res.decode(t, &d)
	assert.True(t, document.ValidID(d.ID), d.ID)
	assert.Equal(t, hcxonboard.DocAddressProof, d.Kind)
	assert.Equal(t, document.PDF, d.MediaType)
	assert.EqualValues(t, len(pdf), d.Size)
	assert.Equal(t, sha(pdf), d.SHA256)
	assert.False(t, d.CreatedAt.IsZero())
	assert.Equal(t, "applicant", d.UploadedBy)
	assert.Contains(t, string(res.body), `"media_type":"application/pdf"`)

	for _, req := range []request{
		{method: http.MethodGet, path: documentsPath(a.ID), auth: bearer(tok)},
		{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + a.ID + "/documents", auth: bearer(staffToken)},
	} {
		res := f.do(req)
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		var list httpapi.DocumentsResponse
		res.decode(t, &list)
		require.Len(t, list.Documents, 1)
		assert.Equal(t, d, list.Documents[0])
	}

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status)
	var view httpapi.Application
	res.decode(t, &view)
	var review string
	for _, task := range view.Tasks {
		if task.Kind == onboarding.KindReview && task.State == onboarding.TaskOpen {
			review = task.ID
			assert.Equal(t, d.ID, task.DocumentID)
			assert.Equal(t, "address_proof", string(task.Requirement))
		}
	}
	require.NotEmpty(t, review, "a staff review reads the upload: %s", res.body)

	decide := request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/tasks/" + review + "/decision",
		auth: bearer(staffToken), body: httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "the lease names the registered office"}}
	// Approving a document the reviewer never opened is refused, naming
	// where to read it.
	res = f.do(decide)
	require.Equal(t, http.StatusConflict, res.status, "body: %s", res.body)
	docPath := "/v1/onboarding/staff/applications/" + a.ID + "/documents/" + d.ID
	assert.Contains(t, string(res.body), docPath)

	res = f.do(request{method: http.MethodGet, path: docPath, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, pdf, res.body)
	assert.Equal(t, document.PDF, res.header.Get("Content-Type"))
	assert.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"))
	assert.Contains(t, res.header.Get("Content-Security-Policy"), "sandbox")
	res = f.do(request{method: http.MethodGet, path: docPath})
	assert.Equal(t, http.StatusUnauthorized, res.status, "staff only")

	res = f.do(decide)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	res.decode(t, &view)
	assert.Equal(t, registry.StageDetails, view.Stage)
}

// Every refusal of an upload, each in the envelope.
func TestUploadRefusalsOverHTTP(t *testing.T) {
	t.Parallel()
	f := docFixture(t, 4<<10)
	pdf := documenttest.PDF(1000, "proof")
	a, tok := f.submit(f.bsp(pdf))
	big := documenttest.PDF(5<<10, "too big")

	cases := []struct {
		name        string
		path        string
		contentType string
		body        []byte
		auth        string
		status      int
		code        string
		message     string
	}{
		{"a PNG declared as a PDF", documentsPath(a.ID) + "?kind=address_proof", "application/pdf", documenttest.PNG(8, 8), bearer(tok),
			http.StatusUnprocessableEntity, httpapi.CodeInvalidPayload, "declared as application/pdf but its content is a PNG"},
		{"HTML", documentsPath(a.ID) + "?kind=address_proof", "application/octet-stream", []byte("<html><script>x</script></html>"), bearer(tok),
			http.StatusUnprocessableEntity, httpapi.CodeInvalidPayload, "looks like HTML"},
		{"an image bomb", documentsPath(a.ID) + "?kind=address_proof", "image/png", documenttest.PNGDeclaring(60000, 60000), bearer(tok),
			http.StatusUnprocessableEntity, httpapi.CodeInvalidPayload, "60,000×60,000 pixels"},
		{"unknown kind", documentsPath(a.ID) + "?kind=selfie", "application/pdf", pdf, bearer(tok),
			http.StatusUnprocessableEntity, httpapi.CodeInvalidPayload, "unknown document kind"},
		{"too large", documentsPath(a.ID) + "?kind=address_proof", "application/pdf", big, bearer(tok),
			http.StatusRequestEntityTooLarge, httpapi.CodeInvalidPayload, "4096 bytes"},
		{"a form", documentsPath(a.ID) + "?kind=address_proof", "multipart/form-data; boundary=x", pdf, bearer(tok),
			http.StatusUnsupportedMediaType, httpapi.CodeInvalidPayload, "the file itself as the request body"},
		{"no kind", documentsPath(a.ID), "application/pdf", pdf, bearer(tok),
			http.StatusBadRequest, httpapi.CodeInvalidRequest, "kind is required"},
		{"an unknown application", documentsPath("0190a000-0000-7000-8000-000000000000") + "?kind=address_proof", "application/pdf", pdf,
			bearer(f.h.ApplicantToken("0190a000-0000-7000-8000-000000000000")), http.StatusNotFound, httpapi.CodeInvalidRequest, "not found"},
		{"another applicant", documentsPath(a.ID) + "?kind=address_proof", "application/pdf", pdf,
			bearer(f.h.ApplicantToken("0190a000-0000-7000-8000-000000000000")), http.StatusForbidden, httpapi.CodeAccessDenied, "does not match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(request{method: http.MethodPost, path: tc.path, body: tc.body, contentType: tc.contentType, auth: tc.auth})
			require.Equal(t, tc.status, res.status, "body: %s", res.body)
			e := res.envelope(t)
			assert.Equal(t, tc.code, e.Error.Code)
			assert.Contains(t, e.Error.Message, tc.message)
		})
	}

	// A body of unknown length over the cap is cut off by the reader.
	r := httptest.NewRequest(http.MethodPost, documentsPath(a.ID)+"?kind=address_proof", io.MultiReader(bytes.NewReader(big)))
	r.ContentLength = -1
	r.Header.Set("Authorization", bearer(tok))
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	require.Equal(t, http.StatusRequestEntityTooLarge, w.Code, "body: %s", w.Body)
	assert.Contains(t, w.Body.String(), "4096 bytes")

	docs, err := f.svc.Documents(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Empty(t, docs, "nothing refused is stored")
	res := f.do(request{method: http.MethodGet, path: documentsPath("0190a000-0000-7000-8000-000000000000"),
		auth: bearer(f.h.ApplicantToken("0190a000-0000-7000-8000-000000000000"))})
	assert.Equal(t, http.StatusNotFound, res.status)
}

// Without a document store the routes answer 501.
func TestDocumentsNotConfigured(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pdf := documenttest.PDF(1000, "proof")
	a, tok := f.submit(f.bsp(pdf))
	res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", pdf)
	assert.Equal(t, http.StatusNotImplemented, res.status, "body: %s", res.body)
	res = f.do(request{method: http.MethodGet, path: documentsPath(a.ID), auth: bearer(tok)})
	assert.Equal(t, http.StatusNotImplemented, res.status)
}

// Staff read documents in the console, served for the browser's own
// viewer with headers that let nothing run; an applicant cannot.
func TestConsoleServesDocuments(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	pdf := documenttest.PDF(2500, "signatory letter")
	png := documenttest.PNG(16, 16)
	a, tok := f.submit(f.bsp(pdf))
	res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", pdf)
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var d httpapi.Document
	res.decode(t, &d)
	res = f.upload(a.ID, tok, hcxonboard.DocFacilityLicence, "image/png", png)
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var img httpapi.Document
	res.decode(t, &img)
	docURL := "/console/applications/" + a.ID + "/documents/" + d.ID

	// The applicant's token, or a staff token, is no console session.
	for _, auth := range []string{bearer(tok), bearer(staffToken), ""} {
		res := f.do(request{method: http.MethodGet, path: docURL, auth: auth})
		assert.Equal(t, http.StatusSeeOther, res.status)
		assert.Equal(t, "/console/login", res.header.Get("Location"))
		assert.NotContains(t, string(res.body), "%PDF")
	}

	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get(docURL)
	require.Equal(t, http.StatusOK, p.status, "body: %s", p.body)
	assert.Equal(t, []byte(p.body), pdf)
	assert.Equal(t, "application/pdf", p.header.Get("Content-Type"))
	assert.Equal(t, `inline; filename=address_proof-`+d.ID[:8]+`.pdf`, p.header.Get("Content-Disposition"))
	assert.Equal(t, "default-src 'none'; sandbox", p.header.Get("Content-Security-Policy"))
	assert.Equal(t, "nosniff", p.header.Get("X-Content-Type-Options"))
	assert.Equal(t, "private, no-store", p.header.Get("Cache-Control"))

	p = b.get("/console/applications/" + a.ID + "/documents/" + img.ID)
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "image/png", p.header.Get("Content-Type"))
	assert.Equal(t, "default-src 'none'; img-src 'self'; sandbox", p.header.Get("Content-Security-Policy"))
	assert.Equal(t, []byte(p.body), png)

	// Another application's document, or none, is not found.
	other, _ := f.submit(f.bsp(documenttest.PDF(900, "other")))
	assert.Equal(t, http.StatusNotFound, b.get("/console/applications/"+other.ID+"/documents/"+d.ID).status)
	assert.Equal(t, http.StatusNotFound, b.get("/console/applications/"+a.ID+"/documents/not-a-document").status)

	// The application page lists both, shows the image inline, links the
	// review to the PDF, and decides it with the usual form.
	page := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `id="held-documents"`)
	assert.Contains(t, page.body, `<img src="/console/applications/`+a.ID+`/documents/`+img.ID+`"`)
	assert.Contains(t, page.body, `href="`+docURL+`"`)
	got, err := f.svc.Application(t.Context(), a.ID)
	require.NoError(t, err)
	var review string
	for _, task := range got.OpenTasks() {
		if task.Document == d.ID {
			review = task.ID
		}
	}
	require.NotEmpty(t, review)
	assert.Contains(t, page.body, `id="read-`+review+`"`)
	assert.Contains(t, page.body, `id="approve-`+review+`"`)
	res2 := b.post("/console/applications/"+a.ID+"/tasks/"+review+"/decision",
		url.Values{"csrf": {csrfOf(t, page)}, "decision": {"approve"}, "reason": {"read: the lease names the office"}}, "")
	require.Equal(t, http.StatusSeeOther, res2.status, "body: %s", res2.body)
	got, err = f.svc.Application(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, got.Stage)
	assert.True(t, strings.Contains(b.get("/console/applications/"+a.ID).body, `data-task-state="done"`))
}

// The OpenAPI document describes the document routes: the raw upload,
// its kinds and the console's served types.
func TestOpenAPIDocumentsTheDocumentRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	doc, _ := fetchOpenAPI(t, f)
	upload := doc.Paths["/v1/onboarding/applications/{id}/documents"]["post"]
	require.NotNil(t, upload)
	content := upload["requestBody"].(map[string]any)["content"].(map[string]any)
	for _, mt := range []string{"application/pdf", "image/png", "image/jpeg"} {
		assert.Equal(t, "binary", content[mt].(map[string]any)["schema"].(map[string]any)["format"], mt)
	}
	responses := upload["responses"].(map[string]any)
	for _, st := range []string{"201", "404", "413", "415", "422"} {
		assert.Contains(t, responses, st)
	}
	assert.Contains(t, doc.Paths["/v1/onboarding/applications/{id}/documents"], "get")
	assert.Contains(t, doc.Paths["/v1/onboarding/staff/applications/{id}/documents"], "get")
	served := doc.Paths["/console/applications/{id}/documents/{doc}"]["get"]["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
	assert.Contains(t, served, "application/pdf")
	assert.Contains(t, served, "image/png")
}

// Staff find the applications waiting on an applicant's upload.
func TestQueueOfApplicationsWaitingOnDocuments(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	a, _ := f.submit(f.bsp(documenttest.PDF(700, "not uploaded yet")))
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=" + onboarding.KindUpload, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Contains(t, string(res.body), a.ID)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	b.login(staffToken)
	q := b.get("/console/queue?waiting=" + onboarding.KindUpload)
	require.Equal(t, http.StatusOK, q.status)
	assert.Contains(t, q.body, a.ID)
	assert.Contains(t, q.body, "Waiting on documents")
}

// An application may have onboarding.MaxDocumentUploads documents
// uploaded and no more, though they arrive at once: an applicant cannot
// make the operator store without end.
func TestUploadsAreBoundedPerApplication(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	a, tok := f.submit(f.bsp(documenttest.PDF(3000, "address proof")))
	const early = onboarding.MaxDocumentUploads - 4
	for i := range early {
		res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", documenttest.PDF(2000, fmt.Sprint("upload ", i)))
		require.Equal(t, http.StatusCreated, res.status, "upload %d: %s", i, res.body)
	}
	// Twelve at once for the last four places.
	statuses := make([]int, 12)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", documenttest.PDF(2000, fmt.Sprint("racing upload ", i))).status
		})
	}
	wg.Wait()
	created := 0
	for _, st := range statuses {
		if st == http.StatusCreated {
			created++
		} else {
			assert.Equal(t, http.StatusConflict, st)
		}
	}
	assert.Equal(t, 4, created, "statuses %v", statuses)
	res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", documenttest.PDF(2000, "one more"))
	require.Equal(t, http.StatusConflict, res.status, "body: %s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "documents uploaded")
	res = f.do(request{method: http.MethodGet, path: documentsPath(a.ID), auth: bearer(tok)})
	var list httpapi.DocumentsResponse
	res.decode(t, &list)
	assert.Len(t, list.Documents, onboarding.MaxDocumentUploads, "a refused upload is not held")
}

// A document shown to staff is a view of the applicant's personal data,
// audited as the unmasked application page is: who saw which document.
func TestConsoleDocumentViewsAreAudited(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	pdf := documenttest.PDF(2500, "identity proof")
	a, tok := f.submit(f.bsp(pdf))
	res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", pdf)
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var d httpapi.Document
	res.decode(t, &d)

	b := newBrowser(t, srv)
	b.login(staffToken)
	require.Equal(t, http.StatusOK, b.get("/console/applications/"+a.ID+"/documents/"+d.ID).status)
	es, err := f.svc.Events(t.Context(), a.ID)
	require.NoError(t, err)
	var seen []registry.Event
	for _, e := range es {
		if e.Action == onboarding.ActionViewDocument {
			seen = append(seen, e)
		}
	}
	require.Len(t, seen, 1, "one view, one event")
	assert.Equal(t, "staff:asha", seen[0].Actor)
	assert.Contains(t, seen[0].Reason, d.ID)

	// A document that is not the application's is not found, and no view
	// is recorded.
	assert.Equal(t, http.StatusNotFound, b.get("/console/applications/"+a.ID+"/documents/not-a-document").status)
	es2, err := f.svc.Events(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Len(t, es2, len(es))

	// An image the application page shows inline is recorded with the
	// page, once; the browser's fetch of it then writes nothing more.
	res = f.upload(a.ID, tok, hcxonboard.DocFacilityLicence, "image/png", documenttest.PNG(8, 8))
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var img httpapi.Document
	res.decode(t, &img)
	views := func() []registry.Event {
		es, err := f.svc.Events(t.Context(), a.ID)
		require.NoError(t, err)
		var out []registry.Event
		for _, e := range es {
			if e.Action == onboarding.ActionViewDocument {
				out = append(out, e)
			}
		}
		return out
	}
	require.Equal(t, http.StatusOK, b.get("/console/applications/"+a.ID).status)
	after := views()
	require.Len(t, after, 2)
	assert.Contains(t, after[1].Reason, img.ID)
	require.Equal(t, http.StatusOK, b.get("/console/applications/"+a.ID+"/documents/"+img.ID).status)
	assert.Len(t, views(), 2, "the page recorded it")
	// Another session, which rendered no page, is recorded as it fetches.
	other := newBrowser(t, srv)
	other.login(staffToken)
	require.Equal(t, http.StatusOK, other.get("/console/applications/"+a.ID+"/documents/"+img.ID).status)
	assert.Len(t, views(), 3)
}
