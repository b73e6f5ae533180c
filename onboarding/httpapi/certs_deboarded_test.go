package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A de-boarded (Inactive) participant is off the network: its
// certificate URLs stop handing out its certificates, so that no
// counterparty encrypts to it or takes its signatures as current. Its
// record still reads, with status Inactive.
func TestCertificateURLsOfADeboardedParticipantAreGone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, _ := f.live("Leaving Regulator")
	code := a.Participant.ParticipantCode
	_, err := f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d := validDetails(t)
	d.SigningCertPath = d.EncryptionCert
	d.StepUpCode = f.out.lastCode(a.ID)
	_, err = f.svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)

	urls := []string{"/certificates/" + code + "/encryption_cert.pem", "/certificates/" + code + "/signing_cert.pem"}
	for _, u := range urls {
		res := f.do(request{method: http.MethodGet, path: u})
		require.Equal(t, http.StatusOK, res.status, "%s while Active: %s", u, res.body)
	}

	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/deboard", auth: bearer(staffToken),
		body: httpapi.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Reason: "closing down"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusInactive, got.Status)

	for _, u := range urls {
		res := f.do(request{method: http.MethodGet, path: u})
		assert.Equal(t, http.StatusNotFound, res.status, "%s after de-boarding: %s", u, res.body)
		assert.NotContains(t, string(res.body), "BEGIN CERTIFICATE", "%s after de-boarding", u)
		if res.status == http.StatusNotFound {
			e := res.envelope(t)
			assert.Contains(t, e.Error.Message, "Inactive", "the refusal says why")
		}
	}
	res = f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: bearer(staffToken), body: httpapi.SpecReadRequest{ParticipantCode: code}})
	require.Equal(t, http.StatusOK, res.status, "the record still reads: %s", res.body)
	assert.Contains(t, string(res.body), `"status":"Inactive"`)
}
