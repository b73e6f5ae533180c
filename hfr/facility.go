package hfr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// Paths under the registry URL.
const (
	pathFacilitySearch  = "/FacilityManagement/v1.5/facility/search"
	pathFacilityContact = "/v1.5/facility/fetchFacilityContactDetails"
	pathSendOTP         = "/v1.5/facility/sendOtpToContact"
	pathValidateOTP     = "/v1.5/facility/validateOtp"
	pathSearchHPR       = "/v1/search/searchByHprId/"
	pathProfessional    = "/apis/v1/doctors/fetch-professional-info"
)

// Facility is an HFR facility as the v1.5 search returns it. Codes and
// coordinates are kept as the registry's strings.
//
// Status is the raw facilityStatus. HFR publishes no list of values, so
// none is imposed; the values seen are Draft (created, never submitted),
// Submitted (submitted by the facility manager, awaiting HFR's
// verification), Created and Saved (records part-way through
// registration), Verified (verified by HFR's verifier) and Approved. What
// an operator accepts is its policy (see package verifier).
//
// FacilityType is HFR's facility type name ("Hospital", "Clinic/
// Dispensary", "Diagnostic Laboratory", "Pharmacy", …), FacilityTypeCode
// its code. Address, VillageCityTownName and Pincode are where HFR has the
// facility.
type Facility struct {
	ID, Name, Status                                                                                 string
	Ownership, OwnershipCode, FacilityType, FacilityTypeCode, SystemOfMedicine, SystemOfMedicineCode string
	StateName, StateLGDCode, DistrictName, DistrictLGDCode, SubDistrictName, Address, Pincode        string
	SubDistrictLGDCode, VillageCityTownName, VillageCityTownLGDCode                                  string
	Latitude, Longitude                                                                              string
}

// IsDraft reports whether the facility was never submitted: it exists in
// HFR but is not a registered facility.
func (f Facility) IsDraft() bool { return strings.EqualFold(strings.TrimSpace(f.Status), "Draft") }

// FacilityContact is the facility manager HFR holds. Mobile and e-mail come
// masked from the registry (and are masked here if they ever do not); they
// are for display only.
type FacilityContact struct {
	FacilityID, FacilityName, ManagerName, MaskedMobile, MaskedEmail, ManagerHPRID string
}

// OTPTransaction identifies an OTP that HFR sent to a facility's manager.
type OTPTransaction struct {
	FacilityID, TransactionID string
}

// searchRequest is the v1.5 facility search body. The registry expects every
// key, empty when unused.
type searchRequest struct {
	FacilityID         string `json:"facilityId"`
	FacilityName       string `json:"facilityName"`
	OwnershipCode      string `json:"ownershipCode"`
	StateLGDCode       string `json:"stateLGDCode"`
	DistrictLGDCode    string `json:"districtLGDCode"`
	SubDistrictLGDCode string `json:"subDistrictLGDCode"`
	Pincode            string `json:"pincode"`
	Page               int    `json:"page"`
	ResultsPerPage     int    `json:"resultsPerPage"`
}

type searchResponse struct {
	Facilities      []facilityRow `json:"facilities"`
	TotalFacilities *flexString   `json:"totalFacilities"`
	envelope
}

type facilityRow struct {
	FacilityID           flexString `json:"facilityId"`
	FacilityName         flexString `json:"facilityName"`
	FacilityStatus       flexString `json:"facilityStatus"`
	Ownership            flexString `json:"ownership"`
	OwnershipCode        flexString `json:"ownershipCode"`
	SystemOfMedicine     flexString `json:"systemOfMedicine"`
	SystemOfMedicineCode flexString `json:"systemOfMedicineCode"`
	FacilityType         flexString `json:"facilityType"`
	FacilityTypeCode     flexString `json:"facilityTypeCode"`
	StateName            flexString `json:"stateName"`
	StateLGDCode         flexString `json:"stateLGDCode"`
	DistrictName         flexString `json:"districtName"`
	DistrictLGDCode      flexString `json:"districtLGDCode"`
	SubDistrictName      flexString `json:"subDistrictName"`
	SubDistrictLGDCode   flexString `json:"subDistrictLGDCode"`
	VillageCityTownName  flexString `json:"villageCityTownName"`
	VillageCityTownLGD   flexString `json:"villageCityTownLGDCode"`
	Address              flexString `json:"address"`
	Pincode              flexString `json:"pincode"`
	Latitude             flexString `json:"latitude"`
	Longitude            flexString `json:"longitude"`
}

