package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// testStanding checks ParticipantStanding: the participant's status and
// its application's state as stored now, after every write.
func testStanding(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	sr := capability[registry.StandingReader](t, s)

	_, err := sr.ParticipantStanding(ctx, "nobody@hcx")
	require.ErrorIs(t, err, registry.ErrNotFound)
	for _, code := range []string{"a\x00b", "a\xffb"} {
		_, err = sr.ParticipantStanding(ctx, code)
		require.ErrorIs(t, err, registry.ErrNotFound, "text no store keeps is no participant: %q", code)
	}

	// An application naming a code whose participant is not stored yet.
	seed(t, s, newApp("app-pending", "key-pending", "pending@hcx", at(0)), nil)
	_, err = sr.ParticipantStanding(ctx, "pending@hcx")
	require.ErrorIs(t, err, registry.ErrNotFound)

	a := seed(t, s, newApp("app-1", "key-1", "one@hcx", at(1)), newParticipant("one@hcx", at(1)))
	seedParticipant(t, s, newParticipant("two@hcx", at(2)))

	got, err := sr.ParticipantStanding(ctx, "one@hcx")
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusCreated, got.Status)
	require.Equal(t, "app-1", got.ApplicationID)
	require.JSONEq(t, string(a.State), string(got.State))

	// A write changing the status and the state is seen by the next read.
	p := newParticipant("one@hcx", at(1))
	p.Status = hcxonboard.StatusActive
	a.State = json.RawMessage(`{"compromised_at":"2025-03-14T10:00:00Z","step":2}`)
	require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
	got, err = sr.ParticipantStanding(ctx, "one@hcx")
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusActive, got.Status)
	require.JSONEq(t, string(a.State), string(got.State))

	p.Status = hcxonboard.StatusBlocked
	require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
	got, err = sr.ParticipantStanding(ctx, "one@hcx")
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusBlocked, got.Status)

	// The other participant's standing is its own.
	got, err = sr.ParticipantStanding(ctx, "two@hcx")
	require.NoError(t, err)
	require.Equal(t, "app-two@hcx", got.ApplicationID)
	require.Equal(t, hcxonboard.StatusCreated, got.Status)

	// A long state: the store may send only its head, and says so. The
	// head is counted in bytes, not characters: the state is JSON in
	// UTF-8, and names in Indian scripts take three bytes a letter.
	long := make(map[string]any)
	long["compromised_at"] = "2025-03-14T10:00:00Z"
	long["submitted"] = map[string]string{"name": strings.Repeat("आरोग्य ", registry.StandingPrefix), "padding": strings.Repeat("x", 3*registry.StandingPrefix)}
	a.State, err = json.Marshal(long)
	require.NoError(t, err)
	require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
	got, err = sr.ParticipantStanding(ctx, "one@hcx")
	require.NoError(t, err)
	if got.StateTruncated {
		require.Len(t, got.State, registry.StandingPrefix)
		require.True(t, bytes.HasPrefix(a.State, got.State), "the head of the state")
	} else {
		require.JSONEq(t, string(a.State), string(got.State))
	}

	// What a caller does with the answer does not reach the store.
	got.State[0] = 'x'
	again, err := sr.ParticipantStanding(ctx, "one@hcx")
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(a.State, again.State), "the stored state, untouched")
}
