package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

func jwksJSON(t testing.TB, iss *Issuer) string {
	t.Helper()
	set, err := iss.PublicJWKS()
	require.NoError(t, err)
	return jsonText(t, set)
}

func TestLoadTrustList(t *testing.T) {
	t.Parallel()
	a := newTestIssuer(t, "sbx-a", "ed25519")
	doc := `{"issuers":[
		{"id":"sbx-a","jwks":` + jwksJSON(t, a) + `,"roles":["provider","payor"]},
		{"id":"sbx-b","jwks_url":"https://keys.example.test/sbx-b.json","roles":["10003","bsp","bsp"]}
	]}`
	tl, err := LoadTrustList(strings.NewReader(doc))
	require.NoError(t, err)

	got := tl.Issuers()
	require.Len(t, got, 2)
	assert.Equal(t, "sbx-a", got[0].ID)
	assert.Equal(t, []hcxonboard.Role{provider, payer}, got[0].Roles, "roles are canonical")
	require.NotNil(t, got[0].JWKS)
	assert.Equal(t, 1, got[0].JWKS.Len())
	assert.Empty(t, got[0].JWKSURL)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleTPA, hcxonboard.RoleBSP}, got[1].Roles, "duplicates dropped")
	assert.Equal(t, "https://keys.example.test/sbx-b.json", got[1].JWKSURL)
	assert.Nil(t, got[1].JWKS)

	one, ok := tl.Issuer("sbx-b")
	require.True(t, ok)
	assert.Equal(t, got[1], one)
	_, ok = tl.Issuer("sbx-c")
	assert.False(t, ok)

	// The listed issuer's certificates verify against the loaded list.
	v := newTestVerifier(t, WithTrustList(tl))
	_, err = v.Verify(context.Background(), issue(t, a, baseClaims(payer)), []hcxonboard.Role{payer})
	require.NoError(t, err)
}

func TestTrustListMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	a := newTestIssuer(t, "sbx-a", "p384")
	tl := trustListOf(t,
		trusted(t, a, provider),
		TrustedIssuer{ID: "sbx-b", Roles: []hcxonboard.Role{payer}, JWKSURL: "https://keys.example.test/b?v=1"},
	)
	out, err := json.Marshal(tl)
	require.NoError(t, err)

	var shape struct {
		Issuers []map[string]json.RawMessage `json:"issuers"`
	}
	require.NoError(t, json.Unmarshal(out, &shape))
	require.Len(t, shape.Issuers, 2)
	assert.Contains(t, shape.Issuers[0], "jwks")
	assert.NotContains(t, shape.Issuers[0], "jwks_url")
	assert.JSONEq(t, `"https://keys.example.test/b?v=1"`, string(shape.Issuers[1]["jwks_url"]))
	assert.NotContains(t, shape.Issuers[1], "jwks")
	assert.NotContains(t, string(out), `"d"`, "no private key material")

	again, err := LoadTrustList(bytes.NewReader(out))
	require.NoError(t, err)
	assert.Equal(t, tl.Issuers()[1], again.Issuers()[1])
	k1, _ := tl.Issuers()[0].JWKS.Key(0)
	k2, _ := again.Issuers()[0].JWKS.Key(0)
	assert.True(t, jwk.Equal(k1, k2))

	v := newTestVerifier(t, WithTrustList(again))
	_, err = v.Verify(context.Background(), issue(t, a, baseClaims()), []hcxonboard.Role{hospital})
	require.NoError(t, err)
}

