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
	"maps"
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
		{"empanelment ID alone: the payer confirms it", func(a *hcxonboard.Application) { a.Documents, a.Empanelment.Proof = nil, "" },
			want{outcome: verifier.Satisfied}, want{outcome: verifier.Pending, task: verifier.TaskApproval, msg: "Empanelment ID SHAS-EMP-2024-0456 given without a document or a signed proof: the payer confirms it"}},
		{"no proof and no empanelment ID", func(a *hcxonboard.Application) {
			a.Documents, a.Empanelment.Proof, a.Empanelment.EmpanelmentID = nil, "", ""
		},
			want{outcome: verifier.Satisfied}, want{outcome: verifier.Missing, msg: "at least the empanelment ID (empanelment.empanelment_id)"}},
		{"empanelment ID with a control character", func(a *hcxonboard.Application) {
			a.Documents, a.Empanelment.Proof, a.Empanelment.EmpanelmentID = nil, "", "SHAS\x07EMP"
		}, want{outcome: verifier.Invalid, msg: "control character"}, want{outcome: verifier.Invalid, msg: "control character"}},
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

// TestEmpanelmentBinding: a payer-signed proof backs the facility it names
// and no other, under an active contract, once.
func TestEmpanelmentBinding(t *testing.T) {
	t.Parallel()
	base := loadApp(t, "empanelled_provider_ready.json")
	claims := func(change func(map[string]any)) map[string]any {
		c := proofClaims(base)
		if change != nil {
			change(c)
		}
		return c
	}
	ed := func(c map[string]any) string {
		return signProof(t, payerKey(), jwa.EdDSA, verifier.EmpanelmentProofType, c)
	}
	drop := func(keys ...string) func(map[string]any) {
		return func(c map[string]any) {
			for _, k := range keys {
				delete(c, k)
			}
		}
	}
	// Hospital B applies with the proof the payer issued to hospital A
	// (the sample, Shanti Community Hospital).
	hospitalB := func(a *hcxonboard.Application) {
		a.ParticipantName = "Lakshmi Hospital"
		a.Address.Pincode = "560001"
		a.Identifiers.FacilityLicence.Number = "KPME/BN/2019/0042"
	}
	bound := map[string]bool{"payer": true, "empanelment_id": true, "valid_until": true, "status": true,
		"facility_licence": true, "pincode": true, "name": true, "scheme": true}
	with := func(m map[string]bool, kv ...any) map[string]bool {
		out := maps.Clone(m)
		for i := 0; i < len(kv); i += 2 {
			if v, ok := kv[i+1].(bool); ok {
				out[kv[i].(string)] = v
			} else {
				delete(out, kv[i].(string))
			}
		}
		return out
	}
	const key = "empanelment:1000001234@hcx|proof-SHAS-EMP-2024-0456"

	tests := []struct {
		name   string
		proof  string
		change func(a *hcxonboard.Application)
		policy *verifier.Policy
		want   want // payer_approval
		proofW want // empanelment_proof
		claims []string
	}{
		{name: "the facility named by licence, name and pincode", proof: ed(claims(nil)),
			want: want{outcome: verifier.Satisfied, findings: bound}, proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},
		{name: "without jti the empanelment ID is the key", proof: ed(claims(drop("jti"))),
			want: want{outcome: verifier.Satisfied}, proofW: want{outcome: verifier.Satisfied}, claims: []string{"empanelment:1000001234@hcx|SHAS-EMP-2024-0456"}},
		{name: "licence alone, written another way", proof: ed(claims(func(c map[string]any) {
			delete(c, "participant_name")
			delete(c, "pincode")
			c["facility_licence"] = "kpme/br/2020/ 0311"
		})), want: want{outcome: verifier.Satisfied, findings: with(bound, "name", nil, "pincode", nil)},
			proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},
		{name: "name and pincode alone; a numeric pincode", proof: ed(claims(func(c map[string]any) {
			delete(c, "facility_licence")
			c["pincode"] = 562114
		})), want: want{outcome: verifier.Satisfied, findings: with(bound, "facility_licence", nil)}, proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},
		{name: "a ROHINI hospital named by its ROHINI ID", proof: ed(claims(func(c map[string]any) {
			drop("participant_name", "pincode", "facility_licence")(c)
			c["rohini_id"] = "8900080336704"
		})), change: func(a *hcxonboard.Application) { a.Identifiers.RohiniID = "8900 0803 3670 4" }, policy: rohiniWithPayerApproval(),
			want:   want{outcome: verifier.Satisfied, findings: with(bound, "rohini_id", true, "name", nil, "pincode", nil, "facility_licence", nil)},
			claims: []string{key}},

		// What the issue found: hospital A's proof takes hospital B nowhere.
		{name: "hospital A's proof for hospital B", proof: ed(claims(nil)), change: hospitalB,
			want:   want{outcome: verifier.Invalid, msg: `names another facility — facility licence: application "KPME/BN/2019/0042", the payer's proof "KPME/BR/2020/0311"; pincode: application "560001", the payer's proof "562114"`},
			proofW: want{outcome: verifier.Invalid, msg: "names another facility"}},
		{name: "another ROHINI ID", proof: ed(claims(func(c map[string]any) { c["rohini_id"] = "8900080412156" })),
			change: func(a *hcxonboard.Application) { a.Identifiers.RohiniID = "8900080336704" }, policy: rohiniWithPayerApproval(),
			want: want{outcome: verifier.Invalid, msg: "rohini id: application \"8900080336704\", the payer's proof \"8900080412156\""}},
		{name: "same licence, another pincode", proof: ed(claims(func(c map[string]any) { c["pincode"] = "562110" })),
			want: want{outcome: verifier.Invalid, msg: "names another facility — pincode"}, proofW: want{outcome: verifier.Invalid}},
		{name: "named only by name", proof: ed(claims(drop("pincode", "facility_licence"))),
			want: want{outcome: verifier.Invalid, msg: "does not name this facility"}, proofW: want{outcome: verifier.Invalid, msg: "does not name this facility"}},
		{name: "named by nothing", proof: ed(claims(drop("pincode", "facility_licence", "participant_name"))),
			want: want{outcome: verifier.Invalid, msg: "does not name this facility"}, proofW: want{outcome: verifier.Invalid}},

		// The name alone differs: the facility is found by licence or
		// place, written another way; a person looks.
		{name: "licence matches, the name differs", proof: ed(claims(func(c map[string]any) { c["participant_name"] = "Shanti Hospital & Research Centre" })),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `names the facility "Shanti Hospital & Research Centre"`,
				findings: with(bound, "name", false)}, proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},
		{name: "pincode matches, the name differs", proof: ed(claims(func(c map[string]any) {
			delete(c, "facility_licence")
			c["participant_name"] = "Shanthi Hospital"
		})), want: want{outcome: verifier.Pending, task: verifier.TaskReview}, proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},
		{name: "the name written another way is the same", proof: ed(claims(func(c map[string]any) { c["participant_name"] = "SHANTI COMMUNITY HOSP." })),
			want: want{outcome: verifier.Satisfied}, proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},

		// The contract.
		{name: "contract ended", proof: ed(claims(func(c map[string]any) { c["valid_until"] = "2026-05-31" })),
			want:   want{outcome: verifier.Invalid, msg: "ended on 2026-05-31", findings: map[string]bool{"payer": true, "empanelment_id": true, "valid_until": false}},
			proofW: want{outcome: verifier.Invalid, msg: "ended on 2026-05-31"}},
		{name: "contract valid through today", proof: ed(claims(func(c map[string]any) { c["valid_until"] = "2026-06-01" })),
			want: want{outcome: verifier.Satisfied}, proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},
		{name: "contract suspended", proof: ed(claims(func(c map[string]any) { c["status"] = "Suspended" })),
			want:   want{outcome: verifier.Invalid, msg: `the contract with the payer is "Suspended", not active`, findings: map[string]bool{"payer": true, "empanelment_id": true, "valid_until": true, "status": false}},
			proofW: want{outcome: verifier.Invalid}},
		{name: "contract end not a date", proof: ed(claims(func(c map[string]any) { c["valid_until"] = "31/12/2027" })),
			want: want{outcome: verifier.Invalid, msg: "not a date in YYYY-MM-DD form"}, proofW: want{outcome: verifier.Invalid}},
		{name: "no contract claims", proof: ed(claims(drop("valid_until", "status"))),
			want: want{outcome: verifier.Satisfied, findings: with(bound, "valid_until", nil, "status", nil)}, proofW: want{outcome: verifier.Satisfied}, claims: []string{key}},
		{name: "a jti with a control character", proof: ed(claims(func(c map[string]any) { c["jti"] = "proof\x00-1" })),
			want: want{outcome: verifier.Invalid, msg: "control character"}, proofW: want{outcome: verifier.Invalid}},
		{name: "a pincode that is an object", proof: ed(claims(func(c map[string]any) { c["pincode"] = map[string]any{"pin": 562114} })),
			want: want{outcome: verifier.Invalid, msg: "not a JSON object of the expected claims"}, proofW: want{outcome: verifier.Invalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, "empanelled_provider_ready.json")
			app.Empanelment.Proof = tt.proof
			if tt.change != nil {
				tt.change(app)
			}
			opts := []verifier.Option{verifier.WithPayerDirectory(verifier.StaticPayerDirectory{testPayerCode: payerKey().Public()})}
			if tt.policy != nil {
				opts = append(opts, verifier.WithPolicy(*tt.policy))
			}
			r, err := trustedChecker(t, opts...).Verify(context.Background(), app)
			require.NoError(t, err)
			tt.want.id = verifier.ReqPayerApproval
			assertResult(t, r, tt.want)
			if tt.policy == nil {
				tt.proofW.id = verifier.ReqEmpanelmentProof
				assertResult(t, r, tt.proofW)
			}
			res, _ := r.Result(verifier.ReqPayerApproval)
			assert.Equal(t, tt.claims, res.Claims, "a proof is claimed once its signature is verified, never when it is refused")
		})
	}

	t.Run("no claim before the signature is checked", func(t *testing.T) {
		t.Parallel()
		app := loadApp(t, "empanelled_provider_ready.json")
		r, err := trustedChecker(t).Verify(context.Background(), app)
		require.NoError(t, err)
		assertResult(t, r, want{id: verifier.ReqPayerApproval, outcome: verifier.Pending, task: verifier.TaskApproval, findings: bound})
		res, _ := r.Result(verifier.ReqPayerApproval)
		assert.Empty(t, res.Claims)
	})
}

