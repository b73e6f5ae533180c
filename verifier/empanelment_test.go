package verifier_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// rawToken builds a compact JWS from a header and claims, with sig as its
// signature part: for algorithms no library will sign with.
func rawToken(t *testing.T, header, claims map[string]any, sig string) string {
	t.Helper()
	h, err := json.Marshal(header)
	require.NoError(t, err)
	p, err := json.Marshal(claims)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p) + "." + sig
}

func TestPayerApproval(t *testing.T) {
	t.Parallel()
	base := loadApp(t, "empanelled_provider_ready.json")
	claims := func(change func(map[string]any)) map[string]any {
		c := proofClaims(base)
		if change != nil {
			change(c)
		}
		return c
	}
	payerPub := payerKey().Public()
	otherKey := seedKey("some other payer")
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	weakRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	payerJWK, err := jwk.FromRaw(payerPub)
	require.NoError(t, err)
	ed := func(c map[string]any) string {
		return signProof(t, payerKey(), jwa.EdDSA, verifier.EmpanelmentProofType, c)
	}
	dir := func(k crypto.PublicKey) verifier.PayerDirectory {
		return verifier.StaticPayerDirectory{testPayerCode: k}
	}
	hmacTok := signProof(t, []byte(payerPub.(ed25519.PublicKey)), jwa.HS256, verifier.EmpanelmentProofType, claims(nil))

	tests := []struct {
		name   string
		proof  string
		dir    verifier.PayerDirectory // nil: none wired
		change func(a *hcxonboard.Application)
		want   want
		proofW *want // empanelment_proof, when it matters
	}{
		{name: "valid EdDSA proof", proof: ed(claims(nil)), dir: dir(payerPub),
			want: want{outcome: verifier.Satisfied, msg: "Empanelment SHAS-EMP-2024-0456 confirmed by a proof signed by State Health Assurance Society (1000001234@hcx)"}},
		{name: "valid proof, key as JWK", proof: ed(claims(nil)), dir: dir(payerJWK), want: want{outcome: verifier.Satisfied}},
		{name: "valid ES256 proof", proof: signProof(t, ecKey, jwa.ES256, verifier.EmpanelmentProofType, claims(nil)), dir: dir(&ecKey.PublicKey),
			want: want{outcome: verifier.Satisfied}},
		{name: "valid PS256 proof", proof: signProof(t, rsaKey, jwa.PS256, "application/"+verifier.EmpanelmentProofType, claims(nil)), dir: dir(&rsaKey.PublicKey),
			want: want{outcome: verifier.Satisfied}},
		{name: "proof without exp", proof: ed(claims(func(c map[string]any) { delete(c, "exp") })), dir: dir(payerPub),
			want: want{outcome: verifier.Satisfied}},

		{name: "no proof: the payer is asked", change: func(a *hcxonboard.Application) { a.Empanelment.Proof = "" }, dir: dir(payerPub),
			want: want{outcome: verifier.Pending, task: verifier.TaskApproval, msg: "will ask State Health Assurance Society (1000001234@hcx) for SHAS-PMJAY to confirm"}},
		{name: "no directory: signature left to the operator", proof: ed(claims(nil)),
			want: want{outcome: verifier.Pending, task: verifier.TaskApproval, msg: "checks its signature against the payer's registered key"}},
		{name: "no payer named", change: func(a *hcxonboard.Application) { a.Empanelment = nil },
			want: want{outcome: verifier.Missing, msg: "see empanelment_payer"}},

		{name: "wrong key", proof: ed(claims(nil)), dir: dir(otherKey.Public()),
			want: want{outcome: verifier.Invalid, msg: "signature that does not match the payer's registered key"}},
		{name: "payload tampered", proof: tamper(t, ed(claims(nil)), "SHAS-PMJAY", "SHAS-PMJAX"), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "does not match"}},
		{name: "signed by another payer", proof: ed(claims(func(c map[string]any) { c["iss"] = "1000009999@hcx" })), dir: dir(payerPub),
			want:   want{outcome: verifier.Invalid, msg: `was issued by "1000009999@hcx", not by the payer named in empanelment.payer_code ("1000001234@hcx")`},
			proofW: &want{outcome: verifier.Invalid, msg: "was issued by"}},
		{name: "for another empanelment", proof: ed(claims(func(c map[string]any) { c["sub"] = "SHAS-EMP-2024-9999" })), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: `is for empanelment ID "SHAS-EMP-2024-9999"`}},
		{name: "no iss", proof: ed(claims(func(c map[string]any) { delete(c, "iss") })), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "names no issuer (iss)"}},
		{name: "no sub", proof: ed(claims(func(c map[string]any) { c["sub"] = " " })), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "names no empanelment ID (sub)"}},
		{name: "payer code left out", proof: ed(claims(nil)), dir: dir(payerPub), change: func(a *hcxonboard.Application) { a.Empanelment.PayerCode = "" },
			want: want{outcome: verifier.Invalid, msg: `set empanelment.payer_code to "1000001234@hcx"`}},
		{name: "expired", proof: ed(claims(func(c map[string]any) { c["exp"] = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Unix() })), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "expired on 2026-05-01"}},
		{name: "not yet valid", proof: ed(claims(func(c map[string]any) { c["nbf"] = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).Unix() })), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "is not valid before 2026-07-01"}},
		{name: "alg none", dir: dir(payerPub),
			proof: rawToken(t, map[string]any{"alg": "none", "typ": verifier.EmpanelmentProofType}, claims(nil), ""),
			want:  want{outcome: verifier.Invalid, msg: `is signed with "none"`}},
		{name: "HS256 keyed with the payer's public key", proof: hmacTok, dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: `is signed with "HS256"`}},
		{name: "wrong typ", proof: signProof(t, payerKey(), jwa.EdDSA, "JWT", claims(nil)), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: `has typ "JWT"`}},
		{name: "crit header", dir: dir(payerPub),
			proof: rawToken(t, map[string]any{"alg": "EdDSA", "typ": verifier.EmpanelmentProofType, "crit": []string{"exp"}}, claims(nil), "AAAA"),
			want:  want{outcome: verifier.Invalid, msg: `"crit"`}},
		{name: "algorithm does not fit the registered key", proof: signProof(t, ecKey, jwa.ES256, verifier.EmpanelmentProofType, claims(nil)), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "is signed with ES256 but the payer's registered key is Ed25519"}},
		{name: "registered RSA key too short", proof: signProof(t, weakRSA, jwa.RS256, verifier.EmpanelmentProofType, claims(nil)), dir: dir(&weakRSA.PublicKey),
			want: want{outcome: verifier.Invalid, msg: "shorter than 2048 bits"}},
		{name: "not a JWS", proof: "SHAS-EMP-2024-0456", dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "is not a compact JWS"}},
		{name: "line break inside", proof: strings.Replace(ed(claims(nil)), ".", ".\n", 1), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "outside base64url"}},
		{name: "too large", proof: strings.Repeat("A", verifier.MaxEmpanelmentProof+1), dir: dir(payerPub),
			want: want{outcome: verifier.Invalid, msg: "a signed proof is at most"}},
		{name: "payer not registered", proof: ed(claims(nil)), dir: verifier.StaticPayerDirectory{"someone-else": payerPub},
			want: want{outcome: verifier.Invalid, msg: "is not registered on this HCX"}},
		{name: "directory outage", proof: ed(claims(nil)),
			dir: payerFunc(func(context.Context, string) (crypto.PublicKey, error) {
				return nil, errors.New("payer directory: connection refused")
			}),
			want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "connection refused"}},
		{name: "payer without a key", proof: ed(claims(nil)),
			dir:  payerFunc(func(context.Context, string) (crypto.PublicKey, error) { return nil, nil }),
			want: want{outcome: verifier.Pending, task: verifier.TaskApproval, msg: "has no registered signing key"}},
		{name: "signed, but for a facility of another name", proof: ed(claims(func(c map[string]any) { c["participant_name"] = "Shanti Eye Clinic" })), dir: dir(payerPub),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `names the facility "Shanti Eye Clinic"`}},
		{name: "signed, but for another scheme", proof: ed(claims(func(c map[string]any) { c["scheme"] = "CGHS" })), dir: dir(payerPub),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `names the scheme "CGHS"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, "empanelled_provider_ready.json")
			if tt.proof != "" {
				app.Empanelment.Proof = tt.proof
			}
			if tt.change != nil {
				tt.change(app)
			}
			var opts []verifier.Option
			if tt.dir != nil {
				opts = append(opts, verifier.WithPayerDirectory(tt.dir))
			}
			r, err := trustedChecker(t, opts...).Verify(context.Background(), app)
			require.NoError(t, err)
			tt.want.id = verifier.ReqPayerApproval
			assertResult(t, r, tt.want)
			if tt.proofW != nil {
				tt.proofW.id = verifier.ReqEmpanelmentProof
				assertResult(t, r, *tt.proofW)
			}
		})
	}
}

func TestEmpanelmentRequirements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(a *hcxonboard.Application)
		payer  want
		proof  want
	}{
		{"letter and signed proof", nil,
			want{outcome: verifier.Satisfied, msg: "State Health Assurance Society (1000001234@hcx) for SHAS-PMJAY"},
			want{outcome: verifier.Satisfied, msg: "Empanelment proof attached"}},
		{"letter only", func(a *hcxonboard.Application) { a.Empanelment.Proof = "" },
			want{outcome: verifier.Satisfied}, want{outcome: verifier.Satisfied, msg: "attached"}},
		{"signed proof only", func(a *hcxonboard.Application) { a.Documents = nil },
			want{outcome: verifier.Satisfied}, want{outcome: verifier.Satisfied, msg: "Signed empanelment proof from 1000001234@hcx"}},
		{"scheme name only", func(a *hcxonboard.Application) {
			a.Empanelment = &hcxonboard.Empanelment{Scheme: "PM-JAY"}
		}, want{outcome: verifier.Satisfied, msg: "the scheme PM-JAY"}, want{outcome: verifier.Satisfied}},
		{"neither proof", func(a *hcxonboard.Application) { a.Documents, a.Empanelment.Proof = nil, "" },
			want{outcome: verifier.Satisfied}, want{outcome: verifier.Missing, msg: "an empanelment ID alone is not a proof"}},
		{"no payer at all", func(a *hcxonboard.Application) { a.Empanelment = &hcxonboard.Empanelment{EmpanelmentID: "X-1"} },
			want{outcome: verifier.Missing, msg: "empanelment.payer_code"}, want{outcome: verifier.Satisfied}},
		{"control character in payer name", func(a *hcxonboard.Application) { a.Empanelment.PayerName = "State\x00Society" },
			want{outcome: verifier.Invalid, msg: "control character"}, want{outcome: verifier.Satisfied}},
		{"broken letter", func(a *hcxonboard.Application) { a.Documents[0].URI = "empanelment-letter.pdf" },
			want{outcome: verifier.Satisfied}, want{outcome: verifier.Invalid, msg: "not an absolute address"}},
	}
	c := trustedChecker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, "empanelled_provider_ready.json")
			if tt.change != nil {
				tt.change(app)
			}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			tt.payer.id, tt.proof.id = verifier.ReqEmpanelmentPayer, verifier.ReqEmpanelmentProof
			assertResult(t, r, tt.payer)
			assertResult(t, r, tt.proof)
		})
	}
}

func TestStaticPayerDirectory(t *testing.T) {
	t.Parallel()
	pub := payerKey().Public()
	d := verifier.StaticPayerDirectory{testPayerCode: pub, "nil-key@hcx": nil}
	k, err := d.SigningKey(context.Background(), testPayerCode)
	require.NoError(t, err)
	assert.Equal(t, pub, k)
	for _, code := range []string{"unknown@hcx", "nil-key@hcx", ""} {
		_, err := d.SigningKey(context.Background(), code)
		assert.ErrorIs(t, err, verifier.ErrUnknownPayer, code)
	}
}
