package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// Resolver is a method of a *PolicyFile; on a nil file it is the base
// resolver, as for a file that sends no role anywhere, never a panic.
func TestPolicyFileResolverNil(t *testing.T) {
	t.Parallel()
	var f *verifier.PolicyFile
	var r verifier.Resolver
	require.NotPanics(t, func() { r = f.Resolver(nil) })
	cats, err := r.Resolve(&hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RolePayer}})
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{verifier.CategoryPayer}, cats)
	_, err = verifier.New(verifier.WithPolicyFile(f))
	assert.ErrorContains(t, err, "policy file: nil")
}
