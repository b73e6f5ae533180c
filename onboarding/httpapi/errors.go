package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

// Error codes, in the HCX platform's style (hcx-common ErrorCodes). Every
// error response carries one in error.code.
const (
	// CodeInvalidPayload: the body is not the JSON the route reads
	// (malformed, an unknown field, trailing data, wrong content type, too
	// large).
	CodeInvalidPayload = "ERR_INVALID_PAYLOAD"
	// CodeInvalidParticipantDetails: step-3 details were refused.
	CodeInvalidParticipantDetails = "ERR_INVALID_PARTICIPANT_DETAILS"
	// CodeInvalidParticipantCode: no participant with that code, or none
	// given.
	CodeInvalidParticipantCode = "ERR_INVALID_PARTICIPANT_CODE"
	// CodeInvalidOTP: a wrong or expired one-time code.
	CodeInvalidOTP = "ERR_INVALID_OTP"
	// CodeAccessDenied: a missing or wrong credential (staff token,
	// applicant token, participant secret or access token).
	CodeAccessDenied = "ERR_ACCESS_DENIED"
	// CodeInvalidCertificate: the encryption or signing certificate was
	// refused.
	CodeInvalidCertificate = "ERR_INVALID_CERTIFICATE"
	// CodeInvalidOnboardStatus: the action does not fit where the
	// application stands.
	CodeInvalidOnboardStatus = "ERR_INVALID_ONBOARD_STATUS"
	// CodeMaximumOTPRegenerate: the day's allowance of new codes is used.
	CodeMaximumOTPRegenerate = "ERR_MAXIMUM_OTP_REGENERATE"
	// CodeInvalidSearch: a participant search names an unknown field or
	// misuses an operator.
	CodeInvalidSearch = "ERR_INVALID_SEARCH"
	// CodeInvalidRequest: anything else the caller got wrong: an unknown
	// application or task, a missing reason, an unknown route or method.
	CodeInvalidRequest = "ERR_INVALID_REQUEST"
	// CodeServiceUnavailable: an outside service could not be reached, or
	// the server lacks the component the call needs.
	CodeServiceUnavailable = "ERR_SERVICE_UNAVAILABLE"
	// CodeInvalidApplication: the application was refused on its face
	// (incomplete or invalid); the answer carries the report, and nothing
	// was stored.
	CodeInvalidApplication = "ERR_INVALID_APPLICATION"
	// CodeIdentityTaken: a registry identity or single-use evidence the
	// application claims is held by another participant.
	CodeIdentityTaken = "ERR_IDENTITY_TAKEN"
	// CodeInternal: a fault on the server; the detail is logged, not sent.
	CodeInternal = "INTERNAL_SERVER_ERROR"
)

// ErrorResponse is the HCX error envelope every failed request gets:
//
//	{"timestamp": 1767225600000, "error": {"code": "ERR_INVALID_OTP", "message": "…"}}
type ErrorResponse struct {
	// Timestamp is when the error was answered, in epoch milliseconds.
	Timestamp int64       `json:"timestamp"`
	Error     ErrorDetail `json:"error"`
}

// ErrorDetail is the error member of the envelope.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiError is an error the handler itself decides on: its status, code
// and message go to the client as they are.
type apiError struct {
	status  int
	code    string
	message string
	err     error // cause, for errors.Is; never sent
}

func (e *apiError) Error() string { return e.message }
func (e *apiError) Unwrap() error { return e.err }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// participantCodeError turns "not found" into ERR_INVALID_PARTICIPANT_CODE
// for routes keyed by a participant code.
func participantCodeError(err error) error {
	if errors.Is(err, onboarding.ErrNotFound) {
		return &apiError{status: http.StatusNotFound, code: CodeInvalidParticipantCode, message: callerWords(err), err: err}
	}
	return err
}

// classification is how one error is answered.
type classification struct {
	status   int
	code     string
	message  string
	internal bool // log the error; send a generic message
	caller   bool // the message is the engine's, in the API's words
}

