package credential

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

const testCode = "hosp_rakshi_012345@hcx"

var testRoles = []hcxonboard.Role{hcxonboard.RoleHospital, hcxonboard.RolePayer}

func edKey(t testing.TB, seed byte) jwk.Key {
	t.Helper()
	k, err := GenerateEd25519Key(seeded(seed))
	require.NoError(t, err)
	return k
}

var rsaKeys = sync.OnceValues(func() ([]*rsa.PrivateKey, error) {
	var keys []*rsa.PrivateKey
	for _, bits := range []int{2048, 1024} {
		k, err := rsa.GenerateKey(crand.Reader, bits)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
})

func rsaKey(t testing.TB, bits int) (*rsa.PrivateKey, jwk.Key) {
	t.Helper()
	keys, err := rsaKeys()
	require.NoError(t, err)
	for _, k := range keys {
		if k.N.BitLen() == bits {
			j, err := jwk.FromRaw(k)
			require.NoError(t, err)
			return k, j
		}
	}
	t.Fatalf("no %d-bit test key", bits)
	return nil, nil
}

func newTestTokens(t testing.TB, key jwk.Key, opts ...TokenOption) (*Tokens, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	tk, err := NewTokens(key, append([]TokenOption{WithClock(clock.Now)}, opts...)...)
	require.NoError(t, err)
	return tk, clock
}

func rawEd(t testing.TB, key jwk.Key) ed25519.PrivateKey {
	t.Helper()
	var priv ed25519.PrivateKey
	require.NoError(t, key.Raw(&priv))
	return priv
}

// craft builds a compact JWS by hand from any header and claims, signing
// the signing input with sign (nil: no signature).
func craft(t testing.TB, header, claims any, sign func(input []byte) []byte) string {
	t.Helper()
	enc := func(v any) string {
		if s, ok := v.(string); ok {
			return base64.RawURLEncoding.EncodeToString([]byte(s))
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func edSigner(priv ed25519.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte { return ed25519.Sign(priv, in) }
}

func hs256(secret []byte) func([]byte) []byte {
	return func(in []byte) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write(in)
		return m.Sum(nil)
	}
}

func validClaims(now time.Time) map[string]any {
	return map[string]any{
		"iss": DefaultIssuer, "aud": []string{DefaultIssuer},
		"sub": testCode, "participant_code": testCode,
		"iat": now.Unix(), "exp": now.Unix() + 3600, "jti": "6f1c2d1e-0000-4000-8000-000000000001",
		"realm_access": map[string]any{"participant_roles": []string{"provider.hospital"}},
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestTokenRoundTrip(t *testing.T) {
	t.Parallel()
	key := edKey(t, 1)
	tk, clock := newTestTokens(t, key)
	tok, err := tk.Issue(testCode, testRoles)
	require.NoError(t, err)

	assert.Equal(t, clock.Now(), tok.IssuedAt)
	assert.Equal(t, clock.Now().Add(DefaultTokenTTL), tok.ExpiresAt)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, tok.ID)

	claims, err := tk.Verify(context.Background(), tok.Value)
	require.NoError(t, err)
	assert.Equal(t, &TokenClaims{
		Issuer: "hcx", Subject: testCode, ID: tok.ID, Audience: []string{"hcx"},
		IssuedAt: tok.IssuedAt, ExpiresAt: tok.ExpiresAt,
		ParticipantCode: testCode, Roles: testRoles,
	}, claims)
}

// The wire format: header and claim names, and iat/exp as whole seconds.
func TestTokenWireFormat(t *testing.T) {
	t.Parallel()
	tk, clock := newTestTokens(t, edKey(t, 1), WithIssuer("hcxgateway@hcx"), WithAudience("hcx-api", "hcx-portal"), WithTTL(2*time.Hour))
	tok, err := tk.Issue(`quote"back\slash@hcx`, testRoles)
	require.NoError(t, err)
	parts := strings.Split(tok.Value, ".")
	require.Len(t, parts, 3)

	var header map[string]any
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &header))
	assert.Equal(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": tk.KeyID()}, header)

	raw, err = base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var claims map[string]any
	require.NoError(t, dec.Decode(&claims))
	assert.ElementsMatch(t, []string{"iss", "sub", "aud", "iat", "exp", "jti", "participant_code", "realm_access"}, keys(claims))
	assert.Equal(t, "hcxgateway@hcx", claims["iss"])
	assert.Equal(t, `quote"back\slash@hcx`, claims["sub"])
	assert.Equal(t, claims["sub"], claims["participant_code"])
	assert.Equal(t, []any{"hcx-api", "hcx-portal"}, claims["aud"])
	assert.Equal(t, tok.ID, claims["jti"])
	assert.Equal(t, map[string]any{"participant_roles": []any{"provider.hospital", "payer"}}, claims["realm_access"])
	// Seconds, not milliseconds: an integer equal to Unix().
	assert.Equal(t, json.Number(itoa(clock.Now().Unix())), claims["iat"])
	assert.Equal(t, json.Number(itoa(clock.Now().Add(2*time.Hour).Unix())), claims["exp"])

	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	assert.True(t, ed25519.Verify(rawEd(t, edKey(t, 1)).Public().(ed25519.PublicKey), []byte(parts[0]+"."+parts[1]), sig))

	got, err := tk.Verify(context.Background(), tok.Value)
	require.NoError(t, err)
	assert.Equal(t, `quote"back\slash@hcx`, got.ParticipantCode)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestTokenRejected(t *testing.T) {
	t.Parallel()
	key := edKey(t, 1)
	tk, clock := newTestTokens(t, key)
	priv := rawEd(t, key)
	pub := priv.Public().(ed25519.PublicKey)
	now := clock.Now()
	kid := tk.KeyID()
	hdr := map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": kid}
	good := validClaims(now)

	// Another key that claims the current kid, and one under its own kid.
	impostorKey := edKey(t, 2)
	require.NoError(t, impostorKey.Set(jwk.KeyIDKey, kid))
	impostor, _ := newTestTokens(t, impostorKey)
	byImpostor, err := impostor.Issue(testCode, testRoles)
	require.NoError(t, err)
	stranger, _ := newTestTokens(t, edKey(t, 3))
	byStranger, err := stranger.Issue(testCode, testRoles)
	require.NoError(t, err)

	// Same key, other issuer or audience.
	otherIss, _ := newTestTokens(t, key, WithIssuer("not-hcx"))
	byOtherIss, err := otherIss.Issue(testCode, testRoles)
	require.NoError(t, err)
	otherAud, _ := newTestTokens(t, key, WithAudience("elsewhere"))
	byOtherAud, err := otherAud.Issue(testCode, testRoles)
	require.NoError(t, err)

	issued, err := tk.Issue(testCode, testRoles)
	require.NoError(t, err)
	parts := strings.Split(issued.Value, ".")
	tamperedClaims := with(good, "realm_access", map[string]any{"participant_roles": []string{"HIE/HIO.HCX"}})
	tampered := parts[0] + "." + strings.Split(craft(t, hdr, tamperedClaims, nil), ".")[1] + "." + parts[2]
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[0] ^= 1
	flipped := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)

	pubJWK, err := jwk.FromRaw(pub)
	require.NoError(t, err)
	pubJSON, err := json.Marshal(pubJWK)
	require.NoError(t, err)

	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"one part", "abc"},
		{"two parts", "abc.def"},
		{"four parts", issued.Value + ".x"},
		{"no signature", parts[0] + "." + parts[1] + "."},
		{"too large", parts[0] + "." + strings.Repeat("A", MaxTokenSize) + "." + parts[2]},
		{"header not base64url", "!!." + parts[1] + "." + parts[2]},
		{"header not JSON", craft(t, "nope", good, edSigner(priv))},
		{"alg none, no signature", craft(t, map[string]any{"alg": "none", "typ": "JWT", "kid": kid}, good, nil)},
		{"alg none, junk signature", craft(t, map[string]any{"alg": "none", "typ": "JWT", "kid": kid}, good, func([]byte) []byte { return []byte("x") })},
		{"alg None", craft(t, map[string]any{"alg": "None", "typ": "JWT"}, good, func([]byte) []byte { return []byte("x") })},
		{"HS256 keyed with the raw public key", craft(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid}, good, hs256(pub))},
		{"HS256 keyed with the public JWK", craft(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid}, good, hs256(pubJSON))},
		{"HS512 without kid", craft(t, map[string]any{"alg": "HS512", "typ": "JWT"}, good, hs256(pub))},
		{"RS256 header on the EdDSA kid", craft(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": kid}, good, edSigner(priv))},
		{"ES256 header", craft(t, map[string]any{"alg": "ES256", "typ": "JWT", "kid": kid}, good, edSigner(priv))},
		{"no kid", craft(t, map[string]any{"alg": "EdDSA", "typ": "JWT"}, good, edSigner(priv))},
		{"embedded jwk is ignored, kid unknown", craft(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": "mine", "jwk": json.RawMessage(pubJSON)}, good, edSigner(rawEd(t, edKey(t, 2))))},
		{"wrong typ", craft(t, with(hdr, "typ", "hcx-sandbox-cert+jwt"), good, edSigner(priv))},
		{"no typ", craft(t, with(hdr, "typ", nil), good, edSigner(priv))},
		{"crit header", craft(t, with(hdr, "crit", []string{"exp"}), good, edSigner(priv))},
		{"signed by another key under our kid", byImpostor.Value},
		{"signed by an unknown key", byStranger.Value},
		{"tampered payload", tampered},
		{"flipped signature bit", flipped},
		{"wrong issuer", byOtherIss.Value},
		{"wrong audience", byOtherAud.Value},
		{"no iss", craft(t, hdr, with(good, "iss", nil), edSigner(priv))},
		{"no aud", craft(t, hdr, with(good, "aud", nil), edSigner(priv))},
		{"no sub", craft(t, hdr, with(good, "sub", nil), edSigner(priv))},
		{"no participant_code", craft(t, hdr, with(good, "participant_code", nil), edSigner(priv))},
		{"participant_code differs from sub", craft(t, hdr, with(good, "participant_code", "payr_other_1@hcx"), edSigner(priv))},
		{"no jti", craft(t, hdr, with(good, "jti", nil), edSigner(priv))},
		{"no iat", craft(t, hdr, with(good, "iat", nil), edSigner(priv))},
		{"no exp", craft(t, hdr, with(good, "exp", nil), edSigner(priv))},
		{"exp in milliseconds", craft(t, hdr, with(good, "exp", now.UnixMilli()+3600_000), edSigner(priv))},
		{"iat and exp in milliseconds", craft(t, hdr, with(good, "iat", now.UnixMilli(), "exp", now.UnixMilli()+3600_000), edSigner(priv))},
		{"exp a string", craft(t, hdr, with(good, "exp", "tomorrow"), edSigner(priv))},
		{"exp before iat", craft(t, hdr, with(good, "exp", now.Unix()-1), edSigner(priv))},
		{"lifetime over 24h", craft(t, hdr, with(good, "exp", now.Unix()+25*3600), edSigner(priv))},
		{"issued in the future", craft(t, hdr, with(good, "iat", now.Unix()+60, "exp", now.Unix()+3600), edSigner(priv))},
		{"not yet valid", craft(t, hdr, with(good, "nbf", now.Unix()+60), edSigner(priv))},
		{"no roles", craft(t, hdr, with(good, "realm_access", map[string]any{}), edSigner(priv))},
		{"unknown role", craft(t, hdr, with(good, "realm_access", map[string]any{"participant_roles": []string{"god"}}), edSigner(priv))},
		{"claims not an object", craft(t, hdr, []string{"a"}, edSigner(priv))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			claims, err := tk.Verify(context.Background(), tc.token)
			require.ErrorIs(t, err, ErrInvalidToken)
			assert.NotErrorIs(t, err, ErrTokenExpired)
			assert.Nil(t, claims)
			if len(tc.token) > 40 {
				assert.NotContains(t, err.Error(), tc.token[len(tc.token)-40:], "errors never quote the token")
			}
		})
	}

	// The hand-crafting itself is sound: the same recipe with the right key
	// and claims is accepted, aud as a single string included.
	for name, tok := range map[string]string{
		"crafted":           craft(t, hdr, good, edSigner(priv)),
		"aud as one string": craft(t, hdr, with(good, "aud", "hcx"), edSigner(priv)),
		"typ lower-case":    craft(t, with(hdr, "typ", "jwt"), good, edSigner(priv)),
		"nbf in the past":   craft(t, hdr, with(good, "nbf", now.Unix()-60), edSigner(priv)),
		"role alias":        craft(t, hdr, with(good, "realm_access", map[string]any{"participant_roles": []string{"payor"}}), edSigner(priv)),
	} {
		_, err := tk.Verify(context.Background(), tok)
		require.NoError(t, err, name)
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []TokenOption
		after   time.Duration
		expired bool
	}{
		{"fresh", nil, 0, false},
		{"last second", nil, time.Hour - time.Second, false},
		{"at exp", nil, time.Hour, true},
		{"long after", nil, 48 * time.Hour, true},
		{"custom TTL", []TokenOption{WithTTL(10 * time.Minute)}, 10 * time.Minute, true},
		{"inside leeway", []TokenOption{WithLeeway(30 * time.Second)}, time.Hour + 29*time.Second, false},
		{"past leeway", []TokenOption{WithLeeway(30 * time.Second)}, time.Hour + 30*time.Second, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tk, clock := newTestTokens(t, edKey(t, 1), tc.opts...)
			tok, err := tk.Issue(testCode, testRoles)
			require.NoError(t, err)
			clock.Advance(tc.after)
			claims, err := tk.Verify(context.Background(), tok.Value)
			if tc.expired {
				require.ErrorIs(t, err, ErrTokenExpired)
				require.ErrorIs(t, err, ErrInvalidToken)
				assert.Nil(t, claims)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tok.ID, claims.ID)
		})
	}
}

// Issue truncates iat to the second; a clock inside a second does not
// change that.
func TestTokenIssuedAtTruncated(t *testing.T) {
	t.Parallel()
	tk, clock := newTestTokens(t, edKey(t, 1))
	clock.Advance(900 * time.Millisecond)
	tok, err := tk.Issue(testCode, testRoles)
	require.NoError(t, err)
	assert.Equal(t, clock.Now().Truncate(time.Second), tok.IssuedAt)
	assert.Equal(t, tok.IssuedAt.Add(time.Hour), tok.ExpiresAt)
}

func TestNotIssuedBefore(t *testing.T) {
	t.Parallel()
	tk, clock := newTestTokens(t, edKey(t, 1))
	issued := clock.Now()
	tok, err := tk.Issue(testCode, testRoles)
	require.NoError(t, err)
	clock.Advance(10 * time.Minute)

	tests := []struct {
		name   string
		report time.Time
		ok     bool
	}{
		{"report before issue", issued.Add(-time.Second), true},
		{"report at the very instant of issue", issued, true},
		{"report later in the same second", issued.Add(300 * time.Millisecond), false},
		{"report after issue", issued.Add(5 * time.Minute), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			claims, err := tk.Verify(context.Background(), tok.Value, NotIssuedBefore(tc.report))
			if tc.ok {
				require.NoError(t, err)
				assert.False(t, IssuedBefore(claims, tc.report))
				return
			}
			require.ErrorIs(t, err, ErrInvalidToken)
			unchecked, err := tk.Verify(context.Background(), tok.Value)
			require.NoError(t, err)
			assert.True(t, IssuedBefore(unchecked, tc.report))
		})
	}
	// The latest of several reports wins; a nil option is ignored.
	_, err = tk.Verify(context.Background(), tok.Value, NotIssuedBefore(issued.Add(time.Minute)), NotIssuedBefore(issued.Add(-time.Hour)), nil)
	require.ErrorIs(t, err, ErrInvalidToken)
	assert.True(t, IssuedBefore(nil, issued), "nil claims fail closed")
}