func (r *facilityRow) facility() Facility {
	return Facility{
		ID:                     r.FacilityID.trim(),
		Name:                   r.FacilityName.trim(),
		Status:                 r.FacilityStatus.trim(),
		Ownership:              r.Ownership.trim(),
		OwnershipCode:          r.OwnershipCode.trim(),
		FacilityType:           r.FacilityType.trim(),
		FacilityTypeCode:       r.FacilityTypeCode.trim(),
		SystemOfMedicine:       r.SystemOfMedicine.trim(),
		SystemOfMedicineCode:   r.SystemOfMedicineCode.trim(),
		StateName:              r.StateName.trim(),
		StateLGDCode:           r.StateLGDCode.trim(),
		DistrictName:           r.DistrictName.trim(),
		DistrictLGDCode:        r.DistrictLGDCode.trim(),
		SubDistrictName:        r.SubDistrictName.trim(),
		SubDistrictLGDCode:     r.SubDistrictLGDCode.trim(),
		VillageCityTownName:    r.VillageCityTownName.trim(),
		VillageCityTownLGDCode: r.VillageCityTownLGD.trim(),
		Address:                r.Address.trim(),
		Pincode:                r.Pincode.trim(),
		Latitude:               r.Latitude.trim(),
		Longitude:              r.Longitude.trim(),
	}
}

// Facility looks a facility up by its HFR ID through the v1.5 search. Only a
// row with the same ID (case-insensitive) is a match; a search that returns
// other rows, an empty search and HTTP 404 are ErrNotFound, and one with a
// row that carries no ID (which could be this facility), or with rows for
// this facility that differ, is ErrUnexpectedResponse. A Draft
// facility is returned with its status, not hidden: see Facility.IsDraft.
func (c *Client) Facility(ctx context.Context, id string) (Facility, error) {
	fid, err := NormalizeFacilityID(id)
	if err != nil {
		return Facility{}, fmt.Errorf("hfr: facility: %w", err)
	}
	body, err := json.Marshal(searchRequest{FacilityID: fid, Page: 1, ResultsPerPage: 10})
	if err != nil {
		return Facility{}, fmt.Errorf("hfr: facility %s: %w", fid, err)
	}
	rep, err := c.do(ctx, &call{
		op:     "facility search",
		method: http.MethodPost,
		url:    c.registryURL + pathFacilitySearch,
		body:   body,
		auth:   true,
		retry:  true,
	})
	if err != nil {
		return Facility{}, fmt.Errorf("hfr: facility %s: %w", fid, err)
	}
	var res searchResponse
	if err := c.decode(rep, &res); err != nil {
		return Facility{}, fmt.Errorf("hfr: facility %s: %w", fid, err)
	}
	if res.Facilities == nil && res.TotalFacilities == nil {
		return Facility{}, fmt.Errorf("hfr: facility %s: %w: search answer without facilities", fid, ErrUnexpectedResponse)
	}
	unnamed := false
	var found *Facility
	for i := range res.Facilities {
		got := res.Facilities[i].FacilityID.trim()
		if !strings.EqualFold(got, fid) {
			unnamed = unnamed || got == ""
			continue
		}
		f := res.Facilities[i].facility()
		if found == nil {
			found = &f
			continue
		}
		// Another row for this facility: the same row again, or a
		// contradiction that proves nothing (Approved and Draft).
		if f.ID = found.ID; f != *found {
			return Facility{}, fmt.Errorf("hfr: facility %s: %w: search answer with contradictory rows for this facility", fid, ErrUnexpectedResponse)
		}
	}
	if found != nil {
		return *found, nil
	}
	if len(res.Facilities) == 0 && res.TotalFacilities != nil {
		if n, err := strconv.Atoi(res.TotalFacilities.trim()); err == nil && n > 0 {
			// A search with facilityId set finds that facility or none;
			// a total without rows is a registry fault, not an absence.
			return Facility{}, fmt.Errorf("hfr: facility %s: %w: search answer counts %d facilities but lists none", fid, ErrUnexpectedResponse, n)
		}
	}
	if unnamed {
		// A row without its ID (HFR's own example shows one) may be this
		// facility or another: it proves neither that it exists nor that
		// it does not.
		return Facility{}, fmt.Errorf("hfr: facility %s: %w: search answer with a row without facilityId", fid, ErrUnexpectedResponse)
	}
	return Facility{}, fmt.Errorf("hfr: facility %s: %w", fid, ErrNotFound)
}

