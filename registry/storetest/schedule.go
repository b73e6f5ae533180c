package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// testDue: DueAt is stored and read back, and DueApplications lists the
// applications due by a time, in due order, page by page, and nothing
// else; SetDue moves it without a new version.
func testDue(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	d := capability[registry.DueLister](t, s)

	dues := map[string]time.Duration{ // application → due, relative to base
		"app-1": 3 * time.Hour, "app-2": time.Hour, "app-3": time.Hour, "app-4": 5 * time.Hour, "app-5": -time.Hour,
	}
	for id, due := range dues {
		a := newApp(id, "key-"+id, "", at(0))
		a.DueAt = at(due)
		seed(t, s, a, nil)
	}
	seed(t, s, newApp("app-never", "key-never", "", at(0)), nil) // no due time

	got, err := s.Application(ctx, "app-2")
	require.NoError(t, err)
	require.True(t, got.DueAt.Equal(at(time.Hour)), "DueAt read back as %v", got.DueAt)
	got, err = s.Application(ctx, "app-never")
	require.NoError(t, err)
	require.True(t, got.DueAt.IsZero(), "an application without a due time reads back %v", got.DueAt)

	all := func(by time.Time, limit int) []string {
		var out []string
		cursor := ""
		for range 20 {
			page, err := d.DueApplications(ctx, by, limit, cursor)
			require.NoError(t, err)
			require.LessOrEqual(t, len(page.Items), limit)
			out = append(out, ids(page.Items)...)
			if page.Next == "" {
				return out
			}
			cursor = page.Next
		}
		t.Fatal("DueApplications did not end")
		return nil
	}
	require.Equal(t, []string{"app-5", "app-2", "app-3", "app-1"}, all(at(3*time.Hour), 10), "due by +3h, in due then id order, the due time inclusive")
	require.Equal(t, []string{"app-5", "app-2", "app-3", "app-1"}, all(at(3*time.Hour), 1), "the same, a page of one at a time")
	require.Equal(t, []string{"app-5", "app-2", "app-3", "app-1", "app-4"}, all(at(100*time.Hour), 2))
	require.Empty(t, all(at(-2*time.Hour), 10), "nothing is due before the earliest")
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, []string{"app-5", "app-2", "app-3", "app-1", "app-4"}, all(far, 10), "due by a time later than any a store keeps: all")
	require.Empty(t, all(time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), 10), "due by a time earlier than any a store keeps: none")

	// A due time no store keeps is refused, the same by every store.
	tooFar := newApp("app-far", "key-far", "", at(0))
	tooFar.DueAt = far
	require.ErrorContains(t, s.Create(ctx, registry.Write{Application: tooFar}), "outside")
	_, err = s.Application(ctx, "app-far")
	require.ErrorIs(t, err, registry.ErrNotFound)

	// An Update moves the due time; the zero time takes it out.
	a, err := s.Application(ctx, "app-5")
	require.NoError(t, err)
	a.DueAt = time.Time{}
	require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: registry.Chain(lastEvent(t, s, a.ID), event(a.ID, "note", "", "", at(time.Minute)))}))
	require.Equal(t, []string{"app-2", "app-3"}, all(at(2*time.Hour), 10))

	// SetDue at the current version moves it without a new version.
	a, err = s.Application(ctx, "app-4")
	require.NoError(t, err)
	require.NoError(t, d.SetDue(ctx, a.ID, a.Version, at(30*time.Minute)))
	after, err := s.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, a.Version, after.Version, "SetDue keeps the version")
	require.True(t, after.DueAt.Equal(at(30*time.Minute)))
	require.Equal(t, []string{"app-4", "app-2", "app-3"}, all(at(2*time.Hour), 10))

	// SetDue refuses a stale version and an unknown application.
	require.ErrorIs(t, d.SetDue(ctx, a.ID, a.Version-1, at(0)), registry.ErrVersionConflict)
	require.ErrorIs(t, d.SetDue(ctx, "app-missing", 1, at(0)), registry.ErrNotFound)
	require.ErrorContains(t, d.SetDue(ctx, a.ID, a.Version, far), "outside")
	require.NoError(t, d.SetDue(ctx, a.ID, a.Version, time.Time{}))
	require.Equal(t, []string{"app-2", "app-3"}, all(at(2*time.Hour), 10), "SetDue with the zero time clears it")

	// Bad arguments are ErrInvalidQuery.
	for _, bad := range []struct {
		limit  int
		cursor string
	}{{-1, ""}, {registry.MaxLimit + 1, ""}, {10, "not-a-cursor"}} {
		_, err := d.DueApplications(ctx, at(0), bad.limit, bad.cursor)
		require.ErrorIs(t, err, registry.ErrInvalidQuery, "limit %d cursor %q", bad.limit, bad.cursor)
	}
}

