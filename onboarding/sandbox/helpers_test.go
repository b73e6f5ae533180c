package sandbox

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// Test keys are generated once: RSA generation is slow under -race.
var testKeys = sync.OnceValue(func() map[string]any {
	must := func(k any, err error) any {
		if err != nil {
			panic(err)
		}
		return k
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	_, ed2, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return map[string]any{
		"ed25519":  ed,
		"ed25519b": ed2,
		"p256":     must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)),
		"p256b":    must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)),
		"p384":     must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader)),
		"p521":     must(ecdsa.GenerateKey(elliptic.P521(), rand.Reader)),
		"rsa2048":  must(rsa.GenerateKey(rand.Reader, 2048)),
		"rsa1024":  must(rsa.GenerateKey(rand.Reader, 1024)),
	}
})

func rawKey(name string) any {
	k, ok := testKeys()[name]
	if !ok {
		panic("no test key " + name)
	}
	return k
}

func jwkOf(t testing.TB, raw any) jwk.Key {
	t.Helper()
	k, err := jwk.FromRaw(raw)
	require.NoError(t, err)
	return k
}

func newTestIssuer(t testing.TB, id, key string, opts ...IssuerOption) *Issuer {
	t.Helper()
	opts = append([]IssuerOption{WithClock(fixedClock(t0))}, opts...)
	iss, err := NewIssuer(id, jwkOf(t, rawKey(key)), opts...)
	require.NoError(t, err)
	return iss
}

// baseClaims is a certificate valid from t0-1h for a year.
func baseClaims(roles ...hcxonboard.Role) Claims {
	if len(roles) == 0 {
		roles = []hcxonboard.Role{hcxonboard.RoleProvider}
	}
	return Claims{
		Subject:         "hospital-solution-42",
		IssuedAt:        t0.Add(-time.Hour),
		Expiry:          t0.Add(365 * 24 * time.Hour),
		Roles:           roles,
		ParticipantName: "Example Hospital",
		Solution:        &Solution{Name: "HMS", Version: "3.1"},
	}
}

func issue(t testing.TB, iss *Issuer, c Claims) string {
	t.Helper()
	tok, err := iss.Issue(c)
	require.NoError(t, err)
	return tok
}

func trustListOf(t testing.TB, entries ...TrustedIssuer) *TrustList {
	t.Helper()
	tl, err := NewTrustList(entries...)
	require.NoError(t, err)
	return tl
}

func trusted(t testing.TB, iss *Issuer, roles ...hcxonboard.Role) TrustedIssuer {
	t.Helper()
	ti, err := iss.TrustedIssuer(roles...)
	require.NoError(t, err)
	return ti
}

func newTestVerifier(t testing.TB, opts ...VerifierOption) *Verifier {
	t.Helper()
	opts = append([]VerifierOption{WithClock(fixedClock(t0))}, opts...)
	v, err := NewVerifier(opts...)
	require.NoError(t, err)
	return v
}

// seg base64url-encodes a JSON text given verbatim, so tests can craft
// headers and payloads jwx would never produce.
func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func jsonText(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// craft assembles a compact JWS by hand; sign gets the signing input.
func craft(header, payload string, sign func(input []byte) []byte) string {
	input := seg(header) + "." + seg(payload)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func ed25519Signer(key string) func([]byte) []byte {
	priv := rawKey(key).(ed25519.PrivateKey)
	return func(in []byte) []byte { return ed25519.Sign(priv, in) }
}

// payloadJSON is a valid claims object for crafted tokens.
func payloadJSON(t testing.TB, iss string, mutate func(m map[string]any)) string {
	t.Helper()
	m := map[string]any{
		"iss":       iss,
		"sub":       "solution-1",
		"jti":       "jti-1",
		"iat":       t0.Add(-time.Hour).Unix(),
		"nbf":       t0.Add(-time.Hour).Unix(),
		"exp":       t0.Add(24 * time.Hour).Unix(),
		"hcx_roles": []string{"provider"},
	}
	if mutate != nil {
		mutate(m)
	}
	return jsonText(t, m)
}

func headerJSON(t testing.TB, alg, kid string, mutate func(m map[string]any)) string {
	t.Helper()
	m := map[string]any{"alg": alg, "typ": MediaType}
	if kid != "" {
		m["kid"] = kid
	}
	if mutate != nil {
		mutate(m)
	}
	return jsonText(t, m)
}