type contactRequest struct {
	FacilityID string `json:"facilityId"`
}

type contactResponse struct {
	Facility *struct {
		FacilityID   flexString `json:"facilityId"`
		FacilityName flexString `json:"facilityName"`
		ContactName  flexString `json:"contactName"`
		ContactMob   flexString `json:"contactMobile"`
		ContactEmail flexString `json:"contactEmail"`
		HPRID        flexString `json:"hprid"`
	} `json:"facility"`
	Status  flexString `json:"status"`
	Message flexString `json:"message"`
	envelope
}

// FacilityContact returns the manager HFR holds for a facility: name,
// masked mobile and e-mail, and the manager's HPR ID. A null facility in the
// answer, or HTTP 404, is ErrNotFound.
func (c *Client) FacilityContact(ctx context.Context, id string) (FacilityContact, error) {
	fid, err := NormalizeFacilityID(id)
	if err != nil {
		return FacilityContact{}, fmt.Errorf("hfr: facility contact: %w", err)
	}
	body, err := json.Marshal(contactRequest{FacilityID: fid})
	if err != nil {
		return FacilityContact{}, fmt.Errorf("hfr: facility contact %s: %w", fid, err)
	}
	rep, err := c.do(ctx, &call{
		op:     "facility contact",
		method: http.MethodPost,
		url:    c.registryURL + pathFacilityContact,
		body:   body,
		auth:   true,
		retry:  true,
	})
	if err != nil {
		return FacilityContact{}, fmt.Errorf("hfr: facility contact %s: %w", fid, err)
	}
	var res contactResponse
	if err := c.decode(rep, &res); err != nil {
		return FacilityContact{}, fmt.Errorf("hfr: facility contact %s: %w", fid, err)
	}
	f := res.Facility
	if f == nil {
		if res.Status == "" && res.Message == "" {
			return FacilityContact{}, fmt.Errorf("hfr: facility contact %s: %w: answer without facility", fid, ErrUnexpectedResponse)
		}
		return FacilityContact{}, fmt.Errorf("hfr: facility contact %s: %w", fid, ErrNotFound)
	}
	if got := f.FacilityID.trim(); got != "" && !strings.EqualFold(got, fid) {
		return FacilityContact{}, fmt.Errorf("hfr: facility contact %s: %w: answer is for another facility", fid, ErrUnexpectedResponse)
	}
	return FacilityContact{
		FacilityID:   fid,
		FacilityName: f.FacilityName.trim(),
		ManagerName:  f.ContactName.trim(),
		MaskedMobile: ensureMasked(f.ContactMob.trim(), hcxonboard.MaskMobile),
		MaskedEmail:  ensureMasked(f.ContactEmail.trim(), hcxonboard.MaskEmail),
		ManagerHPRID: f.HPRID.trim(),
	}, nil
}

// ensureMasked masks a value that arrives in clear; HFR masks these itself,
// and the client must not be the one that leaks them if it ever stops.
func ensureMasked(v string, mask func(string) string) string {
	if v == "" || strings.ContainsRune(v, '*') {
		return v
	}
	return mask(v)
}

// otpResponse is one element of the sendOtpToContact and validateOtp
// answers, which come as an object or as an array of such objects.
type otpResponse struct {
	FacilityID    flexString `json:"facilityId"`
	Status        flexString `json:"status"`
	Message       flexString `json:"message"`
	TransactionID flexString `json:"transactionId"`
	envelope
}

