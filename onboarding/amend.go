package onboarding

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Actions of a send-back round.
const (
	ActionSendBack = "send_back" // a reviewer returns the application to the applicant
	ActionAmend    = "amend"     // the applicant's corrected application, verified again
)

// KindAmend is the task an application sent back waits on: the applicant
// corrects what the reviewer named (Amend).
const KindAmend = "amend"

// RequirementAmendment is the requirement of an amend task.
const RequirementAmendment verifier.RequirementID = "amendment"

// SendBack returns a verifying application to its applicant, naming what
// to fix, instead of rejecting it: an amend task opens, the applicant is
// told, and the application waits for Amend. Every round stays in the
// audit trail.
func (s *Service) SendBack(ctx context.Context, id, actor, fix string) (*Application, error) {
	actor, fix = strings.TrimSpace(actor), strings.TrimSpace(fix)
	if actor == "" || fix == "" {
		return nil, fmt.Errorf("%w: sending back needs who and what to fix", ErrInvalidArgument)
	}
	if err := checkReason(fix); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		for _, t := range r.st.Tasks {
			if t.Kind == KindAmend && t.State == TaskOpen {
				return &TransitionError{Action: ActionSendBack, Task: t.ID, From: t.State, Reason: "it already waits on the applicant's amendment"}
			}
		}
		if err := r.transition(ActionSendBack, actor, clip(fix)); err != nil {
			return err
		}
		t := r.addTask(KindAmend, RequirementAmendment, fix)
		t.Recipient, t.DecidedBy = "applicant", actor
		if to := r.st.Submitted.PrimaryEmail; to != "" {
			r.notify(Message{
				Kind:    MessageSentBack,
				To:      to,
				Subject: "Your HCX onboarding application needs a correction",
				Body:    fmt.Sprintf("Please correct application %s and submit the amendment: %s", r.app.ID, fix),
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// Amend takes the applicant's corrected application for one that was sent
// back and verifies it again from the start: the offline checks first (an
// amendment they refuse is a *RefusedError and changes nothing), then the
// sandbox certificate and the online checks. Every earlier task is
// superseded and the tasks the new report needs open afresh (one-time
// codes are sent again, reviews asked again); the participant's registry
// fields follow the amendment; identities are claimed anew. The
// application_id cannot change.
func (s *Service) Amend(ctx context.Context, id string, app *hcxonboard.Application) (*Application, error) {
	if err := checkShape(app); err != nil {
		return nil, err
	}
	app = app.Clone()
	app.Roles = hcxonboard.CanonicalRoles(app.Roles)
	first, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if first.openTask(KindAmend) == nil {
		return nil, &TransitionError{Action: ActionAmend, From: positionName(first.position()), Reason: "it was not sent back for an amendment"}
	}
	if app.ApplicationID != first.st.Submitted.ApplicationID {
		return nil, fmt.Errorf("%w: application_id cannot change in an amendment", ErrInvalidArgument)
	}
	sb, report, err := s.judge(ctx, app)
	if err != nil {
		return nil, err
	}
	// contested are the registry identities the amendment claims that
	// another application turned out to hold: under WithIdentityDisputes
	// staff decide them again, as at submission; without, the amendment
	// is refused with ErrIdentityTaken and changes nothing.
	contested := make(map[string]*registry.ClaimError)
	amend := func(r *record) error {
		t := r.openTask(KindAmend)
		if t == nil {
			return &TransitionError{Action: ActionAmend, From: positionName(r.position()), Reason: "it was not sent back for an amendment"}
		}
		if err := r.transition(ActionAmend, actorApplicant, "task "+t.ID+": the applicant amended the application; verified again"); err != nil {
			return err
		}
		for _, x := range r.st.Tasks {
			if x.State == TaskOpen || x.State == TaskLocked || x.State == TaskDone {
				x.State, x.Reason, x.UpdatedAt = TaskSuperseded, "superseded by the amendment", r.now
				x.Hash, x.Salt = "", ""
			}
		}
		t.State, t.Reason = TaskDone, "amended"
		if hfrFacilityID(r.st.Submitted) != hfrFacilityID(app) {
			// The facility changed: its manager's decline code and what
			// HFR told after that manager's consent no longer concern
			// this application.
			r.st.Decline, r.st.FacilityType = nil, ""
		}
		r.st.Submitted = app
		r.st.Sandbox = sb
		r.st.Disputed = slices.Sorted(maps.Keys(contested))
		r.st.Aliases = nil // HPR's authentication is asked again, and says again
		if r.part != nil {
			refreshed := newParticipant(app, r.part.ParticipantCode, r.now, report)
			refreshed.CreatedAt = r.part.CreatedAt
			if c := solutionCode(sb); c != "" {
				refreshed.LinkedRegistryCodes = append(refreshed.LinkedRegistryCodes, c)
			}
			r.part = refreshed
			r.partChanged = true
			r.st.Sources = applicantSources(r.part)
		}
		if sb != nil && refused(sb.Outcome) {
			return s.reject(r, actorSystem, []string{fmt.Sprintf("%s: %s", verifier.ReqSandboxCertificate, sb.Message)})
		}
		for _, c := range r.st.Disputed {
			s.askStaff(r, s.disputeTask(r, contested[c]))
		}
		r.unpublishDisputed()
		return s.applyReport(ctx, r, report)
	}
	r, err := s.mutateFrom(ctx, id, first, amend)
	for err != nil && s.disputes && len(contested) < registry.MaxClaims {
		var taken *claimTakenError
		if !errors.As(err, &taken) || !isIdentity(taken.claim.Claim) || contested[taken.claim.Claim] != nil {
			break
		}
		contested[taken.claim.Claim] = taken.claim
		r, err = s.mutate(ctx, id, amend)
	}
	if err != nil {
		return nil, err
	}
	return s.afterTasks(ctx, r)
}

// openTask returns the first open task of kind.
func (r *record) openTask(kind string) *taskState {
	for _, t := range r.st.Tasks {
		if t.Kind == kind && t.State == TaskOpen {
			return t
		}
	}
	return nil
}
