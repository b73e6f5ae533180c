package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A staff route called without any credential says how to send one, as
// the refusal of a wrong one does: a newcomer's first curl of the staff
// queue has no Authorization header.
func TestStaffRouteWithoutCredentialSaysHowToSendOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications"})
	assert.Equal(t, http.StatusUnauthorized, res.status)
	e := res.envelope(t)
	assert.Equal(t, "ERR_ACCESS_DENIED", e.Error.Code)
	assert.Contains(t, e.Error.Message, "this route needs an operator staff credential")
	assert.Contains(t, e.Error.Message, "Authorization: Bearer")

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications", auth: bearer("not-a-staff-token")})
	assert.Equal(t, http.StatusForbidden, res.status, "a wrong credential is still refused as such")
}
