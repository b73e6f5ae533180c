package onboarding

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

// Documents the operator holds and staff read.
//
// Without WithDocuments an application's documents are references (kind,
// URI, SHA-256) that the checks find well formed and nobody opens. With
// it, every reference behind a requirement the category asks for must
// stand for a document the operator holds before anyone relies on it: one
// the applicant uploaded (UploadDocument) with the reference's digest, or
// one the operator fetched from the reference's https address through the
// safe fetcher and whose digest it verified. Until then the requirement
// waits on an upload task (KindUpload). Once the document is held, a
// document of a kind staff read (WithDocumentReview) opens a staff review
// task (KindReview, one per document, Task.Document naming it), which
// Decide settles as any review; a document of another kind settles its
// requirement by being held.
//
// What the operator fetches counts with what the applicant uploads
// against MaxDocumentUploads, so listing references cannot make the
// operator store more than uploading can. One call holds at most a few
// documents (the reviews one write can ask for) and fetches no more
// references than that or than the application may still have stored; a
// later Recheck takes the rest. A reference past the limit is not fetched:
// its upload task waits, saying so, for staff to settle. A fetched copy
// the call cannot record (its task was settled meanwhile, the limit was
// reached, or the write failed) is deleted: no document is held without
// its audit event.

// KindUpload is a task kind: a document the application references that
// the operator does not hold yet. The applicant settles it by uploading
// the document (Service.UploadDocument); the operator settles it by
// fetching the reference's https address when the digest matches. Staff
// may reject it with Decide (the applicant never provided the document),
// never approve it: only the document itself does.
const KindUpload = "upload"

// Audit actions of documents.
const (
	// ActionDocumentUploaded: a document was stored for the application —
	// uploaded by the applicant, or fetched by the operator from a
	// reference's https address with the reference's digest.
	ActionDocumentUploaded = "document_uploaded"
	// ActionDocumentMatched: a document held already (uploaded while no
	// task waited on it) was found to be one a reference names.
	ActionDocumentMatched = "document_matched"
	// ActionDocumentRefused: a referenced document could not be held: the
	// file at its address has another digest or type, or could not be
	// fetched. The requirement keeps waiting for an upload.
	ActionDocumentRefused = "document_refused"
)

// taskDocument is what a document requirement waits on while documents
// are held and read: upload tasks, then staff reviews (see planDocuments).
const taskDocument verifier.TaskKind = "document"

// documentRequirements maps each document kind onto the requirement its
// documents evidence. It is one to one, so a task's requirement names its
// kind.
var documentRequirements = map[string]verifier.RequirementID{
	hcxonboard.DocSignatoryLetter:          verifier.ReqSignatoryLetter,
	hcxonboard.DocGovernmentApprovalLetter: verifier.ReqGovernmentApprovalLetter,
	hcxonboard.DocAddressProof:             verifier.ReqAddressProof,
	hcxonboard.DocEmpanelmentProof:         verifier.ReqEmpanelmentProof,
	hcxonboard.DocFacilityLicence:          verifier.ReqFacilityDetails,
	hcxonboard.DocIRDALicence:              verifier.ReqIRDARegistrationNumber,
}

// documentNames describe the kinds in messages.
var documentNames = map[string]string{
	hcxonboard.DocSignatoryLetter:          "letter from the authorised signatory",
	hcxonboard.DocGovernmentApprovalLetter: "government licence or approval letter",
	hcxonboard.DocAddressProof:             "registered address proof",
	hcxonboard.DocEmpanelmentProof:         "empanelment proof",
	hcxonboard.DocFacilityLicence:          "facility licence",
	hcxonboard.DocIRDALicence:              "IRDA licence",
}

// documentName describes kind in messages.
func documentName(kind string) string {
	if n := documentNames[kind]; n != "" {
		return n
	}
	return "document"
}

// DefaultDocumentReview are the document kinds staff read by default:
// those the guideline asks a person to judge — the authorised signatory's
// letter, the government approval letter, the address proof and the
// empanelment proof. The facility licence and the IRDA licence are read
// only when WithDocumentReview names them.
var DefaultDocumentReview = []string{
	hcxonboard.DocSignatoryLetter, hcxonboard.DocGovernmentApprovalLetter,
	hcxonboard.DocAddressProof, hcxonboard.DocEmpanelmentProof,
}

