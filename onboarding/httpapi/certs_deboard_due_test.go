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
	f, clk := noticeFixture(t)
	a, _ := f.live("Announced Regulator")
	cert := "/certificates/" + a.Participant.ParticipantCode + "/encryption_cert.pem"
	f.announceDeboarding(a.ID)

	clk.add(6 * 24 * time.Hour)
	res := f.do(request{method: http.MethodGet, path: cert})
	assert.Equal(t, http.StatusOK, res.status, "within the notice period: %s", res.body)

	clk.add(2 * 24 * time.Hour)
	got, err := f.svc.Application(t.Context(), a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusActive, got.Status, "the sweep has not run")
	res = f.do(request{method: http.MethodGet, path: cert})
	assert.Equal(t, http.StatusNotFound, res.status, "after the effective time: %s", res.body)
	assert.NotContains(t, string(res.body), "BEGIN CERTIFICATE")
}

// noticeFixture is a fixture whose engine clock the test moves, with a
// notice period of 7 days for involuntary de-boardings.
func noticeFixture(t *testing.T) (*fixture, *clock) {
	clk := &clock{now: time.Now()}
	return newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clk.Now), onboarding.WithNoticePeriod(7 * 24 * time.Hour)}), clk
}

// announceDeboarding has staff announce the HCX's de-boarding of the
// application's participant, effective after the notice period.
func (f *fixture) announceDeboarding(id string) {
	f.t.Helper()
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + id + "/deboard", auth: bearer(staffToken),
		body: httpapi.DeboardRequest{Initiator: onboarding.InitiatorHCX, Reason: "repeated attacks from its endpoint"}})
	require.Equal(f.t, http.StatusOK, res.status, "body: %s", res.body)
}
