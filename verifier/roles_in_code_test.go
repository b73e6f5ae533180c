package verifier_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's resolver that does not onboard a role the sandbox
// certified refuses the application: it is not ready with no category,
// which the engine would take live without a check.
func TestResolverRefusingACertifiedRole(t *testing.T) {
	t.Parallel()
	refuse := func(refused hcxonboard.Role) verifier.Resolver {
		return verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
			if role == refused {
				return nil, fmt.Errorf("%w: this HCX does not onboard %s", hcxonboard.ErrUnknownRole, role)
			}
			return verifier.ResolveRole(role, app)
		})
	}
	app := loadApp(t, "regulator_ready.json")

	r, err := trustedChecker(t, verifier.WithResolver(refuse(hcxonboard.RoleRegulator))).Verify(context.Background(), app)
	require.NoError(t, err)
	assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
	assertResult(t, r, want{id: verifier.ReqSandboxCertificate, outcome: verifier.Invalid, msg: "this HCX does not onboard agency.regulator"})

	r, err = trustedChecker(t, verifier.WithResolver(refuse(hcxonboard.RoleResearch))).Verify(context.Background(), app)
	require.NoError(t, err)
	assert.Equal(t, verifier.VerdictReady, r.Verdict, "a resolver that takes the role")
}

// An application built in code may carry the roles as NHCX codes or
// "payor", which decoding would have turned into the HCX roles: the
// checks read them the same way.
func TestRolesSpelledOtherwiseInCode(t *testing.T) {
	t.Parallel()
	for spelling, want := range map[hcxonboard.Role]verifier.Category{
		"10002": verifier.CategoryPayer, "payor": verifier.CategoryPayer,
		"10003": verifier.CategoryTPA, "10009": verifier.CategoryBSP, "10004": verifier.CategoryRegulator,
	} {
		cats, err := verifier.Categorize(&hcxonboard.Application{Roles: []hcxonboard.Role{spelling}})
		require.NoError(t, err, "%s", spelling)
		assert.Equal(t, []verifier.Category{want}, cats, "%s", spelling)
	}

	app := loadApp(t, "regulator_ready.json")
	app.Roles = []hcxonboard.Role{"10004"}
	r, err := trustedChecker(t).Verify(context.Background(), app)
	require.NoError(t, err)
	assert.Equal(t, verifier.VerdictReady, r.Verdict)
	assert.Equal(t, []hcxonboard.Role{"10004"}, app.Roles, "Verify never changes the application")

	app.Roles = []hcxonboard.Role{"10010"}
	r, err = trustedChecker(t).Verify(context.Background(), app)
	require.NoError(t, err)
	assertResult(t, r, want{id: verifier.ReqSandboxCertificate, outcome: verifier.Invalid, msg: `"10010" is not an HCX role`})
}
