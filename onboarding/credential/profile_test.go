package credential

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

func rsSigner(priv *rsa.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte {
		sum := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

func decodeClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(raw, &claims))
	return claims
}

func TestProfileTokenClaims(t *testing.T) {
	t.Parallel()
	_, key := rsaKey(t, 2048)
	roles := []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleTPA}
	tests := []struct {
		profile Profile
		keys    []string
		sub     string
		realm   map[string]any
	}{
		{ProfileOwn, []string{"iss", "sub", "aud", "iat", "exp", "jti", "participant_code", "realm_access"}, testCode,
			map[string]any{"participant_roles": []any{"payer", "agency.tpa"}}},
		{ProfileSpec, []string{"iss", "sub", "aud", "iat", "exp", "jti", "participant_code", "user_id", "realm_access"}, testCode,
			map[string]any{"participant_roles": []any{"payer", "agency.tpa"}, "user_roles": []any{"admin"}}},
		{ProfilePlatform, []string{"iss", "sub", "aud", "iat", "exp", "jti", "participant_code", "user_id", "entity", "realm_access"}, OwnerID(testCode),
			map[string]any{"roles": []any{"payor", "agency.tpa"}, "participant_roles": []any{"payor", "agency.tpa"}, "user_roles": []any{"admin"}}},
		// NHCX's tokens are the specification's: its own come from the
		// ABDM gateway, whose claims are not published.
		{ProfileNHCX, []string{"iss", "sub", "aud", "iat", "exp", "jti", "participant_code", "user_id", "realm_access"}, testCode,
			map[string]any{"participant_roles": []any{"payer", "agency.tpa"}, "user_roles": []any{"admin"}}},
	}
	for _, tc := range tests {
		t.Run(string(tc.profile), func(t *testing.T) {
			t.Parallel()
			tk, clock := newTestTokens(t, key, WithProfile(tc.profile))
			assert.Equal(t, tc.profile, tk.Profile())
			assert.Equal(t, jwa.RS256, tk.Algorithm())
			tok, err := tk.Issue(testCode, roles)
			require.NoError(t, err)
			claims := decodeClaims(t, tok.Value)
			assert.ElementsMatch(t, tc.keys, keys(claims))
			assert.Equal(t, tc.sub, claims["sub"])
			assert.Equal(t, testCode, claims["participant_code"])
			assert.Equal(t, tc.realm, claims["realm_access"])
			assert.InDelta(t, float64(clock.Now().Unix()), claims["iat"], 0, "seconds, not milliseconds")
			if tc.profile != ProfileOwn {
				assert.Equal(t, testCode, claims["user_id"])
			}
			if tc.profile == ProfilePlatform {
				assert.Equal(t, []any{"Organisation"}, claims["entity"])
			}

			got, err := tk.Verify(context.Background(), tok.Value)
			require.NoError(t, err)
			assert.Equal(t, testCode, got.ParticipantCode)
			assert.Equal(t, tc.sub, got.Subject)
			assert.Equal(t, roles, got.Roles, "every spelling reads back as the canonical role")
		})
	}
}

func TestOwnerIDIsStableAndOpaque(t *testing.T) {
	t.Parallel()
	a, b := OwnerID(testCode), OwnerID(testCode)
	assert.Equal(t, a, b)
	assert.Len(t, a, 36)
	assert.NotContains(t, a, "rakshi")
	assert.NotEqual(t, a, OwnerID("payr_other_1@hcx"))
	assert.NotEqual(t, a, RecordID(testCode))
	assert.Equal(t, "5", a[14:15], "a version 5 UUID")
}

func TestProfileNeedsRSA(t *testing.T) {
	t.Parallel()
	for _, p := range []Profile{ProfileSpec, ProfilePlatform, ProfileNHCX} {
		_, err := NewTokens(edKey(t, 1), WithProfile(p))
		require.ErrorIs(t, err, ErrUnsupportedKey, p)
		assert.Contains(t, err.Error(), "RS256")
	}
	_, err := NewTokens(edKey(t, 1), WithProfile("nhcx-someday"))
	require.ErrorIs(t, err, ErrInvalidOption)
	for _, name := range []string{"payor", "NHCX", "nhcx ", "hcx-v0.8"} {
		_, err = ParseProfile(name)
		require.ErrorIs(t, err, ErrInvalidOption, name)
	}
	p, err := ParseProfile("")
	require.NoError(t, err)
	assert.Equal(t, ProfileOwn, p)
	for _, want := range Profiles() {
		p, err := ParseProfile(string(want))
		require.NoError(t, err)
		assert.Equal(t, want, p)
	}
}

