package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// DefaultRegistryWait is how long an application may wait on a registry's
// own process (an HFR facility still Draft or Submitted) before
// ExpireWaiting rejects it.
const DefaultRegistryWait = 30 * 24 * time.Hour

// Sources of a participant's registry fields (Application.Sources).
const (
	SourceApplicant = "applicant" // typed by the applicant
	SourceHFR       = "hfr"       // read from HFR after the manager's consent
	SourceHPR       = "hpr"       // read from HPR after the professional authenticated
	SourceRohini    = "rohini"
	SourceStaff     = "staff"
)

// WithProfessionalAuth sets the HPR client with which practitioners prove
// they are the professional: HPR sends its own one-time code (Aadhaar OTP
// or mobile OTP, as the professional's profile offers, in the order of
// methods; default Aadhaar first) and the professional confirms it with
// ConfirmOTP. Without it, the hpr_auth requirement becomes a staff review.
// *hfr.Client satisfies verifier.ProfessionalAuth.
func WithProfessionalAuth(p verifier.ProfessionalAuth, methods ...hfr.HPRAuthMethod) Option {
	return func(s *Service) error {
		if p == nil {
			return fmt.Errorf("%w: nil professional auth", ErrInvalidOption)
		}
		if len(methods) == 0 {
			methods = []hfr.HPRAuthMethod{hfr.HPRAadhaarOTP, hfr.HPRMobileOTP}
		}
		for _, m := range methods {
			if m != hfr.HPRAadhaarOTP && m != hfr.HPRMobileOTP {
				return fmt.Errorf("%w: HPR authentication method %q", ErrInvalidOption, m)
			}
		}
		s.professional, s.hprMethods = p, methods
		return nil
	}
}

// WithRegistryWait sets how long an application may wait on a registry's
// own process before ExpireWaiting rejects it (default
// DefaultRegistryWait).
func WithRegistryWait(d time.Duration) Option {
	return func(s *Service) error {
		if d <= 0 {
			return fmt.Errorf("%w: registry wait %s is not positive", ErrInvalidOption, d)
		}
		s.registryWait = d
		return nil
	}
}

// sendProfessionalOTP has HPR send its authentication code to the
// professional for the hpr task taskID of first, trying the methods in
// order until HPR offers one, and records the transaction. A resend is
// counted in the store before HPR is asked, like HFR's. When HPR offers
// none of the methods, or does not know the professional, a staff review
// takes the task's place.
func (s *Service) sendProfessionalOTP(ctx context.Context, first *record, taskID string, resend bool) (*record, error) {
	t, err := first.task(taskID)
	if err != nil {
		return nil, err
	}
	id := first.app.ID
	if resend {
		if first, t, err = s.reserveResend(ctx, first, taskID, "HPR"); err != nil {
			return nil, err
		}
	} else if t.State != TaskOpen || t.TxnID != "" || first.position() != posVerifying {
		return first, nil
	}
	var txn hfr.HPRAuthTransaction
	var sendErr error
	for _, m := range s.hprMethods {
		txn, sendErr = guard(ctx, s, "HPR's authentication client", hfr.ErrUnavailable, func() (hfr.HPRAuthTransaction, error) {
			return s.professional.StartHPRAuth(ctx, t.ProfessionalID, m)
		})
		if !errors.Is(sendErr, hfr.ErrAuthMethodUnavailable) {
			break
		}
	}
	if sendErr == nil && txn.TransactionID == "" {
		sendErr = fmt.Errorf("%w: HPR sent no transaction id", hfr.ErrUnexpectedResponse)
	}
	sendErr = masked(sendErr)
	if sendErr != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if transientHFR(sendErr) {
			unavailable := fmt.Errorf("%w: HPR could not send its code for %s: %w", ErrUnavailable, t.ProfessionalID, sendErr)
			if !resend {
				return nil, unavailable
			}
			return nil, s.giveBackResend(ctx, first, taskID, "HPR", unavailable)
		}
	}
	return s.mutateFrom(ctx, id, first, func(r *record) error {
		t, err := r.task(taskID)
		if err != nil {
			return err
		}
		if resend {
			if t.State != TaskOpen && t.State != TaskLocked || r.position() != posVerifying {
				return &TransitionError{Action: ActionResendOTP, Task: t.ID, From: t.State}
			}
		} else if t.State != TaskOpen || t.TxnID != "" {
			return &TransitionError{Action: ActionOTPSent, Task: t.ID, From: t.State, Reason: "a code was sent meanwhile"}
		}
		t.UpdatedAt = r.now
		if sendErr != nil {
			t.State = TaskSuperseded
			t.Reason = "HPR will not authenticate this professional: " + sendErr.Error()
			review := r.addTask(KindReview, t.Requirement,
				"HPR could not send an authentication code for "+t.ProfessionalID+": verify the professional by other means")
			s.askStaff(r, review)
			return r.transition(ActionOTPUnavailable, actorSystem, fmt.Sprintf("task %s superseded by %s: %s", t.ID, review.ID, sendErr))
		}
		t.TxnID, t.Method = txn.TransactionID, string(txn.Method)
		t.ExpiresAt = r.now.Add(s.otp.TTL)
		t.Attempts = 0
		t.State = TaskOpen
		t.Recipient = firstNonEmpty(txn.MaskedMobile, "the mobile HPR holds")
		action, reason := ActionOTPSent, fmt.Sprintf("task %s: HPR sent its %s to the professional", t.ID, txn.Method)
		if resend {
			action, reason = ActionResendOTP, fmt.Sprintf("task %s: HPR sent a new %s, %d of %d today", t.ID, txn.Method, t.Resends, s.otp.ResendsPerDay)
		}
		return r.transition(action, actorSystem, reason)
	})
}

