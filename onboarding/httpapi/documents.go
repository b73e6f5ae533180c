package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/onboarding"
)

// Documents: the applicant uploads each document the application
// references, as the raw file in the request body —
//
//	POST /v1/onboarding/applications/{id}/documents?kind=address_proof
//	Content-Type: application/pdf
//
// — never a multipart form. Content-Type declares the file's type
// (application/pdf, image/png or image/jpeg; application/octet-stream or
// none declares nothing): the operator judges the type from the bytes
// and refuses a file that is not what it declares. The body is capped at
// the document store's size limit (413); an image over the store's pixel
// cap (document.MaxImageSide a side, document.MaxImagePixels in all) is
// refused with 422, whatever its size in bytes. The answer (201) is the stored
// document's metadata, with the SHA-256 digest the reference must give.
// The applicant and staff list an application's documents; staff read
// them in the console.

// Document is a document the operator holds for an application: its
// metadata, never its content.
type Document struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	CreatedAt  time.Time `json:"created_at"`
	UploadedBy string    `json:"uploaded_by"`
	// Note, in the answer to an upload only, says when the file settled
	// nothing: no reference of the application names its kind and digest.
	Note string `json:"note,omitempty"`
}

// DocumentsResponse lists an application's documents, oldest first.
type DocumentsResponse struct {
	Documents []Document `json:"documents"`
}

func documentView(d document.Document) Document {
	return Document{ID: d.ID, Kind: d.Kind, MediaType: d.MediaType, Size: d.Size, SHA256: d.SHA256,
		CreatedAt: d.CreatedAt, UploadedBy: d.UploadedBy}
}

// documentTypes are the media types of a document, as an upload declares
// them and as the console serves them.
var documentTypes = []string{document.PDF, document.PNG, document.JPEG}

// The document routes of the JSON API (routes.go places them).

func uploadDocumentRoute(appPath string) route {
	return route{method: http.MethodPost, path: appPath + "/documents", operation: "uploadDocument", tag: tagApplicant,
		summary: "Upload a document the application references: the raw file as the body (not a form), its type as Content-Type; " +
			"answers its id and SHA-256 digest", auth: authApplicant, media: documentTypes,
		resp: &Document{}, status: http.StatusCreated, query: []param{
			{name: "kind", description: "the document's kind", required: true, enum: document.Kinds},
		}, extra: []int{http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity,
			http.StatusNotImplemented}, handle: (*Handler).uploadDocument}
}

// documentKindsOf makes the kind an upload route takes in routes the
// kinds the engine's document store takes (an operator's policy may add
// kinds of its own), so that the OpenAPI document says what is taken.
func documentKindsOf(routes []route, kinds []string) {
	for i := range routes {
		if routes[i].operation != "uploadDocument" {
			continue
		}
		q := slices.Clone(routes[i].query)
		for j := range q {
			if q[j].name == "kind" {
				q[j].enum = kinds
			}
		}
		routes[i].query = q
	}
}

func listDocumentsRoute(appPath string) route {
	return route{method: http.MethodGet, path: appPath + "/documents", operation: "listDocuments", tag: tagApplicant,
		summary: "The documents the operator holds for the application, oldest first", auth: authApplicant,
		resp: &DocumentsResponse{}, status: http.StatusOK, extra: []int{http.StatusNotImplemented}, handle: (*Handler).listDocuments}
}

func staffListDocumentsRoute(staffApp string) route {
	return route{method: http.MethodGet, path: staffApp + "/documents", operation: "staffListDocuments", tag: tagStaff,
		summary: "The documents the operator holds for an application, oldest first", auth: authStaff,
		resp: &DocumentsResponse{}, status: http.StatusOK, extra: []int{http.StatusNotImplemented}, handle: (*Handler).listDocuments}
}

