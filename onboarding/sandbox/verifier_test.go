package sandbox

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

var (
	provider = hcxonboard.RoleProvider
	hospital = hcxonboard.RoleHospital
	payer    = hcxonboard.RolePayer
)

func TestVerifyEachAlgorithm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key string
		opts      []IssuerOption
		wantAlg   string
	}{
		{"EdDSA", "ed25519", nil, "EdDSA"},
		{"ES256", "p256", nil, "ES256"},
		{"ES384", "p384", nil, "ES384"},
		{"RS256", "rsa2048", nil, "RS256"},
		{"PS256", "rsa2048", []IssuerOption{WithAlgorithm(jwa.PS256)}, "PS256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := newTestIssuer(t, "sbx-"+tt.name, tt.key, tt.opts...)
			require.Equal(t, tt.wantAlg, iss.Algorithm())
			v := newTestVerifier(t, WithTrustList(trustListOf(t, trusted(t, iss, provider, payer))))
			want := baseClaims(provider)
			tok := issue(t, iss, want)

			cert, err := v.Verify(context.Background(), tok, []hcxonboard.Role{hospital})
			require.NoError(t, err)
			assert.True(t, cert.Trusted)
			assert.Equal(t, tt.wantAlg, cert.Algorithm)
			assert.Equal(t, iss.KeyID(), cert.KeyID)
			assert.Equal(t, iss.ID(), cert.Issuer)
			assert.Equal(t, want.Subject, cert.Subject)
			assert.Equal(t, want.IssuedAt, cert.IssuedAt)
			assert.Equal(t, want.IssuedAt, cert.NotBefore)
			assert.Equal(t, want.Expiry, cert.Expiry)
			assert.Equal(t, []hcxonboard.Role{provider}, cert.Roles)
			assert.Equal(t, want.ParticipantName, cert.ParticipantName)
			assert.Equal(t, want.Solution, cert.Solution)
			assert.NotEmpty(t, cert.ID)

			// The same certificate with one payload byte changed must fail.
			_, err = v.Verify(context.Background(), tamperPayload(t, tok), []hcxonboard.Role{hospital})
			require.ErrorIs(t, err, ErrSignature)
		})
	}
}