// confirmHPR checks the professional's HPR authentication code. HPR's
// acceptance proves the caller holds the professional's Aadhaar-linked or
// registered mobile; the profile HPR returns then decides hpr_check
// (verifier.ConfirmProfessional): another professional rejects, a
// difference opens a staff review with the findings, a match settles it.
// Either of the last two fills the participant's name from HPR.
func (s *Service) confirmHPR(ctx context.Context, first *record, taskID, code string) (*Application, error) {
	if s.professional == nil {
		return nil, fmt.Errorf("%w: HPR authentication (WithProfessionalAuth)", ErrNotConfigured)
	}
	return s.confirmRemote(ctx, first, taskID, code, actorProfessional, func(ctx context.Context, t taskState, code string) remoteCheck {
		p, err := guard(ctx, s, "HPR's authentication client", hfr.ErrUnavailable, func() (hfr.Professional, error) {
			return s.professional.ConfirmHPRAuth(ctx, hfr.HPRAuthTransaction{
				HPRID: t.ProfessionalID, Method: hfr.HPRAuthMethod(t.Method), TransactionID: t.TxnID,
			}, code)
		})
		switch {
		case err == nil:
		case errors.Is(err, hfr.ErrOTPRejected):
			return remoteCheck{}
		default:
			return remoteCheck{outage: err}
		}
		// The name is taken only if it shows as it is stored, as the
		// checks ask of the applicant's.
		nameProblem := verifier.DisplayProblem(p.Name)
		if nameProblem != "" {
			s.log.WarnContext(ctx, "onboarding: HPR's name of the professional not taken; the applicant's stays",
				"application", first.app.ID, "problem", "the name "+nameProblem)
		}
		return remoteCheck{accepted: true, settle: func(r *record, t *taskState) error {
			// HPR's answer goes into the report, and a difference's review
			// opens, before the confirmed code lets the application on:
			// else it would pass verification with the difference
			// unreviewed.
			res := verifier.ConfirmProfessional(r.st.Submitted, p, r.now)
			s.replaceResult(r, res)
			var review *taskState
			if res.Outcome == verifier.Pending {
				review = r.addTask(KindReview, res.ID, res.Message)
				review.Findings = res.Findings
			}
			if res.Outcome == verifier.Satisfied || res.Outcome == verifier.Pending {
				// She is this professional under every form of her HPR
				// id: a second application under another form is hers
				// too, and is refused it (see confirmRemote).
				r.st.Aliases = hprAliases(p)
				// HPR's authentication proved she is the professional HPR
				// holds: its name is the participant's, as HFR's record
				// is a facility's after its manager's consent, whether or
				// not the name typed matched (a person reviews a
				// difference; the review keeps both sides).
				if nameProblem == "" {
					fillFromHPR(r, p)
				}
			}
			if err := s.codeConfirmed(r, t, actorProfessional); err != nil {
				return err
			}
			switch res.Outcome {
			case verifier.Satisfied:
				return nil
			case verifier.Pending:
				s.askStaff(r, review)
				return nil
			default:
				return s.reject(r, actorSystem, []string{fmt.Sprintf("%s: %s", res.ID, res.Message)})
			}
		}}
	})
}

// replaceResult puts res in the report in place of the result with its id.
func (s *Service) replaceResult(r *record, res verifier.Result) {
	if r.st.Report == nil {
		return
	}
	rep := *r.st.Report
	rep.Requirements = append([]verifier.Result(nil), rep.Requirements...)
	for i := range rep.Requirements {
		if rep.Requirements[i].ID == res.ID {
			rep.Requirements[i] = res
		}
	}
	rep.Verdict = verifier.VerdictOf(rep.Requirements)
	r.st.Report = &rep
}

