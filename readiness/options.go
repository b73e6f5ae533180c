package readiness

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard/readiness/internal/keyguard"
)

// Defaults of the options.
const (
	// DefaultTimeout bounds one attempt: connecting, the TLS handshake,
	// the request and the answer.
	DefaultTimeout = 10 * time.Second
	// DefaultRetries is how many times an attempt that failed for a
	// reason that may pass (a timeout, a refused or dropped connection,
	// name servers that fail, HTTP 429, 502, 503, 504) is tried again.
	DefaultRetries = 2
	// DefaultRetryWait is the wait before the first retry; it doubles for
	// each further one, up to maxRetryWait.
	DefaultRetryWait = time.Second
	// DefaultChallengeTTL is how long a challenge stays valid.
	DefaultChallengeTTL = time.Minute
	// ExpiryWarning is how close to its expiry a certificate gets a hint
	// even though its check passed.
	ExpiryWarning = 30 * 24 * time.Hour
	// MinRSABits is the smallest RSA key accepted: the operator's own,
	// and those of the participant's certificates.
	MinRSABits = 2048

	maxTimeout   = 2 * time.Minute
	maxRetries   = 5
	maxRetryWait = 30 * time.Second
)

// ErrInvalidOption reports an option New cannot work with, or a required
// one missing.
var ErrInvalidOption = errors.New("readiness: invalid option")

// Option configures New.
type Option func(*Checker) error

// WithSigner sets the operator's key that signs challenges (required):
// an Ed25519 key (EdDSA), an ECDSA P-256 or P-384 key (ES256, ES384) or
// an RSA key of at least 2048 bits (RS256); any crypto.Signer of those
// types, an HSM's included. kid names it in the challenge's header and in
// JWKS; empty means the key's RFC 7638 thumbprint. Participants must find
// the key under that kid in the operator's published JWKS. Participants
// who verify challenges with code of their own read RS256 and ES256 with
// any JOSE library; EdDSA needs more in some (Java's Nimbus verifies it
// only with Google Tink on the class path).
func WithSigner(key crypto.Signer, kid string) Option {
	return func(c *Checker) error {
		public, err := keyguard.Public(key)
		if err != nil {
			return fmt.Errorf("%w: signer: %v", ErrInvalidOption, err)
		}
		alg, err := signatureAlgorithm(public)
		if err != nil {
			return err
		}
		pub, err := jwk.FromRaw(public)
		if err != nil {
			return fmt.Errorf("%w: signer's public key: %v", ErrInvalidOption, err)
		}
		if kid == "" {
			tp, err := pub.Thumbprint(crypto.SHA256)
			if err != nil {
				return fmt.Errorf("%w: thumbprint: %v", ErrInvalidOption, err)
			}
			kid = base64.RawURLEncoding.EncodeToString(tp)
		}
		for name, v := range map[string]any{jwk.KeyIDKey: kid, jwk.AlgorithmKey: alg, jwk.KeyUsageKey: jwk.ForSignature} {
			if err := pub.Set(name, v); err != nil {
				return fmt.Errorf("%w: set %s: %v", ErrInvalidOption, name, err)
			}
		}
		c.signer, c.kid, c.alg, c.pub = key, kid, alg, pub
		return nil
	}
}

// signatureAlgorithm is the JWS algorithm for a public key.
func signatureAlgorithm(pub crypto.PublicKey) (jwa.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return jwa.EdDSA, nil
	case *rsa.PublicKey:
		if k.N == nil || k.N.BitLen() < MinRSABits {
			return "", fmt.Errorf("%w: RSA signing key shorter than %d bits", ErrInvalidOption, MinRSABits)
		}
		return jwa.RS256, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return jwa.ES256, nil
		case elliptic.P384():
			return jwa.ES384, nil
		}
		return "", fmt.Errorf("%w: ECDSA signing key on curve %s; use P-256 or P-384", ErrInvalidOption, k.Curve.Params().Name)
	}
	return "", fmt.Errorf("%w: signing key of type %T; use Ed25519, ECDSA P-256/P-384 or RSA", ErrInvalidOption, pub)
}

