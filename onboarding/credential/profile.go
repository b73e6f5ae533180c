package credential

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/openhcx/hcxonboard"
)

// Profile names what this library writes for the rest of the network:
// the claims of its access tokens, the spelling of registry records and
// whether records carry certificates inline or by URL. Whatever the
// profile, everything is read in every spelling ("payer" and "payor",
// "Inactive" and "InActive").
type Profile string

// The profiles.
const (
	// ProfileOwn is this library's own (the default): tokens signed with
	// the key's algorithm (EdDSA or RS256) carrying iss, sub (the
	// participant code), aud, iat, exp, jti, participant_code and
	// realm_access.participant_roles; records with their certificates
	// inline.
	ProfileOwn Profile = "hcxonboard"
	// ProfileSpec is HCX specification v0.9's: RS256 tokens that add
	// user_id and realm_access.user_roles (["admin"]: the participant's
	// secret is its administrator's credential); records carry their
	// certificates by URL.
	ProfileSpec Profile = "hcx-v0.9"
	// ProfilePlatform is the reference HCX platform's, for its API
	// gateway: ProfileSpec's tokens plus entity ["Organisation"] (the
	// gateway's participants realm), realm_access.roles, and sub the
	// participant's owner id (OwnerID) instead of its code; roles spelled
	// as its RBAC and registry schema spell them ("payor"); records carry
	// osid and osOwner.
	ProfilePlatform Profile = "hcx-platform"
	// ProfileNHCX is the form of NHA's National Health Claims Exchange
	// (NHCX) registry: records carry each certificate as the base64 of its
	// PEM text, header lines included (NHCX's encryption_cert), and roles
	// as NHCX's numeric role codes ("10002" for a payer; see RecordRoles).
	// NHCX's own session tokens come from the ABDM gateway, whose claims
	// are not published, so this profile's tokens are ProfileSpec's.
	ProfileNHCX Profile = "nhcx"
)

// Profiles lists the profiles, the default first.
func Profiles() []Profile { return []Profile{ProfileOwn, ProfileSpec, ProfilePlatform, ProfileNHCX} }

// ParseProfile returns the profile of the given name; "" is ProfileOwn.
func ParseProfile(name string) (Profile, error) {
	if name == "" {
		return ProfileOwn, nil
	}
	p := Profile(name)
	if !p.Valid() {
		return "", fmt.Errorf("%w: unknown profile %q (known: %q)", ErrInvalidOption, printable(name), Profiles())
	}
	return p, nil
}

// Valid reports whether p is one of the profiles.
func (p Profile) Valid() bool { return slices.Contains(Profiles(), p) }

// RS256Only reports whether the profile's tokens must be RS256 (what the
// specification and the existing gateways verify), so that only an RSA key
// may sign them.
func (p Profile) RS256Only() bool {
	return p == ProfileSpec || p == ProfilePlatform || p == ProfileNHCX
}

// CertificatesByURL reports whether the profile's records carry the
// certificates as URLs (encryption_cert, signing_cert_path) rather than
// inline PEM: existing HCX software fetches encryption_cert as a URL.
func (p Profile) CertificatesByURL() bool { return p == ProfileSpec || p == ProfilePlatform }

// CertificatesBase64 reports whether the profile's records carry each
// certificate as the base64 (standard alphabet, padded) of its PEM text,
// as NHCX registers and serves encryption_cert.
func (p Profile) CertificatesBase64() bool { return p == ProfileNHCX }

// RoleName spells a role as the profile writes it: the platform's
// registry schema and gateway RBAC know "payor", not "payer"; the
// specification writes "BSP" where the platform writes "bsp", and so do
// ProfileNHCX's tokens, which are ProfileSpec's. Unknown roles pass
// unchanged.
func (p Profile) RoleName(r hcxonboard.Role) string {
	switch {
	case p == ProfilePlatform && r == hcxonboard.RolePayer:
		return "payor"
	case (p == ProfileSpec || p == ProfileNHCX) && r == hcxonboard.RoleBSP:
		return "BSP" // the specification's spelling; the platform's is bsp
	}
	return string(r)
}

