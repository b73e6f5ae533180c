package registry_test

import (
	"context"
	"encoding/base64"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// TestCursorRoundTrip checks that a cursor names its position again, the
// zero time included, and that a cursor no store issues is refused: the
// smallest int64, which the database stores read as the zero time, is not
// a time any position holds.
func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	for _, p := range []registry.Position{
		{Key: "a@hcx"},
		{CreatedAt: time.Date(2026, 12, 6, 10, 0, 0, 123, time.UTC), Key: "b@hcx"},
		{CreatedAt: time.Unix(0, -1), Key: "c"},
	} {
		got, err := registry.DecodeCursor(registry.EncodeCursor(p))
		require.NoError(t, err)
		assert.True(t, got.CreatedAt.Equal(p.CreatedAt), "%v", p)
		assert.Equal(t, p.Key, got.Key)
	}
	for _, raw := range []string{"-9223372036854775808|a", "x|a", "12", "1|a\x00"} {
		_, err := registry.DecodeCursor("c1." + base64.RawURLEncoding.EncodeToString([]byte(raw)))
		require.ErrorIs(t, err, registry.ErrInvalidQuery, raw)
	}
	_, err := registry.DecodeCursor("c1." + base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(-9223372036854775807, 10)+"|a")))
	require.NoError(t, err, "the earliest time a store keeps")
}

// TestMemoryStoreKeepsTheTimesEveryStoreKeeps checks that the memory store
// refuses a time a database store cannot keep, as they do, rather than
// page through it wrongly: a cursor carries the time in nanoseconds, and a
// participant made in the year 3000 was paged over and over.
func TestMemoryStoreKeepsTheTimesEveryStoreKeeps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := registry.NewMemoryStore()
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)} {
		code := "far" + strconv.Itoa(i) + "@hcx"
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: code, CreatedAt: at, UpdatedAt: at}
		a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: now, UpdatedAt: now}
		require.ErrorContains(t, s.Create(ctx, registry.Write{Application: a, Participant: p}), "outside the times every store keeps")
		a.CreatedAt, p.CreatedAt, p.UpdatedAt = at, now, now
		require.ErrorContains(t, s.Create(ctx, registry.Write{Application: a, Participant: p}), "outside the times every store keeps")
	}
	ps, err := s.SearchParticipants(ctx, registry.Query{})
	require.NoError(t, err)
	assert.Empty(t, ps)
}

// TestCursorsOfEachOrder checks that the due and expiring-certificate
// cursors name their positions again, that the cursors made before they
// had a prefix of their own are still taken by the listing they came
// from, and that the creation-order searches and listings refuse them.
func TestCursorsOfEachOrder(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, 12, 6, 10, 0, 0, 7, time.UTC)
	pos, err := registry.DecodeDueCursor(registry.EncodeDueCursor(due, "app-1"))
	require.NoError(t, err)
	assert.True(t, pos.CreatedAt.Equal(due))
	assert.Equal(t, "app-1", pos.Key)
	pos, err = registry.DecodeDueCursor(registry.EncodeCursor(registry.Position{CreatedAt: due, Key: "app-2"}))
	require.NoError(t, err, "a due cursor of the old form")
	assert.Equal(t, "app-2", pos.Key)

	soonest, code, err := registry.DecodeExpiryCursor(registry.EncodeExpiryCursor(1767225600000, "a|b@hcx"))
	require.NoError(t, err)
	assert.Equal(t, int64(1767225600000), soonest)
	assert.Equal(t, "a|b@hcx", code)
	soonest, code, err = registry.DecodeExpiryCursor(registry.EncodeCursor(registry.Position{Key: "42|c@hcx"}))
	require.NoError(t, err, "an expiry cursor of the old form")
	assert.Equal(t, int64(42), soonest)
	assert.Equal(t, "c@hcx", code)

	for _, c := range []string{registry.EncodeDueCursor(due, "app-1"), registry.EncodeExpiryCursor(42, "c@hcx")} {
		_, err := registry.DecodeCursor(c)
		require.ErrorIs(t, err, registry.ErrInvalidQuery, c)
	}
	_, _, err = registry.DecodeExpiryCursor(registry.EncodeDueCursor(due, "app-1"))
	require.ErrorIs(t, err, registry.ErrInvalidQuery)
	_, err = registry.DecodeDueCursor(registry.EncodeExpiryCursor(42, "c@hcx"))
	require.ErrorIs(t, err, registry.ErrInvalidQuery)
}