// classify maps an error onto a status and an HCX code, by the engine's
// sentinels and types (errors.Is / errors.As), never by its text. Errors
// it does not know are internal: the client gets a generic message.
func classify(err error) classification {
	client := func(status int, code string) classification {
		return classification{status: status, code: code, message: callerWords(err), caller: true}
	}
	var ae *apiError
	var de *onboarding.DetailsError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return classification{status: ae.status, code: ae.code, message: ae.message}
	case errors.Is(err, onboarding.ErrRefused):
		return classification{status: http.StatusUnprocessableEntity, code: CodeInvalidApplication,
			message: "the application is incomplete or invalid; the report says what to fix. Nothing was stored"}
	case errors.Is(err, onboarding.ErrIdentityTaken):
		return client(http.StatusConflict, CodeIdentityTaken)
	case errors.Is(err, onboarding.ErrFourEyes):
		return client(http.StatusForbidden, CodeAccessDenied)
	case errors.As(err, &mbe), errors.Is(err, hcxonboard.ErrTooLarge):
		return classification{status: http.StatusRequestEntityTooLarge, code: CodeInvalidPayload,
			message: "the request body is too large"}
	case errors.Is(err, onboarding.ErrInvalidOTP), errors.Is(err, onboarding.ErrOTPExpired):
		return client(http.StatusBadRequest, CodeInvalidOTP)
	case errors.Is(err, onboarding.ErrTooManyResends):
		return client(http.StatusTooManyRequests, CodeMaximumOTPRegenerate)
	case errors.Is(err, onboarding.ErrTooSoon):
		return client(http.StatusTooManyRequests, CodeInvalidRequest)
	case errors.Is(err, onboarding.ErrTooManyDocuments):
		return client(http.StatusConflict, CodeInvalidRequest)
	case errors.Is(err, onboarding.ErrInvalidCredentials), errors.Is(err, credential.ErrInvalidToken):
		return client(http.StatusUnauthorized, CodeAccessDenied)
	case errors.Is(err, onboarding.ErrNotActive):
		return client(http.StatusForbidden, CodeAccessDenied)
	case errors.As(err, &de):
		status := http.StatusBadRequest
		if fetchFailed(de) {
			// A URL the caller gave could not be fetched: a fault of the
			// input, never an outage of this server. The message names
			// no address or port (safefetch's text).
			status = http.StatusUnprocessableEntity
		}
		if de.Field == onboarding.FieldEncryptionCert || de.Field == onboarding.FieldSigningCertPath {
			return client(status, CodeInvalidCertificate)
		}
		return client(status, CodeInvalidParticipantDetails)
	case errors.Is(err, onboarding.ErrInvalidDetails):
		return client(http.StatusBadRequest, CodeInvalidParticipantDetails)
	case fetchFailed(err):
		return client(http.StatusUnprocessableEntity, CodeInvalidRequest)
	case errors.Is(err, onboarding.ErrIllegalTransition), errors.Is(err, onboarding.ErrRejected),
		errors.Is(err, onboarding.ErrNotReady), errors.Is(err, onboarding.ErrAlreadyProvisioned),
		errors.Is(err, onboarding.ErrOTPLocked):
		return client(http.StatusConflict, CodeInvalidOnboardStatus)
	case errors.Is(err, onboarding.ErrNotFound):
		return client(http.StatusNotFound, CodeInvalidRequest)
	case errors.Is(err, registry.ErrInvalidQuery):
		return client(http.StatusBadRequest, CodeInvalidSearch)
	case errors.Is(err, onboarding.ErrConflict):
		return client(http.StatusConflict, CodeInvalidRequest)
	case errors.Is(err, onboarding.ErrInvalidArgument):
		return client(http.StatusBadRequest, CodeInvalidRequest)
	case errors.Is(err, hcxonboard.ErrInvalidApplication), errors.Is(err, hcxonboard.ErrUnknownRole):
		return client(http.StatusBadRequest, CodeInvalidPayload)
	case errors.Is(err, onboarding.ErrUnavailable), errors.Is(err, onboarding.ErrNotDelivered):
		return client(http.StatusServiceUnavailable, CodeServiceUnavailable)
	case errors.Is(err, onboarding.ErrNotConfigured):
		// Which component is missing is the operator's business.
		return classification{status: http.StatusNotImplemented, code: CodeServiceUnavailable,
			message: "this operation is not available on this server", internal: true}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return classification{status: http.StatusServiceUnavailable, code: CodeServiceUnavailable,
			message: "the request was cancelled or timed out", internal: true}
	default:
		return classification{status: http.StatusInternalServerError, code: CodeInternal,
			message: "internal server error", internal: true}
	}
}

// fetchFailed reports whether err is a URL from the caller that the
// operator would not or could not fetch.
func fetchFailed(err error) bool {
	return errors.Is(err, safefetch.ErrRefused) || errors.Is(err, safefetch.ErrFetch)
}

// writeError answers err in the envelope, logging what the client is not
// told.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	c := h.classifyAnswer(w, r, err)
	var refused *onboarding.RefusedError
	if errors.As(err, &refused) {
		h.writeJSON(w, c.status, refusal(h.now().UnixMilli(), c, refused.Report))
		return
	}
	if c.caller {
		c.message = h.explain(r, err, c.message)
	}
	h.writeJSON(w, c.status, ErrorResponse{
		Timestamp: h.now().UnixMilli(),
		Error:     ErrorDetail{Code: c.code, Message: clipMessage(c.message)},
	})
}

