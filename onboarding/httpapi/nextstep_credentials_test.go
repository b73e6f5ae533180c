package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A credential refused because it is someone else's, or not a staff
// member's, says what to do next, not only that it was refused: which
// credential the route takes, and where a lost one comes from.
func TestCredentialRefusalsSayWhatToDo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secretA := f.live("Own Credential Regulator")
	b, _ := f.live("Other Credential Regulator")
	access, err := f.svc.Token(context.Background(), a.Participant.ParticipantCode, secretA)
	require.NoError(t, err)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(a.Participant.ParticipantCode+":"+secretA))
	pending, _ := f.submit(f.regulator("Pending Credential Regulator"))
	theirs := "/v1/onboarding/applications/" + b.ID

	for _, tc := range []struct {
		name, method, path, auth string
		status                   int
		says                     []string
	}{
		{"another participant's access token", http.MethodGet, theirs, bearer(access.Value), http.StatusForbidden,
			[]string{"its own application", "the application that registered it"}},
		{"another participant's code and secret", http.MethodGet, theirs, basic, http.StatusForbidden,
			[]string{"its own application", "the application that registered it"}},
		{"another application's applicant token", http.MethodGet, "/v1/onboarding/applications/" + pending.ID,
			bearer(f.h.ApplicantToken(a.ID)), http.StatusForbidden,
			[]string{"returned when this application was submitted", "submit the application again, with the same application_id"}},
		{"no staff token", http.MethodGet, "/v1/onboarding/staff/applications", bearer("not-a-staff-token-at-all-0123456789"),
			http.StatusForbidden, []string{"your own staff token", "administrator"}},
	} {
		res := f.do(request{method: tc.method, path: tc.path, auth: tc.auth})
		require.Equal(t, tc.status, res.status, "%s: %s", tc.name, res.body)
		msg := res.envelope(t).Error.Message
		for _, want := range tc.says {
			assert.Contains(t, msg, want, tc.name)
		}
	}
}
