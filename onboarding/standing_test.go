package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// twoReadStore hides the store's registry.StandingReader, so that
// VerifyToken takes its fallback path of two reads.
type twoReadStore struct{ registry.Store }

// shortHeadStore sends only the first bytes of a state with the standing,
// as a store may for a long state (registry.Standing.StateTruncated):
// too few for the credential fields, which the engine then reads whole.
type shortHeadStore struct{ registry.Store }

func (s shortHeadStore) ParticipantStanding(ctx context.Context, code string) (*registry.Standing, error) {
	st, err := s.Store.(registry.StandingReader).ParticipantStanding(ctx, code)
	if err == nil && len(st.State) > 16 {
		st.State, st.StateTruncated = st.State[:16], true
	}
	return st, err
}

// TestTokensRefusedOnTheNextCall checks that VerifyToken keeps nothing
// between calls: a suspension, a compromise report or a de-boarding —
// made by another replica on the same store — refuses the participant's
// token on the very next call, and a reinstatement or a token issued
// after the report is accepted again, on every store and on a store
// without registry.StandingReader.
func TestTokensRefusedOnTheNextCall(t *testing.T) {
	t.Parallel()
	stores := map[string]storeFactory{
		"memory":              memoryStore,
		"memory without join": func(testing.TB) registry.Store { return twoReadStore{registry.NewMemoryStore()} },
		"SQLite":              sqliteStore,
		"SQLite without join": func(t testing.TB) registry.Store { return twoReadStore{sqliteStore(t)} },
		"SQLite, short head":  func(t testing.TB) registry.Store { return shortHeadStore{sqliteStore(t)} },
	}
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testTokensRefusedOnTheNextCall(t, newStore)
		})
	}
}

func TestTokensRefusedOnTheNextCallPostgres(t *testing.T) {
	t.Parallel()
	testTokensRefusedOnTheNextCall(t, postgresStore(t))
}

func testTokensRefusedOnTheNextCall(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	w := newWorld(t)
	store := newStore(t)
	_, joined := store.(registry.StandingReader)
	_, wrapped := store.(twoReadStore)
	require.Equal(t, !wrapped, joined, "every store of this module reads the standing in one read")
	api, staff := w.service(store), w.service(store) // two replicas

	a, creds := live(t, w, staff)
	tok, err := api.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)
	verify := func() error {
		claims, err := api.VerifyToken(ctx, tok.Value)
		if err == nil {
			assert.Equal(t, creds.ParticipantCode, claims.ParticipantCode)
		}
		return err
	}
	require.NoError(t, verify())
	require.NoError(t, verify(), "accepted again")

	_, err = staff.Suspend(ctx, a.ID, "staff:compliance", "audit")
	require.NoError(t, err)
	err = verify()
	require.ErrorIs(t, err, credential.ErrInvalidToken, "refused on the first call after the suspension")
	require.ErrorIs(t, err, onboarding.ErrNotActive)

	_, err = staff.Reinstate(ctx, a.ID, "staff:compliance", "audit closed")
	require.NoError(t, err)
	require.NoError(t, verify(), "accepted on the first call after the reinstatement")

	w.clock.Advance(2 * time.Second)
	require.NoError(t, staff.ReportCompromise(ctx, creds.ParticipantCode, "participant-ciso", "secret leaked"))
	err = verify()
	require.ErrorIs(t, err, credential.ErrInvalidToken, "refused on the first call after the compromise report")
	assert.ErrorContains(t, err, "compromise")

	fresh, err := staff.Provision(ctx, a.ID)
	require.NoError(t, err)
	w.clock.Advance(2 * time.Second)
	tok, err = api.Token(ctx, fresh.ParticipantCode, fresh.Secret)
	require.NoError(t, err)
	require.NoError(t, verify(), "a token issued after the report is accepted")

	_, err = staff.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "closing, by letter"})
	require.NoError(t, err)
	err = verify()
	require.ErrorIs(t, err, credential.ErrInvalidToken, "refused on the first call after the de-boarding")
	require.ErrorIs(t, err, onboarding.ErrNotActive)
}
