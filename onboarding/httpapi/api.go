package httpapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// The JSON routes. Each returns an error for writeError, or writes its
// answer and returns nil.

const actorApplicant = "applicant"

func (h *Handler) apply(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	app, err := h.decodeApplication(w, r)
	if err != nil {
		return err
	}
	a, err := h.svc.Submit(r.Context(), app)
	if err != nil {
		return err
	}
	// A repeat of the submission (the same application_id and document)
	// answers the applicant token again: a client whose first answer was
	// lost, or whose token expired unused, gets back to its application.
	// The token counts as issued when the application was created, so a
	// repeat within a day answers the same token; later, a fresh one. It
	// is of the current generation: a rotation does not shut the
	// submitter out. The application_id is what proves the submitter, so
	// it is the submitter's to keep: staff views leave it out (staffView).
	issued := h.now()
	if age := issued.Sub(a.CreatedAt); age >= 0 && age < 24*time.Hour && age < h.applicantTTL {
		issued = a.CreatedAt
	} else {
		if a, err = h.renewGeneration(r, a); err != nil {
			return err
		}
		// The fresh token's issue counts as a use of the application, so
		// that a later repeat does not take its generation for expired.
		h.noteApplicantUse(r, a.ID)
	}
	w.Header().Set("Location", "/v1/onboarding/applications/"+a.ID)
	h.writeJSON(w, http.StatusCreated, ApplyResponse{
		ApplicantToken: h.applicantTokenAt(a.ID, a.ApplicantTokenGeneration, issued),
		Application:    applicationView(a),
	})
	return nil
}

// renewGeneration starts a new generation of a's applicant token when
// every token of the current one has expired — the application went the
// token's life without use — so that the fresh token a repeat of the
// submission answers does not bring the expired ones, possibly leaked,
// back to life by its use. An application whose token has no use (live,
// ended) is left as it is.
func (h *Handler) renewGeneration(r *http.Request, a *onboarding.Application) (*onboarding.Application, error) {
	used := a.CreatedAt
	if a.ApplicantUsedAt.After(used) {
		used = a.ApplicantUsedAt
	}
	if h.now().Before(used.Add(h.applicantTTL)) {
		return a, nil
	}
	renewed, err := h.svc.RotateApplicantToken(r.Context(), a.ID, actorApplicant)
	if errors.Is(err, onboarding.ErrIllegalTransition) {
		return a, nil
	}
	return renewed, err
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	a, err := h.svc.Application(r.Context(), r.PathValue("id"))
	return h.answer(w, c, a, err)
}

// answer writes an application (200) or returns err. Staff answer it
// without the applicant's idempotency key (staffView).
func (h *Handler) answer(w http.ResponseWriter, c *reqCtx, a *onboarding.Application, err error) error {
	if err != nil {
		return err
	}
	v := applicationView(a)
	if c.staffID != "" {
		v = staffView(v)
	}
	h.writeJSON(w, http.StatusOK, v)
	return nil
}

func (h *Handler) confirmOTP(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var req OTPRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.OTP) == "" {
		return h.refuseOTP(r, errEmptyOTP)
	}
	a, err := h.svc.ConfirmOTP(r.Context(), r.PathValue("id"), r.PathValue("task"), strings.TrimSpace(req.OTP))
	if err != nil {
		return h.refuseOTP(r, err)
	}
	return h.answer(w, c, a, nil)
}

func (h *Handler) resendOTP(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	a, err := h.svc.ResendOTP(r.Context(), r.PathValue("id"), r.PathValue("task"))
	return h.answer(w, c, a, err)
}

func (h *Handler) details(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var d onboarding.Details
	if err := h.decodeJSON(w, r, &d); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.echoedCertificates(r, &d, func() (*onboarding.Application, error) { return h.svc.Application(r.Context(), id) }); err != nil {
		return err
	}
	a, err := h.svc.SubmitDetailsAs(r.Context(), id, d, c.ownerActor())
	return h.answer(w, c, a, h.refuseStepUp(r, err))
}

func (h *Handler) provision(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	c, err := h.svc.ProvisionBy(r.Context(), r.PathValue("id"), actorApplicant)
	if err != nil {
		return err
	}
	h.writeJSON(w, http.StatusCreated, CredentialsResponse{
		ParticipantCode: c.ParticipantCode, Secret: c.Secret, ExpiresAt: c.ExpiresAt,
	})
	return nil
}