// Every profile fails closed on what the default one refuses, and on
// tokens of another profile's shape signed with the same key.
func TestProfileTokenRejected(t *testing.T) {
	t.Parallel()
	priv, key := rsaKey(t, 2048)
	for _, profile := range []Profile{ProfileSpec, ProfilePlatform, ProfileNHCX} {
		t.Run(string(profile), func(t *testing.T) {
			t.Parallel()
			tk, clock := newTestTokens(t, key, WithProfile(profile))
			now := clock.Now()
			kid := tk.KeyID()
			hdr := map[string]any{"alg": "RS256", "typ": "JWT", "kid": kid}
			issued, err := tk.Issue(testCode, testRoles)
			require.NoError(t, err)
			var good map[string]any
			raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(issued.Value, ".")[1])
			require.NoError(t, json.Unmarshal(raw, &good))
			sign := rsSigner(priv)
			pubDER, err := json.Marshal(must(jwk.FromRaw(&priv.PublicKey)))
			require.NoError(t, err)

			own, _ := newTestTokens(t, key)
			byOwn, err := own.Issue(testCode, testRoles)
			require.NoError(t, err)
			otherIss, _ := newTestTokens(t, key, WithProfile(profile), WithIssuer("not-hcx"))
			byOtherIss, err := otherIss.Issue(testCode, testRoles)
			require.NoError(t, err)
			otherAud, _ := newTestTokens(t, key, WithProfile(profile), WithAudience("elsewhere"))
			byOtherAud, err := otherAud.Issue(testCode, testRoles)
			require.NoError(t, err)
			strangerPriv, strangerKey := rsaKeyFresh(t)
			parts := strings.Split(issued.Value, ".")
			tampered := parts[0] + "." + strings.Split(craft(t, hdr, with(good, "participant_code", "payr_other_1@hcx"), nil), ".")[1] + "." + parts[2]
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			sig[0] ^= 1
			flipped := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
			stranger, _ := newTestTokens(t, strangerKey, WithProfile(profile))
			byStranger, err := stranger.Issue(testCode, testRoles)
			require.NoError(t, err)

			tests := map[string]string{
				"alg none":                        craft(t, with(hdr, "alg", "none"), good, nil),
				"HS256 keyed with the public JWK": craft(t, with(hdr, "alg", "HS256"), good, hs256(pubDER)),
				"PS256 header":                    craft(t, with(hdr, "alg", "PS256"), good, sign),
				"unknown kid":                     craft(t, with(hdr, "kid", "other"), good, sign),
				"signed by an unknown key":        byStranger.Value,
				"wrong issuer":                    byOtherIss.Value,
				"wrong audience":                  byOtherAud.Value,
				"the default profile's shape":     byOwn.Value,
				"expired":                         craft(t, hdr, with(good, "iat", now.Unix()-7200, "exp", now.Unix()-3600), sign),
				"exp in milliseconds":             craft(t, hdr, with(good, "exp", now.UnixMilli()+3600_000), sign),
				"no user_roles":                   craft(t, hdr, with(good, "realm_access", map[string]any{"participant_roles": []string{"payer"}, "roles": []string{"payer"}}), sign),
				"user_roles without admin":        craft(t, hdr, with(good, "realm_access", map[string]any{"participant_roles": []string{"payer"}, "roles": []string{"payer"}, "user_roles": []string{"viewer"}}), sign),
				"user_id of someone else":         craft(t, hdr, with(good, "user_id", "someone@else"), sign),
				"participant_code of another":     craft(t, hdr, with(good, "participant_code", "payr_other_1@hcx"), sign),
				"tampered payload":                tampered,
				"flipped signature bit":           flipped,
				"wrong typ":                       craft(t, with(hdr, "typ", "hcx-sandbox-cert+jwt"), good, sign),
				"crit header":                     craft(t, with(hdr, "crit", []string{"exp"}), good, sign),
				"embedded jwk, unknown kid":       craft(t, with(hdr, "kid", "mine", "jwk", json.RawMessage(pubDER)), good, rsSigner(strangerPriv)),
				"issued in the future":            craft(t, hdr, with(good, "iat", now.Unix()+60, "exp", now.Unix()+3600), sign),
				"not yet valid":                   craft(t, hdr, with(good, "nbf", now.Unix()+60), sign),
				"lifetime over 24h":               craft(t, hdr, with(good, "exp", now.Unix()+25*3600), sign),
				"no sub":                          craft(t, hdr, with(good, "sub", nil), sign),
				"no participant_code":             craft(t, hdr, with(good, "participant_code", nil), sign),
				"no jti":                          craft(t, hdr, with(good, "jti", nil), sign),
				"no iat":                          craft(t, hdr, with(good, "iat", nil), sign),
				"no exp":                          craft(t, hdr, with(good, "exp", nil), sign),
				"no roles":                        craft(t, hdr, with(good, "realm_access", map[string]any{"user_roles": []string{"admin"}}), sign),
				"unknown role":                    craft(t, hdr, with(good, "realm_access", map[string]any{"participant_roles": []string{"god"}, "roles": []string{"god"}, "user_roles": []string{"admin"}}), sign),
			}
			if profile == ProfilePlatform {
				tests["sub is the code, not the owner id"] = craft(t, hdr, with(good, "sub", testCode), sign)
				tests["no entity"] = craft(t, hdr, with(good, "entity", nil), sign)
				tests["entity User"] = craft(t, hdr, with(good, "entity", []string{"User"}), sign)
				tests["roles differ from participant_roles"] = craft(t, hdr, with(good, "realm_access", map[string]any{
					"participant_roles": []string{"payor"}, "roles": []string{"HIE/HIO.HCX"}, "user_roles": []string{"admin"}}), sign)
			} else {
				tests["sub differs from participant_code"] = craft(t, hdr, with(good, "sub", "payr_other_1@hcx"), sign)
			}
			for name, tok := range tests {
				_, err := tk.Verify(context.Background(), tok)
				require.ErrorIs(t, err, ErrInvalidToken, name)
			}
			// The recipe is sound: the same claims, signed, verify.
			_, err = tk.Verify(context.Background(), craft(t, hdr, good, sign))
			require.NoError(t, err)
		})
	}
}

