package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// EndedDeboardings names the participants whose announced de-boarding has
// taken effect though no sweep has made them Inactive: none during the
// notice period, the participant from its effective time, none once the
// sweep ran or after an appeal. What it read is dropped by the Service's
// own de-boarding writes, so each answer is right at once, though the
// first call read (and kept) the list before the announcement.
func TestEndedDeboardings(t *testing.T) {
	t.Parallel()
	const notice = 10 * time.Minute
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithNoticePeriod(notice))
	leaving, creds := live(t, w, svc)
	appealing, _ := live(t, w, svc)
	ended := func() map[string]bool {
		t.Helper()
		got, err := svc.EndedDeboardings(ctx)
		require.NoError(t, err)
		return got
	}
	require.Empty(t, ended(), "nothing announced")

	for _, a := range []*onboarding.Application{leaving, appealing} {
		_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "ops", Reason: "endpoint down for weeks"})
		require.NoError(t, err)
	}
	w.clock.Advance(notice - time.Minute)
	require.Empty(t, ended(), "within the notice period")
	_, err := svc.Appeal(ctx, appealing.ID, "ceo", "the endpoint is back")
	require.NoError(t, err)

	w.clock.Advance(2 * time.Minute)
	assert.Equal(t, map[string]bool{creds.ParticipantCode: true}, ended(), "taken effect; the appealed one stays on")
	off, err := svc.OffNetwork(ctx, creds.ParticipantCode)
	require.NoError(t, err)
	assert.True(t, off, "as OffNetwork says")

	_, err = svc.ProcessDeboardings(ctx)
	require.NoError(t, err)
	assert.Empty(t, ended(), "the sweep made it Inactive in the store")
}

// A de-boarding announced through another replica (another Service over
// the same store) is seen once what this one read is older than a few
// seconds; none is missed for good.
func TestEndedDeboardingsSeesAnotherReplica(t *testing.T) {
	t.Parallel()
	const notice = time.Minute
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	one := w.service(store, onboarding.WithNoticePeriod(notice))
	other := w.service(store, onboarding.WithNoticePeriod(notice))
	a, creds := live(t, w, one)
	got, err := one.EndedDeboardings(ctx)
	require.NoError(t, err)
	require.Empty(t, got)

	_, err = other.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "ops", Reason: "endpoint down for weeks"})
	require.NoError(t, err)
	w.clock.Advance(notice)
	require.Eventually(t, func() bool {
		got, err := one.EndedDeboardings(ctx)
		return err == nil && got[creds.ParticipantCode]
	}, 20*time.Second, 100*time.Millisecond, "the other replica's de-boarding is seen")
}
