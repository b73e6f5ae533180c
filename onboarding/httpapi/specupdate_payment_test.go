package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The specification's participant/update takes payment_details, as the
// registry table and the reference platform's schema carry it: given, it
// replaces the registered value (normalised) and the record published by
// search and read carries it, under every profile; left out, the
// registered value stays; null or {} removes it. A shape the platform's
// oneOf would refuse, or a value that is no UPI ID, account number or
// IFSC, is a 400 naming the member.
func TestSpecUpdatePaymentDetails(t *testing.T) {
	t.Parallel()
	for _, prof := range []credential.Profile{credential.ProfileSpec, credential.ProfilePlatform, credential.ProfileNHCX, credential.ProfileOwn} {
		t.Run(string(prof), func(t *testing.T) {
			t.Parallel()
			testSpecUpdatePaymentDetails(t, prof)
		})
	}
}

func testSpecUpdatePaymentDetails(t *testing.T, prof credential.Profile) {
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithStepUp(false)}, httpapi.WithProfile(prof))
	ctx := context.Background()
	a, secret := f.live("Paid Regulator")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	update := func(extra string) response {
		return f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value),
			body: `{"participant_code":"` + code + `"` + extra + `}`})
	}
	// published reads the record's payment_details through search, read
	// by body and read by path, which must agree.
	published := func() any {
		t.Helper()
		var got []any
		for _, res := range []response{
			f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
				body: `{"filters":{"participant_code":{"eq":"` + code + `"}}}`}),
			f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth, body: `{"participant_code":"` + code + `"}`}),
			f.do(request{method: http.MethodGet, path: "/v0.9/participant/read/" + code, auth: staffAuth}),
		} {
			require.Equal(t, http.StatusOK, res.status, "%s", res.body)
			var ans specAnswer
			res.decode(t, &ans)
			require.Len(t, ans.Participants, 1)
			got = append(got, ans.Participants[0]["payment_details"])
		}
		assert.Equal(t, got[0], got[1])
		assert.Equal(t, got[0], got[2])
		return got[0]
	}
	stored := func() *hcxonboard.PaymentDetails {
		t.Helper()
		cur, err := f.svc.Application(ctx, a.ID)
		require.NoError(t, err)
		return cur.Participant.PaymentDetails
	}
	upi := map[string]any{"upi_id": "regulator.fees@okicici"}
	bank := map[string]any{"account_number": "123456789012", "ifsc_code": "SBIN0001234"}

	assert.Nil(t, published(), "none registered")

	res := update(`,"payment_details":{"upi_id":"regulator.fees@okicici"}`)
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var ans specAnswer
	res.decode(t, &ans)
	if prof != credential.ProfilePlatform || len(ans.Participants) > 0 {
		require.Len(t, ans.Participants, 1)
		assert.Equal(t, upi, ans.Participants[0]["payment_details"], "the answer's record carries it")
	}
	assert.Equal(t, upi, published())

	res = update(`,"endpoint_url":"https://hcx2.regulator.example/v0.9"`)
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	assert.Equal(t, upi, published(), "left out: kept")
	assert.Equal(t, "https://hcx2.regulator.example/v0.9", f.mustParticipant(t, a.ID).EndpointURL)

	res = update(`,"payment_details":{"account_number":"1234 5678 9012","ifsc_code":"sbin0001234"}`)
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	assert.Equal(t, bank, published(), "given: replaced, normalised")

	for name, body := range map[string]string{
		"both":                 `{"upi_id":"regulator.fees@okicici","account_number":"123456789012","ifsc_code":"SBIN0001234"}`,
		"account without IFSC": `{"account_number":"987654321098"}`,
		"bad IFSC":             `{"account_number":"987654321098","ifsc_code":"SBIN1234"}`,
		"bad account":          `{"account_number":"98765","ifsc_code":"SBIN0001234"}`,
		"bad UPI":              `{"upi_id":"regulator fees@ok icici"}`,
		"a UPI that is e-mail": `{"upi_id":"fees@regulator.example"}`,
	} {
		res := update(`,"payment_details":` + body)
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		e := res.envelope(t)
		assert.Equal(t, httpapi.CodeInvalidParticipantDetails, e.Error.Code, name)
		assert.Contains(t, e.Error.Message, "payment_details", name)
		assert.NotContains(t, e.Error.Message, "987654321098", "%s: the account number is not echoed", name)
		assert.Equal(t, bank, published(), "%s: refused, nothing changed", name)
	}
	for name, body := range map[string]string{
		"an unknown member": `{"vpa":"regulator.fees@okicici"}`,
		"not an object":     `"regulator.fees@okicici"`,
	} {
		res := update(`,"payment_details":` + body)
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Equal(t, httpapi.CodeInvalidPayload, res.envelope(t).Error.Code, name)
	}
	res = update(`,"payment_details":{"account_number":"987654321098"}`)
	assert.Contains(t, res.envelope(t).Error.Message, "payment_details.ifsc_code", "the member is named")

	for _, removal := range []string{`null`, `{}`, ` { } `} {
		res = update(`,"payment_details":{"upi_id":"regulator.fees@okicici"}`)
		require.Equal(t, http.StatusOK, res.status, "%s", res.body)
		require.NotNil(t, stored())
		res = update(`,"payment_details":` + removal)
		require.Equal(t, http.StatusOK, res.status, "%s: %s", removal, res.body)
		assert.Nil(t, stored(), "%s removes it", removal)
		assert.Nil(t, published(), "%s removes it", removal)
	}
}

