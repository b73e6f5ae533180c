package sandbox

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"slices"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// publicKey is a trusted verification key, converted once from its JWK so
// that Verify does no key parsing.
type publicKey struct {
	kid    string
	alg    jwa.SignatureAlgorithm // pinned by the JWK's "alg"; empty when not pinned
	family keyFamily
	raw    any // ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey
}

// accepts reports whether the key may verify a signature made with alg: the
// key family must be the algorithm's, and a key that names its algorithm
// verifies only that one (an RSA key pinned to PS256 never checks RS256).
func (k *publicKey) accepts(alg jwa.SignatureAlgorithm) bool {
	fam, ok := algorithms[alg]
	if !ok || fam != k.family {
		return false
	}
	return k.alg == "" || k.alg == alg
}

// familyOf classifies a raw key, public or private, and checks its size.
// public reports whether the key is a public key.
func familyOf(raw any) (fam keyFamily, public bool, err error) {
	switch k := raw.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return familyNone, true, fmt.Errorf("Ed25519 public key is %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		return familyEd25519, true, nil
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return familyNone, false, fmt.Errorf("Ed25519 private key is %d bytes, want %d", len(k), ed25519.PrivateKeySize)
		}
		return familyEd25519, false, nil
	case *ecdsa.PublicKey:
		fam, err := curveFamily(k.Curve)
		return fam, true, err
	case *ecdsa.PrivateKey:
		fam, err := curveFamily(k.Curve)
		return fam, false, err
	case *rsa.PublicKey:
		return familyRSA, true, rsaSize(k)
	case *rsa.PrivateKey:
		return familyRSA, false, rsaSize(&k.PublicKey)
	case []byte:
		return familyNone, false, fmt.Errorf("symmetric (oct) keys are never accepted: HMAC cannot prove who signed")
	default:
		return familyNone, false, fmt.Errorf("key type %T is not supported (use Ed25519, EC P-256, EC P-384 or RSA)", raw)
	}
}

func curveFamily(c elliptic.Curve) (keyFamily, error) {
	switch c {
	case elliptic.P256():
		return familyP256, nil
	case elliptic.P384():
		return familyP384, nil
	}
	name := "unknown"
	if c != nil && c.Params() != nil {
		name = c.Params().Name
	}
	return familyNone, fmt.Errorf("EC curve %s is not supported (use P-256 or P-384)", name)
}

func rsaSize(k *rsa.PublicKey) error {
	if k.N == nil {
		return fmt.Errorf("RSA key has no modulus")
	}
	bits := k.N.BitLen()
	if bits < minRSABits {
		return fmt.Errorf("RSA key is %d bits, at least %d are required", bits, minRSABits)
	}
	if bits > maxRSABits {
		return fmt.Errorf("RSA key is %d bits, at most %d are accepted", bits, maxRSABits)
	}
	return nil
}

// keyAlgorithm returns the signature algorithm a JWK pins with "alg", or ""
// when it names none. A pinned algorithm must be on the allow-list and fit
// the key family.
func keyAlgorithm(k jwk.Key, fam keyFamily) (jwa.SignatureAlgorithm, error) {
	a := k.Algorithm()
	if a == nil || a.String() == "" {
		return "", nil
	}
	alg := jwa.SignatureAlgorithm(a.String())
	want, ok := algorithms[alg]
	if !ok {
		return "", fmt.Errorf("key algorithm %q is not accepted (accepted: %s)", clip(a.String()), algorithmList())
	}
	if want != fam {
		return "", fmt.Errorf("key algorithm %s needs a key of type %s, this one is %s", alg, want, fam)
	}
	return alg, nil
}

// mismatch explains why the key cannot verify an alg signature.
func (k *publicKey) mismatch(alg jwa.SignatureAlgorithm) string {
	if algorithms[alg] != k.family {
		return fmt.Sprintf("is an %s key", k.family)
	}
	return fmt.Sprintf("is pinned to %s", k.alg)
}

// publicKeyFrom checks one trusted JWK and converts it for verification.
func publicKeyFrom(k jwk.Key) (publicKey, error) {
	var raw any
	if err := k.Raw(&raw); err != nil {
		return publicKey{}, fmt.Errorf("cannot read key: %w", err)
	}
	fam, public, err := familyOf(raw)
	if err != nil {
		return publicKey{}, err
	}
	if !public {
		return publicKey{}, fmt.Errorf("is a private key; a trust list holds public keys only")
	}
	if use := k.KeyUsage(); use != "" && use != string(jwk.ForSignature) {
		return publicKey{}, fmt.Errorf("key use is %q, want %q", clip(use), jwk.ForSignature)
	}
	if ops := k.KeyOps(); len(ops) > 0 && !slices.Contains(ops, jwk.KeyOpVerify) {
		return publicKey{}, fmt.Errorf("key_ops %v do not include %q", ops, jwk.KeyOpVerify)
	}
	alg, err := keyAlgorithm(k, fam)
	if err != nil {
		return publicKey{}, err
	}
	if ec, ok := raw.(*ecdsa.PublicKey); ok {
		// Reject off-curve points once, here, rather than on every Verify.
		if _, err := ec.ECDH(); err != nil {
			return publicKey{}, fmt.Errorf("EC public key is not a valid point: %w", err)
		}
	}
	return publicKey{kid: k.KeyID(), alg: alg, family: fam, raw: raw}, nil
}

// publicKeysFrom checks a trusted key set: at least one key, every key
// usable, no key id used twice.
func publicKeysFrom(set jwk.Set) ([]publicKey, error) {
	if set == nil || set.Len() == 0 {
		return nil, fmt.Errorf("key set holds no keys")
	}
	keys := make([]publicKey, 0, set.Len())
	seen := make(map[string]bool, set.Len())
	for i := range set.Len() {
		k, _ := set.Key(i)
		pk, err := publicKeyFrom(k)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", keyName(i, k), err)
		}
		if pk.kid != "" {
			if seen[pk.kid] {
				return nil, fmt.Errorf("key %s: key id used twice", keyName(i, k))
			}
			seen[pk.kid] = true
		}
		keys = append(keys, pk)
	}
	return keys, nil
}

// clonePublicSet deep-copies a key set, so a trust list cannot be changed
// behind its back through a set the caller still holds.
func cloneSet(set jwk.Set) (jwk.Set, error) {
	out := jwk.NewSet()
	for i := range set.Len() {
		k, _ := set.Key(i)
		c, err := k.Clone()
		if err != nil {
			return nil, fmt.Errorf("key %s: cannot copy: %w", keyName(i, k), err)
		}
		if err := out.AddKey(c); err != nil {
			return nil, fmt.Errorf("key %s: %w", keyName(i, k), err)
		}
	}
	return out, nil
}

func keyName(i int, k jwk.Key) string {
	if kid := k.KeyID(); kid != "" {
		return fmt.Sprintf("%d (kid %q)", i, clip(kid))
	}
	return fmt.Sprint(i)
}

// thumbprintKID is the RFC 7638 SHA-256 thumbprint of k, base64url.
func thumbprintKID(k jwk.Key) (string, error) {
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(tp), nil
}