// WithIssuer sets the operator's identifier, the challenge's iss
// (required): the id participants configure their handler to trust, the
// HCX instance's own participant code for instance.
func WithIssuer(id string) Option {
	return func(c *Checker) error {
		if id == "" {
			return fmt.Errorf("%w: empty issuer", ErrInvalidOption)
		}
		c.issuer = id
		return nil
	}
}

// WithHTTPClient sets the client every request goes through (required).
// An operator passes its SSRF-safe client, (*safefetch.Fetcher).Client(),
// so that an endpoint_url or a certificate URL cannot make it connect to
// its own network. The challenge never follows a redirect (the Checker
// uses a copy of the client with its own redirect rule); certificate URLs
// follow the client's rule. The client's TLS settings decide which
// certificate authorities are trusted.
func WithHTTPClient(client *http.Client) Option {
	return func(c *Checker) error {
		if client == nil {
			return fmt.Errorf("%w: nil HTTP client", ErrInvalidOption)
		}
		c.fetch = client
		post := *client
		post.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c.post = &post
		return nil
	}
}

// WithTimeout bounds each attempt (default DefaultTimeout, at most two
// minutes). The caller's context bounds the whole Check.
func WithTimeout(d time.Duration) Option {
	return func(c *Checker) error {
		if d <= 0 || d > maxTimeout {
			return fmt.Errorf("%w: timeout %v outside (0, %v]", ErrInvalidOption, d, maxTimeout)
		}
		c.timeout = d
		return nil
	}
}

// WithRetries sets how many times an attempt that failed for a passing
// reason is tried again (default DefaultRetries, at most 5; 0 tries once)
// and the wait before the first retry (default DefaultRetryWait; it
// doubles for each further retry, up to 30 seconds). Each retry sends a
// new challenge: a jti is never sent twice.
func WithRetries(n int, wait time.Duration) Option {
	return func(c *Checker) error {
		if n < 0 || n > maxRetries {
			return fmt.Errorf("%w: retries %d outside 0..%d", ErrInvalidOption, n, maxRetries)
		}
		if wait <= 0 || wait > maxRetryWait {
			return fmt.Errorf("%w: retry wait %v outside (0, %v]", ErrInvalidOption, wait, maxRetryWait)
		}
		c.retries, c.retryWait = n, wait
		return nil
	}
}

// WithChallengeTTL sets how long a challenge is valid, exp − iat
// (default DefaultChallengeTTL; at most MaxChallengeLifetime, which
// handlers enforce). Whole seconds; at least the attempt timeout is
// sensible.
func WithChallengeTTL(d time.Duration) Option {
	return func(c *Checker) error {
		if d < time.Second || d > MaxChallengeLifetime {
			return fmt.Errorf("%w: challenge TTL %v outside [1s, %v]", ErrInvalidOption, d, MaxChallengeLifetime)
		}
		c.ttl = d.Truncate(time.Second)
		return nil
	}
}

// WithKeyEncryption sets the JWE key encryption of the encrypted nonce:
// jwa.RSA_OAEP_256 (the default, what the HCX network sends) or
// jwa.RSA_OAEP (what the v0.9 specification's header names, for
// participants whose software only opens that). Content encryption is
// always A256GCM.
func WithKeyEncryption(alg jwa.KeyEncryptionAlgorithm) Option {
	return func(c *Checker) error {
		if alg != jwa.RSA_OAEP_256 && alg != jwa.RSA_OAEP {
			return fmt.Errorf("%w: key encryption %q; use RSA-OAEP-256 or RSA-OAEP", ErrInvalidOption, alg)
		}
		c.keyAlg = alg
		return nil
	}
}

// WithClock sets the time source (default time.Now): challenge times,
// certificate validity, durations.
func WithClock(now func() time.Time) Option {
	return func(c *Checker) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		c.clock = now
		return nil
	}
}

// WithRand sets the source of jtis and nonces (default crypto/rand). For
// tests; a Checker reads it under a lock.
func WithRand(r io.Reader) Option {
	return func(c *Checker) error {
		if r == nil {
			return fmt.Errorf("%w: nil rand", ErrInvalidOption)
		}
		c.rand = r
		return nil
	}
}
