package storetest

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// testEventsAfter checks registry.EventPager: a stretch of a trail by
// sequence number is exactly that stretch of what Events answers, so the
// pages of any size together are the trail, in order; a trail's end, an
// empty trail and another application's events answer nothing; an
// unknown application is ErrNotFound and a limit out of bounds
// ErrInvalidQuery.
func testEventsAfter(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	ep := capability[registry.EventPager](t, s)

	// app-1's trail of 250 events, written by a Create and Updates of 1
	// to 13 events each; some carry a request id, some a seal, as Events
	// must give them back. app-10, whose id extends app-1's, and app-2
	// have trails of their own in between.
	a := newApp("app-1", "key-1", "", at(0))
	trail := submitted("app-1", at(0))
	require.NoError(t, s.Create(ctx, registry.Write{Application: a, Events: trail}))
	b := seed(t, s, newApp("app-10", "key-10", "", at(time.Second)), nil)
	c := seed(t, s, newApp("app-2", "key-2", "", at(2*time.Second)), nil)
	for n := 1; len(trail) < 250; n = n%13 + 1 {
		step := make([]registry.Event, min(n, 250-len(trail)))
		for i := range step {
			seq := len(trail) + i + 1
			step[i] = event("app-1", "readiness_check", "live", "live", at(time.Duration(seq)*time.Minute))
			if seq%3 == 0 {
				step[i].RequestID = fmt.Sprintf("req-%d", seq)
			}
		}
		step = registry.Chain(&trail[len(trail)-1], step...)
		if n%4 == 0 {
			require.NoError(t, registry.SealEvent(&step[len(step)-1], sealKey()))
		}
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: step}))
		trail = append(trail, step...)
		for _, other := range []*registry.Application{b, c} {
			if n%5 == 0 {
				more := registry.Chain(lastEvent(t, s, other.ID), event(other.ID, "staff_view", "submitted", "submitted", at(time.Duration(n)*time.Hour)))
				require.NoError(t, s.Update(ctx, registry.Write{Application: other, Events: more}))
			}
		}
	}
	whole, err := s.Events(ctx, "app-1")
	require.NoError(t, err)
	requireEvents(t, trail, whole)

	t.Run("pages of any size, each from the last one's end, are the trail", func(t *testing.T) {
		for _, limit := range []int{1, 2, 7, 100, 249, 250, 251, registry.MaxLimit, registry.MaxEventsLimit} {
			var got []registry.Event
			for after, pages := int64(0), 0; ; pages++ {
				require.LessOrEqual(t, pages, 250, "limit %d: the pages end", limit)
				page, err := ep.EventsAfter(ctx, "app-1", after, limit)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page), limit)
				got = append(got, page...)
				if len(page) < limit {
					break
				}
				after = page[len(page)-1].Seq
			}
			requireEvents(t, trail, got)
		}
	})

	t.Run("a stretch from anywhere is that stretch of the trail", func(t *testing.T) {
		for _, c := range []struct {
			after       int64
			limit       int
			first, last int64 // the first and last Seq answered, 0 for none
		}{
			{0, 0, 1, registry.DefaultLimit}, // limit 0 is DefaultLimit
			{-1, 3, 1, 3},                    // before the first event: from the start
			{math.MinInt64, 1, 1, 1},
			{123, 5, 124, 128},
			{200, 100, 201, 250},
			{249, 10, 250, 250},
			{250, 10, 0, 0}, // the last event: nothing after it
			{251, 10, 0, 0},
			{math.MaxInt64, registry.MaxEventsLimit, 0, 0},
		} {
			got, err := ep.EventsAfter(ctx, "app-1", c.after, c.limit)
			require.NoError(t, err, "after %d, limit %d", c.after, c.limit)
			if c.first == 0 {
				require.Empty(t, got, "after %d, limit %d", c.after, c.limit)
				continue
			}
			requireStretch(t, trail[c.first-1:c.last], got)
		}
	})

	t.Run("another application's trail is its own", func(t *testing.T) {
		for _, id := range []string{"app-10", "app-2"} {
			want, err := s.Events(ctx, id)
			require.NoError(t, err)
			require.Greater(t, len(want), 1)
			got, err := ep.EventsAfter(ctx, id, 0, registry.MaxEventsLimit)
			require.NoError(t, err)
			requireEvents(t, want, got)
			got, err = ep.EventsAfter(ctx, id, 1, 1)
			require.NoError(t, err)
			requireStretch(t, want[1:2], got)
		}
	})

	t.Run("none is answered alike by every store", func(t *testing.T) {
		// As the SQL stores answer it, and as every listing answers an
		// empty page: a nil slice, so that stores compare equal.
		for _, after := range []int64{250, 251, math.MaxInt64} {
			got, err := ep.EventsAfter(ctx, "app-1", after, 10)
			require.NoError(t, err)
			require.Nil(t, got, "after %d", after)
		}
	})

	t.Run("an application without events answers none", func(t *testing.T) {
		require.NoError(t, s.Create(ctx, registry.Write{Application: newApp("app-empty", "key-empty", "", at(time.Hour))}))
		for _, after := range []int64{0, 1, 250} {
			got, err := ep.EventsAfter(ctx, "app-empty", after, 10)
			require.NoError(t, err)
			require.Empty(t, got)
		}
	})

	t.Run("an unknown application is not found", func(t *testing.T) {
		for _, id := range []string{"app-none", "", "app-1\x00", "app-\xff"} {
			for _, after := range []int64{0, 1} {
				_, err := ep.EventsAfter(ctx, id, after, 10)
				require.ErrorIs(t, err, registry.ErrNotFound, "application %q after %d", id, after)
			}
		}
	})

	t.Run("a limit out of bounds is an invalid query", func(t *testing.T) {
		for _, limit := range []int{-1, registry.MaxEventsLimit + 1, math.MaxInt} {
			_, err := ep.EventsAfter(ctx, "app-1", 0, limit)
			require.ErrorIs(t, err, registry.ErrInvalidQuery, "limit %d", limit)
		}
	})

	t.Run("a cancelled context fails the read", func(t *testing.T) {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := ep.EventsAfter(cancelled, "app-1", 0, 10)
		require.ErrorIs(t, err, context.Canceled)
	})
}