// documentConfig is the engine's document wiring.
type documentConfig struct {
	store    document.Store
	review   []string          // nil: DefaultDocumentReview
	policies []verifier.Policy // the verifier's, for the kinds their requirements ask for
}

// DocumentStore is the store WithDocuments takes: document.Store under
// the name the documents issue gives it. document.Dir and sqlstore's
// Documents implement it.
type DocumentStore = document.Store

// WithDocuments gives the engine a store for the applicants' documents:
// document.NewDir (a directory, for one machine) or sqlstore's Documents
// (rows beside the application, for replicas sharing a database). With
// it, each reference must be matched by a held document before its
// requirement is settled, and staff read each one of a reviewed kind
// (WithDocumentReview) too. Without it the engine takes references as they
// are. References given as https URIs are fetched with the engine's
// fetcher (WithFetcher; safefetch's default caps a body at 1 MiB, so give
// one with safefetch.WithMaxBytes to fetch larger scans).
func WithDocuments(store document.Store) Option {
	return func(s *Service) error {
		if store == nil {
			return fmt.Errorf("%w: nil document store", ErrInvalidOption)
		}
		s.docs.store = store
		return nil
	}
}

// WithDocumentReview sets the document kinds staff read (default
// DefaultDocumentReview, and every kind an operator's own requirement
// asks for), from those of the application contract
// (hcxonboard.DocSignatoryLetter, …) and those the document store takes
// (document.WithKinds): New refuses another. A kind counts only where the
// category requires the requirement its documents evidence: the facility
// licence under facility_details, the IRDA licence under
// irda_registration_number, an operator's kind under the requirement
// whose check asks for it (verifier.RequireDocument). With no kinds,
// documents are held but none waits on a person. It has effect only with
// WithDocuments.
func WithDocumentReview(kinds ...string) Option {
	return func(s *Service) error {
		review := make([]string, 0, len(kinds))
		for _, k := range kinds {
			if !slices.Contains(review, k) {
				review = append(review, k)
			}
		}
		s.docs.review = review
		return nil
	}
}

// checkDocumentReview refuses a kind WithDocumentReview names that is
// neither the application contract's nor one the document store takes. A
// store that does not tell its kinds (no Policy method) may take any.
func (s *Service) checkDocumentReview() error {
	p, ok := s.docs.store.(interface{ Policy() *document.Policy })
	if s.docs.store != nil && (!ok || p.Policy() == nil) {
		return nil
	}
	var taken []string
	if ok {
		taken = p.Policy().Kinds()
	}
	for _, k := range s.docs.review {
		if _, ok := documentRequirements[k]; !ok && !slices.Contains(taken, k) {
			return fmt.Errorf("%w: WithDocumentReview: unknown document kind %q", ErrInvalidOption, clip(k))
		}
	}
	return nil
}

// reviewed reports whether staff read documents of kind. By default they
// read DefaultDocumentReview's kinds and every kind an operator's own
// requirement asks for (one the application contract does not know).
func (s *Service) reviewed(kind string) bool {
	if s.docs.review == nil {
		_, builtIn := documentRequirements[kind]
		return slices.Contains(DefaultDocumentReview, kind) || !builtIn
	}
	return slices.Contains(s.docs.review, kind)
}

// reference is one document reference of an application, its kind and
// digest normalised; reviewed: staff read its document once it is held.
type reference struct {
	kind, sha256, uri, mediaType string
	reviewed                     bool
}

func (ref reference) document() hcxonboard.Document {
	return hcxonboard.Document{Kind: ref.kind, URI: ref.uri, SHA256: ref.sha256, MediaType: ref.mediaType}
}

// DocumentKind is the document kind (hcxonboard.DocAddressProof …) that
// the guideline's requirement req is read from, or "" when req is none of
// them. A task names its own (Task.DocumentKind), which is also right
// for an operator's requirements.
func DocumentKind(req verifier.RequirementID) string { return kindOf(req) }