// tamperPayload rewrites the certificate's roles to payer, keeping the
// original header and signature.
func tamperPayload(t testing.TB, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	m["hcx_roles"] = []string{"provider", "payer"}
	parts[1] = seg(jsonText(t, m))
	return strings.Join(parts, ".")
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	good := newTestIssuer(t, "sbx-good", "ed25519")
	rsaIss := newTestIssuer(t, "sbx-rsa", "rsa2048")
	psIss := newTestIssuer(t, "sbx-ps", "rsa2048", WithAlgorithm(jwa.PS256))
	list := trustListOf(t,
		trusted(t, good, provider, payer),
		trusted(t, rsaIss, provider),
		trusted(t, psIss, provider),
	)
	// The attacker's issuers claim trusted names but hold other keys.
	impostor := newTestIssuer(t, "sbx-good", "ed25519b")
	rsImpostor := newTestIssuer(t, "sbx-ps", "rsa2048") // same key as sbx-ps, RS256 instead of PS256
	ecImpostor := newTestIssuer(t, "sbx-rsa", "p256")
	stranger := newTestIssuer(t, "sbx-unknown", "ed25519b")

	edPub := rawKey("ed25519").(ed25519.PrivateKey).Public().(ed25519.PublicKey)
	rsaDER, err := x509.MarshalPKIXPublicKey(&rawKey("rsa2048").(*rsa.PrivateKey).PublicKey)
	require.NoError(t, err)
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaDER})
	goodJWKS, err := good.PublicJWKS()
	require.NoError(t, err)
	goodJWKSJSON, err := json.Marshal(goodJWKS)
	require.NoError(t, err)
	hs256 := func(secret []byte) func([]byte) []byte {
		return func(in []byte) []byte {
			m := hmac.New(sha256.New, secret)
			m.Write(in)
			return m.Sum(nil)
		}
	}
	signedBy := func(hdr, payload string) string { return craft(hdr, payload, ed25519Signer("ed25519")) }
	goodHdr := func(mutate func(map[string]any)) string { return headerJSON(t, "EdDSA", good.KeyID(), mutate) }
	goodPayload := func(mutate func(map[string]any)) string { return payloadJSON(t, "sbx-good", mutate) }
	valid := issue(t, good, baseClaims(provider))

	revokedJTI := RevocationFunc(func(_ context.Context, issuer, jti string) (bool, error) {
		return issuer == "sbx-good" && jti == "revoked-1", nil
	})
	brokenRevocation := RevocationFunc(func(context.Context, string, string) (bool, error) {
		return false, errors.New("revocation service: connection refused")
	})

	tests := []struct {
		name    string
		token   string
		applied []hcxonboard.Role
		opts    []VerifierOption
		wantErr error
		wantMsg string
	}{
		// Algorithm attacks.
		{name: "alg none", token: craft(`{"alg":"none","typ":"hcx-sandbox-cert+jwt"}`, goodPayload(nil), nil),
			wantErr: ErrAlgorithm, wantMsg: `"none"`},
		{name: "alg None spelled differently", token: craft(`{"alg":"None","typ":"hcx-sandbox-cert+jwt"}`, goodPayload(nil), nil),
			wantErr: ErrAlgorithm, wantMsg: `"None"`},
		{name: "no alg", token: craft(`{"typ":"hcx-sandbox-cert+jwt"}`, goodPayload(nil), nil),
			wantErr: ErrAlgorithm, wantMsg: "no alg"},
		{name: "HS256 keyed with the issuer's Ed25519 public key bytes",
			token:   craft(headerJSON(t, "HS256", good.KeyID(), nil), goodPayload(nil), hs256(edPub)),
			wantErr: ErrAlgorithm, wantMsg: `"HS256"`},
		{name: "HS256 keyed with the issuer's RSA public key PEM",
			token:   craft(headerJSON(t, "HS256", rsaIss.KeyID(), nil), payloadJSON(t, "sbx-rsa", nil), hs256(rsaPEM)),
			wantErr: ErrAlgorithm, wantMsg: `"HS256"`},
		{name: "HS256 keyed with the issuer's JWKS JSON",
			token:   craft(headerJSON(t, "HS256", "", nil), goodPayload(nil), hs256(goodJWKSJSON)),
			wantErr: ErrAlgorithm},
		{name: "RS384 is not on the allow-list", token: craft(headerJSON(t, "RS384", "", nil), goodPayload(nil), nil),
			wantErr: ErrAlgorithm, wantMsg: "accepted: EdDSA, ES256, ES384, RS256, PS256"},
		{name: "ES256 header against an RSA-only issuer",
			token:   issue(t, ecImpostor, baseClaims()),
			wantErr: ErrSignature, wantMsg: `sandbox operator "sbx-rsa" has no key with kid`},
		{name: "RS256 with a key the trust list pins to PS256",
			token:   issue(t, rsImpostor, baseClaims()),
			wantErr: ErrSignature, wantMsg: `of sandbox operator "sbx-ps" is pinned to PS256, the certificate is signed RS256`},

		// Type.
		{name: "typ JWT", token: signedBy(goodHdr(func(m map[string]any) { m["typ"] = "JWT" }), goodPayload(nil)),
			wantErr: ErrType, wantMsg: `typ is "JWT", want "hcx-sandbox-cert+jwt"`},
		{name: "no typ", token: signedBy(goodHdr(func(m map[string]any) { delete(m, "typ") }), goodPayload(nil)),
			wantErr: ErrType, wantMsg: "no typ"},

		// Issuer and key.
		{name: "unknown issuer", token: issue(t, stranger, baseClaims()),
			wantErr: ErrUntrustedIssuer, wantMsg: `"sbx-unknown"`},
		{name: "trusted name signed by another key", token: issue(t, impostor, baseClaims()),
			wantErr: ErrSignature, wantMsg: `kid`},
		{name: "trusted name and kid signed by another key",
			token:   craft(goodHdr(nil), goodPayload(nil), ed25519Signer("ed25519b")),
			wantErr: ErrSignature, wantMsg: `of sandbox operator "sbx-good" does not verify it`},
		{name: "trusted name without kid signed by another key",
			token:   craft(headerJSON(t, "EdDSA", "", nil), goodPayload(nil), ed25519Signer("ed25519b")),
			wantErr: ErrSignature, wantMsg: `no key of sandbox operator "sbx-good" verifies it`},
		{name: "no kid and no key of the header's type",
			token:   craft(headerJSON(t, "ES256", "", nil), payloadJSON(t, "sbx-rsa", nil), es256Signer(t, "p256")),
			wantErr: ErrSignature, wantMsg: `sandbox operator "sbx-rsa" has no EC P-256 key for ES256`},
		{name: "unknown kid", token: signedBy(goodHdr(func(m map[string]any) { m["kid"] = "rotated-away" }), goodPayload(nil)),
			wantErr: ErrSignature, wantMsg: `sandbox operator "sbx-good" has no key with kid "rotated-away"`},

		// Tampering.
		{name: "payload tampered after signing", token: tamperPayload(t, valid),
			wantErr: ErrSignature},
		{name: "signature tampered", token: flipLastSignatureByte(valid),
			wantErr: ErrSignature},
		{name: "header tampered", token: swapHeader(t, valid, goodHdr(func(m map[string]any) { m["cty"] = "x" })),
			wantErr: ErrSignature},

		// Time window.
		{name: "expired",
			token:   signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["exp"] = t0.Add(-2 * time.Minute).Unix() })),
			wantErr: ErrExpired, wantMsg: "sandbox: certificate expired at 2025-12-31T23:58:00Z"},
		{name: "expired just beyond a custom skew", opts: []VerifierOption{WithSkew(10 * time.Second)},
			token:   signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["exp"] = t0.Add(-11 * time.Second).Unix() })),
			wantErr: ErrExpired},
		{name: "not yet valid",
			token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) {
				m["nbf"] = t0.Add(2 * time.Hour).Unix()
				m["iat"] = t0.Unix()
			})),
			wantErr: ErrNotYetValid, wantMsg: "valid from 2026-01-01T02:00:00Z"},
		{name: "issued in the future, no nbf",
			token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) {
				delete(m, "nbf")
				m["iat"] = t0.Add(time.Hour).Unix()
			})),
			wantErr: ErrNotYetValid},

		// Roles.
		{name: "role not covered", applied: []hcxonboard.Role{hospital},
			token:   signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["hcx_roles"] = []string{"payer"} })),
			wantErr: ErrRoleNotCovered, wantMsg: "sandbox: role provider.hospital is not among the certified roles [payer]"},
		{name: "a sub-role does not cover its parent", applied: []hcxonboard.Role{provider},
			token:   signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["hcx_roles"] = []string{"provider.hospital"} })),
			wantErr: ErrRoleNotCovered},
		{name: "issuer not allowed for the role", applied: []hcxonboard.Role{payer},
			token:   issue(t, rsaIss, baseClaims(payer)),
			wantErr: ErrIssuerNotAllowed, wantMsg: `sandbox operator "sbx-rsa" may not certify role payer: the trust list allows it [provider]`},

		// Revocation.
		{name: "revoked jti", opts: []VerifierOption{WithRevocation(revokedJTI)},
			token:   signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["jti"] = "revoked-1" })),
			wantErr: ErrRevoked, wantMsg: `certificate "revoked-1" of sandbox operator "sbx-good"`},
		{name: "revocation check failing", opts: []VerifierOption{WithRevocation(brokenRevocation)},
			token: valid, wantErr: ErrRevocationUnavailable, wantMsg: "connection refused"},

		// Structure.
		{name: "empty", token: "  ", wantErr: ErrMalformed, wantMsg: "empty"},
		{name: "two parts", token: seg(goodHdr(nil)) + "." + seg(goodPayload(nil)), wantErr: ErrMalformed, wantMsg: "this has 2"},
		{name: "JWE-like five parts", token: valid + ".x.y", wantErr: ErrMalformed, wantMsg: "this has 5"},
		{name: "JSON serialization", token: `{"payload":"x","signatures":[]}`, wantErr: ErrMalformed, wantMsg: "compact"},
		{name: "too large", token: strings.Repeat("a", MaxCertificateSize+1), wantErr: ErrMalformed, wantMsg: "bytes"},
		{name: "padded base64 header", token: seg(goodHdr(nil)) + "=." + seg(goodPayload(nil)) + ".AA",
			wantErr: ErrMalformed, wantMsg: "character '=' in the header"},
		{name: "padded standard base64 signature", token: stdSignature(valid),
			wantErr: ErrMalformed, wantMsg: "in the signature"},
		{name: "non-canonical base64url", token: lastCharBumped(valid), wantErr: ErrMalformed, wantMsg: "signature is not unpadded base64url"},
		{name: "line break inside the signature", token: valid[:len(valid)-10] + "\n" + valid[len(valid)-10:],
			wantErr: ErrMalformed, wantMsg: `character '\n' in the signature`},
		{name: "header not an object", token: craft(`["EdDSA"]`, goodPayload(nil), nil), wantErr: ErrMalformed, wantMsg: "not a JSON object"},
		{name: "duplicate alg in header",
			token:   craft(`{"alg":"EdDSA","typ":"hcx-sandbox-cert+jwt","alg":"none"}`, goodPayload(nil), ed25519Signer("ed25519")),
			wantErr: ErrMalformed, wantMsg: `"alg" appears twice`},
		{name: "alg spelt in upper case",
			token:   craft(`{"ALG":"EdDSA","typ":"hcx-sandbox-cert+jwt"}`, goodPayload(nil), ed25519Signer("ed25519")),
			wantErr: ErrMalformed, wantMsg: `must be spelt "alg"`},
		{name: "crit header", token: signedBy(goodHdr(func(m map[string]any) { m["crit"] = []string{"exp"} }), goodPayload(nil)),
			wantErr: ErrMalformed, wantMsg: "critical"},
		{name: "b64 header", token: signedBy(goodHdr(func(m map[string]any) { m["b64"] = false }), goodPayload(nil)),
			wantErr: ErrMalformed, wantMsg: "b64"},
		{name: "empty kid", token: signedBy(goodHdr(func(m map[string]any) { m["kid"] = "" }), goodPayload(nil)),
			wantErr: ErrMalformed, wantMsg: "kid is empty"},
		{name: "signature of the wrong size", token: seg(goodHdr(nil)) + "." + seg(goodPayload(nil)) + ".AAAA",
			wantErr: ErrMalformed, wantMsg: "a 3-byte signature is impossible for EdDSA"},
		{name: "duplicate iss in claims",
			token:   signedBy(goodHdr(nil), strings.Replace(goodPayload(nil), `{`, `{"iss":"sbx-evil",`, 1)),
			wantErr: ErrMalformed, wantMsg: `"iss" appears twice`},
		{name: "duplicate iss hidden by an escape",
			token:   signedBy(goodHdr(nil), strings.Replace(goodPayload(nil), `{`, `{"i\u0073s":"sbx-evil",`, 1)),
			wantErr: ErrMalformed, wantMsg: `"iss" appears twice`},
		{name: "iss spelt in upper case",
			token:   signedBy(goodHdr(nil), strings.Replace(goodPayload(nil), `{`, `{"ISS":"sbx-evil",`, 1)),
			wantErr: ErrMalformed, wantMsg: `must be spelt "iss"`},
		{name: "claims missing", token: signedBy(goodHdr(nil), `{"iss":"sbx-good","hcx_roles":[]}`),
			wantErr: ErrMalformed, wantMsg: "required claims missing or empty: sub, jti, exp, hcx_roles"},
		{name: "exp not a number", token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["exp"] = "tomorrow" })),
			wantErr: ErrMalformed, wantMsg: "want a number of seconds"},
		{name: "exp not after nbf",
			token:   signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["exp"] = m["nbf"] })),
			wantErr: ErrMalformed, wantMsg: "is not after"},
		{name: "unknown role", token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["hcx_roles"] = []string{"provider", "astronaut"} })),
			wantErr: hcxonboard.ErrUnknownRole, wantMsg: `hcx_roles[1]`},
		{name: "hcx_roles not an array", token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["hcx_roles"] = "provider" })),
			wantErr: ErrMalformed, wantMsg: "hcx_roles"},
		{name: "payload not JSON", token: signedBy(goodHdr(nil), `not json`), wantErr: ErrMalformed, wantMsg: "claims"},
		{name: "trailing data after claims", token: signedBy(goodHdr(nil), goodPayload(nil)+`{}`), wantErr: ErrMalformed, wantMsg: "data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]VerifierOption{WithTrustList(list)}, tt.opts...)
			v := newTestVerifier(t, opts...)
			applied := tt.applied
			if applied == nil {
				applied = []hcxonboard.Role{provider}
			}
			cert, err := v.Verify(context.Background(), tt.token, applied)
			require.Error(t, err)
			assert.Nil(t, cert)
			require.ErrorIs(t, err, tt.wantErr)
			t.Log(err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Equal(t, 1, sentinelsMatched(err), "exactly one verification sentinel: %v", err)
			if tok := strings.TrimSpace(tt.token); tok != "" {
				assert.NotContains(t, err.Error(), tok, "the token must not appear in errors")
			}
		})
	}
}

