package hcxonboard_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

func TestParseRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want hcxonboard.Role
	}{
		{"provider", hcxonboard.RoleProvider},
		{"provider.hospital", hcxonboard.RoleHospital},
		{" payer ", hcxonboard.RolePayer},
		{"payor", hcxonboard.RolePayer},
		{"BSP", hcxonboard.RoleBSP},
		{"bsp", hcxonboard.RoleBSP},
		{"provider.diagnosticsFacility", hcxonboard.RoleDiagnostics},
		{"HIE/HIO.HCX", hcxonboard.RoleHCX},
		{"10001", hcxonboard.RoleProvider},
		{"10002", hcxonboard.RolePayer},
		{"10003", hcxonboard.RoleTPA},
		{"10004", hcxonboard.RoleRegulator},
		{"10005", hcxonboard.RoleResearch},
		{"10006", hcxonboard.RoleISNP},
		{"10007", hcxonboard.RoleSponsor},
		{"10008", hcxonboard.RoleHCX},
		{"10009", hcxonboard.RoleBSP},
	}
	for _, tt := range tests {
		got, err := hcxonboard.ParseRole(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.True(t, got.Valid())
	}
	for _, bad := range []string{"", "Provider", "payers", "10000", "10010", "provider.", "agency"} {
		_, err := hcxonboard.ParseRole(bad)
		require.ErrorIs(t, err, hcxonboard.ErrUnknownRole, bad)
		assert.Contains(t, err.Error(), `"`+bad+`"`)
	}
}

func TestRolesAreCanonical(t *testing.T) {
	t.Parallel()
	roles := hcxonboard.Roles()
	require.Len(t, roles, 14)
	seen := map[hcxonboard.Role]bool{}
	for _, r := range roles {
		assert.False(t, seen[r], "duplicate %s", r)
		seen[r] = true
		got, err := hcxonboard.ParseRole(string(r))
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	assert.False(t, hcxonboard.Role("payor").Valid(), "aliases are not canonical")
}

func TestRoleCovers(t *testing.T) {
	t.Parallel()
	assert.True(t, hcxonboard.RoleProvider.Covers(hcxonboard.RoleHospital))
	assert.True(t, hcxonboard.RoleProvider.Covers(hcxonboard.RoleProvider))
	assert.True(t, hcxonboard.RoleHospital.Covers(hcxonboard.RoleHospital))
	assert.False(t, hcxonboard.RoleHospital.Covers(hcxonboard.RoleProvider), "a sub-role does not cover its parent")
	assert.False(t, hcxonboard.RoleHospital.Covers(hcxonboard.RoleClinic))
	assert.False(t, hcxonboard.RolePayer.Covers(hcxonboard.RoleTPA))
	assert.True(t, hcxonboard.RolePharmacy.IsProvider())
	assert.False(t, hcxonboard.RolePayer.IsProvider())
}

func TestRoleUnmarshalJSON(t *testing.T) {
	t.Parallel()
	var roles []hcxonboard.Role
	require.NoError(t, json.Unmarshal([]byte(`["payor", 10003, "10009", "provider.hospital"]`), &roles))
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleTPA, hcxonboard.RoleBSP, hcxonboard.RoleHospital}, roles)

	for _, bad := range []string{`["doctor"]`, `[10010]`, `[1.5]`, `[true]`, `[null]`} {
		err := json.Unmarshal([]byte(bad), &roles)
		assert.Error(t, err, bad)
	}
}

func TestCanonicalRoles(t *testing.T) {
	in := []hcxonboard.Role{"payor", hcxonboard.RoleHospital, "10009", "provider.vet"}
	got := hcxonboard.CanonicalRoles(in)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleHospital, hcxonboard.RoleBSP, "provider.vet"}, got)
	assert.Equal(t, hcxonboard.Role("payor"), in[0], "the input is not changed")
	same := []hcxonboard.Role{hcxonboard.RolePayer, "provider.vet"}
	assert.Same(t, &same[0], &hcxonboard.CanonicalRoles(same)[0], "nothing to change: the same slice")
	assert.Nil(t, hcxonboard.CanonicalRoles(nil))
}

// A role that is not text says what it got: a null, a boolean or an
// object is not a role, and the message says a role is written as text
// (or an NHCX code), never an empty "unknown role: ".
func TestRoleNotTextSaysSo(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{`{"roles":[null]}`, `{"roles":[true]}`, `{"roles":[{}]}`} {
		_, err := hcxonboard.UnmarshalApplication([]byte(bad))
		require.Error(t, err, bad)
		assert.ErrorIs(t, err, hcxonboard.ErrUnknownRole, bad)
		assert.Contains(t, err.Error(), `field "roles[0]": `, bad)
		assert.Contains(t, err.Error(), "a role is written as a string", bad)
		assert.NotRegexp(t, `unknown role: *$`, err.Error(), bad)
	}
	_, err := hcxonboard.UnmarshalApplication([]byte(`{"roles":[10002]}`))
	assert.NoError(t, err)
}
