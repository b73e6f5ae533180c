package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
)

// Staff run the readiness checks from the console and read each check's
// outcome and hint there; a participant holding the wrong key is shown
// as not ready, with what to do.
func TestConsoleShowsReadiness(t *testing.T) {
	t.Parallel()
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true})})
	ctx := context.Background()

	toDetails := func(name string, opts ...readinesstest.Option) *onboarding.Application {
		t.Helper()
		a, _ := f.submit(f.regulator(name))
		a = f.approveReview(a)
		require.Equal(t, registry.StageDetails, a.Stage)
		p := readinesstest.NewParticipant(t, op, append([]readinesstest.Option{readinesstest.WithCode(a.Participant.ParticipantCode)}, opts...)...)
		a, err := f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
		require.NoError(t, err)
		return a
	}
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)

	ready := toDetails("Ready Regulator")
	pg := b.get("/console/applications/" + ready.ID)
	require.Equal(t, http.StatusOK, pg.status)
	assert.Contains(t, pg.body, `id="check-readiness"`, "staff may run the checks")
	assert.NotContains(t, pg.body, `id="readiness-checks"`, "nothing checked yet")
	res := b.post("/console/applications/"+ready.ID+"/readiness", url.Values{"csrf": {csrf}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	pg = b.get("/console/applications/" + ready.ID)
	assert.Contains(t, pg.body, `id="readiness-outcome">ready<`)
	assert.Contains(t, pg.body, `data-outcome="passed"`)
	assert.NotContains(t, pg.body, `data-outcome="failed"`)

	wrong := toDetails("Wrong Key Regulator", readinesstest.WithHandlerKeys(participant.Keys{
		Encryption: readinesstest.RSAKey(5), Signing: readinesstest.RSAKey(6)}))
	res = b.post("/console/applications/"+wrong.ID+"/readiness", url.Values{"csrf": {csrf}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	pg = b.get("/console/applications/" + wrong.ID)
	assert.Contains(t, pg.body, `id="readiness-outcome">not ready<`)
	assert.Contains(t, pg.body, `data-outcome="failed"`)
	assert.Contains(t, pg.body, "What to do:", "a failed check carries a hint the participant's engineer can act on")
	assert.Contains(t, pg.body, `name="certificate_fetched"`, "the go-live form carries the longer checklist")

	for _, tab := range []string{onboarding.WaitingReadinessFailed, onboarding.WaitingCertificateExpired} {
		q := b.get("/console/queue?waiting=" + tab)
		assert.Equal(t, http.StatusOK, q.status, tab)
		assert.Contains(t, q.body, "?waiting="+tab, "the queue has a tab for it")
	}
}