// es256Signer and es384Signer sign in JWS form: r then s, fixed width.
func es256Signer(t testing.TB, key string) func([]byte) []byte {
	return func(in []byte) []byte {
		h := sha256.Sum256(in)
		return ecdsaJWS(t, key, h[:], 32)
	}
}

func es384Signer(t testing.TB, key string) func([]byte) []byte {
	return func(in []byte) []byte {
		h := sha512.Sum384(in)
		return ecdsaJWS(t, key, h[:], 48)
	}
}

func ecdsaJWS(t testing.TB, key string, digest []byte, size int) []byte {
	r, s, err := ecdsa.Sign(rand.Reader, rawKey(key).(*ecdsa.PrivateKey), digest)
	require.NoError(t, err)
	return append(r.FillBytes(make([]byte, size)), s.FillBytes(make([]byte, size))...)
}

// sentinelsMatched counts the verification sentinels err matches; callers
// branch on them, so a failure should match exactly one.
func sentinelsMatched(err error) int {
	n := 0
	for _, s := range []error{ErrMalformed, ErrAlgorithm, ErrType, ErrUntrustedIssuer, ErrSignature, ErrIssuerNotAllowed,
		ErrExpired, ErrNotYetValid, ErrRoleNotCovered, ErrRevoked, ErrRevocationUnavailable, ErrKeysUnavailable} {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}

// lastCharBumped sets unused low bits in the signature's last character,
// which a lenient decoder would ignore.
func lastCharBumped(tok string) string {
	last := tok[len(tok)-1]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, last)
	return tok[:len(tok)-1] + string(alphabet[i|1])
}

