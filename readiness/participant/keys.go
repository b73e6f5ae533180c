package participant

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/internal/keyguard"
)

// Keys are a participant's private keys: those of its registered
// certificates.
type Keys struct {
	// Encryption opens what counterparties encrypt to the registered
	// encryption_cert: its RSA private key (an *rsa.PrivateKey, or any
	// crypto.Decrypter whose Public is an *rsa.PublicKey, such as an
	// HSM's). Required.
	Encryption crypto.Decrypter
	// Signing is the private key of the registered signing certificate:
	// RSA (signs RS256), ECDSA P-256 or P-384 (ES256, ES384) or Ed25519
	// (EdDSA). Nil answers without a signature, and the operator's
	// signing_key check fails if a signing certificate is registered.
	Signing crypto.Signer
}

// check validates keys and returns the signing algorithm.
func (k Keys) check() (jwa.SignatureAlgorithm, error) {
	if k.Encryption == nil {
		return "", fmt.Errorf("%w: no encryption key", ErrInvalidOption)
	}
	encPub, err := keyguard.Public(k.Encryption)
	if err != nil {
		return "", fmt.Errorf("%w: encryption key: %v", ErrInvalidOption, err)
	}
	pub, ok := encPub.(*rsa.PublicKey)
	if !ok {
		return "", fmt.Errorf("%w: encryption key of type %T; HCX encryption needs an RSA key", ErrInvalidOption, encPub)
	}
	if pub.N.BitLen() < readiness.MinRSABits {
		return "", fmt.Errorf("%w: RSA encryption key of %d bits; at least %d required", ErrInvalidOption, pub.N.BitLen(), readiness.MinRSABits)
	}
	if k.Signing == nil {
		return "", nil
	}
	sigPub, err := keyguard.Public(k.Signing)
	if err != nil {
		return "", fmt.Errorf("%w: signing key: %v", ErrInvalidOption, err)
	}
	switch p := sigPub.(type) {
	case *rsa.PublicKey:
		if p.N.BitLen() < readiness.MinRSABits {
			return "", fmt.Errorf("%w: RSA signing key of %d bits; at least %d required", ErrInvalidOption, p.N.BitLen(), readiness.MinRSABits)
		}
		return jwa.RS256, nil
	case *ecdsa.PublicKey:
		switch p.Curve {
		case elliptic.P256():
			return jwa.ES256, nil
		case elliptic.P384():
			return jwa.ES384, nil
		}
		return "", fmt.Errorf("%w: ECDSA signing key on curve %s; use P-256 or P-384", ErrInvalidOption, p.Curve.Params().Name)
	case ed25519.PublicKey:
		return jwa.EdDSA, nil
	}
	return "", fmt.Errorf("%w: signing key of type %T", ErrInvalidOption, sigPub)
}

// KeysFromPEM reads the private keys of the encryption and the signing
// certificate from PEM (PKCS #1 "RSA PRIVATE KEY", PKCS #8 "PRIVATE KEY",
// SEC 1 "EC PRIVATE KEY"; not encrypted). signing may be nil.
func KeysFromPEM(encryption, signing []byte) (Keys, error) {
	var k Keys
	enc, err := parsePrivateKey(encryption)
	if err != nil {
		return k, fmt.Errorf("participant: encryption key: %w", err)
	}
	d, ok := enc.(crypto.Decrypter)
	if !ok {
		return k, fmt.Errorf("participant: encryption key of type %T cannot decrypt", enc)
	}
	k.Encryption = d
	if signing != nil {
		if k.Signing, err = parsePrivateKey(signing); err != nil {
			return k, fmt.Errorf("participant: signing key: %w", err)
		}
	}
	if _, err := k.check(); err != nil {
		return Keys{}, err
	}
	return k, nil
}

func parsePrivateKey(data []byte) (crypto.Signer, error) {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM private key block")
		}
		if _, encrypted := block.Headers["Proc-Type"]; encrypted || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("the PEM key is encrypted; decrypt it first")
		}
		var key any
		var err error
		switch block.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s block: %w", block.Type, err)
		}
		s, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", key)
		}
		return s, nil
	}
}

// oaep opens a JWE's content key with a crypto.Decrypter, so keys held
// in hardware work too.
type oaep struct{ d crypto.Decrypter }

var _ jwe.KeyDecrypter = oaep{}

func (o oaep) DecryptKey(alg jwa.KeyEncryptionAlgorithm, key []byte, _ jwe.Recipient, _ *jwe.Message) ([]byte, error) {
	var h crypto.Hash
	switch alg {
	case jwa.RSA_OAEP:
		h = crypto.SHA1
	case jwa.RSA_OAEP_256:
		h = crypto.SHA256
	default:
		return nil, fmt.Errorf("key encryption %s not accepted", alg)
	}
	return o.d.Decrypt(rand.Reader, key, &rsa.OAEPOptions{Hash: h})
}
