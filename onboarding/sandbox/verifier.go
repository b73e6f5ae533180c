package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/safefetch"
)

// DefaultSkew is the clock skew Verify tolerates unless WithSkew says
// otherwise.
const DefaultSkew = 60 * time.Second

// Verifier checks sandbox certificates. It is safe for concurrent use.
type Verifier struct {
	trust      *TrustList
	revocation RevocationChecker
	now        func() time.Time
	skew       time.Duration
	client     *http.Client       // what fetches jwks_url key sets
	fetcher    *safefetch.Fetcher // its guard, unless WithHTTPClient chose a client
	allowHTTP  bool
	ttl        time.Duration

	remote    map[string]*remoteKeys // jwks_url issuers, by id
	verifiers map[jwa.SignatureAlgorithm]jws.Verifier
}

// NewVerifier returns a Verifier. Without WithTrustList it checks
// everything but the signature and the issuer, and reports certificates as
// not Trusted. A trust list whose jwks_url uses plain http is an error
// unless WithAllowHTTP and WithHTTPClient are given.
//
// jwks_url key sets are fetched through a safefetch.Fetcher (WithFetcher;
// default safefetch.New with a MaxJWKSSize cap): https only, and never
// from an address that is not public, checked when connecting.
func NewVerifier(opts ...VerifierOption) (*Verifier, error) {
	v := &Verifier{
		now:  time.Now,
		skew: DefaultSkew,
		ttl:  defaultJWKSTTL,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.applyVerifier(v); err != nil {
			return nil, err
		}
	}
	switch {
	case v.client != nil && v.fetcher != nil:
		return nil, errors.New("sandbox: WithHTTPClient and WithFetcher are mutually exclusive")
	case v.client != nil:
		v.client = guardRedirects(v.client, v.allowHTTP)
	default:
		if v.fetcher == nil {
			f, err := safefetch.New(safefetch.WithMaxBytes(MaxJWKSSize))
			if err != nil {
				return nil, fmt.Errorf("sandbox: default fetcher: %w", err)
			}
			v.fetcher = f
		}
		v.client = v.fetcher.Client()
	}
	v.verifiers = make(map[jwa.SignatureAlgorithm]jws.Verifier, len(algorithms))
	for alg := range algorithms {
		jv, err := jws.NewVerifier(alg)
		if err != nil {
			return nil, fmt.Errorf("sandbox: no %s verifier: %w", alg, err)
		}
		v.verifiers[alg] = jv
	}
	if v.trust != nil {
		v.remote = make(map[string]*remoteKeys)
		for _, ti := range v.trust.issuers {
			if ti.url == nil {
				continue
			}
			if ti.url.Scheme != "https" && !v.allowHTTP {
				return nil, fmt.Errorf("%w: issuer %q: jwks_url %s uses plain http; use https (WithAllowHTTP is for tests)",
					ErrInvalidTrustList, clip(ti.id), redacted(ti.url))
			}
			if ti.url.Scheme != "https" && v.fetcher != nil {
				return nil, fmt.Errorf("%w: issuer %q: jwks_url %s uses plain http, which a safefetch Fetcher never fetches; WithAllowHTTP needs WithHTTPClient",
					ErrInvalidTrustList, clip(ti.id), redacted(ti.url))
			}
			v.remote[ti.id] = &remoteKeys{issuer: ti.id, url: ti.url}
		}
	}
	return v, nil
}

// Verify checks token, a compact JWS sandbox certificate, for the roles
// applied for.
//
// Always: one compact JWS with one signature, typ [MediaType], an accepted
// alg, the required claims (iss, sub, jti, exp, hcx_roles), the validity
// window (nbf or iat, and exp, each with the skew), and that the certified
// roles cover every applied role (a parent covers its sub-roles).
//
// With a trust list, also: the issuer is on it, the signature verifies with
// one of that issuer's keys only (the one named by kid, when there is a
// kid, and of the algorithm's key type), and the trust list lets the
// issuer certify every applied role. The Certificate is then Trusted.
// Without a trust list the signature cannot be checked: a certificate that
// passes the rest is returned with Trusted false and a nil error, and the
// caller should treat the requirement as pending.
//
// With a RevocationChecker, the jti must not be revoked; a failed check is
// ErrRevocationUnavailable.
//
// An empty applied list checks validity only. Errors wrap one of the
// package's sentinels and never contain the token.
func (v *Verifier) Verify(ctx context.Context, token string, applied []hcxonboard.Role) (*Certificate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	roles, err := canonical(applied)
	if err != nil {
		return nil, err
	}
	p, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	cert := &Certificate{Claims: p.claims, Algorithm: p.alg.String(), KeyID: p.kid}
	c := &cert.Claims

	var issuer *trustedIssuer
	if v.trust != nil {
		var ok bool
		if issuer, ok = v.trust.byID[c.Issuer]; !ok {
			return nil, fmt.Errorf("%w: sandbox operator %q", ErrUntrustedIssuer, clip(c.Issuer))
		}
		if err := v.checkSignature(ctx, issuer, p); err != nil {
			return nil, err
		}
		cert.Trusted = true
	}
	if err := v.checkWindow(c); err != nil {
		return nil, err
	}
	if err := checkRoles(c, issuer, roles); err != nil {
		return nil, err
	}
	if v.revocation != nil {
		revoked, err := v.revoked(ctx, c.Issuer, c.ID)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate %q of sandbox operator %q: %w", ErrRevocationUnavailable, clip(c.ID), clip(c.Issuer), err)
		}
		if revoked {
			return nil, fmt.Errorf("%w: certificate %q of sandbox operator %q", ErrRevoked, clip(c.ID), clip(c.Issuer))
		}
	}
	return cert, nil
}

