package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// With a token life under a day (WithApplicantTokenTTL allows an hour),
// the refusal's advice — submit again with the same application_id for a
// new token — answers a new, working token, not the expired one; and the
// refusal words the life in hours.
func TestRepeatSubmissionAfterAShortLifeGivesAWorkingToken(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	f := newFixture(t, httpapi.WithClock(clk.now), httpapi.WithApplicantTokenTTL(2*time.Hour))
	app := f.regulator("Short Life Regulator")
	app.ApplicationID = "7d3f1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
	apply := func() httpapi.ApplyResponse { return f.apply(app) }
	first := apply()
	path := "/v1/onboarding/applications/" + first.Application.ID
	get := func(tok string) response { return f.do(request{method: http.MethodGet, path: path, auth: bearer(tok)}) }

	clk.add(3 * time.Hour)
	refused := get(first.ApplicantToken)
	require.Equal(t, http.StatusForbidden, refused.status, "3 hours without use: expired")
	assert.Contains(t, refused.envelope(t).Error.Message, "expired after 2 hours without use")

	fresh := apply().ApplicantToken // as the refusal advises
	res := get(fresh)
	assert.Equal(t, http.StatusOK, res.status, "the repeat's token works: %s", res.body)
	assert.NotEqual(t, first.ApplicantToken, fresh, "not the expired token again")
}

// A repeat of the submission after the token's life answers a token of a
// new generation; a second repeat a day later, before that token was
// used, keeps it: its issue counts as a use of the application.
func TestSecondRepeatKeepsTheFirstRepeatsToken(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	f := newFixture(t, httpapi.WithClock(clk.now))
	app := f.regulator("Twice Repeated Regulator")
	app.ApplicationID = "8e4a2b3c-5d6e-4f70-9a1b-2c3d4e5f6a7b"
	apply := func() httpapi.ApplyResponse { return f.apply(app) }
	first := apply()
	path := "/v1/onboarding/applications/" + first.Application.ID
	get := func(tok string) response { return f.do(request{method: http.MethodGet, path: path, auth: bearer(tok)}) }

	clk.add(31 * 24 * time.Hour)
	t1 := apply().ApplicantToken // issued now, valid 30 days
	clk.add(24 * time.Hour)
	_ = apply() // e.g. the client's retry of a lost answer, or a second device
	res := get(t1)
	assert.Equal(t, http.StatusOK, res.status, "a token issued a day ago, within its life: %s", res.body)
}

// apply submits app over HTTP, as an applicant does, and answers the 201.
func (f *fixture) apply(app any) httpapi.ApplyResponse {
	f.t.Helper()
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app})
	require.Equal(f.t, http.StatusCreated, res.status, "%s", res.body)
	var out httpapi.ApplyResponse
	require.NoError(f.t, json.Unmarshal(res.body, &out))
	return out
}