func TestVerifyHonoursContext(t *testing.T) {
	t.Parallel()
	tk, _ := newTestTokens(t, edKey(t, 1))
	tok, err := tk.Issue(testCode, testRoles)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = tk.Verify(ctx, tok.Value)
	require.ErrorIs(t, err, context.Canceled)
}

func TestTokenRS256(t *testing.T) {
	t.Parallel()
	priv, key := rsaKey(t, 2048)
	tk, _ := newTestTokens(t, key)
	assert.Equal(t, jwa.RS256, tk.Algorithm())
	tok, err := tk.Issue(testCode, testRoles)
	require.NoError(t, err)
	var header map[string]any
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok.Value, ".")[0])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &header))
	assert.Equal(t, "RS256", header["alg"])

	claims, err := tk.Verify(context.Background(), tok.Value)
	require.NoError(t, err)
	assert.Equal(t, testCode, claims.Subject)

	// The classic confusion: HS256 keyed with the RSA public key's PEM.
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	forged := craft(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": tk.KeyID()}, validClaims(newFakeClock().Now()), hs256(pemKey))
	_, err = tk.Verify(context.Background(), forged)
	require.ErrorIs(t, err, ErrInvalidToken)
}

func TestNewTokensKeyRules(t *testing.T) {
	t.Parallel()
	_, rsa2048 := rsaKey(t, 2048)
	_, rsa1024 := rsaKey(t, 1024)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	require.NoError(t, err)
	ecKey, err := jwk.FromRaw(ec)
	require.NoError(t, err)
	hmacKey, err := jwk.FromRaw([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	edPub, err := edKey(t, 1).PublicKey()
	require.NoError(t, err)
	x25519, err := jwk.ParseKey([]byte(`{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo","d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo"}`))
	require.NoError(t, err)
	withAlg := func(k jwk.Key, name string, v any) jwk.Key {
		c, err := k.Clone()
		require.NoError(t, err)
		require.NoError(t, c.Set(name, v))
		return c
	}

	tests := []struct {
		name    string
		key     jwk.Key
		wantAlg jwa.SignatureAlgorithm
		wantErr error
	}{
		{"Ed25519", edKey(t, 1), jwa.EdDSA, nil},
		{"Ed25519 with alg EdDSA", withAlg(edKey(t, 1), jwk.AlgorithmKey, jwa.EdDSA), jwa.EdDSA, nil},
		{"RSA 2048", rsa2048, jwa.RS256, nil},
		{"RSA with alg RS256", withAlg(rsa2048, jwk.AlgorithmKey, jwa.RS256), jwa.RS256, nil},
		{"nil", nil, "", ErrUnsupportedKey},
		{"RSA 1024", rsa1024, "", ErrUnsupportedKey},
		{"RSA with alg PS256", withAlg(rsa2048, jwk.AlgorithmKey, jwa.PS256), "", ErrUnsupportedKey},
		{"Ed25519 with alg HS256", withAlg(edKey(t, 1), jwk.AlgorithmKey, jwa.HS256), "", ErrUnsupportedKey},
		{"Ed25519 for encryption", withAlg(edKey(t, 1), jwk.KeyUsageKey, jwk.ForEncryption), "", ErrUnsupportedKey},
		{"EC P-256", ecKey, "", ErrUnsupportedKey},
		{"HMAC", hmacKey, "", ErrUnsupportedKey},
		{"X25519", x25519, "", ErrUnsupportedKey},
		{"public key only", edPub, "", ErrUnsupportedKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tk, err := NewTokens(tc.key)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, tk)
				assert.NotContains(t, err.Error(), `"d"`)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantAlg, tk.Algorithm())
		})
	}
}

