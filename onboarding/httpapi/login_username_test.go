package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
)

// A participant's code is public and, in the platform's form, holds "@".
// The Keycloak-style route reads it as the code it is, whatever another
// application names as its e-mail.
func TestCodeLoginHoldsWhenAnotherApplicationUsesTheCodeAsEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.live("Victim Regulator")
	code := a.Participant.ParticipantCode
	require.Contains(t, code, "@")
	login := func() response {
		return f.do(request{method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token",
			contentType: "application/x-www-form-urlencoded",
			body:        "grant_type=password&username=" + url.QueryEscape(code) + "&password=" + url.QueryEscape(secret)})
	}
	require.Equal(t, http.StatusOK, login().status)

	other := f.regulator("Someone Else")
	other.PrimaryEmail = code
	other.SandboxCertificate = f.cert("reg-3", hcxonboard.RoleRegulator)
	other.SandboxParticipantCode = "reg-3"
	if _, err := f.svc.Submit(context.Background(), other); err != nil {
		t.Skipf("the engine refuses the code as an e-mail: %v", err)
	}
	res := login()
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
}

// The e-mail form of the login (HCX v0.8 clients, the integrator SDK)
// names the live participant that registered the e-mail, whatever
// applications not yet live (or ended) name it too.
func TestEmailLoginHoldsWhenAnotherApplicationNamesTheEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	const email = "hcx-admin@victim-regulator.example"
	app := f.regulator("Victim Regulator")
	app.PrimaryEmail = email
	a, _ := f.submit(app)
	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	creds, err := f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = f.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:approver"})
	require.NoError(t, err)
	login := func(username string) response {
		return f.do(request{method: http.MethodPost, path: "/auth/realms/swasth-hcx-participants/protocol/openid-connect/token",
			contentType: "application/x-www-form-urlencoded",
			body:        "client_id=registry-frontend&grant_type=password&username=" + url.QueryEscape(username) + "&password=" + url.QueryEscape(creds.Secret)})
	}
	require.Equal(t, http.StatusOK, login(email).status)

	other := f.regulator("Someone Else")
	other.PrimaryEmail = email
	other.SandboxCertificate = f.cert("reg-2", hcxonboard.RoleRegulator)
	other.SandboxParticipantCode = "reg-2"
	b, _ := f.submit(other)
	require.Equal(t, hcxonboard.StatusCreated, b.Participant.Status)
	res := login(email)
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	// The other participant's code with the live one's secret is still no
	// login.
	require.Equal(t, http.StatusUnauthorized, login(b.Participant.ParticipantCode).status)
}