func stdSignature(tok string) string {
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		panic(err)
	}
	return tok[:i+1] + base64.StdEncoding.EncodeToString(sig)
}

func flipLastSignatureByte(tok string) string {
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		panic(err)
	}
	sig[len(sig)-1] ^= 0x01
	return tok[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

func swapHeader(t testing.TB, tok, header string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	parts[0] = seg(header)
	return strings.Join(parts, ".")
}

func TestVerifyAccepts(t *testing.T) {
	t.Parallel()
	good := newTestIssuer(t, "sbx-good", "ed25519")
	ec := newTestIssuer(t, "sbx-ec", "p256")
	list := trustListOf(t, trusted(t, good, provider, payer), trusted(t, ec, hcxonboard.RoleBSP))
	signedBy := func(hdr, payload string) string { return craft(hdr, payload, ed25519Signer("ed25519")) }
	goodHdr := func(mutate func(map[string]any)) string { return headerJSON(t, "EdDSA", good.KeyID(), mutate) }
	goodPayload := func(mutate func(map[string]any)) string { return payloadJSON(t, "sbx-good", mutate) }
	never := RevocationFunc(func(context.Context, string, string) (bool, error) { return false, nil })

	tests := []struct {
		name      string
		token     string
		applied   []hcxonboard.Role
		opts      []VerifierOption
		wantRoles []hcxonboard.Role
	}{
		{name: "parent role covers a sub-role", token: issue(t, good, baseClaims(provider)),
			applied: []hcxonboard.Role{hospital, hcxonboard.RolePharmacy}, wantRoles: []hcxonboard.Role{provider}},
		{name: "exact role", token: issue(t, good, baseClaims(payer)), applied: []hcxonboard.Role{payer}},
		{name: "several roles", token: issue(t, good, baseClaims(provider, payer)), applied: []hcxonboard.Role{payer, hospital}},
		{name: "no applied roles checks validity only", token: issue(t, good, baseClaims(payer))},
		{name: "applied role given as an alias", token: issue(t, good, baseClaims(payer)), applied: []hcxonboard.Role{"payor"}},
		{name: "hcx_roles with deployed spellings",
			token:   signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["hcx_roles"] = []string{"payor", "10001"} })),
			applied: []hcxonboard.Role{payer, hospital}, wantRoles: []hcxonboard.Role{payer, provider}},
		{name: "no kid: the issuer's keys are tried", token: signedBy(headerJSON(t, "EdDSA", "", nil), goodPayload(nil))},
		{name: "typ with application/ prefix and other case",
			token: signedBy(goodHdr(func(m map[string]any) { m["typ"] = "application/HCX-Sandbox-Cert+JWT" }), goodPayload(nil))},
		{name: "expired within the skew",
			token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["exp"] = t0.Add(-59 * time.Second).Unix() }))},
		{name: "not yet valid within the skew",
			token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["nbf"] = t0.Add(59 * time.Second).Unix() }))},
		{name: "fractional dates", token: signedBy(goodHdr(nil), goodPayload(func(m map[string]any) { m["exp"] = float64(t0.Unix()) + 3600.5 }))},
		{name: "unknown claims and headers are ignored",
			token: signedBy(goodHdr(func(m map[string]any) { m["x-extra"] = 1 }), goodPayload(func(m map[string]any) { m["aud"] = "hcx" }))},
		{name: "not revoked", token: issue(t, good, baseClaims()), opts: []VerifierOption{WithRevocation(never)}},
		{name: "second issuer on the list", token: issue(t, ec, baseClaims(hcxonboard.RoleBSP)), applied: []hcxonboard.Role{"BSP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]VerifierOption{WithTrustList(list)}, tt.opts...)
			v := newTestVerifier(t, opts...)
			cert, err := v.Verify(context.Background(), tt.token, tt.applied)
			require.NoError(t, err)
			assert.True(t, cert.Trusted)
			if tt.wantRoles != nil {
				assert.Equal(t, tt.wantRoles, cert.Roles)
			}
		})
	}
}

