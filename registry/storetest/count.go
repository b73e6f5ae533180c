package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// testCountApplications checks registry.StageCounter: every stage is
// counted, zero included, and a write that moves an application moves
// its count.
func testCountApplications(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	sc := capability[registry.StageCounter](t, s)
	want := registry.NewStageCounts()
	requireCounts := func() {
		t.Helper()
		got, err := sc.CountApplications(ctx)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	requireCounts() // an empty store: every stage, at zero

	apps := make([]*registry.Application, 5)
	for i := range apps {
		id := "app-count-" + string(rune('a'+i))
		apps[i] = seed(t, s, newApp(id, "key-"+id, "", at(time.Duration(i)*time.Minute)), nil)
	}
	want[registry.StageSubmitted] = 5
	requireCounts()

	// Two move on, one of them twice; one is rejected.
	move := func(a *registry.Application, to registry.Stage) {
		t.Helper()
		from := a.Stage
		a.Stage, a.Waiting = to, nil
		require.NoError(t, s.Update(ctx, registry.Write{Application: a,
			Events: registry.Chain(lastEvent(t, s, a.ID), event(a.ID, "move", string(from), string(to), at(time.Hour)))}))
		want[from]--
		want[to]++
	}
	move(apps[0], registry.StageVerifying)
	move(apps[0], registry.StageDetails)
	move(apps[1], registry.StageVerifying)
	move(apps[2], registry.StageRejected)
	requireCounts()
	require.Equal(t, map[registry.Stage]int{registry.StageSubmitted: 2, registry.StageVerifying: 1, registry.StageDetails: 1,
		registry.StageCredentials: 0, registry.StageLive: 0, registry.StageRejected: 1, registry.StageWithdrawn: 0}, want)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := sc.CountApplications(cancelled)
	require.ErrorIs(t, err, context.Canceled)
}