// testLeases: a lease is one owner's until it expires or is released, a
// renewal extends it, and of owners racing for a free lease one wins.
func testLeases(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	l := capability[registry.Leaser](t, s)
	const name = "scheduler"

	take := func(owner string, now time.Time, ttl time.Duration) bool {
		t.Helper()
		ok, err := l.AcquireLease(ctx, name, owner, now, ttl)
		require.NoError(t, err)
		return ok
	}
	require.True(t, take("a", at(0), time.Minute), "a free lease is taken")
	require.False(t, take("b", at(30*time.Second), time.Minute), "another owner's lease is not")
	require.True(t, take("a", at(50*time.Second), time.Minute), "the owner renews")
	require.False(t, take("b", at(100*time.Second), time.Minute), "the renewal holds past the first expiry")
	require.True(t, take("b", at(110*time.Second), time.Minute), "an expired lease is taken")
	require.False(t, take("a", at(120*time.Second), time.Minute), "the old owner lost it")

	require.NoError(t, l.ReleaseLease(ctx, name, "a"), "releasing a lease one does not hold does nothing")
	require.False(t, take("c", at(120*time.Second), time.Minute))
	require.NoError(t, l.ReleaseLease(ctx, name, "b"))
	require.True(t, take("c", at(120*time.Second), time.Minute), "a released lease is free")

	ok, err := l.AcquireLease(ctx, "other", "a", at(120*time.Second), time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "leases are per name")

	// No one holds a lease named, or owned, by text no store keeps, so
	// releasing it does nothing, on every store: PostgreSQL answered a
	// driver error.
	for _, bad := range []string{"x\x00", "\xff"} {
		require.NoError(t, l.ReleaseLease(ctx, bad, "c"), "name %q", bad)
		require.NoError(t, l.ReleaseLease(ctx, name, bad), "owner %q", bad)
	}
	require.False(t, take("d", at(120*time.Second), time.Minute), "the lease stays c's")

	for _, bad := range []struct {
		name, owner string
		ttl         time.Duration
	}{{"", "a", time.Minute}, {name, "", time.Minute}, {name, "a", time.Millisecond}, {name, "a", 48 * time.Hour}, {"x\x00", "a", time.Minute}} {
		_, err := l.AcquireLease(ctx, bad.name, bad.owner, at(0), bad.ttl)
		require.ErrorIs(t, err, registry.ErrInvalidQuery, "%q %q %v", bad.name, bad.owner, bad.ttl)
	}

	// Owners racing for a free lease at one instant: one wins.
	errs := make([]error, 16)
	wins := make([]bool, 16)
	race(16, func(i int) error {
		wins[i], errs[i] = l.AcquireLease(ctx, "raced", fmt.Sprintf("owner-%d", i), at(time.Hour), time.Minute)
		return errs[i]
	})
	n := 0
	for i := range wins {
		require.NoError(t, errs[i])
		if wins[i] {
			n++
		}
	}
	require.Equal(t, 1, n, "exactly one of 16 racing owners takes a free lease")
}