func TestVerifyWithoutTrustListIsPending(t *testing.T) {
	t.Parallel()
	known := newTestIssuer(t, "sbx-any", "ed25519")
	unknown := newTestIssuer(t, "sbx-elsewhere", "p384")
	revokeAll := RevocationFunc(func(context.Context, string, string) (bool, error) { return true, nil })
	expired := baseClaims()
	expired.Expiry = t0.Add(-time.Hour)
	expired.IssuedAt = t0.Add(-2 * time.Hour)

	tests := []struct {
		name    string
		token   string
		applied []hcxonboard.Role
		opts    []VerifierOption
		wantErr error
	}{
		{name: "valid certificate", token: issue(t, known, baseClaims()), applied: []hcxonboard.Role{hospital}},
		{name: "any signer: the signature cannot be checked", token: issue(t, unknown, baseClaims())},
		{name: "forged signature bytes are still not checked", token: flipLastSignatureByte(issue(t, known, baseClaims()))},
		{name: "expired", token: issue(t, known, expired), wantErr: ErrExpired},
		{name: "role not covered", token: issue(t, known, baseClaims(payer)), applied: []hcxonboard.Role{hospital}, wantErr: ErrRoleNotCovered},
		{name: "alg none", token: craft(`{"alg":"none","typ":"hcx-sandbox-cert+jwt"}`, payloadJSON(t, "sbx-any", nil), nil), wantErr: ErrAlgorithm},
		{name: "wrong typ", token: craft(headerJSON(t, "EdDSA", "", func(m map[string]any) { m["typ"] = "JWT" }), payloadJSON(t, "sbx-any", nil), ed25519Signer("ed25519")),
			wantErr: ErrType},
		{name: "revoked", token: issue(t, known, baseClaims()), opts: []VerifierOption{WithRevocation(revokeAll)}, wantErr: ErrRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newTestVerifier(t, tt.opts...)
			cert, err := v.Verify(context.Background(), tt.token, tt.applied)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, cert)
				return
			}
			require.NoError(t, err)
			assert.False(t, cert.Trusted, "without a trust list nothing is trusted")
			assert.NotEmpty(t, cert.Issuer)
		})
	}
}

