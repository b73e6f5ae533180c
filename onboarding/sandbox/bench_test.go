package sandbox

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/openhcx/hcxonboard"
)

// benchToken is a typical certificate and the verifier that trusts it.
func benchToken(b *testing.B) (*Verifier, string) {
	b.Helper()
	iss := newTestIssuer(b, "sbx-bench", "ed25519")
	v := newTestVerifier(b, WithTrustList(trustListOf(b, trusted(b, iss, provider, payer))))
	return v, issue(b, iss, baseClaims(provider))
}

// BenchmarkVerifyEdDSA is a full Verify with a trust list: parsing, header
// and claim checks, key selection, signature, time window and roles.
// Compare with BenchmarkEd25519VerifyBaseline in the same run.
func BenchmarkVerifyEdDSA(b *testing.B) {
	v, tok := benchToken(b)
	applied := []hcxonboard.Role{hcxonboard.RoleHospital}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, tok, applied); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519VerifyBaseline is the signature check alone on the same
// signing input: the floor Verify is measured against.
func BenchmarkEd25519VerifyBaseline(b *testing.B) {
	_, tok := benchToken(b)
	dot := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:dot])
	sig, err := base64.RawURLEncoding.DecodeString(tok[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	pub := rawKey("ed25519").(ed25519.PrivateKey).Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, input, sig) {
			b.Fatal("signature does not verify")
		}
	}
}
