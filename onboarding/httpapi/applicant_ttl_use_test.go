package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The applicant token expires after 30 days without use (the default): a
// token in use does not — each case uses the token and comes back within
// 30 days of that use, with the same token — and one left unused for 30
// days from its last use is refused.
func TestApplicantTokenExpiresAfter30DaysWithoutUse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		firstUse     time.Duration // after issue
		sinceLastUse time.Duration
	}{
		{"used on day 10, back on day 35", 10 * 24 * time.Hour, 25 * 24 * time.Hour},
		{"used after 20 hours, back 29 days later", 20 * time.Hour, 29*24*time.Hour + 5*time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := &movableClock{t: time.Now()}
			f := newFixture(t, httpapi.WithClock(clk.now))
			a, tok := f.submit(f.regulator("TTL Regulator"))
			get := func() response {
				return f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(tok)})
			}
			clk.add(tc.firstUse)
			require.Equal(t, http.StatusOK, get().status)
			clk.add(tc.sinceLastUse)
			res := get()
			assert.Equal(t, http.StatusOK, res.status, "token used %s ago refused: %s", tc.sinceLastUse, res.body)
			clk.add(30 * 24 * time.Hour)
			assert.Equal(t, http.StatusForbidden, get().status, "30 days without use")
		})
	}
}