// facilityRecord reads a facility's HFR record through the engine's HFR
// client, when it can look facilities up (*hfr.Client can).
func (s *Service) facilityRecord(ctx context.Context, id string) (hfr.Facility, error) {
	fr, ok := s.facility.(verifier.FacilityRegistry)
	if !ok {
		return hfr.Facility{}, fmt.Errorf("%w: the HFR client cannot look facilities up", ErrNotConfigured)
	}
	return guard(ctx, s, "the HFR client", hfr.ErrUnavailable, func() (hfr.Facility, error) { return fr.Facility(ctx, id) })
}

// hfrRecordProblem says which field of a facility's HFR record the
// consented fetch must not take: one that would show other than it is
// stored (verifier.DisplayProblem), which the checks refuse from an
// applicant — in an address line, once its line breaks and other control
// characters are spaces (hfrLine), a text-direction override. The
// facility writes its own HFR profile.
func hfrRecordProblem(f hfr.Facility) error {
	for _, field := range []struct{ name, value string }{
		{"name", f.Name}, {"facility type", f.FacilityType},
		{"address", hfrLine(f.Address)}, {"village, city or town", hfrLine(f.VillageCityTownName)},
		{"district", hfrLine(f.DistrictName)}, {"state", hfrLine(f.StateName)}, {"pincode", hfrLine(f.Pincode)},
	} {
		if p := verifier.DisplayProblem(field.value); p != "" {
			return fmt.Errorf("the record's %s %s", field.name, p)
		}
	}
	return nil
}

// hfrLine is an address line of an HFR record as the participant gets it:
// trimmed, its line breaks, tabs and other control characters spaces.
func hfrLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// fillFromHFR sets the participant's registry fields from the facility's
// HFR record — the consented fetch the guideline asks for — and records
// where each came from.
func fillFromHFR(r *record, f hfr.Facility) {
	if r.part == nil {
		return
	}
	set := func(field, value string, apply func(string)) {
		if value = strings.TrimSpace(value); value != "" {
			apply(value)
			r.source(field, SourceHFR)
		}
	}
	set("participant_name", f.Name, func(v string) { r.part.ParticipantName = v })
	addr := hcxonboard.Address{
		Street:   hfrLine(f.Address),
		Village:  hfrLine(f.VillageCityTownName),
		District: hfrLine(f.DistrictName),
		State:    hfrLine(f.StateName),
		Pincode:  hfrLine(f.Pincode),
	}
	if addr != (hcxonboard.Address{}) {
		r.part.Address = &addr
		r.source("address", SourceHFR)
	}
	set("facility_type", f.FacilityType, func(v string) { r.st.FacilityType = v })
	r.touchParticipant()
}

// fillFromHPR sets the participant's name from the authenticated HPR
// profile.
func fillFromHPR(r *record, p hfr.Professional) {
	if r.part == nil || strings.TrimSpace(p.Name) == "" {
		return
	}
	r.part.ParticipantName = strings.TrimSpace(p.Name)
	r.source("participant_name", SourceHPR)
	r.touchParticipant()
}

// source records where a participant field's value came from.
func (r *record) source(field, from string) {
	if r.st.Sources == nil {
		r.st.Sources = make(map[string]string)
	}
	r.st.Sources[field] = from
}

// applicantSources are the sources of a newly registered participant's
// fields: the application.
func applicantSources(p *hcxonboard.Participant) map[string]string {
	m := map[string]string{"participant_name": SourceApplicant, "primary_email": SourceApplicant, "primary_mobile": SourceApplicant}
	if p.Address != nil {
		m["address"] = SourceApplicant
	}
	return m
}

// ExpireWaiting rejects the applications that waited on a registry's own
// process (task kind KindAwait) past WithRegistryWait, telling each
// applicant why, and returns how many. Call it periodically, after
// rechecking the waiting applications; replicas may call it at once (each
// application is rejected once).
func (s *Service) ExpireWaiting(ctx context.Context) (int, error) {
	return s.sweep(ctx, registry.ApplicationFilter{Stage: registry.StageVerifying, Waiting: KindAwait}, "waiting applications", s.expireAwait)
}

// expireAwait rejects r if a registry wait of its ran out, and answers
// errSkip otherwise.
func (s *Service) expireAwait(r *record) error {
	for _, t := range r.st.Tasks {
		if t.Kind == KindAwait && t.State == TaskOpen && !r.now.Before(t.ExpiresAt) {
			t.State, t.Reason, t.UpdatedAt = TaskRejected, "waited too long", r.now
			return s.reject(r, actorSystem, []string{fmt.Sprintf(
				"%s: the registry did not complete its own verification within %s of the application; apply again once it has",
				t.Requirement, durationWords(s.registryWait))})
		}
	}
	return errSkip
}
