package onboarding

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Decide settles an approval or review task: the empanelling payer's
// answer, or a staff member's (or regulator's, or ROHINI admin's) review.
// Approval closes the task and, when nothing else waits, moves the
// application to step 3; rejection rejects the application with the
// reviewer's reason. A reviewer is required, and a reason to reject.
func (s *Service) Decide(ctx context.Context, id, taskID string, d Decision) (*Application, error) {
	d.Reviewer, d.Reason = strings.TrimSpace(d.Reviewer), strings.TrimSpace(d.Reason)
	if d.Reviewer == "" {
		return nil, fmt.Errorf("%w: a decision needs a reviewer", ErrInvalidArgument)
	}
	if !d.Approve && d.Reason == "" {
		return nil, fmt.Errorf("%w: a rejection needs a reason", ErrInvalidArgument)
	}
	if err := checkReason(d.Reason); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		t, err := r.task(taskID)
		if err != nil {
			return err
		}
		if d.Seen != "" && d.Seen != t.fingerprint() {
			return fmt.Errorf("%w: task %s changed since it was shown (its message, findings or document): reload it and decide on what it says now", ErrConflict, t.ID)
		}
		return s.settle(r, t, d)
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// settle records decision d on task t: approval closes it (and, when
// nothing else waits, moves the application to step 3), rejection rejects
// the application. Staff deciding an approval request record that they
// answered on the payer's behalf.
func (s *Service) settle(r *record, t *taskState, d Decision) error {
	action := ActionApprove
	if !d.Approve {
		action = ActionReject
	}
	switch t.Kind {
	case KindApproval, KindReview:
	case KindOTP:
		return &TransitionError{Action: action, Task: t.ID, From: t.State, Reason: "a one-time code task is settled by confirming its code"}
	case KindUpload:
		if d.Approve {
			return &TransitionError{Action: action, Task: t.ID, From: t.State, Reason: "only the document settles it: upload it, then staff review it"}
		}
	case KindCertificateExpired:
		return &TransitionError{Action: action, Task: t.ID, From: t.State, Reason: "it closes when the participant registers a new certificate (PUT …/details)"}
	case KindAmend:
		return &TransitionError{Action: action, Task: t.ID, From: t.State, Reason: "the applicant settles it by amending the application (PATCH …/applications/{id})"}
	default:
		return &TransitionError{Action: action, Task: t.ID, From: t.State, Reason: "a registry task is settled when the checks run again"}
	}
	if t.State != TaskOpen {
		return &TransitionError{Action: action, Task: t.ID, From: t.State}
	}
	if d.Approve && s.readFirst && t.Kind == KindReview && t.Document != "" && !r.hasRead(t.Document, d.Reviewer) {
		return fmt.Errorf("%w: %s has not opened document %s, which task %s (%s) asks a person to read: open it — "+
			"on the application's page in the console, or GET /v1/onboarding/staff/applications/%s/documents/%s — then approve",
			ErrNotRead, clip(d.Reviewer), t.Document, t.ID, t.Requirement, r.app.ID, t.Document)
	}
	t.DecidedBy, t.Reason, t.UpdatedAt = d.Reviewer, d.Reason, r.now
	onBehalf := ""
	if t.Kind == KindApproval && d.Reviewer != PayerActor(t.Recipient) {
		onBehalf = " (on behalf of " + payerOf(r.st.Submitted, t.Recipient) + ")"
	}
	if d.Approve {
		t.State = TaskDone
		if t.Kind == KindReview && t.Requirement == verifier.ReqSandboxCertificate && r.st.Sandbox != nil && !r.st.Sandbox.Trusted {
			r.st.SandboxApproved = sandboxClaim(r.st.Sandbox)
		}
		if t.Kind == KindApproval && (t.Requirement == verifier.ReqPayerApproval || slices.Contains(t.Covers, verifier.ReqPayerApproval)) {
			// The payer vouched for the empanelment the proof shows: the
			// proof now backs this participant alone, as one whose
			// signature was checked does.
			r.st.ProofApproved = proofClaim(r.st.Submitted)
		}
		if t.Claim != "" {
			// The identity is taken now; the write fails with
			// ErrIdentityTaken while its holder is not Inactive.
			r.st.Disputed = slices.DeleteFunc(r.st.Disputed, func(c string) bool { return c == t.Claim })
			r.publishApproved(t.Claim)
		}
		if err := r.transition(ActionApprove, d.Reviewer, fmt.Sprintf("task %s (%s) approved%s: %s", t.ID, t.Requirement, onBehalf, d.Reason)); err != nil {
			return err
		}
		return r.maybeVerified()
	}
	t.State = TaskRejected
	who := "the reviewer"
	if t.Kind == KindApproval {
		who = "the empanelling payer"
	}
	return s.reject(r, d.Reviewer, []string{fmt.Sprintf("%s: rejected by %s (%s%s): %s", t.Requirement, who, d.Reviewer, onBehalf, d.Reason)})
}

// payerOf names, for the audit trail, the payer an approval request to
// recipient stands for: its participant code, or, for a request that went
// to staff (the payer is not on this HCX), the payer the application
// names, whom staff ask by other means.
func payerOf(app *hcxonboard.Application, recipient string) string {
	if recipient != Staff {
		return "payer " + recipient
	}
	if e := app.Empanelment; e != nil {
		if name := firstNonEmpty(e.PayerName, e.Scheme, e.PayerCode); name != "" {
			return fmt.Sprintf("payer %q, which is not on this HCX", clip(name))
		}
	}
	return "a payer that is not on this HCX"
}

// Withdraw ends an application that has not gone live, at the applicant's
// request. Its participant becomes Inactive and any secret is revoked.
// Actor and reason are required.
func (s *Service) Withdraw(ctx context.Context, id, actor, reason string) (*Application, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("%w: a withdrawal needs a reason", ErrInvalidArgument)
	}
	return s.simple(ctx, id, ActionWithdraw, actor, reason, func(r *record) {
		r.revokeSecrets()
	})
}