// rohiniWithPayerApproval is the rohini_provider policy of an operator that
// also asks the empanelling payer.
func rohiniWithPayerApproval() *verifier.Policy {
	p := verifier.DefaultPolicies()
	approval, _ := p[verifier.CategoryEmpanelledProvider].Requirement(verifier.ReqPayerApproval)
	rp := p[verifier.CategoryRohiniProvider].With(approval)
	return &rp
}

// A licence number written with spaces where the payer's proof has
// slashes is the same licence, as one written with hyphens is: the proof
// binds. One whose parts differ is another facility's.
func TestEmpanelmentLicenceWrittenAnotherWay(t *testing.T) {
	t.Parallel()
	base := loadApp(t, "empanelled_provider_ready.json")
	c := verifier.StaticPayerDirectory{testPayerCode: payerKey().Public()}
	checker := offlineChecker(t, verifier.WithPayerDirectory(c))
	for given, want := range map[string]verifier.Outcome{
		"KPME BR 2020 0311":   verifier.Satisfied,
		"KPME  BR\t2020 0311": verifier.Satisfied,
		"KPMEBR20200311":      verifier.Invalid,
		"kpme br/2020-0311":   verifier.Satisfied,
		"KPME/BR/2020/0311":   verifier.Satisfied,
		"KPME BR 2020 0312":   verifier.Invalid,
		"KPME/BN/2019/0042":   verifier.Invalid,
	} {
		app := base.Clone()
		claims := proofClaims(app) // names the licence as KPME/BR/2020/0311
		delete(claims, "participant_name")
		delete(claims, "pincode")
		app.Empanelment.Proof = signProof(t, payerKey(), jwa.EdDSA, verifier.EmpanelmentProofType, claims)
		app.Identifiers.FacilityLicence.Number = given
		rep, err := checker.Verify(context.Background(), app)
		require.NoError(t, err)
		res, ok := rep.Result(verifier.ReqPayerApproval)
		require.True(t, ok)
		assert.Equal(t, want, res.Outcome, "%q: %s", given, res.Message)
	}
}