// kindsFor are the document kinds result res of report rep relied on:
// each one the policy of one of the report's categories names for it
// (verifier.Requirement.Document: the guideline's documents, and an
// operator's own, whatever id it gives them), and the one the result
// checked (verifier.Result.Document: verifier.RequireDocument's, in a
// requirement that does not name it); where neither names one, the one
// whose documents evidence the guideline's requirement (the facility
// licence, the IRDA licence). Categories whose requirements of one id ask
// for different kinds each relied on their own, so every one is held.
func (s *Service) kindsFor(rep *verifier.Report, res verifier.Result) []string {
	var out []string
	add := func(kind string) {
		if kind != "" && !slices.Contains(out, kind) {
			out = append(out, kind)
		}
	}
	if rep != nil {
		for _, p := range s.docs.policies {
			if !slices.Contains(rep.Categories, p.Category) {
				continue
			}
			if r, ok := p.Requirement(res.ID); ok {
				add(r.Document)
			}
		}
	}
	add(res.Document)
	if len(out) == 0 {
		add(kindOf(res.ID))
	}
	return out
}

// kindOf returns the document kind whose documents evidence req.
func kindOf(req verifier.RequirementID) string {
	for k, r := range documentRequirements {
		if r == req {
			return k
		}
	}
	return ""
}

// references returns the application's references of the document
// kinds, one per kind and digest. A reference whose digest is not a
// SHA-256 digest never stands for a document; the checks refuse it where
// the kind is the requirement's own.
func (s *Service) references(app *hcxonboard.Application, kinds ...string) []reference {
	var out []reference
	for _, kind := range kinds {
		if kind == "" {
			continue
		}
		reviewed := s.reviewed(kind)
		for _, d := range app.Documents {
			if !strings.EqualFold(strings.TrimSpace(d.Kind), kind) {
				continue
			}
			sum := document.NormalizeDigest(d.SHA256)
			if sum == "" || slices.ContainsFunc(out, func(r reference) bool { return r.kind == kind && r.sha256 == sum }) {
				continue
			}
			out = append(out, reference{kind: kind, sha256: sum, uri: strings.TrimSpace(d.URI), mediaType: d.MediaType, reviewed: reviewed})
		}
	}
	return out
}

// referenceOf returns the reference an upload task waits on.
func (s *Service) referenceOf(app *hcxonboard.Application, t *taskState) (reference, bool) {
	for _, ref := range s.references(app, t.documentKind()) {
		if ref.sha256 == t.DocumentSHA256 {
			return ref, true
		}
	}
	return reference{}, false
}

// documentReport is the report as the engine applies it: with a document
// store, a document requirement the checks find satisfied with references
// waits (pending, taskDocument) until the operator holds each referenced
// document and, for a reviewed kind, staff have read it. Without one the
// report is unchanged.
func (s *Service) documentReport(r *record, rep *verifier.Report) *verifier.Report {
	if s.docs.store == nil || rep == nil {
		return rep
	}
	var out *verifier.Report
	for i, res := range rep.Requirements {
		refs := s.references(r.st.Submitted, s.kindsFor(rep, res)...)
		if res.Outcome != verifier.Satisfied || len(refs) == 0 {
			continue
		}
		if out == nil {
			out = &verifier.Report{
				Verdict:      rep.Verdict,
				Categories:   slices.Clone(rep.Categories),
				Requirements: slices.Clone(rep.Requirements),
			}
		}
		res.Outcome, res.Task = verifier.Pending, taskDocument
		res.Message += " — the operator holds each referenced document (uploaded, or fetched from its https address with its digest verified)"
		if slices.ContainsFunc(refs, func(ref reference) bool { return ref.reviewed }) {
			res.Message += " and staff read it"
		}
		out.Requirements[i] = res
	}
	if out == nil {
		return rep
	}
	out.Verdict = verifier.VerdictOf(out.Requirements)
	return out
}

// planDocuments opens an upload task for each reference behind res: the
// document is not held yet (the application was just submitted, or its
// requirement has just come to need it). holdReferences and
// UploadDocument settle them.
func (s *Service) planDocuments(r *record, res verifier.Result) {
	for _, ref := range s.references(r.st.Submitted, s.kindsFor(r.st.Report, res)...) {
		t := r.addTask(KindUpload, res.ID, uploadMessage(ref))
		t.DocumentSHA256, t.DocumentKind = ref.sha256, ref.kind
	}
}

func uploadMessage(ref reference) string {
	msg := fmt.Sprintf("Upload the %s the application references (document kind %s, sha256 %s)", documentName(ref.kind), ref.kind, ref.sha256)
	if isHTTPS(ref.uri) {
		msg += ", or the operator fetches it from its https address and checks its digest"
	}
	if ref.reviewed {
		msg += "; staff read it once it is held"
	}
	return msg + "."
}

