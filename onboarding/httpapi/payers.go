package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// ApprovalRequestView is one approval request addressed to the calling
// payer.
type ApprovalRequestView struct {
	ApplicationID   string    `json:"application_id"`
	TaskID          string    `json:"task_id"`
	ParticipantName string    `json:"participant_name"`
	EmpanelmentID   string    `json:"empanelment_id,omitempty"`
	Scheme          string    `json:"scheme,omitempty"`
	Message         string    `json:"message,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
}

// ApprovalRequestsResponse lists a payer's open approval requests.
type ApprovalRequestsResponse struct {
	Requests []ApprovalRequestView `json:"requests"`
	// Next is the cursor of the next page (the cursor parameter); absent
	// after the last.
	Next string `json:"next,omitempty"`
}

// ApprovalDecisionsRequest answers one or many approval requests.
type ApprovalDecisionsRequest struct {
	Decisions []ApprovalDecision `json:"decisions"`
}

// ApprovalDecision is a payer's answer to one request: decision "approve"
// or "reject" (with a reason).
type ApprovalDecision struct {
	ApplicationID string `json:"application_id"`
	TaskID        string `json:"task_id"`
	Decision      string `json:"decision" enum:"approve,reject"`
	Reason        string `json:"reason,omitempty"`
}

// ApprovalDecisionsResponse says what became of each answer, in order.
type ApprovalDecisionsResponse struct {
	Results []ApprovalDecisionResult `json:"results"`
}

// ApprovalDecisionResult is one answer's outcome: the application's stage
// now, or the error that refused the answer.
type ApprovalDecisionResult struct {
	ApplicationID string       `json:"application_id"`
	TaskID        string       `json:"task_id"`
	Stage         string       `json:"stage,omitempty"`
	Error         *ErrorDetail `json:"error,omitempty"`
}

// maxDecisions bounds one call's answers.
const maxDecisions = 100

// payerCode authenticates a payer by its access token and returns its
// participant code.
func (h *Handler) payerCode(r *http.Request) (string, error) {
	tok, ok := bearer(r)
	if !ok {
		return "", newError(http.StatusUnauthorized, CodeAccessDenied, "this route needs the payer's access token (Authorization: Bearer …)")
	}
	claims, err := h.svc.VerifyToken(r.Context(), tok)
	if err != nil {
		if errors.Is(err, credential.ErrInvalidToken) || errors.Is(err, onboarding.ErrNotConfigured) {
			return "", tokenRefused(err)
		}
		return "", err
	}
	return claims.ParticipantCode, nil
}

func (h *Handler) payerApprovals(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	code, err := h.payerCode(r)
	if err != nil {
		return err
	}
	limit, err := intParam(r.URL.Query().Get("limit"), "limit", 0, registry.MaxLimit)
	if err != nil {
		return err
	}
	// The payer's own listing: its code is part of the scope.
	scope := cursorScope("payer-approvals", code)
	cursor, err := unbindCursor(scope, r.URL.Query().Get("cursor"), CodeInvalidRequest)
	if err != nil {
		return err
	}
	page, err := h.svc.ApprovalRequestsPage(r.Context(), code, limit, cursor)
	if err != nil {
		return payerError(err)
	}
	out := ApprovalRequestsResponse{Requests: make([]ApprovalRequestView, 0, len(page.Items)), Next: bindCursor(scope, page.Next)}
	for _, q := range page.Items {
		out.Requests = append(out.Requests, ApprovalRequestView{ApplicationID: q.ApplicationID, TaskID: q.TaskID,
			ParticipantName: q.ParticipantName, EmpanelmentID: q.EmpanelmentID, Scheme: q.Scheme, Message: q.Message, CreatedAt: q.CreatedAt})
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) payerDecide(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	// The body is read (bounded) before the token is checked, as on every
	// route whose caller is known only from its credential.
	var req ApprovalDecisionsRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	code, err := h.payerCode(r)
	if err != nil {
		return err
	}
	if len(req.Decisions) == 0 || len(req.Decisions) > maxDecisions {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "decisions must hold 1 to %d answers", maxDecisions)
	}
	answers := make([]onboarding.ApprovalAnswer, len(req.Decisions))
	for i, d := range req.Decisions {
		switch d.Decision {
		case DecisionApprove, DecisionReject:
		default:
			return newError(http.StatusBadRequest, CodeInvalidRequest, "decisions[%d].decision must be %q or %q", i, DecisionApprove, DecisionReject)
		}
		answers[i] = onboarding.ApprovalAnswer{ApplicationID: d.ApplicationID, TaskID: d.TaskID,
			Approve: d.Decision == DecisionApprove, Reason: strings.TrimSpace(d.Reason)}
	}
	outs, err := h.svc.AnswerApprovals(r.Context(), code, answers)
	if err != nil {
		return payerError(err)
	}
	// Each answer is its own change: once one is recorded, the answer
	// says so for every one, and a fault of the server on another is
	// that answer's error, not the call's. Only when none was recorded
	// is the call itself the failure.
	recorded := slices.ContainsFunc(outs, func(o onboarding.ApprovalOutcome) bool { return o.Err == nil })
	res := ApprovalDecisionsResponse{Results: make([]ApprovalDecisionResult, len(outs))}
	for i, o := range outs {
		res.Results[i] = ApprovalDecisionResult{ApplicationID: o.ApplicationID, TaskID: o.TaskID}
		if o.Err != nil {
			c := classify(o.Err)
			if c.internal {
				if !recorded {
					return o.Err
				}
				h.log.LogAttrs(r.Context(), slog.LevelError, "httpapi: payer answer not recorded",
					slog.String("application", o.ApplicationID), slog.String("task", o.TaskID),
					slog.Int("status", c.status), slog.String("error", o.Err.Error()))
				c.message += "; this answer was not recorded: send it again"
			}
			res.Results[i].Error = &ErrorDetail{Code: c.code, Message: clipMessage(c.message)}
			continue
		}
		res.Results[i].Stage = string(o.Application.Stage)
	}
	h.writeJSON(w, http.StatusOK, res)
	return nil
}

// payerError answers a caller that is not an Active payer with 403.
func payerError(err error) error {
	if errors.Is(err, onboarding.ErrNotFound) || errors.Is(err, onboarding.ErrNotActive) || errors.Is(err, onboarding.ErrInvalidArgument) {
		return &apiError{status: http.StatusForbidden, code: CodeAccessDenied, message: "only an Active payer, scheme or TPA answers approval requests", err: err}
	}
	return err
}
