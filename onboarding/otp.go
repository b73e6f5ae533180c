package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/internal/words"
)

// ConfirmOTP checks a one-time code for an otp task. The right code
// settles the task (and, when nothing else waits, moves the application
// to step 3). A wrong code counts against the code's attempts and says
// nothing about the right one: ErrInvalidOTP, or, on the last allowed
// attempt, an error wrapping both ErrInvalidOTP and ErrOTPLocked after
// which the task is locked until ResendOTP. An expired code is
// ErrOTPExpired and does not count.
//
// For an ABDM facility the code is HFR's own: it is checked by HFR
// (exactly once per call, never retried), after the attempt is reserved in
// the store, so concurrent guesses cannot reach HFR more often than the
// code allows; an HFR outage is ErrUnavailable and gives the attempt back.
func (s *Service) ConfirmOTP(ctx context.Context, id, taskID, code string) (*Application, error) {
	code = strings.TrimSpace(code)
	first, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := first.otpTask(taskID, ActionConfirmOTP)
	if err != nil {
		return nil, err
	}
	switch t.Channel {
	case ChannelHFR:
		return s.confirmHFR(ctx, first, taskID, code)
	case ChannelHPR:
		return s.confirmHPR(ctx, first, taskID, code)
	}
	r, err := s.mutateFrom(ctx, id, first, func(r *record) error {
		t, err := r.otpTask(taskID, ActionConfirmOTP)
		if err != nil {
			return err
		}
		if err := r.confirmable(t, r.now); err != nil {
			return err
		}
		t.UpdatedAt = r.now
		if wellFormedCode(code) && s.codeMatches(r.app.ID, t, code) {
			return s.codeConfirmed(r, t, actorAdmin)
		}
		t.Attempts++
		return s.codeRefused(r, t, actorAdmin)
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// remoteCheck is what a registry that sends its own codes (HFR, HPR)
// answered about one: accepted, refused (both false and nil) or
// unreachable (outage set). settle, when set, records an accepted code's
// consequences on the record in hand instead of a plain confirmation.
type remoteCheck struct {
	accepted bool
	outage   error
	settle   func(r *record, t *taskState) error
}

// confirmRemote checks a code a registry sent (HFR's to the facility
// manager, HPR's to the professional). The attempt is reserved in the
// store before the registry is asked — a write conditional on the version
// read, like every write — so however many calls race, at most
// OTPPolicy.Attempts of them reach the registry for one code. The
// registry's answer is then recorded; an outage gives the reserved attempt
// back.
func (s *Service) confirmRemote(ctx context.Context, first *record, taskID, code, actor string,
	check func(ctx context.Context, t taskState, code string) remoteCheck) (*Application, error) {
	id := first.app.ID
	var held taskState
	reserved, err := s.mutateFrom(ctx, id, first, func(r *record) error {
		t, err := r.otpTask(taskID, ActionConfirmOTP)
		if err != nil {
			return err
		}
		if err := r.confirmable(t, r.now); err != nil {
			return err
		}
		if t.Attempts >= s.otp.Attempts {
			// Every attempt this code allows is being checked already.
			return fmt.Errorf("%w for task %s: %w; ask for a new code", ErrInvalidOTP, t.ID, ErrOTPLocked)
		}
		t.Attempts++
		t.UpdatedAt = r.now
		held = *t
		return r.transition(ActionOTPAttempt, actor, fmt.Sprintf("task %s: code sent to %s for checking, attempt %d of %d",
			t.ID, strings.ToUpper(t.Channel), t.Attempts, s.otp.Attempts))
	})
	if err != nil {
		return nil, err
	}
	var res remoteCheck
	if wellFormedCode(code) {
		res = check(ctx, held, code)
	}
	r, err := s.mutateFrom(ctx, id, reserved, func(r *record) error {
		t, err := r.otpTask(taskID, ActionConfirmOTP)
		if err != nil {
			return err
		}
		if t.TxnID != held.TxnID {
			return fmt.Errorf("%w: a new code was sent for task %s meanwhile; enter that one", ErrInvalidOTP, t.ID)
		}
		if t.State != TaskOpen || r.position() != posVerifying {
			// Another attempt settled or locked the task meanwhile.
			return &TransitionError{Action: ActionConfirmOTP, Task: t.ID, From: t.State}
		}
		t.UpdatedAt = r.now
		switch {
		case res.outage != nil:
			t.Attempts = max(0, t.Attempts-1)
			r.outcome = fmt.Errorf("%w: %s could not check the code: %w", ErrUnavailable, strings.ToUpper(t.Channel), masked(res.outage))
			return r.transition(ActionOTPAttempt, actorSystem, fmt.Sprintf("task %s: %s could not check the code; the attempt is given back",
				t.ID, strings.ToUpper(t.Channel)))
		case res.accepted && res.settle != nil:
			return res.settle(r, t)
		case res.accepted:
			return s.codeConfirmed(r, t, actor)
		}
		return s.codeRefused(r, t, actor)
	})
	var taken *claimTakenError
	if errors.As(err, &taken) && isIdentity(taken.claim.Claim) && res.accepted && res.settle != nil {
		// What the registry answered makes the application claim an
		// identity another holds (the other form of a professional's
		// HPR id). The code was right: this applicant proved who it is,
		// while the holder may have proved nothing yet (anyone may submit
		// under any id), so staff decide (identity_dispute), whatever
		// WithIdentityDisputes says.
		r, err = s.mutate(ctx, id, func(r *record) error {
			t, err := r.otpTask(taskID, ActionConfirmOTP)
			if err != nil {
				return err
			}
			if t.TxnID != held.TxnID || t.State != TaskOpen || r.position() != posVerifying {
				return &TransitionError{Action: ActionConfirmOTP, Task: t.ID, From: t.State}
			}
			t.UpdatedAt = r.now
			r.st.Disputed = append(r.st.Disputed, taken.claim.Claim)
			s.askStaff(r, s.disputeTask(r, taken.claim))
			return res.settle(r, t)
		})
	}
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// confirmHFR checks a code HFR sent to the facility manager. HFR's
// acceptance is the manager's consent: the engine then reads the
// facility's HFR record and fills the participant's registry fields from
// it (see fillFromHFR).
func (s *Service) confirmHFR(ctx context.Context, first *record, taskID, code string) (*Application, error) {
	if s.facility == nil {
		return nil, fmt.Errorf("%w: HFR OTP client (WithFacilityOTP)", ErrNotConfigured)
	}
	return s.confirmRemote(ctx, first, taskID, code, actorManager, func(ctx context.Context, t taskState, code string) remoteCheck {
		_, err := guard(ctx, s, "the HFR client", hfr.ErrUnavailable, func() (struct{}, error) {
			return struct{}{}, s.facility.ValidateFacilityOTP(ctx, t.FacilityID, t.TxnID, code)
		})
		switch {
		case err == nil:
		case errors.Is(err, hfr.ErrOTPRejected):
			return remoteCheck{}
		default:
			return remoteCheck{outage: err}
		}
		// The consented fetch: what HFR holds, read now that the manager
		// agreed. A failure leaves the applicant's values in place.
		f, ferr := s.facilityRecord(ctx, t.FacilityID)
		if got := strings.ToUpper(strings.TrimSpace(f.ID)); ferr == nil && got != "" && got != strings.ToUpper(strings.TrimSpace(t.FacilityID)) {
			// The manager consented to this facility's record, not to
			// the one of another facility an HFR client answered with.
			ferr = fmt.Errorf("HFR answered with the record of facility %s", clip(got))
		}
		if ferr == nil {
			ferr = hfrRecordProblem(f)
		}
		if ferr != nil {
			s.log.WarnContext(ctx, "onboarding: HFR record not read after the manager's consent; the applicant's values stay",
				"facility", t.FacilityID, "error", ferr.Error())
		}
		return remoteCheck{accepted: true, settle: func(r *record, t *taskState) error {
			if ferr == nil {
				fillFromHFR(r, f)
			}
			return s.codeConfirmed(r, t, actorManager)
		}}
	})
}

// codeConfirmed settles t with the right code.
func (s *Service) codeConfirmed(r *record, t *taskState, actor string) error {
	t.State = TaskDone
	t.Hash, t.Salt = "", ""
	if err := r.transition(ActionConfirmOTP, actor, fmt.Sprintf("task %s (%s): code confirmed", t.ID, t.Requirement)); err != nil {
		return err
	}
	return r.maybeVerified()
}

// codeRefused records a wrong code, already counted in t.Attempts, and
// locks t when it was the last allowed.
func (s *Service) codeRefused(r *record, t *taskState, actor string) error {
	left := s.otp.Attempts - t.Attempts
	if left > 0 {
		r.outcome = fmt.Errorf("%w for task %s (%s left)", ErrInvalidOTP, t.ID, plural(left, "attempt"))
		return r.transition(ActionOTPFailed, actor, fmt.Sprintf("task %s: wrong code, %s left", t.ID, plural(left, "attempt")))
	}
	t.State = TaskLocked
	t.Hash, t.Salt = "", ""
	r.outcome = fmt.Errorf("%w for task %s: %w; ask for a new code", ErrInvalidOTP, t.ID, ErrOTPLocked)
	return r.transition(ActionOTPLocked, actor, fmt.Sprintf("task %s: wrong code %d times, locked", t.ID, t.Attempts))
}

// otpTask finds an otp task for action.
func (r *record) otpTask(taskID, action string) (*taskState, error) {
	t, err := r.task(taskID)
	if err != nil {
		return nil, err
	}
	if t.Kind != KindOTP {
		return nil, &TransitionError{Action: action, Task: t.ID, From: t.State,
			Reason: fmt.Sprintf("it is %s task, not a one-time code", taskKindPhrase(t.Kind))}
	}
	return t, nil
}

// confirmable checks that a code may be tried for t now.
func (r *record) confirmable(t *taskState, now time.Time) error {
	if pos := r.position(); pos != posVerifying {
		return &TransitionError{Action: ActionConfirmOTP, From: positionName(pos), Reason: "it no longer waits on a one-time code"}
	}
	switch t.State {
	case TaskOpen:
	case TaskLocked:
		return fmt.Errorf("%w: task %s; ask for a new code", ErrOTPLocked, t.ID)
	default:
		return &TransitionError{Action: ActionConfirmOTP, Task: t.ID, From: t.State}
	}
	if (t.Channel == ChannelHFR || t.Channel == ChannelHPR) && t.TxnID == "" {
		return fmt.Errorf("%w: %s has not sent a code for task %s yet; ask for one", ErrOTPExpired, strings.ToUpper(t.Channel), t.ID)
	}
	if t.ExpiresAt.IsZero() || !now.Before(t.ExpiresAt) {
		return fmt.Errorf("%w: task %s; ask for a new code", ErrOTPExpired, t.ID)
	}
	return nil
}

// ResendOTP sends a new code for an otp task that is open or locked: the
// old code dies, the attempts start again. Each task may ask for
// OTPPolicy.ResendsPerDay new codes per UTC day (ErrTooManyResends). For
// ABDM facilities HFR sends its own new code. When the Notifier fails to
// deliver the engine's code, the error wraps ErrNotDelivered (the new
// code counts against the day's allowance all the same).
func (s *Service) ResendOTP(ctx context.Context, id, taskID string) (*Application, error) {
	first, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := first.otpTask(taskID, ActionResendOTP)
	if err != nil {
		return nil, err
	}
	if t.Channel == ChannelHFR || t.Channel == ChannelHPR {
		send := s.sendFacilityOTP
		if t.Channel == ChannelHPR {
			if s.professional == nil {
				return nil, fmt.Errorf("%w: HPR authentication (WithProfessionalAuth)", ErrNotConfigured)
			}
			send = s.sendProfessionalOTP
		}
		r, err := send(ctx, first, taskID, true)
		if err != nil {
			return nil, err
		}
		return s.view(r), nil
	}
	r, err := s.mutateFrom(ctx, id, first, func(r *record) error {
		t, err := r.resendable(s, taskID)
		if err != nil {
			return err
		}
		to := adminAddress(r.st.Submitted)
		code, err := s.issueCode(r, t)
		if err != nil {
			return err
		}
		t.Resends++
		r.notify(Message{
			Kind:    MessageOTP,
			To:      to,
			Subject: "Your new HCX onboarding code",
			Body: fmt.Sprintf("Your new one-time code to confirm the HCX onboarding of %s is valid for %s. Never share it.",
				r.st.Submitted.ParticipantName, words.Duration(s.otp.TTL)),
			Code: code,
		})
		return r.transition(ActionResendOTP, actorApplicant, fmt.Sprintf("task %s: new code %d of %d today", t.ID, t.Resends, s.otp.ResendsPerDay))
	})
	if err != nil {
		return nil, err
	}
	if len(r.undelivered) > 0 {
		// The notifier's error is not repeated: it may echo the code.
		return nil, fmt.Errorf("%w: the new code for task %s could not be sent; ask again", ErrNotDelivered, taskID)
	}
	return s.view(r), nil
}

// resendable checks that task may have a new code now and counts the
// day's allowance.
func (r *record) resendable(s *Service, taskID string) (*taskState, error) {
	t, err := r.otpTask(taskID, ActionResendOTP)
	if err != nil {
		return nil, err
	}
	if pos := r.position(); pos != posVerifying {
		return nil, &TransitionError{Action: ActionResendOTP, From: positionName(pos), Reason: "it no longer waits on a one-time code"}
	}
	if t.State != TaskOpen && t.State != TaskLocked {
		return nil, &TransitionError{Action: ActionResendOTP, Task: t.ID, From: t.State}
	}
	// The day only moves forward: a replica whose clock lags behind the
	// one that counted (or a clock stepped back) must not start the day
	// afresh, with a fresh allowance of codes and so of guesses.
	if today := day(r.now); today > t.ResendDay {
		t.ResendDay, t.Resends = today, 0
	}
	if t.Resends >= s.otp.ResendsPerDay {
		return nil, fmt.Errorf("%w: task %s had %s today; ask again after midnight UTC, when the day's allowance starts afresh",
			ErrTooManyResends, t.ID, words.Count(t.Resends, "new code"))
	}
	return t, nil
}

// sendFacilityOTP has HFR send its OTP to the facility manager for the
// hfr task taskID of first, the application as last read or stored, and
// records the transaction; first is spent (see mutateFrom). The first send
// (resend false) does not count against the day's allowance. The manager
// HFR holds is told of the onboarding attempt once. When HFR refuses to
// send a code for the facility at all (no manager mobile on record, say) —
// rather than being unreachable — the OTP task is superseded by a staff
// review, so that the application does not wait for ever.
func (s *Service) sendFacilityOTP(ctx context.Context, first *record, taskID string, resend bool) (*record, error) {
	if s.facility == nil {
		return nil, fmt.Errorf("%w: HFR OTP client (WithFacilityOTP)", ErrNotConfigured)
	}
	t, err := first.task(taskID)
	if err != nil {
		return nil, err
	}
	id := first.app.ID
	if resend {
		if first, t, err = s.reserveResend(ctx, first, taskID, "HFR"); err != nil {
			return nil, err
		}
	} else if t.State != TaskOpen || t.TxnID != "" || first.position() != posVerifying {
		return first, nil
	}
	facilityID := t.FacilityID
	reply := s.askHFR(ctx, facilityID)
	contact, contactErr, txn, sendErr := reply.contact, reply.contactErr, reply.txn, masked(reply.sendErr)
	if sendErr == nil && txn.TransactionID == "" {
		sendErr = fmt.Errorf("%w: HFR sent no transaction id", hfr.ErrUnexpectedResponse)
	}
	if sendErr != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if transientHFR(sendErr) {
			unavailable := fmt.Errorf("%w: HFR could not send its OTP for facility %s: %w", ErrUnavailable, facilityID, sendErr)
			if !resend {
				return nil, unavailable
			}
			return nil, s.giveBackResend(ctx, first, taskID, "HFR", unavailable)
		}
	}
	return s.mutateFrom(ctx, id, first, func(r *record) error {
		var t *taskState
		var err error
		if resend {
			if t, err = r.task(taskID); err != nil {
				return err
			}
			if t.State != TaskOpen && t.State != TaskLocked || r.position() != posVerifying {
				return &TransitionError{Action: ActionResendOTP, Task: t.ID, From: t.State}
			}
		} else {
			if t, err = r.task(taskID); err != nil {
				return err
			}
			if t.State != TaskOpen || t.TxnID != "" {
				return &TransitionError{Action: ActionOTPSent, Task: t.ID, From: t.State, Reason: "a code was sent meanwhile"}
			}
		}
		t.UpdatedAt = r.now
		if contactErr == nil && !t.Intimated {
			t.Intimated = true
			m := intimation(r, facilityID, contact, sendErr == nil)
			if m.Code, err = s.issueDecline(r); err != nil {
				return err
			}
			m.Body += fmt.Sprintf(" If you did not expect this, decline it within %s by quoting application %s and decline code %s.",
				durationWords(s.declineWindow), r.app.ID, m.Code)
			r.notify(m)
		}
		if sendErr != nil {
			t.State = TaskSuperseded
			t.Reason = "HFR will not send a code for this facility: " + sendErr.Error()
			review := r.addTask(KindReview, t.Requirement,
				"HFR could not send a one-time code to the manager of facility "+facilityID+
					": verify the facility manager by other means")
			s.askStaff(r, review)
			return r.transition(ActionOTPUnavailable, actorSystem, fmt.Sprintf("task %s superseded by %s: %s", t.ID, review.ID, sendErr))
		}
		t.TxnID = txn.TransactionID
		t.ExpiresAt = r.now.Add(s.otp.TTL)
		t.Attempts = 0
		t.State = TaskOpen
		if contactErr == nil && contact.MaskedMobile != "" {
			t.Recipient = contact.MaskedMobile
		} else if t.Recipient == "" {
			t.Recipient = "the facility manager HFR holds"
		}
		action, reason := ActionOTPSent, fmt.Sprintf("task %s: HFR sent its OTP to the facility manager", t.ID)
		if resend {
			action, reason = ActionResendOTP, fmt.Sprintf("task %s: HFR sent a new OTP, %d of %d today", t.ID, t.Resends, s.otp.ResendsPerDay)
		}
		return r.transition(action, actorSystem, reason)
	})
}

// askHFR asks HFR for the facility manager's contact and has it send its
// OTP to that manager. The two calls do not depend on each other, so they
// run at the same time: an ABDM facility waits for one round trip to HFR,
// not two. A client that panics is an HFR that did not answer.
func (s *Service) askHFR(ctx context.Context, facilityID string) hfrReply {
	var out hfrReply
	done := make(chan struct{})
	go func() {
		defer close(done)
		out.contact, out.contactErr = guard(ctx, s, "the HFR client", hfr.ErrUnavailable, func() (hfr.FacilityContact, error) {
			return s.facility.FacilityContact(ctx, facilityID)
		})
	}()
	out.txn, out.sendErr = guard(ctx, s, "the HFR client", hfr.ErrUnavailable, func() (hfr.OTPTransaction, error) {
		return s.facility.SendFacilityOTP(ctx, facilityID)
	})
	<-done
	return out
}

// hfrReply is what HFR answered to askHFR.
type hfrReply struct {
	contact    hfr.FacilityContact
	contactErr error
	txn        hfr.OTPTransaction
	sendErr    error
}

// transientHFR reports whether an HFR failure may go away by itself: an
// outage, a rate limit, a session problem or an answer of unknown shape,
// as opposed to HFR refusing the request.
func transientHFR(err error) bool {
	for _, e := range []error{hfr.ErrUnavailable, hfr.ErrRateLimited, hfr.ErrUnauthorized,
		hfr.ErrUnexpectedResponse, hfr.ErrClosed, context.DeadlineExceeded, context.Canceled} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// intimation tells the facility manager HFR holds of the onboarding
// attempt.
func intimation(r *record, facilityID string, contact hfr.FacilityContact, codeSent bool) Message {
	next := "HFR has sent a one-time code to " + firstNonEmpty(contact.MaskedMobile, contact.MaskedEmail, "the contact HFR holds") +
		"; share it only if you approve this onboarding."
	if !codeSent {
		next = "The HCX operator will contact you to confirm it."
	}
	return Message{
		Kind:    MessageHFRIntimation,
		To:      facilityID + "@hfr",
		Subject: "HCX onboarding attempt for your facility",
		Body: fmt.Sprintf("Dear %s, %s (HFR facility %s) is applying to join the HCX. %s",
			firstNonEmpty(contact.ManagerName, "facility manager"), r.st.Submitted.ParticipantName, facilityID, next),
	}
}

// reserveResend counts a new registry-sent code (HFR's, HPR's) against the
// day's allowance in the store before the registry is asked, so racing
// requests cannot have it send more codes than the day allows. It returns
// the record as written and its task.
func (s *Service) reserveResend(ctx context.Context, first *record, taskID, registryName string) (*record, *taskState, error) {
	r, err := s.mutateFrom(ctx, first.app.ID, first, func(r *record) error {
		t, err := r.resendable(s, taskID)
		if err != nil {
			return err
		}
		t.Resends++
		t.UpdatedAt = r.now
		return r.transition(ActionResendOTP, actorApplicant, fmt.Sprintf("task %s: new %s code %d of %d today requested",
			t.ID, registryName, t.Resends, s.otp.ResendsPerDay))
	})
	if err != nil {
		return nil, nil, err
	}
	t, err := r.task(taskID)
	if err != nil {
		return nil, nil, err
	}
	return r, t, nil
}

// giveBackResend returns a reserved new code the registry could not send,
// and answers why. The code goes back to the day it was counted on (held's):
// once another day's count has started, that one keeps every code it
// counted.
func (s *Service) giveBackResend(ctx context.Context, held *record, taskID, registryName string, why error) error {
	ht, err := held.task(taskID)
	if err != nil {
		return err
	}
	counted := ht.ResendDay
	_, err = s.mutateFrom(ctx, held.app.ID, held, func(r *record) error {
		t, err := r.task(taskID)
		if err != nil {
			return err
		}
		if t.ResendDay == counted && t.Resends > 0 {
			t.Resends--
		}
		r.outcome = why
		return r.transition(ActionResendOTP, actorSystem, fmt.Sprintf("task %s: %s could not send a new code; the request is given back", t.ID, registryName))
	})
	return err
}

// taskKindPhrase is "a review", "an upload": a task kind with its article.
func taskKindPhrase(kind string) string {
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}