func isHTTPS(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// openDocumentReview settles upload task up with the held document d and,
// for a kind staff read, opens the staff review that reads it.
func (s *Service) openDocumentReview(r *record, up *taskState, d document.Document, how string) {
	up.State, up.Document, up.Reason, up.UpdatedAt = TaskDone, d.ID, how, r.now
	if !s.reviewed(d.Kind) {
		return
	}
	t := r.addTask(KindReview, up.Requirement, fmt.Sprintf(
		"Read the %s (document %s: %s, %d bytes, sha256 %s) and decide whether it is what the guideline asks for.",
		documentName(d.Kind), d.ID, d.MediaType, d.Size, d.SHA256))
	t.Document, t.DocumentSHA256, t.DocumentKind = d.ID, d.SHA256, d.Kind
	s.askStaff(r, t)
}

// MaxDocumentUploads is how many documents one application may have
// stored, over its whole life — uploaded by the applicant or fetched by
// the operator from its https references, counted together: enough for
// every document the guideline asks of any role, several times over, and
// a bound on what one applicant can make the operator store or fetch.
const MaxDocumentUploads = 64

// UploadDocument stores a document of the application — its kind, the
// type the uploader declares ("" or application/octet-stream declare none)
// and its content — under the store's policy, and records the upload in
// the audit trail (ActionDocumentUploaded, by actor). An upload task
// waiting on a reference with the document's kind and digest is settled,
// and a staff review of the document opens. Uploads are taken while the
// application is being verified.
//
// A document the policy refuses is a *document.RejectError (its Message
// is for the uploader; ErrTooLarge, ErrUnsupportedType, ErrTooManyPixels,
// ErrMismatch or ErrInvalid); an application that does not exist is ErrNotFound; one
// past verification is a *TransitionError; one that had
// MaxDocumentUploads documents stored (uploaded or fetched) is
// ErrTooManyDocuments (counted with the audit record, so racing uploads
// and fetches cannot pass it); without
// WithDocuments it is ErrNotConfigured.
func (s *Service) UploadDocument(ctx context.Context, appID, kind, mediaType string, body io.Reader, actor string) (document.Document, error) {
	store := s.docs.store
	if store == nil {
		return document.Document{}, fmt.Errorf("%w: no document store (WithDocuments)", ErrNotConfigured)
	}
	actor = strings.TrimSpace(actor)
	switch {
	case actor == "":
		return document.Document{}, fmt.Errorf("%w: an upload needs an actor", ErrInvalidArgument)
	case body == nil:
		return document.Document{}, fmt.Errorf("%w: an upload needs content", ErrInvalidArgument)
	}
	r, err := s.load(ctx, appID)
	if err != nil {
		return document.Document{}, err
	}
	if _, ok := Allowed(r.position(), ActionDocumentUploaded); !ok {
		return document.Document{}, &TransitionError{Action: ActionDocumentUploaded, From: positionName(r.position()),
			Reason: "documents are taken while the application is being verified"}
	}
	if r.st.Uploads >= MaxDocumentUploads {
		return document.Document{}, tooManyDocuments(r)
	}
	d, err := store.Put(ctx, document.Document{ApplicationID: appID, Kind: kind, MediaType: mediaType, UploadedBy: actor}, body)
	if err != nil {
		return document.Document{}, documentError(err, appID)
	}
	found, err := s.collect(ctx, r, false, d.ID)
	for i := range found {
		// What this call stored settles a reference it matches, rather
		// than another copy of the same file: that may be another
		// replica's upload, not recorded yet, and taken back if its write
		// fails.
		if h := &found[i]; h.doc.ID != "" && h.doc.SHA256 == d.SHA256 && h.doc.Kind == d.Kind {
			h.doc, h.how = d, "held: uploaded by "+d.UploadedBy+" as document "+d.ID
		}
	}
	if err == nil {
		_, err = s.mutateFrom(ctx, appID, r, func(r *record) error {
			if r.st.Uploads >= MaxDocumentUploads {
				return tooManyDocuments(r)
			}
			if err := r.transition(ActionDocumentUploaded, actor, fmt.Sprintf("%s document %s (%s, %d bytes, sha256 %s)",
				d.Kind, d.ID, d.MediaType, d.Size, d.SHA256)); err != nil {
				return err
			}
			r.st.Uploads++
			_, err := s.record(r, found, false)
			return err
		})
	}
	if err != nil {
		// Unrecorded, the upload is taken back: no document is held
		// without its audit event — unless a task recorded meanwhile
		// names it (another write matched it), which must not be left
		// naming nothing.
		if s.taskNames(context.WithoutCancel(ctx), appID, d.ID) {
			return document.Document{}, err
		}
		if derr := store.Delete(context.WithoutCancel(ctx), appID, d.ID); derr != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "onboarding: unrecorded upload not deleted",
				slog.String("application", appID), slog.String("document", d.ID), slog.String("error", derr.Error()))
		}
		return document.Document{}, err
	}
	return d, nil
}

