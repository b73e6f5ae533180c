package verifier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator on NHCX names roles by their codes, in code as in JSON:
// WithRoleVerifier and a policy file built in code take every spelling
// hcxonboard.ParseRole reads ("payor", "10002"), as the roles they stand
// for, and refuse only what is no role at all.
func TestRoleSpellingsInCode(t *testing.T) {
	t.Parallel()
	mark := func(id verifier.RequirementID) verifier.Verifier {
		return verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
			return &verifier.Report{Requirements: []verifier.Result{{ID: id, Outcome: verifier.Satisfied, Message: "ran"}}}, nil
		})
	}
	for _, spelling := range []hcxonboard.Role{"payor", "10002", " payer "} {
		c := offlineChecker(t, verifier.WithRoleVerifier(spelling, mark("insurer_register")))
		r, err := c.Verify(context.Background(), loadApp(t, "payer_ready.json"))
		require.NoError(t, err, spelling)
		_, ok := r.Result("insurer_register")
		assert.True(t, ok, "the verifier of %q runs for payers", spelling)
	}
	_, err := verifier.New(verifier.WithRoleVerifier("payor", mark("a")), verifier.WithRoleVerifier(hcxonboard.RolePayer, mark("b")))
	assert.ErrorContains(t, err, "WithRoleVerifier payer: the role already has a verifier", "one role, two spellings")
	_, err = verifier.New(verifier.WithRoleVerifier("scientist", mark("a")))
	assert.ErrorIs(t, err, hcxonboard.ErrUnknownRole)
	assert.ErrorContains(t, err, `"scientist" is not an HCX role`)

	f := &verifier.PolicyFile{Version: 1, Policies: []verifier.PolicySpec{{Category: "insurers", Roles: []hcxonboard.Role{"10002"},
		Requirements: []verifier.RequirementSpec{{ID: "mobile"}, {ID: "insurer_register", Check: "review", Description: "Entry on the register of insurers"}}}}}
	require.NoError(t, f.Validate())
	c := offlineChecker(t, verifier.WithPolicyFile(f))
	r, err := c.Verify(context.Background(), loadApp(t, "payer_ready.json"))
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{"insurers"}, r.Categories)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RolePayer}, f.Complete().Policies[len(f.Complete().Policies)-1].Roles,
		"the published file names the role as every reader spells it")
	bad := &verifier.PolicyFile{Version: 1, Policies: []verifier.PolicySpec{{Category: "insurers", Roles: []hcxonboard.Role{"scientist"},
		Requirements: []verifier.RequirementSpec{{ID: "mobile"}}}}}
	assert.ErrorIs(t, bad.Validate(), hcxonboard.ErrUnknownRole)
}

func TestUnknownRoleWiringMessage(t *testing.T) {
	t.Parallel()
	_, err := verifier.New(verifier.WithRoleVerifier("scientist", verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
		return &verifier.Report{}, nil
	})))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), `verifier: WithRoleVerifier: "scientist" is not an HCX role`), err.Error())
}

// PolicyFile.Resolver, called on its own with an application built in
// code, reads the roles as Verify does.
func TestPolicyFileResolverReadsRoleSpellings(t *testing.T) {
	t.Parallel()
	f := &verifier.PolicyFile{Version: 1, Policies: []verifier.PolicySpec{{Category: "insurers", Roles: []hcxonboard.Role{hcxonboard.RolePayer},
		Requirements: []verifier.RequirementSpec{{ID: "mobile"}}}}}
	cats, err := f.Resolver(nil).Resolve(&hcxonboard.Application{Roles: []hcxonboard.Role{"10002"}})
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{"insurers"}, cats)
}
