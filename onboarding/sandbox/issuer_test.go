package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/x25519"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

func TestNewIssuerAlgorithmAndKeyID(t *testing.T) {
	t.Parallel()
	withKID := func(t *testing.T, raw any, kid string, alg jwa.SignatureAlgorithm) jwk.Key {
		k := jwkOf(t, raw)
		if kid != "" {
			require.NoError(t, k.Set(jwk.KeyIDKey, kid))
		}
		if alg != "" {
			require.NoError(t, k.Set(jwk.AlgorithmKey, alg))
		}
		return k
	}
	tests := []struct {
		name    string
		key     func(t *testing.T) jwk.Key
		opts    []IssuerOption
		wantAlg string
		wantKID string // empty: the thumbprint
	}{
		{"Ed25519", func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("ed25519")) }, nil, "EdDSA", ""},
		{"P-256", func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("p256")) }, nil, "ES256", ""},
		{"P-384", func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("p384")) }, nil, "ES384", ""},
		{"RSA defaults to RS256", func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("rsa2048")) }, nil, "RS256", ""},
		{"RSA with PS256", func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("rsa2048")) },
			[]IssuerOption{WithAlgorithm(jwa.PS256)}, "PS256", ""},
		{"RSA key pinned to PS256", func(t *testing.T) jwk.Key { return withKID(t, rawKey("rsa2048"), "", jwa.PS256) }, nil, "PS256", ""},
		{"kid from the key", func(t *testing.T) jwk.Key { return withKID(t, rawKey("ed25519"), "sbx-2026-01", "") }, nil, "EdDSA", "sbx-2026-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key := tt.key(t)
			iss, err := NewIssuer("sbx-1", key, tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantAlg, iss.Algorithm())
			assert.Equal(t, "sbx-1", iss.ID())
			want := tt.wantKID
			if want == "" {
				pub, err := key.PublicKey()
				require.NoError(t, err)
				want, err = thumbprintKID(pub)
				require.NoError(t, err)
			}
			assert.Equal(t, want, iss.KeyID())

			set, err := iss.PublicJWKS()
			require.NoError(t, err)
			require.Equal(t, 1, set.Len())
			pub, _ := set.Key(0)
			private, err := jwk.IsPrivateKey(pub)
			require.NoError(t, err)
			assert.False(t, private, "the published set holds the public key only")
			assert.Equal(t, want, pub.KeyID())
			assert.Equal(t, tt.wantAlg, pub.Algorithm().String())
			assert.Equal(t, "sig", pub.KeyUsage())
		})
	}
}