// taskNames reports whether a task of the stored application names
// document docID (true too when the application cannot be read: keep the
// document rather than risk a task naming nothing).
func (s *Service) taskNames(ctx context.Context, appID, docID string) bool {
	r, err := s.load(ctx, appID)
	return err != nil || names(r, docID)
}

// names reports whether a task of r names document docID.
func names(r *record, docID string) bool {
	for _, t := range r.st.Tasks {
		if t.Document == docID {
			return true
		}
	}
	return false
}

func tooManyDocuments(r *record) error {
	return fmt.Errorf("%w: application %s had %d documents stored (uploaded, or fetched from its references), the most one may; ask the HCX operator",
		ErrTooManyDocuments, r.app.ID, r.st.Uploads)
}

// Documents lists the application's documents, oldest first, without
// content. An application that does not exist is ErrNotFound; without
// WithDocuments it is ErrNotConfigured.
func (s *Service) Documents(ctx context.Context, appID string) ([]document.Document, error) {
	if s.docs.store == nil {
		return nil, fmt.Errorf("%w: no document store (WithDocuments)", ErrNotConfigured)
	}
	docs, err := s.docs.store.List(ctx, appID)
	if err != nil {
		return nil, documentError(err, appID)
	}
	return docs, nil
}

// Document returns one document of the application and its content,
// which the caller must close; reading it to its end checks it against
// the stored digest (document.ErrCorrupt). A document of another
// application, or none, is ErrNotFound.
func (s *Service) Document(ctx context.Context, appID, docID string) (document.Document, io.ReadCloser, error) {
	if s.docs.store == nil {
		return document.Document{}, nil, fmt.Errorf("%w: no document store (WithDocuments)", ErrNotConfigured)
	}
	d, rc, err := s.docs.store.Get(ctx, appID, docID)
	if err != nil {
		return document.Document{}, nil, documentError(err, appID)
	}
	return d, rc, nil
}

// MaxDocumentSize is the largest document the store takes, in bytes: its
// policy's cap when the store tells it (document.Dir and sqlstore's
// Documents do), else document.DefaultMaxSize.
func (s *Service) MaxDocumentSize() int64 {
	if p, ok := s.docs.store.(interface{ Policy() *document.Policy }); ok && p.Policy() != nil {
		return p.Policy().MaxSize()
	}
	return document.DefaultMaxSize
}

// DocumentKinds are the document kinds an upload may name: those the
// store's policy takes (document.WithKinds) when the store tells them
// (document.Dir and sqlstore's Documents do); else document.Kinds and
// the kinds the engine's policies ask for and WithDocumentReview names.
func (s *Service) DocumentKinds() []string {
	if p, ok := s.docs.store.(interface{ Policy() *document.Policy }); ok && p.Policy() != nil {
		return p.Policy().Kinds()
	}
	out := slices.Clone(document.Kinds)
	for _, k := range slices.Concat(verifier.DocumentKinds(s.docs.policies...), s.docs.review) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// documentError maps the document store's ErrNotFound onto ErrNotFound,
// keeping both; other errors pass as they are.
func documentError(err error, appID string) error {
	if errors.Is(err, document.ErrNotFound) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: document of application %q: %w", ErrNotFound, clip(appID), err)
	}
	return err
}

// held is what holdReferences found for one upload task: a held document,
// or why the reference could not be held.
type held struct {
	task    string
	doc     document.Document
	fetched bool // doc was fetched now, not uploaded before
	how     string
	refusal string
}

