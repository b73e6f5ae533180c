package credential

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

// The reference platform's gateway reads a token's claims (entity[0] to
// pick the realm, then realm_access.roles) by decoding the payload with
// Java's basic Base64 decoder, whose alphabet is the standard one: a
// payload whose base64url holds '-' or '_' is refused there as an invalid
// token. Claims with '>', '?', '~' or characters beyond ASCII in them
// (an issuer URL with a query, a participant code from a custom
// generator) must still give a payload in the common part of the two
// alphabets, and read back as they were.
func TestTokenPayloadReadsInTheStandardAlphabet(t *testing.T) {
	t.Parallel()
	_, key := rsaKey(t, 2048)
	for _, tc := range []struct{ name, issuer, code string }{
		{"issuer with a query", "https://hcx.example/realms?x=>~", testCode},
		{"code beyond ASCII", DefaultIssuer, "अस्पताल~?>@hcx"},
		{"every awkward byte in each position", "a>?~", "b>?~@c>?~d>?~"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, p := range Profiles() {
				tk, _ := newTestTokens(t, key, WithProfile(p), WithIssuer(tc.issuer))
				tok, err := tk.Issue(tc.code, []hcxonboard.Role{hcxonboard.RolePayer})
				require.NoError(t, err)
				payload := strings.Split(tok.Value, ".")[1]
				assert.False(t, strings.ContainsAny(payload, "-_"), "%s: the payload is in the standard alphabet: %s", p, payload)
				raw, err := base64.RawStdEncoding.Strict().DecodeString(payload)
				require.NoError(t, err, "%s: Java's basic decoder reads it", p)
				var claims struct {
					Iss             string   `json:"iss"`
					ParticipantCode string   `json:"participant_code"`
					Entity          []string `json:"entity"`
				}
				require.NoError(t, json.Unmarshal(raw, &claims), p)
				assert.Equal(t, tc.issuer, claims.Iss, p)
				assert.Equal(t, tc.code, claims.ParticipantCode, p)

				got, err := tk.Verify(context.Background(), tok.Value)
				require.NoError(t, err, p)
				assert.Equal(t, tc.code, got.ParticipantCode, p)
				assert.Equal(t, tc.issuer, got.Issuer, p)
			}
		})
	}
}
