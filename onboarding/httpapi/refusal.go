package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/openhcx/hcxonboard/onboarding"
)

// Refusals of a credential or a one-time code. Each has one answer —
// status, code and words — whatever was wrong, so that an answer never
// tells a known participant code from an unknown one, a malformed secret
// from a wrong, revoked or expired one, a suspended participant from an
// active one, or a wrong one-time code from an unknown task, an expired
// code or a locked one. Why is logged (without the secret or the code),
// never answered.
const (
	credentialsRefusedMessage = "the participant code and secret were not accepted"
	otpRefusedMessage         = "the one-time code was not accepted: it may be wrong, expired or locked after too many attempts; " +
		"ask for a new code at POST /v1/onboarding/applications/{id}/tasks/{task}/otp/resend if it keeps failing"
	declineRefusedMessage = "the decline code was not accepted: it may be wrong, already used, or past its window; " +
		"use the code from the latest intimation, as it was sent"
	stepUpRefusedMessage = "the step-up code was not accepted: it may be wrong, expired, used up, or not asked for this change; " +
		"ask for a new code at POST /v1/onboarding/applications/{id}/step-up and send it with the change"
)

// refuseCredentials turns every refusal of a participant code and secret
// into the one answer; other errors (an outage, a bad overlap) pass.
func (h *Handler) refuseCredentials(r *http.Request, err error) error {
	if !errors.Is(err, onboarding.ErrInvalidCredentials) && !errors.Is(err, onboarding.ErrNotActive) {
		return err
	}
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "httpapi: credentials refused",
		slog.String("route", r.Pattern), slog.String("reason", err.Error()))
	return &apiError{status: http.StatusUnauthorized, code: CodeAccessDenied, message: credentialsRefusedMessage, err: err}
}

// refuseOTP turns every refusal of a one-time code into the one answer:
// a wrong, empty or malformed code, an unknown task or one that is not an
// otp task, an expired or locked code, a task already settled. An HFR
// outage or a fault on the server is not a refusal and passes.
func (h *Handler) refuseOTP(r *http.Request, err error) error {
	return h.refuseCode(r, err, otpRefusedMessage)
}

// refuseDecline is refuseOTP for a facility manager's decline code, whose
// answer does not send the caller for a new code: no route issues one.
func (h *Handler) refuseDecline(r *http.Request, err error) error {
	return h.refuseCode(r, err, declineRefusedMessage)
}

// refuseStepUp is refuseOTP for a live participant's step-up code on the
// routes that take one (its details, leaving, the registry's
// participant/update): a wrong code, an expired or used-up one, and none
// asked for get the one answer, so that a credential without the admin's
// mailbox learns neither whether a code is outstanding nor how many
// guesses are left. Other errors — an unknown application, a stage that
// takes no change — pass as they are.
func (h *Handler) refuseStepUp(r *http.Request, err error) error {
	if !errors.Is(err, onboarding.ErrInvalidOTP) && !errors.Is(err, onboarding.ErrOTPExpired) && !errors.Is(err, onboarding.ErrOTPLocked) {
		return err
	}
	return h.refuseCode(r, err, stepUpRefusedMessage)
}

func (h *Handler) refuseCode(r *http.Request, err error, message string) error {
	switch {
	case errors.Is(err, onboarding.ErrInvalidOTP), errors.Is(err, onboarding.ErrOTPExpired),
		errors.Is(err, onboarding.ErrOTPLocked), errors.Is(err, onboarding.ErrNotFound),
		errors.Is(err, onboarding.ErrIllegalTransition), errors.Is(err, errEmptyOTP):
	default:
		return err
	}
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "httpapi: one-time code refused",
		slog.String("route", r.Pattern), slog.String("application", clipMessage(r.PathValue("id"))),
		slog.String("reason", err.Error()))
	return &apiError{status: http.StatusBadRequest, code: CodeInvalidOTP, message: message, err: err}
}

var errEmptyOTP = errors.New("httpapi: empty one-time code")
