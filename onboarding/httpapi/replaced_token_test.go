package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An applicant token a rotation replaced is refused with the way to the
// current one.
func TestReplacedApplicantTokenSaysWhatToDo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, old := f.submit(f.regulator("Rotating Regulator"))
	mine := "/v1/onboarding/applications/" + a.ID
	res := f.do(request{method: http.MethodPost, path: mine + "/applicant-token", auth: bearer(old)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	res = f.do(request{method: http.MethodGet, path: mine, auth: bearer(old)})
	require.Equal(t, http.StatusForbidden, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "same application_id")
}