// holdReferences tries, once r is stored, to hold the document each open
// upload task waits on: one already uploaded with the reference's kind and
// digest (document.Match), or the file at the reference's https address,
// fetched through the safe fetcher, whose digest must be the reference's
// and which the store's policy must take. What it holds opens staff
// reviews; what it refuses is recorded on the task, which keeps waiting
// for an upload. It works on r as written; a failure to record leaves the
// application as it was (a later Recheck tries again), and deletes what
// it fetched. It returns the latest record.
func (s *Service) holdReferences(ctx context.Context, r *record) (*record, error) {
	if s.docs.store == nil || r.position() != posVerifying {
		return r, nil
	}
	found, err := s.collect(ctx, r, true, "")
	if err != nil || len(found) == 0 {
		return r, err
	}
	saved := r.save()
	nr, err := s.mutateFrom(ctx, r.app.ID, r, func(r *record) error {
		changed, err := s.record(r, found, true)
		if err == nil && !changed {
			err = errNothingToHold
		}
		return err
	})
	if err == nil {
		// A copy fetched for a task settled meanwhile, or past the
		// limit, is not recorded: it goes.
		s.dropUnrecorded(ctx, r.app.ID, found, nr)
		return nr, nil
	}
	if !errors.Is(err, errNothingToHold) {
		s.log.LogAttrs(ctx, slog.LevelWarn, "onboarding: referenced documents not recorded; a recheck tries again",
			slog.String("application", r.app.ID), slog.String("error", err.Error()))
	}
	// Unrecorded (the write failed, or found every task settled
	// meanwhile), what the call fetched is taken back — unless a task of
	// the application as stored now names it.
	s.dropUnrecorded(ctx, r.app.ID, found, nil)
	return saved.record()
}

// collect finds, for each open upload task of r, what holds its
// reference now, fetching https addresses when fetch is set; own is the
// document the caller stored, if any. It leaves out a task with nothing
// new. An error is ctx's own, or a fetcher that
// cannot be built; what it fetched before is deleted then.
//
// A call holds at most maxHolds documents, and fetched documents count
// against MaxDocumentUploads with uploaded ones: a call fetches no more
// references than maxHolds or than the application may still have
// documents stored, and once it has had MaxDocumentUploads the references
// left wait, refused with the limit, for staff to settle (or the
// applicant's amendment to drop). A reference a call leaves for its
// bounds is taken by a later call (Recheck).
func (s *Service) collect(ctx context.Context, r *record, fetch bool, own string) ([]held, error) {
	var open []*taskState
	for _, t := range r.st.Tasks {
		if t.Kind == KindUpload && t.State == TaskOpen {
			open = append(open, t)
		}
	}
	if len(open) == 0 {
		return nil, nil
	}
	docs, err := s.heldDocuments(ctx, r, own)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		s.log.LogAttrs(ctx, slog.LevelError, "onboarding: documents not listed",
			slog.String("application", r.app.ID), slog.String("error", err.Error()))
		return nil, nil
	}
	budget, stored, holds := 0, 0, 0 // fetches this call may still make; documents it fetched; held
	if fetch {
		budget = min(MaxDocumentUploads-r.st.Uploads, maxHolds)
	}
	var found []held
	for _, t := range open {
		if holds >= maxHolds {
			break
		}
		ref, ok := s.referenceOf(r.st.Submitted, t)
		if !ok {
			continue
		}
		h := s.match(ctx, docs, r.app.ID, ref)
		if h.doc.ID == "" && h.refusal == "" && fetch && isHTTPS(ref.uri) {
			switch {
			case r.st.Uploads+stored >= MaxDocumentUploads:
				h.refusal = limitRefusal(r.st.Uploads + stored)
			case budget > 0:
				budget--
				if h, err = s.fetchReference(ctx, r.app.ID, ref); err != nil {
					s.dropUnrecorded(ctx, r.app.ID, found, nil)
					return nil, err
				}
				if h.fetched {
					stored++
					// A later task with the same kind and digest matches
					// this copy rather than fetching another.
					docs.docs = append(docs.docs, h.doc)
				}
			}
		}
		h.task = t.ID
		if h.doc.ID != "" {
			holds++
		}
		if h.doc.ID != "" || h.refusal != "" && t.Message != uploadMessage(ref)+" "+h.refusal {
			found = append(found, h)
		}
	}
	return found, nil
}

