package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// participant/search takes payment_details.ifsc_code, the specification's
// own example of a nested field, with the operators of the other string
// fields; the UPI ID and the account number are not searchable.
func TestSpecSearchIFSC(t *testing.T) {
	t.Parallel()
	eachStore(t, testSpecSearchIFSC)
}

func testSpecSearchIFSC(t *testing.T, store registry.Store) {
	ps := specFixture(t)
	ps[1].PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
	ps[2].PaymentDetails = &hcxonboard.PaymentDetails{UPIID: "mediassist@okicici"}
	s := newSeededIn(t, store, ps)
	const (
		payer = "payr_surak_000001@hcx"
		hosp  = "hosp_cityho_000002@hcx"
		tpa   = "agen_medias_000003@hcx"
		lab   = "rese_lab000_000004@hcx"
	)
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"eq", `{"filters":{"payment_details.ifsc_code":{"eq":"SBIN0001234"}}}`, []string{hosp}},
		{"startsWith, any case", `{"filters":{"payment_details.ifsc_code":{"startsWith":"sbin"}}}`, []string{hosp}},
		{"neq: those without one too", `{"filters":{"payment_details.ifsc_code":{"neq":"SBIN0001234"}}}`, []string{payer, tpa, lab}},
		{"or", `{"filters":{"payment_details.ifsc_code":{"or":["HDFC0000001","SBIN0001234"]}}}`, []string{hosp}},
		{"with another field", `{"filters":{"payment_details.ifsc_code":{"eq":"SBIN0001234"},"status":{"eq":"Inactive"}}}`, []string{}},
		{"a UPI ID is not an IFSC", `{"filters":{"payment_details.ifsc_code":{"contains":"okicici"}}}`, []string{}},
	} {
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: tc.body})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", tc.name, res.body)
		var a specAnswer
		res.decode(t, &a)
		assert.Equal(t, tc.want, codesOf(a), tc.name)
	}
	for _, field := range []string{"payment_details.upi_id", "payment_details.account_number"} {
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
			body: `{"filters":{"` + field + `":{"eq":"mediassist@okicici"}}}`})
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", field, res.body)
		e := res.envelope(t)
		assert.Equal(t, httpapi.CodeInvalidSearch, e.Error.Code, field)
		assert.Contains(t, e.Error.Message, "unknown field", field)
		assert.NotContains(t, e.Error.Message, "okicici", "the refusal does not echo the value")
	}
}
