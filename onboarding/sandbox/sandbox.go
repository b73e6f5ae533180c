package sandbox

import (
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/textclip"
)

// MediaType is the JWS "typ" header value of a sandbox certificate.
const MediaType = "hcx-sandbox-cert+jwt"

// Size limits. A certificate is a few hundred bytes; the limits only stop
// abuse.
const (
	// MaxCertificateSize is the largest compact JWS Verify looks at.
	MaxCertificateSize = 16 << 10
	// MaxTrustListSize is the largest trust list LoadTrustList reads.
	MaxTrustListSize = 1 << 20
	// MaxJWKSSize is the largest key set body read from a jwks_url.
	MaxJWKSSize = 1 << 20
)

// Solution names the software solution a certificate was issued for.
type Solution struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Kind says what a certificate certifies (the claim hcx_cert_kind).
type Kind string

// The certificate kinds.
const (
	// KindParticipant certifies one participant: sub is the code the
	// sandbox knew it by, which the application must repeat in
	// sandbox_participant_code, and the certificate backs one production
	// participant only. It is the kind of a certificate without
	// hcx_cert_kind.
	KindParticipant Kind = "participant"
	// KindSolution certifies a software solution (a hospital system, say)
	// that many participants may rely on; the registry records who does.
	KindSolution Kind = "solution"
)

// Claims is the content of a sandbox certificate.
type Claims struct {
	Issuer    string    // iss: the sandbox operator's id
	Subject   string    // sub: the participant or software solution certified
	ID        string    // jti: unique per certificate; revocation is by this id
	IssuedAt  time.Time // iat
	NotBefore time.Time // nbf
	Expiry    time.Time // exp
	// Roles are the roles certified (hcx_roles), canonical. A parent role
	// covers its sub-roles.
	Roles           []hcxonboard.Role
	ParticipantName string    // participant_name, optional
	Solution        *Solution // solution, optional
	// Kind is hcx_cert_kind; KindParticipant when the claim is absent.
	Kind Kind
}

// Covers reports whether one of the certified roles covers role (provider
// covers provider.hospital).
func (c *Claims) Covers(role hcxonboard.Role) bool {
	return covered(c.Roles, role)
}

func covered(by []hcxonboard.Role, role hcxonboard.Role) bool {
	for _, r := range by {
		if r.Covers(role) {
			return true
		}
	}
	return false
}

// Certificate is a verified (or, without a trust list, structurally checked)
// sandbox certificate.
type Certificate struct {
	Claims
	// Algorithm is the JWS "alg" the certificate was signed with.
	Algorithm string
	// KeyID is the JWS "kid" header, empty when the certificate has none.
	KeyID string
	// Trusted reports whether the signature was checked against the trust
	// list. False means the verifier had no trust list: structure, time
	// window and roles were checked, the signature and issuer were not, and
	// the requirement is pending.
	Trusted bool
}

// keyFamily is the kind of public key an algorithm needs.
type keyFamily int

const (
	familyNone keyFamily = iota
	familyEd25519
	familyP256
	familyP384
	familyRSA
)

func (f keyFamily) String() string {
	switch f {
	case familyEd25519:
		return "Ed25519"
	case familyP256:
		return "EC P-256"
	case familyP384:
		return "EC P-384"
	case familyRSA:
		return "RSA"
	default:
		return "unsupported"
	}
}

// algorithms is the allow-list: each accepted algorithm and the only key
// family it may be verified with. Nothing else (none, HS*, RS384 …) is
// accepted, whatever the key.
var algorithms = map[jwa.SignatureAlgorithm]keyFamily{
	jwa.EdDSA: familyEd25519,
	jwa.ES256: familyP256,
	jwa.ES384: familyP384,
	jwa.RS256: familyRSA,
	jwa.PS256: familyRSA,
}

// algorithmOrder lists the allow-list in a stable order for messages.
var algorithmOrder = []jwa.SignatureAlgorithm{jwa.EdDSA, jwa.ES256, jwa.ES384, jwa.RS256, jwa.PS256}

// Algorithms returns the accepted signature algorithms.
func Algorithms() []string {
	out := make([]string, len(algorithmOrder))
	for i, a := range algorithmOrder {
		out[i] = a.String()
	}
	return out
}

func algorithmList() string { return strings.Join(Algorithms(), ", ") }

// minRSABits and maxRSABits bound accepted RSA moduli: below 2048 is too
// weak, above 8192 only costs verification time.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// clip shortens a value taken from untrusted input before it goes into an
// error message, without splitting a UTF-8 sequence, with controls as
// spaces.
func clip(s string) string { return textclip.Clip(s, 64) }