// staffProvision issues a new secret on the participant's behalf, with
// the staff member as the audit actor.
func (h *Handler) staffProvision(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cr, err := h.svc.ProvisionBy(r.Context(), r.PathValue("id"), staffActor(c.staffID))
	if err != nil {
		return err
	}
	h.writeJSON(w, http.StatusCreated, CredentialsResponse{
		ParticipantCode: cr.ParticipantCode, Secret: cr.Secret, ExpiresAt: cr.ExpiresAt,
	})
	return nil
}

// decodeReason reads a ReasonRequest; a reason is required.
func (h *Handler) decodeReason(w http.ResponseWriter, r *http.Request) (string, error) {
	var req ReasonRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return "", err
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		return "", newError(http.StatusBadRequest, CodeInvalidRequest, "reason is required")
	}
	return reason, nil
}

// decline lets the facility manager HFR holds refuse an onboarding it did
// not ask for. A wrong, used or expired code, and an unknown application,
// all get the one answer of a refused one-time code.
func (h *Handler) decline(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var req DeclineRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Code) == "" {
		return h.refuseDecline(r, errEmptyOTP)
	}
	a, err := h.svc.Decline(r.Context(), r.PathValue("id"), req.Code, req.Reason)
	if err != nil {
		return h.refuseDecline(r, err)
	}
	h.writeJSON(w, http.StatusOK, DeclineResponse{ApplicationID: a.ID, Declined: true})
	return nil
}

func (h *Handler) withdraw(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	reason, err := h.decodeReason(w, r)
	if err != nil {
		return err
	}
	a, err := h.svc.Withdraw(r.Context(), r.PathValue("id"), actorApplicant, reason)
	return h.answer(w, c, a, err)
}

func (h *Handler) deboardVoluntary(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var req DeboardVoluntaryRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "reason is required")
	}
	a, err := h.svc.Deboard(r.Context(), r.PathValue("id"), onboarding.DeboardRequest{
		Initiator: onboarding.InitiatorVoluntary, Actor: c.ownerActor(), Reason: reason, StepUpCode: req.StepUpCode,
	})
	return h.answer(w, c, a, h.refuseStepUp(r, err))
}

func (h *Handler) requestStepUp(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var req StepUpRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	switch req.Purpose {
	case onboarding.StepUpDetails, onboarding.StepUpDeboard:
	default:
		return newError(http.StatusBadRequest, CodeInvalidRequest, "purpose must be %q or %q", onboarding.StepUpDetails, onboarding.StepUpDeboard)
	}
	a, err := h.svc.RequestStepUpBy(r.Context(), r.PathValue("id"), req.Purpose, c.ownerActor())
	return h.answer(w, c, a, err)
}

func (h *Handler) rotateApplicantToken(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	a, err := h.svc.RotateApplicantToken(r.Context(), r.PathValue("id"), actorApplicant)
	if err != nil {
		return err
	}
	tok := h.applicantTokenAt(a.ID, a.ApplicantTokenGeneration, h.now())
	if w.Header().Get("X-Applicant-Token") != "" {
		// checkApplicant renewed the old token, which the rotation has
		// just replaced: a client adopting the header gets the new one.
		w.Header().Set("X-Applicant-Token", tok)
	}
	h.writeJSON(w, http.StatusOK, ApplyResponse{ApplicantToken: tok, Application: applicationView(a)})
	return nil
}

func (h *Handler) appeal(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	reason, err := h.decodeReason(w, r)
	if err != nil {
		return err
	}
	a, err := h.svc.Appeal(r.Context(), r.PathValue("id"), c.ownerActor(), reason)
	return h.answer(w, c, a, err)
}

