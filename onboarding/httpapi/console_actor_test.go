package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
)

// A staff member who runs the online checks again from the console is the
// actor of the audit event that records it, as for every other console
// action: the trail must say who pressed the button.
func TestConsoleRecheckIsRecordedUnderTheStaffMember(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.submit(f.regulator("Recheck Actor Regulator"))
	require.Equal(t, registry.StageVerifying, a.Stage)
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)

	res := b.post("/console/applications/"+a.ID+"/recheck", url.Values{"csrf": {csrf}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)

	es, err := f.svc.Events(context.Background(), a.ID)
	require.NoError(t, err)
	var actor string
	for _, e := range es {
		if e.Action == onboarding.ActionRecheck {
			actor = e.Actor
		}
	}
	require.Equal(t, "staff:"+staffID, actor, "the console's recheck is recorded under whom?")
}

// The same for the readiness check a staff member runs from the console.
func TestConsoleReadinessCheckIsRecordedUnderTheStaffMember(t *testing.T) {
	t.Parallel()
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true})})
	ctx := context.Background()
	a, _ := f.submit(f.regulator("Readiness Actor Regulator"))
	a = f.approveReview(a)
	p := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode))
	a, err := f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
	require.NoError(t, err)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)

	res := b.post("/console/applications/"+a.ID+"/readiness", url.Values{"csrf": {csrf}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	es, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	var actor string
	for _, e := range es {
		if e.Action == onboarding.ActionReadinessChecked {
			actor = e.Actor
		}
	}
	require.Equal(t, "staff:"+staffID, actor, "the console's readiness check is recorded under whom?")
}

// And the readiness check the applicant asks for with its applicant token
// is the applicant's, not the system's: the actor is the authenticated
// principal.
func TestApplicantReadinessCheckIsRecordedUnderTheApplicant(t *testing.T) {
	t.Parallel()
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true})})
	ctx := context.Background()
	a, tok := f.submit(f.regulator("Readiness Applicant Regulator"))
	a = f.approveReview(a)
	p := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode))
	a, err := f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
	require.NoError(t, err)

	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/readiness", auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	es, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	var actor string
	for _, e := range es {
		if e.Action == onboarding.ActionReadinessChecked {
			actor = e.Actor
		}
	}
	require.Equal(t, "applicant", actor)
}
