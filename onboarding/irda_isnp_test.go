package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestISNPRegistrationWrittenAnotherWayIsTheSame: an intermediary's IRDAI
// number in parts is one registration however its parts are separated,
// cased or zero-padded, as an insurer's 7 is its 007.
func TestISNPRegistrationWrittenAnotherWayIsTheSame(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	first := w.application(verifier.CategoryISNP)
	first.Identifiers.IRDARegistrationNumber, first.Identifiers.IRDAUserID = "IRDAI/INT/007/2021", "CCI-01"
	a, err := svc.Submit(ctx, first)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
	for _, n := range []string{"irdai/int/7/2021", "IRDAI-INT-07-2021", "IRDAI.INT.007.2021", " IRDAI/INT/0007/2021 "} {
		again := w.application(verifier.CategoryISNP)
		again.Identifiers.IRDARegistrationNumber, again.Identifiers.IRDAUserID = n, "CCI-02"
		b, err := svc.Submit(ctx, again)
		require.NoError(t, err)
		rejectedFor(t, b, "IRDA isnp registration")
	}
	other := w.application(verifier.CategoryISNP)
	other.Identifiers.IRDARegistrationNumber, other.Identifiers.IRDAUserID = "IRDAI/INT/070/2021", "CCI-03"
	c, err := svc.Submit(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, c.Stage, "another number is another registration: %v", c.Reasons)
}
