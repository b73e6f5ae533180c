package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An application built in code with its role as an NHCX code is taken,
// stored and published under the HCX role, as its JSON would have been.
func TestSubmitReadsRoleSpellings(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryRegulator)
	app.Roles = []hcxonboard.Role{"10004"}
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	canon, err := w.service(registry.NewMemoryStore()).Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	assert.Equal(t, canon.Stage, a.Stage, "as the same application under its HCX role")
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleRegulator}, a.Submitted.Roles)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleRegulator}, a.Participant.Roles)
	assert.Equal(t, []hcxonboard.Role{"10004"}, app.Roles, "the caller's application is left as it was")

	again, err := svc.Submit(ctx, app)
	require.NoError(t, err, "a repeat is the same application")
	assert.Equal(t, a.ID, again.ID)
}