// The reference platform's gateway verifies with the first key of the
// realm's JWKS, RS256 only, kid unread, then reads entity[0],
// realm_access.roles and sub. A platform-profile token passes that, also
// when an older key is still published.
func TestPlatformGatewayAcceptsTokens(t *testing.T) {
	t.Parallel()
	_, key := rsaKey(t, 2048)
	tk, _ := newTestTokens(t, key, WithProfile(ProfilePlatform), WithPreviousKeys(edKey(t, 7)))
	tok, err := tk.Issue(testCode, []hcxonboard.Role{hcxonboard.RolePayer})
	require.NoError(t, err)

	rec := httptest.NewRecorder()
	tk.JWKSHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/jwks", nil))
	set, err := jwk.Parse(rec.Body.Bytes())
	require.NoError(t, err)
	require.Equal(t, 2, set.Len())
	first, _ := set.Key(0)
	assert.Equal(t, tk.KeyID(), first.KeyID(), "the profile's signing key is published first")

	payload, err := jws.Verify([]byte(tok.Value), jws.WithKey(jwa.RS256, first))
	require.NoError(t, err)
	var claims struct {
		Sub         string   `json:"sub"`
		Entity      []string `json:"entity"`
		RealmAccess struct {
			Roles []string `json:"roles"`
		} `json:"realm_access"`
	}
	require.NoError(t, json.Unmarshal(payload, &claims))
	assert.Equal(t, "Organisation", claims.Entity[0])
	assert.Equal(t, []string{"payor"}, claims.RealmAccess.Roles)
	assert.Equal(t, OwnerID(testCode), claims.Sub)

	var edPub ed25519.PublicKey
	second, _ := set.Key(1)
	require.NoError(t, second.Raw(&edPub), "the older key follows")
}

func TestProfileRoleNames(t *testing.T) {
	t.Parallel()
	rs := []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleHospital}
	assert.Equal(t, []string{"payer", "provider.hospital"}, ProfileOwn.RoleNames(rs))
	assert.Equal(t, []string{"payer", "provider.hospital"}, ProfileSpec.RoleNames(rs))
	assert.Equal(t, []string{"payor", "provider.hospital"}, ProfilePlatform.RoleNames(rs))
	assert.Equal(t, []string{}, ProfilePlatform.RoleNames(nil))
	bsp := []hcxonboard.Role{hcxonboard.RoleBSP}
	assert.Equal(t, []string{"BSP"}, ProfileSpec.RoleNames(bsp), "the specification's spelling")
	assert.Equal(t, []string{"bsp"}, ProfilePlatform.RoleNames(bsp), "the platform's")
	assert.Equal(t, []string{"bsp"}, ProfileOwn.RoleNames(bsp))
	for _, name := range []string{"BSP", "bsp"} {
		r, err := hcxonboard.ParseRole(name)
		require.NoError(t, err)
		assert.Equal(t, hcxonboard.RoleBSP, r, "%s reads back", name)
	}
	assert.False(t, ProfileOwn.CertificatesByURL())
	assert.True(t, ProfileSpec.CertificatesByURL())
	assert.True(t, ProfilePlatform.RS256Only())
	assert.True(t, ProfileNHCX.RS256Only())
	assert.False(t, ProfileNHCX.CertificatesByURL())
	for _, p := range Profiles() {
		assert.Equal(t, p == ProfileNHCX, p.CertificatesBase64(), p)
	}
	// Tokens keep the profile's role names; only NHCX records differ.
	assert.Equal(t, []string{"payer", "provider.hospital"}, ProfileNHCX.RoleNames(rs))
	assert.Equal(t, []string{"10009"}, ProfileNHCX.RecordRoles(bsp))
	assert.Equal(t, ProfilePlatform.RoleNames(rs), ProfilePlatform.RecordRoles(rs))
	assert.Equal(t, ProfileSpec.RoleNames(rs), ProfileSpec.RecordRoles(rs))
}