// classifyAnswer classifies err for an error answer: it logs an internal
// error, and sets the headers its status carries.
func (h *Handler) classifyAnswer(w http.ResponseWriter, r *http.Request, err error) classification {
	c := classify(err)
	if c.internal {
		h.log.LogAttrs(r.Context(), slog.LevelError, "httpapi: request failed",
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", c.status),
			slog.String("error", err.Error()))
	}
	switch c.status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="hcx-onboarding"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "30")
	}
	return c
}

// OAuthError is how the Keycloak token route answers an error, as
// Keycloak does and OAuth 2.0 (RFC 6749, section 5.2) says: error is a
// code an OAuth client library acts on — invalid_grant for a refused
// username or password (401, the one refusal of every token route),
// unsupported_grant_type, invalid_request for any other request the route
// refuses, temporarily_unavailable and server_error — and
// error_description the words the HCX envelope would carry.
type OAuthError struct {
	Error            string `json:"error" enum:"invalid_request,invalid_grant,unsupported_grant_type,temporarily_unavailable,server_error"`
	ErrorDescription string `json:"error_description"`
}

// OAuth error codes (OAuthError.Error).
const (
	oauthInvalidRequest = "invalid_request"
	oauthInvalidGrant   = "invalid_grant"
	oauthUnsupported    = "unsupported_grant_type"
	oauthUnavailable    = "temporarily_unavailable"
	oauthServerError    = "server_error"
)

// writeOAuthError answers err on the Keycloak token route (OAuthError),
// with the status, headers and words writeError would give it.
func (h *Handler) writeOAuthError(w http.ResponseWriter, r *http.Request, err error) {
	c := h.classifyAnswer(w, r, err)
	if c.caller {
		c.message = h.explain(r, err, c.message)
	}
	code := oauthInvalidRequest
	var ue unsupportedGrant
	switch {
	case c.status == http.StatusUnauthorized:
		code = oauthInvalidGrant
	case errors.As(err, &ue):
		code = oauthUnsupported
	case c.status == http.StatusServiceUnavailable || c.status == http.StatusTooManyRequests:
		code = oauthUnavailable
	case c.status >= 500:
		code = oauthServerError
	}
	h.writeJSON(w, c.status, OAuthError{Error: code, ErrorDescription: clipMessage(c.message)})
}

// unsupportedGrant marks the refusal of a grant type other than password.
type unsupportedGrant struct{ *apiError }

func (u unsupportedGrant) Unwrap() error { return u.apiError }

// RefusalResponse answers an application refused on its face (422): the
// error envelope, and the report in the participant's pre-validation
// contract (examples/prevalidate -json): verdict, categories and each
// requirement's id, outcome and message.
type RefusalResponse struct {
	Timestamp    int64               `json:"timestamp"`
	Error        ErrorDetail         `json:"error"`
	Verdict      verifier.Verdict    `json:"verdict"`
	Categories   []verifier.Category `json:"categories"`
	Requirements []ReportResult      `json:"requirements"`
}

// ReportResult is one requirement of a RefusalResponse.
type ReportResult struct {
	ID      verifier.RequirementID `json:"id"`
	Outcome verifier.Outcome       `json:"outcome"`
	Message string                 `json:"message"`
}

func refusal(ts int64, c classification, rep *verifier.Report) RefusalResponse {
	out := RefusalResponse{Timestamp: ts, Error: ErrorDetail{Code: c.code, Message: c.message},
		Verdict: rep.Verdict, Categories: append([]verifier.Category{}, rep.Categories...),
		Requirements: make([]ReportResult, 0, len(rep.Requirements))}
	for _, res := range rep.Requirements {
		out.Requirements = append(out.Requirements, ReportResult{ID: res.ID, Outcome: res.Outcome, Message: res.Message})
	}
	return out
}

// maxMessage caps an error message: some echo what the client sent.
const maxMessage = 1024

func clipMessage(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// answerOptions encode an answer as encoding/json does, except that a nil
// slice or map is [] or {}, never null: the OpenAPI document declares
// those members arrays and objects, and a client that reads
// participant.roles or report.categories must not meet null there.
var answerOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(),
	jsonv2.FormatNilSliceAsNull(false), jsonv2.FormatNilMapAsNull(false))

// writeJSON answers v as JSON. API answers carry personal data and, once,
// secrets: nothing may cache them.
func (h *Handler) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := jsonv2.Marshal(v, answerOptions)
	if err != nil {
		h.log.Error("httpapi: encode response", "error", err.Error())
		status = http.StatusInternalServerError
		b, _ = json.Marshal(ErrorResponse{Timestamp: h.now().UnixMilli(),
			Error: ErrorDetail{Code: CodeInternal, Message: "internal server error"}})
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
