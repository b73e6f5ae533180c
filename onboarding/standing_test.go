package onboarding_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
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

// countingStore counts the whole-application reads made through it.
type countingStore struct {
	registry.Store
	apps atomic.Int64
}

func (s *countingStore) Application(ctx context.Context, id string) (*registry.Application, error) {
	s.apps.Add(1)
	return s.Store.Application(ctx, id)
}

func (s *countingStore) ParticipantStanding(ctx context.Context, code string) (*registry.Standing, error) {
	return s.Store.(registry.StandingReader).ParticipantStanding(ctx, code)
}

// TestVerifyTokenReadsOnlyTheStandingHead checks that a token check is
// one store read of the standing, whose head (registry.StandingPrefix)
// holds what the check needs however many secrets a participant keeps;
// and that a state stored in the older order — the secrets first, the
// compromise time after them — is read whole, so a compromise it records
// still refuses the token.
func TestVerifyTokenReadsOnlyTheStandingHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &countingStore{Store: sqliteStore(t)}
	svc := w.service(store)
	a, creds := live(t, w, svc)
	// Rotations keep the earlier secrets until they expire: the state's
	// credential fields outgrow the head.
	secret := creds.Secret
	for range 3 {
		rotated, err := svc.RotateSecret(ctx, creds.ParticipantCode, secret, time.Hour)
		require.NoError(t, err)
		secret = rotated.Secret
	}
	tok, err := svc.Token(ctx, creds.ParticipantCode, secret)
	require.NoError(t, err)
	st, err := store.Store.(registry.StandingReader).ParticipantStanding(ctx, creds.ParticipantCode)
	require.NoError(t, err)
	require.True(t, st.StateTruncated, "the store sent the head of the state only")

	before := store.apps.Load()
	_, err = svc.VerifyToken(ctx, tok.Value)
	require.NoError(t, err)
	assert.Equal(t, before, store.apps.Load(), "no whole-application read")

	// The older order, with a compromise reported after the token.
	stored, err := store.Store.Application(ctx, a.ID)
	require.NoError(t, err)
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(stored.State, &fields))
	require.JSONEq(t, "null", string(fields["compromised_at"]))
	reported, err := json.Marshal(w.clock.Now().Add(time.Second))
	require.NoError(t, err)
	var old bytes.Buffer
	old.WriteString(`{"secrets":` + string(fields["secrets"]) + `,"compromised_at":` + string(reported))
	for k, v := range fields {
		if k != "secrets" && k != "compromised_at" {
			old.WriteString(`,"` + k + `":` + string(v))
		}
	}
	old.WriteString("}")
	stored.State = old.Bytes()
	p, err := store.Store.Participant(ctx, creds.ParticipantCode)
	require.NoError(t, err)
	require.NoError(t, store.Store.Update(ctx, registry.Write{Application: stored, Participant: p}))

	_, err = svc.VerifyToken(ctx, tok.Value)
	require.ErrorIs(t, err, credential.ErrInvalidToken, "the compromise past the head is read")
	assert.ErrorContains(t, err, "compromise")
	assert.Greater(t, store.apps.Load(), before, "the state was read whole")
}

// reportingStore runs hook once, at the first participant read after it
// is set: inside Token, after the secrets were read and before the token
// is issued.
type reportingStore struct {
	*registry.MemoryStore
	hook func()
}

func (s *reportingStore) Participant(ctx context.Context, code string) (*hcxonboard.Participant, error) {
	if h := s.hook; h != nil {
		s.hook = nil
		h()
	}
	return s.MemoryStore.Participant(ctx, code)
}

// TestTokenRacingACompromiseReportIsRefused checks that a token asked for
// with a secret while its owner reports the secret compromised does not
// outlive the report, though it is stamped after it.
func TestTokenRacingACompromiseReportIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &reportingStore{MemoryStore: registry.NewMemoryStore()}
	svc := w.service(store)
	_, creds := live(t, w, svc)

	store.hook = func() {
		require.NoError(t, svc.ReportCompromise(ctx, creds.ParticipantCode, "participant-ciso", "secret leaked"))
		w.clock.Advance(time.Second)
	}
	_, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "the report came while the token was issued")
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "and after it")
}

// TestALaterReportOnALaggingReplicaKeepsTheFirst checks that a second
// compromise report, stored by a replica whose clock lags, does not move
// the report back and revive the tokens the first refused.
func TestALaterReportOnALaggingReplicaKeepsTheFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	lagging := w.service(store, onboarding.WithClock(func() time.Time { return w.clock.Now().Add(-30 * time.Second) }))
	_, creds := live(t, w, svc)
	tok, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)
	w.clock.Advance(10 * time.Second)
	require.NoError(t, svc.ReportCompromise(ctx, creds.ParticipantCode, "participant-ciso", "leaked"))
	_, err = svc.VerifyToken(ctx, tok.Value)
	require.ErrorIs(t, err, credential.ErrInvalidToken, "refused after the report")
	w.clock.Advance(10 * time.Second)
	require.NoError(t, lagging.ReportCompromise(ctx, creds.ParticipantCode, "participant-ciso", "leaked again"))
	_, err = svc.VerifyToken(ctx, tok.Value)
	require.ErrorIs(t, err, credential.ErrInvalidToken, "still refused after a second report from a lagging clock")
}