func (h *Handler) compromise(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	reason, err := h.decodeReason(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := h.svc.Application(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if a.Participant == nil {
		return newError(http.StatusConflict, CodeInvalidOnboardStatus, "the application registered no participant, so it holds no credentials")
	}
	if err := h.svc.ReportCompromise(ctx, a.Participant.ParticipantCode, c.ownerActor(), reason); err != nil {
		return err
	}
	a, err = h.svc.Application(ctx, a.ID)
	return h.answer(w, c, a, err)
}

func (h *Handler) rotate(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var req RotateRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	const maxOverlap = 30 * 24 * 60 * 60
	if req.OverlapSeconds < 0 || req.OverlapSeconds > maxOverlap {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "overlap_seconds must be between 0 and %d (30 days)", maxOverlap)
	}
	// A missing code or secret is refused by the engine like a wrong one.
	c, err := h.svc.RotateSecret(r.Context(), strings.TrimSpace(req.ParticipantCode), req.Secret,
		time.Duration(req.OverlapSeconds)*time.Second)
	if err != nil {
		return h.refuseCredentials(r, err)
	}
	h.writeJSON(w, http.StatusCreated, CredentialsResponse{
		ParticipantCode: c.ParticipantCode, Secret: c.Secret, ExpiresAt: c.ExpiresAt,
	})
	return nil
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request, _ *reqCtx) (err error) {
	defer func() { h.observeToken(TokenRouteV1, err) }()
	var req TokenRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	// A missing code or secret is refused by the engine like a wrong one.
	tok, err := h.svc.Token(r.Context(), strings.TrimSpace(req.ParticipantCode), req.Secret)
	if err != nil {
		return h.refuseCredentials(r, err)
	}
	h.writeToken(w, TokenResponse{
		AccessToken: tok.Value,
		TokenType:   "Bearer",
		ExpiresIn:   int64(math.Max(0, tok.ExpiresAt.Sub(tok.IssuedAt).Seconds())),
		ExpiresAt:   tok.ExpiresAt,
	})
	return nil
}

func (h *Handler) jwks(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	// Without a token issuer the engine answers a plain 404; answer it in
	// the envelope like every other error.
	nf := &notFoundCatcher{ResponseWriter: w}
	h.svc.JWKSHandler().ServeHTTP(nf, r)
	if nf.caught {
		return newError(http.StatusNotFound, CodeInvalidRequest, "this server publishes no token keys")
	}
	return nil
}

// notFoundCatcher passes an answer through unless it is a 404, which it
// swallows so that the caller can answer it instead.
type notFoundCatcher struct {
	http.ResponseWriter
	caught, wrote bool
}

func (c *notFoundCatcher) WriteHeader(code int) {
	if !c.wrote && code == http.StatusNotFound {
		c.caught = true
		return
	}
	c.wrote = true
	c.ResponseWriter.WriteHeader(code)
}

func (c *notFoundCatcher) Write(b []byte) (int, error) {
	if c.caught {
		return len(b), nil
	}
	c.wrote = true
	return c.ResponseWriter.Write(b)
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var q registry.Query
	if err := h.decodeSearch(w, r, &q); err != nil {
		return err
	}
	q, err := readSpellings(q) // payor, InActive …
	if err != nil {
		return err
	}
	scope := cursorScope("search", q.Filters)
	if q.Cursor, err = unbindCursor(scope, q.Cursor, CodeInvalidSearch); err != nil {
		return err
	}
	items, next, err := h.participantsNow(r.Context(), q, "", nil)
	if err != nil {
		return err
	}
	out := SearchResponse{Participants: items, Next: bindCursor(scope, next)}
	if out.Participants == nil {
		out.Participants = []hcxonboard.Participant{}
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

// Staff routes.

// queue lists applications for staff: by default what waits on staff
// (staffLanes: a review or a payer's approval, a live participant's
// expired certificate or failed readiness check, and an application past
// step 3 waiting for its go-live), oldest first; ?waiting=all or any
// filter widens it. Entries are summaries: no certificates.
func (h *Handler) queue(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	f, err := queueFilter(r)
	if err != nil {
		return err
	}
	lanes := queueLanes{kinds: []string{f.Waiting}}
	switch {
	case f.Waiting == waitingAll:
		lanes.kinds = []string{""}
	case f.Waiting == waitingGoLive:
		if f.Stage != "" && f.Stage != registry.StageCredentials {
			return newError(http.StatusBadRequest, CodeInvalidRequest,
				"waiting=%s lists applications at stage %s; give no other stage with it", waitingGoLive, registry.StageCredentials)
		}
		lanes = queueLanes{goLive: true}
	case f.Waiting == "" && f.Stage == "" && f.ParticipantCode == "":
		lanes = staffLanes
	}
	scope := cursorScope("queue", f.Stage, f.Waiting, f.ParticipantCode)
	if f.Cursor, err = unbindCursor(scope, f.Cursor, CodeInvalidRequest); err != nil {
		return err
	}
	f.Waiting = ""
	as, next, err := h.queuePage(r.Context(), f, lanes)
	if err != nil {
		return err
	}
	out := QueueResponse{Applications: make([]*Application, 0, len(as)), Next: bindCursor(scope, next)}
	for _, a := range as {
		out.Applications = append(out.Applications, maskContacts(staffView(summaryView(a))))
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

// queueLanes are the lists a queue merges: the applications with an open
// task of any of kinds ("" for any application), and with goLive those at
// the credentials stage — past step 3, waiting for their credentials,
// readiness and an approver's go-live, which no task marks.
type queueLanes struct {
	kinds  []string
	goLive bool
}

// staffLanes are what waits on staff: the staff queue's default and the
// console's.
var staffLanes = queueLanes{kinds: []string{onboarding.KindReview, onboarding.KindApproval,
	onboarding.WaitingCertificateExpired, onboarding.WaitingReadinessFailed}, goLive: true}

// waitingGoLive asks a queue for the applications waiting for go-live.
const waitingGoLive = "go-live"

// queuePage reads a page of the applications f selects in any of the
// lanes, oldest first, and the cursor of the next page
// (onboarding.Service.QueueLanesPage, whose rules for offset and cursor
// hold for the merged lanes). f.Waiting is ignored: lanes says.
func (h *Handler) queuePage(ctx context.Context, f registry.ApplicationFilter, lanes queueLanes) ([]*onboarding.Application, string, error) {
	var filters []registry.ApplicationFilter
	for _, k := range lanes.kinds {
		l := f
		l.Waiting = k
		filters = append(filters, l)
	}
	if lanes.goLive {
		l := f
		l.Stage, l.Waiting = registry.StageCredentials, ""
		filters = append(filters, l)
	}
	page, err := h.svc.QueueLanesPage(ctx, f, filters)
	return page.Items, page.Next, err
}

// waitingAll asks the staff queue for every application.
const waitingAll = "all"

// summaryView is an application without its certificates, for listings.
func summaryView(a *onboarding.Application) *Application {
	v := applicationView(a)
	if v.Participant != nil {
		p := v.Participant.Clone()
		p.EncryptionCert, p.SigningCertPath = "", ""
		v.Participant = p
	}
	if v.Submitted != nil && v.Submitted.Details != nil {
		s := v.Submitted.Clone()
		s.Details = nil
		v.Submitted = s
	}
	v.Details = nil
	return v
}

var (
	stages = []string{string(registry.StageSubmitted), string(registry.StageVerifying), string(registry.StageDetails),
		string(registry.StageCredentials), string(registry.StageLive), string(registry.StageRejected), string(registry.StageWithdrawn)}
	waitingKinds = []string{onboarding.KindReview, onboarding.KindApproval, onboarding.KindOTP, onboarding.KindRetry,
		onboarding.KindUpload, onboarding.WaitingDeboarding, onboarding.WaitingCertificateExpired, onboarding.WaitingReadinessFailed}
)

func queueFilter(r *http.Request) (registry.ApplicationFilter, error) {
	q := r.URL.Query()
	f := registry.ApplicationFilter{
		Stage:           registry.Stage(q.Get("stage")),
		Waiting:         q.Get("waiting"),
		ParticipantCode: strings.TrimSpace(q.Get("participant_code")),
	}
	if f.Stage != "" && !contains(stages, string(f.Stage)) {
		return f, newError(http.StatusBadRequest, CodeInvalidRequest, "stage must be one of %s", strings.Join(stages, ", "))
	}
	if f.Waiting != "" && f.Waiting != waitingAll && f.Waiting != waitingGoLive && !contains(waitingKinds, f.Waiting) {
		return f, newError(http.StatusBadRequest, CodeInvalidRequest, "waiting must be one of %s, %s, or %s for any",
			strings.Join(waitingKinds, ", "), waitingGoLive, waitingAll)
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), "limit", 0, registry.MaxLimit); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(q.Get("offset"), "offset", 0, math.MaxInt32); err != nil {
		return f, err
	}
	if f.Cursor = q.Get("cursor"); f.Cursor != "" && f.Offset > 0 {
		return f, newError(http.StatusBadRequest, CodeInvalidRequest, "give offset or cursor, not both")
	}
	return f, nil
}

// maxWithinDays bounds the expiring certificates' window.
const maxWithinDays = 3650

func intParam(s, name string, lo, hi int) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		if name == "offset" {
			// Offsets are bounded; the cursor (the next of the page
			// before) pages on past them.
			return 0, newError(http.StatusBadRequest, CodeInvalidRequest,
				"offset must be a whole number from %d to %d; page further with the cursor (the next of the page before)", lo, hi)
		}
		return 0, newError(http.StatusBadRequest, CodeInvalidRequest, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// staffApplication answers one application whole, for the operator's
// backend; people read applications in the console, where each unmasked
// view is an audit event. Listings (the queue) mask contacts.
func (h *Handler) staffApplication(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	a, err := h.svc.Application(r.Context(), r.PathValue("id"))
	return h.answer(w, c, a, err)
}

func (h *Handler) events(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	ctx := r.Context()
	id := r.PathValue("id")
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit", 0, registry.MaxLimit)
	if err != nil {
		return err
	}
	scope := eventsScope(id)
	cursor, err := unbindCursor(scope, q.Get("cursor"), CodeInvalidRequest)
	if err != nil {
		return err
	}
	var out EventsResponse
	if limit == 0 && cursor == "" {
		// The whole trail, as before paging.
		if out.Events, err = h.svc.Events(ctx, id); err != nil {
			return err
		}
	} else {
		page, err := h.svc.EventsPage(ctx, id, limit, cursor)
		if err != nil {
			return err
		}
		out.Events, out.Next = page.Items, bindCursor(scope, page.Next)
	}
	if out.Chain, err = h.chainStatus(r, id); err != nil {
		return err
	}
	if out.Events == nil {
		out.Events = []registry.Event{}
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

// eventsScope names the audit trail of application id for bindCursor: a
// trail's cursor pages on through that trail only.
func eventsScope(id string) string { return cursorScope("events", id) }

// chainStatus runs VerifyChain: a *registry.ChainError is a finding to
// report, any other error a failure.
func (h *Handler) chainStatus(r *http.Request, id string) (ChainStatus, error) {
	err := h.svc.VerifyChain(r.Context(), id)
	var ce *registry.ChainError
	switch {
	case err == nil:
		return ChainStatus{Verified: true}, nil
	case errors.As(err, &ce):
		return ChainStatus{BrokenAt: ce.Seq, Reason: ce.Reason}, nil
	default:
		return ChainStatus{}, err
	}
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var req DecisionRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	d, err := decision(req.Decision, req.Reason, c.staffID)
	if err != nil {
		return err
	}
	d.Seen = strings.TrimSpace(req.Seen)
	a, err := h.svc.Decide(r.Context(), r.PathValue("id"), r.PathValue("task"), d)
	return h.answer(w, c, a, err)
}

func decision(word, reason, staffID string) (onboarding.Decision, error) {
	d := onboarding.Decision{Reviewer: staffActor(staffID), Reason: strings.TrimSpace(reason)}
	switch word {
	case DecisionApprove:
		d.Approve = true
	case DecisionReject:
		if d.Reason == "" {
			return d, newError(http.StatusBadRequest, CodeInvalidRequest, "a rejection needs a reason")
		}
	default:
		return d, newError(http.StatusBadRequest, CodeInvalidRequest, "decision must be %q or %q", DecisionApprove, DecisionReject)
	}
	return d, nil
}

func (h *Handler) recheck(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	a, err := h.svc.RecheckBy(r.Context(), r.PathValue("id"), staffActor(c.staffID))
	return h.answer(w, c, a, err)
}

func (h *Handler) goLive(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var req GoLiveRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	for field, text := range map[string]string{"note": req.Note, "pilot_notes": req.PilotNotes, "confirmed_by": req.ConfirmedBy} {
		if len(text) > onboarding.MaxReasonLength {
			return newError(http.StatusBadRequest, CodeInvalidRequest, "%s may be at most %d bytes; this one has %d", field, onboarding.MaxReasonLength, len(text))
		}
	}
	// The actor is who authenticated, never what the body says.
	note := strings.TrimSpace(req.Note)
	if by := strings.TrimSpace(req.ConfirmedBy); by != "" {
		note = strings.TrimSpace(note + " (confirmed_by: " + by + ")")
	}
	a, err := h.svc.GoLive(r.Context(), r.PathValue("id"), onboarding.Checklist{
		PilotCompleted: req.PilotCompleted, PilotNotes: req.PilotNotes, StaffTrained: req.StaffTrained,
		CertificateFetched: req.CertificateFetched, FirewallAllowsHCX: req.FirewallAllowsHCX,
		ConfirmedBy: staffActor(c.staffID), Note: note, DetailsSeen: strings.TrimSpace(req.DetailsSeen),
	})
	return h.answer(w, c, a, err)
}

func (h *Handler) suspend(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	reason, err := h.decodeReason(w, r)
	if err != nil {
		return err
	}
	a, err := h.svc.Suspend(r.Context(), r.PathValue("id"), staffActor(c.staffID), reason)
	return h.answer(w, c, a, err)
}

func (h *Handler) reinstate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	reason, err := h.decodeReason(w, r)
	if err != nil {
		return err
	}
	a, err := h.svc.Reinstate(r.Context(), r.PathValue("id"), staffActor(c.staffID), reason)
	return h.answer(w, c, a, err)
}

var initiators = []string{onboarding.InitiatorVoluntary, onboarding.InitiatorRegulator, onboarding.InitiatorHCX}

func (h *Handler) deboardStaff(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	var req DeboardRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if !contains(initiators, req.Initiator) {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "initiator must be one of %s", strings.Join(initiators, ", "))
	}
	if strings.TrimSpace(req.Reason) == "" {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "reason is required")
	}
	a, err := h.svc.Deboard(r.Context(), r.PathValue("id"), onboarding.DeboardRequest{
		Initiator: req.Initiator, Actor: staffActor(c.staffID), Reason: strings.TrimSpace(req.Reason),
	})
	return h.answer(w, c, a, err)
}

func (h *Handler) expiring(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	days, err := intParam(r.URL.Query().Get("within_days"), "within_days", 0, maxWithinDays)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("within_days") == "" {
		days = 30
	}
	limit, err := intParam(r.URL.Query().Get("limit"), "limit", 0, registry.MaxLimit)
	if err != nil {
		return err
	}
	scope := cursorScope("expiring", days)
	cursor, err := unbindCursor(scope, r.URL.Query().Get("cursor"), CodeInvalidRequest)
	if err != nil {
		return err
	}
	page, err := h.svc.ExpiringCertificatesPage(r.Context(), time.Duration(days)*24*time.Hour, limit, cursor)
	if err != nil {
		return err
	}
	out := ExpiringResponse{Certificates: make([]CertificateExpiry, 0, len(page.Items)), Next: bindCursor(scope, page.Next)}
	for _, x := range page.Items {
		out.Certificates = append(out.Certificates, CertificateExpiry{
			ParticipantCode: x.ParticipantCode, ParticipantName: x.ParticipantName, Status: x.Status,
			Certificate: x.Certificate, ExpiresAt: x.ExpiresAt, Expired: x.Expired,
		})
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) processDeboardings(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	n, err := h.svc.ProcessDeboardings(r.Context())
	if err != nil {
		return err
	}
	h.writeJSON(w, http.StatusOK, ProcessedResponse{Deboarded: n})
	return nil
}

func (h *Handler) openAPI(w http.ResponseWriter, _ *http.Request, _ *reqCtx) error {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(h.openapi)
	return nil
}

// checkReadiness runs the readiness checks the owner asks for, at most
// once within onboarding.ReadinessCooldown (429 with Retry-After).
func (h *Handler) checkReadiness(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	a, err := h.svc.RequestReadinessCheckBy(r.Context(), r.PathValue("id"), c.ownerActor())
	if soon, ok := errors.AsType[*onboarding.ReadinessTooSoonError](err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(soon.RetryAfter.Seconds()))))
	}
	return h.answer(w, c, a, err)
}
