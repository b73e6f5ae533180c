package onboarding_test

import (
	"bytes"
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

// plainStore is a registry.Store and nothing more: none of the optional
// capabilities (pagers, due list, expiry index). Its searches still honour
// Query.Cursor and ApplicationFilter.Cursor, as the Store contract asks.
type plainStore struct{ registry.Store }

// The engine's scans of the registry reach past registry.MaxOffset on a
// store without the optional capabilities: they step by cursor, never by
// an offset over the whole registry.
func TestScansOfAPlainStoreReachPastMaxOffset(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	mem := registry.NewMemoryStore()
	const n = registry.MaxOffset + registry.MaxLimit + 50
	for i := range n {
		code := fmt.Sprintf("p%06d@hcx", i)
		at := now.Add(-time.Duration(n-i) * time.Second)
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "Hospital " + code,
			Roles: []hcxonboard.Role{hcxonboard.RoleHospital}, Status: hcxonboard.StatusActive,
			LinkedRegistryCodes:  []string{"sbx/sol-1@sandbox"},
			EncryptionCertExpiry: now.Add(24 * time.Hour).UnixMilli(), CreatedAt: at, UpdatedAt: at}
		a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: at, UpdatedAt: at}
		require.NoError(t, mem.Create(ctx, registry.Write{Application: a, Participant: p}))
	}
	svc, err := onboarding.New(plainStore{mem}, onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(bytes.Repeat([]byte{7}, 32)),
		onboarding.WithClock(func() time.Time { return now }),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)

	xs, err := svc.ExpiringCertificates(ctx, 30*24*time.Hour)
	if assert.NoError(t, err, "the expiry scan") {
		assert.Len(t, xs, n)
	}
	ps, err := svc.RelyingOn(ctx, "sbx", "sol-1")
	if assert.NoError(t, err, "the participants relying on a solution certificate") {
		assert.Len(t, ps, n)
	}

	// And, for comparison, paging by hand through SearchPage works.
	seen := 0
	q := registry.Query{Limit: registry.MaxLimit}
	for {
		page, err := svc.SearchPage(ctx, q)
		require.NoError(t, err)
		seen += len(page.Items)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	require.Equal(t, n, seen)
}