func TestLoadTrustListRejects(t *testing.T) {
	t.Parallel()
	a := newTestIssuer(t, "sbx-a", "ed25519")
	keys := jwksJSON(t, a)
	private := jsonText(t, map[string]any{"keys": []any{jwkOf(t, rawKey("ed25519"))}})
	weakRSA, err := jwk.PublicKeyOf(rawKey("rsa1024"))
	require.NoError(t, err)
	weak := jsonText(t, map[string]any{"keys": []any{weakRSA}})
	oct := `{"keys":[{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}`
	entry := func(fields string) string { return `{"issuers":[` + fields + `]}` }

	tests := []struct {
		name    string
		doc     string
		wantMsg string
	}{
		{"not JSON", `issuers`, "not a JSON object"},
		{"broken JSON", `{"issuers":[}`, "not JSON"},
		{"not an object", `[]`, "not a JSON object"},
		{"no issuers member", `{}`, `no "issuers" array`},
		{"empty issuers", `{"issuers":[]}`, "no issuers"},
		{"unknown top-level member", `{"issuers":[],"version":2}`, `unknown field "version"`},
		{"trailing data", `{"issuers":[]} {}`, "data after"},
		{"duplicated top-level member", `{"issuers":[],"issuers":[]}`, `"issuers" appears twice`},
		{"unknown issuer member", entry(`{"id":"sbx-a","jwks":` + keys + `,"roles":["provider"],"trust":"full"}`),
			`issuer "sbx-a": json: unknown field "trust"`},
		{"duplicate issuer member", entry(`{"id":"sbx-a","id":"sbx-b","jwks":` + keys + `,"roles":["provider"]}`),
			`"id" appears twice`},
		{"duplicate issuer ids", entry(`{"id":"sbx-a","jwks":` + keys + `,"roles":["provider"]},{"id":"sbx-a","jwks":` + keys + `,"roles":["payer"]}`),
			`issuer "sbx-a": id listed twice`},
		{"empty id", entry(`{"id":"","jwks":` + keys + `,"roles":["provider"]}`), `issuer #1: empty issuer id`},
		{"no keys", entry(`{"id":"sbx-a","jwks":{"keys":[]},"roles":["provider"]}`), `issuer "sbx-a": jwks: key set holds no keys`},
		{"bare key instead of a set", entry(`{"id":"sbx-a","jwks":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},"roles":["provider"]}`),
			`issuer "sbx-a": jwks: want a JWK Set`},
		{"private key", entry(`{"id":"sbx-a","jwks":` + private + `,"roles":["provider"]}`), `issuer "sbx-a": jwks: key 0: is a private key`},
		{"RSA under 2048 bits", entry(`{"id":"sbx-a","jwks":` + weak + `,"roles":["provider"]}`), `issuer "sbx-a": jwks: key 0: RSA key is 1024 bits`},
		{"HMAC key", entry(`{"id":"sbx-a","jwks":` + oct + `,"roles":["provider"]}`), `issuer "sbx-a": jwks: key 0: symmetric`},
		{"bad role", entry(`{"id":"sbx-a","jwks":` + keys + `,"roles":["provider","astronaut"]}`), `issuer "sbx-a": roles[1]`},
		{"no roles", entry(`{"id":"sbx-a","jwks":` + keys + `,"roles":[]}`), `issuer "sbx-a": no roles`},
		{"role not a string", entry(`{"id":"sbx-a","jwks":` + keys + `,"roles":[10001]}`), `issuer "sbx-a": roles: want a JSON string`},
		{"both jwks and jwks_url", entry(`{"id":"sbx-a","jwks":` + keys + `,"jwks_url":"https://k.example.test/","roles":["provider"]}`),
			`issuer "sbx-a": has both jwks and jwks_url`},
		{"neither jwks nor jwks_url", entry(`{"id":"sbx-a","roles":["provider"]}`), `issuer "sbx-a": has neither jwks nor jwks_url`},
		{"jwks null and no url", entry(`{"id":"sbx-a","jwks":null,"roles":["provider"]}`), `has neither`},
		{"ftp url", entry(`{"id":"sbx-a","jwks_url":"ftp://k.example.test/keys","roles":["provider"]}`), `issuer "sbx-a": jwks_url: scheme "ftp"`},
		{"relative url", entry(`{"id":"sbx-a","jwks_url":"/keys.json","roles":["provider"]}`), `jwks_url: must be an absolute https URL`},
		{"url with credentials", entry(`{"id":"sbx-a","jwks_url":"https://u:p@k.example.test/keys","roles":["provider"]}`), `must not carry credentials`},
		{"too large", `{"issuers":[` + strings.Repeat(" ", MaxTrustListSize) + `]}`, "more than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tl, err := LoadTrustList(strings.NewReader(tt.doc))
			require.ErrorIs(t, err, ErrInvalidTrustList)
			t.Log(err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Nil(t, tl)
		})
	}
}

func TestLoadTrustListFile(t *testing.T) {
	t.Parallel()
	a := newTestIssuer(t, "sbx-a", "ed25519")
	dir := t.TempDir()
	path := filepath.Join(dir, "trust.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"issuers":[{"id":"sbx-a","jwks":`+jwksJSON(t, a)+`,"roles":["provider"]}]}`), 0o600))

	tl, err := LoadTrustListFile(path)
	require.NoError(t, err)
	assert.Len(t, tl.Issuers(), 1)

	_, err = LoadTrustListFile(filepath.Join(dir, "missing.json"))
	require.ErrorIs(t, err, ErrInvalidTrustList)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestNewTrustListRejects(t *testing.T) {
	t.Parallel()
	a := newTestIssuer(t, "sbx-a", "ed25519")
	good := trusted(t, a, provider)
	tests := []struct {
		name    string
		issuers []TrustedIssuer
		wantMsg string
	}{
		{"none", nil, "no issuers"},
		{"duplicate", []TrustedIssuer{good, good}, `issuer "sbx-a": id listed twice`},
		{"empty key set", []TrustedIssuer{{ID: "sbx-a", Roles: good.Roles, JWKS: jwk.NewSet()}}, "key set holds no keys"},
		{"unknown role", []TrustedIssuer{{ID: "sbx-a", Roles: []hcxonboard.Role{"astronaut"}, JWKS: good.JWKS}}, "roles[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tl, err := NewTrustList(tt.issuers...)
			require.ErrorIs(t, err, ErrInvalidTrustList)
			t.Log(err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Nil(t, tl)
		})
	}
}

// A trust list keeps its own copy of keys and roles: changing what was
// passed in, or what accessors return, changes nothing.
func TestTrustListIsImmutable(t *testing.T) {
	t.Parallel()
	a := newTestIssuer(t, "sbx-a", "ed25519")
	in := trusted(t, a, provider)
	tl := trustListOf(t, in)

	k, _ := in.JWKS.Key(0)
	require.NoError(t, in.JWKS.RemoveKey(k))
	in.Roles[0] = payer
	out := tl.Issuers()
	out[0].Roles[0] = payer
	k2, _ := out[0].JWKS.Key(0)
	require.NoError(t, out[0].JWKS.RemoveKey(k2))

	got, _ := tl.Issuer("sbx-a")
	assert.Equal(t, []hcxonboard.Role{provider}, got.Roles)
	assert.Equal(t, 1, got.JWKS.Len())
	v := newTestVerifier(t, WithTrustList(tl))
	_, err := v.Verify(context.Background(), issue(t, a, baseClaims()), []hcxonboard.Role{hospital})
	require.NoError(t, err)
}