func TestTokenKeyID(t *testing.T) {
	t.Parallel()
	// Without a kid, the RFC 7638 thumbprint; the caller's key is not changed.
	priv := rawEd(t, edKey(t, 1))
	bare, err := jwk.FromRaw(priv)
	require.NoError(t, err)
	tk, err := NewTokens(bare)
	require.NoError(t, err)
	tp, err := bare.Thumbprint(crypto.SHA256)
	require.NoError(t, err)
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(tp), tk.KeyID())
	assert.Empty(t, bare.KeyID())

	named := edKey(t, 1)
	require.NoError(t, named.Set(jwk.KeyIDKey, "operator-2026-03"))
	tk, err = NewTokens(named)
	require.NoError(t, err)
	assert.Equal(t, "operator-2026-03", tk.KeyID())
}

func TestTokenOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []TokenOption
		ok   bool
	}{
		{"defaults", nil, true},
		{"ttl 24h", []TokenOption{WithTTL(24 * time.Hour)}, true},
		{"ttl 1s", []TokenOption{WithTTL(time.Second)}, true},
		{"ttl over 24h", []TokenOption{WithTTL(25 * time.Hour)}, false},
		{"ttl zero", []TokenOption{WithTTL(0)}, false},
		{"ttl fractional seconds", []TokenOption{WithTTL(1500 * time.Millisecond)}, false},
		{"issuer", []TokenOption{WithIssuer("hcxgateway@hcx")}, true},
		{"empty issuer", []TokenOption{WithIssuer("")}, false},
		{"issuer with newline", []TokenOption{WithIssuer("hcx\n")}, false},
		{"audiences", []TokenOption{WithAudience("a", "b")}, true},
		{"no audience", []TokenOption{WithAudience()}, false},
		{"empty audience", []TokenOption{WithAudience("a", "")}, false},
		{"leeway", []TokenOption{WithLeeway(time.Minute)}, true},
		{"negative leeway", []TokenOption{WithLeeway(-time.Second)}, false},
		{"huge leeway", []TokenOption{WithLeeway(time.Hour)}, false},
		{"nil clock", []TokenOption{WithClock(nil)}, false},
		{"nil rand", []TokenOption{WithRand(nil)}, false},
		{"nil option", []TokenOption{nil}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tk, err := NewTokens(edKey(t, 1), tc.opts...)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidOption)
			assert.Nil(t, tk)
		})
	}
}

