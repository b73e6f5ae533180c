package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/openhcx/hcxonboard/safefetch"
)

// IssuerOption configures NewIssuer.
type IssuerOption interface {
	applyIssuer(*Issuer) error
}

// VerifierOption configures NewVerifier.
type VerifierOption interface {
	applyVerifier(*Verifier) error
}

// Option configures both NewIssuer and NewVerifier.
type Option interface {
	IssuerOption
	VerifierOption
}

type issuerOption func(*Issuer) error

func (f issuerOption) applyIssuer(i *Issuer) error { return f(i) }

type verifierOption func(*Verifier) error

func (f verifierOption) applyVerifier(v *Verifier) error { return f(v) }

type clockOption func() time.Time

func (c clockOption) applyIssuer(i *Issuer) error {
	if c == nil {
		return errors.New("sandbox: WithClock: nil clock")
	}
	i.now = c
	return nil
}

func (c clockOption) applyVerifier(v *Verifier) error {
	if c == nil {
		return errors.New("sandbox: WithClock: nil clock")
	}
	v.now = c
	return nil
}

// WithClock sets the clock: for an Issuer, the default "iat"; for a
// Verifier, the time the validity window is checked against and the JWKS
// cache ages by. Default time.Now.
func WithClock(now func() time.Time) Option { return clockOption(now) }

// WithAlgorithm picks the signature algorithm of an Issuer. It must fit the
// key: the only choice is between RS256 (the default) and PS256 for RSA
// keys; Ed25519, P-256 and P-384 keys have one algorithm each.
func WithAlgorithm(alg jwa.SignatureAlgorithm) IssuerOption {
	return issuerOption(func(i *Issuer) error {
		if _, ok := algorithms[alg]; !ok {
			return fmt.Errorf("%w: WithAlgorithm: %q (accepted: %s)", ErrAlgorithm, clip(alg.String()), algorithmList())
		}
		i.alg = alg
		return nil
	})
}

// WithValidity lets Issue fill a missing "exp" as "nbf" plus d. Without it
// Issue requires an expiry.
func WithValidity(d time.Duration) IssuerOption {
	return issuerOption(func(i *Issuer) error {
		if d <= 0 {
			return fmt.Errorf("sandbox: WithValidity: %v is not a positive duration", d)
		}
		i.validity = d
		return nil
	})
}

// WithIDGenerator replaces the generator of missing "jti" values (default:
// a random UUID), for deterministic tests.
func WithIDGenerator(next func() (string, error)) IssuerOption {
	return issuerOption(func(i *Issuer) error {
		if next == nil {
			return errors.New("sandbox: WithIDGenerator: nil generator")
		}
		i.newID = next
		return nil
	})
}

// WithTrustList makes Verify check signatures against the issuers on t and
// the roles t lets each certify. Without it, Verify cannot check a
// signature and returns certificates with Trusted false.
func WithTrustList(t *TrustList) VerifierOption {
	return verifierOption(func(v *Verifier) error {
		if t == nil || len(t.issuers) == 0 {
			return fmt.Errorf("%w: WithTrustList: empty trust list", ErrInvalidTrustList)
		}
		v.trust = t
		return nil
	})
}

// WithRevocation makes Verify ask r whether a certificate's jti is revoked.
// An error of r, or a panic in it, is ErrRevocationUnavailable. Default:
// no revocation check.
func WithRevocation(r RevocationChecker) VerifierOption {
	return verifierOption(func(v *Verifier) error {
		if r == nil {
			return errors.New("sandbox: WithRevocation: nil checker")
		}
		v.revocation = r
		return nil
	})
}

// MaxSkew is the largest clock skew WithSkew accepts.
const MaxSkew = 5 * time.Minute

// WithSkew sets the clock skew tolerated on "nbf" and "exp": default 60
// seconds, at most MaxSkew.
func WithSkew(d time.Duration) VerifierOption {
	return verifierOption(func(v *Verifier) error {
		if d < 0 || d > MaxSkew {
			return fmt.Errorf("sandbox: WithSkew: %v is outside 0..%v", d, MaxSkew)
		}
		v.skew = d
		return nil
	})
}

// WithHTTPClient sets the client that fetches jwks_url key sets, instead
// of the default safefetch.Fetcher — and so without its address guard:
// the client may reach any address its transport can. For tests and
// operators with a transport of their own; prefer WithFetcher, whose
// safefetch.WithAllowedHosts reaches a test server. Redirects to plain
// http (unless WithAllowHTTP) and chains of more than 3 are refused. It
// and WithFetcher are mutually exclusive.
func WithHTTPClient(c *http.Client) VerifierOption {
	return verifierOption(func(v *Verifier) error {
		if c == nil {
			return errors.New("sandbox: WithHTTPClient: nil client")
		}
		v.client = c
		return nil
	})
}

// WithFetcher sets the fetcher of jwks_url key sets. Default:
// safefetch.New(safefetch.WithMaxBytes(MaxJWKSSize)) — https only, public
// addresses only (checked when connecting), at most 3 redirects, 10
// seconds. Give one of your own to reach an internal key server or a test
// server (safefetch.WithAllowedHosts, safefetch.WithRootCAs).
func WithFetcher(f *safefetch.Fetcher) VerifierOption {
	return verifierOption(func(v *Verifier) error {
		if f == nil {
			return errors.New("sandbox: WithFetcher: nil fetcher")
		}
		v.fetcher = f
		return nil
	})
}

// WithAllowHTTP lets trust-list jwks_url values use plain http. Only for
// tests and local demos: over http anyone on the path can swap the keys.
// A safefetch.Fetcher fetches https only, so it needs WithHTTPClient.
func WithAllowHTTP() VerifierOption {
	return verifierOption(func(v *Verifier) error {
		v.allowHTTP = true
		return nil
	})
}

// WithJWKSCacheTTL sets how long a key set fetched from a jwks_url is used
// before it is fetched again: default 10 minutes, at least 1 second. A
// certificate whose kid is not in the cached set triggers an early
// refetch, at most once a minute (or once per TTL, if shorter).
func WithJWKSCacheTTL(d time.Duration) VerifierOption {
	return verifierOption(func(v *Verifier) error {
		if d < time.Second {
			return fmt.Errorf("sandbox: WithJWKSCacheTTL: %v is less than a second", d)
		}
		v.ttl = d
		return nil
	})
}
