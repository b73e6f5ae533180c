package hfr

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// Paths of HPR's own authentication of a professional, under the registry
// URL. confirmWithMobileOTP is not published: it is inferred from the
// Aadhaar path and from the ABHA v1 API that HPR's v1 auth mirrors.
const (
	pathHPRAuthInit       = "/api/v1/auth/init"
	pathHPRConfirmAadhaar = "/api/v1/auth/confirmWithAadhaarOtp"
	pathHPRConfirmMobile  = "/api/v1/auth/confirmWithMobileOTP"
	pathHPRAccount        = "/v1/account/information?masked=true"
)

// HPRAuthMethod is a way HPR authenticates a professional with a one-time
// password; the values are HPR's authMethods.
type HPRAuthMethod string

// The OTP methods. HPR also offers PASSWORD, which an operator must never
// ask a professional for, so it has no constant here.
const (
	// HPRAadhaarOTP: UIDAI sends the code to the mobile linked with the
	// professional's Aadhaar.
	HPRAadhaarOTP HPRAuthMethod = "AADHAAR_OTP"
	// HPRMobileOTP: HPR sends the code to the mobile in the professional's
	// HPR profile.
	HPRMobileOTP HPRAuthMethod = "MOBILE_OTP"
)

func (m HPRAuthMethod) valid() bool { return m == HPRAadhaarOTP || m == HPRMobileOTP }

func (m HPRAuthMethod) confirmPath() string {
	if m == HPRMobileOTP {
		return pathHPRConfirmMobile
	}
	return pathHPRConfirmAadhaar
}

// OTPMethods returns the OTP methods HPR offers the professional, from
// AuthMethods, Aadhaar first; nil when it offers none (or AuthMethods is
// unknown).
func (p Professional) OTPMethods() []HPRAuthMethod {
	var out []HPRAuthMethod
	for _, want := range [...]HPRAuthMethod{HPRAadhaarOTP, HPRMobileOTP} {
		for _, m := range p.AuthMethods {
			if strings.EqualFold(strings.TrimSpace(m), string(want)) {
				out = append(out, want)
				break
			}
		}
	}
	return out
}

// HPRAuthTransaction is an authentication HPR has started: the OTP is on
// its way to the professional. Keep it (it is plain data, with JSON names)
// until the professional gives the code to ConfirmHPRAuth.
type HPRAuthTransaction struct {
	// HPRID is the canonical HPR ID that is being authenticated.
	HPRID string `json:"hpr_id"`
	// Method is how the code was sent.
	Method HPRAuthMethod `json:"method"`
	// TransactionID is HPR's txnId.
	TransactionID string `json:"transaction_id"`
	// MaskedMobile is where the code went, as HPR shows it (masked), when
	// HPR says.
	MaskedMobile string `json:"masked_mobile,omitempty"`
}

type hprAuthInitRequest struct {
	IDType     string `json:"idType"`
	DomainName string `json:"domainName"`
	AuthMethod string `json:"authMethod"`
	HPRID      string `json:"hprId"`
}

type hprAuthInitResponse struct {
	TxnID         flexString `json:"txnId"`
	TransactionID flexString `json:"transactionId"`
	MobileNumber  flexString `json:"mobileNumber"`
	envelope
}

type hprConfirmRequest struct {
	OTP   string `json:"otp"`
	TxnID string `json:"txnId"`
}

type hprTokenResponse struct {
	Token flexString `json:"token"`
	envelope
}

type hprAccount struct {
	HPRIDNumber  flexString `json:"hprIdNumber"`
	HPRID        flexString `json:"hprId"`
	Name         flexString `json:"name"`
	FirstName    flexString `json:"firstName"`
	MiddleName   flexString `json:"middleName"`
	LastName     flexString `json:"lastName"`
	CategoryCode flexString `json:"hpCategoryCode"`
	SubCategory  flexString `json:"hpSubCategoryCode"`
	envelope
}

