package sandbox

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard"
)

// Issuer signs sandbox certificates with a sandbox operator's private key.
// It is safe for concurrent use.
type Issuer struct {
	id       string
	alg      jwa.SignatureAlgorithm
	kid      string
	signer   crypto.Signer
	public   jwk.Key
	now      func() time.Time
	validity time.Duration
	newID    func() (string, error)
}

// NewIssuer returns an Issuer for the sandbox operator id, signing with key,
// a private JWK. The algorithm follows from the key: Ed25519 → EdDSA,
// P-256 → ES256, P-384 → ES384, RSA (at least 2048 bits) → RS256, or PS256
// with WithAlgorithm. A key whose "alg" names another algorithm is an
// error. The key id is the key's "kid", else its RFC 7638 thumbprint.
func NewIssuer(id string, key jwk.Key, opts ...IssuerOption) (*Issuer, error) {
	if err := checkIssuerID(id); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidClaims, err)
	}
	if key == nil {
		return nil, fmt.Errorf("%w: nil key", ErrInvalidKey)
	}
	i := &Issuer{
		id:  id,
		now: time.Now,
		newID: func() (string, error) {
			u, err := uuid.NewRandom()
			return u.String(), err
		},
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.applyIssuer(i); err != nil {
			return nil, err
		}
	}

	var raw any
	if err := key.Raw(&raw); err != nil {
		return nil, fmt.Errorf("%w: cannot read key: %w", ErrInvalidKey, err)
	}
	fam, public, err := familyOf(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	if public {
		return nil, fmt.Errorf("%w: an issuer needs the private key, not the public one (%s)", ErrInvalidKey, fam)
	}
	signer, ok := raw.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %T cannot sign", ErrInvalidKey, raw)
	}
	keyAlg, err := keyAlgorithm(key, fam)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	switch {
	case i.alg != "" && keyAlg != "" && i.alg != keyAlg:
		return nil, fmt.Errorf("%w: WithAlgorithm(%s) but the key's alg is %s", ErrAlgorithm, i.alg, keyAlg)
	case i.alg == "" && keyAlg != "":
		i.alg = keyAlg
	case i.alg == "":
		i.alg = defaultAlgorithm(fam)
	}
	if algorithms[i.alg] != fam {
		return nil, fmt.Errorf("%w: %s needs a key of type %s, this one is %s", ErrAlgorithm, i.alg, algorithms[i.alg], fam)
	}
	i.signer = signer

	pub, err := jwk.PublicKeyOf(signer)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot derive the public key: %w", ErrInvalidKey, err)
	}
	i.kid = key.KeyID()
	if i.kid == "" {
		if i.kid, err = thumbprintKID(pub); err != nil {
			return nil, fmt.Errorf("%w: cannot compute the key thumbprint: %w", ErrInvalidKey, err)
		}
	}
	for name, v := range map[string]any{jwk.KeyIDKey: i.kid, jwk.AlgorithmKey: i.alg, jwk.KeyUsageKey: jwk.ForSignature} {
		if err := pub.Set(name, v); err != nil {
			return nil, fmt.Errorf("%w: cannot set %s on the public key: %w", ErrInvalidKey, name, err)
		}
	}
	i.public = pub
	return i, nil
}

func defaultAlgorithm(f keyFamily) jwa.SignatureAlgorithm {
	switch f {
	case familyEd25519:
		return jwa.EdDSA
	case familyP256:
		return jwa.ES256
	case familyP384:
		return jwa.ES384
	default:
		return jwa.RS256
	}
}