func TestNewIssuerRejects(t *testing.T) {
	t.Parallel()
	_, xPriv, err := x25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	pinned := func(t *testing.T, raw any, alg string) jwk.Key {
		k := jwkOf(t, raw)
		require.NoError(t, k.Set(jwk.AlgorithmKey, alg))
		return k
	}
	tests := []struct {
		name    string
		id      string
		key     func(t *testing.T) jwk.Key
		opts    []IssuerOption
		wantErr error
		wantMsg string
	}{
		{name: "nil key", key: func(*testing.T) jwk.Key { return nil }, wantErr: ErrInvalidKey, wantMsg: "nil key"},
		{name: "public key", key: func(t *testing.T) jwk.Key {
			k, err := jwkOf(t, rawKey("ed25519")).PublicKey()
			require.NoError(t, err)
			return k
		}, wantErr: ErrInvalidKey, wantMsg: "needs the private key"},
		{name: "HMAC secret", key: func(t *testing.T) jwk.Key { return jwkOf(t, []byte("0123456789abcdef0123456789abcdef")) },
			wantErr: ErrInvalidKey, wantMsg: "symmetric"},
		{name: "RSA 1024", key: func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("rsa1024")) },
			wantErr: ErrInvalidKey, wantMsg: "RSA key is 1024 bits, at least 2048 are required"},
		{name: "P-521", key: func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("p521")) },
			wantErr: ErrInvalidKey, wantMsg: "P-521"},
		{name: "X25519", key: func(t *testing.T) jwk.Key { return jwkOf(t, xPriv) }, wantErr: ErrInvalidKey, wantMsg: "not supported"},
		{name: "PS256 with an Ed25519 key", key: func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("ed25519")) },
			opts: []IssuerOption{WithAlgorithm(jwa.PS256)}, wantErr: ErrAlgorithm, wantMsg: "PS256 needs a key of type RSA, this one is Ed25519"},
		{name: "HS256", key: func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("ed25519")) },
			opts: []IssuerOption{WithAlgorithm(jwa.HS256)}, wantErr: ErrAlgorithm, wantMsg: `"HS256"`},
		{name: "none", key: func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("ed25519")) },
			opts: []IssuerOption{WithAlgorithm(jwa.NoSignature)}, wantErr: ErrAlgorithm},
		{name: "option contradicts the key's alg", key: func(t *testing.T) jwk.Key { return pinned(t, rawKey("rsa2048"), "RS256") },
			opts: []IssuerOption{WithAlgorithm(jwa.PS256)}, wantErr: ErrAlgorithm, wantMsg: "the key's alg is RS256"},
		{name: "key alg not accepted", key: func(t *testing.T) jwk.Key { return pinned(t, rawKey("rsa2048"), "RS512") },
			wantErr: ErrInvalidKey, wantMsg: `"RS512"`},
		{name: "empty id", id: "-", key: func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("ed25519")) },
			wantErr: ErrInvalidClaims, wantMsg: "empty issuer id"},
		{name: "id with spaces", id: " sbx ", key: func(t *testing.T) jwk.Key { return jwkOf(t, rawKey("ed25519")) },
			wantErr: ErrInvalidClaims, wantMsg: "surrounding space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := tt.id
			switch id {
			case "":
				id = "sbx-1"
			case "-":
				id = ""
			}
			iss, err := NewIssuer(id, tt.key(t), tt.opts...)
			require.ErrorIs(t, err, tt.wantErr)
			t.Log(err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Nil(t, iss)
		})
	}
}

func TestIssuerOptionsValidate(t *testing.T) {
	t.Parallel()
	key := jwkOf(t, rawKey("ed25519"))
	for name, opt := range map[string]IssuerOption{
		"nil clock":        WithClock(nil),
		"zero validity":    WithValidity(0),
		"negative":         WithValidity(-time.Hour),
		"nil id generator": WithIDGenerator(nil),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := NewIssuer("sbx-1", key, opt)
			require.Error(t, err)
		})
	}
}

func TestIssueFillsDefaults(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 890, time.UTC)
	iss := newTestIssuer(t, "sbx-1", "ed25519", WithClock(fixedClock(now)), WithValidity(180*24*time.Hour))
	tok := issue(t, iss, Claims{Subject: "sol-1", Roles: []hcxonboard.Role{"payor", "10001"}})

	header, payload := decodeSegments(t, tok)
	assert.Equal(t, map[string]any{"alg": "EdDSA", "typ": MediaType, "kid": iss.KeyID()}, header)
	assert.Equal(t, "sbx-1", payload["iss"])
	assert.Equal(t, "sol-1", payload["sub"])
	assert.EqualValues(t, now.Unix(), payload["iat"], "iat from the clock, whole seconds")
	assert.EqualValues(t, now.Unix(), payload["nbf"])
	assert.EqualValues(t, now.Add(180*24*time.Hour).Unix(), payload["exp"])
	assert.Equal(t, []any{"payer", "provider"}, payload["hcx_roles"], "roles are stored canonical")
	_, err := uuid.Parse(payload["jti"].(string))
	assert.NoError(t, err, "jti is a UUID")
	assert.NotContains(t, payload, "participant_name")
	assert.NotContains(t, payload, "solution")

	other := issue(t, iss, Claims{Subject: "sol-1", Roles: []hcxonboard.Role{"payer"}})
	_, payload2 := decodeSegments(t, other)
	assert.NotEqual(t, payload["jti"], payload2["jti"], "each certificate gets its own jti")
}

