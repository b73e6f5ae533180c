package onboarding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/words"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// maxCodeAttempts bounds how often Submit draws a new participant code
// after the store reports a collision.
const maxCodeAttempts = 5

// Submit takes an application through steps 1 and 2 as far as it can go
// without the outside world.
//
// First the checks that need no registry run (verifier.Offline), with the
// sandbox certificate of step 1 when the engine holds the sandbox
// verifier: an application they find incomplete or invalid — a missing
// field, a malformed identifier, a certificate that is expired, untrusted
// or not the applicant's — is refused with a *RefusedError carrying that
// report (the same report the participant's own pre-validation prints),
// and nothing is stored. Then step 2 runs in full; what a registry refuses
// (a facility HFR does not hold) rejects the application, recorded with
// its reasons, before anything is registered. Otherwise the participant is
// registered (status
// Created, a new participant code, linked_registry_codes such as
// "IN2910000123@hfr") and what waits on the outside world becomes a Task:
// a one-time code to the system admin or, for ABDM facilities, HFR's OTP
// to the facility manager; the empanelling payer's approval; a staff
// review; a retry after a registry outage. The record, the participant and the audit events are
// stored in one write; messages go out after it.
//
// Submit is idempotent on the application's application_id: a retry
// returns the stored application — even when it races the first call —
// and never registers a second participant. Reusing an application_id for
// a different application is an error wrapping ErrConflict.
//
// A rejected application is returned without error; Reasons says why.
// One listing more than MaxDocumentUploads documents is ErrInvalidArgument.
func (s *Service) Submit(ctx context.Context, app *hcxonboard.Application) (*Application, error) {
	if err := checkShape(app); err != nil {
		return nil, err
	}
	app = app.Clone()
	app.Roles = hcxonboard.CanonicalRoles(app.Roles) // "payor", NHCX codes: as decoding reads them
	digest, err := digestOf(app)
	if err != nil {
		return nil, err
	}
	if key := app.ApplicationID; key != "" {
		a, err := s.byKey(ctx, key, digest)
		if err == nil || !errors.Is(err, ErrNotFound) {
			return a, err
		}
	}

	sb, report, err := s.judge(ctx, app)
	if err != nil {
		return nil, err
	}

	// contested are the claims another application held when a write
	// tried them: the next attempt is refused them (or, under
	// WithIdentityDisputes, waits on staff for the registry identities).
	contested := make(map[string]*registry.ClaimError)
	for attempt := 1; ; attempt++ {
		r, err := s.newRecord(ctx, app, digest, sb, report, contested)
		if err != nil {
			return nil, err
		}
		err = s.write(ctx, r, true)
		var ce *registry.ClaimError
		switch {
		case errors.As(err, &ce) && contested[ce.Claim] == nil && len(contested) < registry.MaxClaims:
			// The store refused a claim inside the write: the database,
			// not a read before it, decides who holds an identity.
			contested[ce.Claim] = ce
			continue
		case err == nil:
			s.logEvents(ctx, r)
			s.deliverAfterWrite(ctx, r)
			return s.afterTasks(ctx, r)
		case errors.Is(err, registry.ErrDuplicateKey):
			// Another call with the same application_id won the race.
			return s.byKey(ctx, app.ApplicationID, digest)
		case errors.Is(err, registry.ErrConflict) && attempt < maxCodeAttempts:
			// The participant code (or, improbably, the id) is taken: draw
			// again.
			continue
		default:
			return nil, fmt.Errorf("onboarding: store new application: %w", err)
		}
	}
}

// checkShape refuses an application no check could accept: none at all,
// or one listing more documents than it may ever have stored
// (MaxDocumentUploads), each of which would be a task and a fetch.
func checkShape(app *hcxonboard.Application) error {
	switch {
	case app == nil:
		return fmt.Errorf("%w: nil application", ErrInvalidArgument)
	case len(app.Documents) > MaxDocumentUploads:
		return fmt.Errorf("%w: the application lists %d documents; it may list at most %d", ErrInvalidArgument, len(app.Documents), MaxDocumentUploads)
	case len(app.ApplicationID) > registry.MaxKeyLength:
		return fmt.Errorf("%w: application_id is %d bytes long; at most %d are allowed", ErrInvalidArgument, len(app.ApplicationID), registry.MaxKeyLength)
	case len(app.Identifiers.SchemeCode) > maxSchemeCode:
		return fmt.Errorf("%w: identifiers.scheme_code is %d bytes long; at most %d are allowed", ErrInvalidArgument, len(app.Identifiers.SchemeCode), maxSchemeCode)
	}
	return nil
}

// maxSchemeCode is the longest scheme code an application may give, in
// bytes: the registry indexes it.
const maxSchemeCode = 256

