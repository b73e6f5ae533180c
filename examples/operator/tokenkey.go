package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// rsaTokenKeyFile holds, in the data directory, the RSA key that signs
// access tokens in the specification's, the platform's and NHCX's profiles
// (RS256), so that a restart keeps issued tokens valid.
const rsaTokenKeyFile = "token-rsa.pem"

// loadRSATokenKey reads the RSA token key at path, or makes a 2048-bit
// one and writes it there, readable by the owner only.
func loadRSATokenKey(path string) (jwk.Key, error) {
	key, err := loadOrCreateRSAKey(path, "RSA token key", "")
	if err != nil {
		return nil, err
	}
	k, err := jwk.FromRaw(key)
	if err != nil {
		return nil, fmt.Errorf("RSA token key: %w", err)
	}
	return k, nil
}

// loadOrCreateRSAKey reads the PKCS #8 RSA key of 2048 bits or more at
// path, or makes a 2048-bit one and writes it there after header (text
// PEM readers skip), readable by the owner only. A file that is not a
// regular file of this user's, or that others may read or write, is
// refused (readPrivateFile). what names the key in errors; one about the
// file tells to delete it.
func loadOrCreateRSAKey(path, what, header string) (*rsa.PrivateKey, error) {
	data, err := readPrivateFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out := append([]byte(header), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
		if err := writeFileReplacing(path, out); err != nil {
			return nil, fmt.Errorf("write %s: %w", what, err)
		}
		return key, nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	block, _ := pem.Decode(data)
	switch {
	case block == nil:
		return nil, fmt.Errorf("%s %s is not PEM; delete it to start afresh", what, path)
	case block.Type != "PRIVATE KEY":
		return nil, fmt.Errorf("%s %s holds no PKCS #8 private key; delete it to start afresh", what, path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w; delete it to start afresh", what, path, err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok || key.N.BitLen() < 2048 {
		return nil, fmt.Errorf("%s %s is not an RSA key of 2048 bits or more; delete it to start afresh", what, path)
	}
	return key, nil
}