// revoked asks the operator's revocation checker. One that panics is a
// status that could not be had, as its error would be: the caller does
// not crash, and the certificate is not taken as not revoked. The panic's
// value, which may hold what the checker was reading, is left out.
func (v *Verifier) revoked(ctx context.Context, issuer, id string) (revoked bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			revoked, err = false, fmt.Errorf("the revocation checker panicked (%T: a bug in it)", p)
		}
	}()
	return v.revocation.Revoked(ctx, issuer, id)
}

// canonical parses the applied roles, so aliases ("payor", NHCX codes)
// match certified roles.
func canonical(applied []hcxonboard.Role) ([]hcxonboard.Role, error) {
	out := make([]hcxonboard.Role, len(applied))
	for i, r := range applied {
		if r.Valid() {
			out[i] = r
			continue
		}
		c, err := hcxonboard.ParseRole(string(r))
		if err != nil {
			return nil, fmt.Errorf("sandbox: role applied for: %w", err)
		}
		out[i] = c
	}
	return out, nil
}

// checkSignature verifies p with the keys of issuer and no others.
func (v *Verifier) checkSignature(ctx context.Context, issuer *trustedIssuer, p *parsed) error {
	keys := issuer.keys
	if issuer.url != nil {
		var err error
		if keys, err = v.keysFor(ctx, v.remote[issuer.id], p.kid); err != nil {
			return err
		}
	}
	verifier := v.verifiers[p.alg]
	input := []byte(p.signingInput)
	tried := 0
	for i := range keys {
		k := &keys[i]
		if (p.kid != "" && k.kid != p.kid) || !k.accepts(p.alg) {
			continue
		}
		tried++
		if verifier.Verify(input, p.signature, k.raw) == nil {
			return nil
		}
	}
	switch {
	case tried > 0 && p.kid != "":
		return fmt.Errorf("%w: the key %q of sandbox operator %q does not verify it", ErrSignature, clip(p.kid), clip(issuer.id))
	case tried > 0:
		return fmt.Errorf("%w: no key of sandbox operator %q verifies it", ErrSignature, clip(issuer.id))
	case p.kid == "":
		return fmt.Errorf("%w: sandbox operator %q has no %s key for %s", ErrSignature, clip(issuer.id), p.family, p.alg)
	}
	for i := range keys {
		if keys[i].kid == p.kid {
			return fmt.Errorf("%w: the key %q of sandbox operator %q %s, the certificate is signed %s",
				ErrSignature, clip(p.kid), clip(issuer.id), keys[i].mismatch(p.alg), p.alg)
		}
	}
	return fmt.Errorf("%w: sandbox operator %q has no key with kid %q", ErrSignature, clip(issuer.id), clip(p.kid))
}

func (v *Verifier) checkWindow(c *Claims) error {
	now := v.now()
	// Valid only before exp (RFC 7519 §4.1.4), the skew added: at the
	// second exp names, with no skew left, the certificate has expired.
	if !now.Before(c.Expiry.Add(v.skew)) {
		return fmt.Errorf("%w at %s", ErrExpired, stamp(c.Expiry))
	}
	if from := c.validFrom(); !from.IsZero() && now.Add(v.skew).Before(from) {
		return fmt.Errorf("%w: valid from %s", ErrNotYetValid, stamp(from))
	}
	return nil
}

// checkRoles requires every applied role to be covered by the certified
// roles and, with a trust list, by the roles the issuer may certify.
func checkRoles(c *Claims, issuer *trustedIssuer, applied []hcxonboard.Role) error {
	var errs []error
	for _, r := range applied {
		switch {
		case !covered(c.Roles, r):
			errs = append(errs, &RoleError{Role: r, Have: slices.Clone(c.Roles), Err: ErrRoleNotCovered})
		case issuer != nil && !covered(issuer.roles, r):
			errs = append(errs, &RoleError{Role: r, Issuer: issuer.id, Have: slices.Clone(issuer.roles), Err: ErrIssuerNotAllowed})
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	default:
		return errors.Join(errs...)
	}
}
