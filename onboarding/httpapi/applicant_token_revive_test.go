package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// An applicant token refused as expired stays refused: the fresh token a
// repeat of the submission answers (as the refusal advises) is of a new
// generation, so its use does not bring the expired one, say leaked,
// back to life.
func TestExpiredApplicantTokenStaysExpired(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	f := newFixture(t, httpapi.WithClock(clk.now))
	app := f.regulator("Revived Token Regulator")
	app.ApplicationID = "5b0c8f9e-3a1d-4e7b-9c2a-1f0e8d7c6b5a"
	apply := func() httpapi.ApplyResponse { return f.apply(app) }
	first := apply()
	old := first.ApplicantToken
	path := "/v1/onboarding/applications/" + first.Application.ID
	get := func(tok string) response { return f.do(request{method: http.MethodGet, path: path, auth: bearer(tok)}) }

	clk.add(31 * 24 * time.Hour)
	require.Equal(t, http.StatusForbidden, get(old).status, "31 days without use: expired")

	fresh := apply().ApplicantToken // the refusal's advice: apply again
	require.NotEqual(t, old, fresh)
	clk.add(2 * time.Hour)
	require.Equal(t, http.StatusOK, get(fresh).status)

	res := get(old)
	assert.Equal(t, http.StatusForbidden, res.status, "the expired token stays expired: %s", res.body)
}

// roStore is a store that reads but refuses writes (a PostgreSQL replica
// in recovery, a full disk): reads work.
type roStore struct {
	registry.Store
	ro bool
}

func (s *roStore) Update(ctx context.Context, w registry.Write) error {
	if s.ro {
		return errors.New("cannot execute UPDATE in a read-only transaction")
	}
	return s.Store.Update(ctx, w)
}

// A GET of the application by its applicant is a read: a use of the
// token that cannot be noted (the store refuses writes) fails nothing.
func TestApplicantReadWhenTheUseCannotBeNoted(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	st := &roStore{Store: registry.NewMemoryStore()}
	f := newFixtureOn(t, st, nil, httpapi.WithClock(clk.now))
	a, tok := f.submit(f.regulator("Read Only Regulator"))
	path := "/v1/onboarding/applications/" + a.ID
	require.Equal(t, http.StatusOK, f.do(request{method: http.MethodGet, path: path, auth: bearer(tok)}).status)

	st.ro = true
	clk.add(2 * time.Hour)
	res := f.do(request{method: http.MethodGet, path: path, auth: bearer(tok)})
	assert.Equal(t, http.StatusOK, res.status, "a read does not fail on the use note's write: %s", res.body)
}