// mustParticipant is the application's participant record as it stands.
func (f *fixture) mustParticipant(t *testing.T, id string) *hcxonboard.Participant {
	t.Helper()
	cur, err := f.svc.Application(context.Background(), id)
	require.NoError(t, err)
	return cur.Participant
}

// Step 3 through the HTTP API takes payment_details in its body
// (onboarding.Details) and refuses a bad one naming the member.
func TestDetailsRoutePaymentDetails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.regulator("Paid Details Regulator"))
	a = f.approveReview(a)
	d := validDetails(t)
	path := "/v1/onboarding/applications/" + a.ID + "/details"

	d.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012"}
	res := f.do(request{method: http.MethodPut, path: path, body: d, auth: bearer(tok)})
	require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
	e := res.envelope(t)
	assert.Equal(t, httpapi.CodeInvalidParticipantDetails, e.Error.Code)
	assert.Contains(t, e.Error.Message, "payment_details.ifsc_code")

	d.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "hdfc0000001"}
	res = f.do(request{method: http.MethodPut, path: path, body: d, auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	want := &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "HDFC0000001"}
	assert.Equal(t, want, v.Participant.PaymentDetails)
	require.NotNil(t, v.Details)
	assert.Equal(t, want, v.Details.PaymentDetails)
}

// The OpenAPI document, generated from the types, shows payment_details
// where it enters (the update, step 3) and where it leaves (the record).
func TestOpenAPIPaymentDetails(t *testing.T) {
	t.Parallel()
	doc, _ := fetchOpenAPI(t, newFixture(t))
	props := func(name string) map[string]any {
		t.Helper()
		s, ok := doc.Components.Schemas[name].(map[string]any)
		require.True(t, ok, "component %s", name)
		p, ok := s["properties"].(map[string]any)
		require.True(t, ok, "component %s", name)
		return p
	}
	for _, name := range []string{"SpecUpdateRequest", "SpecParticipant", "onboarding.Details", "hcxonboard.Participant"} {
		found := false
		for comp := range doc.Components.Schemas {
			if comp == name || comp == name+"Input" {
				found = true
				assert.Contains(t, props(comp), "payment_details", comp)
			}
		}
		assert.True(t, found, "component %s", name)
	}
	pd := props("hcxonboard.PaymentDetails")
	for _, m := range []string{"upi_id", "account_number", "ifsc_code"} {
		assert.Contains(t, pd, m)
	}
}