// otpResponses decodes either form. Its own envelope stays empty: the
// error keys live on the elements, which pick examines.
type otpResponses struct {
	items []otpResponse
	envelope
}

func (o *otpResponses) UnmarshalJSON(b []byte) error {
	b = trimLeftSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &o.items)
	}
	o.items = make([]otpResponse, 1)
	return json.Unmarshal(b, &o.items[0])
}

// pick returns the element for facility fid (or the only element when the
// registry does not echo the ID) and turns an error element into an
// *APIError. Several elements for fid must agree (status, error,
// transaction): answers that contradict one another prove nothing, in
// whichever order they come.
func (o *otpResponses) pick(c *Client, rep *reply, fid string, secrets ...string) (*otpResponse, error) {
	status := rep.status
	var chosen *otpResponse
	for i := range o.items {
		it := &o.items[i]
		got := it.FacilityID.trim()
		if !strings.EqualFold(got, fid) && (got != "" || len(o.items) != 1) {
			continue
		}
		if chosen == nil {
			chosen = it
			continue
		}
		if it.failed() != chosen.failed() || !strings.EqualFold(it.Status.trim(), chosen.Status.trim()) ||
			it.TransactionID.trim() != chosen.TransactionID.trim() {
			return nil, fmt.Errorf("%w: contradictory answers for this facility", ErrUnexpectedResponse)
		}
	}
	if chosen == nil {
		return nil, fmt.Errorf("%w: no answer for this facility", ErrUnexpectedResponse)
	}
	if chosen.failed() {
		e := &APIError{StatusCode: status}
		sc := c.scrubber(rep.token, secrets)
		if !e.fromInner(chosen.Error, "", sc) {
			e.fromInner(chosen.ErrorStatus, "", sc)
		}
		if e.Message == "" {
			e.Message = sc.clean(string(chosen.Message))
		}
		c.redact(e, rep.token, secrets)
		return nil, e
	}
	return chosen, nil
}

// SendFacilityOTP asks HFR to send an OTP to the manager it holds for the
// facility (never to a number the caller supplies). It reaches HFR at most
// once: an OTP request is not idempotent, so it is never retried; only a
// request the gateway refused for an expired session, which HFR never saw,
// is sent once more with a fresh session.
func (c *Client) SendFacilityOTP(ctx context.Context, id string) (OTPTransaction, error) {
	fid, err := NormalizeFacilityID(id)
	if err != nil {
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP: %w", err)
	}
	body, err := json.Marshal(contactRequest{FacilityID: fid})
	if err != nil {
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP %s: %w", fid, err)
	}
	rep, err := c.do(ctx, &call{
		op:     "send facility OTP",
		method: http.MethodPost,
		url:    c.registryURL + pathSendOTP,
		body:   body,
		auth:   true,
	})
	if err != nil {
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP %s: %w", fid, err)
	}
	var res otpResponses
	if err := c.decode(rep, &res); err != nil {
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP %s: %w", fid, err)
	}
	it, err := res.pick(c, rep, fid)
	if err != nil {
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP %s: %w", fid, err)
	}
	if it.Status.trim() == "" {
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP %s: %w: answer without status", fid, ErrUnexpectedResponse)
	}
	if !strings.EqualFold(it.Status.trim(), "success") {
		e := &APIError{StatusCode: rep.status, Message: c.scrubber(rep.token, nil).clean(firstNonEmpty(string(it.Message), "status "+string(it.Status)))}
		c.redact(e, rep.token, nil)
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP %s: %w", fid, e)
	}
	txn := it.TransactionID.trim()
	if txn == "" {
		return OTPTransaction{}, fmt.Errorf("hfr: send facility OTP %s: %w: no transactionId", fid, ErrUnexpectedResponse)
	}
	return OTPTransaction{FacilityID: fid, TransactionID: txn}, nil
}

type validateRequest struct {
	FacilityID    string `json:"facilityId"`
	SourceID      string `json:"sourceId"`
	OTP           string `json:"otp"`
	Source        string `json:"source"`
	TransactionID string `json:"transactionId"`
}