func TestIssueKeepsGivenValues(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-1", "p256", WithIDGenerator(func() (string, error) { return "fixed-id", nil }))
	c := baseClaims(hospital)
	c.Issuer = "sbx-1"
	c.NotBefore = t0
	tok := issue(t, iss, c)
	_, payload := decodeSegments(t, tok)
	assert.Equal(t, "fixed-id", payload["jti"])
	assert.EqualValues(t, t0.Unix(), payload["nbf"])
	assert.EqualValues(t, c.IssuedAt.Unix(), payload["iat"])
	assert.Equal(t, "Example Hospital", payload["participant_name"])
	assert.Equal(t, map[string]any{"name": "HMS", "version": "3.1"}, payload["solution"])

	c.ID = "given-id"
	_, payload = decodeSegments(t, issue(t, iss, c))
	assert.Equal(t, "given-id", payload["jti"])
}

func TestIssueRejects(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-1", "ed25519")
	failingIDs := newTestIssuer(t, "sbx-1", "ed25519", WithIDGenerator(func() (string, error) { return "", errors.New("entropy exhausted") }))
	emptyIDs := newTestIssuer(t, "sbx-1", "ed25519", WithIDGenerator(func() (string, error) { return "", nil }))
	tests := []struct {
		name    string
		issuer  *Issuer
		mutate  func(c *Claims)
		wantMsg string
	}{
		{name: "another issuer's name", mutate: func(c *Claims) { c.Issuer = "sbx-2" }, wantMsg: `issuer "sbx-2" is not this issuer's id "sbx-1"`},
		{name: "no subject", mutate: func(c *Claims) { c.Subject = " " }, wantMsg: "subject is required"},
		{name: "no roles", mutate: func(c *Claims) { c.Roles = nil }, wantMsg: "at least one role"},
		{name: "unknown role", mutate: func(c *Claims) { c.Roles = []hcxonboard.Role{"provider", "astronaut"} }, wantMsg: "roles[1]"},
		{name: "no expiry", mutate: func(c *Claims) { c.Expiry = time.Time{} }, wantMsg: "expiry is required"},
		{name: "expiry before not-before", mutate: func(c *Claims) { c.Expiry = c.IssuedAt.Add(-time.Second) }, wantMsg: "is not after"},
		{name: "expiry equal to not-before after truncation",
			mutate: func(c *Claims) { c.NotBefore = t0; c.Expiry = t0.Add(500 * time.Millisecond) }, wantMsg: "is not after"},
		{name: "solution without a name", mutate: func(c *Claims) { c.Solution = &Solution{Version: "1"} }, wantMsg: "solution needs a name"},
		{name: "jti generator fails", issuer: failingIDs, wantMsg: "entropy exhausted"},
		{name: "jti generator returns nothing", issuer: emptyIDs, wantMsg: "empty id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := baseClaims()
			if tt.mutate != nil {
				tt.mutate(&c)
			}
			i := iss
			if tt.issuer != nil {
				i = tt.issuer
			}
			tok, err := i.Issue(c)
			require.ErrorIs(t, err, ErrInvalidClaims)
			t.Log(err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Empty(t, tok)
		})
	}
}

// An issuer's key cannot be altered through the set it published.
func TestPublicJWKSIsACopy(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-1", "ed25519")
	set, err := iss.PublicJWKS()
	require.NoError(t, err)
	k, _ := set.Key(0)
	require.NoError(t, k.Set(jwk.KeyIDKey, "changed"))

	again, err := iss.PublicJWKS()
	require.NoError(t, err)
	k2, _ := again.Key(0)
	assert.Equal(t, iss.KeyID(), k2.KeyID())

	v := newTestVerifier(t, WithTrustList(trustListOf(t, trusted(t, iss, provider))))
	_, err = v.Verify(context.Background(), issue(t, iss, baseClaims()), nil)
	require.NoError(t, err)
}

func decodeSegments(t testing.TB, tok string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, dst))
	}
	return header, payload
}
