package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// An announced de-boarding takes the participant off the network at its
// effective time, whether or not the sweep (ProcessDeboardings) has made
// it Inactive yet: its certificate URLs stop answering then, as its
// tokens do. During the notice period they still answer.
func TestCertificateURLsStopWhenAnAnnouncedDeboardingTakesEffect(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Now()}
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clk.Now), onboarding.WithNoticePeriod(7 * 24 * time.Hour)})
	a, _ := f.live("Announced Regulator")
	cert := "/certificates/" + a.Participant.ParticipantCode + "/encryption_cert.pem"
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/deboard", auth: bearer(staffToken),
		body: httpapi.DeboardRequest{Initiator: onboarding.InitiatorHCX, Reason: "repeated attacks from its endpoint"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)

	clk.add(6 * 24 * time.Hour)
	res = f.do(request{method: http.MethodGet, path: cert})
	assert.Equal(t, http.StatusOK, res.status, "within the notice period: %s", res.body)

	clk.add(2 * 24 * time.Hour)
	got, err := f.svc.Application(t.Context(), a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusActive, got.Status, "the sweep has not run")
	res = f.do(request{method: http.MethodGet, path: cert})
	assert.Equal(t, http.StatusNotFound, res.status, "after the effective time: %s", res.body)
	assert.NotContains(t, string(res.body), "BEGIN CERTIFICATE")
}