func TestIssueRejectsBadInput(t *testing.T) {
	t.Parallel()
	tk, _ := newTestTokens(t, edKey(t, 1))
	tests := []struct {
		name  string
		code  string
		roles []hcxonboard.Role
		want  error
	}{
		{"empty code", "", testRoles, ErrInvalidArgument},
		{"control character", "a\x00b@hcx", testRoles, ErrInvalidArgument},
		{"invalid UTF-8", "a\xffb@hcx", testRoles, ErrInvalidArgument},
		{"too long", strings.Repeat("a", 300), testRoles, ErrInvalidArgument},
		{"no roles", testCode, nil, ErrInvalidArgument},
		{"unknown role", testCode, []hcxonboard.Role{"superuser"}, hcxonboard.ErrUnknownRole},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok, err := tk.Issue(tc.code, tc.roles)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, Token{}, tok)
		})
	}

	boom := errors.New("no entropy")
	broken, _ := newTestTokens(t, edKey(t, 1), WithRand(errReader{boom}))
	_, err := broken.Issue(testCode, testRoles)
	require.ErrorIs(t, err, boom)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey := edKey(t, 1)
	_, rsaOld := rsaKey(t, 2048)
	before, clock := newTestTokens(t, oldKey)
	oldTok, err := before.Issue(testCode, testRoles)
	require.NoError(t, err)
	rsaTokens, _ := newTestTokens(t, rsaOld)
	rsaTok, err := rsaTokens.Issue(testCode, testRoles)
	require.NoError(t, err)

	oldPub, err := oldKey.PublicKey()
	require.NoError(t, err)
	after, err := NewTokens(edKey(t, 2), WithClock(clock.Now), WithPreviousKeys(oldPub), WithPreviousKeys(rsaOld))
	require.NoError(t, err)
	newTok, err := after.Issue(testCode, testRoles)
	require.NoError(t, err)
	assert.NotEqual(t, before.KeyID(), after.KeyID())

	for name, tok := range map[string]string{"old EdDSA": oldTok.Value, "old RS256": rsaTok.Value, "new": newTok.Value} {
		_, err := after.Verify(context.Background(), tok)
		require.NoError(t, err, name)
	}
	// Without the previous keys the old tokens die; the old Tokens never
	// trusted the new key.
	bare, _ := newTestTokens(t, edKey(t, 2))
	_, err = bare.Verify(context.Background(), oldTok.Value)
	require.ErrorIs(t, err, ErrInvalidToken)
	_, err = before.Verify(context.Background(), newTok.Value)
	require.ErrorIs(t, err, ErrInvalidToken)

	// alg follows the key: an EdDSA header on the RSA key's kid is refused.
	confused := craft(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": rsaTokens.KeyID()},
		validClaims(clock.Now()), edSigner(rawEd(t, edKey(t, 2))))
	_, err = after.Verify(context.Background(), confused)
	require.ErrorIs(t, err, ErrInvalidToken)

	// kids must be distinct, previous keys follow the same rules.
	_, err = NewTokens(edKey(t, 2), WithPreviousKeys(edKey(t, 2)))
	require.ErrorIs(t, err, ErrInvalidOption)
	_, rsa1024 := rsaKey(t, 1024)
	_, err = NewTokens(edKey(t, 2), WithPreviousKeys(rsa1024))
	require.ErrorIs(t, err, ErrUnsupportedKey)
	_, err = NewTokens(edKey(t, 2), WithPreviousKeys(nil))
	require.ErrorIs(t, err, ErrUnsupportedKey)

	set := after.JWKS()
	require.Equal(t, 3, set.Len())
	for i, kid := range []string{after.KeyID(), before.KeyID(), rsaTokens.KeyID()} {
		k, ok := set.Key(i)
		require.True(t, ok)
		assert.Equal(t, kid, k.KeyID())
	}
}

