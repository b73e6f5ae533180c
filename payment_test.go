package hcxonboard_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

func TestNormalizePaymentDetailsAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want *hcxonboard.PaymentDetails
	}{
		{nil, nil},
		{&hcxonboard.PaymentDetails{}, nil},
		{&hcxonboard.PaymentDetails{UPIID: "  ", AccountNumber: " ", IFSCCode: ""}, nil},
		{&hcxonboard.PaymentDetails{UPIID: "ravi.kumar@okicici"}, &hcxonboard.PaymentDetails{UPIID: "ravi.kumar@okicici"}},
		{&hcxonboard.PaymentDetails{UPIID: " 9876543210@ybl "}, &hcxonboard.PaymentDetails{UPIID: "9876543210@ybl"}},
		{&hcxonboard.PaymentDetails{UPIID: "city_hospital-1@paytm"}, &hcxonboard.PaymentDetails{UPIID: "city_hospital-1@paytm"}},
		{&hcxonboard.PaymentDetails{UPIID: "ab@UPI"}, &hcxonboard.PaymentDetails{UPIID: "ab@UPI"}},
		{&hcxonboard.PaymentDetails{AccountNumber: "123456789", IFSCCode: "SBIN0001234"},
			&hcxonboard.PaymentDetails{AccountNumber: "123456789", IFSCCode: "SBIN0001234"}},
		{&hcxonboard.PaymentDetails{AccountNumber: "123456789012345678", IFSCCode: " hdfc0abc123 "},
			&hcxonboard.PaymentDetails{AccountNumber: "123456789012345678", IFSCCode: "HDFC0ABC123"}},
		{&hcxonboard.PaymentDetails{AccountNumber: " 1234 5678-9012 ", IFSCCode: "icic0000104"},
			&hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "ICIC0000104"}},
	} {
		got, err := hcxonboard.NormalizePaymentDetails(tc.in)
		require.NoError(t, err, "%+v", tc.in)
		assert.Equal(t, tc.want, got, "%+v", tc.in)
		if tc.in != nil && got != nil {
			assert.NotSame(t, tc.in, got, "a new value")
		}
	}
}

func TestNormalizePaymentDetailsRefuses(t *testing.T) {
	t.Parallel()
	const acct = "123456789012"
	for name, tc := range map[string]struct {
		in    hcxonboard.PaymentDetails
		field string
	}{
		"UPI and account":         {hcxonboard.PaymentDetails{UPIID: "ravi@okicici", AccountNumber: acct, IFSCCode: "SBIN0001234"}, hcxonboard.FieldPaymentDetails},
		"UPI and IFSC":            {hcxonboard.PaymentDetails{UPIID: "ravi@okicici", IFSCCode: "SBIN0001234"}, hcxonboard.FieldPaymentDetails},
		"account without IFSC":    {hcxonboard.PaymentDetails{AccountNumber: acct}, hcxonboard.FieldIFSCCode},
		"IFSC without account":    {hcxonboard.PaymentDetails{IFSCCode: "SBIN0001234"}, hcxonboard.FieldAccountNumber},
		"IFSC without the zero":   {hcxonboard.PaymentDetails{AccountNumber: acct, IFSCCode: "SBIN1001234"}, hcxonboard.FieldIFSCCode},
		"IFSC too short":          {hcxonboard.PaymentDetails{AccountNumber: acct, IFSCCode: "SBIN000123"}, hcxonboard.FieldIFSCCode},
		"IFSC with digits first":  {hcxonboard.PaymentDetails{AccountNumber: acct, IFSCCode: "1BIN0001234"}, hcxonboard.FieldIFSCCode},
		"IFSC with a symbol":      {hcxonboard.PaymentDetails{AccountNumber: acct, IFSCCode: "SBIN0-01234"}, hcxonboard.FieldIFSCCode},
		"account too short":       {hcxonboard.PaymentDetails{AccountNumber: "12345678", IFSCCode: "SBIN0001234"}, hcxonboard.FieldAccountNumber},
		"account too long":        {hcxonboard.PaymentDetails{AccountNumber: "1234567890123456789", IFSCCode: "SBIN0001234"}, hcxonboard.FieldAccountNumber},
		"account with letters":    {hcxonboard.PaymentDetails{AccountNumber: "12345678901A", IFSCCode: "SBIN0001234"}, hcxonboard.FieldAccountNumber},
		"account of Devanagari":   {hcxonboard.PaymentDetails{AccountNumber: "१२३४५६७८९०१२", IFSCCode: "SBIN0001234"}, hcxonboard.FieldAccountNumber},
		"UPI without @":           {hcxonboard.PaymentDetails{UPIID: "ravi.okicici"}, hcxonboard.FieldUPIID},
		"UPI with two @":          {hcxonboard.PaymentDetails{UPIID: "ravi@ok@icici"}, hcxonboard.FieldUPIID},
		"UPI handle of one":       {hcxonboard.PaymentDetails{UPIID: "r@okicici"}, hcxonboard.FieldUPIID},
		"UPI handle with a space": {hcxonboard.PaymentDetails{UPIID: "ravi kumar@okicici"}, hcxonboard.FieldUPIID},
		"UPI provider a domain":   {hcxonboard.PaymentDetails{UPIID: "ravi@hospital.example"}, hcxonboard.FieldUPIID},
		"UPI provider digits":     {hcxonboard.PaymentDetails{UPIID: "ravi@123"}, hcxonboard.FieldUPIID},
		"UPI provider empty":      {hcxonboard.PaymentDetails{UPIID: "ravi@"}, hcxonboard.FieldUPIID},
		"UPI handle too long":     {hcxonboard.PaymentDetails{UPIID: strings.Repeat("a", 257) + "@ybl"}, hcxonboard.FieldUPIID},
		"UPI huge":                {hcxonboard.PaymentDetails{UPIID: strings.Repeat("a", 1<<16)}, hcxonboard.FieldUPIID},
	} {
		got, err := hcxonboard.NormalizePaymentDetails(&tc.in)
		require.Error(t, err, name)
		assert.Nil(t, got, name)
		assert.ErrorIs(t, err, hcxonboard.ErrInvalidPaymentDetails, name)
		var pe *hcxonboard.PaymentDetailsError
		require.True(t, errors.As(err, &pe), name)
		assert.Equal(t, tc.field, pe.Field, name)
		assert.Contains(t, err.Error(), tc.field, name)
		assert.Equal(t, err, hcxonboard.ValidatePaymentDetails(&tc.in), name)
		// The error never echoes the account number or the UPI handle.
		for _, v := range []string{tc.in.AccountNumber, strings.Split(tc.in.UPIID, "@")[0]} {
			if len(v) > 1 {
				assert.NotContains(t, err.Error(), v, name)
			}
		}
	}
}