// MaxReasonLength is the longest reason a person may give (in bytes of
// UTF-8): for a decision, a withdrawal, a suspension, a reinstatement, a
// de-boarding, an appeal or a compromise report. Reasons are kept whole in
// the audit trail, which staff read whole.
const MaxReasonLength = 1000

// MaxNoteLength is the longest of each go-live note (Checklist.PilotNotes
// and Note, in bytes of UTF-8): room for a reason and who confirmed it.
const MaxNoteLength = 4 * MaxReasonLength

// checkReason refuses a reason longer than MaxReasonLength, not UTF-8, or
// holding a NUL (which PostgreSQL cannot store in text).
func checkReason(reason string) error {
	return checkText(reason, "reason", MaxReasonLength)
}

// checkText refuses a person's text (what names it) longer than max
// bytes, not UTF-8, or holding a NUL (which PostgreSQL cannot store).
func checkText(text, what string, max int) error {
	switch {
	case len(text) > max:
		return fmt.Errorf("%w: a %s may be at most %d bytes; this one has %d", ErrInvalidArgument, what, max, len(text))
	case !utf8.ValidString(text):
		return fmt.Errorf("%w: a %s must be UTF-8 text", ErrInvalidArgument, what)
	case strings.ContainsRune(text, 0):
		return fmt.Errorf("%w: a %s may not hold a NUL character", ErrInvalidArgument, what)
	}
	return nil
}

// checkActorReason is what a staff action checks before anything else:
// it names an actor, and its reason can be stored (checkReason).
func checkActorReason(action, actor, reason string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: %s needs an actor", ErrInvalidArgument, action)
	}
	return checkReason(reason)
}

