package httpapi

import (
	"net/http"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
)

// SpecUpdateRequest is the HCX v0.9 participant/update body a live
// participant sends for its own record: its endpoint and certificates,
// with the step-up code its registered admin received (POST
// /v1/onboarding/applications/{id}/step-up, purpose "details"). Only
// participant_code is required: a field left out keeps its registered
// value, as the specification's update has it, so a participant rotating
// its encryption certificate sends that alone. The endpoint and the
// encryption certificate, which the record cannot go without, are kept
// when given empty too; the optional signing certificate is removed, and
// so are the optional payment details when given as null or {}.
type SpecUpdateRequest struct {
	ParticipantCode string `json:"participant_code"`
	EndpointURL     string `json:"endpoint_url,omitempty"`
	EncryptionCert  string `json:"encryption_cert,omitempty"`
	// SigningCertPath, optional in the record, is kept when left out and
	// removed when given empty.
	SigningCertPath *string `json:"signing_cert_path,omitempty"`
	// PaymentDetails, optional in the record — a UPI ID, or an account
	// number with its IFSC (hcxonboard.NormalizePaymentDetails) — is kept
	// when left out, replaced when given, and removed when given as JSON
	// null or {} (or with every member blank).
	PaymentDetails *hcxonboard.PaymentDetails `json:"payment_details,omitempty"`
	StepUpCode     string                     `json:"step_up_code,omitempty"`
}

// paymentDetailsGiven reports whether the JSON object body names
// payment_details, null included: null removes them, where a member left
// out keeps them. The body was decoded strictly before.
func paymentDetailsGiven(body []byte) bool {
	var probe struct {
		PaymentDetails jsontext.Value `json:"payment_details"`
	}
	return jsonv2.Unmarshal(body, &probe) == nil && len(probe.PaymentDetails) > 0
}

// specUpdate lets a participant, with its own access token, change its
// endpoint and certificates through the specification's registry API. It
// is SubmitDetails with the step-up a live participant needs; the answer
// (SpecUpdateResponse) is the participant's code and its record in the
// profile's spelling.
func (h *Handler) specUpdate(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	body, err := h.readBody(w, r)
	if err != nil {
		return err
	}
	var req SpecUpdateRequest
	if err := unmarshalStrict(body, &req); err != nil {
		return err
	}
	code, err := h.payerCode(r) // any participant's own token, not only a payer's
	if err != nil {
		return err
	}
	switch strings.TrimSpace(req.ParticipantCode) {
	case "":
		return newError(http.StatusBadRequest, CodeInvalidParticipantCode,
			"participant_code is required: give your own participant code (%s)", code)
	case code:
	default:
		return newError(http.StatusForbidden, CodeAccessDenied, "a participant updates its own record only")
	}
	a, err := h.svc.ApplicationByParticipant(r.Context(), code)
	if err != nil {
		return participantCodeError(err)
	}
	var d onboarding.Details // the registered details, changed where the request says
	if a.Details != nil {
		d = a.Details.Details
	}
	if strings.TrimSpace(req.EndpointURL) != "" {
		d.EndpointURL = req.EndpointURL
	}
	if strings.TrimSpace(req.EncryptionCert) != "" {
		d.EncryptionCert = req.EncryptionCert
	}
	if req.SigningCertPath != nil {
		d.SigningCertPath = *req.SigningCertPath // "" removes it
	}
	if req.PaymentDetails != nil || paymentDetailsGiven(body) {
		d.PaymentDetails = req.PaymentDetails // null, {} or all blank remove them
	}
	d.StepUpCode = req.StepUpCode
	if err := h.echoedCertificates(r, &d, func() (*onboarding.Application, error) { return a, nil }); err != nil {
		return err
	}
	a, err = h.svc.SubmitDetailsAs(r.Context(), a.ID, d, onboarding.ParticipantActor(code))
	if err != nil {
		return h.refuseStepUp(r, err)
	}
	h.writeJSON(w, http.StatusOK, SpecUpdateResponse{ParticipantCode: code,
		SpecSearchResponse: h.specPage(r, []hcxonboard.Participant{*a.Participant}, "")})
	return nil
}
