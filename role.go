package hcxonboard

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Role is an HCX participant role, in the canonical spelling of HCX
// specification v0.9. A participant may hold several roles.
type Role string

// The 14 roles of HCX specification v0.9.
const (
	RoleProvider     Role = "provider"
	RoleHospital     Role = "provider.hospital"
	RoleClinic       Role = "provider.clinic"
	RolePractitioner Role = "provider.practitioner"
	RoleDiagnostics  Role = "provider.diagnostics"
	RolePharmacy     Role = "provider.pharmacy"
	RolePayer        Role = "payer"
	RoleTPA          Role = "agency.tpa"
	RoleRegulator    Role = "agency.regulator"
	RoleSponsor      Role = "agency.sponsor"
	RoleISNP         Role = "member.isnp"
	RoleResearch     Role = "research"
	RoleHCX          Role = "HIE/HIO.HCX"
	RoleBSP          Role = "bsp"
)

// Roles lists every canonical role, parents before their sub-roles.
func Roles() []Role {
	return []Role{
		RoleProvider, RoleHospital, RoleClinic, RolePractitioner, RoleDiagnostics, RolePharmacy,
		RolePayer, RoleTPA, RoleRegulator, RoleSponsor, RoleISNP, RoleResearch, RoleHCX, RoleBSP,
	}
}

// aliases maps the spellings found in deployed systems onto canonical roles:
// the reference platform's "payor", the specification's "BSP" and
// "provider.diagnosticsFacility", and the NHCX numeric role codes. NHCX's
// 10009 (EUA, an end-user application such as a PHR app) is the
// beneficiary-facing role, bsp.
var aliases = map[string]Role{
	"payor":                        RolePayer,
	"BSP":                          RoleBSP,
	"provider.diagnosticsFacility": RoleDiagnostics,
	"10001":                        RoleProvider,
	"10002":                        RolePayer,
	"10003":                        RoleTPA,
	"10004":                        RoleRegulator,
	"10005":                        RoleResearch,
	"10006":                        RoleISNP,
	"10007":                        RoleSponsor,
	"10008":                        RoleHCX,
	"10009":                        RoleBSP,
}

var canonical = func() map[string]Role {
	m := make(map[string]Role, len(Roles()))
	for _, r := range Roles() {
		m[string(r)] = r
	}
	return m
}()

// ParseRole returns the canonical role for s. It accepts the canonical
// spellings, "payor", "BSP", "provider.diagnosticsFacility" and the NHCX
// numeric codes 10001–10009. Surrounding space is ignored; any other value
// is an error wrapping [ErrUnknownRole] that names the value.
func ParseRole(s string) (Role, error) {
	s = strings.TrimSpace(s)
	if r, ok := canonical[s]; ok {
		return r, nil
	}
	if r, ok := aliases[s]; ok {
		return r, nil
	}
	return "", fmt.Errorf("%w: %q (the HCX roles are such as provider.hospital, payer, agency.tpa, bsp)", ErrUnknownRole, truncate(s, 64))
}

// CanonicalRoles returns roles with every spelling [ParseRole] accepts
// ("payor", "BSP", the NHCX codes) replaced by its canonical role. A value
// it does not know stays as it is, for the checks to report. It returns
// roles itself when nothing changes.
func CanonicalRoles(roles []Role) []Role {
	var out []Role
	for i, r := range roles {
		if r.Valid() {
			continue
		}
		c, err := ParseRole(string(r))
		if err != nil {
			continue
		}
		if out == nil {
			out = slices.Clone(roles)
		}
		out[i] = c
	}
	if out == nil {
		return roles
	}
	return out
}

// Valid reports whether r is one of the canonical roles.
func (r Role) Valid() bool {
	_, ok := canonical[string(r)]
	return ok
}

// IsProvider reports whether r is provider or one of its sub-roles.
func (r Role) IsProvider() bool {
	return r == RoleProvider || strings.HasPrefix(string(r), string(RoleProvider)+".")
}

// Covers reports whether a certification for r also certifies other: a role
// covers itself, and a parent role covers its sub-roles (provider covers
// provider.hospital).
func (r Role) Covers(other Role) bool {
	return r == other || (r == RoleProvider && other.IsProvider())
}

// UnmarshalJSON accepts every spelling ParseRole accepts, as a JSON string
// or, for the NHCX codes, a JSON number, and stores the canonical role.
func (r *Role) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] != '"' {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil || n == "" { // n is "" for null
			return fmt.Errorf("%w: a role is written as a string, such as \"provider.hospital\", or as an NHCX code such as 10001", ErrUnknownRole)
		}
		if _, err := strconv.Atoi(n.String()); err != nil {
			return fmt.Errorf("%w: %s", ErrUnknownRole, truncate(n.String(), 64))
		}
		s = n.String()
	} else if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := ParseRole(s)
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
