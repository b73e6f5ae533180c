// Package keyguard reads the public half of a private key a caller hands
// to package readiness or readiness/participant, and refuses one that is
// nil or was never filled in — what a key loader whose error was ignored
// returns — with an error, where calling its Public method would panic.
package keyguard

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"reflect"
)

// PrivateKey is what both crypto.Signer and crypto.Decrypter are.
type PrivateKey interface {
	Public() crypto.PublicKey
}

// Public returns key's public half, or an error saying why key cannot be
// used: nil, an RSA, ECDSA or Ed25519 key missing its parts, or a key
// whose public half is missing its parts.
func Public(key PrivateKey) (crypto.PublicKey, error) {
	switch k := key.(type) {
	case nil:
		return nil, errors.New("no key")
	case *rsa.PrivateKey:
		if k == nil || k.N == nil || k.D == nil {
			return nil, errors.New("an RSA key without its modulus or private exponent (was it loaded?)")
		}
	case *ecdsa.PrivateKey:
		if k == nil || k.Curve == nil || k.X == nil || k.Y == nil || k.D == nil {
			return nil, errors.New("an ECDSA key without its curve or points (was it loaded?)")
		}
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("an Ed25519 key of %d bytes, not %d (was it loaded?)", len(k), ed25519.PrivateKeySize)
		}
	default:
		switch v := reflect.ValueOf(key); v.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Func, reflect.Interface, reflect.Chan:
			if v.IsNil() {
				return nil, fmt.Errorf("a nil %T", key)
			}
		}
	}
	pub := key.Public()
	switch p := pub.(type) {
	case nil:
		return nil, fmt.Errorf("a %T without a public key", key)
	case *rsa.PublicKey:
		if p == nil || p.N == nil {
			return nil, errors.New("an RSA public key without its modulus")
		}
	case *ecdsa.PublicKey:
		if p == nil || p.Curve == nil || p.X == nil || p.Y == nil {
			return nil, errors.New("an ECDSA public key without its curve or point")
		}
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("an Ed25519 public key of %d bytes, not %d", len(p), ed25519.PublicKeySize)
		}
	}
	return pub, nil
}