// maxHolds is the most documents one call holds: each opens a staff
// review whose request is an outbox message, and one write carries at
// most registry.MaxOutboxMessages of them.
const maxHolds = registry.MaxOutboxMessages

// limitRefusal is written on an upload task whose reference the operator
// will not fetch: the application had n documents stored, the limit.
func limitRefusal(n int) string {
	return fmt.Sprintf("Not fetched: the application had %d documents stored, the most one may; ask the HCX operator.", n)
}

// listed is a document store whose List answers docs, one reading of an
// application's documents, for document.Match.
type listed struct {
	document.Store
	docs []document.Document
}

func (l *listed) List(context.Context, string) ([]document.Document, error) { return l.docs, nil }

// heldDocuments lists the documents of r's application that a reference
// may match: all but a copy the operator fetched that no task of r names
// (unless it is own, the caller's). Such a copy is another call's, stored
// and not recorded yet; if its write fails or finds nothing to do, that
// call deletes it, so no task here may come to name it.
func (s *Service) heldDocuments(ctx context.Context, r *record, own string) (*listed, error) {
	docs, err := s.docs.store.List(ctx, r.app.ID)
	if err != nil && !errors.Is(err, document.ErrNotFound) {
		return nil, err
	}
	out := &listed{Store: s.docs.store}
	for _, d := range docs {
		if d.UploadedBy == actorSystem && d.ID != own && !names(r, d.ID) {
			continue
		}
		out.docs = append(out.docs, d)
	}
	return out, nil
}

// dropUnrecorded deletes each document in found that the call fetched and
// no task of the stored application names: no fetched document is held
// without its audit event. r is the application as the call wrote it, or
// nil to read it afresh (a copy is kept when it cannot be read). A copy a
// task names is never deleted, and only a write naming it records it:
// heldDocuments keeps other calls from matching it.
func (s *Service) dropUnrecorded(ctx context.Context, appID string, found []held, r *record) {
	ctx = context.WithoutCancel(ctx)
	for _, h := range found {
		if !h.fetched {
			continue
		}
		if r == nil {
			var err error
			if r, err = s.load(ctx, appID); err != nil {
				s.log.LogAttrs(ctx, slog.LevelError, "onboarding: unrecorded fetched documents kept: application not read",
					slog.String("application", appID), slog.String("error", err.Error()))
				return
			}
		}
		if names(r, h.doc.ID) {
			continue
		}
		if err := s.docs.store.Delete(ctx, appID, h.doc.ID); err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "onboarding: unrecorded fetched document not deleted",
				slog.String("application", appID), slog.String("document", h.doc.ID), slog.String("error", err.Error()))
		}
	}
}

// record takes what collect found into r: a held document settles the
// upload tasks waiting on it and opens its review, if staff read its kind
// (else, when nothing else waits, the application moves to step 3); a
// refusal is written on the task. With events, each gets its own audit event (the caller of an
// upload has one already). It reports whether anything changed.
func (s *Service) record(r *record, found []held, events bool) (bool, error) {
	changed := false
	for _, h := range found {
		t, err := r.task(h.task)
		if err != nil || t.State != TaskOpen {
			continue // settled meanwhile
		}
		if h.fetched && r.st.Uploads >= MaxDocumentUploads {
			// Other calls had documents stored meanwhile: this copy is
			// not recorded, and its caller deletes it.
			h.doc, h.refusal = document.Document{}, limitRefusal(r.st.Uploads)
		}
		if h.doc.ID != "" && len(r.messages)+len(s.waitingOn(r, h.doc)) > maxHolds {
			continue // the write could not carry the reviews' requests: a later call
		}
		changed = true
		if h.doc.ID == "" {
			ref, _ := s.referenceOf(r.st.Submitted, t)
			t.Message, t.UpdatedAt = uploadMessage(ref)+" "+h.refusal, r.now
			if events {
				if err := r.transition(ActionDocumentRefused, actorSystem, fmt.Sprintf("task %s (%s): %s", t.ID, t.Requirement, h.refusal)); err != nil {
					return false, err
				}
			}
			continue
		}
		if events {
			action := ActionDocumentMatched
			if h.fetched {
				action = ActionDocumentUploaded
			}
			if err := r.transition(action, actorSystem, fmt.Sprintf("%s document %s (%s, %d bytes, sha256 %s) %s",
				h.doc.Kind, h.doc.ID, h.doc.MediaType, h.doc.Size, h.doc.SHA256, h.how)); err != nil {
				return false, err
			}
			if h.fetched {
				r.st.Uploads++
			}
		}
		// openDocumentReview appends to the task list: waitingOn has
		// taken what was there.
		for _, u := range s.waitingOn(r, h.doc) {
			s.openDocumentReview(r, u, h.doc, h.how)
		}
	}
	if changed {
		// A document no one reads may have been the last thing waited on.
		return true, r.maybeVerified()
	}
	return false, nil
}

