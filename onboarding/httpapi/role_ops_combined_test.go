package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// On the list field roles each positive operator holds when some role
// satisfies it (registry.Condition). A participant that is a payer and a
// TPA is found by eq agency.tpa with contains "payor" (read as or
// [payer]), and by or [agency.tpa] with contains "pay"; or [agency.tpa]
// with contains "payor" would be two ors, which one condition cannot
// hold: it is refused.
func TestRoleOrWithRewrittenOperator(t *testing.T) {
	f := newFixture(t, httpapi.WithProfile(credential.ProfilePlatform))
	app := f.payer()
	app.Roles = []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleTPA}
	app.SandboxCertificate = f.cert("payer-1", hcxonboard.RolePayer, hcxonboard.RoleTPA)
	ctx := context.Background()
	a, _ := f.submit(app)
	for _, tk := range a.OpenTasks() {
		if tk.Kind == onboarding.KindOTP {
			_, err := f.svc.ConfirmOTP(ctx, a.ID, tk.ID, f.out.lastCode(a.ID))
			require.NoError(t, err)
		}
	}
	_, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	a, err = f.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	code := a.Participant.ParticipantCode
	search := func(cond string) []string {
		codes, _ := roleSearch(t, f, cond)
		return codes
	}
	want := []string{code}
	require.Equal(t, want, search(`{"or":["agency.tpa"],"contains":"pay"}`), "library spelling")
	require.Equal(t, want, search(`{"eq":"agency.tpa","contains":"payor"}`), "eq with the profile's spelling")
	// An or and an operator read as another or cannot be one condition:
	// refused, not answered as if one role had to be in both.
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
		body: `{"filters":{"roles":{"or":["agency.tpa"],"contains":"payor"}}}`})
	require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
	require.Contains(t, string(res.body), "search with one of them")
}

// Under the default (spec) profile a payer's record says "payer", which
// is above "10005" byte by byte: a range of digits finds it, as every
// spelling is read (payer, payor, 10002).
func TestRoleDigitRangeKeepsNames(t *testing.T) {
	f := newFixture(t)
	creds, _ := f.livePayer()
	codes, _ := roleSearch(t, f, `{"gt":"10005"}`)
	require.Equal(t, []string{creds.ParticipantCode}, codes, "the payer, whose record says %q > %q", "payer", "10005")
}