// simple runs an action whose whole effect is the transition, plus extra.
func (s *Service) simple(ctx context.Context, id, action, actor, reason string, extra func(r *record)) (*Application, error) {
	if err := checkActorReason(action, actor, reason); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		if err := r.transition(action, actor, reason); err != nil {
			return err
		}
		if extra != nil {
			extra(r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// GoLive is step 5: it activates a provisioned participant once the go-live
// checklist is confirmed (pilot completed, staff trained, confirmed by a
// named person). The participant becomes Active and the onboarded broadcast
// goes out. From any stage but credentials it is a *TransitionError; in
// credentials but without a live secret, a valid encryption certificate
// (and signing certificate, when one was given) or a confirmed checklist it
// is ErrNotReady naming what is missing. Its
// notes (PilotNotes, Note) are each at most MaxNoteLength.
func (s *Service) GoLive(ctx context.Context, id string, c Checklist) (*Application, error) {
	c.ConfirmedBy = strings.TrimSpace(c.ConfirmedBy)
	for _, text := range []string{c.PilotNotes, c.Note} {
		if err := checkText(text, "go-live note", MaxNoteLength); err != nil {
			return nil, err
		}
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		note := strings.TrimSpace(strings.Join([]string{c.PilotNotes, c.Note}, " "))
		if err := r.transition(ActionGoLive, firstNonEmpty(c.ConfirmedBy, actorApplicant), note); err != nil {
			return err
		}
		if c.DetailsSeen != "" && (r.st.Details == nil || c.DetailsSeen != detailsDigest(r.st.Details)) {
			return fmt.Errorf("%w: the participant's step-3 details (endpoint, certificates, contacts) changed since they were shown: reload them and check them again", ErrConflict)
		}
		var missing []string
		if !liveSecrets(r.st.Secrets, r.now) {
			missing = append(missing, "production credentials are not provisioned")
		}
		for _, t := range r.st.Tasks {
			if t.State != TaskDone && t.State != TaskSuperseded {
				missing = append(missing, fmt.Sprintf("task %s is %s", t.ID, t.State))
			}
		}
		if d := r.st.Details; d == nil {
			missing = append(missing, "step-3 details are missing")
		} else {
			if !r.now.Before(d.EncryptionCertExpiry) {
				missing = append(missing, "the encryption certificate has expired")
			}
			if !d.SigningCertExpiry.IsZero() && !r.now.Before(d.SigningCertExpiry) {
				// The network verifies the participant's signatures with it.
				missing = append(missing, "the signing certificate has expired")
			}
		}
		if why := s.readinessMissing(r); why != "" {
			missing = append(missing, why)
		}
		missing = append(missing, s.checklistMissing(c)...)
		if c.ConfirmedBy == "" {
			missing = append(missing, "no one confirmed the checklist")
		}
		if s.fourEyes && c.ConfirmedBy != "" {
			for _, t := range r.st.Tasks {
				if samePerson(t.approver(), c.ConfirmedBy) {
					return fmt.Errorf("%w: %s approved task %s (%s) of this application; another person takes it live",
						ErrFourEyes, c.ConfirmedBy, t.ID, t.Requirement)
				}
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("%w: %s", ErrNotReady, strings.Join(missing, "; "))
		}
		r.st.Checklist = &ChecklistRecord{Checklist: c, ConfirmedAt: r.now}
		p := r.part
		r.notify(Message{
			Kind:    MessageOnboarded,
			To:      Broadcast,
			Subject: fmt.Sprintf("%s joined the HCX", p.ParticipantName),
			Body: fmt.Sprintf("%s (%s) was onboarded on %s on %s. Transactions with it can be initiated using %s.",
				p.ParticipantName, rolesText(p.Roles), s.instance, r.now.Format("02-01-2006"), p.ParticipantCode),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

func rolesText(roles []hcxonboard.Role) string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return strings.Join(out, ", ")
}

// Suspend blocks an Active participant (status Blocked): its tokens stop
// working until Reinstate. A participant the scheduler suspended for an
// expired certificate (Application.SuspendedAtExpiry) may be suspended
// too: staff take the suspension over (ActionSuspendTakeover), and valid
// certificates no longer end it; only Reinstate does. The participant is
// told of either. A participant staff or the facility manager's decline
// suspended is a *TransitionError. Actor and reason are required.
func (s *Service) Suspend(ctx context.Context, id, actor, reason string) (*Application, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("%w: a suspension needs a reason", ErrInvalidArgument)
	}
	if err := checkActorReason(ActionSuspend, actor, reason); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		action, body := ActionSuspend, "Reason: "+reason
		if r.position() == posBlocked {
			if !r.st.SuspendedAtExpiry {
				return &TransitionError{Action: ActionSuspend, From: posBlocked, To: posBlocked,
					Reason: "already suspended by staff or by the facility manager's decline: only staff end that suspension, by reinstating the participant"}
			}
			// Suspended for an expired certificate, which new ones would
			// end: staff make it theirs, for a reason of their own.
			action = ActionSuspendTakeover
			body = "Registering a new certificate no longer ends this suspension: only the HCX operator does. " + body
		}
		if err := r.transition(action, actor, reason); err != nil {
			return err
		}
		r.st.SuspendedAtExpiry = false
		r.tell(MessageSuspended, "Your HCX participation is suspended", body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// Reinstate ends a suspension (Blocked → Active). Actor and reason are
// required.
func (s *Service) Reinstate(ctx context.Context, id, actor, reason string) (*Application, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("%w: a reinstatement needs a reason", ErrInvalidArgument)
	}
	return s.simple(ctx, id, ActionReinstate, actor, reason, func(r *record) {
		r.st.SuspendedAtExpiry = false
		r.tell(MessageReinstated, "Your HCX participation is reinstated", reason)
	})
}

// tell queues a message to the participant's primary e-mail.
func (r *record) tell(kind, subject, body string) {
	if r.part != nil && r.part.PrimaryEmail != "" {
		r.notify(Message{Kind: kind, To: r.part.PrimaryEmail, Subject: subject, Body: body})
	}
}

// Deboard takes a participant off the network. A voluntary de-boarding
// (moving to another HCX, closing down) makes it Inactive at once. One
// initiated by a regulator or by the HCX is announced first: the
// participant is warned and may Appeal during the notice period, after
// which ProcessDeboardings makes it Inactive. Secrets are revoked when it
// takes effect. From its effective time the participant is off the
// network whether or not the sweep has run: Token, VerifyToken and the
// payer calls refuse it, and RegistryPayers no longer lists its key.
func (s *Service) Deboard(ctx context.Context, id string, req DeboardRequest) (*Application, error) {
	req.Actor, req.Reason = strings.TrimSpace(req.Actor), strings.TrimSpace(req.Reason)
	switch {
	case req.Actor == "":
		return nil, fmt.Errorf("%w: a de-boarding needs an actor", ErrInvalidArgument)
	case req.Reason == "":
		return nil, fmt.Errorf("%w: a de-boarding needs a reason", ErrInvalidArgument)
	}
	if err := checkReason(req.Reason); err != nil {
		return nil, err
	}
	switch req.Initiator {
	case InitiatorVoluntary:
		r, err := s.mutate(ctx, id, func(r *record) error {
			if strings.HasPrefix(req.Actor, "staff:") && r.st.Deboarding.Pending() {
				// The notice of an announced de-boarding is the
				// participant's, to appeal in: staff do not cut it short.
				// The participant may still leave sooner itself.
				return &TransitionError{Action: ActionDeboard, From: positionName(r.position()),
					Reason: "a de-boarding is announced for " + r.st.Deboarding.EffectiveAt.Format(time.RFC3339) +
						": staff cannot make it take effect sooner; the participant may leave sooner itself, with its step-up code"}
			}
			if !s.noStepUp && !strings.HasPrefix(req.Actor, "staff:") {
				if _, ok := edges[edge{r.position(), ActionDeboard}]; !ok {
					return &TransitionError{Action: ActionDeboard, From: positionName(r.position())}
				}
				if ok, err := s.stepUp(r, StepUpDeboard, req.StepUpCode, req.Actor); !ok {
					return err
				}
			}
			if err := r.transition(ActionDeboard, req.Actor, "voluntary: "+req.Reason); err != nil {
				return err
			}
			r.st.Deboarding = &Deboarding{Initiator: req.Initiator, Actor: req.Actor, Reason: req.Reason,
				RequestedAt: r.now, EffectiveAt: r.now, DoneAt: r.now}
			s.deboarded(r)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return s.view(r), nil
	case InitiatorRegulator, InitiatorHCX:
	default:
		return nil, fmt.Errorf("%w: de-boarding initiator %q (want %s, %s or %s)", ErrInvalidArgument,
			clip(req.Initiator), InitiatorVoluntary, InitiatorRegulator, InitiatorHCX)
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		if r.st.Deboarding.Pending() {
			return &TransitionError{Action: ActionDeboardWarning, From: r.position(),
				Reason: "a de-boarding is already announced for " + r.st.Deboarding.EffectiveAt.Format(time.RFC3339)}
		}
		effective := r.now.Add(s.notice)
		if err := r.transition(ActionDeboardWarning, req.Actor,
			fmt.Sprintf("%s-initiated, effective %s: %s", req.Initiator, effective.Format(time.RFC3339), req.Reason)); err != nil {
			return err
		}
		r.st.Deboarding = &Deboarding{Initiator: req.Initiator, Actor: req.Actor, Reason: req.Reason,
			RequestedAt: r.now, EffectiveAt: effective}
		r.tell(MessageDeboardWarning, "Warning: your HCX participation will end",
			fmt.Sprintf("De-boarding initiated by the %s takes effect on %s unless you appeal. Reason: %s",
				req.Initiator, effective.Format("02-01-2006"), req.Reason))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// deboarded finishes a de-boarding inside a write: secrets revoked, the
// network told.
func (s *Service) deboarded(r *record) {
	r.revokeSecrets()
	r.notify(Message{
		Kind:    MessageDeboarded,
		To:      Broadcast,
		Subject: fmt.Sprintf("%s left the HCX", r.part.ParticipantName),
		Body: fmt.Sprintf("%s (%s) was de-boarded from %s on %s.",
			r.part.ParticipantName, r.part.ParticipantCode, s.instance, r.now.Format("02-01-2006")),
	})
}

// Appeal stops an announced involuntary de-boarding (grievance redressal);
// the participant stays as it is. Without an announced de-boarding it is a
// *TransitionError.
func (s *Service) Appeal(ctx context.Context, id, actor, reason string) (*Application, error) {
	if strings.TrimSpace(actor) == "" || strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("%w: an appeal needs an actor and a reason", ErrInvalidArgument)
	}
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		if !r.st.Deboarding.Pending() {
			return &TransitionError{Action: ActionAppeal, From: positionName(r.position()), Reason: "no de-boarding is announced"}
		}
		if !r.now.Before(r.st.Deboarding.EffectiveAt) {
			// The notice period is over: the de-boarding stands, whether
			// or not the sweep has made it take effect yet.
			return &TransitionError{Action: ActionAppeal, From: positionName(r.position()), Reason: "the notice period is over"}
		}
		if err := r.transition(ActionAppeal, actor, reason); err != nil {
			return err
		}
		d := r.st.Deboarding
		d.AppealedBy, d.AppealReason, d.AppealedAt = actor, reason, r.now
		r.tell(MessageAppealReceived, "Your appeal stopped the de-boarding", reason)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// ProcessDeboardings makes Inactive every participant whose announced
// de-boarding reached its date without an appeal, and returns how many.
// Call it periodically; replicas may call it at once (each de-boarding
// happens once).
func (s *Service) ProcessDeboardings(ctx context.Context) (int, error) {
	return s.sweep(ctx, registry.ApplicationFilter{Stage: registry.StageLive, Waiting: WaitingDeboarding}, "announced de-boardings", s.deboardDue)
}

// deboardDue carries out r's announced de-boarding if its date came
// without an appeal, and answers errSkip otherwise.
func (s *Service) deboardDue(r *record) error {
	d := r.st.Deboarding
	if !d.Pending() || r.now.Before(d.EffectiveAt) {
		return errSkip
	}
	if err := r.transition(ActionDeboard, actorSystem,
		fmt.Sprintf("%s-initiated de-boarding took effect: %s", d.Initiator, d.Reason)); err != nil {
		return err
	}
	d.DoneAt = r.now
	s.deboarded(r)
	return nil
}

// sweep applies op to every application f selects, page by page, and
// counts the changes it made. op answers errSkip when there is nothing to
// do; an application another replica changed first (a transition no
// longer allowed) is skipped too, so replicas may sweep at once and each
// change happens once.
func (s *Service) sweep(ctx context.Context, f registry.ApplicationFilter, what string, op func(r *record) error) (int, error) {
	done := 0
	var errs []error
	each := s.eachApplication
	if dl, ok := s.store.(registry.DueLister); ok && f.Waiting != "" {
		// What a sweep does falls due by a date the application's due
		// time covers: the due index gives those whose time came, in
		// keyset steps, and not every application that waits.
		each = func(ctx context.Context, f registry.ApplicationFilter, fn func([]registry.Application) error) error {
			return eachDue(ctx, dl, s.clock(), f, fn)
		}
	}
	err := each(ctx, f, func(page []registry.Application) error {
		for i := range page {
			_, err := s.mutate(ctx, page[i].ID, op)
			switch {
			case err == nil:
				done++
			case errors.Is(err, errSkip), errors.Is(err, ErrIllegalTransition):
			default:
				errs = append(errs, err)
			}
		}
		return nil
	})
	if err != nil {
		return done, fmt.Errorf("onboarding: list %s: %w", what, err)
	}
	return done, errors.Join(errs...)
}

// eachDue hands fn, page by page, the applications due by now (the due
// index, registry.DueLister) that match f's stage and waiting kind.
func eachDue(ctx context.Context, dl registry.DueLister, now time.Time, f registry.ApplicationFilter,
	fn func([]registry.Application) error) error {
	for cursor := ""; ; {
		page, err := dl.DueApplications(ctx, now, registry.MaxLimit, cursor)
		if err != nil {
			return err
		}
		var match []registry.Application
		for _, a := range page.Items {
			if (f.Stage == "" || a.Stage == f.Stage) && slices.Contains(a.Waiting, f.Waiting) {
				match = append(match, a)
			}
		}
		if len(match) > 0 {
			if err := fn(match); err != nil {
				return err
			}
		}
		if page.Next == "" || len(page.Items) == 0 {
			return nil
		}
		cursor = page.Next
	}
}

// errSkip tells mutate's caller that op found nothing to do.
var errSkip = errors.New("onboarding: nothing to do")

// ExpiringCertificates lists the encryption and signing certificates of
// participants that are not Inactive and that expire within the given
// time from now (or have expired), soonest first: the operator warns them
// (the reference platform does so 15, 10 and 5 days ahead).
func (s *Service) ExpiringCertificates(ctx context.Context, within time.Duration) ([]CertificateExpiry, error) {
	if within < 0 {
		return nil, fmt.Errorf("%w: negative window %v", ErrInvalidArgument, within)
	}
	now := s.clock()
	limit := now.Add(within)
	var out []CertificateExpiry
	err := s.eachExpiring(ctx, limit, func(page []hcxonboard.Participant) error {
		out = append(out, expiries(page, now, limit)...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("onboarding: search participants: %w", err)
	}
	sortExpiries(out)
	return out, nil
}

// eachExpiring calls fn with pages holding every participant, Inactive
// ones aside, with a certificate expiring by the given time. A store that
// indexes the expiries (registry.CertificateExpiries) is paged through
// them by cursor and reads only those participants; any other store is
// paged through every participant that is not Inactive, which fn then
// filters.
func (s *Service) eachExpiring(ctx context.Context, by time.Time, fn func([]hcxonboard.Participant) error) error {
	x, ok := s.store.(registry.CertificateExpiries)
	if !ok {
		q := registry.Query{Filters: map[string]registry.Condition{registry.FieldStatus: registry.Neq(string(hcxonboard.StatusInactive))}}
		return s.eachParticipant(ctx, q, fn)
	}
	cursor := ""
	for {
		page, err := x.CertificatesExpiring(ctx, by, registry.MaxLimit, cursor)
		if err != nil {
			return err
		}
		if err := fn(page.Items); err != nil {
			return err
		}
		if page.Next == "" || len(page.Items) < registry.MaxLimit {
			return nil
		}
		cursor = page.Next
	}
}

func sortExpiries(xs []CertificateExpiry) {
	slices.SortFunc(xs, func(a, b CertificateExpiry) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt),
			cmp.Compare(a.ParticipantCode, b.ParticipantCode),
			cmp.Compare(a.Certificate, b.Certificate))
	})
}

// samePerson reports whether two staff ids name one person for the
// four-eyes rule: ids are compared without regard to case or surrounding
// space, since an operator's sign-on may hand one member's id in either
// spelling (an e-mail address, say).
func samePerson(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
