package onboarding

import (
	"errors"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Sentinel errors, for branching with errors.Is. Errors returned by the
// Service wrap one of these (or a registry sentinel) and add a detail that
// never carries a code, a secret or a token.
var (
	// ErrNotFound: no application (or participant) with that id or code.
	ErrNotFound = errors.New("onboarding: not found")
	// ErrIllegalTransition: the action is not allowed from where the
	// application stands. The error is a *TransitionError naming both ends.
	ErrIllegalTransition = errors.New("onboarding: illegal transition")
	// ErrInvalidOTP: the one-time code does not match. Nothing about the
	// right code is revealed.
	ErrInvalidOTP = errors.New("onboarding: wrong one-time code")
	// ErrOTPLocked: the code was tried too many times; ask for a new one
	// with ResendOTP.
	ErrOTPLocked = errors.New("onboarding: one-time code locked after too many attempts")
	// ErrOTPExpired: the code's lifetime has passed; ask for a new one.
	ErrOTPExpired = errors.New("onboarding: one-time code expired")
	// ErrTooManyResends: the day's allowance of new codes is used up.
	ErrTooManyResends = errors.New("onboarding: too many one-time codes requested today")
	// ErrTooSoon: the same request was made too recently; a
	// *ReadinessTooSoonError says when to try again.
	ErrTooSoon = errors.New("onboarding: asked again too soon")
	// ErrTooManyDocuments: the application had MaxDocumentUploads
	// documents uploaded.
	ErrTooManyDocuments = errors.New("onboarding: too many documents uploaded")
	// ErrRejected: the application was rejected (sandbox certificate,
	// verification, a payer or a reviewer); Application.Reasons says why.
	// Submit reports a rejection in the returned Application, not as an
	// error; any later action on it is a *TransitionError that matches
	// ErrRejected.
	ErrRejected = errors.New("onboarding: application rejected")
	// ErrNotReady: the application cannot take this step yet (credentials
	// not provisioned, a task still open, the go-live checklist not
	// confirmed).
	ErrNotReady = errors.New("onboarding: application not ready")
	// ErrAlreadyProvisioned: the participant already holds a live secret;
	// use RotateSecret.
	ErrAlreadyProvisioned = errors.New("onboarding: credentials already provisioned")
	// ErrInvalidDetails: step-3 details were refused; the error is a
	// *DetailsError naming the field.
	ErrInvalidDetails = errors.New("onboarding: invalid details")
	// ErrInvalidCredentials: the participant code and secret do not match a
	// live secret. Unknown codes get the same error.
	ErrInvalidCredentials = errors.New("onboarding: invalid credentials")
	// ErrNotActive: the participant is not Active, so it may not obtain or
	// use access tokens.
	ErrNotActive = errors.New("onboarding: participant not active")
	// ErrConflict: the application kept changing under this call and it
	// gave up after several attempts, or an idempotency key was reused for
	// a different application.
	ErrConflict = errors.New("onboarding: conflict")
	// ErrInvalidArgument: a call was made with an argument that cannot
	// work (an empty id, a decision without a reviewer, a negative
	// duration …).
	ErrInvalidArgument = errors.New("onboarding: invalid argument")
	// ErrInvalidOption: New was given wiring that cannot work.
	ErrInvalidOption = errors.New("onboarding: invalid option")
	// ErrNotConfigured: the call needs a component New was not given (the
	// token issuer, the HFR OTP client).
	ErrNotConfigured = errors.New("onboarding: not configured")
	// ErrUnavailable: an outside service the operator relies on (HFR, a
	// registry) could not be reached; nothing was changed, retry later. A
	// certificate URL the applicant gave that cannot be fetched is the
	// applicant's to fix: a *DetailsError, not this.
	ErrUnavailable = errors.New("onboarding: service unavailable")
	// ErrFourEyes: the person who approved an application's reviews may not
	// also take it live (WithFourEyes, on by default).
	ErrFourEyes = errors.New("onboarding: four eyes: another person must act")
	// ErrNotRead: the reviewer approving a document review was never
	// served the document it reads (WithReadBeforeApproval, on by
	// default): open it — Service.Document after RecordDocumentView, as
	// the console and the staff API do — then approve. It is also
	// ErrNotReady.
	ErrNotRead = fmt.Errorf("%w: the reviewer has not read the document", ErrNotReady)
	// ErrRefused: Submit refused the application on its face (the offline
	// checks found it incomplete or invalid) and stored nothing. The error
	// is a *RefusedError carrying the report.
	ErrRefused = errors.New("onboarding: application refused")
	// ErrIdentityTaken: the change would have the application hold a
	// registry identity (HFR facility, HPR professional, ROHINI hospital,
	// IRDA registration) or single-use evidence (a participant sandbox
	// certificate, an empanelment proof) that another application holds.
	// The error names the holder's participant code, never its contacts.
	ErrIdentityTaken = errors.New("onboarding: identity already registered")
	// ErrNotDelivered: the Notifier failed to deliver a message the call
	// exists to send (ResendOTP).
	ErrNotDelivered = errors.New("onboarding: message not delivered")
)

// TransitionError reports an action the application's position does not
// allow. From is where the application stands — a stage before go-live
// (submitted, verifying, details, credentials, rejected, withdrawn) or the
// participant's status after it (Active, Blocked, Inactive) — and To is
// where the action would have taken it ("" when the action has no edge
// from From at all). For an action on a task, Task names it and From is
// the task's state. Reason, when set, says why an otherwise known edge is
// refused.
type TransitionError struct {
	Action string
	From   string
	To     string
	Task   string
	Reason string
}

func (e *TransitionError) Error() string {
	var msg string
	switch {
	case e.Task != "":
		msg = fmt.Sprintf("onboarding: cannot %s task %s: it is %s", e.Action, e.Task, e.From)
	case e.To != "":
		msg = fmt.Sprintf("onboarding: cannot %s: %s → %s is not allowed", e.Action, e.From, e.To)
	default:
		msg = fmt.Sprintf("onboarding: cannot %s an application that is %s", e.Action, e.From)
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Is makes errors.Is(err, ErrIllegalTransition) true, and
// errors.Is(err, ErrRejected) too when the application was rejected.
func (e *TransitionError) Is(target error) bool {
	return target == ErrIllegalTransition || (target == ErrRejected && e.Task == "" && e.From == string(registry.StageRejected))
}

// DetailsError names the step-3 field that was refused and why.
type DetailsError struct {
	Field  string // the JSON field name: endpoint_url, encryption_cert, …
	Reason string
	Err    error // an underlying cause, when there is one
}

func (e *DetailsError) Error() string {
	return fmt.Sprintf("onboarding: invalid details: %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidDetails) true.
func (e *DetailsError) Is(target error) bool { return target == ErrInvalidDetails }

// Unwrap returns the underlying cause, if any.
func (e *DetailsError) Unwrap() error { return e.Err }

// RefusedError is Submit's answer to an application the offline checks
// find incomplete or invalid: Report says, requirement by requirement,
// what to fix. Nothing was stored.
type RefusedError struct {
	Report *verifier.Report
}

func (e *RefusedError) Error() string {
	var bad []string
	for _, res := range e.Report.Requirements {
		if refused(res.Outcome) {
			bad = append(bad, fmt.Sprintf("%s (%s)", res.ID, res.Outcome))
		}
	}
	return fmt.Sprintf("onboarding: application refused, %s: %s", e.Report.Verdict, strings.Join(bad, ", "))
}

// Is makes errors.Is(err, ErrRefused) hold.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// maskedError is an error from outside the engine — a registry's answer,
// an operator's client — whose text may name people's e-mail addresses or
// mobile numbers (a registry saying whom it could not send a code to).
// Its text is masked (hcxonboard.RedactText) wherever it goes: the audit
// trail and a task's reason, which staff read, and the errors callers
// (the applicant) get; its chain stays for errors.Is and errors.As.
type maskedError struct{ err error }

func (e maskedError) Error() string { return hcxonboard.RedactText(e.err.Error()) }

func (e maskedError) Unwrap() error { return e.err }

// masked wraps err, from outside the engine, in a maskedError; nil stays
// nil.
func masked(err error) error {
	if err == nil {
		return nil
	}
	return maskedError{err: err}
}