// RoleNames spells roles as the profile writes them, never nil.
func (p Profile) RoleNames(rs []hcxonboard.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = p.RoleName(r)
	}
	return out
}

// nhcxRoleCodes are NHCX's numeric role codes. NHCX has no sub-roles of
// provider, so they share 10001; 10009, NHCX's end-user application, is
// the beneficiary-facing bsp (as hcxonboard.ParseRole reads it).
var nhcxRoleCodes = map[hcxonboard.Role]string{
	hcxonboard.RoleProvider: "10001", hcxonboard.RoleHospital: "10001", hcxonboard.RoleClinic: "10001",
	hcxonboard.RolePractitioner: "10001", hcxonboard.RoleDiagnostics: "10001", hcxonboard.RolePharmacy: "10001",
	hcxonboard.RolePayer: "10002", hcxonboard.RoleTPA: "10003", hcxonboard.RoleRegulator: "10004",
	hcxonboard.RoleResearch: "10005", hcxonboard.RoleISNP: "10006", hcxonboard.RoleSponsor: "10007",
	hcxonboard.RoleHCX: "10008", hcxonboard.RoleBSP: "10009",
}

// RecordRoles spells roles as the profile's registry records write them,
// never nil: RoleNames, except under ProfileNHCX, whose records carry
// NHCX's numeric role codes, each once (provider and provider.hospital
// are both 10001). A role without a code passes unchanged. Tokens keep
// RoleName's spelling in every profile.
func (p Profile) RecordRoles(rs []hcxonboard.Role) []string {
	if p != ProfileNHCX {
		return p.RoleNames(rs)
	}
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		name := string(r)
		if c, ok := nhcxRoleCodes[r]; ok {
			name = c
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// ownerNamespace is the UUID namespace of owner and record ids. Fixed, so
// that every replica and every release derives the same ids.
var ownerNamespace = uuid.MustParse("8d3f5a62-2b7e-5c1a-9f40-3c6e1d0b7a95")

// OwnerID is the participant's owner id: a stable opaque UUID (version 5,
// derived from the participant code) that ProfilePlatform tokens carry as
// sub and records as osOwner[0], as the reference platform's gateway
// matches the two. Deriving it keeps it stable across replicas and
// restarts with nothing more to store.
func OwnerID(participantCode string) string {
	return uuid.NewSHA1(ownerNamespace, []byte("owner:"+participantCode)).String()
}

// RecordID is the participant record's id, the osid of ProfilePlatform
// records: a stable UUID derived from the participant code, distinct from
// OwnerID.
func RecordID(participantCode string) string {
	return uuid.NewSHA1(ownerNamespace, []byte("record:"+participantCode)).String()
}

// WithProfile sets the token profile (default ProfileOwn). ProfileSpec,
// ProfilePlatform and ProfileNHCX sign with RS256 only: NewTokens refuses them an
// Ed25519 key. Verify accepts only tokens of the profile's shape, so
// tokens issued under another profile stop verifying when it changes
// (ProfileSpec's and ProfileNHCX's have one shape, and pass for each
// other's).
func WithProfile(p Profile) TokenOption {
	return tokenOption(func(t *Tokens) error {
		if !p.Valid() {
			return fmt.Errorf("%w: unknown profile %q (known: %q)", ErrInvalidOption, printable(string(p)), Profiles())
		}
		t.profile = p
		return nil
	})
}

// Profile returns the token profile.
func (t *Tokens) Profile() Profile {
	if t == nil || t.profile == "" {
		return ProfileOwn
	}
	return t.profile
}

// adminRole is the user role of every token: the participant's secret is
// its administrator's credential.
const adminRole = "admin"

// entityOrganisation is the platform gateway's entity of participants.
const entityOrganisation = "Organisation"
