package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An applicant's over-long application_id or scheme_code is the
// applicant's error (4xx), not the server's (500).
func TestOverlongApplicantTextIsNot500(t *testing.T) {
	f := newFixture(t)
	app := f.payer()
	app.ApplicationID = strings.Repeat("k", 300)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app})
	assert.Less(t, res.status, 500, "application_id: %s", res.body)

	app = f.payer()
	app.Identifiers.SchemeCode = strings.Repeat("S", 3000)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app})
	assert.Less(t, res.status, 500, "scheme_code: %s", res.body)
}
