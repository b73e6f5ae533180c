package webhook

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// MinRSABits is the smallest RSA modulus accepted, to sign or to verify.
const MinRSABits = 2048

// algorithmOf returns the one algorithm a key may sign or verify with:
// EdDSA for Ed25519, ES256 for P-256, RS256 for RSA of at least
// MinRSABits. A key whose "alg" names another is refused, and so is every
// other kind of key (HMAC secrets above all: a receiver holding one could
// forge deliveries).
func algorithmOf(key jwk.Key) (jwa.SignatureAlgorithm, error) {
	var raw any
	if err := key.Raw(&raw); err != nil {
		return "", fmt.Errorf("%s key: %w", key.KeyType(), err)
	}
	var alg jwa.SignatureAlgorithm
	switch k := raw.(type) {
	case ed25519.PrivateKey, ed25519.PublicKey:
		alg = jwa.EdDSA
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return "", fmt.Errorf("ECDSA key on %s; only P-256 (ES256) is accepted", k.Curve.Params().Name)
		}
		alg = jwa.ES256
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return "", fmt.Errorf("ECDSA key on %s; only P-256 (ES256) is accepted", k.Curve.Params().Name)
		}
		alg = jwa.ES256
	case *rsa.PrivateKey:
		if k.N.BitLen() < MinRSABits {
			return "", fmt.Errorf("RSA key of %d bits; at least %d are needed", k.N.BitLen(), MinRSABits)
		}
		alg = jwa.RS256
	case *rsa.PublicKey:
		if k.N.BitLen() < MinRSABits {
			return "", fmt.Errorf("RSA key of %d bits; at least %d are needed", k.N.BitLen(), MinRSABits)
		}
		alg = jwa.RS256
	default:
		return "", fmt.Errorf("%s key (%T); use an Ed25519, P-256 or RSA key", key.KeyType(), raw)
	}
	if a := key.Algorithm().String(); a != "" && a != alg.String() {
		return "", fmt.Errorf("key says alg %q but is a %s key", a, alg)
	}
	return alg, nil
}

// sign returns the detached compact JWS over body: the protected header
// carries alg, kid, typ, the idempotency key and the signing time.
func sign(key jwk.Key, alg jwa.SignatureAlgorithm, body []byte, idemKey string, now time.Time) (string, error) {
	h := jws.NewHeaders()
	for name, v := range map[string]any{
		jws.KeyIDKey:            key.KeyID(),
		jws.TypeKey:             JWSType,
		KeyHeaderParameter:      idemKey,
		SignedAtHeaderParameter: now.Unix(),
	} {
		if err := h.Set(name, v); err != nil {
			return "", fmt.Errorf("webhook: signature header %s: %w", name, err)
		}
	}
	sig, err := jws.Sign(nil, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)), jws.WithDetachedPayload(body))
	if err != nil {
		return "", fmt.Errorf("webhook: sign: %w", err)
	}
	s := string(sig)
	if parts := strings.Split(s, "."); len(parts) != 3 || parts[1] != "" {
		return "", fmt.Errorf("webhook: sign: not a detached compact JWS")
	}
	return s, nil
}