func TestParticipantPaymentDetails(t *testing.T) {
	t.Parallel()
	p := &hcxonboard.Participant{ParticipantCode: "hosp_city_000001@hcx",
		PaymentDetails: &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}}
	c := p.Clone()
	c.PaymentDetails.AccountNumber = "999999999"
	assert.Equal(t, "123456789012", p.PaymentDetails.AccountNumber, "Clone copies the payment details")

	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"payment_details":{"account_number":"123456789012","ifsc_code":"SBIN0001234"}`)
	var back hcxonboard.Participant
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p.PaymentDetails, back.PaymentDetails)

	// A record stored before the field existed decodes as before.
	var old hcxonboard.Participant
	require.NoError(t, json.Unmarshal([]byte(`{"participant_code":"x@hcx","status":"Active"}`), &old))
	assert.Nil(t, old.PaymentDetails)
	b, err = json.Marshal(old)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "payment_details", "none is left out")
}

// The UPI handle and all but the last four characters of an account
// number are masked wherever payment details are printed or logged.
func TestPaymentDetailsMasked(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "********9012", hcxonboard.MaskAccountNumber("123456789012"))
	assert.Equal(t, "****", hcxonboard.MaskAccountNumber("1234"))
	assert.Equal(t, "**********@ybl", hcxonboard.MaskUPIID("9876543210@ybl"))
	assert.Equal(t, "*****", hcxonboard.MaskUPIID("ravik"))

	acct := &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
	upi := &hcxonboard.PaymentDetails{UPIID: "ravi.kumar@okicici"}
	p := hcxonboard.Participant{ParticipantCode: "hosp_city_000001@hcx", PaymentDetails: acct}
	for _, s := range []string{
		fmt.Sprint(acct), fmt.Sprintf("%v", *acct), fmt.Sprintf("%+v", acct), fmt.Sprintf("%#v", acct),
		fmt.Sprintf("%v", p), fmt.Sprintf("%+v", p), fmt.Sprintf("%+v", &p),
	} {
		assert.NotContains(t, s, "123456789012", s)
		assert.Contains(t, s, "9012", s)
	}
	assert.Equal(t, "{account_number:********9012 ifsc_code:SBIN0001234}", acct.String())
	assert.Equal(t, "{upi_id:**********@okicici}", upi.String())
	assert.NotContains(t, fmt.Sprintf("%#v", upi), "ravi.kumar")

	var buf bytes.Buffer
	log := slog.New(hcxonboard.RedactingHandler(slog.NewJSONHandler(&buf, nil)))
	log.Info("payment details changed", "payment_details", acct, "upi", upi, "participant", p)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("unwrapped", "payment_details", acct, "upi", *upi)
	out := buf.String()
	assert.NotContains(t, out, "123456789012")
	assert.NotContains(t, out, "ravi.kumar")
	assert.Contains(t, out, "********9012")
	assert.Contains(t, out, "@okicici")

	// RedactText leaves identifiers of 9 to 18 digits in free text alone.
	assert.Equal(t, "rohini 8900080336704 unknown", hcxonboard.RedactText("rohini 8900080336704 unknown"))
}

func ExampleNormalizePaymentDetails() {
	pd, err := hcxonboard.NormalizePaymentDetails(&hcxonboard.PaymentDetails{AccountNumber: "1234 5678 9012", IFSCCode: "sbin0001234"})
	fmt.Println(pd.AccountNumber, pd.IFSCCode, err)
	fmt.Println(pd) // printed and logged masked
	_, err = hcxonboard.NormalizePaymentDetails(&hcxonboard.PaymentDetails{AccountNumber: "123456789012"})
	fmt.Println(err)
	_, err = hcxonboard.NormalizePaymentDetails(&hcxonboard.PaymentDetails{UPIID: "ravi@okicici", AccountNumber: "123456789012", IFSCCode: "SBIN0001234"})
	fmt.Println(err)
	// Output:
	// 123456789012 SBIN0001234 <nil>
	// {account_number:********9012 ifsc_code:SBIN0001234}
	// hcxonboard: invalid payment_details.ifsc_code: is required with account_number: the IFSC of the account's branch
	// hcxonboard: invalid payment_details: give either upi_id, or account_number with ifsc_code, not both
}
