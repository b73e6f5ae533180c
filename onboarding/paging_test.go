package onboarding_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A sweep reads every record, however far past registry.MaxOffset the
// registry has grown: the engine pages by cursor.
func TestSweepsReadPastMaxOffset(t *testing.T) {
	if testing.Short() {
		t.Skip("loads more than registry.MaxOffset participants")
	}
	ctx := context.Background()
	store := registry.NewMemoryStore()
	n := registry.MaxOffset + 2*registry.MaxLimit + 7
	w := newWorld(t)
	at := w.clock.Now()
	expiry := at.Add(24 * time.Hour).UnixMilli()
	for i := range n {
		code := fmt.Sprintf("%06d@paging", i)
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "P", Status: hcxonboard.StatusActive,
			CreatedAt: at, EncryptionCertExpiry: expiry}
		a := &registry.Application{ID: fmt.Sprintf("app-%06d", i), ParticipantCode: code, Stage: registry.StageLive,
			CreatedAt: at, UpdatedAt: at}
		require.NoError(t, store.Create(ctx, registry.Write{Application: a, Participant: p}))
	}
	svc := w.service(store)
	list, err := svc.ExpiringCertificates(ctx, 48*time.Hour)
	require.NoError(t, err)
	require.Len(t, list, n, "every participant past the offset bound is read")
	seen := make(map[string]bool, n)
	for _, e := range list {
		seen[e.ParticipantCode] = true
	}
	assert.Len(t, seen, n, "each once")
}

// walkOnly hides a store's optional capabilities, certificate expiries
// among them: the engine falls back to paging through every participant.
type walkOnly struct{ registry.Store }

// ExpiringCertificates answers the same whether the store finds the
// expiring certificates from its index or the engine walks every
// participant, on the memory store and on SQLite.
func TestExpiringCertificatesSameFromIndexAndWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 2,400 participants into two stores")
	}
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	now := w.clock.Now()
	day := 24 * time.Hour
	// 2,400 participants (more than two engine pages match), every kind
	// of expiry: expired, due within the window, after it, none; one or
	// both certificates; Inactive ones that never count.
	fill := func(store registry.Store) {
		for i := range 2400 {
			code := fmt.Sprintf("%06d@expiry", (i*7919)%2400)
			p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "P " + code, Status: hcxonboard.StatusActive,
				CreatedAt: now.Add(time.Duration(i%300) * time.Second)}
			switch i % 6 {
			case 0:
				p.EncryptionCertExpiry = now.Add(-time.Duration(i) * time.Minute).UnixMilli()
			case 1:
				p.EncryptionCertExpiry = now.Add(time.Duration(i%40) * day).UnixMilli()
			case 2:
				p.EncryptionCertExpiry = now.Add(90 * day).UnixMilli()
				p.SigningCertExpiry = now.Add(time.Duration(i%50) * day).UnixMilli()
			case 3:
				p.EncryptionCertExpiry = now.Add(time.Duration(i%20) * day).UnixMilli()
				p.SigningCertExpiry = now.Add(time.Duration(i%25) * day).UnixMilli()
			case 4:
				p.EncryptionCertExpiry = now.Add(time.Hour).UnixMilli()
				p.Status = hcxonboard.StatusInactive
			}
			if i%11 == 0 {
				p.Status = hcxonboard.StatusBlocked
			}
			a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt}
			require.NoError(t, store.Create(ctx, registry.Write{Application: a, Participant: p}))
		}
	}
	mem := registry.NewMemoryStore()
	fill(mem)
	lite := sqliteStore(t)
	fill(lite)
	var indexed, walked []onboarding.CertificateExpiry
	for _, within := range []time.Duration{0, 30 * day, 365 * day} {
		for name, store := range map[string]registry.Store{"memory": mem, "sqlite": lite} {
			_, ok := store.(registry.CertificateExpiries)
			require.True(t, ok, "%s indexes certificate expiries", name)
			var err error
			indexed, err = w.service(store).ExpiringCertificates(ctx, within)
			require.NoError(t, err)
			walked, err = w.service(walkOnly{store}).ExpiringCertificates(ctx, within)
			require.NoError(t, err)
			require.Equal(t, walked, indexed, "%s, within %v", name, within)
		}
		if within == 30*day {
			require.Greater(t, len(indexed), registry.MaxLimit, "more than one page")
		}
		for _, e := range indexed {
			require.NotEqual(t, hcxonboard.StatusInactive, e.Status)
			require.False(t, e.ExpiresAt.After(now.Add(within)))
		}
	}
}
