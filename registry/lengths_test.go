package registry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Text longer than the stores index is refused before any store is
// touched, naming the field, so that every store answers alike.
func TestLongTextRefusedAlike(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	long := strings.Repeat("x", registry.MaxIndexedLength+1)
	w := registry.Write{
		Application: &registry.Application{ID: "app-1", ParticipantCode: "1@hcx", Stage: registry.StageSubmitted, CreatedAt: now, UpdatedAt: now},
		Participant: &hcxonboard.Participant{ParticipantCode: "1@hcx", ParticipantName: long, CreatedAt: now, UpdatedAt: now},
	}
	err := registry.NewMemoryStore().Create(ctx, w)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "participant_name is 2049 bytes long")

	w.Participant.ParticipantName = "Sanjeevani Hospital"
	w.Application.Key = strings.Repeat("k", registry.MaxKeyLength+1)
	err = registry.NewMemoryStore().Create(ctx, w)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "key is 257 bytes long")

	w.Application.Key = strings.Repeat("k", registry.MaxKeyLength)
	require.NoError(t, registry.NewMemoryStore().Create(ctx, w))
}
