package httpapi_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A live participant whose secret expired cannot authenticate to ask for
// a new one: the operator's approver issues it (the audit actor), shown
// once, and the participant gets tokens with it. While a live secret
// exists there is none to issue, and a reviewer may not.
func TestStaffIssuesANewSecretToALiveParticipant(t *testing.T) {
	t.Parallel()
	clock := &movableClock{t: time.Now().UTC()}
	secrets, err := credential.NewSecrets(credential.WithTTL(2*time.Hour), credential.WithClock(clock.now))
	require.NoError(t, err)
	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	tokens, err := credential.NewTokens(key, credential.WithClock(clock.now))
	require.NoError(t, err)
	const noraToken = "staff-token-nora-0123456789abcdef"
	set, err := httpapi.NewStaffTokenSet(map[string]string{staffID: staffToken, "nora": noraToken})
	require.NoError(t, err)
	require.NoError(t, set.SetRoles("nora", httpapi.RoleReviewer))
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clock.now), onboarding.WithSecrets(secrets), onboarding.WithTokens(tokens)},
		httpapi.WithClock(clock.now), httpapi.WithStaffSet(set))
	ctx := context.Background()
	a, secret := f.live("Expiring Regulator")
	code := a.Participant.ParticipantCode
	path := "/v1/onboarding/staff/applications/" + a.ID + "/credentials"

	res := f.do(request{method: http.MethodPost, path: path, auth: bearer(staffToken)})
	assert.Equal(t, http.StatusConflict, res.status, "a live secret exists: %s", res.body)

	clock.add(2*time.Hour + time.Minute)
	_, err = f.svc.Token(ctx, code, secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "the secret expired")
	res = f.do(request{method: http.MethodPost, path: path, auth: bearer(noraToken)})
	assert.Equal(t, http.StatusForbidden, res.status, "a reviewer does not issue secrets")
	res = f.do(request{method: http.MethodPost, path: path, auth: bearer(f.h.ApplicantToken(a.ID))})
	assert.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, res.status, "an applicant token is no staff credential")

	res = f.do(request{method: http.MethodPost, path: path, auth: bearer(staffToken)})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	var cr httpapi.CredentialsResponse
	res.decode(t, &cr)
	assert.Equal(t, code, cr.ParticipantCode)
	require.NotEmpty(t, cr.Secret)
	_, err = f.svc.Token(ctx, code, cr.Secret)
	require.NoError(t, err, "the new secret gets tokens")

	told := 0
	f.out.mu.Lock()
	defer f.out.mu.Unlock()
	for _, m := range f.out.msgs {
		if m.Kind == onboarding.MessageCredentialsIssued && m.ApplicationID == a.ID {
			told++
			assert.NotContains(t, m.Body, cr.Secret)
		}
	}
	assert.Equal(t, 1, told, "the participant's contact is told a secret was issued")

	es, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := es[len(es)-1]
	assert.Equal(t, onboarding.ActionProvision, last.Action)
	assert.Equal(t, "staff:"+staffID, last.Actor)
	assert.NotContains(t, last.Reason, cr.Secret, "the audit trail never holds a secret")
}

// After a compromise report every secret is revoked: the approver issues
// the participant a new one.
func TestStaffIssuesANewSecretAfterACompromise(t *testing.T) {
	t.Parallel()
	clock := &movableClock{t: time.Now().UTC()}
	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	tokens, err := credential.NewTokens(key, credential.WithClock(clock.now))
	require.NoError(t, err)
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clock.now), onboarding.WithTokens(tokens)}, httpapi.WithClock(clock.now))
	ctx := context.Background()
	a, _ := f.live("Compromised Regulator")
	require.NoError(t, f.svc.ReportCompromise(ctx, a.Participant.ParticipantCode, "participant:"+a.Participant.ParticipantCode, "the secret was committed to a public repository"))
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/credentials", auth: bearer(staffToken)})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	var cr httpapi.CredentialsResponse
	res.decode(t, &cr)
	clock.add(2 * time.Second) // tokens are stamped in whole seconds: none in the report's
	_, err = f.svc.Token(ctx, a.Participant.ParticipantCode, cr.Secret)
	require.NoError(t, err)
}