func TestVerifyReportsEveryUncoveredRole(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-1", "ed25519")
	v := newTestVerifier(t, WithTrustList(trustListOf(t, trusted(t, iss, provider))))
	tok := issue(t, iss, baseClaims(provider, payer))

	_, err := v.Verify(context.Background(), tok, []hcxonboard.Role{hospital, payer, hcxonboard.RoleTPA})
	require.ErrorIs(t, err, ErrIssuerNotAllowed)
	require.ErrorIs(t, err, ErrRoleNotCovered)
	var re *RoleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, payer, re.Role)
	assert.Equal(t, "sbx-1", re.Issuer)
	assert.Equal(t, []hcxonboard.Role{provider}, re.Have)
	assert.Contains(t, err.Error(), "role agency.tpa is not among the certified roles [provider payer]")
	assert.NotContains(t, err.Error(), "provider.hospital", "a covered role is not reported")
}

func TestVerifyInputErrors(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-1", "ed25519")
	v := newTestVerifier(t, WithTrustList(trustListOf(t, trusted(t, iss, provider))))
	tok := issue(t, iss, baseClaims())

	_, err := v.Verify(context.Background(), tok, []hcxonboard.Role{"astronaut"})
	require.ErrorIs(t, err, hcxonboard.ErrUnknownRole)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = v.Verify(ctx, tok, nil)
	require.ErrorIs(t, err, context.Canceled)

	_, err = v.Verify(context.Background(), tok, nil)
	require.NoError(t, err)
}

func TestNewVerifierOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  VerifierOption
		ok   bool
	}{
		{"skew zero", WithSkew(0), true},
		{"skew max", WithSkew(MaxSkew), true},
		{"skew too large", WithSkew(MaxSkew + time.Second), false},
		{"skew negative", WithSkew(-time.Second), false},
		{"nil clock", WithClock(nil), false},
		{"nil revocation", WithRevocation(nil), false},
		{"nil trust list", WithTrustList(nil), false},
		{"empty trust list", WithTrustList(&TrustList{}), false},
		{"nil http client", WithHTTPClient(nil), false},
		{"ttl too short", WithJWKSCacheTTL(time.Millisecond), false},
		{"ttl", WithJWKSCacheTTL(time.Minute), true},
		{"nil option is skipped", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := NewVerifier(tt.opt)
			if tt.ok {
				require.NoError(t, err)
				assert.NotNil(t, v)
				return
			}
			require.Error(t, err)
			assert.Nil(t, v)
		})
	}
}

// The key type is checked before use: a P-256 trust-list key never meets a
// P-384 signature, even under its own kid.
func TestVerifyECCurveMustMatchAlgorithm(t *testing.T) {
	t.Parallel()
	p256 := newTestIssuer(t, "sbx-ec", "p256")
	v := newTestVerifier(t, WithTrustList(trustListOf(t, trusted(t, p256, provider))))

	_, err := v.Verify(context.Background(), issue(t, p256, baseClaims()), nil)
	require.NoError(t, err)

	forged := craft(headerJSON(t, "ES384", p256.KeyID(), nil), payloadJSON(t, "sbx-ec", nil), es384Signer(t, "p384"))
	_, err = v.Verify(context.Background(), forged, nil)
	require.ErrorIs(t, err, ErrSignature)
	assert.Contains(t, err.Error(), `of sandbox operator "sbx-ec" is an EC P-256 key, the certificate is signed ES384`)
}