// waitingOn returns the open upload tasks of r that document d settles.
func (s *Service) waitingOn(r *record, d document.Document) []*taskState {
	var out []*taskState
	for _, u := range r.st.Tasks {
		if u.Kind == KindUpload && u.State == TaskOpen && u.DocumentSHA256 == d.SHA256 && u.documentKind() == d.Kind {
			out = append(out, u)
		}
	}
	return out
}

var errNothingToHold = errors.New("onboarding: nothing to hold")

// match looks for the document ref stands for among docs, those held
// already. The result is empty when there is none.
func (s *Service) match(ctx context.Context, docs *listed, appID string, ref reference) held {
	d, err := document.Match(ctx, docs, appID, ref.document())
	var rej *document.RejectError
	switch {
	case err == nil:
		return held{doc: d, how: "held: uploaded by " + d.UploadedBy + " as document " + d.ID}
	case errors.As(err, &rej):
		return held{refusal: "Refused: " + rej.Message + "."}
	default: // document.ErrNotFound: none has its digest
		return held{}
	}
}

// fetchReference fetches the file at ref's https address and, when its
// digest is the reference's, stores it. An error is ctx's own, or a
// fetcher that cannot be built; everything else is in the result (an
// empty one when there is nothing to do yet).
func (s *Service) fetchReference(ctx context.Context, appID string, ref reference) (held, error) {
	f, err := s.fetcher()
	if err != nil {
		return held{}, fmt.Errorf("onboarding: document fetcher: %w", err)
	}
	data, err := f.Get(ctx, ref.uri)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return held{}, ctxErr
		}
		var fe *safefetch.Error
		if !errors.As(err, &fe) {
			return held{}, fmt.Errorf("onboarding: fetch a referenced document: %w", err)
		}
		attrs := []slog.Attr{slog.String("application", appID), slog.String("kind", ref.kind),
			slog.String("url", redactURL(ref.uri)), slog.String("reason", fe.Reason())}
		if c := fe.Cause(); c != nil {
			attrs = append(attrs, slog.String("cause", c.Error()))
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "onboarding: referenced document not fetched", attrs...)
		return held{refusal: "The operator could not fetch it from its address: " + fe.Reason() + "; upload it."}, nil
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != ref.sha256 {
		// The applicant is not told what the file there hashes to: that
		// would tell anyone the digest of whatever the operator can reach.
		s.log.LogAttrs(ctx, slog.LevelInfo, "onboarding: referenced document differs from its digest",
			slog.String("application", appID), slog.String("sha256", got))
		return held{refusal: fmt.Sprintf("Refused: the file at its address does not have the reference's SHA-256 digest %s, so it is not the document the application names; upload the referenced document.",
			ref.sha256)}, nil
	}
	d, err := s.docs.store.Put(ctx, document.Document{ApplicationID: appID, Kind: ref.kind, MediaType: ref.mediaType,
		SHA256: ref.sha256, UploadedBy: actorSystem}, bytes.NewReader(data))
	var rej *document.RejectError
	switch {
	case err == nil:
		return held{doc: d, fetched: true, how: "fetched from the reference's https address, its SHA-256 digest verified"}, nil
	case errors.As(err, &rej):
		return held{refusal: "Refused: the file at its address has the reference's digest, but " + rej.Message + "."}, nil
	default:
		if ctxErr := ctx.Err(); ctxErr != nil {
			return held{}, ctxErr
		}
		s.log.LogAttrs(ctx, slog.LevelError, "onboarding: fetched document not stored",
			slog.String("application", appID), slog.String("kind", ref.kind), slog.String("error", err.Error()))
		return held{}, nil
	}
}
