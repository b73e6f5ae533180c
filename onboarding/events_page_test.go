package onboarding_test

import (
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// trailReads is a store that is a registry.EventPager and counts how its
// audit trails are read: whole (Events) or a page at a time
// (EventsAfter), and what each page read asked for.
type trailReads struct {
	registry.Store // a registry.EventPager

	mu    sync.Mutex
	whole int
	asks  []int
}

func (s *trailReads) Events(ctx context.Context, id string) ([]registry.Event, error) {
	s.mu.Lock()
	s.whole++
	s.mu.Unlock()
	return s.Store.Events(ctx, id)
}

func (s *trailReads) EventsAfter(ctx context.Context, id string, after int64, limit int) ([]registry.Event, error) {
	s.mu.Lock()
	s.asks = append(s.asks, limit)
	s.mu.Unlock()
	return s.Store.(registry.EventPager).EventsAfter(ctx, id, after, limit)
}

// reset forgets the reads so far.
func (s *trailReads) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.whole, s.asks = 0, nil
}

// wholeTrails hides a store's optional capabilities, EventPager among
// them: the engine reads every trail whole.
type wholeTrails struct{ registry.Store }

// TestEventsPageReadsOnlyThePage: on a store that is a registry.EventPager,
// EventsPage reads the page (and one event more) from the store's index,
// never the whole trail, and answers exactly what it answers from the
// whole trail of a store without one: the same events, cursors and
// errors, page by page.
func TestEventsPageReadsOnlyThePage(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) storeFactory{
		"memory":   func(*testing.T) storeFactory { return memoryStore },
		"sqlite":   func(*testing.T) storeFactory { return sqliteStore },
		"postgres": func(t *testing.T) storeFactory { return postgresStore(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			eventsPageReadsOnlyThePage(t, open(t)(t))
		})
	}
}

func eventsPageReadsOnlyThePage(t *testing.T, store registry.Store) {
	ctx := context.Background()
	w := newWorld(t)
	counted := &trailReads{Store: store}
	svc := w.service(counted)
	whole := w.service(wholeTrails{store})

	// An application whose trail grows with every staff view, beside
	// another's.
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	other, err := svc.Submit(ctx, w.application(verifier.CategoryEmpanelledProvider))
	require.NoError(t, err)
	for i := range 40 {
		require.NoError(t, svc.RecordContactView(ctx, a.ID, "staff:asha"))
		if i%10 == 0 {
			require.NoError(t, svc.RecordContactView(ctx, other.ID, "staff:ravi"))
		}
	}
	trail, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	require.Greater(t, len(trail), 40)
	n := len(trail)

	// Every page of every size, followed by its cursor, is the page the
	// whole trail gives, and together they are the trail.
	for _, limit := range []int{0, 1, 2, 7, n - 1, n, n + 1, registry.MaxLimit} {
		counted.reset()
		var got []registry.Event
		for cursor, pages := "", 0; ; pages++ {
			require.LessOrEqual(t, pages, n, "limit %d: the pages end", limit)
			want, err := whole.EventsPage(ctx, a.ID, limit, cursor)
			require.NoError(t, err)
			page, err := svc.EventsPage(ctx, a.ID, limit, cursor)
			require.NoError(t, err)
			require.Equal(t, want, page, "limit %d, page %d", limit, pages)
			got = append(got, page.Items...)
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		require.Equal(t, trail, got, "limit %d: the pages are the trail", limit)
		ask := limit + 1
		if limit == 0 {
			ask = registry.DefaultLimit + 1
		}
		counted.mu.Lock()
		require.Zero(t, counted.whole, "limit %d: no trail is read whole", limit)
		require.NotEmpty(t, counted.asks, "limit %d", limit)
		for _, asked := range counted.asks {
			require.Equal(t, ask, asked, "limit %d: a page read asks the page and one event more", limit)
		}
		counted.mu.Unlock()
	}

	// The edges answer alike: past the end, bad cursors, unknown or no
	// application, limits out of bounds.
	counted.reset()
	last := trail[n-1]
	for _, c := range []struct {
		name, id, cursor string
		limit            int
	}{
		{"the other application's trail", other.ID, "", 2},
		{"after the last event", a.ID, registry.EncodeCursor(registry.Position{CreatedAt: last.Time, Key: strconv.FormatInt(last.Seq, 10)}), 10},
		{"after the largest sequence number", a.ID, registry.EncodeCursor(registry.Position{Key: strconv.FormatInt(math.MaxInt64, 10)}), 10},
		{"after the first event", a.ID, registry.EncodeCursor(registry.Position{Key: "1"}), 3},
		{"a cursor no one made", a.ID, "c1.bm90", 10},
		{"a cursor before the first event", a.ID, registry.EncodeCursor(registry.Position{Key: "0"}), 10},
		{"a cursor of a negative sequence number", a.ID, registry.EncodeCursor(registry.Position{Key: "-3"}), 10},
		{"a cursor that is no number", a.ID, registry.EncodeCursor(registry.Position{Key: "app-1"}), 10},
		{"an unknown application", "app-none", "", 10},
		{"an unknown application after a cursor", "app-none", registry.EncodeCursor(registry.Position{Key: "5"}), 10},
		{"text no store keeps", "app-\x00", "", 10},
		{"no application", "", "", 10},
		{"a negative limit", a.ID, "", -1},
		{"a limit over the largest", a.ID, "", registry.MaxLimit + 1},
	} {
		want, wantErr := whole.EventsPage(ctx, c.id, c.limit, c.cursor)
		got, err := svc.EventsPage(ctx, c.id, c.limit, c.cursor)
		require.Equal(t, want, got, c.name)
		if wantErr == nil {
			require.NoError(t, err, c.name)
			continue
		}
		require.Error(t, err, c.name)
		require.Equal(t, wantErr.Error(), err.Error(), c.name)
		for _, sentinel := range []error{onboarding.ErrInvalidArgument, onboarding.ErrNotFound, registry.ErrNotFound} {
			require.Equal(t, errors.Is(wantErr, sentinel), errors.Is(err, sentinel), "%s: %v", c.name, sentinel)
		}
	}
	counted.mu.Lock()
	defer counted.mu.Unlock()
	require.Zero(t, counted.whole, "no trail is read whole")
}