func TestJWKSHandler(t *testing.T) {
	t.Parallel()
	rsaPriv, rsaJWK := rsaKey(t, 2048)
	tk, err := NewTokens(rsaJWK, WithPreviousKeys(edKey(t, 1)))
	require.NoError(t, err)
	h := tk.JWKSHandler()

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/jwks.json", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Header().Get("Cache-Control"), "max-age=")
	etag := rec.Header().Get("ETag")
	assert.NotEmpty(t, etag)
	body := rec.Body.Bytes()

	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	require.Len(t, doc.Keys, 2)
	for _, k := range doc.Keys {
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
			assert.NotContains(t, k, private, "kid %v", k["kid"])
		}
		assert.Equal(t, "sig", k["use"])
		assert.NotEmpty(t, k["kid"])
	}
	assert.Equal(t, "RS256", doc.Keys[0]["alg"])
	assert.Equal(t, "EdDSA", doc.Keys[1]["alg"])
	assert.NotContains(t, string(body), base64.RawURLEncoding.EncodeToString(rsaPriv.D.Bytes())[:20])

	// The published set verifies the tokens.
	set, err := jwk.Parse(body)
	require.NoError(t, err)
	pub, ok := set.LookupKeyID(tk.KeyID())
	require.True(t, ok)
	var rpub rsa.PublicKey
	require.NoError(t, pub.Raw(&rpub))
	assert.True(t, rpub.Equal(&rsaPriv.PublicKey))

	tests := []struct {
		name       string
		method     string
		header     map[string]string
		wantStatus int
		wantBody   bool
	}{
		{"HEAD", http.MethodHead, nil, http.StatusOK, false},
		{"revalidation", http.MethodGet, map[string]string{"If-None-Match": etag}, http.StatusNotModified, false},
		{"POST", http.MethodPost, nil, http.StatusMethodNotAllowed, true},
		{"DELETE", http.MethodDelete, nil, http.StatusMethodNotAllowed, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, "/.well-known/jwks.json", nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, tc.wantStatus, rec.Code)
			assert.Equal(t, tc.wantBody, rec.Body.Len() > 0)
			if tc.wantStatus == http.StatusMethodNotAllowed {
				assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
				assert.NotContains(t, rec.Body.String(), "keys")
			}
		})
	}
}

