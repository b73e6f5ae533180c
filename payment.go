package hcxonboard

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// PaymentDetails is where a participant is paid, as the HCX registry
// specification's optional payment_details has it: a UPI ID, or a bank
// account number with its branch's IFSC — one of the two, never both (the
// reference platform's participant schema enforces this with oneOf).
// NormalizePaymentDetails checks and normalises one.
//
// The UPI ID and the account number are financial data: a PaymentDetails
// prints (String, GoString) and logs (LogValue) with them masked
// (MaskUPIID, MaskAccountNumber); only its JSON carries them whole.
type PaymentDetails struct {
	UPIID         string `json:"upi_id,omitempty"`
	AccountNumber string `json:"account_number,omitempty"`
	IFSCCode      string `json:"ifsc_code,omitempty"`
}

// The members of payment_details, as a PaymentDetailsError names them.
const (
	FieldPaymentDetails = "payment_details"
	FieldUPIID          = "payment_details.upi_id"
	FieldAccountNumber  = "payment_details.account_number"
	FieldIFSCCode       = "payment_details.ifsc_code"
)

// ErrInvalidPaymentDetails reports payment details NormalizePaymentDetails
// refused; the error is a *PaymentDetailsError naming the member.
var ErrInvalidPaymentDetails = errors.New("hcxonboard: invalid payment details")

// PaymentDetailsError names the member of payment_details that was
// refused (FieldUPIID …, or FieldPaymentDetails for the whole) and why.
// Its Reason never quotes the value given.
type PaymentDetailsError struct {
	Field  string
	Reason string
}

