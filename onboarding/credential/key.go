package credential

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// MinRSABits is the smallest RSA modulus accepted, for signing or for
// verifying.
const MinRSABits = 2048

// verifyKey is one key Verify trusts: the current signing key or a previous
// one kept for rotation. Everything a verification needs is resolved once,
// here, so that Verify never converts keys.
type verifyKey struct {
	kid      string
	alg      jwa.SignatureAlgorithm
	pub      crypto.PublicKey // ed25519.PublicKey or *rsa.PublicKey
	verifier jws.Verifier
	jwk      jwk.Key // public JWK with kid, alg and use; what JWKS publishes
}

// loadKey checks key against this package's rules and resolves it. With
// needPrivate the key must be a private key, which is returned as the
// signer.
func loadKey(key jwk.Key, needPrivate bool) (*verifyKey, crypto.Signer, error) {
	if key == nil {
		return nil, nil, fmt.Errorf("%w: nil key", ErrUnsupportedKey)
	}
	var raw any
	if err := key.Raw(&raw); err != nil {
		return nil, nil, fmt.Errorf("%w: %s key: %v", ErrUnsupportedKey, key.KeyType(), err)
	}
	var (
		alg  jwa.SignatureAlgorithm
		pub  crypto.PublicKey
		priv crypto.Signer
	)
	switch k := raw.(type) {
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, nil, fmt.Errorf("%w: Ed25519 private key of %d bytes", ErrUnsupportedKey, len(k))
		}
		alg, pub, priv = jwa.EdDSA, k.Public(), k
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, nil, fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrUnsupportedKey, len(k))
		}
		alg, pub = jwa.EdDSA, k
	case *rsa.PrivateKey:
		if err := checkRSA(&k.PublicKey); err != nil {
			return nil, nil, err
		}
		if err := k.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%w: RSA private key: %v", ErrUnsupportedKey, err)
		}
		k.Precompute()
		alg, pub, priv = jwa.RS256, &k.PublicKey, k
	case *rsa.PublicKey:
		if err := checkRSA(k); err != nil {
			return nil, nil, err
		}
		alg, pub = jwa.RS256, k
	case []byte:
		return nil, nil, fmt.Errorf("%w: symmetric (HMAC) keys are never accepted; use an Ed25519 or RSA key", ErrUnsupportedKey)
	default:
		return nil, nil, fmt.Errorf("%w: %s key (%T); use an Ed25519 or RSA key", ErrUnsupportedKey, key.KeyType(), raw)
	}
	if needPrivate && priv == nil {
		return nil, nil, fmt.Errorf("%w: a public key cannot sign; give the private key", ErrUnsupportedKey)
	}
	if a := key.Algorithm().String(); a != "" && a != alg.String() {
		return nil, nil, fmt.Errorf("%w: key says alg %q, but this key type signs with %s", ErrUnsupportedKey, a, alg)
	}
	if u := key.KeyUsage(); u != "" && u != string(jwk.ForSignature) {
		return nil, nil, fmt.Errorf("%w: key use %q, want %q", ErrUnsupportedKey, u, jwk.ForSignature)
	}

	pubJWK, err := jwk.FromRaw(pub)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: public key: %v", ErrUnsupportedKey, err)
	}
	kid := key.KeyID()
	if kid == "" {
		// RFC 7638 thumbprint: stable for the key, whoever computes it.
		tp, err := pubJWK.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: thumbprint: %v", ErrUnsupportedKey, err)
		}
		kid = base64.RawURLEncoding.EncodeToString(tp)
	}
	for name, v := range map[string]any{jwk.KeyIDKey: kid, jwk.AlgorithmKey: alg, jwk.KeyUsageKey: jwk.ForSignature} {
		if err := pubJWK.Set(name, v); err != nil {
			return nil, nil, fmt.Errorf("%w: set %s: %v", ErrUnsupportedKey, name, err)
		}
	}
	verifier, err := jws.NewVerifier(alg)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	return &verifyKey{kid: kid, alg: alg, pub: pub, verifier: verifier, jwk: pubJWK}, priv, nil
}

func checkRSA(k *rsa.PublicKey) error {
	if k.N == nil || k.N.BitLen() < MinRSABits {
		bits := 0
		if k.N != nil {
			bits = k.N.BitLen()
		}
		return fmt.Errorf("%w: RSA key of %d bits; at least %d required", ErrUnsupportedKey, bits, MinRSABits)
	}
	return nil
}

// GenerateEd25519Key returns a new Ed25519 private key as a JWK, its kid
// the RFC 7638 thumbprint. rand nil means crypto/rand; the key is a pure
// function of the 32 bytes read, so a fixed reader gives a fixed key (for
// examples and tests only).
func GenerateEd25519Key(rand io.Reader) (jwk.Key, error) {
	_, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return nil, fmt.Errorf("credential: generate Ed25519 key: %w", err)
	}
	key, err := jwk.FromRaw(priv)
	if err != nil {
		return nil, fmt.Errorf("credential: Ed25519 key to JWK: %w", err)
	}
	if err := jwk.AssignKeyID(key); err != nil {
		return nil, fmt.Errorf("credential: Ed25519 key id: %w", err)
	}
	return key, nil
}
