package credential

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
)

// The benchmarks pair each operation with its bare signature primitive over
// a signing input of the same size; compare them as ratios within one run.

func benchTokens(b *testing.B) (*Tokens, ed25519.PrivateKey, string) {
	b.Helper()
	key := edKey(b, 1)
	tk, err := NewTokens(key)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := tk.Issue(testCode, testRoles)
	if err != nil {
		b.Fatal(err)
	}
	return tk, rawEd(b, key), tok.Value
}

func BenchmarkIssue(b *testing.B) {
	tk, _, _ := benchTokens(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.Issue(testCode, testRoles); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEd25519SignBaseline(b *testing.B) {
	_, priv, tok := benchTokens(b)
	input := []byte(tok[:strings.LastIndexByte(tok, '.')])
	b.ReportAllocs()
	for b.Loop() {
		_ = ed25519.Sign(priv, input)
	}
}

func BenchmarkVerify(b *testing.B) {
	tk, _, tok := benchTokens(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEd25519VerifyBaseline(b *testing.B) {
	_, priv, tok := benchTokens(b)
	dot := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:dot])
	sig, err := b64.DecodeString(tok[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	pub := priv.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, input, sig) {
			b.Fatal("baseline signature does not verify")
		}
	}
}

func BenchmarkIssueRS256(b *testing.B) {
	_, key := rsaKey(b, 2048)
	tk, err := NewTokens(key)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.Issue(testCode, testRoles); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRS256(b *testing.B) {
	_, key := rsaKey(b, 2048)
	tk, err := NewTokens(key)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := tk.Issue(testCode, testRoles)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.Verify(ctx, tok.Value); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSecretCheck(b *testing.B) {
	s, err := NewSecrets()
	if err != nil {
		b.Fatal(err)
	}
	plain, rec, err := s.New()
	if err != nil {
		b.Fatal(err)
	}
	_, old, err := s.New()
	if err != nil {
		b.Fatal(err)
	}
	recs := []SecretRecord{old, rec}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Check(plain, recs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck shows that Check costs about the same whatever is wrong
// with the secret: the hash and the comparisons come before the shape.
func BenchmarkCheck(b *testing.B) {
	s, err := NewSecrets()
	if err != nil {
		b.Fatal(err)
	}
	right, rec, err := s.New()
	if err != nil {
		b.Fatal(err)
	}
	wrong, _, err := s.New()
	if err != nil {
		b.Fatal(err)
	}
	recs := []SecretRecord{rec}
	for _, tc := range []struct{ name, secret string }{
		{"right", right},
		{"wrong", wrong},
		{"bad checksum", right[:len(right)-2] + "AA"},
		{"malformed", "letmein"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				_, _ = s.Check(tc.secret, recs)
			}
		})
	}
}