func TestJWKSIsACopy(t *testing.T) {
	t.Parallel()
	tk, _ := newTestTokens(t, edKey(t, 1))
	set := tk.JWKS()
	k, ok := set.Key(0)
	require.True(t, ok)
	require.NoError(t, k.Set(jwk.KeyIDKey, "mallory"))
	require.NoError(t, set.AddKey(edKey(t, 9)))

	again := tk.JWKS()
	require.Equal(t, 1, again.Len())
	k, _ = again.Key(0)
	assert.Equal(t, tk.KeyID(), k.KeyID())
	isPrivate, err := jwk.IsPrivateKey(k)
	require.NoError(t, err)
	assert.False(t, isPrivate)
}

func TestTokensConcurrent(t *testing.T) {
	t.Parallel()
	tk, _ := newTestTokens(t, edKey(t, 1), WithRand(seeded(4)))
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		ids = map[string]bool{}
	)
	for range 16 {
		wg.Go(func() {
			for range 20 {
				tok, err := tk.Issue(testCode, testRoles)
				if !assert.NoError(t, err) {
					return
				}
				c, err := tk.Verify(context.Background(), tok.Value)
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				ids[c.ID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, ids, 16*20)
}

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\there", "nul\x00", "del\x7f", "HIE/HIO.HCX", "देवनागरी", "</script>", "a?b~c>d", "𝄞 clef", "é\u2028"} {
		t.Run(s, func(t *testing.T) {
			t.Parallel()
			enc := appendJSONString(nil, s)
			require.True(t, json.Valid(enc), "%s", enc)
			var back string
			require.NoError(t, json.Unmarshal(enc, &back))
			assert.Equal(t, s, back)
		})
	}
}

func FuzzVerify(f *testing.F) {
	key := edKey(f, 1)
	tk, err := NewTokens(key)
	require.NoError(f, err)
	tok, err := tk.Issue(testCode, testRoles)
	require.NoError(f, err)
	f.Add(tok.Value)
	f.Add(craft(f, map[string]any{"alg": "none", "typ": "JWT", "kid": tk.KeyID()}, validClaims(time.Now()), nil))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		claims, err := tk.Verify(context.Background(), s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidToken)
			require.Nil(t, claims)
			return
		}
		// Anything accepted must carry a signature by our key over exactly
		// what was sent, so it can only be a token we issued.
		parts := strings.Split(s, ".")
		require.Len(t, parts, 3)
		sig, err := base64.RawURLEncoding.DecodeString(parts[2])
		require.NoError(t, err)
		require.True(t, ed25519.Verify(rawEd(t, key).Public().(ed25519.PublicKey), []byte(parts[0]+"."+parts[1]), sig))
		require.Equal(t, testCode, claims.ParticipantCode)
	})
}

