package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Every refused username/secret on the v0.9 token route answers alike,
// whatever is wrong with the username (a NUL byte included).
func TestSpecTokenUsernameRefusalsAreAlike(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	f := newFixture(t, httpapi.WithClock(func() time.Time { return fixed }))
	a, secret := f.live("Password Regulator")
	base := refusalOf(f.do(request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate",
		body: map[string]string{"username": "nobody@nowhere.example", "password": secret}}))
	for name, u := range map[string]string{
		"NUL in an e-mail":     "nobody\x00@nowhere.example",
		"control char e-mail":  "nobody\x01@nowhere.example",
		"long e-mail":          strings.Repeat("n", 600) + "@nowhere.example",
		"e-mail, other case":   strings.ToUpper(a.Participant.PrimaryEmail) + "x",
		"bare @":               "@",
		"code-like with space": " " + a.Participant.ParticipantCode + "x ",
	} {
		got := refusalOf(f.do(request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate",
			body: map[string]string{"username": u, "password": secret + "x"}}))
		assert.Equal(t, base, got, "%s", name)
	}
}