// staffDocumentRoute serves a document's content to staff over the API,
// as the console does (consoleDocument): each view is audited, and only
// a reviewer who was served a document may approve its review.
func staffDocumentRoute(staffApp string) route {
	return route{method: http.MethodGet, path: staffApp + "/documents/{doc}", operation: "staffDocument", tag: tagStaff,
		summary: "A document's content, as stored: read it before approving its review (each view is audited)", auth: authStaff,
		status: http.StatusOK, media: documentTypes, extra: []int{http.StatusNotImplemented}, handle: (*Handler).consoleDocument}
}

// consoleDocumentRoute serves a document to staff in the console.
func consoleDocumentRoute(app string) route {
	return route{method: http.MethodGet, path: app + "/documents/{doc}", operation: "consoleDocument", tag: tagConsole,
		summary: "A document, for the browser's own viewer: served with its stored type, inline, sandboxed, never cached",
		auth:    authConsole, status: http.StatusOK, media: documentTypes, extra: []int{http.StatusNotImplemented},
		handle: (*Handler).consoleDocument}
}

func (h *Handler) uploadDocument(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	kind := strings.TrimSpace(r.URL.Query().Get("kind"))
	if kind == "" {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "the query parameter kind is required: one of %s", strings.Join(h.svc.DocumentKinds(), ", "))
	}
	declared, err := uploadType(r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	limit := h.svc.MaxDocumentSize()
	if r.ContentLength > limit {
		return tooLarge(limit, nil)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	d, err := h.svc.UploadDocument(r.Context(), r.PathValue("id"), kind, declared, body, actorApplicant)
	if err != nil {
		return uploadError(err, limit)
	}
	out := documentView(d)
	out.Note = h.unmatchedNote(r, d)
	h.writeJSON(w, http.StatusCreated, out)
	return nil
}

// unmatchedNote says, for an upload that settled no task, that it is not
// a file the application references and what is still asked for; "" when
// a task names it (or the application cannot be read now).
func (h *Handler) unmatchedNote(r *http.Request, d document.Document) string {
	a, err := h.svc.Application(r.Context(), r.PathValue("id"))
	if err != nil {
		return ""
	}
	var waiting []string
	for _, t := range a.Tasks {
		if t.Document == d.ID {
			return ""
		}
		if t.Kind == onboarding.KindUpload && t.State == onboarding.TaskOpen {
			waiting = append(waiting, fmt.Sprintf("task %s: kind %s", t.ID, t.DocumentKind))
		}
	}
	note := fmt.Sprintf("stored, but no reference of the application names a document of kind %s with sha256 %s, so it settles nothing", d.Kind, d.SHA256)
	if len(waiting) > 0 {
		note += "; still waiting on the referenced files (" + strings.Join(waiting, "; ") +
			"): upload each as its reference names it (GET /v1/onboarding/applications/{id} shows the digests), or amend the references (PATCH /v1/onboarding/applications/{id})"
	}
	return note
}

// uploadType reads the declared type of an upload: the file's own type,
// never a form.
func uploadType(contentType string) (string, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", newError(http.StatusUnsupportedMediaType, CodeInvalidPayload, "the Content-Type header is malformed; give the file's type (%s)", strings.Join(documentTypes, ", "))
	}
	if strings.HasPrefix(mt, "multipart/") || mt == "application/x-www-form-urlencoded" || mt == "application/json" {
		return "", newError(http.StatusUnsupportedMediaType, CodeInvalidPayload,
			"send the file itself as the request body with its own type (%s) as Content-Type, not %s", strings.Join(documentTypes, ", "), mt)
	}
	return mt, nil
}

// uploadError answers a refused upload: 413 over the size cap, 422 for
// any other refusal of the document (its message says what to do).
func uploadError(err error, limit int64) error {
	var rej *document.RejectError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return tooLarge(limit, err)
	case errors.As(err, &rej) && errors.Is(err, document.ErrTooLarge):
		return &apiError{status: http.StatusRequestEntityTooLarge, code: CodeInvalidPayload, message: rej.Message, err: err}
	case errors.As(err, &rej):
		return &apiError{status: http.StatusUnprocessableEntity, code: CodeInvalidPayload, message: rej.Message, err: err}
	}
	return err
}

