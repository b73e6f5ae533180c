package onboarding_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
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