func TestZeroTokensRefuses(t *testing.T) {
	t.Parallel()
	var tk Tokens
	_, err := tk.Issue(testCode, testRoles)
	require.ErrorIs(t, err, ErrInvalidOption)
	_, err = tk.Verify(context.Background(), "a.b.c")
	require.ErrorIs(t, err, ErrInvalidOption)
	assert.Empty(t, tk.KeyID())
	assert.Equal(t, 0, tk.JWKS().Len())
}

// A token verified once is remembered by its bytes: verifying it again
// skips the signature and the decoding. Its claims and times are checked
// on every call, a caller changing the claims it got changes nothing for
// the next, and a token differing in any byte (its signature, its claims)
// is verified afresh.
func TestVerifyRemembersOnlySignatures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key := edKey(t, 1)
	tk, clock := newTestTokens(t, key, WithTTL(time.Hour))
	tok, err := tk.Issue(testCode, testRoles)
	require.NoError(t, err)
	for range 3 {
		_, err := tk.Verify(ctx, tok.Value)
		require.NoError(t, err)
	}
	require.True(t, tk.signatures.has(sha256.Sum256([]byte(tok.Value))), "remembered")
	got, err := tk.Verify(ctx, tok.Value)
	require.NoError(t, err)
	got.Roles[0], got.Audience[0] = hcxonboard.RoleProvider, "elsewhere"
	again, err := tk.Verify(ctx, tok.Value)
	require.NoError(t, err)
	require.Equal(t, testRoles, again.Roles, "the remembered claims are the caller's to change")
	require.NotEqual(t, "elsewhere", again.Audience[0])

	// Another signature over the same signing input: refused, though the
	// claims are those of a remembered token.
	dot := strings.LastIndexByte(tok.Value, '.')
	forged := tok.Value[:dot+1] + base64.RawURLEncoding.EncodeToString(ed25519.Sign(rawEd(t, edKey(t, 2)), []byte(tok.Value[:dot])))
	_, err = tk.Verify(ctx, forged)
	require.ErrorIs(t, err, ErrInvalidToken)
	require.ErrorContains(t, err, "signature does not verify")
	require.False(t, tk.signatures.has(sha256.Sum256([]byte(forged))), "a refused token is not remembered")

	// Other claims under the remembered signature: refused.
	parts := strings.Split(tok.Value, ".")
	claims := validClaims(clock.Now())
	claims["participant_code"], claims["sub"] = "other@hcx", "other@hcx"
	raw, err := json.Marshal(claims)
	require.NoError(t, err)
	_, err = tk.Verify(ctx, parts[0]+"."+base64.RawURLEncoding.EncodeToString(raw)+"."+parts[2])
	require.ErrorIs(t, err, ErrInvalidToken)

	// The remembered token still expires.
	clock.Advance(2 * time.Hour)
	_, err = tk.Verify(ctx, tok.Value)
	require.ErrorIs(t, err, ErrTokenExpired)
}

// The memory of verified signatures is bounded.
func TestVerifiedSignaturesAreBounded(t *testing.T) {
	t.Parallel()
	var v verifiedSignatures
	for i := range maxVerifiedSignatures + 10 {
		v.add(sha256.Sum256([]byte(strconv.Itoa(i))), &wireClaims{})
		require.LessOrEqual(t, len(v.seen), maxVerifiedSignatures)
	}
	require.True(t, v.has(sha256.Sum256([]byte(strconv.Itoa(maxVerifiedSignatures+9)))))
	require.False(t, v.has(sha256.Sum256([]byte("0"))), "the memory started over")
}
