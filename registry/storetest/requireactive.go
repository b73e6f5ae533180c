package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// testRequireActive: an Update that requires participants to be Active
// (registry.Write.RequireActive) commits only while each is, and
// otherwise changes nothing.
func testRequireActive(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	const payer = "1000009@hcx"
	// setup stores an Active payer, and an application whose next write
	// requires it.
	setup := func(t *testing.T) (registry.Store, *registry.Application, *registry.Application, *hcxonboard.Participant) {
		s := newStore(t)
		p := newParticipant(payer, at(0))
		p.Status = hcxonboard.StatusActive
		payerApp := seed(t, s, newApp("app-payer", "key-payer", payer, at(0)), p)
		a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		return s, payerApp, a, p
	}
	answer := func(a *registry.Application, required ...string) registry.Write {
		a.Stage = registry.StageVerifying
		a.UpdatedAt = at(time.Hour)
		return registry.Write{Application: a, RequireActive: required,
			Events: registry.Chain(&submitted(a.ID, a.CreatedAt)[0], event(a.ID, "approve", "submitted", "verifying", at(time.Hour)))}
	}
	unchanged := func(t *testing.T, s registry.Store, id string, version int64) {
		t.Helper()
		got, err := s.Application(ctx, id)
		require.NoError(t, err)
		require.Equal(t, version, got.Version, "nothing was written")
		require.Equal(t, registry.StageSubmitted, got.Stage)
		events, err := s.Events(ctx, id)
		require.NoError(t, err)
		require.Len(t, events, 1)
	}

	t.Run("commits while the participant is Active", func(t *testing.T) {
		t.Parallel()
		s, _, a, _ := setup(t)
		require.NoError(t, s.Update(ctx, answer(a, payer)))
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, got.Stage)
	})

	t.Run("fails with ErrNotActive once the participant is not, changing nothing", func(t *testing.T) {
		t.Parallel()
		s, payerApp, a, p := setup(t)
		p = p.Clone()
		p.Status = hcxonboard.StatusBlocked
		p.UpdatedAt = at(time.Minute)
		require.NoError(t, s.Update(ctx, registry.Write{Application: payerApp, Participant: p}))
		err := s.Update(ctx, answer(a.Clone(), payer))
		require.ErrorIs(t, err, registry.ErrNotActive)
		require.Contains(t, err.Error(), string(hcxonboard.StatusBlocked))
		unchanged(t, s, "app-1", a.Version)
	})

	t.Run("fails with ErrNotActive for a participant that does not exist", func(t *testing.T) {
		t.Parallel()
		s, _, a, _ := setup(t)
		err := s.Update(ctx, answer(a.Clone(), payer, "nobody@hcx"))
		require.ErrorIs(t, err, registry.ErrNotActive)
		unchanged(t, s, "app-1", a.Version)
	})

	t.Run("a version conflict comes first", func(t *testing.T) {
		t.Parallel()
		s, _, a, _ := setup(t)
		stale := a.Clone()
		stale.Version = 7
		require.ErrorIs(t, s.Update(ctx, answer(stale, "nobody@hcx")), registry.ErrVersionConflict)
	})

	// The reference order: a code the application cannot take is
	// reported before a participant the write requires, as the memory
	// store checks them, whether another participant or another
	// application holds the code.
	t.Run("a participant code taken comes before a participant not Active", func(t *testing.T) {
		t.Parallel()
		s, _, _, _ := setup(t)
		seed(t, s, newApp("app-code", "key-code", "1000005@hcx", at(0)), nil) // holds the code, without a record
		for _, code := range []string{"1000001@hcx", "1000005@hcx"} {
			for _, record := range []bool{false, true} {
				b := seed(t, s, newApp("app-"+code+fmt.Sprint(record), "", "", at(0)), nil)
				b.ParticipantCode = code
				w := answer(b, "nobody@hcx")
				if record {
					w.Participant = newParticipant(code, at(0))
				}
				err := s.Update(ctx, w)
				require.ErrorIs(t, err, registry.ErrConflict, "code %s, with a record: %v", code, record)
				require.NotErrorIs(t, err, registry.ErrNotActive, "code %s, with a record: %v", code, record)
				unchanged(t, s, b.ID, 1)
			}
		}
	})

	t.Run("Create takes none, and a write requires at most MaxRequireActive", func(t *testing.T) {
		t.Parallel()
		s, _, a, _ := setup(t)
		fresh := newApp("app-2", "key-2", "", at(0))
		err := s.Create(ctx, registry.Write{Application: fresh, RequireActive: []string{payer}})
		require.Error(t, err)
		_, err = s.Application(ctx, "app-2")
		require.ErrorIs(t, err, registry.ErrNotFound, "nothing was stored")

		many := make([]string, registry.MaxRequireActive+1)
		for i := range many {
			many[i] = fmt.Sprintf("10000%02d@hcx", i)
		}
		require.Error(t, s.Update(ctx, answer(a.Clone(), many...)))
		require.Error(t, s.Update(ctx, answer(a.Clone(), "")), "an empty code")
		unchanged(t, s, "app-1", a.Version)
	})
}