// digestOf fingerprints an application, so that a retry under the same
// application_id can be told from a different application reusing it.
func digestOf(app *hcxonboard.Application) (string, error) {
	b, err := json.Marshal(app)
	if err != nil {
		return "", fmt.Errorf("%w: encode application: %v", ErrInvalidArgument, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// byKey returns the application stored under an idempotency key, provided
// it is the same application.
func (s *Service) byKey(ctx context.Context, key, digest string) (*Application, error) {
	a, err := s.store.ApplicationByKey(ctx, key)
	if err != nil {
		return nil, notFound(err, "application_id", key)
	}
	r, err := s.loadFrom(ctx, a)
	if err != nil {
		return nil, err
	}
	if r.st.Digest != digest {
		return nil, fmt.Errorf("%w: application_id %q was already used for a different application", ErrConflict, clip(key))
	}
	return s.view(r), nil
}

// newRecord builds the first write of an application: submit, then either
// reject (step 1 failed) or register and apply the verification report.
func (s *Service) newRecord(ctx context.Context, app *hcxonboard.Application, digest string, sb *SandboxResult, report *verifier.Report,
	contested map[string]*registry.ClaimError) (*record, error) {
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	r := &record{
		app: &registry.Application{ID: id, Key: app.ApplicationID, CreatedAt: now},
		st:  &state{Submitted: app, Digest: digest, Sandbox: sb},
		now: now,
	}
	if err := r.transition(ActionSubmit, actorApplicant, ""); err != nil {
		return nil, err
	}
	if sb != nil && refused(sb.Outcome) {
		reason := fmt.Sprintf("%s: %s", verifier.ReqSandboxCertificate, sb.Message)
		return r, s.reject(r, actorSystem, []string{reason})
	}
	// An application the checks refuse outright is rejected before
	// anything is registered, so the registry holds no participant that
	// never had a chance; later rejections leave theirs Inactive.
	r.st.Report = report
	if reasons := refusals(report); len(reasons) > 0 {
		return r, s.reject(r, actorSystem, reasons)
	}
	var disputes []*registry.ClaimError
	if len(contested) > 0 {
		var reasons []string
		for _, c := range slices.Sorted(maps.Keys(contested)) {
			ce := contested[c]
			if s.disputes && isIdentity(c) {
				disputes = append(disputes, ce)
				r.st.Disputed = append(r.st.Disputed, c)
				continue
			}
			reasons = append(reasons, claimRefusal(app, sb, ce))
		}
		if len(reasons) > 0 {
			return r, s.reject(r, actorSystem, reasons)
		}
	}
	code, err := guard(ctx, s, "the participant code generator", nil, func() (string, error) {
		return s.codes.Code(ctx, credential.CodeRequest{Name: app.ParticipantName, Roles: app.Roles})
	})
	if err != nil {
		return nil, fmt.Errorf("onboarding: participant code: %w", err)
	}
	r.app.ParticipantCode = code
	r.part = newParticipant(app, code, now, report)
	r.st.Sources = applicantSources(r.part)
	if c := solutionCode(sb); c != "" {
		// The registry records the certified solution the participant
		// relies on, so that revoking it finds every such participant.
		r.part.LinkedRegistryCodes = append(r.part.LinkedRegistryCodes, c)
	}
	r.partChanged = true
	if err := r.transition(ActionRegister, actorSystem, fmt.Sprintf("participant %s registered with status %s", code, hcxonboard.StatusCreated)); err != nil {
		return nil, err
	}
	for _, ce := range disputes {
		s.askStaff(r, s.disputeTask(r, ce))
	}
	r.unpublishDisputed()
	return r, s.applyReport(ctx, r, report)
}

// disputeTask opens the staff review of an identity another holds.
func (s *Service) disputeTask(r *record, ce *registry.ClaimError) *taskState {
	t := r.addTask(KindReview, RequirementIdentityDispute, fmt.Sprintf(
		"%s is already registered with this HCX as %s: decide whether this applicant operates it. Approving takes the identity, "+
			"which works once the holder is de-boarded; rejecting rejects this application.",
		claimLabel(r.st.Submitted, r.st.Sandbox, ce.Claim, true), heldBy(ce)))
	t.Claim = ce.Claim
	return t
}

// DefaultSchemeCode is the scheme_code of a payer that names none: the
// HCX specification's "default", one registry entry for all of the payer's
// schemes.
const DefaultSchemeCode = "default"

// newParticipant is the registry record of a newly registered applicant.
func newParticipant(app *hcxonboard.Application, code string, now time.Time, rep *verifier.Report) *hcxonboard.Participant {
	p := &hcxonboard.Participant{
		ParticipantCode:     code,
		ParticipantName:     strings.TrimSpace(app.ParticipantName),
		Roles:               append([]hcxonboard.Role(nil), app.Roles...),
		PrimaryEmail:        strings.ToLower(strings.TrimSpace(app.PrimaryEmail)),
		PrimaryMobile:       strings.TrimSpace(app.PrimaryMobile),
		Status:              hcxonboard.StatusCreated,
		LinkedRegistryCodes: linkedCodes(app, rep),
		SchemeCode:          strings.TrimSpace(app.Identifiers.SchemeCode),
		CreatedAt:           now,
		UpdatedAt:           now,
	}
	if m, err := verifier.NormalizeMobile(app.PrimaryMobile); err == nil {
		p.PrimaryMobile = m
	}
	if p.SchemeCode == "" && p.HasRole(hcxonboard.RolePayer) {
		// The specification's registry makes scheme_code mandatory for
		// payers, "default" meaning one entry for all their schemes, as
		// the reference platform sets it.
		p.SchemeCode = DefaultSchemeCode
	}
	if app.Address != nil {
		a := *app.Address
		p.Address = &a
	}
	return p
}

// linkedCodes names the registries that know the applicant:
// "IN2910000123@hfr", "8900080336704@rohini", "<hpr id>@hpr" — those whose
// ids rep checks (see identities).
func linkedCodes(app *hcxonboard.Application, rep *verifier.Report) []string {
	var out []string
	add := func(id, registry string, reqs ...verifier.RequirementID) {
		if id = strings.TrimSpace(id); id != "" && checked(rep, registry, reqs...) {
			out = append(out, id+"@"+registry)
		}
	}
	add(hfrFacilityID(app), verifier.IdentityHFR, hfrChecks...)
	add(rohini.Normalize(app.Identifiers.RohiniID), verifier.IdentityRohini, rohiniChecks...)
	hpr := app.Identifiers.HPRID
	if n, err := verifier.NormalizeHPRID(hpr); err == nil {
		hpr = n
	}
	add(hpr, verifier.IdentityHPR, hprChecks...)
	return out
}

// refused reports whether an outcome rejects the application.
func refused(o verifier.Outcome) bool {
	return o != verifier.Satisfied && o != verifier.Pending
}

// checkSandbox is step 1 when the engine holds the sandbox verifier. A
// previous result that is settled is kept. It returns nil when the engine
// has no sandbox verifier, and an error only when ctx ends.
func (s *Service) checkSandbox(ctx context.Context, app *hcxonboard.Application, prev *SandboxResult) (*SandboxResult, error) {
	if s.sandbox == nil {
		return nil, nil
	}
	if len(app.Roles) == 0 {
		// The sandbox checks the roles asked for; with none it would
		// certify nothing the application could go live with.
		return &SandboxResult{Outcome: verifier.Invalid,
			Message: "the application names no roles (roles): the certificate cannot be matched to the roles applied for"}, nil
	}
	if prev != nil && prev.Outcome != verifier.Pending && !slices.ContainsFunc(app.Roles, func(r hcxonboard.Role) bool {
		return !slices.Contains(prev.Roles, r)
	}) {
		return prev, nil // an amendment asks for no role the certificate was not checked for
	}
	if strings.TrimSpace(app.SandboxCertificate) == "" {
		return &SandboxResult{Outcome: verifier.Missing, Message: "no sandbox certificate was given"}, nil
	}
	cert, err := s.sandbox.Verify(ctx, app.SandboxCertificate, app.Roles)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	switch {
	case err == nil:
		res := &SandboxResult{
			Issuer:        cert.Issuer,
			Subject:       cert.Subject,
			CertificateID: cert.ID,
			Roles:         append([]hcxonboard.Role(nil), cert.Roles...),
			ExpiresAt:     cert.Expiry.UTC(),
			Trusted:       cert.Trusted,
			Kind:          cert.Kind,
			Solution:      cert.Solution,
			Outcome:       verifier.Satisfied,
			Message:       fmt.Sprintf("issued by %s, valid until %s", clip(cert.Issuer), cert.Expiry.UTC().Format("2006-01-02")),
		}
		if msg, outcome := bindSandbox(cert, app); outcome != verifier.Satisfied {
			res.Outcome, res.Message = outcome, msg
			return res, nil
		}
		if !cert.Trusted {
			res.Outcome, res.Task = verifier.Pending, verifier.TaskReview
			res.Message = "the certificate is well formed but no trust list is configured: staff must confirm the issuer"
		}
		return res, nil
	default:
		res := verifier.SandboxErrorResult(err)
		return &SandboxResult{Outcome: res.Outcome, Task: res.Task, Message: res.Message}, nil
	}
}

// verify runs the verifier and lays the engine's own sandbox result over
// its sandbox_certificate requirement. When the engine has checked the
// certificate itself (sb is not nil), the verifier is given the
// application without it: its sandbox_certificate result is replaced
// anyway, so checking the signature again — say, with a verifier built
// with verifier.WithSandboxVerifier — would only cost time.
func (s *Service) verify(ctx context.Context, app *hcxonboard.Application, sb *SandboxResult) (*verifier.Report, error) {
	var over *verifier.Result
	if sb != nil {
		res := verifier.Result{ID: verifier.ReqSandboxCertificate, Outcome: sb.Outcome, Message: sb.Message}
		if sb.Outcome == verifier.Pending {
			res.Task = sb.Task
		}
		over = &res
	}
	return s.verifyOver(ctx, app, over)
}

// verifyOver runs the verifier with over, when set, as the result of the
// sandbox_certificate requirement, which the verifier then need not work
// out again: it is given the application without the certificate.
func (s *Service) verifyOver(ctx context.Context, app *hcxonboard.Application, over *verifier.Result) (*verifier.Report, error) {
	if over != nil && app.SandboxCertificate != "" {
		// A shallow copy: a Verifier must not change the application.
		bare := *app
		bare.SandboxCertificate = ""
		app = &bare
	}
	rep, err := guard(ctx, s, "the verifier", nil, func() (*verifier.Report, error) { return s.verifier.Verify(ctx, app) })
	if err != nil {
		return nil, fmt.Errorf("onboarding: verify application: %w", err)
	}
	if rep == nil {
		return nil, fmt.Errorf("onboarding: verifier returned no report")
	}
	if err := reservedResult(rep); err != nil {
		return nil, err
	}
	out := &verifier.Report{
		Verdict:      rep.Verdict,
		Categories:   append([]verifier.Category(nil), rep.Categories...),
		Requirements: append([]verifier.Result(nil), rep.Requirements...),
	}
	if over != nil {
		res := *over
		replaced := false
		for i := range out.Requirements {
			if out.Requirements[i].ID != verifier.ReqSandboxCertificate {
				continue
			}
			replaced = true
			if refusesRoles(out.Requirements[i]) && res.Outcome != verifier.Invalid {
				// The operator's resolver refused a role the certificate
				// certifies: that refusal stands, whatever the
				// certificate.
				continue
			}
			out.Requirements[i] = res
		}
		if !replaced {
			out.Requirements = append([]verifier.Result{res}, out.Requirements...)
		}
		out.Verdict = verifier.VerdictOf(out.Requirements)
	}
	return out, nil
}

// refusesRoles reports whether res, the verifier's sandbox_certificate
// result, refuses the roles applied for on the operator's policy rather
// than judging the certificate, which the engine checks itself.
func refusesRoles(res verifier.Result) bool {
	return res.Outcome == verifier.Invalid && slices.ContainsFunc(res.Findings, func(f verifier.Finding) bool {
		return f.Field == verifier.FindingRoles && f.Source == verifier.SourceOperator
	})
}

// reject ends the application with reasons and tells the applicant.
func (s *Service) reject(r *record, actor string, reasons []string) error {
	r.st.Reasons = append(r.st.Reasons, reasons...)
	if err := r.transition(ActionReject, actor, strings.Join(reasons, "; ")); err != nil {
		return err
	}
	r.revokeSecrets()
	if to := r.st.Submitted.PrimaryEmail; to != "" {
		r.notify(Message{
			Kind:    MessageRejected,
			To:      to,
			Subject: "Your HCX onboarding application was not accepted",
			Body:    "Reasons:\n- " + strings.Join(reasons, "\n- "),
		})
	}
	return nil
}

// refusals lists, as "requirement: message", what a report finds missing
// or invalid.
func refusals(rep *verifier.Report) []string {
	var out []string
	for _, res := range rep.Requirements {
		if refused(res.Outcome) {
			out = append(out, fmt.Sprintf("%s: %s", res.ID, res.Message))
		}
	}
	return out
}

// applyReport takes a verification report into the record: anything
// missing or invalid rejects; a pending requirement gets a task unless one
// is already open or done for it; a requirement now satisfied closes its
// open task. Then, if nothing waits, the application moves to step 3.
func (s *Service) applyReport(ctx context.Context, r *record, rep *verifier.Report) error {
	rep = s.documentReport(r, rep)
	r.st.Report = rep
	if reasons := refusals(rep); len(reasons) > 0 {
		return s.reject(r, actorSystem, reasons)
	}
	for _, res := range rep.Requirements {
		existing := r.taskFor(res.ID)
		if res.Outcome == verifier.Satisfied {
			if existing != nil && existing.State == TaskOpen && existing.Kind != KindOTP {
				existing.State = TaskDone
				existing.Reason = "settled when the checks ran again"
				existing.UpdatedAt = r.now
			}
			continue
		}
		if existing != nil && existing.State == TaskDone && res.Task == verifier.TaskReview && !decidedOn(existing, res) {
			// A review found since the task closed — by itself, or by a
			// decision on other findings — goes to a person: a mismatch
			// never passes on a decision that did not see it.
			if err := s.planTask(ctx, r, res); err != nil {
				return err
			}
			continue
		}
		if existing != nil {
			waiting := existing.Kind == KindRetry || existing.Kind == KindAwait
			same := res.Task == verifier.TaskRetry || // an outage changes nothing that waits
				existing.Kind == KindAwait && res.Task == verifier.TaskAwaitRegistry
			if existing.State == TaskDone || !waiting || same {
				if existing.State == TaskOpen && existing.Kind != KindOTP && existing.Kind != KindApproval {
					// The verifier's words are taken again where the
					// task carries them; where the engine worded the
					// task itself (no OTP configured, a document to
					// read), its words stay: a reviewer decides on what
					// it says.
					if existing.Kind == verifierWorded(res.Task) {
						existing.Message = res.Message
					}
					existing.Findings = res.Findings
				}
				continue
			}
			// The registry answered: the wait is over and the real task
			// takes its place.
			existing.State = TaskDone
			existing.Reason = "the registry answered"
			existing.UpdatedAt = r.now
		}
		if err := s.planTask(ctx, r, res); err != nil {
			return err
		}
	}
	return r.maybeVerified()
}

// decidedOn reports whether t, a done task, settles res, a pending
// review: a person decided it, as a review of the same findings (of the
// same message, where there are none).
func decidedOn(t *taskState, res verifier.Result) bool {
	if t.Kind != KindReview || t.DecidedBy == "" || !slices.Equal(t.Findings, res.Findings) {
		return false
	}
	return len(res.Findings) > 0 || t.Message == res.Message
}

// verifierWorded is the kind of task planTask opens for a pending
// requirement waiting on task with the verifier's own message, or ""
// when it opens one it words itself (or none).
func verifierWorded(task verifier.TaskKind) string {
	switch task {
	case verifier.TaskRetry:
		return KindRetry
	case verifier.TaskAwaitRegistry:
		return KindAwait
	case verifier.TaskOTP, verifier.TaskHFROTP, verifier.TaskHPRAuth, verifier.TaskApproval, taskDocument:
		return ""
	}
	return KindReview
}

// planTask opens the task a pending requirement waits on and queues what
// must go out for it.
func (s *Service) planTask(ctx context.Context, r *record, res verifier.Result) error {
	app := r.st.Submitted
	defer func() {
		if t := r.taskFor(res.ID); t != nil && t.State == TaskOpen {
			t.Findings = res.Findings
		}
	}()
	switch res.Task {
	case verifier.TaskOTP:
		to := adminAddress(app)
		if to == "" {
			t := r.addTask(KindReview, res.ID, "no system admin e-mail or mobile to send a one-time code to: verify the admin by other means")
			s.askStaff(r, t)
			return nil
		}
		t := r.addTask(KindOTP, res.ID, res.Message)
		t.Channel = ChannelSystemAdmin
		t.Recipient = maskAddress(to)
		code, err := s.issueCode(r, t)
		if err != nil {
			return err
		}
		r.notify(Message{
			Kind:    MessageOTP,
			To:      to,
			Subject: "Your HCX onboarding code",
			Body: fmt.Sprintf("Your one-time code to confirm the HCX onboarding of %s is valid for %s. Never share it.",
				app.ParticipantName, words.Duration(s.otp.TTL)),
			Code: code,
		})
	case verifier.TaskHFROTP:
		if s.facility == nil || hfrFacilityID(app) == "" {
			t := r.addTask(KindReview, res.ID, "HFR OTP is not configured: verify the facility manager by other means")
			s.askStaff(r, t)
			return nil
		}
		t := r.addTask(KindOTP, res.ID, res.Message)
		t.Channel = ChannelHFR
		t.FacilityID = hfrFacilityID(app)
		// HFR sends the code after this write is stored: see afterTasks.
	case verifier.TaskApproval:
		to, name := Staff, ""
		if e := app.Empanelment; e != nil {
			to, name = s.approvalRecipient(ctx, e.PayerCode), firstNonEmpty(e.PayerName, e.Scheme, e.PayerCode)
		}
		for _, t := range r.st.Tasks {
			if t.Kind == KindApproval && t.State == TaskOpen && t.Recipient == to {
				// One request per payer: its answer settles every
				// requirement it covers.
				t.Covers = append(t.Covers, res.ID)
				return nil
			}
		}
		t := r.addTask(KindApproval, res.ID, res.Message)
		t.Recipient = to
		m := Message{
			Kind:    MessageApprovalRequest,
			To:      to,
			Subject: "Please confirm an empanelment for HCX onboarding",
			Body: fmt.Sprintf("%s applies to join the HCX as a provider empanelled with %s (empanelment id %q). "+
				"Please confirm or deny the empanelment, quoting application %s and task %s.",
				app.ParticipantName, name, empanelmentID(app), r.app.ID, t.ID),
		}
		if to == Staff {
			m.Subject = "An empanelment to confirm with a payer that is not on the HCX"
			m.Body = fmt.Sprintf("%s applies to join the HCX as a provider empanelled with %q (empanelment id %q), "+
				"and names no payer participant code this HCX can address. Confirm the empanelment with the payer or scheme "+
				"by other means, then decide task %s of application %s for it.",
				app.ParticipantName, name, empanelmentID(app), t.ID, r.app.ID)
		}
		r.notify(m)
	case taskDocument:
		s.planDocuments(r, res)
	case verifier.TaskRetry:
		r.addTask(KindRetry, res.ID, res.Message)
	case verifier.TaskAwaitRegistry:
		t := r.addTask(KindAwait, res.ID, res.Message)
		t.ExpiresAt = r.now.Add(s.registryWait)
	case verifier.TaskHPRAuth:
		hpr, err := verifier.NormalizeHPRID(app.Identifiers.HPRID)
		if s.professional == nil || err != nil {
			t := r.addTask(KindReview, res.ID, "HPR authentication is not configured: verify the professional by other means. "+res.Message)
			s.askStaff(r, t)
			return nil
		}
		t := r.addTask(KindOTP, res.ID, res.Message)
		t.Channel = ChannelHPR
		t.ProfessionalID = hpr
		// HPR sends the code after this write is stored: see afterTasks.
	default: // TaskReview, or a kind this engine does not know: a person decides
		t := r.addTask(KindReview, res.ID, res.Message)
		s.askStaff(r, t)
	}
	return nil
}

func (s *Service) askStaff(r *record, t *taskState) {
	t.Recipient = Staff
	r.notify(Message{
		Kind:    MessageReviewRequest,
		To:      Staff,
		Subject: fmt.Sprintf("Review needed: %s", t.Requirement),
		Body: fmt.Sprintf("Application %s (%s) waits on a review of %s: %s",
			r.app.ID, r.st.Submitted.ParticipantName, t.Requirement, t.Message),
	})
}

// approvalRecipient is where the approval request of an application that
// names payerCode goes: the payer's participant code, or Staff when there
// is none, or it is an address of another kind — the whole network, the
// staff, a facility's HFR manager, an e-mail or a mobile number — unless a
// participant of this registry holds it as its code (an instance code may
// hold a dot, which gives codes an e-mail's shape). A code typed in
// capitals that no participant holds goes to the participant holding it
// in lower case, if one does. Text the applicant typed never addresses a
// message of its own accord.
func (s *Service) approvalRecipient(ctx context.Context, payerCode string) string {
	code := strings.TrimSpace(payerCode)
	_, instance, _ := strings.Cut(code, "@")
	switch {
	case code == "", strings.EqualFold(instance, "hfr"), strings.EqualFold(code, Broadcast), strings.EqualFold(code, Staff):
		return Staff
	}
	if _, err := verifier.NormalizeMobile(code); err != nil && hcxonboard.IsParticipantCodeForm(code) {
		if lower := strings.ToLower(code); lower != code && !s.isParticipant(ctx, code) && s.isParticipant(ctx, lower) {
			return lower // typed in capitals; the codes this engine issues are lower case
		}
		return code
	}
	if len(code) <= hcxonboard.MaxParticipantCodeLength && strings.Contains(code, "@") && !strings.ContainsAny(code, " \t\r\n") {
		if s.isParticipant(ctx, code) {
			return code
		}
	}
	return Staff
}

// isParticipant reports whether the store holds a participant under code.
func (s *Service) isParticipant(ctx context.Context, code string) bool {
	_, err := s.store.Participant(ctx, code)
	return err == nil
}

func empanelmentID(app *hcxonboard.Application) string {
	if app.Empanelment == nil {
		return ""
	}
	return app.Empanelment.EmpanelmentID
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// afterTasks does, once r is stored, the outside work its new tasks need:
// HFR's OTP to the facility manager (with the intimation of the onboarding
// attempt). It works on r as written, without reading it again, and reads
// only when another call changed the application meanwhile. Failures
// leave the task open for ResendOTP; they do not fail the call. It
// returns the latest view.
func (s *Service) afterTasks(ctx context.Context, r *record) (*Application, error) {
	if r.position() != posVerifying {
		return s.view(r), nil
	}
	r, err := s.holdReferences(ctx, r)
	if err != nil {
		return nil, err
	}
	var due []*taskState
	for _, t := range r.st.Tasks {
		if (t.Channel == ChannelHFR && s.facility != nil || t.Channel == ChannelHPR && s.professional != nil) &&
			t.State == TaskOpen && t.TxnID == "" {
			due = append(due, t)
		}
	}
	for _, t := range due {
		taskID := t.ID
		saved := r.save()
		send := s.sendFacilityOTP
		if t.Channel == ChannelHPR {
			send = s.sendProfessionalOTP
		}
		nr, err := send(ctx, r, taskID, false)
		if err == nil {
			r = nr
			continue
		}
		s.log.WarnContext(ctx, "onboarding: "+strings.ToUpper(t.Channel)+" OTP not sent; the applicant can ask again",
			"application", r.app.ID, "task", taskID, "error", err.Error())
		// Nothing was stored: back to the record as it was.
		if r, err = saved.record(); err != nil {
			return nil, err
		}
	}
	return s.view(r), nil
}

// Recheck runs the online checks of a verifying application again: after
// a registry outage, or once a payer or ROHINI can answer. Requirements
// now satisfied close their tasks, new pending ones open tasks, anything
// now invalid rejects; tasks already done stay done.
func (s *Service) Recheck(ctx context.Context, id string) (*Application, error) {
	return s.RecheckBy(ctx, id, actorSystem)
}

// RecheckBy is Recheck on behalf of actor (a staff member, "staff:asha"),
// who is recorded as the recheck's actor; what the checks decide is still
// the system's.
//
// The checks run on the application as it was read. An amendment stored
// while they ran makes their report one of another application: it is
// not taken, and the amended application is checked instead.
func (s *Service) RecheckBy(ctx context.Context, id, actor string) (*Application, error) {
	if strings.TrimSpace(actor) == "" {
		return nil, fmt.Errorf("%w: a recheck needs an actor", ErrInvalidArgument)
	}
	for attempt := 1; ; attempt++ {
		a, err := s.recheck(ctx, id, actor)
		if !errors.Is(err, errAmendedMeanwhile) {
			return a, err
		}
		if attempt >= maxAttempts {
			return nil, fmt.Errorf("%w: application %q kept being amended while it was checked; gave up after %d attempts", ErrConflict, id, attempt)
		}
	}
}

// errAmendedMeanwhile ends a recheck whose application was amended after
// it was read: the report is about the application before.
var errAmendedMeanwhile = errors.New("onboarding: the application was amended while it was checked")

// amendRound names the amendment r's submitted application comes from:
// the newest amend task done, or "" for the application as submitted.
func (r *record) amendRound() string {
	for i := len(r.st.Tasks) - 1; i >= 0; i-- {
		if t := r.st.Tasks[i]; t.Kind == KindAmend && t.State == TaskDone {
			return t.ID
		}
	}
	return ""
}

// recheck is one run of RecheckBy: the checks of the application as read,
// taken into it unless it was amended since (errAmendedMeanwhile).
func (s *Service) recheck(ctx context.Context, id, actor string) (*Application, error) {
	first, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if first.position() != posVerifying {
		return nil, &TransitionError{Action: ActionRecheck, From: positionName(first.position())}
	}
	round := first.amendRound()
	sb, err := s.checkSandbox(ctx, first.st.Submitted, first.st.Sandbox)
	if err != nil {
		return nil, err
	}
	var rep *verifier.Report
	if sb == nil || !refused(sb.Outcome) {
		if rep, err = s.verify(ctx, first.st.Submitted, sb); err != nil {
			return nil, err
		}
	}
	// disputed are the registry identities the new report learnt (the
	// other form of an HPR id) that another application turned out to
	// hold: under WithIdentityDisputes staff decide (identity_dispute);
	// without, the application is rejected, as at submission — rather than
	// the check failing on every run.
	var disputed []*registry.ClaimError
	recheck := func(r *record) error {
		if r.amendRound() != round {
			return errAmendedMeanwhile
		}
		if err := r.transition(ActionRecheck, actor, ""); err != nil {
			return err
		}
		r.st.Sandbox = sb
		if sb != nil && refused(sb.Outcome) {
			return s.reject(r, actorSystem, []string{fmt.Sprintf("%s: %s", verifier.ReqSandboxCertificate, sb.Message)})
		}
		for _, ce := range disputed {
			if !slices.Contains(r.st.Disputed, ce.Claim) {
				r.st.Disputed = append(r.st.Disputed, ce.Claim)
				s.askStaff(r, s.disputeTask(r, ce))
			}
		}
		return s.applyReport(ctx, r, rep)
	}
	// rejectFor rejects the application, recheck recorded, for reason.
	rejectFor := func(reason string) (*record, error) {
		return s.mutate(ctx, id, func(r *record) error {
			if r.amendRound() != round {
				return errAmendedMeanwhile
			}
			if err := r.transition(ActionRecheck, actor, ""); err != nil {
				return err
			}
			return s.reject(r, actorSystem, []string{reason})
		})
	}
	r, err := s.mutateFrom(ctx, id, first, recheck)
	for err != nil && len(disputed) < registry.MaxClaims {
		var taken *claimTakenError
		if !errors.As(err, &taken) {
			break
		}
		if !isIdentity(taken.claim.Claim) {
			// Single-use evidence the checks could settle only now (a
			// certificate whose sandbox could not be asked at submission)
			// that another participant spent meanwhile: the application
			// is refused it, as at submission, rather than every recheck
			// failing while it waits.
			r, err = rejectFor(taken.reason)
			break
		}
		if !learnt(rep, taken.claim.Claim) ||
			slices.ContainsFunc(disputed, func(ce *registry.ClaimError) bool { return ce.Claim == taken.claim.Claim }) {
			break
		}
		if !s.disputes {
			// As at submission: without WithIdentityDisputes, an identity
			// another holds rejects the application.
			r, err = rejectFor(taken.reason)
			break
		}
		disputed = append(disputed, taken.claim)
		r, err = s.mutate(ctx, id, recheck)
	}
	if err != nil {
		return nil, err
	}
	return s.afterTasks(ctx, r)
}

// learnt reports whether claim is one of rep's results' claims.
func learnt(rep *verifier.Report, claim string) bool {
	if rep == nil {
		return false
	}
	for _, res := range rep.Requirements {
		for _, c := range res.Claims {
			if boundClaim(c) == claim {
				return true
			}
		}
	}
	return false
}

// bindSandbox checks that a participant certificate belongs to the
// applicant: its sub is the application's sandbox_participant_code and its
// participant_name, when it has one, names the applicant. A solution
// certificate certifies software, not the applicant, and is not bound.
func bindSandbox(cert *sandbox.Certificate, app *hcxonboard.Application) (string, verifier.Outcome) {
	if cert.Kind == sandbox.KindSolution {
		return "", verifier.Satisfied
	}
	code := strings.TrimSpace(app.SandboxParticipantCode)
	switch {
	case code == "":
		return "the certificate certifies a participant: give sandbox_participant_code, the code the sandbox knew you by (the certificate's sub)", verifier.Missing
	case code != cert.Subject:
		return fmt.Sprintf("the certificate was issued to sandbox participant %q, not to %q (sandbox_participant_code)", clip(cert.Subject), clip(code)), verifier.Invalid
	case cert.ParticipantName != "" && !verifier.CertifiedName(app, cert.ParticipantName):
		return fmt.Sprintf("the certificate was issued to %q, not to %q (participant_name)", clip(cert.ParticipantName), clip(app.ParticipantName)), verifier.Invalid
	}
	return "", verifier.Satisfied
}

// judge runs steps 1 and 2's checks on app: the sandbox certificate, then
// the checks that need no registry — an application they find incomplete
// or invalid is a *RefusedError, and nothing should be stored; one holding
// text no store keeps as given (a NUL, invalid UTF-8) where no check
// looks is ErrInvalidArgument — then the online checks. The certificate is judged once, by the engine or the
// verifier.
func (s *Service) judge(ctx context.Context, app *hcxonboard.Application) (*SandboxResult, *verifier.Report, error) {
	sb, err := s.checkSandbox(ctx, app, nil)
	if err != nil {
		return nil, nil, err
	}
	offline, err := s.verify(verifier.Offline(ctx), app, sb)
	if err != nil {
		return nil, nil, err
	}
	if offline.Verdict != verifier.VerdictReady {
		return nil, nil, &RefusedError{Report: offline}
	}
	if path := registry.UnstorableText(app); path != "" {
		// Text no check reads (an address line, say) holding what no
		// store keeps as given: the checks judged the rest.
		return nil, nil, fmt.Errorf("%w: the application's %s is not UTF-8 text without NUL", ErrInvalidArgument, path)
	}
	var over *verifier.Result
	if res, ok := offline.Result(verifier.ReqSandboxCertificate); ok && app.SandboxCertificate != "" {
		over = &res
	}
	report, err := s.verifyOver(ctx, app, over)
	if err != nil {
		return nil, nil, err
	}
	return sb, report, nil
}
