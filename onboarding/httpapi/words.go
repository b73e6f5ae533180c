package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// The API speaks of routes and fields, never of the engine's Go names or
// internal action names. callerWords turns an engine error's text into
// the API's words, and nextStep says what the application waits on and
// which route settles it.

// actionWords names an engine action as the API offers it.
var actionWords = map[string]string{
	onboarding.ActionSubmitDetails:        "give step-3 details (PUT /v1/onboarding/applications/{id}/details)",
	onboarding.ActionProvision:            "issue credentials (POST /v1/onboarding/applications/{id}/credentials)",
	onboarding.ActionGoLive:               "go live (POST /v1/onboarding/staff/applications/{id}/go-live)",
	onboarding.ActionConfirmOTP:           "confirm a one-time code (POST /v1/onboarding/applications/{id}/tasks/{task}/otp)",
	onboarding.ActionResendOTP:            "ask for a new code (POST /v1/onboarding/applications/{id}/tasks/{task}/otp/resend)",
	onboarding.ActionWithdraw:             "withdraw (POST /v1/onboarding/applications/{id}/withdraw)",
	onboarding.ActionDeboard:              "de-board",
	onboarding.ActionDeboardWarning:       "announce a de-boarding",
	onboarding.ActionAppeal:               "appeal (POST /v1/onboarding/applications/{id}/appeal)",
	onboarding.ActionApprove:              "approve",
	onboarding.ActionReject:               "reject",
	onboarding.ActionRecheck:              "run the checks again (POST /v1/onboarding/staff/applications/{id}/recheck)",
	onboarding.ActionSuspend:              "suspend",
	onboarding.ActionSuspendTakeover:      "suspend a participant suspended for an expired certificate",
	onboarding.ActionReinstate:            "reinstate",
	onboarding.ActionRotateSecret:         "rotate the secret",
	onboarding.ActionReportCompromise:     "report a compromise",
	onboarding.ActionAmend:                "amend (PATCH /v1/onboarding/applications/{id})",
	onboarding.ActionSendBack:             "send the application back",
	onboarding.ActionStepUpSent:           "ask for a step-up code",
	onboarding.ActionRotateApplicantToken: "rotate the applicant token",
	onboarding.ActionDocumentUploaded:     "upload a document (POST /v1/onboarding/applications/{id}/documents)",
	onboarding.ActionReadinessChecked:     "check readiness (POST /v1/onboarding/applications/{id}/readiness)",
	onboarding.ActionSubmit:               "submit",
	onboarding.ActionViewDocument:         "read a document",
	onboarding.ActionViewContacts:         "read the contacts",
	onboarding.ActionApplicantTokenUsed:   "use the applicant token",
}

// goNames are Go identifiers engine texts may carry, in the API's words.
var goNames = strings.NewReplacer(
	"with ResendOTP", "at POST /v1/onboarding/applications/{id}/tasks/{task}/otp/resend",
	"ResendOTP", "POST …/tasks/{task}/otp/resend",
	"ConfirmOTP", "POST …/tasks/{task}/otp",
	"by Recheck", "when the checks run again (POST /v1/onboarding/staff/applications/{id}/recheck)",
	"Recheck", "POST …/recheck",
	"RotateSecret", "POST /v1/onboarding/credentials/rotate",
	"RequestStepUp", "POST /v1/onboarding/applications/{id}/step-up",
	"(cursor, Page.Next)", "(cursor: the next of the page before)",
)