// StartHPRAuth asks HPR to authenticate a professional with a one-time
// password sent by method — the proof that the applicant is the
// professional, since the code goes to the mobile HPR or Aadhaar holds,
// never to one the applicant types. It reads the professional's profile
// first: an unknown HPR ID is ErrNotFound, and a method the profile does
// not offer is ErrAuthMethodUnavailable, before anything is sent. The
// request that sends the code reaches HPR at most once, never retried (a
// request the gateway refuses for an expired session is sent once more
// with a fresh one, as every call is).
func (c *Client) StartHPRAuth(ctx context.Context, hprID string, method HPRAuthMethod) (HPRAuthTransaction, error) {
	id, err := NormalizeHPRID(hprID)
	if err != nil {
		return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication: %w", err)
	}
	if !method.valid() {
		return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication %s: %w: %q (want %s or %s)",
			hcxonboard.MaskHPRID(id), ErrAuthMethodUnavailable, excerpt(string(method)), HPRAadhaarOTP, HPRMobileOTP)
	}
	p, err := c.searchProfessional(ctx, id)
	if err != nil {
		return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication %s: %w", hcxonboard.MaskHPRID(id), err)
	}
	if len(p.AuthMethods) > 0 {
		offered := false
		for _, m := range p.OTPMethods() {
			offered = offered || m == method
		}
		if !offered {
			return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication %s: %w: HPR offers %s",
				hcxonboard.MaskHPRID(id), ErrAuthMethodUnavailable, clean(strings.Join(p.AuthMethods, ", ")))
		}
	}
	// The address form goes with its idType and domain; the number alone.
	req := hprAuthInitRequest{AuthMethod: string(method), HPRID: p.HPRIDNumber}
	if addr := strings.ToLower(p.HPRID); addr != "" {
		if !strings.HasSuffix(addr, hprDomain) {
			addr += hprDomain
		}
		req = hprAuthInitRequest{IDType: "hpr_id", DomainName: hprDomain, AuthMethod: string(method), HPRID: addr}
	}
	if req.HPRID == "" {
		req.HPRID = id
	}
	body, err := json.Marshal(req)
	if err != nil {
		return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication %s: %w", hcxonboard.MaskHPRID(id), err)
	}
	rep, err := c.do(ctx, &call{
		op:     "start HPR authentication",
		method: http.MethodPost,
		url:    c.registryURL + pathHPRAuthInit,
		body:   body,
		hprIDs: append(p.ids(), id),
		auth:   true,
	})
	if err != nil {
		return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication %s: %w", hcxonboard.MaskHPRID(id), err)
	}
	var res hprAuthInitResponse
	if err := c.decode(rep, &res); err != nil {
		return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication %s: %w", hcxonboard.MaskHPRID(id), err)
	}
	txn := firstNonEmpty(res.TxnID.trim(), res.TransactionID.trim())
	if txn == "" {
		return HPRAuthTransaction{}, fmt.Errorf("hfr: start HPR authentication %s: %w: no txnId", hcxonboard.MaskHPRID(id), ErrUnexpectedResponse)
	}
	return HPRAuthTransaction{
		HPRID:         id,
		Method:        method,
		TransactionID: txn,
		MaskedMobile:  ensureMasked(res.MobileNumber.trim(), hcxonboard.MaskMobile),
	}, nil
}