// checkIssuerID accepts a non-empty printable id of at most 256 bytes
// without surrounding space.
func checkIssuerID(id string) error {
	switch {
	case id == "":
		return errors.New("empty issuer id")
	case len(id) > 256:
		return fmt.Errorf("issuer id is %d bytes, at most 256", len(id))
	case strings.TrimSpace(id) != id:
		return fmt.Errorf("issuer id %q has surrounding space", clip(id))
	case strings.IndexFunc(id, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return fmt.Errorf("issuer id %q has unprintable characters", clip(id))
	}
	return nil
}

// ID returns the sandbox operator id the issuer signs as ("iss").
func (i *Issuer) ID() string { return i.id }

// KeyID returns the "kid" put in every certificate's header.
func (i *Issuer) KeyID() string { return i.kid }

// Algorithm returns the signature algorithm.
func (i *Issuer) Algorithm() string { return i.alg.String() }

// Issue signs c and returns the compact JWS. It fills an empty Issuer with
// the issuer's id (a different one is an error), a zero IssuedAt from the
// clock, a zero NotBefore with IssuedAt, an empty ID with a fresh UUID, and
// a zero Expiry from WithValidity when set. Times are truncated to whole
// seconds. Subject, an Expiry after NotBefore and at least one valid role
// are required.
func (i *Issuer) Issue(c Claims) (string, error) {
	switch c.Issuer {
	case "":
		c.Issuer = i.id
	case i.id:
	default:
		return "", fmt.Errorf("%w: issuer %q is not this issuer's id %q", ErrInvalidClaims, clip(c.Issuer), i.id)
	}
	if strings.TrimSpace(c.Subject) == "" {
		return "", fmt.Errorf("%w: subject is required", ErrInvalidClaims)
	}
	if c.ID == "" {
		id, err := i.newID()
		if err != nil {
			return "", fmt.Errorf("%w: generating jti: %w", ErrInvalidClaims, err)
		}
		if id == "" {
			return "", fmt.Errorf("%w: the jti generator returned an empty id", ErrInvalidClaims)
		}
		c.ID = id
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = i.now()
	}
	if c.NotBefore.IsZero() {
		c.NotBefore = c.IssuedAt
	}
	if c.Expiry.IsZero() && i.validity > 0 {
		c.Expiry = c.NotBefore.Add(i.validity)
	}
	c.IssuedAt = c.IssuedAt.Truncate(time.Second).UTC()
	c.NotBefore = c.NotBefore.Truncate(time.Second).UTC()
	c.Expiry = c.Expiry.Truncate(time.Second).UTC()
	if c.Expiry.IsZero() {
		return "", fmt.Errorf("%w: expiry is required (or configure WithValidity)", ErrInvalidClaims)
	}
	if !c.Expiry.After(c.NotBefore) {
		return "", fmt.Errorf("%w: expiry %s is not after not-before %s", ErrInvalidClaims, stamp(c.Expiry), stamp(c.NotBefore))
	}
	if len(c.Roles) == 0 {
		return "", fmt.Errorf("%w: at least one role is required", ErrInvalidClaims)
	}
	roles := make([]hcxonboard.Role, len(c.Roles))
	for n, r := range c.Roles {
		canon, err := hcxonboard.ParseRole(string(r))
		if err != nil {
			return "", fmt.Errorf("%w: roles[%d]: %w", ErrInvalidClaims, n, err)
		}
		roles[n] = canon
	}
	c.Roles = roles
	if c.Solution != nil && strings.TrimSpace(c.Solution.Name) == "" {
		return "", fmt.Errorf("%w: solution needs a name", ErrInvalidClaims)
	}
	switch c.Kind {
	case "", KindParticipant:
	case KindSolution:
		if c.Solution == nil {
			return "", fmt.Errorf("%w: a solution certificate needs Solution", ErrInvalidClaims)
		}
	default:
		return "", fmt.Errorf("%w: kind %q is neither %q nor %q", ErrInvalidClaims, c.Kind, KindParticipant, KindSolution)
	}

	payload, err := json.Marshal(c.toWire())
	if err != nil {
		return "", fmt.Errorf("sandbox: encoding claims: %w", err)
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.TypeKey, MediaType); err != nil {
		return "", fmt.Errorf("sandbox: setting typ: %w", err)
	}
	if err := hdr.Set(jws.KeyIDKey, i.kid); err != nil {
		return "", fmt.Errorf("sandbox: setting kid: %w", err)
	}
	tok, err := jws.Sign(payload, jws.WithKey(i.alg, i.signer, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("sandbox: signing: %w", err)
	}
	return string(tok), nil
}

// PublicJWKS returns a key set with the issuer's public key (with its kid,
// alg and use "sig"), ready for a trust list or a jwks_url endpoint.
func (i *Issuer) PublicJWKS() (jwk.Set, error) {
	k, err := i.public.Clone()
	if err != nil {
		return nil, fmt.Errorf("sandbox: copying the public key: %w", err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(k); err != nil {
		return nil, fmt.Errorf("sandbox: building the key set: %w", err)
	}
	return set, nil
}

// TrustedIssuer returns the trust-list entry for this issuer with its
// public keys inline, allowed to certify roles.
func (i *Issuer) TrustedIssuer(roles ...hcxonboard.Role) (TrustedIssuer, error) {
	set, err := i.PublicJWKS()
	if err != nil {
		return TrustedIssuer{}, err
	}
	return TrustedIssuer{ID: i.id, Roles: roles, JWKS: set}, nil
}
