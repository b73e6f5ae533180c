package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// rsaTokenKeyFile holds, in the data directory, the RSA key that signs
// access tokens in the specification's, the platform's and NHCX's profiles
// (RS256), so that a restart keeps issued tokens valid.
const rsaTokenKeyFile = "token-rsa.pem"

// loadRSATokenKey reads the RSA token key at path, or makes a 2048-bit
// one and writes it there, readable by the owner only.
func loadRSATokenKey(path string) (jwk.Key, error) {
	data, err := os.ReadFile(path)
	var key *rsa.PrivateKey
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("RSA token key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("RSA token key: %w", err)
		}
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, fmt.Errorf("write RSA token key: %w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("read RSA token key: %w", err)
	default:
		block, _ := pem.Decode(data)
		if block == nil {
			return nil, fmt.Errorf("RSA token key %s is not PEM; delete it to start afresh", path)
		}
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		var ok bool
		if key, ok = parsed.(*rsa.PrivateKey); err != nil || !ok {
			return nil, fmt.Errorf("RSA token key %s is not a PKCS#8 RSA key; delete it to start afresh", path)
		}
	}
	k, err := jwk.FromRaw(key)
	if err != nil {
		return nil, fmt.Errorf("RSA token key: %w", err)
	}
	return k, nil
}