func (e *PaymentDetailsError) Error() string {
	return fmt.Sprintf("hcxonboard: invalid %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidPaymentDetails) true.
func (e *PaymentDetailsError) Is(target error) bool { return target == ErrInvalidPaymentDetails }

// The shapes of the values. A UPI ID (NPCI's virtual payment address) is
// handle@psp: a handle of 2 to 256 letters, digits, '.', '_' or '-' (a
// name, a mobile number) and the payment service provider's handle, 2 to
// 64 letters and digits starting with a letter (okicici, ybl, paytm,
// kotak811). An Indian bank account number is 9 to 18 digits. An IFSC is
// 4 letters (the bank), '0', and 6 letters or digits (the branch).
var (
	upiHandleRE     = regexp.MustCompile(`^[A-Za-z0-9._-]{2,256}$`)
	upiPSPRE        = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{1,63}$`)
	accountNumberRE = regexp.MustCompile(`^[0-9]{9,18}$`)
	ifscRE          = regexp.MustCompile(`^[A-Z]{4}0[A-Z0-9]{6}$`)
)

// maxPaymentText bounds a member as given, before its shape is checked.
const maxPaymentText = 512

// NormalizePaymentDetails checks pd and returns it normalised, as a new
// value: blanks trimmed, the IFSC in upper case, the spaces and hyphens a
// person may write inside an account number ("1234 5678 9012") dropped.
// Payment details with every member blank are none: nil, nil. Otherwise
// exactly one of these is required:
//
//   - upi_id alone: a UPI ID, handle@psp (handle 2–256 letters, digits,
//     '.', '_' or '-'; psp 2–64 letters and digits, starting with a
//     letter);
//   - account_number (9 to 18 digits) with ifsc_code (4 letters, '0',
//     6 letters or digits).
//
// A refusal is a *PaymentDetailsError (ErrInvalidPaymentDetails) naming
// the member, as in "payment_details.ifsc_code: is not an IFSC …"; it
// never quotes the value.
func NormalizePaymentDetails(pd *PaymentDetails) (*PaymentDetails, error) {
	if pd == nil {
		return nil, nil
	}
	upi := strings.TrimSpace(pd.UPIID)
	acct := strings.Join(strings.FieldsFunc(pd.AccountNumber, func(r rune) bool {
		return r == ' ' || r == '-' || r == '\t'
	}), "")
	ifsc := strings.ToUpper(strings.TrimSpace(pd.IFSCCode))
	bad := func(field, reason string) (*PaymentDetails, error) {
		return nil, &PaymentDetailsError{Field: field, Reason: reason}
	}
	switch {
	case upi == "" && acct == "" && ifsc == "":
		return nil, nil
	case upi != "" && (acct != "" || ifsc != ""):
		return bad(FieldPaymentDetails, "give either upi_id, or account_number with ifsc_code, not both")
	case upi != "":
		handle, psp, ok := strings.Cut(upi, "@")
		switch {
		case len(upi) > maxPaymentText || !ok || strings.Contains(psp, "@"):
			return bad(FieldUPIID, "is not a UPI ID: want handle@psp, such as name@okicici")
		case !upiHandleRE.MatchString(handle):
			return bad(FieldUPIID, "has a handle (before the @) that is not 2 to 256 letters, digits, '.', '_' or '-'")
		case !upiPSPRE.MatchString(psp):
			return bad(FieldUPIID, "has a provider handle (after the @) that is not 2 to 64 letters and digits starting with a letter")
		}
		return &PaymentDetails{UPIID: upi}, nil
	case acct == "":
		return bad(FieldAccountNumber, "is required with ifsc_code (or give upi_id instead)")
	case ifsc == "":
		return bad(FieldIFSCCode, "is required with account_number: the IFSC of the account's branch")
	case len(acct) > maxPaymentText || !accountNumberRE.MatchString(acct):
		return bad(FieldAccountNumber, "is not a bank account number: want 9 to 18 digits")
	case len(ifsc) > maxPaymentText || !ifscRE.MatchString(ifsc):
		return bad(FieldIFSCCode, "is not an IFSC: want 11 characters, 4 letters, a zero and 6 letters or digits, such as SBIN0001234")
	}
	return &PaymentDetails{AccountNumber: acct, IFSCCode: ifsc}, nil
}

// Clone returns a copy of pd (nil for nil).
func (pd *PaymentDetails) Clone() *PaymentDetails {
	if pd == nil {
		return nil
	}
	c := *pd
	return &c
}

// Masked returns pd with its UPI ID and account number masked
// (MaskUPIID, MaskAccountNumber), for logs and messages.
func (pd PaymentDetails) Masked() PaymentDetails {
	if pd.UPIID != "" {
		pd.UPIID = MaskUPIID(pd.UPIID)
	}
	if pd.AccountNumber != "" {
		pd.AccountNumber = MaskAccountNumber(pd.AccountNumber)
	}
	return pd
}

// String prints pd masked: {upi_id:*****@okicici} or
// {account_number:********9012 ifsc_code:SBIN0001234}. A Participant
// printed with %v or %+v prints its payment details so.
func (pd PaymentDetails) String() string {
	var parts []string
	for _, f := range pd.maskedMembers() {
		parts = append(parts, f.Key+":"+f.Value.String())
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// GoString prints pd for %#v, masked as String does.
func (pd PaymentDetails) GoString() string {
	m := pd.Masked()
	return fmt.Sprintf("hcxonboard.PaymentDetails{UPIID:%q, AccountNumber:%q, IFSCCode:%q}", m.UPIID, m.AccountNumber, m.IFSCCode)
}

// LogValue logs pd masked, as a group of its members.
func (pd PaymentDetails) LogValue() slog.Value {
	return slog.GroupValue(pd.maskedMembers()...)
}

// maskedMembers are pd's members that are not empty, by their JSON
// names, masked.
func (pd PaymentDetails) maskedMembers() []slog.Attr {
	m := pd.Masked()
	var out []slog.Attr
	for _, f := range [...]slog.Attr{
		slog.String("upi_id", m.UPIID), slog.String("account_number", m.AccountNumber), slog.String("ifsc_code", m.IFSCCode),
	} {
		if f.Value.String() != "" {
			out = append(out, f)
		}
	}
	return out
}

// MaskAccountNumber hides all but the last four characters of a bank
// account number, for logs and error messages: "123456789012" becomes
// "********9012". One of four characters or fewer is starred whole.
func MaskAccountNumber(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// MaskUPIID hides the handle of a UPI ID — often a name or a mobile
// number — and keeps the provider's: "9876543210@ybl" becomes
// "**********@ybl". Text without an @ is starred whole.
func MaskUPIID(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return strings.Repeat("*", len([]rune(s)))
	}
	return strings.Repeat("*", len([]rune(s[:at]))) + s[at:]
}

// ValidatePaymentDetails reports whether pd is acceptable payment details
// (nil and all-blank are: none): NormalizePaymentDetails's error.
func ValidatePaymentDetails(pd *PaymentDetails) error {
	_, err := NormalizePaymentDetails(pd)
	return err
}
