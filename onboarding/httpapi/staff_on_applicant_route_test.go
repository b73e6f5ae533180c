package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A staff member who calls an applicant's route with a staff token — the
// README's curl lines are the applicant's — is told which routes are
// staff's, not that an applicant token does not match.
func TestStaffTokenOnApplicantRouteNamesTheStaffRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.submit(f.regulator("Staff Route Regulator"))
	base := "/v1/onboarding/applications/" + a.ID
	for _, rq := range []request{
		{method: http.MethodGet, path: base},                                               // applicant or participant
		{method: http.MethodPost, path: base + "/withdraw", body: `{"reason":"x"}`},        // applicant
		{method: http.MethodPost, path: base + "/tasks/review-1/otp", body: `{"otp":"1"}`}, // applicant
	} {
		rq.auth = bearer(staffToken)
		res := f.do(rq)
		require.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, res.status, "%s %s: %s", rq.method, rq.path, res.body)
		msg := res.envelope(t).Error.Message
		assert.Contains(t, msg, "GET /v1/onboarding/staff/applications/"+a.ID, "%s %s", rq.method, rq.path)
	}
}