// ValidateFacilityOTP checks the OTP the facility's manager received. A
// wrong, expired or used code is an error wrapping ErrOTPRejected (and the
// *APIError when the registry gave one). It reaches HFR exactly once, never
// retried, so that a wrong code is never counted twice against the manager;
// only a request the gateway refused for an expired session, which HFR
// never saw, is sent once more with a fresh session.
// Spaces and hyphens typed between the digits ("481 516") are dropped; a
// code that is not then 4 to 8 digits is rejected without a request. The
// OTP never appears in errors or logs.
func (c *Client) ValidateFacilityOTP(ctx context.Context, facilityID, transactionID, otp string) error {
	fid, err := NormalizeFacilityID(facilityID)
	if err != nil {
		return fmt.Errorf("hfr: validate facility OTP: %w", err)
	}
	txn := strings.TrimSpace(transactionID)
	if txn == "" || len(txn) > 128 || strings.ContainsFunc(txn, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return fmt.Errorf("hfr: validate facility OTP %s: %w: transaction ID must be 1-128 printable ASCII characters", fid, ErrInvalidID)
	}
	code := otpDigits(otp)
	if len(code) < 4 || len(code) > 8 || !isDigits(code) {
		return fmt.Errorf("hfr: validate facility OTP %s: %w: the OTP must be 4 to 8 digits", fid, ErrOTPRejected)
	}
	body, err := json.Marshal(validateRequest{
		FacilityID: fid, SourceID: c.otpSourceID, OTP: code, Source: c.otpSource, TransactionID: txn,
	})
	if err != nil {
		return fmt.Errorf("hfr: validate facility OTP %s: %w", fid, err)
	}
	rep, err := c.do(ctx, &call{
		op:      "validate facility OTP",
		method:  http.MethodPost,
		url:     c.registryURL + pathValidateOTP,
		body:    body,
		auth:    true,
		secrets: []string{code},
	})
	if err != nil {
		return fmt.Errorf("hfr: validate facility OTP %s: %w", fid, otpRejection(err))
	}
	var res otpResponses
	if err := c.decode(rep, &res, code); err != nil {
		return fmt.Errorf("hfr: validate facility OTP %s: %w", fid, otpRejection(err))
	}
	it, err := res.pick(c, rep, fid, code)
	if err != nil {
		return fmt.Errorf("hfr: validate facility OTP %s: %w", fid, otpRejection(err))
	}
	if it.Status.trim() == "" {
		return fmt.Errorf("hfr: validate facility OTP %s: %w: answer without status", fid, ErrUnexpectedResponse)
	}
	if !strings.EqualFold(it.Status.trim(), "success") {
		e := &APIError{StatusCode: rep.status, Message: c.scrubber(rep.token, []string{code}).clean(firstNonEmpty(string(it.Message), "status "+string(it.Status)))}
		c.redact(e, rep.token, []string{code})
		return fmt.Errorf("hfr: validate facility OTP %s: %w: %w", fid, ErrOTPRejected, e)
	}
	return nil
}

// otpRejection marks a registry refusal of the code as ErrOTPRejected: an
// error answer in a success body, or a 4xx, whose code and status stand
// for no other sentinel, and a 401 or 403 whose code is of HIS's OTP
// family (HIS-2xxx), which also stays ErrUnauthorized. Outages, auth and rate-limit failures, and "not
// found", stay what they are, wherever the registry put them.
func otpRejection(err error) error {
	var e *APIError
	if !errors.As(err, &e) {
		return err
	}
	if (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden) && e.otpCause() {
		// A registry that answers a wrong or expired code with 401 names
		// the code as the cause: the code was refused, not the session.
		return fmt.Errorf("%w: %w", ErrOTPRejected, err)
	}
	if e.Unwrap() != nil {
		return err
	}
	if e.StatusCode >= 200 && e.StatusCode < 300 || e.StatusCode >= 400 && e.StatusCode < 500 {
		return fmt.Errorf("%w: %w", ErrOTPRejected, err)
	}
	return err
}

func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}
