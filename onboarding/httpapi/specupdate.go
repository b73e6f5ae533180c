package httpapi

import (
	"net/http"
	"slices"
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

	// The record's other members (SpecParticipant's), which this route
	// does not change. A client that read its record may send it back
	// whole with what it changes, as the specification's update request
	// is the record's members: each given must be as the record has it
	// (roles in any spelling, in any order; status and e-mail in any
	// case), or the update is refused (400 ERR_INVALID_PAYLOAD) naming it.
	// The certificates' expiry times are read from the certificates, so
	// theirs are not compared.
	ParticipantName      *string             `json:"participant_name,omitempty"`
	Roles                []string            `json:"roles,omitempty"`
	PrimaryEmail         *string             `json:"primary_email,omitempty"`
	PrimaryMobile        *string             `json:"primary_mobile,omitempty"`
	AdditionalEmail      []string            `json:"additional_email,omitempty"`
	AdditionalMobile     []string            `json:"additional_mobile,omitempty"`
	Phone                []string            `json:"phone,omitempty"`
	Status               *string             `json:"status,omitempty"`
	EncryptionCertExpiry *int64              `json:"encryption_cert_expiry,omitempty"`
	SigningCertExpiry    *int64              `json:"signing_cert_expiry,omitempty"`
	SiginingCertExpiry   *int64              `json:"sigining_cert_expiry,omitempty"` // sic: the reference platform's spelling
	LinkedRegistryCodes  []string            `json:"linked_registry_codes,omitempty"`
	SchemeCode           *string             `json:"scheme_code,omitempty"`
	Address              *hcxonboard.Address `json:"address,omitempty"`
	OSID                 *string             `json:"osid,omitempty"`
	OSOwner              []string            `json:"osOwner,omitempty"`
}

// unchangedMembers refuses a request whose record members (those this
// route does not change) differ from cur, the participant's record as
// the handler's profile writes it, naming the first that does.
func (req *SpecUpdateRequest) unchangedMembers(cur SpecParticipant) error {
	same := func(given *string, has string, fold bool) bool {
		return given == nil || *given == has || fold && strings.EqualFold(*given, has)
	}
	list := func(given, has []string) bool { return given == nil || slices.Equal(given, has) }
	var differs string
	switch {
	case !same(req.ParticipantName, cur.ParticipantName, false):
		differs = "participant_name"
	case req.Roles != nil && !sameRoles(req.Roles, cur.Roles):
		differs = "roles"
	case !same(req.PrimaryEmail, cur.PrimaryEmail, true):
		differs = "primary_email"
	case !same(req.PrimaryMobile, cur.PrimaryMobile, false):
		differs = "primary_mobile"
	case !list(req.AdditionalEmail, cur.AdditionalEmail):
		differs = "additional_email"
	case !list(req.AdditionalMobile, cur.AdditionalMobile):
		differs = "additional_mobile"
	case !list(req.Phone, cur.Phone):
		differs = "phone"
	case !same(req.Status, string(cur.Status), true):
		differs = "status"
	case !list(req.LinkedRegistryCodes, cur.LinkedRegistryCodes):
		differs = "linked_registry_codes"
	case !same(req.SchemeCode, cur.SchemeCode, false):
		differs = "scheme_code"
	case req.Address != nil && (cur.Address == nil || *req.Address != *cur.Address):
		differs = "address"
	case !same(req.OSID, cur.OSID, false):
		differs = "osid"
	case !list(req.OSOwner, cur.OSOwner):
		differs = "osOwner"
	default:
		return nil
	}
	return newError(http.StatusBadRequest, CodeInvalidPayload,
		"%s cannot be changed through participant/update, which changes endpoint_url, encryption_cert, signing_cert_path and payment_details: "+
			"send it as your record has it, or leave it out", differs)
}

// sameRoles reports whether two lists name the same roles, in any
// spelling hcxonboard.ParseRole reads and in any order. A name it does
// not read stands for itself.
func sameRoles(a, b []string) bool {
	set := func(rs []string) []string {
		out := make([]string, 0, len(rs))
		for _, s := range rs {
			if r, err := hcxonboard.ParseRole(s); err == nil {
				s = string(r)
			}
			out = append(out, s)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(set(a), set(b))
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
	if a.Participant != nil {
		if err := req.unchangedMembers(h.specRecord(a.Participant, h.publicBase(r))); err != nil {
			return err
		}
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
