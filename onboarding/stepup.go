package onboarding

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/internal/words"
)

// Step-up purposes: what a live participant's one-time code unlocks.
const (
	StepUpDetails = "details" // a new endpoint_url or certificate (SubmitDetails)
	StepUpDeboard = "deboard" // leaving the network (voluntary Deboard)
)

// Step-up actions, in the audit trail.
const (
	ActionStepUpSent   = "step_up_sent"   // a code went to the registered admin
	ActionStepUpFailed = "step_up_failed" // a wrong, expired or missing code
)

// stepUpState is the outstanding step-up code, hashed like every code.
type stepUpState struct {
	Purpose   string    `json:"purpose"`
	Salt      string    `json:"salt"`
	Hash      string    `json:"hash"`
	ExpiresAt time.Time `json:"expires_at"`
	Attempts  int       `json:"attempts,omitempty"`
}

// RequestStepUp sends a one-time code to the live participant's
// registered admin (the system admin it named, else its primary e-mail):
// changing the endpoint or a certificate (StepUpDetails) and leaving the
// network (StepUpDeboard) need it, so that a stolen participant credential
// alone cannot redirect or remove a participant. A new request replaces an
// outstanding code. As with the onboarding codes, 1 + OTPPolicy.ResendsPerDay
// codes are sent a UTC day (ErrTooManyResends after that): each code takes
// OTPPolicy.Attempts guesses, so a stolen credential cannot ask for codes
// until one is guessed.
func (s *Service) RequestStepUp(ctx context.Context, id, purpose string) (*Application, error) {
	if purpose != StepUpDetails && purpose != StepUpDeboard {
		return nil, fmt.Errorf("%w: step-up purpose %q (want %q or %q)", ErrInvalidArgument, clip(purpose), StepUpDetails, StepUpDeboard)
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		if pos := r.position(); pos != posActive && pos != posBlocked {
			return &TransitionError{Action: ActionStepUpSent, From: positionName(pos), Reason: "only a live participant steps up; before go-live the applicant token is enough"}
		}
		to := s.registeredAdmin(r)
		if to == "" {
			return fmt.Errorf("%w: no registered admin to send a code to", ErrNotReady)
		}
		if today := day(r.now); today > r.st.StepUpsDay { // forward only, as resendable's
			r.st.StepUpsDay, r.st.StepUpsSent = today, 0
		}
		if r.st.StepUpsSent >= 1+s.otp.ResendsPerDay {
			return fmt.Errorf("%w: %d step-up codes were sent today; ask again tomorrow (UTC), or the HCX operator", ErrTooManyResends, r.st.StepUpsSent)
		}
		r.st.StepUpsSent++
		code, err := newCode(s.rand)
		if err != nil {
			return err
		}
		var salt [16]byte
		if _, err := io.ReadFull(s.rand, salt[:]); err != nil {
			return fmt.Errorf("onboarding: random source: %w", err)
		}
		su := &stepUpState{Purpose: purpose, Salt: hex.EncodeToString(salt[:]), ExpiresAt: r.now.Add(s.otp.TTL)}
		su.Hash = s.stepUpHash(r.app.ID, su, code)
		r.st.StepUp = su
		r.notify(Message{
			Kind:    MessageOTP,
			To:      to,
			Subject: "Confirm a change to your HCX participation",
			Body: fmt.Sprintf("A code was asked for to %s participant %s. It is valid for %s. If you did not ask for it, tell the HCX operator.",
				stepUpWords(purpose), r.app.ParticipantCode, words.Duration(s.otp.TTL)),
			Code: code,
		})
		return r.transition(ActionStepUpSent, actorSystem, fmt.Sprintf("step-up code for %s sent to %s", purpose, maskAddress(to)))
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

func stepUpWords(purpose string) string {
	if purpose == StepUpDeboard {
		return "de-board (leave the HCX as)"
	}
	return "change the endpoint or certificates of"
}

// registeredAdmin is where step-up codes go: the system admin the
// application named, else the participant's primary e-mail.
func (s *Service) registeredAdmin(r *record) string {
	if to := adminAddress(r.st.Submitted); to != "" {
		return to
	}
	if r.part != nil {
		return r.part.PrimaryEmail
	}
	return ""
}

func (s *Service) stepUpHash(appID string, su *stepUpState, code string) string {
	return s.codeHash(appID, &taskState{ID: "step-up:" + su.Purpose, Salt: su.Salt}, code)
}

// stepUpMatches compares code with su's, in constant time.
func (s *Service) stepUpMatches(appID string, su *stepUpState, code string) bool {
	return s.codeMatches(appID, &taskState{ID: "step-up:" + su.Purpose, Salt: su.Salt, Hash: su.Hash}, code)
}

// stepUpWouldPass reports whether stepUp would take code for purpose on
// r as it stands, changing nothing: a call may do its outbound work only
// for a caller that has the code, while the write that spends the code
// (or counts a wrong one) still decides.
func (s *Service) stepUpWouldPass(r *record, purpose, code string) bool {
	su := r.st.StepUp
	code = strings.TrimSpace(code)
	return su != nil && su.Purpose == purpose && s.clock().Before(su.ExpiresAt) &&
		wellFormedCode(code) && s.stepUpMatches(r.app.ID, su, code)
}

// stepUp checks a live participant's step-up code for purpose inside the
// change it guards. A right code is spent and the change goes on (true).
// A wrong or expired one counts against the code's attempts, is recorded,
// and the caller stores that and nothing else (false, with r.outcome set
// to ErrInvalidOTP). With no code outstanding for purpose there is
// nothing to count or record: the refusal is the error returned (false,
// ErrInvalidOTP), and the caller stores nothing — else every call with
// any code would grow the audit trail, without bound.
func (s *Service) stepUp(r *record, purpose, code, actor string) (bool, error) {
	su := r.st.StepUp
	code = strings.TrimSpace(code)
	fail := func(why string) (bool, error) {
		r.outcome = fmt.Errorf("%w: a step-up code sent to the registered admin is needed (%s); ask for one first", ErrInvalidOTP, why)
		return false, r.transition(ActionStepUpFailed, actor, fmt.Sprintf("step-up for %s refused: %s", purpose, why))
	}
	switch {
	case su == nil || su.Purpose != purpose:
		return false, fmt.Errorf("%w: a step-up code sent to the registered admin is needed (no code was asked for this change); ask for one first", ErrInvalidOTP)
	case !r.now.Before(su.ExpiresAt):
		r.st.StepUp = nil
		return fail("the code expired")
	case !wellFormedCode(code) || !s.stepUpMatches(r.app.ID, su, code):
		su.Attempts++
		if su.Attempts >= s.otp.Attempts {
			r.st.StepUp = nil
			return fail("wrong code; it is spent")
		}
		return fail("wrong code")
	}
	r.st.StepUp = nil
	return true, nil
}

// WithStepUp sets whether a live participant needs a step-up code
// (RequestStepUp) to change its endpoint or certificates and to leave the
// network. Default: on.
func WithStepUp(on bool) Option {
	return func(s *Service) error {
		s.noStepUp = !on
		return nil
	}
}