// ConfirmHPRAuth gives HPR the code the professional received and returns
// the professional HPR authenticated: the profile read with the
// professional's own token, which must be the HPR ID of txn (else
// ErrUnexpectedResponse), with the council registrations of the
// professional details. A wrong, expired or used code is an error wrapping
// ErrOTPRejected; a code that is not 4 to 8 digits (once the spaces and
// hyphens it was typed with are dropped) is rejected without a request.
// The code is checked exactly once, never retried (a request the gateway
// refuses for an expired session, which HPR never saw, is sent once more
// with a fresh one); neither the code
// nor the professional's token appears in errors or logs, and the token is
// not kept.
func (c *Client) ConfirmHPRAuth(ctx context.Context, txn HPRAuthTransaction, otp string) (Professional, error) {
	id, err := NormalizeHPRID(txn.HPRID)
	if err != nil {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication: %w", err)
	}
	if !txn.Method.valid() {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w: %q", hcxonboard.MaskHPRID(id), ErrAuthMethodUnavailable, excerpt(string(txn.Method)))
	}
	tid := strings.TrimSpace(txn.TransactionID)
	if tid == "" || len(tid) > 128 || strings.ContainsFunc(tid, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w: transaction ID must be 1-128 printable ASCII characters", hcxonboard.MaskHPRID(id), ErrInvalidID)
	}
	code := otpDigits(otp)
	if len(code) < 4 || len(code) > 8 || !isDigits(code) {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w: the OTP must be 4 to 8 digits", hcxonboard.MaskHPRID(id), ErrOTPRejected)
	}
	body, err := json.Marshal(hprConfirmRequest{OTP: code, TxnID: tid})
	if err != nil {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w", hcxonboard.MaskHPRID(id), err)
	}
	rep, err := c.do(ctx, &call{
		op:      "confirm HPR authentication",
		method:  http.MethodPost,
		url:     c.registryURL + txn.Method.confirmPath(),
		body:    body,
		auth:    true,
		secrets: []string{code},
		hprIDs:  []string{id},
	})
	if err != nil {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w", hcxonboard.MaskHPRID(id), otpRejection(err))
	}
	var tok hprTokenResponse
	if err := c.decode(rep, &tok, code); err != nil {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w", hcxonboard.MaskHPRID(id), otpRejection(err))
	}
	person := tok.Token.trim()
	if person == "" {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w: no token", hcxonboard.MaskHPRID(id), ErrUnexpectedResponse)
	}
	p, err := c.account(ctx, person, id)
	if err != nil {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: account: %w", hcxonboard.MaskHPRID(id), err)
	}
	if !sameHPR(p.HPRIDNumber, id) && !sameHPR(p.HPRID, id) {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: %w: HPR authenticated another professional", hcxonboard.MaskHPRID(id), ErrUnexpectedResponse)
	}
	// A masked number (the account is read with masked=true) is no number.
	if _, ok := hprNumberDigits(p.HPRIDNumber); !ok {
		p.HPRIDNumber = ""
	}
	if err := c.professionalDetails(ctx, &p); err != nil {
		return Professional{}, fmt.Errorf("hfr: confirm HPR authentication %s: details: %w", hcxonboard.MaskHPRID(id), err)
	}
	return p, nil
}

// account reads the profile of the professional whose token person is,
// id the HPR ID they authenticated as.
func (c *Client) account(ctx context.Context, person, id string) (Professional, error) {
	rep, err := c.do(ctx, &call{
		op:          "HPR account",
		method:      http.MethodGet,
		url:         c.registryURL + pathHPRAccount,
		retry:       true,
		secrets:     []string{person},
		hprIDs:      []string{id},
		personToken: person,
	})
	if err != nil {
		return Professional{}, err
	}
	var a hprAccount
	if err := c.decode(rep, &a, person); err != nil {
		return Professional{}, err
	}
	name := a.Name.trim()
	if name == "" {
		name = strings.Join(strings.Fields(string(a.FirstName)+" "+string(a.MiddleName)+" "+string(a.LastName)), " ")
	}
	p := Professional{
		HPRIDNumber:   a.HPRIDNumber.trim(),
		HPRID:         a.HPRID.trim(),
		Name:          name,
		CategoryID:    a.CategoryCode.trim(),
		SubCategoryID: a.SubCategory.trim(),
	}
	if p.HPRIDNumber == "" && p.HPRID == "" {
		return Professional{}, fmt.Errorf("%w: account without hprIdNumber or hprId", ErrUnexpectedResponse)
	}
	return p, nil
}