// NHCX records carry its numeric role codes, each once; every code reads
// back, through hcxonboard.ParseRole, as a role that covers the one
// written.
func TestProfileNHCXRecordRoles(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"10002", "10001"}, ProfileNHCX.RecordRoles(
		[]hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleProvider, hcxonboard.RoleHospital}))
	assert.Equal(t, []string{}, ProfileNHCX.RecordRoles(nil))
	assert.Equal(t, []string{"somebody"}, ProfileNHCX.RecordRoles([]hcxonboard.Role{"somebody"}), "no code: unchanged")
	for _, r := range hcxonboard.Roles() {
		codes := ProfileNHCX.RecordRoles([]hcxonboard.Role{r})
		require.Len(t, codes, 1, r)
		back, err := hcxonboard.ParseRole(codes[0])
		require.NoError(t, err, "%s → %s", r, codes[0])
		assert.True(t, back.Covers(r), "%s → %s → %s", r, codes[0], back)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// rsaKeyFresh is another 2048-bit key than rsaKey's.
func rsaKeyFresh(t *testing.T) (*rsa.PrivateKey, jwk.Key) {
	t.Helper()
	k, err := rsa.GenerateKey(seeded(9), 2048)
	require.NoError(t, err)
	j, err := jwk.FromRaw(k)
	require.NoError(t, err)
	return k, j
}

// WithProfile: tokens issued under another profile stop verifying when
// the profile changes. An operator moving back to the default profile,
// keeping its key, issuer and audience, sees the other profiles' tokens
// refused, and its own accepted.
func TestOwnProfileRefusesOtherProfilesTokens(t *testing.T) {
	t.Parallel()
	_, key := rsaKey(t, 2048)
	own, _ := newTestTokens(t, key)
	for _, p := range []Profile{ProfileSpec, ProfilePlatform, ProfileNHCX} {
		other, _ := newTestTokens(t, key, WithProfile(p))
		tok, err := other.Issue(testCode, testRoles)
		require.NoError(t, err)
		_, err = own.Verify(context.Background(), tok.Value)
		require.ErrorIs(t, err, ErrInvalidToken, "a %s token verified under the default profile", p)
	}
	tok, err := own.Issue(testCode, testRoles)
	require.NoError(t, err)
	_, err = own.Verify(context.Background(), tok.Value)
	require.NoError(t, err)
}

// A ProfileSpec token writes a beneficiary platform's role as the
// specification spells it, and reads back as the role.
func TestSpecProfileTokenSpellsBSP(t *testing.T) {
	t.Parallel()
	_, key := rsaKey(t, 2048)
	spec, _ := newTestTokens(t, key, WithProfile(ProfileSpec))
	tok, err := spec.Issue(testCode, []hcxonboard.Role{hcxonboard.RoleBSP})
	require.NoError(t, err)
	parts := strings.Split(tok.Value, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	assert.Contains(t, string(payload), `"participant_roles":["BSP"]`)
	claims, err := spec.Verify(context.Background(), tok.Value)
	require.NoError(t, err)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleBSP}, claims.Roles)
}

// ProfileNHCX's tokens are ProfileSpec's, a beneficiary platform's role
// spelled as the specification spells it included.
func TestNHCXProfileTokenSpellsRolesAsTheSpecification(t *testing.T) {
	t.Parallel()
	_, key := rsaKey(t, 2048)
	nhcx, _ := newTestTokens(t, key, WithProfile(ProfileNHCX))
	tok, err := nhcx.Issue(testCode, []hcxonboard.Role{hcxonboard.RoleBSP, hcxonboard.RolePayer})
	require.NoError(t, err)
	parts := strings.Split(tok.Value, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	assert.Contains(t, string(payload), `"participant_roles":["BSP","payer"]`)
	claims, err := nhcx.Verify(context.Background(), tok.Value)
	require.NoError(t, err)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleBSP, hcxonboard.RolePayer}, claims.Roles)
}
