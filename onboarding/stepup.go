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
	return s.RequestStepUpBy(ctx, id, purpose, actorSystem)
}

// RequestStepUpBy is RequestStepUp asked for by actor (the participant,
// ParticipantActor(code), or staff), who is recorded as the request's
// actor.
func (s *Service) RequestStepUpBy(ctx context.Context, id, purpose, actor string) (*Application, error) {
	if actor = strings.TrimSpace(actor); actor == "" {
		return nil, fmt.Errorf("%w: a step-up request needs an actor", ErrInvalidArgument)
	}
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
		return r.transition(ActionStepUpSent, actor, fmt.Sprintf("step-up code for %s sent to %s", purpose, maskAddress(to)))
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
	return s.stepUpJudge(r, purpose, code, s.clock()) == stepUpTaken
}

// stepUpRefusal is why a step-up code is refused, for the audit trail.
type stepUpRefusal string

const (
	stepUpTaken     stepUpRefusal = ""
	stepUpOverBound stepUpRefusal = "too many step-ups refused today"
	stepUpNone      stepUpRefusal = "no code was asked for"
	stepUpExpired   stepUpRefusal = "the code expired"
	stepUpWrong     stepUpRefusal = "wrong code"
)

// stepUpJudge says why code would be refused for purpose on r at now, or
// stepUpTaken when it would be taken. Whatever the reason, it does the same work:
// the code is hashed and compared, against a decoy when no code is
// outstanding, so that how long the answer takes does not tell a missing
// or expired code from a wrong one.
func (s *Service) stepUpJudge(r *record, purpose, code string, now time.Time) stepUpRefusal {
	su := r.st.StepUp
	code = strings.TrimSpace(code)
	against := su
	if against == nil {
		against = &decoyStepUp
	}
	matches := s.stepUpMatches(r.app.ID, against, code)
	switch {
	case r.st.StepUpsRefusedDay >= day(now) && r.st.StepUpsRefused >= s.stepUpRefusalBound():
		// ">=": a replica whose clock runs behind keeps the count.
		return stepUpOverBound
	case su == nil:
		return stepUpNone
	case su.Purpose != purpose:
		return stepUpRefusal("the code was asked for another change (" + su.Purpose + ")")
	case !now.Before(su.ExpiresAt):
		return stepUpExpired
	case !wellFormedCode(code) || !matches:
		return stepUpWrong
	}
	return stepUpTaken
}

// decoyStepUp stands in for a missing step-up code: checking a code
// against it costs what checking one against a real code does, and no
// code hashes to zeros.
var decoyStepUp = stepUpState{Purpose: "decoy", Salt: strings.Repeat("0", 32), Hash: strings.Repeat("0", 64)}

// stepUpRefusalBound is how many step-up refusals a UTC day records: as
// many as the wrong codes the day's codes can take, Attempts × (1 +
// ResendsPerDay). Past it every step-up of the day is refused, the right
// code too (a wrong one could no longer be counted), and nothing is
// written, so that a credential alone cannot grow the audit trail without
// bound.
func (s *Service) stepUpRefusalBound() int { return s.otp.Attempts * (1 + s.otp.ResendsPerDay) }

// errStepUpRefused is the one answer of every refused step-up, whatever
// the reason (which goes to the audit trail): a caller with the
// participant's credential but not the admin's mailbox learns neither
// whether a code is outstanding, nor whether it expired, nor how many
// guesses are left.
var errStepUpRefused = fmt.Errorf("%w: the step-up code was refused: it must be the latest code sent to the registered admin for this change, within its lifetime, and too many refusals in a day stop step-ups until the next UTC day; ask for a new code, or ask the HCX operator", ErrInvalidOTP)

// stepUp checks a live participant's step-up code for purpose inside the
// change it guards. A right code is spent and the change goes on (true).
// Any other is refused alike (false, with r.outcome set to
// errStepUpRefused): a wrong one counts against the code's attempts, an
// expired one is dropped, and the refusal is recorded, so that the caller
// stores it and nothing else — whether or not a code was outstanding, so
// that every refusal does the same work. Past the day's bound
// (stepUpRefusalBound) nothing is recorded: the refusal is the error
// returned (false, errStepUpRefused), and the caller stores nothing.
func (s *Service) stepUp(r *record, purpose, code, actor string) (bool, error) {
	why := s.stepUpJudge(r, purpose, code, r.now)
	switch why {
	case stepUpTaken:
		r.st.StepUp = nil
		return true, nil
	case stepUpOverBound:
		return false, errStepUpRefused
	case stepUpExpired:
		r.st.StepUp = nil
	case stepUpWrong:
		if su := r.st.StepUp; su != nil {
			if su.Attempts++; su.Attempts >= s.otp.Attempts {
				r.st.StepUp = nil
				why = "wrong code; it is spent"
			}
		}
	}
	if today := day(r.now); today > r.st.StepUpsRefusedDay { // forward only, as StepUpsDay
		r.st.StepUpsRefusedDay, r.st.StepUpsRefused = today, 0
	}
	r.st.StepUpsRefused++
	r.outcome = errStepUpRefused
	return false, r.transition(ActionStepUpFailed, actor, fmt.Sprintf("step-up for %s refused: %s", purpose, why))
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