// callerWords rewrites an error the engine returned for a client.
func callerWords(err error) string {
	var te *onboarding.TransitionError
	if errors.As(err, &te) {
		return transitionWords(te)
	}
	msg := err.Error()
	for _, p := range []string{"onboarding: ", "registry: ", "httpapi: ", "hcxonboard: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return goNames.Replace(msg)
}

// transitionWords says, in the API's words, why an action does not fit.
func transitionWords(te *onboarding.TransitionError) string {
	what := actionWords[te.Action]
	if what == "" {
		what = strings.ReplaceAll(te.Action, "_", " ")
	}
	var msg string
	switch {
	case te.Task != "":
		msg = fmt.Sprintf("cannot %s for task %s: the task is %s", what, te.Task, te.From)
	default:
		msg = fmt.Sprintf("cannot %s: the application is %s", what, stageWords(te.From))
	}
	if te.Reason != "" {
		msg += " (" + goNames.Replace(te.Reason) + ")"
	}
	return msg
}

// stageWords explains where an application stands.
func stageWords(pos string) string {
	switch pos {
	case string(registry.StageSubmitted):
		return "submitted"
	case string(registry.StageVerifying):
		return "being verified (step 2)"
	case string(registry.StageDetails):
		return "verified and waits for its step-3 details"
	case string(registry.StageCredentials):
		return "waiting for credentials and go-live (steps 4 and 5)"
	case string(registry.StageRejected):
		return "rejected"
	case string(registry.StageWithdrawn):
		return "withdrawn"
	case "Active":
		return "live (Active)"
	case "Blocked":
		return "suspended (Blocked)"
	case "Inactive":
		return "de-boarded (Inactive)"
	case "new":
		return "not submitted"
	}
	return pos
}

// nextStep says what application id waits on and the route that settles
// it, for an error about an action that does not fit. "" when it cannot
// tell, or when the error is a go-live refused (notReady): that refusal
// lists what is missing, each with what settles it.
func (h *Handler) nextStep(ctx context.Context, id string, notReady bool) string {
	if id == "" {
		return ""
	}
	a, err := h.svc.Application(ctx, id)
	if err != nil {
		return ""
	}
	base := "/v1/onboarding/applications/" + a.ID
	switch a.Stage {
	case registry.StageVerifying:
		var steps []string
		for _, t := range a.OpenTasks() {
			switch t.Kind {
			case onboarding.KindOTP:
				steps = append(steps, fmt.Sprintf("OTP task %s: POST %s/tasks/%s/otp, or ask for a new code at POST %s/tasks/%s/otp/resend",
					t.ID, base, t.ID, base, t.ID))
			case onboarding.KindApproval:
				steps = append(steps, fmt.Sprintf("the payer's approval (task %s)", t.ID))
			case onboarding.KindAmend:
				steps = append(steps, fmt.Sprintf("your amendment (task %s): PATCH %s", t.ID, base))
			case onboarding.KindUpload:
				steps = append(steps, fmt.Sprintf("your upload (task %s): POST %s/documents?kind=%s with the file",
					t.ID, base, t.DocumentKind))
			case onboarding.KindRetry, onboarding.KindAwait:
				steps = append(steps, fmt.Sprintf("a registry (task %s); the checks run again", t.ID))
			default:
				steps = append(steps, fmt.Sprintf("a staff review (task %s)", t.ID))
			}
		}
		if len(steps) == 0 {
			return ""
		}
		return fmt.Sprintf("application %s waits on %s", a.ID, strings.Join(steps, "; "))
	case registry.StageDetails:
		return fmt.Sprintf("next: PUT %s/details with the endpoint and certificates", base)
	case registry.StageCredentials:
		if a.Secrets.Live == 0 {
			return fmt.Sprintf("next: POST %s/credentials for the participant code and secret", base)
		}
		if notReady {
			return ""
		}
		if why := h.svc.ReadinessWait(ctx, a.ID); why != "" {
			return fmt.Sprintf("next: POST %s/readiness to check the endpoint and keys (%s), then staff confirm the go-live checklist "+
				"(POST /v1/onboarding/staff/applications/%s/go-live)", base, why, a.ID)
		}
		return fmt.Sprintf("next: staff confirm the go-live checklist (POST /v1/onboarding/staff/applications/%s/go-live)", a.ID)
	case registry.StageRejected, registry.StageWithdrawn:
		return "this application has ended; to apply again, submit a new application: POST /v1/onboarding/applications"
	case registry.StageLive:
		switch {
		case a.Status == hcxonboard.StatusInactive:
			return "the participant was de-boarded; to return, it submits a new application: POST /v1/onboarding/applications"
		case a.Status == hcxonboard.StatusBlocked && a.SuspendedAtExpiry:
			return fmt.Sprintf("the participant is suspended because its certificate expired; new certificates end it: PUT %s/details, "+
				"or staff reinstate it: POST /v1/onboarding/staff/applications/%s/reinstate", base, a.ID)
		case a.Status == hcxonboard.StatusBlocked:
			return fmt.Sprintf("the participant is suspended; staff end that by reinstating it: POST /v1/onboarding/staff/applications/%s/reinstate", a.ID)
		}
	}
	return ""
}

// explain is the message a client gets for err on request r: the error in
// the API's words, and for an action that does not fit, the next step.
func (h *Handler) explain(r *http.Request, err error, msg string) string {
	if id := r.PathValue("id"); id != "" && strings.Contains(msg, " …/") {
		// The engine elides the application's routes; the request names it.
		base := "/v1/onboarding/applications/" + clipParam(id)
		msg = strings.NewReplacer("POST …/readiness", "POST "+base+"/readiness", "PUT …/details", "PUT "+base+"/details").Replace(msg)
	}
	if errors.Is(err, onboarding.ErrIllegalTransition) || errors.Is(err, onboarding.ErrNotReady) {
		if next := h.nextStep(r.Context(), r.PathValue("id"), errors.Is(err, onboarding.ErrNotReady)); next != "" {
			msg += ". " + strings.ToUpper(next[:1]) + next[1:]
		}
	}
	return msg
}