func tooLarge(limit int64, err error) error {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: CodeInvalidPayload,
		message: fmt.Sprintf("the file is over %d bytes, the most a document may be; upload a smaller file, such as a scan at a lower resolution", limit), err: err}
}

func (h *Handler) listDocuments(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	docs, err := h.svc.Documents(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := DocumentsResponse{Documents: make([]Document, 0, len(docs))}
	for _, d := range docs {
		out.Documents = append(out.Documents, documentView(d))
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

// documentCSP is the Content-Security-Policy of a served document: it
// loads and runs nothing, in a sandbox; an image may show itself.
func documentCSP(mediaType string) string {
	if mediaType == document.PDF {
		return "default-src 'none'; sandbox"
	}
	return "default-src 'none'; img-src 'self'; sandbox"
}

// consoleDocument serves a document to staff, in the console for the
// browser's own viewer and over the staff API alike: with the type it was stored under (judged from its bytes at
// upload), inline under a safe file name, in a sandbox that runs
// nothing, never sniffed again and never cached; each view is audited
// (onboarding.ActionViewDocument). The content is read
// whole first, so that one failing its digest check is an error page,
// never a document served cut short.
func (h *Handler) consoleDocument(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	d, rc, err := h.svc.Document(r.Context(), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }()
	content, err := io.ReadAll(io.LimitReader(rc, d.Size+1))
	if err != nil {
		return fmt.Errorf("httpapi: read document %s: %w", d.ID, err)
	}
	if int64(len(content)) != d.Size {
		return fmt.Errorf("httpapi: document %s has %d bytes, not the %d stored", d.ID, len(content), d.Size)
	}
	// Every view of a document is audited, as the unmasked page is; none
	// is served unrecorded. An image the session's page showed inline was
	// recorded with the page. A HEAD request is answered the headers
	// alone: nothing was read, and nothing is recorded as read.
	head := r.Method == http.MethodHead
	if !head && (c.session == nil || !h.sessions.wasShown(c.session, r.PathValue("id"), d.ID)) {
		if err := h.svc.RecordDocumentView(r.Context(), r.PathValue("id"), staffActor(c.staffID), d.ID); err != nil {
			return err
		}
	}
	disposition, mediaType := "inline", d.MediaType
	if !contains(documentTypes, mediaType) {
		// Never the case for a store of package document; were it so, the
		// browser gets bytes to save, not to render.
		disposition, mediaType = "attachment", "application/octet-stream"
	}
	hd := w.Header()
	hd.Set("Content-Type", mediaType)
	hd.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": d.FileName()}))
	hd.Set("Content-Security-Policy", documentCSP(mediaType))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	w.WriteHeader(http.StatusOK)
	if !head {
		_, _ = w.Write(content)
	}
	return nil
}

// heldDocument is a held document as the console's application page
// shows it.
type heldDocument struct {
	document.Document
	URL     string // the console route serving it
	Image   bool   // shown inline as <img>
	Reviews []onboarding.Task
}

// heldDocuments lists the documents held for a, each with the tasks that
// read it; none when the engine keeps no documents.
func (h *Handler) heldDocuments(ctx context.Context, a *onboarding.Application) ([]heldDocument, error) {
	docs, err := h.svc.Documents(ctx, a.ID)
	if errors.Is(err, onboarding.ErrNotConfigured) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]heldDocument, 0, len(docs))
	for _, d := range docs {
		v := heldDocument{Document: d, URL: consoleDocumentURL(a.ID, d.ID), Image: d.MediaType == document.PNG || d.MediaType == document.JPEG}
		for _, t := range a.Tasks {
			if t.Document == d.ID && t.Kind == onboarding.KindReview {
				v.Reviews = append(v.Reviews, t)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func consoleDocumentURL(appID, docID string) string {
	return "/console/applications/" + url.PathEscape(appID) + "/documents/" + url.PathEscape(docID)
}
